"""Posts shipped to workers that share no disk: what travels, and that it converts the same.

Any ``concurrent.futures`` executor takes the cluster path (:mod:`export_post.batch.remote`);
a thread pool here, so that no cluster is needed: the worker's side still converts in a
private folder, from the shipped files alone.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from export_post.batch.isolation import IsolatedRunner, Limits, WorkerPool
from export_post.batch.job import PostJob
from export_post.batch.results import LINE_DIAGNOSTIC_FIELDS, LINE_FIELDS, result_json
from export_post.batch.settings import make_settings
from export_post.batch.shipping import survey

from .support import cli_json


def site(tmp_path: Path) -> Path:
    """A site whose post shows a good picture, one over the size limit, one outside the
    site, one through a symlink leading out, and a missing one."""
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Site\n")
    (root / "assets").mkdir()
    Image.new("RGB", (40, 30), "teal").save(root / "assets" / "good.png")
    with (root / "assets" / "huge.png").open("wb") as handle:
        handle.truncate(26 * 1024 * 1024)  # sparse: over the 25 MiB limit
    Image.new("RGB", (4, 4), "red").save(tmp_path / "secret.png")
    (root / "assets" / "link.png").symlink_to(tmp_path / "secret.png")
    body = "\n\n".join(
        f"![{name}]({ref})"
        for name, ref in [
            ("good", "/assets/good.png"),
            ("huge", "/assets/huge.png"),
            ("outside", "../../secret.png"),
            ("link", "/assets/link.png"),
            ("missing", "/assets/missing.png"),
        ]
    )
    (root / "_posts" / "2024-01-01-p.md").write_text(f"---\ntitle: P\n---\n{body}\n")
    return root


def test_only_the_files_the_post_may_read_travel(tmp_path: Path) -> None:
    root = site(tmp_path)
    post = root / "_posts" / "2024-01-01-p.md"
    job = PostJob(source=post, formats=("html",), settings=make_settings(["html"]), out_dir=tmp_path / "out")
    shipped = survey(job).files
    assert shipped[str(root / "assets" / "good.png")] == (root / "assets" / "good.png").read_bytes()
    assert shipped[str(root / "assets" / "huge.png")] == 26 * 1024 * 1024  # its size, not its bytes
    assert str(post) in shipped and str(root / "_config.yml") in shipped
    secret = (tmp_path / "secret.png").read_bytes()
    assert secret not in shipped.values()  # a path leading out travels as a marker only
    assert shipped[str(root / "assets" / "link.png")] is None
    assert all(path.startswith(str(root)) or shipped[path] is None for path in shipped)


def test_a_shipped_post_converts_as_a_local_one(tmp_path: Path) -> None:
    root = site(tmp_path)
    local = cli_json([str(root), "-f", "html,epub", "-o", f"{tmp_path}/local/", "--json"])
    from export_post import export_many

    with ThreadPoolExecutor(1) as pool:
        results = export_many([root], ["html", "epub"], tmp_path / "shipped", executor=pool)
    shipped = [result_json(result, LINE_FIELDS, LINE_DIAGNOSTIC_FIELDS) for result in results]
    for line in shipped:
        line.pop("seconds")
        line["output"] = line["output"] and Path(line["output"]).name
    assert local[0] == 0
    assert shipped == local[1]
    codes = sorted(d["code"] for line in shipped for d in line["diagnostics"])
    assert codes == ["image-not-found", "image-outside-root", "image-outside-root", "image-too-large"]
    html = (tmp_path / "shipped" / "2024-01-01-p.html").read_bytes()
    assert html == (tmp_path / "local" / "2024-01-01-p.html").read_bytes()


def test_a_worker_pool_serves_the_next_run_with_the_same_process() -> None:
    """A Dask worker converts a post per task: its child process is kept between them."""
    pool = WorkerPool()
    first = IsolatedRunner(os.getpid, 1, Limits(), pool).run([()])
    second = IsolatedRunner(os.getpid, 1, Limits(), pool).run([()])
    other = IsolatedRunner(os.getpid, 1, Limits(memory=2 * 1024**3), pool).run([()])
    assert first == second and first[0] != os.getpid()
    assert other != first  # another memory limit: another process
    assert pool.take(Limits().memory) is None  # the first was replaced, and is gone
    pool.close()


def test_under_strict_an_up_to_date_output_is_skipped_as_locally(tmp_path: Path) -> None:
    from export_post import export_many

    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_posts" / "2024-01-01-p.md").write_text("---\ntitle: P\n---\nClean text.\n")
    statuses = {}
    for where in ("local", "shipped"):
        out = tmp_path / where
        with ThreadPoolExecutor(1) as pool:
            executor = pool if where == "shipped" else None
            export_many([root], ["html", "epub"], out, strict=True, executor=executor)
            (out / "2024-01-01-p.epub").unlink()
            results = export_many([root], ["html", "epub"], out, strict=True, executor=executor)
        statuses[where] = [(r.format, r.status) for r in results]
    assert statuses["local"] == [("html", "skipped"), ("epub", "ok")]
    assert statuses["shipped"] == statuses["local"]
