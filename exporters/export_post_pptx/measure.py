"""Measuring how much space text takes on a slide, with real font metrics.

Widths come from the font files (Pillow/FreeType), character by character from the font
that will actually draw it: a character the named font lacks (Chinese in Calibri, say) is
measured in the font fontconfig substitutes for it, as LibreOffice does. Lines are broken
greedily at spaces as PowerPoint and LibreOffice do (CJK between any two characters, with
LibreOffice's extra space between CJK and other scripts); a
line is as tall as the tallest font in the paragraph (vertical metrics via fontTools). A
word that fits a line is never broken after a hyphen, which could only save lines; a word
longer than a line is, as LibreOffice does before cutting it anywhere, which costs lines.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from export_post.toolkit.fontconfig import coverage

from .fonts import fallback_file, font_file

_UNITS = 1000  # fonts are loaded at 1000 px/em and scaled to the point size
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3040-\u30ff"
# A line breaks at white space, but not at a no-break space (U+00A0, U+2007, U+202F):
# those belong to the word around them, as renderers draw it.
_BREAK_SPACE = "[^\\S\u00a0\u2007\u202f]"
_TOKEN = re.compile(rf"{_BREAK_SPACE}+|[{_CJK}]|(?:(?!{_BREAK_SPACE})[^{_CJK}])+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Where LibreOffice breaks a word too long for a line before breaking it anywhere: after a
# hyphen or dash (even before a digit), a slash, "?", "!", "|" or "\\"; before "%".
_BREAKS_AFTER = "-/?!|\\\\\u00ad\u2010\u2013\u2014"  # as a regex character class
_BREAK_INSIDE = re.compile(rf"(?<=[{_BREAKS_AFTER}])(?![{_BREAKS_AFTER}])|(?=%)")
# LibreOffice puts a quarter em between Chinese/Japanese/Korean and other letters or digits
# ("2016年2月" is 3 such gaps wider); PowerPoint does not, so counting it is the safe side.
ASIAN_SPACING = 0.25
SAFETY = 1.03  # widths are stretched by 3%: kerning and renderer rounding never bite


@dataclass(frozen=True, slots=True)
class Style:
    family: str
    bold: bool = False
    italic: bool = False
    mono: bool = False


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    style: Style


@lru_cache(maxsize=128)
def _font(path: Path | None) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, float]:
    """The font loaded for measuring, and the factor that turns its lengths into 1/1000 em."""
    if path is None:
        return ImageFont.load_default(size=_UNITS), 1.0
    try:
        return ImageFont.truetype(str(path), _UNITS), 1.0
    except OSError:
        strike = _bitmap_strike(path)
        if strike is None:
            raise
        return ImageFont.truetype(str(path), strike), _UNITS / strike


def _bitmap_strike(path: Path) -> int | None:
    """The largest pixel size of a font that has only bitmaps (colour emoji: CBDT or sbix),
    which FreeType loads at those sizes and no other."""
    font = TTFont(str(path), fontNumber=0, lazy=True)
    try:
        if "CBLC" in font:
            return max((s.bitmapSizeTable.ppemY for s in font["CBLC"].strikes), default=None)
        if "sbix" in font:
            return max(font["sbix"].strikes, default=None)
        return None
    finally:
        font.close()


@lru_cache(maxsize=65536)
def _path_for(char: str, style: Style) -> Path | None:
    """The file that draws ``char`` in ``style``: the style's font, or fontconfig's fallback
    (asked for every character of every paragraph each time a slide's text is fitted)."""
    primary = font_file(style.family, style.bold, style.italic, style.mono)
    if ord(char) in coverage(primary) or char.isspace():
        return primary
    return fallback_file(style.family, style.bold, style.italic, ord(char)) or primary


@lru_cache(maxsize=16384)
def _width_em(text: str, style: Style) -> float:
    total = 0.0
    start = 0
    current = _path_for(text[0], style) if text else None
    for index in range(1, len(text) + 1):
        path = _path_for(text[index], style) if index < len(text) else None
        if index == len(text) or path != current:
            font, scale = _font(current)
            total += float(font.getlength(text[start:index])) * scale / _UNITS
            start, current = index, path
    return total


def text_width(text: str, style: Style, size: float) -> float:
    """Width in points of ``text`` at ``size`` points."""
    return _width_em(text, style) * size * SAFETY if text else 0.0


@lru_cache(maxsize=128)
def _line_height_of(path: Path | None) -> float:
    """Single line spacing in ems: the largest of the font's three metric sets.

    Renderers disagree on which set they use (LibreOffice takes the Windows metrics, where
    Caladea is 1.30 em against 1.15 in ``hhea``), so the largest one is never too small."""
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


def pieces_line_height_em(pieces: Sequence[Piece]) -> float:
    """The line spacing of a paragraph: the tallest font any of its characters is drawn in."""
    return _line_height_em(tuple(pieces))


@lru_cache(maxsize=4096)  # a slide's paragraphs are measured again each time one is added
def _line_height_em(pieces: tuple[Piece, ...]) -> float:
    paths = {font_file(p.style.family, p.style.bold, p.style.italic, p.style.mono) for p in pieces}
    for piece in pieces:
        for char in set(piece.text):
            paths.add(_path_for(char, piece.style))
    return max((_line_height_of(p) for p in paths), default=1.25)


def count_lines(pieces: Sequence[Piece], size: float, width: float) -> int:
    """How many lines ``pieces`` wrap to in ``width`` points (explicit ``\\n`` breaks too).

    Lines break as LibreOffice breaks them. White space fills a line like any character,
    except that one space may hang past its end; the rest wraps onto the next line (an
    indent or a run of spaces in code can take a line of its own). An indented word that
    does not fit after its indent starts the next line. A word longer than a line breaks
    after its hyphens, slashes and the like first, and only then anywhere."""
    return _count_lines(tuple(pieces), size, width)


@lru_cache(maxsize=4096)  # as _line_height_em: the same paragraph, size and width, again
def _count_lines(pieces: tuple[Piece, ...], size: float, width: float) -> int:
    if width <= 0:
        return 10**6
    lines = 1
    used = 0.0
    spaces: list[float] = []  # the white space since the last word, each character's width
    previous_cjk: bool | None = None  # the script of the token just before, if no space came between
    for piece in pieces:
        for token in _TOKEN.findall(piece.text):
            if token[0].isspace() and token[0] not in "\u00a0\u2007\u202f":
                for char in token:
                    if char == "\n":
                        lines += _place_spaces(spaces, used, width)[0] + 1
                        used, spaces = 0.0, []
                    else:
                        spaces.append(text_width(char, piece.style, size))
                previous_cjk = None
                continue
            cjk = _CJK_CHAR.match(token) is not None
            gap = ASIAN_SPACING * size if previous_cjk is not None and previous_cjk != cjk else 0.0
            previous_cjk = cjk
            extra, used = _place_spaces(spaces, used, width)
            lines += extra
            spaces = []
            w = text_width(token, piece.style, size) + gap
            if w > width:
                extra, used = _wrap_long_word(token, piece.style, size, width, used, gap)
                lines += extra
                continue
            if used > 0 and used + w > width:  # also after an indent or a hanging space
                lines += 1
                used = 0.0
            used += w
    return lines + _place_spaces(spaces, used, width)[0]


def _place_spaces(spaces: list[float], used: float, width: float) -> tuple[int, float]:
    """White space set from ``used`` on: the lines it adds and where the last one ends. One
    space may hang past a line's end (``used`` is then beyond ``width``)."""
    lines = 0
    for w in spaces:
        if used > width:  # a space already hangs past this line: the next one wraps
            lines += 1
            used = 0.0
        used += w
    return lines, used


# How LibreOffice wraps a word longer than a line, line by line. It breaks after the word's
# hyphens and slashes (``_BREAK_INSIDE``) where it can ("break"); but sometimes it ignores
# them on the line where the word starts: the word then moves to the next line ("move", when
# the line already holds text) and that line is cut anywhere ("cut"). Which way it goes
# depends on the word's punctuation in ways not worth modelling; the count takes whichever
# way costs the most lines.
_LONG_WORD_WAYS = (
    ("break",),
    ("move", "cut", "break"),
    ("cut", "break"),
    ("break", "cut", "break"),
)


def _wrap_long_word(
    word: str, style: Style, size: float, width: float, used: float, gap: float
) -> tuple[int, float]:
    """The lines a word longer than a line adds when set from ``used`` on, and where its
    last line ends: the most lines (then the longest last line) of ``_LONG_WORD_WAYS``."""
    widths = [text_width(char, style, size) for char in word]
    widths[0] += gap
    breaks = [m.start() for m in _BREAK_INSIDE.finditer(word) if m.start() > 0]
    ways = [way[1:] if way[0] == "move" and used <= 0 else way for way in _LONG_WORD_WAYS]
    return max(_wrap_word(widths, breaks, width, used, way) for way in ways)


def _wrap_word(
    widths: list[float], breaks: list[int], width: float, used: float, way: tuple[str, ...]
) -> tuple[int, float]:
    lines = 0
    start = 0
    while True:
        end = start
        room = width - used
        while end < len(widths) and widths[end] <= room:
            room -= widths[end]
            end += 1
        if end == len(widths):
            return lines, width - room
        rule = way[min(lines, len(way) - 1)]
        last = bisect.bisect_right(breaks, end) - 1  # the last break inside the line
        if rule == "break" and last >= 0 and breaks[last] > start:
            start = breaks[last]
        elif used > 0 and rule in ("break", "move"):
            pass  # the word starts on the next line
        else:  # cut anywhere, one character at least
            start = max(end, start + 1)
        lines += 1
        used = 0.0
