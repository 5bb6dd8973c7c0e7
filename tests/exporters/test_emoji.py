"""Posts with emoji, on a machine that has a colour emoji font (a bitmap-only font).

FreeType opens such a font only at the pixel sizes it was drawn at, so measuring slide text
in it at an arbitrary size failed and the whole deck with it. The PDF draws the emoji in
colour from the same font.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pptx import Presentation

from export_post import load_post, render
from export_post_pptx.measure import Style, text_width

from ..support import REQUIRE_ALL, pdf_text, require_tool

EMOJI = "😀🎉👍🏽✅"


def colour_emoji_font() -> Path:
    found = subprocess.run(
        [require_tool("fc-match"), "-f", "%{file}", "emoji:color=true"], capture_output=True, text=True
    ).stdout
    path = Path(found)
    if path.is_file():
        font = TTFont(str(path), lazy=True)
        bitmap_only = ("CBLC" in font or "sbix" in font) and "glyf" not in font and "CFF " not in font
        font.close()
        if bitmap_only:
            return path
    message = "no bitmap-only colour emoji font (apt-get install fonts-noto-color-emoji)"
    if REQUIRE_ALL:
        pytest.fail(message)
    pytest.skip(message)


def test_emoji_are_measured_in_a_bitmap_only_font() -> None:
    colour_emoji_font()
    width = text_width(EMOJI, Style("Calibri"), 20)
    assert 4 * 20 < width < 4 * 20 * 1.6  # about an em and a quarter each, at 20 pt


def test_a_post_with_emoji_becomes_a_deck_and_a_pdf(site: Path) -> None:
    colour_emoji_font()
    post = site / "_posts" / "2024-06-10-emoji.md"
    post.write_text(
        f"---\ntitle: Emoji {EMOJI[0]} test\n---\nHello {EMOJI} world.\n\n## Done {EMOJI[3]}\n\nText.\n",
        encoding="utf-8",
    )
    doc = load_post(post)
    deck = Presentation(io.BytesIO(render(doc, "pptx")))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any(EMOJI in text for text in texts)
    pdf = site / "emoji.pdf"
    pdf.write_bytes(render(doc, "pdf"))
    assert "Hello" in pdf_text(pdf)
