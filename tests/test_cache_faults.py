"""The build cache under faults: any unreadable cache is one warning and an empty cache; the
cache records the file its writer wrote, so another run replacing it cannot make it lie."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from export_post.api import export_many
from export_post.batch.buildcache import MANIFEST_NAME, Entry, Manifest, Manifests, read_manifest
from export_post.cli import main
from export_post.output import write_output

from .support import SAMPLE_SITE

VALID_ENTRY = {
    "fingerprint": "f" * 64,
    "size": 1,
    "mtime_ns": 1,
    "ctime_ns": 1,
    "inode": 1,
    "context": "c" * 64,
    "inputs": None,
    "diagnostics": [],
}


def manifest_with(**changes: Any) -> bytes:
    entry = {**VALID_ENTRY, **changes}
    return json.dumps({"format": 3, "outputs": {"2024-06-10-personal-growth.html": entry}}).encode()


def write(data: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data)

    return make


def huge(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(64 * 1024 * 1024)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def folder(path: Path) -> None:
    path.mkdir()
    (path / "keep.txt").write_text("not ours to delete")


def symlink(path: Path) -> None:
    path.symlink_to("/etc/passwd")


CORRUPT: dict[str, Callable[[Path], None]] = {
    "deeply nested": write(b"[" * 100_000),
    "nested object": write(b'{"format": 3, "outputs": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001),
    "truncated": write(manifest_with()[:-17]),
    "binary": write(bytes(range(256)) * 64),
    "empty": write(b""),
    "a list": write(b"[1, 2, 3]"),
    "outputs a list": write(b'{"format": 3, "outputs": [1]}'),
    "format a string": write(b'{"format": "3", "outputs": {}}'),
    "size a string": write(manifest_with(size="12")),
    "size a float": write(manifest_with(size=1.5)),
    "size a bool": write(manifest_with(size=True)),
    "inputs a string": write(manifest_with(inputs="abc")),
    "stamp too short": write(manifest_with(inputs=[["a", 1]])),
    "stamp path with NUL": write(manifest_with(inputs=[["/a\u0000b", 1, 1, 1, 1, 1]])),
    "diagnostics a dict": write(manifest_with(diagnostics={"code": 1})),
    "bad severity": write(
        manifest_with(diagnostics=[{"code": "x", "severity": "fatal", "message": "m", "line": 1}])
    ),
    "name with a slash": write(
        json.dumps({"format": 3, "outputs": {"../../etc/passwd": VALID_ENTRY}}).encode()
    ),
    "name with NUL": write(json.dumps({"format": 3, "outputs": {"a\u0000b": VALID_ENTRY}}).encode()),
    "huge": huge,
    "a FIFO": fifo,
    "a symlink": symlink,
    "a folder": folder,
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_any_unreadable_cache_is_one_warning_and_an_empty_cache(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    CORRUPT[kind](out / MANIFEST_NAME)
    warnings: list[str] = []
    results = export_many([SAMPLE_SITE], ["html"], out, isolate=False, on_warning=warnings.append)
    assert [r.status for r in results] == ["ok"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{out / MANIFEST_NAME}: ")
    assert "\n" not in warnings[0]
    again: list[str] = []
    results = export_many([SAMPLE_SITE], ["html"], out, isolate=False, on_warning=again.append)
    if kind == "a folder":  # left alone: never deleted, never used
        assert (out / MANIFEST_NAME / "keep.txt").is_file()
        assert [r.status for r in results] == ["ok"] and len(again) == 1
    else:  # replaced by a good one
        assert [r.status for r in results] == ["skipped"] and again == []


def test_a_corrupt_cache_on_the_command_line_is_one_warning_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_bytes(b"[" * 100_000)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(SAMPLE_SITE), "-f", "html", "-o", f"{out}/"], stdout=stdout, stderr=stderr)
    assert code == 0
    assert stderr.getvalue() == (
        f"export-post: warning: {out / MANIFEST_NAME}: unreadable build cache (nested too deeply); "
        "starting with an empty one\n"
    )
    assert stdout.getvalue() == f"wrote {out}/2024-06-10-personal-growth.html\n"


def test_an_unreadable_cache_file_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied (simulated: root reads anything)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_bytes(manifest_with())
    real = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(MANIFEST_NAME) and not flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    entries, problem, usable = read_manifest(out / MANIFEST_NAME)
    assert (entries, problem, usable) == (
        {},
        "unreadable build cache (Permission denied); starting with an empty one",
        True,
    )


def test_another_versions_cache_is_silently_empty(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text('{"format": 2, "outputs": {"x": {"size": 1}}}')
    assert read_manifest(tmp_path / MANIFEST_NAME) == ({}, None, True)


def test_a_cache_that_cannot_be_saved_is_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def full(path: Path, data: bytes) -> os.stat_result:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("export_post.batch.buildcache.write_output", full)
    warnings: list[str] = []
    posts = [SAMPLE_SITE, Path(__file__).parent / "fixtures" / "features"]
    results = export_many(posts, ["html", "epub"], out, isolate=False, on_warning=warnings.append)
    assert {r.status for r in results} == {"ok"}
    assert warnings == [f"{out / MANIFEST_NAME}: cannot save the build cache: No space left on device"]


def test_the_cache_records_the_file_its_writer_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run replaces the output between this run's write and its record: the entry
    must describe this run's file (which is gone), not pair this run's fingerprint with the
    other run's file. Before, the caller looked at the path afterwards and recorded the other
    file as built from this run's settings: the next run skipped the wrong-theme output."""
    out = tmp_path / "out"
    real = write_output

    def then_another_run_writes(path: Path, data: bytes) -> os.stat_result:
        written = real(path, data)
        real(path, data.replace(b"</body>", b"<!-- the other run's theme --></body>"))
        return written

    monkeypatch.setattr("export_post.batch.job.write_output", then_another_run_writes)
    export_many([SAMPLE_SITE], ["html"], out, isolate=False, theme="serif")
    monkeypatch.undo()
    (result,) = export_many([SAMPLE_SITE], ["html"], out, isolate=False, theme="serif")
    assert result.status == "ok"  # rebuilt: the file there is not the one the cache knew
    assert "the other run's theme" not in (out / "2024-06-10-personal-growth.html").read_text()
    (result,) = export_many([SAMPLE_SITE], ["html"], out, isolate=False, theme="serif")
    assert result.status == "skipped"


