"""Every word of the post body reaches every output (PPTX: slides plus speaker notes)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .support import SAMPLE_POST, epub_text, html_text, missing_words, pdf_text, pptx_text, source_words


def _html_file_text(path: Path) -> str:
    return html_text(path.read_text(encoding="utf-8"))


READERS: dict[str, Callable[[Path], str]] = {
    "epub": epub_text,
    "pdf": pdf_text,
    "html": _html_file_text,
    "pptx": pptx_text,
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_word_of_the_sample_is_kept(fmt: str, sample_outputs: dict[str, Path]) -> None:
    expected = source_words(SAMPLE_POST)
    assert len(expected) > 900
    text = READERS[fmt](sample_outputs[fmt])
    assert missing_words(expected, text) == []


def test_pdf_text_has_no_markup_leftovers(sample_outputs: dict[str, Path]) -> None:
    text = pdf_text(sample_outputs["pdf"])
    for leftover in ("{:", "<p", "<img", "&lt;", "align=", "**"):
        assert leftover not in text


def test_html_is_self_contained(sample_outputs: dict[str, Path]) -> None:
    markup = sample_outputs["html"].read_text(encoding="utf-8")
    assert markup.count('src="data:image/jpeg;base64,') == 6
    assert "<link" not in markup and "<script" not in markup
    assert 'src="/' not in markup and "src='/" not in markup


def test_html_body_is_the_markup_the_pdf_is_made_from(sample_outputs: dict[str, Path]) -> None:
    markup = sample_outputs["html"].read_text(encoding="utf-8")
    body = markup.split("<body>", 1)[1]
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        section = z.read("EPUB/section-02.xhtml").decode()
    heading = '<h3 id="online-resources">Online Resources</h3>'
    assert heading in body and heading in section
