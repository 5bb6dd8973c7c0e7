"""Batches: workers, callbacks, executors, and what the command line prints about them."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import export_post.batch.schedule as schedule
from export_post.batch import ExportResult, export_many
from export_post.batch.isolation import Failure, IsolatedRunner, Limits
from export_post.cli import main

from .support import FIXTURES, SAMPLE_SITE


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """Three small posts, the middle one with broken front matter."""
    folder = tmp_path / "_posts"
    folder.mkdir()
    for day, front in ((1, "title: One"), (2, "title: [broken"), (3, "title: Three")):
        (folder / f"2024-01-0{day}-p{day}.md").write_text(f"---\n{front}\n---\nText {day}.\n")
    return tmp_path


def test_jobs_default_to_the_cpus_available(posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    real = IsolatedRunner.__init__

    def spy(self: IsolatedRunner[Any], function: Any, jobs: int, limits: Limits) -> None:
        used.append(jobs)
        real(self, function, jobs, limits)

    monkeypatch.setattr(IsolatedRunner, "__init__", spy)
    monkeypatch.setattr(schedule, "cpu_count", lambda: 2)
    export_many([posts], ["html"], posts / "out")
    export_many([posts], ["html"], posts / "out", jobs=1, force=True)
    assert used == [2, 1]


def test_a_failing_post_never_stops_the_others_and_callbacks_see_every_result(posts: Path) -> None:
    started: list[Path] = []
    arrived: list[ExportResult] = []
    results = export_many(
        [posts], ["html", "epub"], posts / "out", jobs=2, on_start=started.append, on_result=arrived.append
    )
    assert [(r.source.stem, r.format, r.status) for r in results] == [
        ("2024-01-01-p1", "html", "ok"),
        ("2024-01-01-p1", "epub", "ok"),
        ("2024-01-02-p2", "html", "failed"),
        ("2024-01-02-p2", "epub", "failed"),
        ("2024-01-03-p3", "html", "ok"),
        ("2024-01-03-p3", "epub", "ok"),
    ]
    assert sorted(started) == sorted({r.source for r in results})
    assert sorted(arrived, key=results.index) == results
    assert all(r.seconds > 0 for r in results if r.ok)


def test_the_runner_reports_each_outcome_as_it_comes() -> None:
    seen: list[tuple[int, object, float]] = []
    start = time.monotonic()
    wait = select.select  # returns ([], [], []) after its timeout
    runner: IsolatedRunner[object] = IsolatedRunner(wait, 2, Limits(timeout=4, memory=None))
    outcomes = runner.run(
        [([], [], [], 0.1), ([], [], [], 30), ([], [], [], 0.2)],
        on_result=lambda index, outcome: seen.append((index, outcome, time.monotonic() - start)),
    )
    assert outcomes[0] == outcomes[2] == ([], [], [])
    assert isinstance(outcomes[1], Failure) and "timed out" in outcomes[1].reason
    assert [index for index, _, _ in seen] == [0, 2, 1]
    assert seen[0][2] < seen[-1][2] - 1  # reported long before the batch ended


def test_a_dead_worker_is_reported_through_the_callback() -> None:
    seen: dict[int, object] = {}
    runner: IsolatedRunner[object] = IsolatedRunner(os._exit, 1, Limits(timeout=10, memory=None))
    runner.run([(3,)], on_result=seen.__setitem__)
    assert isinstance(seen[0], Failure) and "exited unexpectedly (status 3)" in seen[0].reason


def test_parallel_and_sequential_batches_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers share nothing that changes an output: with SOURCE_DATE_EPOCH fixed, every
    format of one worker, of two, and of this process is byte-identical. The epoch
    is set after the workers' forkserver started, as a build script may do."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert export_many([FIXTURES / "features"], ["html"], tmp_path / "warm", jobs=1)[0].ok
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    inputs = [SAMPLE_SITE, FIXTURES / "features"]
    formats = ["epub", "pdf", "pptx", "html"]
    outputs: dict[str, dict[str, bytes]] = {}
    runs: dict[str, dict[str, Any]] = {"one": {"jobs": 1}, "two": {"jobs": 2}, "inline": {"isolate": False}}
    for name, kwargs in runs.items():
        results = export_many(inputs, formats, tmp_path / name, **kwargs)
        assert [r.status for r in results] == ["ok"] * 8, [r.error for r in results]
        outputs[name] = {r.output.name: r.output.read_bytes() for r in results if r.output}
    assert len(outputs["one"]) == 8
    assert outputs["one"] == outputs["two"] == outputs["inline"]


def test_a_build_script_needs_no_main_guard(tmp_path: Path) -> None:
    """Workers never import the caller's script: one without ``if __name__ == "__main__":``
    (as build scripts are written) runs once, not once more in every worker."""
    script = tmp_path / "build.py"
    script.write_text(
        "from export_post import export_many\n"
        "print('script ran')\n"
        f"results = export_many([{str(SAMPLE_SITE)!r}], ['html'], {str(tmp_path / 'out')!r}, jobs=2)\n"
        "print([r.status for r in results])\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "script ran\n['ok']\n", "")


def test_any_executor_runs_the_batch(posts: Path) -> None:
    arrived: list[ExportResult] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = export_many([posts], ["html"], posts / "out", executor=pool, on_result=arrived.append)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert len(arrived) == 3
    with ThreadPoolExecutor(max_workers=2) as pool:
        again = export_many([posts], ["html"], posts / "out", executor=pool)
    assert [r.status for r in again] == ["skipped", "failed", "skipped"]


class BrokenExecutor(Executor):
    """Every task fails on the executor's side, as a lost cluster worker would."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("worker lost"))
        return future


