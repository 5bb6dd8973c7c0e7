"""A33–A35: generated internal names, no partial files, and a valid baseline over real posts."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from export_post.batch.buildcache import MANIFEST_NAME

from .harness import (
    LINUX,
    Harness,
    epub_images,
    epubcheck_many,
    k1_pdf_no_leak,
    k2_no_attachments,
    k8_clean_failure,
    k9_no_partial,
    k10_epub_valid,
    outputs_state,
    pdf_image_count,
    png_bytes,
    session_processes,
    sha256,
    zip_members,
)

linux_only = pytest.mark.skipif(not LINUX, reason="forkserver workers, /proc and signals: Linux-only")
BAD_NAME = re.compile(r"(^/|\.\./|\\| )")


def test_a33_producer_zip_slip_and_internal_names(h: Harness) -> None:
    """A33: media get generated names (no collision, no '..', space or backslash); duplicates stored once."""
    pics = {
        "assets/my pic é.png": png_bytes((10, 10), (1, 1, 1)),
        "assets/a%2fb.png": png_bytes((11, 10), (2, 2, 2)),
        "assets/x/logo.png": png_bytes((12, 10), (3, 3, 3)),
        "assets/y/logo.png": png_bytes((13, 10), (4, 4, 4)),
    }
    for name, data in pics.items():
        (h.site / name).parent.mkdir(parents=True, exist_ok=True)
        (h.site / name).write_bytes(data)
    post = h.post(
        "![a](/assets/../assets/ok.png)\n\n![a2](/assets/ok.png)\n\n"
        "![b](</assets/my pic é.png>)\n\n![c](/assets/a%2fb.png)\n\n"
        "![x](/assets/x/logo.png)\n\n![y](/assets/y/logo.png)\n"
    )
    run = h.run(post)
    assert run.rc == 0, run.explain()
    epub, pptx = run.output(post, "epub"), run.output(post, "pptx")
    k10_epub_valid(epub)
    literal = not [d for d in run.warnings() if "a%2fb" in d["message"]]  # the %2f file was found
    expected = {sha256(h.ok_png), *(sha256(d) for n, d in pics.items() if literal or "%2f" not in n)}
    for archive in (epub, pptx):
        names = list(zip_members(archive))
        assert [n for n in names if BAD_NAME.search(n) or not n.isascii()] == []
    media = {n: d for n, d in zip_members(epub).items() if n.startswith("EPUB/images/")}
    assert all(re.fullmatch(r"EPUB/images/[0-9a-f]{16,64}\.png", n) for n in media), sorted(media)
    assert sorted(sha256(d) for d in media.values()) == sorted(expected)  # each content once
    slides = [d for n, d in zip_members(pptx).items() if n.startswith("ppt/media/")]
    assert sorted(sha256(d) for d in slides) == sorted(expected)


HOOK = """
import errno, os, time

def _raise(*args, **kwargs):
    raise RuntimeError("injected writer failure")

def _partial_write(prs, target):  # the deck's zip half written, then the writer fails
    target.add("ppt/partial.xml", b"partial")
    raise RuntimeError("injected save failure")

def _disk_full(fd):
    raise OSError(errno.ENOSPC, "No space left on device (injected)")

_real_fsync = os.fsync

def _slow_fsync(fd):
    _real_fsync(fd)
    time.sleep(float(os.environ["SECURITY_HOOK_SLEEP"]))

hook = os.environ.get("SECURITY_HOOK", "")
if hook == "epub-raise":
    import export_post_epub.book
    export_post_epub.book.build_epub = _raise
elif hook == "pptx-partial":
    import export_post_pptx.oxml
    export_post_pptx.oxml.write_package = _partial_write
elif hook == "disk-full":
    os.fsync = _disk_full
elif hook == "slow-write":
    os.fsync = _slow_fsync
"""

SCRIPT = """
import multiprocessing, os, sys
from export_post.cli import main

if __name__ == "__main__":
    if os.environ["SECURITY_HOOK_WHERE"] == "workers":
        multiprocessing.set_forkserver_preload(["security_hook"])  # the workers get it, not this process
    else:
        import security_hook  # a single post without limits converts in this process
    sys.exit(main(sys.argv[1:]))
