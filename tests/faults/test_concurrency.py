"""Concurrent runs into one output folder with different settings must not poison the build
cache: after any race, a run with one theme rebuilds or skips each output correctly, checked
by the outputs' content (the serif theme's font in the HTML page and in the EPUB's CSS).

The fast case races two real command-line runs a few times; the slow tier (``-m slow``, run
by CI too) races two processes many times, checking after every round."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from export_post.api import export_many

from .conftest import Tried
from .lab import SERIF_MARK, Lab, assert_cache_truthful, complete, outputs, temporaries

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forkserver workers: Linux")


def serif(path: Path) -> bool:
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            css = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".css"))
        return SERIF_MARK.encode() in css
    return SERIF_MARK in path.read_text(encoding="utf-8")


def check_theme(lab: Lab, theme: str) -> dict[str, int]:
    """A run with ``theme`` alone: every output then has that theme, whatever the race left."""
    results = export_many([lab.site], ["html", "epub"], lab.out, isolate=False, theme=theme)
    assert all(r.ok for r in results), [r.error for r in results]
    wrong = [p.name for p in outputs(lab.out) if serif(p) != (theme == "serif")]
    assert wrong == [], f"{theme} run left outputs of the other theme: {wrong}"
    assert [p.name for p in outputs(lab.out) if not complete(p)] == []
    assert temporaries(lab.out) == []
    assert_cache_truthful(lab.out)
    return {status: sum(r.status == status for r in results) for status in ("ok", "skipped")}


def test_two_command_line_runs_with_different_themes(lab: Lab, tried: Tried) -> None:
    lab.write_posts(4)
    for round in range(3):
        runs = [lab.start("-j", "2", "--force", "--theme", "serif"), lab.start("-j", "2", "--force")]
        for done in [proc.finish() for proc in runs]:
            assert done.rc == 0 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
        counts = check_theme(lab, "serif" if round % 2 == 0 else "default")
        tried.add(f"round {round + 1}: serif and default at once, then one theme: {counts}")


RACER = """
import multiprocessing, random, sys, time
from export_post.api import export_many
from export_post.batch.buildcache import Manifests

real = Manifests.record


def record(self, *args):  # a busy machine: the caller gets to each result a little late
    time.sleep(random.uniform(0, 0.01))
    real(self, *args)


Manifests.record = record
site, out, theme = sys.argv[1:]
if __name__ == "__main__":
    multiprocessing.set_forkserver_preload(["export_post.api", "export_post_html", "export_post_epub"])
    for line in sys.stdin:
        export_many([site], ["html", "epub"], out, jobs=2, theme=theme, force=True)
        print("done", flush=True)
"""


@pytest.mark.slow
def test_the_race_repeated_many_times(lab: Lab, tried: Tried) -> None:
    """Two processes, serif and default, each with its workers, convert every post into one
    folder at the same moment, 40 times; after each round a serif run must leave only serif
    outputs, rebuilding or skipping each one correctly. Before the fix, the cache paired one
    run's fingerprint with the other run's file in 12 of 60 such rounds, and the serif run
    then skipped default-theme files as up to date."""
    lab.write_posts(3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(lab.site), str(lab.out), theme],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for theme in ("serif", "default")
    ]
    totals = {"ok": 0, "skipped": 0}
    rounds = 40
    try:
        for _ in range(rounds):
            for racer in racers:
                assert racer.stdin is not None
                racer.stdin.write("go\n")
                racer.stdin.flush()
            for racer in racers:
                assert racer.stdout is not None and racer.stdout.readline() == "done\n"
            for status, count in check_theme(lab, "serif").items():
                totals[status] += count
    finally:
        for racer in racers:
            assert racer.stdin is not None and racer.stdout is not None
            racer.stdin.close()
            racer.wait(30)
            racer.stdout.close()
    tried.add(f"{rounds} races of serif and default, each followed by a serif run: {totals}")