def test_an_executor_failure_fails_that_post_only(posts: Path) -> None:
    results = export_many([posts], ["html"], posts / "out", executor=BrokenExecutor())
    # The broken post fails here, while it is read before being sent, as in a local run.
    folder = posts / "_posts"
    assert [r.error for r in results] == [
        f"{folder / '2024-01-01-p1.md'}: RuntimeError: worker lost",
        f"{folder / '2024-01-02-p2.md'}:3: front matter: expected ',' or ']', but got '<stream end>'",
        f"{folder / '2024-01-03-p3.md'}: RuntimeError: worker lost",
    ]


# ------------------------------------------------------------------------------- command line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*args: str, err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err or io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_json_lines_and_nothing_else_on_stdout(posts: Path) -> None:
    code, out, err = cli(str(posts), "-f", "html", "-o", f"{posts}/out/", "--json")
    assert (code, err) == (1, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert sorted((Path(r["source"]).stem, r["status"]) for r in records) == [
        ("2024-01-01-p1", "ok"),
        ("2024-01-02-p2", "failed"),
        ("2024-01-03-p3", "ok"),
    ]
    for record in records:
        assert set(record) == {"source", "format", "output", "status", "error", "diagnostics", "seconds"}
        assert (record["output"] is None) == (record["status"] == "failed") == (record["error"] is not None)
    code, out, _ = cli(str(posts), "-f", "html", "-o", f"{posts}/out/", "--json")
    assert [json.loads(line)["status"] for line in out.splitlines()].count("skipped") == 2


def test_json_diagnostics_carry_code_severity_line_and_message(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\nText.\n\n![Gone](gone.png)\n")
    _, out, _ = cli(str(post), "-f", "html", "-o", f"{tmp_path}/out/", "--json")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["diagnostics"] == [
        {"code": "image-not-found", "severity": "warning", "line": 6, "message": "image not found: gone.png"}
    ]


def test_plain_output_says_what_was_skipped(tmp_path: Path) -> None:
    args = (str(SAMPLE_SITE), "-f", "html", "-o", f"{tmp_path}/")
    assert cli(*args)[1].startswith("wrote ")
    code, out, _ = cli(*args)
    assert (code, out) == (0, f"skipped {tmp_path}/2024-06-10-personal-growth.html (up to date)\n")
    assert cli(*args, "--force")[1].startswith("wrote ")


def test_on_a_terminal_a_progress_bar_and_a_summary(posts: Path) -> None:
    code, out, err = cli(str(posts), "-f", "html", "-o", f"{posts}/out/", err=Terminal())
    assert code == 1
    assert out.count("wrote ") == 2  # stdout is not the terminal: it keeps its lines
    assert "export-post: error:" in err and "p2.md" in err
    for row in ("written", "skipped (up to date)", "failed", "wall time"):
        assert row in err
    assert "3/3" in err  # the bar's last state: every output done


def test_quiet_on_a_terminal_stays_plain(posts: Path) -> None:
    code, out, err = cli(str(posts), "-f", "html", "-o", f"{posts}/out/", "-q", err=Terminal())
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("export-post: error:")


def test_the_report_file_has_each_status(posts: Path) -> None:
    cli(str(posts), "-f", "html", "-o", f"{posts}/out/", "--report", str(posts / "r.json"))
    results = json.loads((posts / "r.json").read_text())["results"]
    assert [r["status"] for r in results] == ["ok", "failed", "ok"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "pdf", "--max-image-px", "800"], "--max-image-px is an epub or pptx option"),
        (["-f", "epub", "--max-image-px", "-1"], "max_image_px must be 0 or more"),
    ],
)
def test_max_image_px_belongs_to_epub_and_pptx(args: list[str], message: str) -> None:
    code, _, err = cli(str(SAMPLE_SITE), *args)
    assert code == 2 and message in err


def test_an_unreachable_dask_scheduler_is_a_usage_error(posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed", reason="needs export-post[dask] (distributed)")
    monkeypatch.setattr("export_post.batch.cluster.CONNECT_TIMEOUT", "1s")
    code, _, err = cli(str(posts), "-f", "html", "--dask-scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in err


HEAVY = ("weasyprint", "pptx", "rich", "distributed")


def imported_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in HEAVY if name in done.stdout.split()]


def test_version_imports_no_renderer() -> None:
    code = "from export_post.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    assert imported_after(code) == []


def test_an_epub_export_imports_neither_weasyprint_nor_python_pptx(tmp_path: Path) -> None:
    code = (
        "from export_post import export_many\n"
        f"export_many([{str(SAMPLE_SITE)!r}], ['epub'], {str(tmp_path)!r}, isolate=False)"
    )
    assert imported_after(code) == []
    assert (tmp_path / "2024-06-10-personal-growth.epub").is_file()
