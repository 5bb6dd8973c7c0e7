"""The text each glyph stands for, settled while WeasyPrint draws it.

WeasyPrint 70 (``weasyprint/draw/text.py``, ``draw_first_line``) writes a glyph's text into
the font's ToUnicode map the first time it draws the glyph, as the text of the cluster it was
drawn in, and every later use of the glyph reads as that text. In a complex script one glyph
serves many clusters: the Devanagari ``ि`` is drawn before its consonant, so a cluster's whole
text goes with one of its glyphs and the other reads as nothing, and ``क`` drawn alone then
reads as the ``कि`` it first carried. Conjunct halves, Bengali and Tamil vowel signs, Thai
marks, Arabic letter parts, a space drawn for a no-break space, a bracket mirrored in
right-to-left text: each use of a glyph may need its own text. And in a right-to-left line
the pieces WeasyPrint draws separately (a link, bold text, the cells of a table row) follow
one another leftwards, where pypdf and pdfminer.six put a space only when text moves on to
the right, so they run the words of neighbouring pieces together.

While a PDF of ours is drawn (:func:`recording`), each call of ``draw_first_line`` (one line
of one text box) comes with three repairs, made with the cluster and position information
WeasyPrint has at that moment:

1. **Each glyph use its own text.** A glyph drawn for a text other than the one its font's
   ToUnicode map holds for it is written under an alias: a glyph id past the end of the
   font, taken the way WeasyPrint takes ids for missing glyphs (``Font.missing``), with its
   own ToUnicode text and the glyph's width. The finisher (:mod:`.textlayer`) sends each
   alias to the real glyph in the font's ``CIDToGIDMap``, so the page looks the same and
   poppler, pdfminer.six and pypdf all read the cluster's text. In left-to-right text every
   glyph of a cluster reads as part of its text (see :func:`_drawn_glyphs`). (A TrueType
   font only: a CFF font has no ``CIDToGIDMap``; its glyphs keep WeasyPrint's text.)
2. **No word gap where a mark returns.** The move back after a mark drawn shifted left is
   written in steps pypdf does not take for a space (:func:`_return_from_marks_in_steps`).
3. **A space between right-to-left pieces.** When a text box is drawn to the left of the one
   drawn before it on the same baseline and the two are separate words (a gap between them,
   or a space at the end of the first or the start of the second), a space glyph is drawn in
   that gap before the box's own glyphs, so the space comes between the two in the text.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pydyf

ALIAS = "export-post glyph alias"  # first item of the Font.missing keys this module adds

# Geometry of two pieces on one line, in units of the smaller font size.
SAME_LINE = 0.8  # baselines closer than this (pypdf's own threshold)
TOUCHING = 0.1  # a piece ending this far right of the next one's start still precedes it
WORD_GAP = 0.15  # a gap this wide separates words (poppler breaks words at 0.1)

_HEX = re.compile(rb"<([0-9a-fA-F]*)>")
# In a TJ array: a glyph shifted left (a mark placed by its x offset), then the move back.
_SHIFTED_GLYPH = re.compile(rb"(?<=>)(\d+(?:\.\d*)?)(<[0-9a-fA-F]{4}>)-(\d+(?:\.\d*)?)(?=[<\]])")
RETURN_STEP = 50  # thousandths of an em: less than half a space in any text font


@dataclass(frozen=True, slots=True)
class _Piece:
    """A text box as drawn: where its line is, and whether it ends with a space."""

    ctm: tuple[float, ...]
    baseline: float
    left: float
    right: float
    size: float
    ends_with_space: bool


@dataclass
class Recording:
    """The state of one PDF being drawn."""

    last_piece: dict[int, _Piece] = field(default_factory=dict)  # by id of the content stream


# The major versions whose ``draw_first_line`` this module was written against and tested with.
TESTED_WEASYPRINT = frozenset({"70"})
_recording: ContextVar[Recording | None] = ContextVar("export_post_pdf_text_recording", default=None)
_lock = threading.Lock()
_installed = False
_space_glyphs: dict[bytes, int | None] = {}  # font file hash -> its space glyph


@contextmanager
def recording() -> Iterator[Recording]:
    """Text drawn by WeasyPrint in this thread meanwhile gets the repairs."""
    _install()
    state = Recording()
    token = _recording.set(state)
    try:
        yield state
    finally:
        _recording.reset(token)


def is_alias(key: object) -> bool:
    """Whether a ``Font.missing`` key is one of this module's aliases (its glyph: ``key[1]``)."""
    return isinstance(key, tuple) and len(key) == 3 and key[0] == ALIAS


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        import weasyprint
        from weasyprint.draw import text

        if weasyprint.__version__.split(".")[0] not in TESTED_WEASYPRINT:
            return  # another WeasyPrint draws differently: its own text layer, unrepaired
        original = text.draw_first_line

        def draw_first_line(stream: Any, textbox: Any, overflow: Any, ellipsis: Any, matrix: Any) -> Any:
            state = _recording.get()
            if state is None:
                return original(stream, textbox, overflow, ellipsis, matrix)
            _separate(state, stream, textbox, matrix)
            start = len(stream.stream)
            emojis = original(stream, textbox, overflow, ellipsis, matrix)
            if len(stream.stream) > start:
                _give_own_text(stream, textbox, start)
                _return_from_marks_in_steps(stream, start)
            return emojis

        text.draw_first_line = draw_first_line  # svg/text.py imports it from there at each call


