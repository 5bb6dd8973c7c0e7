"""The epigraph large on a slide of its own (more than one if it is very long), under a
large opening quotation mark, its attribution ("— Name") below."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from export_post.model import (
    Block,
    BlockQuote,
    BulletList,
    Div,
    Heading,
    Inline,
    OrderedList,
    Paragraph,
    Run,
    RunStyle,
    Text,
    iter_notes,
    plain_text,
    squash,
)

from ..deck import Kind, Para, Rect, Slide, TextBox
from ..geometry import INSET_Y
from .context import Context
from .text import Chunk, split_long

QUOTE_SIZES = (32.0, 28.0, 24.0, 20.0)
MARK_SIZE = 110.0
_ATTRIBUTION = re.compile(r"^(?P<quote>.+?)\s+[\u2013\u2014-]{1,2}\s*(?P<who>[^\u2013\u2014]{2,80})$", re.S)


def quote_slides(ctx: Context, quote: BlockQuote) -> list[Slide]:
    rect = ctx.geo.quote
    parts = paragraph_inlines(quote.children)
    text = squash("\n".join(plain_text(p) for p in parts))
    who = ""
    m = _ATTRIBUTION.match(text)
    if m and len(m["who"]) < len(m["quote"]):
        text, who = m["quote"].strip(), m["who"].strip()
    runs: tuple[Run, ...] = (Run(text=text, style=RunStyle(italic=True)),)
    cited = marks(inline for p in parts for inline in p)
    if cited:  # the footnotes it cites, marked after the quote (their text in the notes)
        runs = (*runs, Run(text=cited, style=RunStyle(italic=True, superscript=True)))
    size = ctx.fit.fit_size(runs, rect, QUOTE_SIZES)
    chunks: list[Chunk]
    if size is not None:
        chunks = [([Para(runs=runs, bullet=None)], size)]
    else:
        chunks = split_long(ctx.fit, ctx.log, Para(runs=runs, bullet=None), rect, ctx.style.min_size)
    mark = _mark(ctx, rect)
    slides = []
    for index, (paras, chunk_size) in enumerate(chunks):
        boxes = [mark, TextBox(rect=rect, paras=tuple(paras), size=chunk_size, role="quote")]
        if who and index == len(chunks) - 1:
            boxes.append(
                TextBox(
                    rect=Rect(rect.x, rect.bottom + 12.0, rect.w, 40.0),
                    paras=(Para(runs=(Run(text=f"\u2014 {who}"),), bullet=None),),
                    size=20.0,
                    role="attribution",
                )
            )
        notes = ""
        if index == 0:
            notes = squash(plain_text(_first_inlines(quote.children)))
            notes += ctx.note_texts(tuple(inline for p in parts for inline in p))
        slides.append(Slide(kind=Kind.QUOTE, boxes=tuple(boxes), notes=notes))
    return slides


def _mark(ctx: Context, rect: Rect) -> TextBox:
    """The opening mark on the start side; a right-to-left quote opens with the mirror image of "“"."""
    glyph = "\u201d" if ctx.rtl else "\u201c"
    height = 2 * INSET_Y + ctx.fit.text_height(ctx.fit.pieces((Run(text=glyph),)), MARK_SIZE, 1e6)
    return TextBox(
        rect=ctx.start_side(Rect(ctx.geo.margin, max(4.0, rect.y - 106.0), 110.0, height)),
        paras=(Para(runs=(Run(text=glyph),), bullet=None),),
        size=MARK_SIZE,
        role="mark",
    )


def paragraph_inlines(blocks: Sequence[Block]) -> list[tuple[Inline, ...]]:
    """The text of ``blocks``' paragraphs and headings at any depth (what a quote slide shows)."""
    out: list[tuple[Inline, ...]] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            out.append(block.children)
        elif isinstance(block, BlockQuote | Div):
            out.extend(paragraph_inlines(block.children))
        elif isinstance(block, BulletList | OrderedList):
            for item in block.items:
                out.extend(paragraph_inlines(item.children))
    return out


def beyond_text(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """The blocks :func:`paragraph_inlines` leaves out (code, tables, pictures, formulas,
    definition lists), at any depth: a quote slide shows only text."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, BlockQuote | Div):
            out.extend(beyond_text(block.children))
        elif isinstance(block, BulletList | OrderedList):
            for item in block.items:
                out.extend(beyond_text(item.children))
        elif not isinstance(block, Paragraph | Heading):
            out.append(block)
    return tuple(out)


def marks(inlines: Iterable[Inline]) -> str:
    """The labels of the footnotes cited in ``inlines``, as a footnote marker ("1,2")."""
    return ",".join(dict.fromkeys(note.label for note in iter_notes(inlines)))


def _first_inlines(blocks: Sequence[Block]) -> tuple[Inline, ...]:
    joined: list[Inline] = []
    for i, part in enumerate(paragraph_inlines(blocks)):
        if i:
            joined.append(Text(text="\n"))
        joined.extend(part)
    return tuple(joined)
