"""The PDF exporter parses its stylesheet once per thread, with the same result as before."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import export_post_pdf.render as pdf_render
from export_post import Document, Reporter, load_post, render
from export_post.exporter import ExportContext
from export_post.resources import Resource
from export_post_pdf import deflate
from export_post_pdf.fetcher import MANIFEST_SCHEME, make_fetcher
from export_post_pdf.textdraw import recording
from export_post_pdf.textlayer import repair_text_layer

from .support import SAMPLE_POST


def exporter_page(monkeypatch: pytest.MonkeyPatch, document: Document, **options: Any) -> dict[str, Any]:
    """The page, manifest and context the PDF exporter hands to ``render_pdf``."""
    seen: dict[str, Any] = {}
    real = pdf_render.render_pdf

    def spy(html: str, manifest: Mapping[str, Resource], context: ExportContext, **kw: Any) -> bytes:
        seen.update(html=html, manifest=manifest, context=context, kw=kw)
        return real(html, manifest, context, **kw)

    monkeypatch.setattr(pdf_render, "render_pdf", spy)
    seen["pdf"] = render(document, "pdf", **options)
    return seen


def test_the_pdf_is_what_weasyprint_makes_of_the_page_with_its_style(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint import HTML

    seen = exporter_page(monkeypatch, load_post(SAMPLE_POST), page_size="A5")
    assert seen["html"].count(pdf_render.STYLE_OPEN) == 1
    # the glyph-text repairs made while drawing (export_post_pdf.textdraw), and the streams
    # deflated at the level ours are (export_post_pdf.deflate)
    with recording(), deflate.default_level():
        direct = HTML(
            string=seen["html"],
            base_url=f"{MANIFEST_SCHEME}:",
            url_fetcher=make_fetcher(seen["manifest"]),
        ).write_pdf(
            pdf_tags=True,
            pdf_identifier=pdf_render._identifier(seen["context"]),
            finisher=repair_text_layer,  # the text-layer repair: the A5 running header is cut
        )
    assert seen["pdf"] == direct
    assert render(load_post(SAMPLE_POST), "pdf", page_size="A5") == direct  # the cached sheet: same bytes


def test_one_sheet_per_text_and_thread() -> None:
    css = "p { color: #123456; }"
    assert pdf_render._stylesheet(css) is pdf_render._stylesheet(css)
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(pdf_render._stylesheet(css)))
    thread.start()
    thread.join()
    assert other and other[0] is not pdf_render._stylesheet(css)


def test_what_weasyprint_says_about_the_stylesheet_is_told_for_every_document(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("name: odd\nextends: default\ncss: {pdf: [odd.css]}\n")
    (theme / "odd.css").write_text("p { colr: red; }\n")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\nText.\n")
    for _ in range(2):
        reporter = Reporter()
        render(load_post(post), "pdf", theme=str(theme), reporter=reporter)
        notes = [d.message for d in reporter.diagnostics if d.code == "pdf-renderer"]
        assert any("colr" in note for note in notes), notes
