"""A third-party exporter's options work from the command line, as the built-ins' do: its
declared option becomes a flag in its own ``--help`` group, is checked like theirs, and its
``in_all`` marker decides whether ``-f all`` includes it."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from export_post.cli import main, parse_formats

TXT_PACKAGE = """
from dataclasses import dataclass
from textwrap import wrap
from typing import ClassVar

from export_post.errors import OptionError
from export_post.exporter import NoOptions, check_declared, option
from export_post.model import Paragraph, plain_text


@dataclass(frozen=True, slots=True, kw_only=True)
class TxtOptions:
    width: int = option(72, flag="--txt-width", metavar="N", help="wrap the text at N characters")

    def __post_init__(self):
        check_declared(self)
        if self.width < 10:
            raise OptionError(f"width must be at least 10 (got {self.width})")


class TxtExporter:
    name: ClassVar[str] = "txt"
    media_type: ClassVar[str] = "text/plain"
    file_extension: ClassVar[str] = ".txt"
    description: ClassVar[str] = "Plain text, wrapped (test plugin)"
    Options = TxtOptions
    in_all: ClassVar[bool] = True

    def export(self, document, context):
        width = context.options_for(TxtOptions).width
        paragraphs = [plain_text(b.children) for b in document.blocks if isinstance(b, Paragraph)]
        return "\\n\\n".join("\\n".join(wrap(p, width)) for p in paragraphs).encode()


class MemoExporter(TxtExporter):
    name: ClassVar[str] = "memo"
    description: ClassVar[str] = "Not part of all (test plugin)"
    Options = NoOptions
    in_all: ClassVar[bool] = False
"""


@pytest.fixture
def txt_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The package installed as a distribution would be: a module and a dist-info with its
    entry points, on ``sys.path``."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "txt_plugin.py").write_text(TXT_PACKAGE)
    dist = site / "txt_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: txt-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[export_post.exporters]\ntxt = txt_plugin:TxtExporter\nmemo = txt_plugin:MemoExporter\n"
    )
    monkeypatch.syspath_prepend(str(site))
    yield tmp_path
    sys.modules.pop("txt_plugin", None)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_plugin_is_listed_with_its_option_in_help(
    txt_plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run("--list-formats")
    assert code == 0 and "txt\tPlain text, wrapped (test plugin)\n" in out
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    shown = capsys.readouterr().out
    assert stop.value.code == 0
    group = shown[shown.index("\ntxt options:\n") :]
    assert "--txt-width N" in group and "wrap the text at N characters" in group
    assert "-f FMT, --format FMT  output format: epub, html, memo, pdf, pptx, txt," in shown


def test_the_plugin_takes_its_option_from_the_command_line(txt_plugin: Path) -> None:
    post = txt_plugin / "p.md"
    post.write_text("---\ntitle: T\n---\n" + "word " * 30 + "\n")
    out_dir = txt_plugin / "out"
    code, out, err = run(str(post), "-f", "txt", "--txt-width", "20", "-o", f"{out_dir}/")
    assert code == 0 and out == f"wrote {out_dir}/p.txt\n", err
    lines = (out_dir / "p.txt").read_text().splitlines()
    assert len(lines) == 8 and max(map(len, lines)) <= 20
    code, _, err = run(str(post), "-f", "txt", "-o", f"{out_dir}/", "--force")
    assert code == 0 and max(map(len, (out_dir / "p.txt").read_text().splitlines())) > 20  # default 72


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-f", "txt", "--txt-width", "wide"], "argument --txt-width: invalid int value: 'wide'"),
        (["-f", "txt", "--txt-width", "5"], "width must be at least 10 (got 5)"),
        (["-f", "html", "--txt-width", "40"], "--txt-width is a txt option, but txt is not among"),
    ],
)
def test_a_bad_plugin_option_is_a_usage_error(txt_plugin: Path, flags: list[str], message: str) -> None:
    post = txt_plugin / "p.md"
    post.write_text("x\n")
    code, out, err = run(str(post), *flags, "-o", f"{txt_plugin}/out/")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert not (txt_plugin / "out").exists()


def test_all_means_the_formats_marked_as_part_of_it(txt_plugin: Path) -> None:
    assert parse_formats(["all"]) == ["epub", "pdf", "pptx", "html", "txt"]  # memo: in_all False
    assert parse_formats(["all,memo"]) == ["epub", "pdf", "pptx", "html", "txt", "memo"]


def test_without_the_plugin_all_is_the_four_built_ins() -> None:
    assert parse_formats(["ALL"]) == ["epub", "pdf", "pptx", "html"]
