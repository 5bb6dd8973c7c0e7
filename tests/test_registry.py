"""Exporters are plugins: entry points (as a third party ships them) or runtime registration."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import pytest

from export_post import (
    Document,
    ExportContext,
    UnknownFormatError,
    format_names,
    get_exporter,
    load_post,
    register_exporter,
    render,
)
from export_post.exporter import NoOptions
from export_post.registry import unregister_exporter

TOY_PACKAGE = """
from typing import ClassVar
from export_post.exporter import NoOptions

class TxtExporter:
    name: ClassVar[str] = "toytxt"
    media_type: ClassVar[str] = "text/plain"
    file_extension: ClassVar[str] = ".txt"
    description: ClassVar[str] = "Plain text (toy plugin)"
    Options = NoOptions

    def export(self, document, context):
        from export_post.model import plain_text, Heading
        return "\\n".join(plain_text(b.children) for b in document.blocks if isinstance(b, Heading)).encode()
"""


def test_a_third_party_distribution_adds_a_format_through_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "toy_exporter.py").write_text(TOY_PACKAGE)
    dist = tmp_path / "toy_exporter-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-exporter\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[export_post.exporters]\ntoytxt = toy_exporter:TxtExporter\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "toytxt" in format_names()
    post = tmp_path / "p.md"
    post.write_text("# One\n\n## Two\n")
    assert render(load_post(post), "toytxt") == b"One\nTwo"
    sys.modules.pop("toy_exporter", None)


class Shout:
    name: ClassVar[str] = "shout"
    media_type: ClassVar[str] = "text/plain"
    file_extension: ClassVar[str] = ".txt"
    description: ClassVar[str] = "The title, loudly"
    Options: ClassVar[type[NoOptions]] = NoOptions

    def export(self, document: Document, context: ExportContext) -> bytes:
        return document.meta.title.upper().encode()


def test_register_exporter_at_runtime(tmp_path: Path) -> None:
    register_exporter(Shout)
    try:
        post = tmp_path / "p.md"
        post.write_text("---\ntitle: quiet\n---\nx\n")
        assert render(load_post(post), "shout") == b"QUIET"
        assert get_exporter("shout").media_type == "text/plain"
    finally:
        unregister_exporter("shout")
    assert "shout" not in format_names()


def test_builtins_are_entry_points_too() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="export_post.exporters")}
    assert names == {
        "epub": "export_post_epub:EpubExporter",
        "pdf": "export_post_pdf:PdfExporter",
        "pptx": "export_post_pptx:PptxExporter",
        "html": "export_post_html:HtmlExporter",
    }


def test_unknown_format_suggests_close_names() -> None:
    with pytest.raises(UnknownFormatError, match="did you mean pptx"):
        get_exporter("ppt")


def test_unknown_option_is_refused(tmp_path: Path) -> None:
    from export_post import OptionError

    post = tmp_path / "p.md"
    post.write_text("x\n")
    with pytest.raises(OptionError, match="unknown option pag_size"):
        render(load_post(post), "pdf", pag_size="A4")
    with pytest.raises(OptionError, match="page_size must be one of"):
        render(load_post(post), "pdf", page_size="A3")


def test_core_never_imports_an_exporter() -> None:
    import subprocess

    code = (
        "import sys, export_post, export_post.cli, export_post.api;"
        "heavy=('weasyprint','pptx','ebooklib');"
        "bad=[m for m in sys.modules if m.startswith('export_post_') or m.split('.')[0] in heavy];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_plugin_missing_facts_is_refused_by_name() -> None:
    from export_post import ExportPostError

    class Incomplete:
        name = "incomplete"
        media_type = "text/plain"
        file_extension = ".txt"

        def export(self, document: Document, context: ExportContext) -> bytes:
            return b""

    with pytest.raises(ExportPostError, match=r"missing description, Options"):
        register_exporter(Incomplete)  # type: ignore[arg-type]
