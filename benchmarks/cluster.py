"""A batch on a Dask cluster against the same batch run locally, on this machine.

    python benchmarks/cluster.py                  # 8 corpus posts, EPUB, PDF and PPTX
    python benchmarks/cluster.py --posts 4 --formats html

Measures, for the same posts and formats (every output rebuilt, ``force``):

(a) the shipping cost per post on the caller: reading the post, finding the files its
    resolver may read and packing them (:func:`export_post.batch.shipping.survey`), and the
    bytes that travel;
(b) the wall time of ``export_many`` locally with ``jobs=1`` and ``jobs=2``, and on a local
    Dask cluster (``LocalCluster``, worker processes of one thread) with 1 and 2 workers.

Everything runs on this machine: the cluster's workers share its CPUs with the caller, so
the difference between "1 worker" and "jobs=1" is the cost of the cluster path itself
(shipping, the worker's child process, the bytes going back), not of a network.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from export_post import export_many
from export_post.batch.job import PostJob
from export_post.batch.settings import make_settings
from export_post.batch.shipping import survey

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "cluster-results.json"


def corpus_posts(count: int) -> list[Path]:
    folder = Path(os.environ.get("EXPORT_POST_CORPUS", ROOT.parent / "shared" / "corpus"))
    posts = sorted(p for p in folder.glob("*/_posts/**/*") if p.suffix in (".md", ".markdown"))
    if not posts:
        sys.exit(f"no posts under {folder}; set EXPORT_POST_CORPUS")
    return posts[:: max(1, len(posts) // count)][:count]  # spread over the sites


def shipping(posts: Sequence[Path], formats: Sequence[str]) -> dict[str, float]:
    """Seconds and bytes per post of surveying and packing (in this process, median)."""
    settings = make_settings(formats)
    seconds, sizes, files = [], [], []
    for source in posts:
        job = PostJob(source=source, formats=tuple(formats), settings=settings, out_dir=Path("/nonexistent"))
        start = time.perf_counter()
        packed = survey(job)
        seconds.append(time.perf_counter() - start)
        sizes.append(sum(len(data) for data in packed.files.values() if isinstance(data, bytes)))
        files.append(len(packed.files))
    return {
        "survey_ms_median": 1000 * statistics.median(seconds),
        "survey_ms_max": 1000 * max(seconds),
        "bytes_median": statistics.median(sizes),
        "bytes_max": max(sizes),
        "files_median": statistics.median(files),
    }


def timed(posts: Sequence[Path], formats: Sequence[str], **how: Any) -> float:
    with tempfile.TemporaryDirectory(prefix="export-post-bench-") as out:
        start = time.perf_counter()
        results = export_many(posts, formats, out, force=True, **how)
        wall = time.perf_counter() - start
    failed = [r.error for r in results if r.status == "failed"]
    if failed:
        print(f"warning: {len(failed)} failed, e.g. {failed[0]}", file=sys.stderr)
    return wall


def on_cluster(posts: Sequence[Path], formats: Sequence[str], workers: int) -> float:
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
    with local as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        client.run(_warm, formats)  # each worker's fork server imports the exporters once
        return timed(posts, formats, executor=client.get_executor(pure=False))


def _warm(formats: Sequence[str]) -> None:
    """What a worker's first post would do: start the fork server, with the exporters loaded."""
    from export_post.batch.isolation import IsolatedRunner, Limits
    from export_post.batch.shipping import _allow_children, _preload

    _allow_children()
    _preload(formats)
    IsolatedRunner(len, 1, Limits()).run([((),)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=8)
    parser.add_argument("--formats", default="epub,pdf,pptx")
    args = parser.parse_args()
    posts, formats = corpus_posts(args.posts), args.formats.split(",")
    results: dict[str, Any] = {"posts": len(posts), "formats": formats, "cpus": len(os.sched_getaffinity(0))}
    results["shipping"] = shipping(posts, formats)
    timed(posts[:1], formats, jobs=1)  # warm the disk cache and the fonts
    results["wall"] = {
        "local jobs=1": timed(posts, formats, jobs=1),
        "local jobs=2": timed(posts, formats, jobs=2),
        "cluster, 1 worker": on_cluster(posts, formats, 1),
        "cluster, 2 workers": on_cluster(posts, formats, 2),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{len(posts)} posts, {', '.join(formats)}; {results['cpus']} CPUs")
    ship = results["shipping"]
    print(
        f"shipping per post: {ship['survey_ms_median']:.0f} ms median ({ship['survey_ms_max']:.0f} ms max), "
        f"{ship['bytes_median'] / 1024:.0f} KiB median ({ship['bytes_max'] / 1024:.0f} KiB max)"
    )
    print("| run | wall s | posts/min | per post s |\n|-|-:|-:|-:|")
    for name, wall in results["wall"].items():
        print(f"| {name} | {wall:.1f} | {60 * len(posts) / wall:.1f} | {wall / len(posts):.2f} |")


if __name__ == "__main__":
    main()
