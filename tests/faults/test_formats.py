"""One slow or crashing format fails alone: the time limit applies to reading the post and to
each of its formats, and the post's other formats are still written."""

from __future__ import annotations

import sys

import pytest

from .conftest import Tried
from .lab import Lab, assert_all_complete, assert_cache_truthful, complete

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forkserver workers: Linux")


def by_format(records: list[dict[str, object]]) -> dict[str, set[object]]:
    found: dict[str, set[object]] = {}
    for record in records:
        found.setdefault(str(record["format"]), set()).add(record["status"])
    return found


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_a_format_over_the_time_limit_fails_alone(lab: Lab, tried: Tried, strict: bool) -> None:
    posts = lab.write_posts(2)
    args = ["--json", "--timeout", "4", "-j", "2", *(["--strict"] if strict else [])]
    done = lab.run(*args, formats="html,pdf,epub", hook="slow=pdf:60")
    tried.add(f"pdf sleeps 60 s, --timeout 4{' --strict' if strict else ''}")
    assert done.rc == 1 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    assert done.elapsed < 50, done.explain()
    assert by_format(done.records()) == {"html": {"ok"}, "epub": {"ok"}, "pdf": {"failed"}}
    assert sorted(str(r["error"]) for r in done.records() if r["error"]) == [
        f"{post}: pdf: timed out after 4 s" for post in sorted(lab.posts.iterdir())
    ]
    for post in posts:
        assert complete(lab.out / f"{post.stem}.html") and complete(lab.out / f"{post.stem}.epub")
    assert_cache_truthful(lab.out)
    tried.add(f"html and epub written, pdf one line per post, {done.elapsed:.0f} s")
    rerun = lab.run("--json", formats="html,pdf,epub")
    assert rerun.rc == 0, rerun.explain()
    assert by_format(rerun.records()) == {"html": {"skipped"}, "epub": {"skipped"}, "pdf": {"ok"}}
    assert_all_complete(lab.out, posts, [".epub", ".html", ".pdf"])
    tried.add("rerun: only the PDFs converted")


def test_a_worker_dying_in_one_format_fails_that_format_only(lab: Lab, tried: Tried) -> None:
    lab.write_posts(2)
    done = lab.run("--json", hook="crash=html")
    tried.add("the worker is killed (SIGKILL) in html")
    assert done.rc == 1 and "Traceback" not in done.stderr and done.leftover == [], done.explain()
    assert by_format(done.records()) == {"html": {"failed"}, "epub": {"ok"}}
    assert sorted(str(r["error"]) for r in done.records() if r["error"]) == [
        f"{post}: html: worker process was killed by SIGKILL (out of memory?)"
        for post in sorted(lab.posts.iterdir())
    ]
    tried.add("epub written, html one line per post")


def test_a_post_too_slow_to_read_fails_once_not_once_per_format(lab: Lab, tried: Tried) -> None:
    lab.write_posts(1)
    done = lab.run("--json", "--timeout", "3", formats="html,epub,pdf", hook="slow-read=60")
    tried.add("reading the post sleeps 60 s, --timeout 3, three formats")
    assert done.rc == 1 and done.leftover == [], done.explain()
    assert done.elapsed < 30, "each format waited for the post again"
    assert [r["error"] for r in done.records()] == [
        f"{lab.posts}/2024-01-01-post-1.md: timed out after 3 s"
    ] * 3
    tried.add(f"every format failed after one limit ({done.elapsed:.0f} s)")
