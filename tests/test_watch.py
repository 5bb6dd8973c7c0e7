"""``--watch``: rebuilds on each change of what the outputs are made from, and only those."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import export_post.watch as watch_module
from export_post.batch.discovery import Post
from export_post.leftovers import TMP_SUFFIX
from export_post.watch import QUIET_MS_VARIABLE, Rebuild, Watch
from export_post.watchpaths import current_posts

QUIET_MS = "100"
WAIT = 10.0  # seconds a rebuild may take at most on a loaded machine (they take well under 2)


class Watching:
    """A :class:`Watch` running in a thread; its rebuilds arrive in a queue."""

    def __init__(self, watch: Watch) -> None:
        self.rebuilds: queue.Queue[Rebuild] = queue.Queue()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(watch,), daemon=True)

    def _run(self, watch: Watch) -> None:
        try:
            watch.run(self.rebuilds.put, self.stop)
        except BaseException as err:  # shown by the test, not lost in the thread
            self.errors.append(err)

    def next(self) -> Rebuild:
        try:
            return self.rebuilds.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no rebuild within {WAIT} s; errors: {self.errors}") from None

    def none_within(self, seconds: float) -> None:
        with pytest.raises(queue.Empty):
            self.rebuilds.get(timeout=seconds)


@pytest.fixture
def watching(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv(QUIET_MS_VARIABLE, QUIET_MS)
    started: list[Watching] = []

    def start(watch: Watch) -> Watching:
        running = Watching(watch)
        running.thread.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop.set()
        running.thread.join(5)
        assert not running.thread.is_alive()
        assert not running.errors, running.errors


def picture(path: Path, colour: str) -> None:
    Image.new("RGB", (40, 30), colour).save(path)


def post(path: Path, title: str, body: str) -> None:
    path.write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """A site with two posts (one showing a picture) and a path theme."""
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "_config.yml").write_text("title: Watched\n")
    picture(site / "assets/a.png", "red")
    post(site / "_posts/2024-01-01-a.md", "A", "Alpha.\n\n![A picture](/assets/a.png)")
    post(site / "_posts/2024-01-02-b.md", "B", "Beta.")
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("name: watched\nextends: default\ncss:\n  common: [t.css]\n")
    (theme / "t.css").write_text("h1 { color: #123456; }\n")
    return tmp_path


def _watch(blog: Path, **keywords: Any) -> Watch:
    keywords = {"out_dir": blog / "out", "isolate": False, "theme": blog / "theme", **keywords}
    return Watch(inputs=[blog / "site"], formats=["html"], keywords=keywords)


def names(paths: Any) -> list[str]:
    return sorted(Path(p).name for p in paths)


def written(rebuild: Rebuild) -> list[str]:
    return names(r.output for r in rebuild.written)


def test_each_change_rebuilds_what_depends_on_it(blog: Path, watching: Any) -> None:
    (blog / "out").mkdir()
    running = watching(_watch(blog))
    assert written(running.next()) == ["2024-01-01-a.html", "2024-01-02-b.html"]
    site, out = blog / "site", blog / "out"

    started = time.monotonic()
    post(site / "_posts/2024-01-01-a.md", "A", "Alpha edited.\n\n![A picture](/assets/a.png)")
    rebuild = running.next()
    assert time.monotonic() - started < 3
    assert names(rebuild.changed) == ["2024-01-01-a.md"]
    assert written(rebuild) == ["2024-01-01-a.html"]
    assert "Alpha edited." in (out / "2024-01-01-a.html").read_text()

    picture(site / "assets/a.png", "blue")  # only a uses it
    rebuild = running.next()
    assert names(rebuild.changed) == ["a.png"]
    assert written(rebuild) == ["2024-01-01-a.html"]
    assert rebuild.up_to_date == 1

    (blog / "theme/t.css").write_text("h1 { color: #abcdef; }\n")
    rebuild = running.next()
    assert written(rebuild) == ["2024-01-01-a.html", "2024-01-02-b.html"]
    assert "#abcdef" in (out / "2024-01-02-b.html").read_text()
    with (blog / "theme/theme.yaml").open("a") as theme:  # read once per process, unless told
        theme.write('colors:\n  accent: "#fedcba"\n')
    assert written(running.next()) == ["2024-01-01-a.html", "2024-01-02-b.html"]
    assert "#fedcba" in (out / "2024-01-02-b.html").read_text()

    (site / "_config.yml").write_text("title: Watched again\n")
    assert written(running.next()) == ["2024-01-01-a.html", "2024-01-02-b.html"]

    (site / "notes.txt").write_text("nothing uses this")  # counted, but nothing depends on it
    rebuild = running.next()
    assert (written(rebuild), rebuild.up_to_date) == ([], 2)


def test_new_posts_are_built_and_deleted_ones_reported(blog: Path, watching: Any) -> None:
    (blog / "out").mkdir()
    running = watching(_watch(blog))
    running.next()
    post(blog / "site/_posts/2024-01-03-c.md", "C", "Gamma.")
    rebuild = running.next()
    assert (names(rebuild.added), written(rebuild)) == (["2024-01-03-c.md"], ["2024-01-03-c.html"])
    (blog / "site/_posts/2024-01-02-b.md").unlink()
    rebuild = running.next()
    assert names(rebuild.deleted) == ["2024-01-02-b.md"]
    assert (blog / "out/2024-01-02-b.html").exists()  # outputs are left alone


def test_a_burst_of_saves_is_one_rebuild_of_the_last_text(blog: Path, watching: Any) -> None:
    """An editor's save: a temporary written in pieces, renamed over the post, then touched."""
    target = blog / "site/_posts/2024-01-02-b.md"
    running = watching(_watch(blog, out_dir=None))
    running.next()
    scratch = target.with_name(".2024-01-02-b.md.swp")
    for word in ("one", "two", "three"):
        with scratch.open("a") as handle:
            handle.write(f"---\ntitle: B\n---\n\n{word}\n" if word == "one" else f"{word}\n")
        time.sleep(0.03)
    scratch.replace(target)
    for _ in range(3):
        time.sleep(0.03)
        with target.open("a") as handle:
            handle.write("final\n")
    rebuild = running.next()
    assert written(rebuild) == ["2024-01-02-b.html"]  # no output folder: just that post
    text = target.with_suffix(".html").read_text()
    assert "three" in text and text.count("final") == 3
    running.none_within(0.6)


