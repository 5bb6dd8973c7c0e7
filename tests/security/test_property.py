"""Property: any post built from hostile fragments converts (or fails cleanly) without leaking."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .harness import (
    LINUX,
    CanaryServer,
    Harness,
    k1_pdf_no_leak,
    k2_no_attachments,
    k4_zip_no_leak,
    k5_zip_no_media,
    k6_no_hits,
)

LIMIT = 30.0
SECRET = "@SECRET@"  # replaced by the example's secret folder
SERVER = "@SERVER@"  # replaced by the example's canary server (http://127.0.0.1:PORT)

REFS = [
    "../../secret/canary.png",
    "/../secret/canary.png",
    "%2e%2e/%2e%2e/secret/canary.png",
    "%252e%252e/%252e%252e/secret/canary.png",
    "..%2f..%2fsecret%2fcanary.png",
    f"file://{SECRET}/canary.png",
    f"file:///{SECRET}/canary.png",
    f"file://localhost{SECRET}/canary.txt",
    "/etc/passwd",
    "/proc/self/environ",
    "C:\\Windows\\win.ini",
    "\\\\attacker.invalid\\share\\x.png",
    f"{SERVER}/img.png",
    f"{SERVER}/redir?to=file:///etc/passwd",
    f"{SERVER}/secret",
    "//127.0.0.1/x.png",
    "/assets/ok.png",
    "assets/../../secret/canary.png",
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>",
]
LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "file:///etc/passwd",
    "data:text/html,x",
    "vbscript:x",
    "\\\\attacker.invalid\\s",
    f"{SERVER}/a",
    "https://example.com/",
    "#top",
    "mailto:a@example.com",
]

ref = st.sampled_from(REFS)
words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12).filter(
    lambda s: "CANARY" not in s.upper()
)
fragment = st.one_of(
    words,
    st.builds("![{}]({})".format, words, ref),
    st.builds('<img src="{}" alt="{}">'.format, ref, words),
    st.builds("[{}]({})".format, words, st.sampled_from(LINKS)),
    st.builds('<a href="{}">{}</a>'.format, st.sampled_from(LINKS), words),
    st.builds("<script>fetch('{}')</script>".format, ref),
    st.builds('<iframe src="{}"></iframe>'.format, ref),
    st.builds('<object data="{}"></object><embed src="{}">'.format, ref, ref),
    st.builds('<link rel="attachment" href="{}" title="n.txt">'.format, ref),
    st.builds('<link rel="stylesheet" href="{}">'.format, ref),
    st.builds('<base href="{}">'.format, ref),
    st.builds("<style>@import url({}); p{{background:url({})}}</style>".format, ref, ref),
    st.builds('<p style="background:url({})">{}</p>'.format, ref, words),
    st.builds('<svg xmlns="http://www.w3.org/2000/svg"><image href="{}"/></svg>'.format, ref),
    st.builds("{{% include_relative {} %}}".format, ref),
    st.builds("{{% include {} %}}".format, ref),
    st.just("{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    st.builds("{{{{ '{}' | prepend: site.url }}}}".format, ref),
    st.builds('{{: style="background:url({})" #x .y}}'.format, ref),
    st.just("{:toc}"),
    st.sampled_from(["# Heading", "> quote", "* item", "```\ncode\n```", "| a | b |\n|---|---|\n| 1 | 2 |"]),
)
separator = st.sampled_from(["\n\n", "\n", " "])
body = st.lists(st.tuples(fragment, separator), max_size=8).map(lambda xs: "".join(f + s for f, s in xs))
front = st.lists(
    st.one_of(
        st.builds("title: {}".format, st.sampled_from(["T", '"x\\u0000y"', "[a, b]", "123", "*a"])),
        st.builds('image: "{}"'.format, ref),
        st.builds('cover: "{}"'.format, ref),
        st.builds('header: {{image: "{}"}}'.format, ref),
        st.sampled_from(["lang: tr", "tags: [a, b]", "date: 2024-02-30", "x: !!python/name:os.system"]),
    ),
    max_size=4,
).map(lambda lines: "\n".join(lines))


@pytest.mark.skipif(not LINUX, reason="the canary server and process checks are Linux-only")
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=front, body=body)
def test_property_hostile_fragments_never_leak(front: str, body: str) -> None:
    """Notes: any generated post exits 0 or 1 without traceback; K1, K2, K4–K7 hold; time is bounded."""
    with tempfile.TemporaryDirectory() as tmp:
        server = CanaryServer()
        try:
            h = Harness(root=Path(tmp) / "T", server=server, scratch=Path(tmp) / "scratch")
            text = body.replace(SECRET, str(h.secret)).replace(SERVER, server.url(""))
            post = h.post(text, front=front.replace(SECRET, str(h.secret)).replace(SERVER, server.url("")))
            run = h.run(post, formats="epub,pdf", args=["--timeout", str(LIMIT)], timeout=LIMIT + 30)
            assert run.rc in (0, 1), run.explain()
            assert "Traceback" not in run.stderr, run.explain()
            assert run.elapsed < LIMIT + 5, run.explain()
            k6_no_hits(server)
            assert [p for p in run.new_files if h.out not in p.parents] == []
            assert [p for p in h.out.rglob("*") if ".tmp" in p.name] == []
            for result in run.results:
                if not result["ok"]:
                    continue
                output = Path(result["output"])
                if result["format"] == "pdf":
                    k1_pdf_no_leak(output)
                    k2_no_attachments(output)
                else:
                    k4_zip_no_leak(output)
                    k5_zip_no_media(output, h.canary_sha)
        finally:
            server.close()