def test_a_skip_records_the_file_it_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for an output found up to date: if another run replaces it before this run
    records, the record still describes the file that was checked."""
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(SAMPLE_SITE, site)
    assert export_many([site], ["html"], out, isolate=False, theme="serif")[0].ok
    post = site / "_posts/2024-06-10-personal-growth.md"
    post.write_bytes(post.read_bytes())  # new times, same content: checked by fingerprint, skipped
    page = out / "2024-06-10-personal-growth.html"
    real = Manifests.record

    def record_after_another_run(self: Any, target: Path, record: Any, diagnostics: Any) -> None:
        page.unlink()
        page.write_text("<p>the other run's theme</p>")
        real(self, target, record, diagnostics)

    monkeypatch.setattr(Manifests, "record", record_after_another_run)
    (result,) = export_many([site], ["html"], out, isolate=False, theme="serif")
    assert result.status == "skipped"
    monkeypatch.undo()
    (result,) = export_many([site], ["html"], out, isolate=False, theme="serif")
    assert result.status == "ok" and "the other run" not in page.read_text()


def test_concurrent_saves_keep_each_others_entries(tmp_path: Path) -> None:
    """Runs saving into one folder at the same moment merge under the folder's lock: none
    loses the other's entry (each round starts from no manifest, both save at once)."""
    out = tmp_path / "out"
    results = export_many([SAMPLE_SITE], ["html", "epub"], out, isolate=False)
    entries = {r.format: Entry.of(r.build, ()) for r in results if r.build is not None}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    lost: list[int] = []

    def save(fmt: str, rounds: int) -> None:
        try:
            for round in range(rounds):
                manifest = Manifest(out)
                entry = entries[fmt]
                assert entry is not None
                manifest.record(f"2024-06-10-personal-growth.{fmt}", entry)
                barrier.wait()
                manifest.save()
                barrier.wait()
                if fmt == "html":
                    if len(read_manifest(out / MANIFEST_NAME)[0]) != 2:
                        lost.append(round)
                    (out / MANIFEST_NAME).unlink()
                barrier.wait()
        except BaseException as err:
            barrier.abort()
            errors.append(err)

    threads = [threading.Thread(target=save, args=(fmt, 60)) for fmt in ("html", "epub")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and lost == []
