"""Measuring how much space text takes on a slide, with real font metrics.

Widths come from the font files (Pillow/FreeType); lines are broken greedily at spaces as
PowerPoint and LibreOffice do (CJK between any two characters); line height comes from the
font's vertical metrics (fontTools). We break only at spaces (not after hyphens), so we never
predict fewer lines than a renderer draws.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont
from PIL import ImageFont

from .fonts import font_file

_UNITS = 1000  # fonts are loaded at 1000 px/em and scaled to the point size
_TOKEN = re.compile(
    r"\s+|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3040-\u30ff]|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3040-\u30ff]+"
)
SAFETY = 1.03  # widths are stretched by 3%: kerning and renderer rounding never bite


@dataclass(frozen=True, slots=True)
class Style:
    family: str
    bold: bool = False
    italic: bool = False
    mono: bool = False


@lru_cache(maxsize=64)
def _font(style: Style) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_file(style.family, style.bold, style.italic, style.mono)
    if path is None:
        return ImageFont.load_default(size=_UNITS)
    return ImageFont.truetype(str(path), _UNITS)


@lru_cache(maxsize=8192)
def _width_em(text: str, style: Style) -> float:
    font = _font(style)
    return float(font.getlength(text)) / _UNITS


def text_width(text: str, style: Style, size: float) -> float:
    """Width in points of ``text`` at ``size`` points."""
    return _width_em(text, style) * size * SAFETY


@lru_cache(maxsize=64)
def line_height_em(style: Style) -> float:
    """Single line spacing in ems: the largest of the font's three metric sets.

    Renderers disagree on which set they use (LibreOffice takes the Windows metrics, where
    Caladea is 1.30 em against 1.15 in ``hhea``), so the largest one is never too small."""
    path = font_file(style.family, style.bold, style.italic, style.mono)
    if path is None:
        return 1.25
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = TTFont(str(path), fontNumber=0, lazy=True)
    try:
        upm = font["head"].unitsPerEm
        hhea, os2 = font["hhea"], font["OS/2"]
        candidates = (
            hhea.ascent - hhea.descent + hhea.lineGap,
            os2.usWinAscent + os2.usWinDescent,
            os2.sTypoAscender - os2.sTypoDescender + os2.sTypoLineGap,
        )
        tallest: float = max(candidates) / upm
        return tallest
    finally:
        font.close()


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    style: Style


def count_lines(pieces: list[Piece], size: float, width: float) -> int:
    """How many lines ``pieces`` wrap to in ``width`` points (explicit ``\\n`` breaks too)."""
    if width <= 0:
        return 10**6
    lines = 1
    used = 0.0
    pending_space = 0.0
    for piece in pieces:
        for token in _TOKEN.findall(piece.text):
            if token.isspace():
                if "\n" in token:
                    lines += token.count("\n")
                    used, pending_space = 0.0, 0.0
                else:
                    pending_space += text_width(token, piece.style, size)
                continue
            w = text_width(token, piece.style, size)
            if used > 0 and used + pending_space + w > width:
                lines += 1
                used, pending_space = 0.0, 0.0
            if w > width:  # a word longer than the line breaks anywhere
                extra, used = _split_long(token, piece.style, size, width, used)
                lines += extra
                pending_space = 0.0
                continue
            used += pending_space + w
            pending_space = 0.0
    return lines


def _split_long(token: str, style: Style, size: float, width: float, used: float) -> tuple[int, float]:
    extra = 0
    for char in token:
        w = text_width(char, style, size)
        if used + w > width and used > 0:
            extra += 1
            used = 0.0
        used += w
    return extra, used
