"""Every option, of the command line and of the library, is checked before any work: a
hostile value (negative, zero, nan, inf, huge, empty, of the wrong type, a path that is
missing, a folder instead of a file, a device, unwritable, not UTF-8) is a one-line usage
error (exit 2) or an ``OptionError`` (a ``ValueError``) that names it; never a traceback,
and never after the batch."""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import export_post.api
import export_post.batch.job
import export_post.batch.schedule
import export_post.cli
from export_post import ExportPostError, export, export_many, load_post, render
from export_post.cli import main

from .support import SAMPLE_POST, SAMPLE_SITE


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a batch starts: every check must come before."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("work started before the options were checked")

    monkeypatch.setattr(export_post.batch.schedule, "IsolatedRunner", refuse)
    monkeypatch.setattr(export_post.batch.job, "load_post", refuse)


PLACE = re.compile(r"FIFO_HTML|NOTDECK|LOCKED|EMPTY|FILE|FIFO|DIR|ODD")


def substitute(text: str, places: dict[str, str]) -> str:
    """``text`` with each place name replaced by its path (in one pass: a path may hold a name)."""
    return PLACE.sub(lambda match: places[match.group()], text)


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be made in, even by root (a read-only or pseudo file system)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for candidate in (Path("/sys"), Path("/proc"), locked):
        try:
            with tempfile.TemporaryFile(dir=candidate):
                pass
        except OSError:
            return candidate
    pytest.skip("no folder here refuses writing (root on a writable file system)")


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    """Hostile paths, by name: a regular file, a folder, a FIFO, an unwritable folder."""
    (tmp_path / "file.txt").write_text("not a folder\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty-site").mkdir()
    os.mkfifo(tmp_path / "fifo.json")
    os.mkfifo(tmp_path / "fifo.html")
    (tmp_path / "not-a-deck.pptx").write_text("text\n")
    odd = os.fsdecode(b"caf\xe9-not-utf8.txt")  # Latin-1 bytes in a name, as argv gives them
    (tmp_path / odd).write_text("x\n")
    return {
        "FILE": str(tmp_path / "file.txt"),
        "DIR": str(tmp_path / "folder"),
        "EMPTY": str(tmp_path / "empty-site"),
        "FIFO": str(tmp_path / "fifo.json"),
        "FIFO_HTML": str(tmp_path / "fifo.html"),
        "LOCKED": str(unwritable_folder(tmp_path)),
        "NOTDECK": str(tmp_path / "not-a-deck.pptx"),
        "ODD": str(tmp_path / odd),
    }


POST = str(SAMPLE_POST)

