"""A13–A18: no request unless allowed, never to an internal address, never via a proxy."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

import pytest

from .harness import (
    LINUX,
    CanaryServer,
    Harness,
    Run,
    k1_pdf_no_leak,
    k2_no_attachments,
    k3_pdf_images,
    k6_no_hits,
    k11_warned,
    strace_lines,
    strace_prefix,
)

linux_only = pytest.mark.skipif(not LINUX, reason="loopback canary server and strace are Linux-only")
LOOPBACK = ["--allow-http", "--allow-host", "127.0.0.1"]  # the test-only exemption of the plan


@pytest.fixture
def second_server() -> Iterator[CanaryServer]:
    """Another canary: a redirect target on 127.0.0.2, or the proxy of A18."""
    server = CanaryServer("127.0.0.2")
    try:
        yield server
    finally:
        server.close()


def internal_urls(h: Harness) -> list[str]:
    port = h.server.port
    return [
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::1]:{port}/img.png",
        f"http://0x7f000001:{port}/img.png",
        f"http://2130706433:{port}/img.png",
        f"http://localtest.me:{port}/img.png",
        "https://127.0.0.1.nip.io/img.png",
        f"http://localhost:{port}/img.png",  # resolves (via /etc/hosts) to loopback here too
        f"https://127.0.0.1:{port}/img.png",
    ]


def image_post(h: Harness, urls: list[str], name: str = "2024-01-01-case.md") -> Path:
    return h.post("".join(f"![r{i}]({url})\n\n" for i, url in enumerate(urls)), name=name)


def refused_each(run: Run, urls: list[str]) -> None:
    """Every URL got an image warning naming it (K11); Markdown may have percent-encoded it."""
    messages = [unquote(d["message"]) for d in run.warnings() if d["code"].startswith("image-")]
    missing = [url for url in urls if not any(url in m for m in messages)]
    assert missing == [], f"no image warning for {missing}:\n{run.explain()}"


def internal_connects(trace: Path) -> list[str]:
    """connect() calls to link-local or loopback addresses (DNS on port 53 aside)."""
    return [
        line
        for line in strace_lines(trace)
        if re.search(r"connect\(.*AF_INET", line)
        and "htons(53)" not in line
        and re.search(r'inet_addr\("(127\.|169\.254\.)|inet_pton\(AF_INET6, "::1"|"::ffff:127\.', line)
    ]


@linux_only
def test_a13_remote_image_network_off(h: Harness) -> None:
    """A13: remote images are not fetched by default: no request, placeholder, warning."""
    url = h.server.url("/img.png")
    post = image_post(h, [url])
    run = h.run(post)
    assert run.rc == 0, run.explain()
    k6_no_hits(h.server)
    k3_pdf_images(run.output(post, "pdf"), 0)
    k11_warned(run, "image-remote-disabled", url)


@linux_only
def test_a14_remote_allowed_internal_target(h: Harness) -> None:
    """A14: with --allow-remote, internal targets are refused before connect (after DNS and an IP check)."""
    urls = internal_urls(h)
    post = image_post(h, urls)
    for args in (["--allow-remote"], ["--allow-remote", "--allow-http"]):
        trace = h.scratch / f"strace-connect{len(args)}"
        run = h.run(post, formats="pdf", args=args, prefix=strace_prefix(trace, "connect"), timeout=120)
        assert run.rc == 0, run.explain()
        k6_no_hits(h.server)
        assert internal_connects(trace) == []
        k3_pdf_images(run.output(post, "pdf"), 0)
        refused_each(run, urls)


@linux_only
def test_a15_redirect_pivot(h: Harness, second_server: CanaryServer) -> None:
    """A15: a redirect to another (internal) host or to file: is refused; the log shows only /redir."""
    hops = [
        h.server.url(f"/redir?to={second_server.url('/secret')}"),
        h.server.url("/redir?to=file:///etc/passwd"),
    ]
    control = h.server.url("/img.png")  # an allowed fetch, so the harness is known to reach the server
    post = image_post(h, [*hops, control])
    run = h.run(post, args=LOOPBACK)
    assert run.rc == 0, run.explain()
    k6_no_hits(second_server)
    assert "/secret" not in h.server.paths()
    assert sorted(h.server.paths()) == ["/img.png", "/redir", "/redir"]
    pdf = run.output(post, "pdf")
    k1_pdf_no_leak(pdf)
    k2_no_attachments(pdf)
    k3_pdf_images(pdf, 1)
    refused_each(run, hops)


@linux_only
def test_a16_slow_and_oversized_responses(h: Harness) -> None:
    """A16: a deadline (15 s a resource) and a byte cap apply: placeholder plus warning, not a hang.

    The deadline is measured where it acts: the server times how long the fetch of a
    response that trickles for 500 s lasted before the client hung up (a busy machine
    stretches the conversion around it, not that)."""
    deadline, limit_kb = 15.0, 1024 * 1024
    cases = {route: h.server.url(route) for route in ("/slow", "/big", "/gz")}

    def convert(route: str) -> Run:
        post = image_post(h, [cases[route]], name=f"2024-01-01{route.replace('/', '-')}.md")
        return h.run(post, formats="pdf", args=[*LOOPBACK, "--timeout", "120"], out=h.out / route[1:])

    with ThreadPoolExecutor(3) as pool:
        runs = dict(zip(cases, pool.map(convert, cases), strict=True))
    problems = []
    for route, run in runs.items():
        if run.rc != 0 or run.max_rss_kb >= limit_kb:
            problems.append(f"{route}: peak RSS {run.max_rss_kb} KiB, {run.explain()}")
        else:
            refused_each(run, [cases[route]])
    for _ in range(30):  # the server sees the hang-up at its next write (every 0.5 s)
        if "/slow" in h.server.hung_up:
            break
        time.sleep(0.1)
    fetches = h.server.hung_up.get("/slow", [])
    if not fetches or max(fetches) >= deadline + 3:
        problems.append(f"/slow: the client hung up after {fetches} s (deadline {deadline} s)")
    assert problems == [], "\n".join(problems)


@linux_only
def test_a17_attachment_or_stylesheet_url(h: Harness) -> None:
    """A17: <link rel=attachment|stylesheet> to a URL is stripped and never fetched, even with remote on."""
    post = h.post(
        f'<link rel="attachment" href="{h.server.url("/a")}">\n'
        f'<link rel="stylesheet" href="{h.server.url("/text")}">\n\n'
        "Text.\n"
    )
    run = h.run(post, args=LOOPBACK)
    assert run.rc == 0, run.explain()
    k6_no_hits(h.server)
    pdf = run.output(post, "pdf")
    k2_no_attachments(pdf)
    k1_pdf_no_leak(pdf)


@linux_only
def test_a18_proxy_environment(h: Harness, second_server: CanaryServer) -> None:
    """A18: proxy variables are never used: the proxy's log stays empty, network off or on."""
    proxy = second_server.url("")
    env = h.env(
        **{
            name: proxy
            for base in ("http", "https", "all")
            for name in (f"{base}_proxy", f"{base.upper()}_PROXY")
        }
    )
    urls = [*internal_urls(h), "http://proxy-canary.invalid/x.png", "https://proxy-canary.invalid/x.png"]
    post = image_post(h, urls)
    for args in ([], ["--allow-remote", "--allow-http"]):
        run = h.run(post, formats="pdf", args=args, env=env)
        assert "Traceback" not in run.stderr, run.explain()
        k6_no_hits(second_server, h.server)
