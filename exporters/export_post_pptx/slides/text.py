"""Content slides: bullets fitted by measurement. At the theme's body size a body that does
not fit is split at paragraph boundaries into "Title (2/3)" slides; a paragraph that does not
fit alone is shrunk, never below the theme's minimum size, and split by sentences (then by
words) if even that is not enough. A section of one paragraph is a statement, set large."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from export_post.model import Run
from export_post.toolkit.labels import label
from export_post.toolkit.xhtml_toc import toc_entries

from ..deck import Kind, Para, Rect, Slide, TextBox
from ..fitter import Fitter, longest, sizes_between
from ..summary import split_sentences
from .boxes import title_text
from .context import Context, Diagnostics, numbered

STATEMENT_SIZES = (32.0, 30.0, 28.0)
Chunk = tuple[list[Para], float]  # paragraphs that fit one box, and the size they fit at


def agenda(ctx: Context) -> list[Slide]:
    """The post's top-level headings as bullets, where it asked for a table of contents."""
    entries = toc_entries(ctx.doc, max_level=1)
    paras = [Para(runs=(Run(text=e.text),), bullet="\u2022", note=e.text) for e in entries]
    if not paras:
        return []
    return content_slides(ctx, label("agenda", ctx.lang), paras, kind=Kind.AGENDA)


def content_slides(ctx: Context, title: str, paras: list[Para], kind: Kind = Kind.CONTENT) -> list[Slide]:
    rect = ctx.geo.body
    if kind is Kind.CONTENT and len(paras) == 1 and paras[0].source == "paragraph":
        big = statement(ctx, title, paras[0])
        if big is not None:
            return [big]
    chunks = fit(ctx.fit, ctx.log, paras, rect)
    slides = []
    for index, (chunk, size) in enumerate(chunks, start=1):
        heading = numbered(title, index, len(chunks))
        notes = "\n".join(p.note for p in chunk if p.note)
        box = TextBox(rect=rect, paras=tuple(chunk), size=size)
        slides.append(Slide(kind=kind, title=title_text(ctx, heading), boxes=(box,), notes=notes))
    if len(chunks) > 1:
        ctx.log.add("continuation_slides", len(chunks) - 1)
    return slides


def statement(ctx: Context, title: str, para: Para) -> Slide | None:
    """A section that is one paragraph: its lead sentence large, without a bullet."""
    rect = ctx.geo.body
    plain = replace(para, bullet=None)
    larger = [s for s in STATEMENT_SIZES if s > ctx.style.body_size]
    size = next((s for s in larger if ctx.fit.body_height([plain], s, rect.w) <= rect.h * 0.6), None)
    if size is None:
        return None
    box = TextBox(rect=rect, paras=(plain,), size=size, role="statement")
    return Slide(kind=Kind.CONTENT, title=title_text(ctx, title), boxes=(box,), notes=para.note)


def fit(fitter: Fitter, log: Diagnostics, paras: list[Para], rect: Rect) -> list[Chunk]:
    """Chunks of paragraphs that each fit ``rect``, with the size to set them at."""
    top, low = fitter.style.body_size, fitter.style.min_size
    if fitter.body_height(paras, top, rect.w) <= rect.h:
        return [(paras, top)]
    chunks: list[Chunk] = []
    current: list[Para] = []
    for para in paras:
        if fitter.body_height([*current, para], top, rect.w) <= rect.h:
            current.append(para)
            continue
        if current:
            chunks.append((current, top))
            current = []
        if fitter.body_height([para], top, rect.w) <= rect.h:
            current = [para]
            continue
        sizes = sizes_between(top, low)
        size = next((s for s in sizes if fitter.body_height([para], s, rect.w) <= rect.h), None)
        if size is not None:
            chunks.append(([para], size))
            log.add("shrunk_slides")
            continue
        chunks.extend(split_long(fitter, log, para, rect, low))
    if current:
        chunks.append((current, top))
    return chunks


def split_long(fitter: Fitter, log: Diagnostics, para: Para, rect: Rect, size: float) -> list[Chunk]:
    """A paragraph too long for a slide even at the minimum size: split it by sentences."""
    parts = split_sentences(para.runs)
    pieces: list[Para] = []
    for i, part in enumerate(parts):
        piece = Para(
            runs=part,
            level=para.level,
            bullet=para.bullet if i == 0 else None,
            note=para.note if i == 0 else "",
        )
        if fitter.body_height([piece], size, rect.w) > rect.h:
            pieces.extend(split_words(fitter, piece, rect, size))
        else:
            pieces.append(piece)
    chunks: list[Chunk] = []
    current: list[Para] = []
    for piece in pieces:
        if current and fitter.body_height([*current, piece], size, rect.w) > rect.h:
            chunks.append((current, size))
            current = []
        current.append(piece)
    if current:
        chunks.append((current, size))
    log.add("split_paragraphs")
    return chunks


def split_words(fitter: Fitter, para: Para, rect: Rect, size: float) -> list[Para]:
    """``para`` cut into pieces of as many words as fit (at least one word each)."""
    words = "".join(r.text for r in para.runs).split(" ")

    def piece(start: int, count: int) -> Para:
        return Para(runs=(Run(text=" ".join(words[start : start + count])),), level=para.level, bullet=None)

    def fits(start: int, count: int) -> bool:
        return fitter.body_height([piece(start, count)], size, rect.w) <= rect.h

    out: list[Para] = []
    start = 0
    while start < len(words):
        count = max(1, longest(len(words) - start, partial(fits, start)))
        out.append(piece(start, count))
        start += count
    return out
