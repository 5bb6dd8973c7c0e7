"""A batch on a Dask cluster whose workers cannot see the input or output folders.

One scheduler and two worker processes run in a folder of their own; each worker runs in a
mount namespace (``unshare -m``) where an empty file system covers pytest's temporary
folder, which holds the sites and output folders. The tests check that the workers really
cannot see them, convert a real site to every format there, and show the time limit and a
killed worker on the cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from .support import ROOT, cli_json, corpus_roots, epubcheck, pdf_text, require_corpora, words

distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install 'export-post[dask]')"
)

PLUGIN = Path(__file__).resolve().parent / "cluster_plugin"  # the "sleepy" format
CORPUS_SITE = "LazyRen__LazyRen.github.io"  # three posts, 7 MB of pictures
SLOW_POST = "2020-06-28-odyssey-g9-review.md"  # 6 MB of its pictures: left out, for CI's time


@dataclass
class Cluster:
    address: str
    client: Any
    home: Path  # the folder the cluster's processes run in (they may read and write it)
    env: dict[str, str]

    def worker_pids(self) -> dict[str, int]:
        pids: dict[str, int] = self.client.run(os.getpid)
        return pids


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    hidden = tmp_path_factory.getbasetemp()
    hide = ["unshare", "--mount", "sh", "-c", f'mount -t tmpfs none "{hidden}" && exec "$0" "$@"']
    if shutil.which("unshare") is None or subprocess.run([*hide, "true"], capture_output=True).returncode:
        pytest.skip("needs unshare --mount (root), to start workers that cannot see the test folders")
    home = Path(tempfile.mkdtemp(prefix="export-post-cluster-"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PLUGIN), os.environ.get("PYTHONPATH")])),
    }
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = str(home / "scheduler.json")
    options = ["--no-dashboard", "--scheduler-file", scheduler_file]
    started: list[subprocess.Popen[bytes]] = []
    with (home / "cluster.log").open("wb") as log:
        try:

            def start(*command: str) -> None:
                process = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=log)
                started.append(process)

            start(dask, "scheduler", "--host", "127.0.0.1", "--port", "0", *options)
            for number in range(2):
                folder = str(home / f"worker{number}")
                start(
                    *hide,
                    dask,
                    "worker",
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--local-directory",
                    folder,
                    *options,
                )
            with distributed.Client(
                scheduler_file=scheduler_file, set_as_default=False, timeout="60s"
            ) as client:
                client.wait_for_workers(2, timeout=120)
                yield Cluster(client.scheduler.address, client, home, env)
                client.shutdown()  # the scheduler and workers end at once
        finally:
            for process in reversed(started):
                process.terminate()
            for process in reversed(started):
                try:
                    process.wait(3)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    shutil.rmtree(home, ignore_errors=True)


def post(folder: Path, name: str, title: str, body: str = "Some text.") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"2024-01-01-{name}.md"
    path.write_text(f"---\ntitle: {title}\n---\n{body}\n")
    return path


def run_cli(cluster: Cluster, *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    """The command as a separate process (it sees the test's "sleepy" format too)."""
    command = [sys.executable, "-m", "export_post", *argv, "--json", "--dask-scheduler", cluster.address]
    done = subprocess.run(command, capture_output=True, text=True, env=cluster.env, cwd=ROOT, timeout=300)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_the_workers_cannot_see_the_posts_or_the_outputs(cluster: Cluster, tmp_path: Path) -> None:
    post(tmp_path / "site" / "_posts", "a", "A")
    assert any(tmp_path.iterdir())  # here, the folders are there
    for folder in (tmp_path / "site" / "_posts", tmp_path):
        with pytest.raises(FileNotFoundError):
            cluster.client.submit(os.listdir, str(folder), pure=False).result()


def test_a_real_site_converts_to_every_format_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    require_corpora()
    found = [root / CORPUS_SITE for root in corpus_roots() if (root / CORPUS_SITE).is_dir()]
    if not found:
        pytest.skip(f"{CORPUS_SITE} is not in the corpus")
    site = tmp_path / "site"
    shutil.copytree(found[0], site)
    (site / "_posts" / SLOW_POST).unlink(missing_ok=True)
    out = tmp_path / "out"
    argv = [str(site), "-f", "all", "-o", f"{out}/", "--json", "--dask-scheduler", cluster.address]
    code, lines = cli_json(argv)
    assert code == 0
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(lines) == 4 * len(posts) and {line["status"] for line in lines} == {"ok"}
    for source in posts:
        epub, pdf, pptx = (out / f"{source.stem}{ext}" for ext in (".epub", ".pdf", ".pptx"))
        assert [m for m in epubcheck(epub) if m[0] in ("ERROR", "FATAL")] == []
        title = source.read_text(encoding="utf-8").split("title:", 1)[1].splitlines()[0]
        assert set(words(title.strip(" \"'"))) <= set(words(pdf_text(pdf)))
        from pptx import Presentation

        assert len(Presentation(str(pptx)).slides) >= 1
        assert (out / f"{source.stem}.html").stat().st_size > 0
    # The build cache was recorded here as by a local run: nothing is converted again.
    code, lines = cli_json(argv)
    assert code == 0
    assert {line["status"] for line in lines} == {"skipped"}


def test_results_and_exit_code_match_a_local_run(cluster: Cluster, tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    post(posts, "good", "Good", "![missing](nowhere.png)\n\nText.")
    (posts / "2024-01-02-bad.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    outputs = {}
    for where in ("local", "cluster"):
        out = tmp_path / where
        argv = [
            str(tmp_path / "site"),
            "-f",
            "html",
            "-o",
            f"{out}/",
            "--json",
            "--report",
            str(tmp_path / f"{where}.json"),
        ]
        if where == "cluster":
            argv += ["--dask-scheduler", cluster.address]
        code, lines = cli_json(argv)
        outputs[where] = (code, sorted(lines, key=lambda line: line["source"]))
    assert outputs["cluster"] == outputs["local"]
    assert outputs["cluster"][0] == 1
    assert (tmp_path / "cluster.json").is_file()


def test_the_time_limit_stops_a_slow_post_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    post(posts, "slow", "sleep 120")
    post(posts, "quick", "Quick")
    start = time.monotonic()
    code, lines, _ = run_cli(
        cluster, str(tmp_path / "site"), "-f", "html,sleepy", "-o", f"{tmp_path}/out/", "--timeout", "3"
    )
    assert time.monotonic() - start < 60
    assert code == 1
    status = {(Path(line["source"]).stem.split("-")[-1], line["format"]): line for line in lines}
    assert status["slow", "sleepy"]["status"] == "failed"
    assert status["slow", "sleepy"]["error"].endswith("sleepy: timed out after 3 s")
    assert [status[k]["status"] for k in (("slow", "html"), ("quick", "html"), ("quick", "sleepy"))] == [
        "ok"
    ] * 3


def test_a_worker_killed_mid_batch_loses_no_post(cluster: Cluster, tmp_path: Path) -> None:
    posts = tmp_path / "site" / "_posts"
    for number in range(3):
        post(posts, f"p{number}", "sleep 2")
    command = [
        sys.executable,
        "-m",
        "export_post",
        str(tmp_path / "site"),
        "-f",
        "sleepy",
        "-o",
        f"{tmp_path}/out/",
        "--json",
        "--dask-scheduler",
        cluster.address,
    ]
    batch = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cluster.env, cwd=ROOT
    )
    killed = None
    for _ in range(300):
        busy = [addr for addr, keys in cluster.client.processing().items() if keys]
        if busy:
            killed = cluster.worker_pids()[busy[0]]
            os.kill(killed, signal.SIGKILL)
            break
        time.sleep(0.1)
    stdout, stderr = batch.communicate(timeout=240)
    assert killed is not None, stderr
    assert batch.returncode == 0, stderr
    assert sorted(json.loads(line)["status"] for line in stdout.splitlines()) == ["ok"] * 3
    assert len(list((tmp_path / "out").glob("*.sleepy"))) == 3
    cluster.client.wait_for_workers(2, timeout=120)  # the nanny starts a new worker


def test_a_post_whose_worker_is_lost_twice_is_not_tried_again(cluster: Cluster, tmp_path: Path) -> None:
    """The third start of a task (what the scheduler does after losing its worker twice)
    fails at once instead of converting."""
    from export_post.batch.isolation import Limits
    from export_post.batch.job import PostJob
    from export_post.batch.settings import make_settings
    from export_post.batch.shipping import convert_parcel, survey

    source = post(tmp_path / "site" / "_posts", "p", "P")
    job = PostJob(
        source=source, formats=("html",), settings=make_settings(["html"]), out_dir=tmp_path / "out"
    )
    surveyed = survey(job)
    assert surveyed.parcel is not None
    parcel = replace(surveyed.parcel, attempts=f"test-{uuid.uuid4().hex}")
    distributed.Variable(parcel.attempts, client=cluster.client).set(0)
    outcomes = []
    for _ in range(3):  # the same task started three times
        future = cluster.client.submit(convert_parcel, parcel, surveyed.files, Limits(), pure=False)
        outcomes.append(future.result()[1][0][0])
    distributed.Variable(parcel.attempts, client=cluster.client).delete()
    assert [o.status for o in outcomes] == ["ok", "ok", "failed"]
    assert outcomes[2].error == f"{source}: its worker was lost 2 times; not tried again"