# --- the glyphs of one drawn line --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Glyph:
    font: Any  # weasyprint.pdf.fonts.Font
    glyph: int  # the id WeasyPrint wrote
    text: str  # the text of the cluster it was drawn for (empty: another glyph of it has it)


def _drawn_glyphs(stream: Any, textbox: Any) -> list[_Glyph] | None:
    """The glyphs ``draw_first_line`` has just written, in its order, each with its share of
    its cluster's text. None where that cannot be told (a bitmap font, whose codes are one
    byte; a glyph it had no id for).

    WeasyPrint puts a cluster's whole text on its last glyph (its first in right-to-left
    text) and nothing on the others. A glyph that reads as nothing but advances the pen is a
    gap to poppler, which then breaks the word there (``प्रकृ ति``: the vowel sign ``ि`` is drawn
    before its consonant). So in left-to-right text each glyph of a cluster reads as one of
    its characters and the last as the rest: in drawing order they still read as the
    cluster's text."""
    from weasyprint.text.ffi import ffi, pango

    line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    glyphs: list[_Glyph] = []
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        font, _ = stream.add_font(item.item.analysis.font)
        if font.bitmap:
            return None
        count = item.glyphs.num_glyphs
        infos, clusters = item.glyphs.glyphs, item.glyphs.log_clusters
        offset, length = item.item.offset, item.item.length
        rtl = item.item.analysis.level % 2
        waiting: list[int] = []  # the glyphs so far of a left-to-right cluster, reading as nothing
        cluster = -1
        for i in range(count):
            glyph = infos[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                glyph = font.missing.get(glyph - pango.PANGO_GLYPH_UNKNOWN_FLAG)
                if glyph is None:
                    return None
            if rtl:
                end = length if i == 0 else clusters[i - 1]
            else:
                end = length if i == count - 1 else clusters[i + 1]
            text = utf8[offset + clusters[i] : offset + end].decode("utf-8", "replace")
            if clusters[i] != cluster:
                waiting, cluster = [], clusters[i]
            if not rtl and not text:
                waiting.append(len(glyphs))
            elif waiting:
                *shares, text = _shares(text, len(waiting) + 1)
                for index, share in zip(waiting, shares, strict=True):
                    glyphs[index] = _Glyph(glyphs[index].font, glyphs[index].glyph, share)
                waiting = []
            glyphs.append(_Glyph(font, glyph, text))
    return glyphs


def _shares(text: str, count: int) -> list[str]:
    """``text`` cut into ``count`` pieces: one character each, the rest on the last."""
    return [text[i : i + 1] for i in range(count - 1)] + [text[count - 1 :]]


def _give_own_text(stream: Any, textbox: Any, start: int) -> None:
    """Rewrite the glyph ids just written from ``start`` on so that each glyph use whose text
    differs from its ToUnicode entry goes under an alias that has the right text."""
    glyphs = _drawn_glyphs(stream, textbox)
    if not glyphs or not any(g.font.to_unicode.get(g.glyph) != g.text for g in glyphs):
        return
    written = [
        (index, match)
        for index in range(start, len(stream.stream))
        if isinstance(stream.stream[index], bytes) and stream.stream[index].endswith(b"TJ")
        for match in _HEX.finditer(stream.stream[index])
    ]
    codes = [int(h[i : i + 4], 16) for _, m in written for h in [m.group(1)] for i in range(0, len(h), 4)]
    if codes != [g.glyph for g in glyphs]:
        return  # not written the way this module reads it: leave WeasyPrint's text
    replaced = iter([_code(g) for g in glyphs])
    rewritten: dict[int, bytes] = {}
    for index, match in written:
        line = rewritten.get(index, stream.stream[index])
        hex_codes = match.group(1)
        new = b"".join(b"%04x" % next(replaced) for _ in range(len(hex_codes) // 4))
        # Same length as before, so later matches on the line keep their offsets.
        line = line[: match.start(1)] + new + line[match.end(1) :]
        rewritten[index] = line
    for index, line in rewritten.items():
        stream.stream[index] = line


def _code(glyph: _Glyph) -> int:
    """The id to write for this glyph use: its own, or an alias carrying its text."""
    font = glyph.font
    if font.to_unicode.get(glyph.glyph) == glyph.text or not can_alias(font):
        return glyph.glyph
    if glyph.glyph in font.missing.values():
        return glyph.glyph  # already a stand-in for a character no font has
    alias: int = font.get_unused_glyph_id((ALIAS, glyph.glyph, glyph.text))
    if alias not in font.to_unicode:
        font.to_unicode[alias] = glyph.text
        font.widths[alias] = font.widths[glyph.glyph]
    return alias


def can_alias(font: Any) -> bool:
    """Whether the font will be embedded as TrueType outlines, which have a ``CIDToGIDMap``
    (not a CFF font, nor a collection of them, nor a bitmap font)."""
    return "glyf" in font.tables and "CFF " not in font.tables and not font.bitmap


def _return_from_marks_in_steps(stream: Any, start: int) -> None:
    """Split the move back after a mark that is drawn shifted left (a vowel sign under its
    consonant, ``कृ``) into steps smaller than half a space. pypdf reads each move to the right
    in a TJ array of half a space or more as a space, so the word read ``प्रकृ ति``."""

    def in_steps(match: re.Match[bytes]) -> bytes:
        back = float(match.group(3))
        steps = math.ceil(back / RETURN_STEP)
        step = b"%g" % (-back / steps)
        return match.group(1) + match.group(2) + b" ".join([step] * steps)

    for index in range(start, len(stream.stream)):
        line = stream.stream[index]
        if isinstance(line, bytes) and line.endswith(b"TJ"):
            stream.stream[index] = _SHIFTED_GLYPH.sub(in_steps, line)


# --- spaces between right-to-left pieces -------------------------------------------------


def _separate(state: Recording, stream: Any, textbox: Any, matrix: Any) -> None:
    """Draw a space before this text box when it continues leftwards the one drawn before it,
    as a separate word."""
    a, b, c, d, e, f = matrix.values
    text = getattr(textbox, "text", "")
    if (a, b, c, d) != (1, 0, 0, -1) or getattr(textbox, "position_x", None) != e or not text.strip():
        return  # not a text box of the page's flow drawn by draw_text (an SVG letter, …)
    size = float(textbox.style["font_size"])
    piece = _Piece(tuple(stream.ctm.values), f, e, e + textbox.width, size, text[-1].isspace())
    key = id(stream)
    before = state.last_piece.get(key)
    state.last_piece[key] = piece
    if before is None or before.ctm != piece.ctm:
        return
    unit = min(before.size, piece.size)
    if abs(before.baseline - piece.baseline) > SAME_LINE * unit:
        return
    if piece.right > before.left + TOUCHING * unit:
        return  # not to the left of it: every reader handles text that moves on to the right
    if not (before.left - piece.right >= WORD_GAP * unit or before.ends_with_space or text[0].isspace()):
        return  # one word drawn in two pieces
    space = _space(stream, textbox)
    if space is None:
        return
    font, code = space
    stream.set_text_matrix(1, 0, 0, -1, piece.right, f)
    # pypdf reorders the characters of a right-to-left run up to the next font selection: the
    # font is selected on both sides of the space, even where it is the current one already
    # (WeasyPrint's stream skips that; its pydyf base class writes it).
    stream.set_font_size(font.hash, size)
    if not stream.stream[-1].endswith(b" Tf"):
        pydyf.Stream.set_font_size(stream, font.hash, size)
    stream.show_text(f"<{code:04x}>")
    pydyf.Stream.set_font_size(stream, font.hash, size)


def _space(stream: Any, textbox: Any) -> tuple[Any, int] | None:
    """The text box's first font and a glyph id in it that draws a space and reads as one."""
    from weasyprint.text.ffi import ffi

    line, _ = textbox.pango_layout.get_first_line()
    if line.runs == ffi.NULL:
        return None
    pango_font = line.runs[0].data.item.analysis.font
    font, _ = stream.add_font(pango_font)
    if font.bitmap:
        return None
    glyph = next((g for g, text in font.to_unicode.items() if text == " " and g in font.widths), None)
    if glyph is None:
        glyph = _space_glyph(font)
        if glyph is None:
            return None
        if glyph not in font.widths:
            font.widths[glyph] = _glyph_width(stream, pango_font, glyph)
    if font.to_unicode.setdefault(glyph, " ") == " ":
        return font, glyph
    return font, _code(_Glyph(font, glyph, " "))


def _space_glyph(font: Any) -> int | None:
    """The glyph the font's ``cmap`` draws U+0020 with (read once per font file)."""
    key = font.hash.encode() + b"/" + str(len(font.file_content)).encode()
    if key not in _space_glyphs:
        from fontTools.ttLib import TTFont, TTLibError

        try:
            ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            name = (ttfont.getBestCmap() or {}).get(0x20)
            _space_glyphs[key] = ttfont.getGlyphID(name) if name else None
        except (TTLibError, KeyError, ValueError, AssertionError, EOFError, IndexError):
            _space_glyphs[key] = None
    return _space_glyphs[key]


def _glyph_width(stream: Any, pango_font: Any, glyph: int) -> int:
    """The glyph's advance in thousandths of an em, as WeasyPrint measures it."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    pango.pango_font_get_glyph_extents(pango_font, glyph, stream.ink_rect, stream.logical_rect)
    _, font_size = stream.add_font(pango_font)
    width: float = stream.logical_rect.width * 1000 * FROM_UNITS / font_size
    return round(width)
