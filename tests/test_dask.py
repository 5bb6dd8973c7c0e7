"""A batch on a Dask cluster: a local one, with worker processes reading the same folders."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from export_post.api import export_many
from export_post.cli import main

from .support import SAMPLE_SITE

distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install 'export-post[dask]')"
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "_posts"
    folder.mkdir()
    for day in range(1, 5):
        (folder / f"2024-01-0{day}-p{day}.md").write_text(f"---\ntitle: Post {day}\n---\nText {day}.\n")
    return tmp_path


def test_the_library_runs_a_batch_through_the_cluster_executor(cluster: Any, posts: Path) -> None:
    with distributed.Client(cluster) as client:
        executor = client.get_executor(pure=False)
        results = export_many([posts], ["html", "epub"], posts / "out", executor=executor)
        assert [r.status for r in results] == ["ok"] * 8
    assert sorted(p.name for p in (posts / "out").glob("*.html")) == [
        f"2024-01-0{d}-p{d}.html" for d in range(1, 5)
    ]


def test_the_command_line_sends_posts_to_a_scheduler(cluster: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    argv = [str(SAMPLE_SITE), "-f", "html,epub", "-o", f"{tmp_path}/", "--json"]
    code = main([*argv, "--dask-scheduler", cluster.scheduler_address], stdout=out, stderr=io.StringIO())
    assert code == 0
    assert [json.loads(line)["status"] for line in out.getvalue().splitlines()] == ["ok", "ok"]
    out = io.StringIO()
    main([*argv, "--dask-scheduler", cluster.scheduler_address], stdout=out, stderr=io.StringIO())
    assert [json.loads(line)["status"] for line in out.getvalue().splitlines()] == ["skipped", "skipped"]
