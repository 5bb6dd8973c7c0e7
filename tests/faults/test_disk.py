"""A full disk and a read-only output folder: one line per output that cannot be written, no
traceback, nothing partial, a build cache that tells the truth; a later run completes.

A small tmpfs is the real thing (mounting needs root and the right to mount); without it,
the same errors are injected where files are written (``FAULT_HOOK=enospc``/``erofs``)."""

from __future__ import annotations

import os
import sys

import pytest

from export_post.batch.buildcache import MANIFEST_NAME

from .conftest import Tried
from .lab import Lab, assert_all_complete, assert_cache_truthful, complete, outputs, temporaries

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs and forkserver: Linux")


def test_a_full_disk(lab: Lab, tried: Tried) -> None:
    posts = lab.write_posts(10, paragraphs=12)
    out = lab.mount_tmpfs("small", "64k")
    hook = "" if out is not None else "enospc"
    out = out or lab.out
    tried.add("a 64 KiB tmpfs for 20 outputs" if not hook else "ENOSPC injected (no mount allowed here)")
    done = lab.run("-j", "2", out=out, hook=hook)
    assert done.rc == 1 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    failures = done.errors()
    assert failures and all("No space left on device" in line for line in failures), done.explain()
    assert len(failures) + len(done.lines) == 20, done.explain()
    assert temporaries(out) == []
    assert [p.name for p in outputs(out) if not complete(p)] == []
    if (out / MANIFEST_NAME).exists():
        assert_cache_truthful(out)
    tried.add(f"{len(done.lines)} written, {len(failures)} failed with ENOSPC, no partial file")
    if hook:
        return
    lab.remount(out, "size=8m")
    rerun = lab.run("-j", "2", out=out)
    assert rerun.rc == 0, rerun.explain()
    assert_all_complete(out, posts, [".epub", ".html"])
    assert_cache_truthful(out)
    tried.add(
        f"room made: rerun complete ({sum(line.startswith('skipped') for _, line in rerun.lines)} up to date)"
    )


def test_a_read_only_output_folder(lab: Lab, tried: Tried) -> None:
    """A folder of earlier outputs that has become read-only is refused before any work: one
    usage error line, nothing touched."""
    lab.write_posts(3)
    out = lab.mount_tmpfs("ro", "1m")
    if out is None and os.geteuid() == 0:
        pytest.skip("nothing is read-only to root without a read-only mount (see the EROFS case)")
    folder = out or lab.out
    assert lab.run(out=folder).rc == 0
    if out is not None:
        lab.remount(folder, "ro")
        reason = "Read-only file system"
        tried.add("a tmpfs remounted read-only after a first run")
    else:
        folder.chmod(0o555)
        reason = "Permission denied"
        tried.add("a folder without write permission after a first run")
    (lab.posts / "2024-01-02-post-2.md").write_text("---\ntitle: Changed\n---\nChanged.\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = lab.run(out=folder)
    assert done.rc == 2 and done.leftover == [], done.explain()
    assert done.stderr == f"export-post: error: -o {folder}: cannot write in {folder}: {reason}\n"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    tried.add("usage error before any work, one line, folder unchanged")


def test_the_output_folder_turning_read_only_during_a_run(lab: Lab, tried: Tried) -> None:
    """Every write fails with EROFS after the up-front check passed (as if the file system
    were remounted read-only mid-run): one line per output, the earlier outputs untouched,
    the cache still true; once writable again, a rerun completes."""
    posts = lab.write_posts(3)
    assert lab.run().rc == 0
    posts[1].write_text(posts[1].read_text() + "\nChanged.\n")
    before = {p.name: p.read_bytes() for p in lab.out.iterdir()}
    done = lab.run(hook="erofs")
    tried.add("EROFS on every write of a run whose folder passed the check; one post changed")
    assert done.rc == 1 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    assert done.errors() == [
        f"export-post: error: {posts[1]}: cannot write {lab.out}/{posts[1].stem}{ext}: Read-only file system"
        for ext in (".html", ".epub")
    ], done.explain()
    assert sum(line.startswith("skipped") for _, line in done.lines) == 4
    assert {p.name: p.read_bytes() for p in lab.out.iterdir()} == before
    assert_cache_truthful(lab.out)
    tried.add("the changed post's 2 outputs failed with one line each, 4 up to date, folder unchanged")
    rerun = lab.run()
    assert rerun.rc == 0, rerun.explain()
    assert_all_complete(lab.out, posts, [".epub", ".html"])