"""
# Where a post converts: in a worker (a limit given) or, one post without limits, in the
# command's own process. The hook goes where the conversion runs.
WHERE = {"workers": ["--timeout", "120"], "main": []}


def hooked(
    h: Harness, hook: str, sleep: float = 0, where: str = "workers"
) -> tuple[list[str], dict[str, str]]:
    """``python cli.py`` running export_post.cli.main with ``hook`` installed ``where``."""
    (h.scratch / "security_hook.py").write_text(HOOK)
    (h.scratch / "cli.py").write_text(SCRIPT)
    path = os.pathsep.join(filter(None, [str(h.scratch), os.environ.get("PYTHONPATH")]))
    return [str(h.scratch / "cli.py")], h.env(
        SECURITY_HOOK=hook, SECURITY_HOOK_SLEEP=str(sleep), SECURITY_HOOK_WHERE=where, PYTHONPATH=path
    )


INJECTED = {"epub-raise": "epub", "pptx-partial": "pptx", "disk-full": "epub,pptx"}


@linux_only
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("hook", INJECTED)
def test_a34a_failure_mid_write_leaves_nothing(h: Harness, hook: str, where: str) -> None:
    """A34(a): a late writer failure gives a clean error and no file (nor temporary) in out/."""
    post = h.post("# Title\n\nText.\n")
    script, env = hooked(h, hook, where=where)
    run = h.run(post, formats=INJECTED[hook], args=WHERE[where], env=env, python_args=script)
    assert "injected" in run.stderr, run.explain()
    k9_no_partial(h.out)
    k8_clean_failure(run, post, 120)


@linux_only
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("hook", INJECTED)
def test_a34c_second_run_failure_keeps_previous_output(h: Harness, hook: str, where: str) -> None:
    """A34(c): run twice, the second failing: the first outputs stay byte-identical."""
    post = h.post("# Title\n\nText.\n")
    first = h.run(post, formats="epub,pptx")
    assert first.rc == 0, first.explain()
    before = outputs_state(h.out)
    h.post("# Title\n\nChanged text.\n")
    script, env = hooked(h, hook, where=where)
    run = h.run(post, formats=INJECTED[hook], args=WHERE[where], env=env, python_args=script)
    assert "injected" in run.stderr, run.explain()
    k9_no_partial(h.out, before)
    k8_clean_failure(run, post, 120)


def session(pid: int) -> list[int]:
    return [p for p in session_processes(pid) if p != pid]


def writer_of(pid: int, folder: Path) -> int | None:
    """The process of session ``pid`` holding a temporary in ``folder`` open."""
    for candidate in session(pid):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{candidate}/fd").iterdir():
                target = str(fd.readlink())
                if target.startswith(str(folder)) and target.endswith(".tmp"):
                    return candidate
    return None


def start_slow_write(h: Harness, post: Path, sleep: float) -> tuple[subprocess.Popen[str], int]:
    """Start the CLI with a worker that sleeps after writing its temporary; return it and the writer."""
    script, env = hooked(h, "slow-write", sleep)
    proc = subprocess.Popen(
        [sys.executable, *script, str(post), "-f", "epub", "-o", f"{h.out}/", *WHERE["workers"]],
        cwd=h.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while (writer := writer_of(proc.pid, h.out)) is None:
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)  # not left for the garbage collector to warn about in a later test
            raise AssertionError("the writer never started")
        time.sleep(0.05)
    return proc, writer


def stop(proc: subprocess.Popen[str]) -> None:
    for pid in [proc.pid, *session(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(10)
    if proc.stderr is not None:
        proc.stderr.close()


@linux_only
def test_a34b_kill_worker_mid_write(h: Harness) -> None:
    """A34(b): kill -9 of the worker mid-write: no destination; the stale temporary goes at the next run."""
    post = h.post("# Title\n\nText.\n")
    proc, writer = start_slow_write(h, post, 60)
    try:
        os.kill(writer, signal.SIGKILL)
        assert proc.wait(30) == 1
        assert proc.stderr is not None and "killed" in proc.stderr.read()
    finally:
        stop(proc)
    assert not (h.out / f"{post.stem}.epub").exists()
    leftovers = list(h.out.glob(".*.tmp"))
    assert all(p.parent == h.out for p in leftovers)
    for stale in leftovers:
        os.utime(stale, (time.time() - 120, time.time() - 120))
    run = h.run(post, formats="epub")
    assert run.rc == 0, run.explain()
    assert sorted(p.name for p in h.out.iterdir() if p.name != MANIFEST_NAME) == [f"{post.stem}.epub"]


@linux_only
def test_a34b_kill_cli_mid_write(h: Harness) -> None:
    """A34(b): kill -9 of the CLI mid-write: no destination file appears, even later; no worker lives on."""
    post = h.post("# Title\n\nText.\n")
    proc, _ = start_slow_write(h, post, 4)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        time.sleep(8)  # the hooked writer would have finished by now
        orphans = session(proc.pid)
        written = (h.out / f"{post.stem}.epub").exists()
        assert (written, orphans) == (False, []), (
            f"after kill -9 of the CLI: written={written}, alive={orphans}"
        )
    finally:
        stop(proc)


def corpus_posts() -> list[Path]:
    value = os.environ.get("EXPORT_POST_CORPUS")
    root = Path(value) if value else Path(__file__).resolve().parents[3] / "shared" / "corpus"
    if not root.is_dir():
        pytest.skip(f"corpus not found at {root}; set EXPORT_POST_CORPUS")
    return sorted(p for p in root.glob("*/_posts/**/*") if p.suffix in (".md", ".markdown"))


def expected_images(post: Path) -> dict[str, str]:
    """ref → sha256 of every image file on disk the post refers to (the reader lists the refs)."""
    from export_post import load_post
    from export_post.model import iter_images

    doc = load_post(post)
    refs = [i.src for i in iter_images(doc.blocks)] + ([doc.meta.image] if doc.meta.image else [])
    found = {}
    for ref in refs:
        path = ref.removeprefix(doc.meta.site_url) if doc.meta.site_url else ref
        if re.match(r"^[a-z]+:|^//", path):
            continue
        path = unquote(path.split("#")[0].split("?")[0])
        root = doc.meta.site_root or post.parent
        file = root / path.lstrip("/") if path.startswith("/") else post.parent / path
        if file.is_file() and file.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"):
            found[ref] = sha256(file.read_bytes())
    return found


@pytest.mark.corpus
def test_a35_epub_structural_baseline_over_corpus(h: Harness) -> None:
    """A35: every real post gives a valid EPUB (metadata, nav, images), a clean PDF and an openable PPTX."""
    posts = corpus_posts()
    assert posts, "the corpus has no posts"
    env = h.env(LANG="tr_TR.UTF-8", LC_ALL="tr_TR.UTF-8", LANGUAGE="tr")  # the locale must not leak
    run = h.run(*posts, args=["-j", str(max(2, os.cpu_count() or 1))], env=env)
    assert run.rc == 0, run.explain()
    assert not [d for d in run.diagnostics() if "Failed to load image" in d["message"]]
    epubs = {post: run.output(post, "epub") for post in posts}
    checks = epubcheck_many(list(epubs.values()))
    from pptx import Presentation

    for post, epub in epubs.items():
        k10_epub_valid(epub, checks[epub])
        members = zip_members(epub)
        opf = next(d.decode() for n, d in members.items() if n.endswith(".opf"))
        for element in ("identifier", "title", "language"):
            assert re.search(rf"<dc:{element}[^>]*>\s*\S", opf), f"{post.name}: no dc:{element}"
        assert not re.search(r"<dc:language>tr\b", opf), post.name
        nav = next(d.decode() for n, d in members.items() if n.endswith("nav.xhtml"))
        assert re.search(r"<a\b", nav), f"{post.name}: empty nav"
        dangling = [s for s in epub_images(epub) if f"EPUB/{s}" not in members]
        assert dangling == [], f"{post.name}: {dangling}"
        media = {n: d for n, d in members.items() if n.startswith("EPUB/images/")}
        raster = [n for n in media if not n.endswith(".svg")]
        warned = " ".join(d["message"] for d in run.warnings() if Path(d["path"] or "").name == post.name)
        wanted = {ref: digest for ref, digest in expected_images(post).items() if ref not in warned}
        svgs = {digest for ref, digest in wanted.items() if ref.lower().endswith(".svg")}
        pictures = {digest for ref, digest in wanted.items() if not ref.lower().endswith(".svg")}
        # Pictures may be downscaled (other bytes), so they are counted; SVGs are stored as they are.
        assert svgs <= {sha256(d) for d in media.values()}, f"{post.name}: SVG images dropped silently"
        assert len(raster) >= len(pictures), f"{post.name}: {len(pictures)} pictures, {len(raster)} stored"
        pdf = run.output(post, "pdf")
        k1_pdf_no_leak(pdf)
        k2_no_attachments(pdf)
        assert pdf_image_count(pdf) >= len(raster), f"{post.name}: images missing in the PDF"
        Presentation(str(run.output(post, "pptx")))
