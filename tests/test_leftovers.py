"""Stale temporaries of ours go at the next run that uses the folder; nothing else ever does."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

import export_post.leftovers as leftovers
from export_post.api import export_many
from export_post.batch.buildcache import MANIFEST_NAME
from export_post.output import write_atomic, write_output

from .support import SAMPLE_SITE

NAME = "2024-06-10-personal-growth"


def killed_writer_leftover(folder: Path, name: str) -> Path:
    """The temporary a writer killed mid-write leaves (the writer really ran and died)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = (
        "import os, sys, pathlib\n"
        "import export_post.output as o\n"
        "os.fsync = lambda fd: os._exit(9)  # dies with its temporary written, before the rename\n"
        f"o.write_atomic(pathlib.Path({str(folder / name)!r}), b'half')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert done.returncode == 9, done.stderr
    (left,) = [p for p in folder.iterdir() if p.name.startswith(f".{name}.")]
    return left


def test_a_killed_writers_temporary_goes_at_the_next_run_at_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = [killed_writer_leftover(out, f"{NAME}.html"), killed_writer_leftover(out, MANIFEST_NAME)]
    other = killed_writer_leftover(out, "unrelated-post.pdf")  # another post, another format: ours too
    export_many([SAMPLE_SITE], ["html"], out, isolate=False)
    assert [p for p in [*stale, other] if p.exists()] == []
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, f"{NAME}.html"]


def test_nothing_but_our_abandoned_temporaries_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    kept = [
        out / f".{NAME}.html.ABCDEFGH.tmp",  # not mkstemp's letters
        out / f".{NAME}.html.abcdefg.tmp",  # one short
        out / f"{NAME}.html.abcdefgh.tmp",  # no leading dot
        out / ".notes.txt.abcdefgh.tmp",  # not an output of ours
        out / f".{NAME}.html.tmp",
        out / "keep.tmp",
    ]
    for path in kept:
        path.write_text("someone else's")
    link_target = tmp_path / "target.txt"
    link_target.write_text("kept")
    link = out / f".{NAME}.epub.abcdefgh.tmp"
    link.symlink_to(link_target)
    kept.append(link)
    folder = out / f".{NAME}.pdf.abcdefgh.tmp"  # a folder with our name
    folder.mkdir()
    kept.append(folder)
    if os.geteuid() == 0:
        foreign = out / f".{NAME}.pptx.abcdefgh.tmp"
        foreign.write_text("another user's")
        os.chown(foreign, 65534, 65534)
        kept.append(foreign)
    export_many([SAMPLE_SITE], ["html"], out, isolate=False)
    assert [p.name for p in kept if not p.is_symlink() and not p.exists()] == []
    assert link.is_symlink() and link_target.read_text() == "kept"


def test_a_temporary_being_written_is_left_alone(tmp_path: Path) -> None:
    """Another run's writer holds its temporary locked while it writes: never removed."""
    out = tmp_path / "out"
    out.mkdir()
    live = out / f".{NAME}.html.abcdefgh.tmp"
    live.write_bytes(b"being written")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            f"fd = os.open({str(live)!r}, os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        export_many([SAMPLE_SITE], ["html"], out, isolate=False, force=True)
        assert live.read_bytes() == b"being written"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
        assert holder.stdout is not None
        holder.stdout.close()
    export_many([SAMPLE_SITE], ["html"], out, isolate=False, force=True)  # its writer is gone now
    assert not live.exists()


def test_a_writer_that_loses_its_temporary_to_a_cleaner_takes_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cleaner may take a brand-new temporary for a leftover before its writer locks it: the
    writer sees it was unlinked and starts again, instead of renaming nothing."""
    real = leftovers.lock_temporary
    calls: list[int] = []

    def cleaner_first(fd: int) -> bool:
        calls.append(fd)
        if len(calls) == 1:
            (name,) = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            name.unlink()
        return real(fd)

    monkeypatch.setattr(leftovers, "lock_temporary", cleaner_first)
    written = write_output(tmp_path / "page.html", b"<html></html>")
    assert len(calls) == 2
    assert (tmp_path / "page.html").read_bytes() == b"<html></html>"
    assert written.st_ino == (tmp_path / "page.html").stat().st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_without_locks_only_old_temporaries_count_as_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system that cannot lock (some network ones): the age rule, as before locks."""
    fresh = tmp_path / ".page.html.abcdefgh.tmp"
    old = tmp_path / ".page.html.ijklmnop.tmp"
    for path in (fresh, old):
        path.write_text("x")
    os.utime(old, (1, 1))

    def cannot_lock(fd: int, operation: int) -> None:
        raise OSError(37, "No locks available")  # ENOLCK

    monkeypatch.setattr(fcntl, "flock", cannot_lock)
    write_atomic(tmp_path / "page.html", b"new")
    assert fresh.exists() and not old.exists()
