"""SIGINT and SIGTERM at random points of a batch; kill -9 of the CLI at random points.

After a signal: exit 130 / 143, one line saying so with the counts, the summary of what was
written, no traceback, the build cache saved, no process of the run left, nothing partial.
After kill -9: no process left either, and a rerun is complete and correct, with what was
announced as written before the kill counted as up to date.
"""

from __future__ import annotations

import random
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from .conftest import Tried
from .lab import Lab, Proc, assert_all_complete, assert_cache_truthful, complete, outputs, temporaries

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc, sessions and forkserver: Linux")

POSTS = 8
FORMATS = ("html", "epub")
RANDOM = random.Random(20240613)
POINTS = sorted(RANDOM.randrange(0, POSTS * len(FORMATS) - 2) for _ in range(3))
INTERRUPTED = re.compile(
    r"export-post: interrupted by (SIG\w+): "
    r"(\d+) written, (\d+) up to date, (\d+) failed, (\d+) not converted"
)


def extensions() -> list[str]:
    return [f".{fmt}" for fmt in FORMATS]


def wait_for_outputs(lab: Lab, proc: Proc, count: int) -> None:
    """Until ``count`` outputs are in the folder (the run prints them only at its end)."""
    deadline = time.monotonic() + 120
    while len(outputs(lab.out)) < count:
        assert proc.popen.poll() is None and time.monotonic() < deadline, "the run ended first"
        time.sleep(0.02)


def check_rerun(lab: Lab, tried: Tried, written: set[str]) -> None:
    """A rerun completes the batch; what the stopped run wrote is up to date now."""
    rerun = lab.run("--json")
    assert rerun.rc == 0 and rerun.leftover == [], rerun.explain()
    skipped = {r["output"] for r in rerun.records() if r["status"] == "skipped"}
    assert written <= skipped, f"written before, rebuilt again: {sorted(written - skipped)}"
    assert_all_complete(lab.out, sorted(lab.posts.iterdir()), extensions())
    assert_cache_truthful(lab.out)
    tried.add(f"rerun: {len(skipped)} up to date, {len(rerun.records()) - len(skipped)} written")


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_a_random_point(lab: Lab, tried: Tried, number: int, point: int) -> None:
    lab.write_posts(POSTS)
    pause = RANDOM.uniform(0, 0.3)
    proc = lab.start("--json", "-j", "2", hook="slow-all=0.25")
    proc.wait_for_lines(point)
    time.sleep(pause)
    proc.signal(number)
    done = proc.finish()
    name = signal.Signals(number).name
    tried.add(f"{name} after {point} results + {pause:.2f} s")
    assert done.rc == 128 + number, done.explain()
    assert "Traceback" not in done.stderr, done.explain()
    assert done.leftover == [], f"processes left: {done.leftover}"
    lines = [line for line in done.stderr.splitlines() if line]
    assert len(lines) == 1, done.explain()
    found = INTERRUPTED.fullmatch(lines[0])
    assert found is not None and found[1] == name, done.explain()
    records = done.records()
    written = {r["output"] for r in records if r["status"] == "ok"}
    assert int(found[2]) == len(written) and int(found[2]) + int(found[5]) + int(found[4]) == POSTS * 2
    assert all(complete(Path(path)) for path in written)
    assert temporaries(lab.out) == []  # a worker killed mid-write left nothing either
    assert_cache_truthful(lab.out)
    tried.add(f"rc {done.rc}, {len(written)} written, {found[5]} not converted, no process left")
    check_rerun(lab, tried, written)


def test_ctrl_c_on_a_terminal_shows_the_summary(lab: Lab, tried: Tried) -> None:
    """A real Ctrl-C: SIGINT to the whole process group (workers and forkserver ignore it;
    the CLI stops them), with the progress bar on a terminal."""
    lab.write_posts(POSTS)
    proc = lab.start("-j", "2", hook="slow-all=0.5", tty=True)
    wait_for_outputs(lab, proc, 3)
    proc.signal(signal.SIGINT, group=True)
    done = proc.finish()
    tried.add("SIGINT to the process group after 3 outputs, stderr a terminal")
    assert done.rc == 130, done.explain()
    assert "Traceback" not in done.stderr and done.leftover == [], done.explain()
    for row in ("written", "skipped (up to date)", "failed", "not converted (interrupted)", "wall time"):
        assert row in done.stderr, done.explain()
    assert "export-post: interrupted by SIGINT: " in done.stderr
    written = {line.removeprefix("wrote ").strip() for _, line in done.lines if line.startswith("wrote ")}
    tried.add(f"rc 130, summary table, {len(written)} written")
    check_rerun(lab, tried, written)


def test_sigterm_in_plain_mode_lists_what_was_written(lab: Lab, tried: Tried) -> None:
    lab.write_posts(POSTS)
    proc = lab.start("-j", "1", hook="slow-all=0.5")
    wait_for_outputs(lab, proc, 3)
    proc.signal(signal.SIGTERM)
    done = proc.finish()
    tried.add("SIGTERM after 3 outputs, plain output")
    assert done.rc == 143 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    written = [line.removeprefix("wrote ").strip() for _, line in done.lines]
    assert written and all(line.startswith(f"{lab.out}/") for line in written), done.explain()
    assert all(complete(Path(path)) for path in written)
    assert done.stderr.endswith(
        f"written, 0 up to date, 0 failed, {POSTS * 2 - len(written)} not converted\n"
    ), done.explain()
    check_rerun(lab, tried, set(written))


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_of_the_cli_at_a_random_point(lab: Lab, tried: Tried, point: int) -> None:
    lab.write_posts(POSTS)
    pause = RANDOM.uniform(0, 0.5)
    proc = lab.start("--json", "-j", "2", hook="slow-all=0.25")
    proc.wait_for_lines(point)
    time.sleep(pause)
    killed_at = time.monotonic()
    proc.signal(signal.SIGKILL)
    done = proc.finish()
    tried.add(f"kill -9 of the CLI after {point} results + {pause:.2f} s")
    assert done.rc == -signal.SIGKILL
    assert done.leftover == [], f"processes left after kill -9: {done.leftover}"
    # A result announced a while before the kill is in the saved cache (saved as results arrive).
    settled = {
        r["output"]
        for (at, line), r in zip(done.lines, done.records(), strict=True)
        if r["status"] == "ok" and at < killed_at - 1.5
    }
    left = temporaries(lab.out)
    tried.add(f"{len(done.records())} results before the kill, {len(left)} temporaries left")
    check_rerun(lab, tried, settled)


def test_kill_9_of_everything_mid_write_leaves_a_temporary_the_next_run_removes(
    lab: Lab, tried: Tried
) -> None:
    posts = lab.write_posts(2)
    proc = lab.start("-j", "1", hook="slow-write=30")
    deadline = time.monotonic() + 60
    while not temporaries(lab.out):
        assert time.monotonic() < deadline and proc.popen.poll() is None, "no write started"
        time.sleep(0.05)
    proc.signal(signal.SIGKILL, group=True)  # the CLI, the forkserver and the writing worker
    done = proc.finish()
    left = temporaries(lab.out)
    tried.add(f"kill -9 of the whole run mid-write: {len(left)} temporary left (fresh, writer dead)")
    assert done.leftover == [] and len(left) == 1
    rerun = lab.run()
    assert rerun.rc == 0, rerun.explain()
    assert_all_complete(lab.out, posts, extensions())
    tried.add("the next run removed it at once and wrote everything")
