"""Hostile files where a run looks: odd posts in the site, a corrupt build cache in the output
folder. Each is one line (an error naming the post, a warning naming the cache); everything
else is converted; never a traceback, a hang or a leak."""

from __future__ import annotations

import io
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from export_post.batch.buildcache import MANIFEST_NAME
from export_post.cli import main

from ..test_cache_faults import CORRUPT
from .conftest import Tried
from .lab import Lab, assert_cache_truthful, outputs

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="FIFOs, sockets and sessions: Linux")


def bound_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def test_a_site_full_of_hostile_posts(lab: Lab, tried: Tried) -> None:
    good = lab.write_posts(2)
    outside = lab.root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: S\n---\nCANARY-OUTSIDE-42\n")
    posts = lab.posts
    hostile: dict[str, Callable[[Path], None]] = {
        "2024-02-01-passwd.md": lambda p: p.symlink_to("/etc/passwd"),
        "2024-02-02-secret.md": lambda p: p.symlink_to(outside / "secret.md"),
        "2024-02-03-fifo.md": os.mkfifo,
        "2024-02-04-socket.md": bound_socket,
        "2024-02-05-dangling.md": lambda p: p.symlink_to("nowhere.md"),
        "2024-02-06-loop.md": lambda p: p.symlink_to(p.name),
        "2024-02-07-stdin.md": lambda p: p.symlink_to("/dev/stdin"),
        "outside-folder": lambda p: p.symlink_to(outside),
        "root-folder": lambda p: p.symlink_to("/"),
    }
    if os.geteuid() == 0:
        hostile["2024-02-08-zero.md"] = lambda p: os.mknod(p, 0o20600, os.makedev(1, 5))  # /dev/zero
    for name, make in hostile.items():
        make(posts / name)
    (posts / "again").symlink_to(".")  # a loop of folders: walked once, no error
    tried.add(
        "a site with " + ", ".join(name.removeprefix("2024-02-0").removesuffix(".md") for name in hostile)
    )
    done = lab.run()
    assert done.rc == 1 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    assert done.elapsed < 60, "a post was opened and blocked"
    named = [[name for name in hostile if f"error: {posts / name}: " in line] for line in done.errors()]
    assert all(len(names) == 1 for names in named), done.explain()  # each line names one of them
    assert {names[0] for names in named} == set(hostile), done.explain()
    assert sorted(p.name for p in outputs(lab.out)) == sorted(
        f"{post.stem}{ext}" for post in good for ext in (".epub", ".html")
    )
    for output in outputs(lab.out):
        data = output.read_bytes()
        assert b"CANARY" not in data and b"root:x:0:0" not in data
    tried.add(f"{len(hostile)} refused, each with its own error line; {len(good)} posts converted")


@pytest.mark.parametrize("kind", ["deeply nested", "truncated", "binary", "huge", "a FIFO", "a folder"])
def test_a_corrupt_build_cache(tmp_path: Path, tried: Tried, kind: str) -> None:
    site = tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    (site / "2024-01-01-a.md").write_text("---\ntitle: A\n---\nText.\n")
    out = tmp_path / "out"
    out.mkdir()
    CORRUPT[kind](out / MANIFEST_NAME)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(tmp_path / "site"), "-f", "html", "-o", f"{out}/"], stdout=stdout, stderr=stderr)
    tried.add(f"the build cache is {kind}")
    assert code == 0 and stdout.getvalue() == f"wrote {out}/2024-01-01-a.html\n"
    (line,) = stderr.getvalue().splitlines()
    assert line.startswith(f"export-post: warning: {out / MANIFEST_NAME}: ")
    if kind != "a folder":
        assert_cache_truthful(out)
    tried.add(line.split(": ", 3)[-1])