def test_a_file_that_vanished_is_a_warning(
    blog: Path, watching: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = blog / "site/_posts/2024-01-02-b.md"
    running = watching(Watch(inputs=[named], formats=["html"], keywords={"isolate": False}))
    running.next()
    named.unlink()  # the only input: watched on, reported
    rebuild = running.next()
    assert (names(rebuild.deleted), rebuild.results) == (["2024-01-02-b.md"], ())

    gone = blog / "site/_posts/gone.md"  # found, then removed before it was read
    monkeypatch.setattr(watch_module, "current_posts", lambda inputs: [Post(gone)])
    rebuild = Watch(inputs=[gone], formats=["html"], keywords={"isolate": False}).build_all()
    assert rebuild.results == ()
    assert rebuild.warnings == (f"{gone}: vanished before it could be read; skipped",)


# -- the command line: a process, its workers and Ctrl-C ------------------------------------------


def _descendants(pid: int, depth: int = 1) -> set[int]:
    """The processes under ``pid`` at ``depth`` or deeper (2: a worker under the forkserver)."""
    listing = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True)
    children: dict[int, list[int]] = {}
    for line in listing.stdout.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = set(), [(pid, 0)]
    while todo:
        parent, level = todo.pop()
        for child in children.get(parent, []):
            if level + 1 >= depth:
                found.add(child)
            todo.append((child, level + 1))
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _start(blog: Path, *options: str) -> subprocess.Popen[str]:
    environment = {**os.environ, QUIET_MS_VARIABLE: QUIET_MS}
    command = [sys.executable, "-m", "export_post", str(blog / "site"), "-o", f"{blog}/out/", "--watch"]
    return subprocess.Popen(
        [*command, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )


def _until(condition: Any, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_json_line_per_rebuild_and_ctrl_c_while_watching(blog: Path) -> None:
    process = _start(blog, "-f", "html", "--json")
    assert process.stdout is not None
    first = json.loads(process.stdout.readline())
    assert (first["changed"], names(first["written"])) == ([], ["2024-01-01-a.html", "2024-01-02-b.html"])
    post(blog / "site/_posts/2024-01-02-b.md", "B", "Beta again.")
    second = json.loads(process.stdout.readline())
    assert names(second["changed"]) == ["2024-01-02-b.md"]
    assert names(second["written"]) == ["2024-01-02-b.html"]
    assert set(second) == {
        "time",
        "changed",
        "added",
        "deleted",
        "written",
        "up_to_date",
        "failed",
        "warnings",
    }
    workers = _descendants(process.pid)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=WAIT)
    assert process.returncode == 0
    _until(lambda: not _alive(workers))
    assert "Traceback" not in errors


def test_ctrl_c_during_a_build_leaves_no_worker_and_no_partial_file(blog: Path) -> None:
    (blog / "out").mkdir()
    process = _start(blog, "-f", "pdf")
    _until(lambda: bool(_descendants(process.pid, depth=2)))  # a worker under the forkserver
    time.sleep(0.3)  # converting
    seen = _descendants(process.pid)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=WAIT)
    assert process.returncode == 0, errors
    _until(lambda: not _alive(seen))
    out = blog / "out"
    assert not [p.name for p in out.iterdir() if p.name.endswith(TMP_SUFFIX)]
    for pdf in out.glob("*.pdf"):  # any output there is whole
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")


def test_what_is_watched_and_which_changes_count(blog: Path) -> None:
    site, out = blog / "site", blog / "site/_site/downloads"
    deck = blog / "decks/reference.pptx"
    deck.parent.mkdir()
    deck.write_bytes(b"a deck")
    watch = _watch(blog, out_dir=out, reference_pptx=str(deck))
    watch.formats = ["html", "pptx"]
    watch.posts = current_posts(watch.inputs)
    plan = watch.plan()
    assert sorted(plan.roots) == sorted(p.resolve() for p in (site, blog / "theme", deck.parent))
    counted = [
        site / "_posts/2024-01-01-a.md",
        site / "assets/a.png",
        site / "_config.yml",
        site / "book.yml",
        blog / "theme/t.css",
        deck,
    ]
    assert all(plan.counts(path) for path in counted)
    ignored = [
        site / "_posts/.2024-01-01-a.md.swp",
        site / "_posts/2024-01-01-a.md~",
        site / "_posts/#2024-01-01-a.md#",
        site / "_posts/4913",
        site / "_site/index.html",
        site / ".git/index",
        out / "2024-01-01-a.html",
        out / ".export-post-cache.json",
        blog / "elsewhere.md",
    ]
    assert not [path for path in ignored if plan.counts(path)]