# (arguments, a part of the one-line message); FILE, DIR, ... are replaced by `places`.
CLI_CASES: list[tuple[list[str], str]] = [
    (["--timeout", "nan"], "--timeout must be a finite number of seconds"),
    (["--timeout", "inf"], "--timeout must be a finite number of seconds"),
    (["--timeout", "1e999"], "--timeout must be a finite number of seconds"),
    (["--timeout", "-1"], "--timeout must be a finite number of seconds, 0 or more"),
    (["--timeout", "soon"], "argument --timeout: invalid float value: 'soon'"),
    (["--timeout", ""], "argument --timeout: invalid float value"),
    (["--memory-limit", "99999999999999"], "--memory-limit must be 0 (no limit) to 8796093022207"),
    (["--memory-limit", "-5"], "--memory-limit must be 0 (no limit) to"),
    (["--memory-limit", "1.5"], "argument --memory-limit: invalid int value"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--jobs", "-3"], "--jobs must be at least 1"),
    (["--jobs", "many"], "argument -j/--jobs: invalid int value"),
    (["--report", "DIR"], "--report DIR is a folder, not a file"),
    (["--report", "DIR/"], "is a folder, not a file"),
    (["--report", "FIFO"], "--report FIFO is not a regular file"),
    (["--report", "LOCKED/report.json"], "cannot write in LOCKED"),
    (["--report", "FILE/report.json"], "cannot create FILE: FILE is a file"),
    (["--report", ""], "--report must not be empty"),
    (["--report", "DIR/" + "r" * 300 + ".json"], "over 255 bytes"),
    (["--report", "DIR/" + "r" * 240 + ".json"], "the file name is over 241 bytes"),
    (["-f", "html,epub", "-o", "FILE"], "output FILE is an existing file, but there are 2 outputs"),
    (["-f", "html,epub", "-o", "ODD"], "is an existing file, but there are 2 outputs"),
    (["-f", "html", "-o", ""], "-o must not be empty"),
    (["-f", "html", "-o", "FILE/out/"], "cannot create FILE/out: FILE is a file"),
    (["-f", "html", "-o", "LOCKED/out/"], "cannot write in LOCKED"),
    (["-f", "html", "-o", "FIFO_HTML"], "-o FIFO_HTML is not a regular file"),
    (["--theme", ""], "--theme must not be empty"),
    (["--theme", "DIR/missing-theme/"], "theme"),
    (["--theme", "FILE"], "theme"),
    (["--site-root", "DIR/missing"], "--site-root DIR/missing is not a folder"),
    (["--site-root", "FILE"], "--site-root FILE is not a folder"),
    (["--site-root", ""], "--site-root must not be empty"),
    (["-f", ","], "-f/--format names no format"),
    (["-f", ""], "-f/--format names no format"),
    (["-f", "pdf", "--page-size", "A3"], "argument --page-size: invalid choice: 'A3'"),
    (["-f", "pdf", "--pdf-variant", ""], "pdf_variant must be one of"),
    (["-f", "pdf", "--pdf-variant", "pdf/z-9"], "pdf_variant must be one of"),
    (
        ["-f", "pptx", "--reference-pptx", "DIR/missing.pptx"],
        "reference deck DIR/missing.pptx does not exist",
    ),
    (["-f", "pptx", "--reference-pptx", "DIR"], "reference deck DIR is not a file"),
    (["-f", "pptx", "--reference-pptx", "NOTDECK"], "NOTDECK: not a usable PowerPoint deck"),
    (["-f", "pptx", "--slide-level", "0"], "slide_level must be 1 to 6 (got 0)"),
    (["-f", "pptx", "--slide-level", "99999999999999999999"], "slide_level must be 1 to 6"),
    (["-f", "pptx", "--slide-level", "two"], "argument --slide-level: invalid int value"),
    (["-f", "pptx", "--slide-text", "all"], "argument --slide-text: invalid choice"),
    (["-f", "epub", "--max-image-px", "-1"], "max_image_px must be 0 or more"),
    (["-f", "epub", "--max-image-px", "1e3"], "argument --max-image-px: invalid int value"),
    (["-f", "epub", "--page-size", "A5"], "--page-size is a pdf option, but pdf is not among"),
    (["--dask-scheduler", ""], "--dask-scheduler must not be empty"),
    (["--allow-host", ""], "--allow-host must not be empty"),
    (["-q", "-v"], "argument -v/--verbose: not allowed with argument -q/--quiet"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
]


@pytest.mark.parametrize(("args", "message"), CLI_CASES, ids=[" ".join(a)[:60] for a, _ in CLI_CASES])
def test_every_option_is_checked_before_any_work(
    args: list[str], message: str, places: dict[str, str], no_work: None
) -> None:
    code, out, err = cli(POST, *(substitute(a, places) for a in args))
    assert (code, out) == (2, "")
    assert err.startswith("export-post: error: ") and err.count("\n") == 1, err
    assert substitute(message, places) in err
    err.encode("utf-8")  # printable on any terminal: bytes that are not UTF-8 come escaped


@pytest.mark.parametrize(
    ("inputs", "message"),
    [([""], "INPUT must not be empty"), (["EMPTY"], "no posts (*.md")],
)
def test_inputs_are_checked_too(
    inputs: list[str], message: str, places: dict[str, str], no_work: None
) -> None:
    code, _, err = cli(*[places.get(i, i) for i in inputs], "-f", "html")
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.parametrize("value", ["soon", "-1", "1e9", "99999999999999999999", "1700000000.5"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
    value: str, monkeypatch: pytest.MonkeyPatch, no_work: None
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, _, err = cli(POST, "-f", "html")
    assert code == 2 and "SOURCE_DATE_EPOCH must be" in err and err.count("\n") == 1


def test_an_existing_file_as_output_folder_fails_before_rendering(tmp_path: Path, no_work: None) -> None:
    existing = tmp_path / "existing"
    existing.write_text("keep me\n")
    code, out, err = cli(str(SAMPLE_SITE), "-f", "html,epub", "-o", str(existing))
    assert (code, out) == (2, "")
    assert "is an existing file, but there are 2 outputs; give a folder" in err
    assert "File exists" not in err and existing.read_text() == "keep me\n"


def test_a_report_that_fails_at_the_end_keeps_the_wrote_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(path: Path, results: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_post.cli, "write_report", full_disk)
    report = tmp_path / "report.json"
    code, out, err = cli(POST, "-f", "html", "-o", f"{tmp_path}/out/", "--report", str(report))
    assert code == 1
    assert out.startswith("wrote ") and out.count("\n") == 1
    assert err == f"export-post: error: cannot write report {report}: No space left on device\n"


def test_a_post_with_a_name_that_is_not_utf8_is_written_and_reported(tmp_path: Path) -> None:
    name = os.fsdecode(b"2024-01-01-caf\xe9.md")
    (tmp_path / name).write_text("---\ntitle: Caf\n---\n\nText.\n")
    report = tmp_path / "report.json"
    code, out, err = cli(
        str(tmp_path / name), "-f", "html", "-o", f"{tmp_path}/out/", "--report", str(report)
    )
    assert (code, err) == (0, "")
    assert os.fsencode(tmp_path / "out") + b"/2024-01-01-caf\xe9.html" in [
        os.fsencode(p) for p in (tmp_path / "out").iterdir()
    ]
    assert "\\udce9" in out  # escaped, not a UnicodeEncodeError
    record = json.loads(report.read_text(encoding="utf-8"))["results"][0]
    assert os.fsencode(record["output"]).endswith(b"/2024-01-01-caf\xe9.html")
    code, out, _ = cli(str(tmp_path / name), "-f", "html", "-o", f"{tmp_path}/out/", "--json", "--force")
    assert code == 0 and os.fsencode(json.loads(out)["source"]) == os.fsencode(tmp_path / name)


def test_a_tiny_memory_limit_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    argv = [
        sys.executable,
        "-m",
        "export_post",
        POST,
        "-f",
        "html",
        "-o",
        f"{tmp_path}/",
        "--memory-limit",
        "50",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "ran out of memory" in done.stderr, done.stderr


# The library: the same rules, under the keyword names.
LIBRARY_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("many", {"timeout": math.nan}, "timeout must be a finite number of seconds"),
    ("many", {"timeout": math.inf}, "timeout must be a finite number of seconds"),
    ("many", {"timeout": -1}, "timeout must be a finite number of seconds, 0 or more"),
    ("many", {"timeout": "10"}, "timeout must be a number of seconds, not str"),
    ("many", {"memory_limit": 10**30}, "memory_limit must be 0 (no limit) to 9223372036854775807"),
    ("many", {"memory_limit": -1}, "memory_limit must be 0 (no limit)"),
    ("many", {"memory_limit": 2.5e9}, "memory_limit must be a whole number, not float"),
    ("many", {"jobs": 0}, "jobs must be at least 1"),
    ("many", {"jobs": 2.5}, "jobs must be a whole number, not float"),
    ("many", {"jobs": True}, "jobs must be a whole number, not bool"),
    ("many", {"paths": SAMPLE_POST}, "paths must be a list of paths (wrap one in a list), not PosixPath"),
    ("many", {"paths": str(SAMPLE_POST)}, "paths must be a list of paths"),
    ("many", {"paths": [b"post.md"]}, "each of paths must be a path, not bytes"),
    ("many", {"paths": [""]}, "each of paths must not be empty"),
    ("many", {"paths": ["a\0b.md"]}, "must not contain a NUL character"),
    ("many", {"formats": "pdf"}, "formats must be a list of text, not str 'pdf'"),
    ("many", {"formats": []}, "formats must name at least one format"),
    ("many", {"formats": [3]}, "each of formats must be text, not int"),
    ("many", {"out_dir": "FILE"}, "out_dir FILE is a file, not a folder"),
    ("many", {"out_dir": ""}, "out_dir must not be empty"),
    ("many", {"out_dir": "LOCKED/out"}, "cannot write in LOCKED"),
    ("many", {"out_dir": 5}, "out_dir must be a path, not int"),
    ("many", {"output_file": "DIR"}, "output_file DIR is a folder, not a file"),
    ("many", {"output_file": "FIFO_HTML"}, "output_file FIFO_HTML is not a regular file"),
    ("many", {"allowed_hosts": "example.com"}, "allowed_hosts must be a list of text"),
    ("many", {"strict": 1}, "strict must be True or False, not int"),
    ("many", {"allow_remote": "no"}, "allow_remote must be True or False"),
    ("many", {"force": None}, "force must be True or False"),
    ("many", {"isolate": "yes"}, "isolate must be True or False"),
    ("many", {"on_result": 3}, "on_result must be a function or None"),
    ("many", {"executor": 3}, "executor must be a concurrent.futures.Executor"),
    ("many", {"source_date_epoch": -1}, "source_date_epoch must be 0 to 253402300799"),
    ("many", {"source_date_epoch": 10**20}, "source_date_epoch must be 0 to 253402300799"),
    ("many", {"source_date_epoch": 1.5}, "source_date_epoch must be a whole number"),
    ("many", {"theme": 5}, "theme must be a theme name, a folder or a Theme, not int"),
    ("many", {"theme": ""}, "theme must not be empty"),
    ("many", {"site_root": "DIR/missing"}, "site root DIR/missing is not a folder"),
    ("many", {"site_root": ""}, "site root must not be empty"),
    ("many", {"formats": ["epub"], "max_image_px": "10"}, "max_image_px must be a whole number, not str"),
    ("many", {"formats": ["epub"], "max_image_px": True}, "max_image_px must be a whole number, not bool"),
    ("many", {"formats": ["epub"], "embed_fonts": "yes"}, "embed_fonts must be True or False"),
    ("many", {"formats": ["pdf"], "page_size": 4}, "page_size must be text, not int"),
    ("many", {"formats": ["pptx"], "slide_level": 2.0}, "slide_level must be a whole number or None"),
    ("many", {"formats": ["pptx"], "reference_pptx": "NOTDECK"}, "not a usable PowerPoint deck"),
    ("many", {"formats": ["pdf"], "no_such_option": 1}, "unknown option no_such_option"),
    ("render", {"format": 5}, "format must be text, not int"),
    ("render", {"format": "docx"}, "unknown format 'docx'"),
    ("render", {"document": "post.md"}, "document must be a Document, not str"),
    ("render", {"strict": "yes"}, "strict must be True or False"),
    ("render", {"source_date_epoch": math.nan}, "source_date_epoch must be a whole number"),
    ("render", {"reporter": 1}, "reporter must be a Reporter or None, not int"),
    ("render", {"resources": "x"}, "resources must be a ResourceResolver or None, not str"),
    ("render", {"theme": Path("DIR/missing")}, "theme"),
    ("render", {"format": "epub", "max_image_px": math.inf}, "max_image_px must be a whole number"),
    ("export", {"output": ""}, "output must not be empty"),
    ("export", {"output": "/dev/null"}, "output /dev/null is not a regular file"),
    ("export", {"output": "FILE/page.html"}, "cannot create FILE: FILE is a file"),
    ("export", {"output": b"page.html"}, "output must be a path, not bytes"),
    ("export", {"source_date_epoch": "soon"}, "source_date_epoch must be a whole number"),
]


@pytest.mark.parametrize(
    ("call", "arguments", "message"), LIBRARY_CASES, ids=[f"{c}-{a}"[:70] for c, a, _ in LIBRARY_CASES]
)
def test_every_keyword_of_the_library_is_checked_before_any_work(
    call: str, arguments: dict[str, Any], message: str, places: dict[str, str], no_work: None
) -> None:
    def place(value: Any) -> Any:
        if isinstance(value, str | Path):
            return type(value)(substitute(str(value), places))
        return value

    given = {key: place(value) for key, value in arguments.items()}
    functions: dict[str, Callable[..., object]] = {
        "many": lambda paths=[SAMPLE_POST], formats=["html"], **kw: export_many(paths, formats, **kw),
        "render": lambda document=None, format="html", **kw: render(
            sample_doc() if document is None else document, format, **kw
        ),
        "export": lambda output=None, **kw: export(sample_doc(), "html", output, **kw),
    }
    with pytest.raises(ValueError) as info:  # OptionError, or ThemeError/UnknownFormatError
        functions[call](**given)
    assert isinstance(info.value, ExportPostError)
    assert substitute(message, places) in str(info.value)
    assert "\n" not in str(info.value)


_DOC: list[Any] = []


def sample_doc() -> Any:
    if not _DOC:
        _DOC.append(load_post(SAMPLE_POST))
    return _DOC[0]
