"""Code blocks on slides of their own, highlighted, split between lines into "(2/3)" slides;
a line too long for a whole slide (minified code) is cut into pieces that each fit."""

from __future__ import annotations

from functools import partial

from export_post.model import CodeBlock, Run, RunStyle

from ..deck import Kind, Para, Rect, Slide, TextBox
from ..fitter import Fitter, longest
from ..geometry import INSET_X, INSET_Y
from ..measure import Piece, Style
from .boxes import title_text
from .context import Context, numbered


def code_slides(ctx: Context, title: str, block: CodeBlock) -> list[Slide]:
    from export_post.toolkit.highlight import token_colors

    fit = ctx.fit
    rect = ctx.geo.body
    size = max(ctx.style.min_size, min(18.0, ctx.style.body_size - 4.0))
    mono = Style(ctx.style.mono_font, mono=True)
    width = rect.w - 2 * INSET_X
    chunks = _chunks(ctx, block.text.split("\n") or [""], mono, size, rect)
    slides = []
    for index, chunk in enumerate(chunks, start=1):
        code = "\n".join(chunk)
        colored = tuple(token_colors(code, block.language, ctx.options.code_style))
        height = 2 * INSET_Y + sum(fit.text_height([Piece(line or " ", mono)], size, width) for line in chunk)
        box = TextBox(
            rect=Rect(rect.x, rect.y, rect.w, min(rect.h, height + 8.0)),  # the shaded box hugs the code
            paras=(Para(runs=(Run(text=code, style=RunStyle(code=True)),), bullet=None),),
            size=size,
            role="code",
            mono=True,
            colored=colored,
        )
        heading = title_text(ctx, numbered(title, index, len(chunks)))
        slides.append(Slide(kind=Kind.CODE, title=heading, boxes=(box,), notes=""))
    ctx.log.add("code_slides", len(slides))
    return slides


def _chunks(ctx: Context, lines: list[str], mono: Style, size: float, rect: Rect) -> list[list[str]]:
    """The lines of code (long ones cut) in slidefuls."""
    width = rect.w - 2 * INSET_X
    room = rect.h - 2 * INSET_Y
    chunks: list[list[str]] = []
    current: list[str] = []
    used = 2 * INSET_Y
    for source in lines:
        parts = line_parts(ctx.fit, source, mono, size, width, room)
        if parts != [source]:
            ctx.log.add("code_lines_cut")
        for line in parts:
            h = ctx.fit.text_height([Piece(line or " ", mono)], size, width)
            if current and used + h > rect.h:
                chunks.append(current)
                current, used = [], 2 * INSET_Y
            current.append(line)
            used += h
    if current:
        chunks.append(current)
    return chunks


def line_parts(fitter: Fitter, line: str, mono: Style, size: float, width: float, room: float) -> list[str]:
    """A line of code, cut into pieces that each fit a slide (a minified file's one line
    would otherwise wrap past the bottom); ordinary lines come back whole."""
    if fitter.text_height([Piece(line or " ", mono)], size, width) <= room:
        return [line]
    parts: list[str] = []
    while line:
        # The longest prefix that fits (at least a character), measuring no more than twice it.
        cut = max(1, longest(len(line), partial(_fits, fitter, line, mono, size, width, room)))
        parts.append(line[:cut])
        line = line[cut:]
    return parts


def _fits(fitter: Fitter, line: str, mono: Style, size: float, width: float, room: float, n: int) -> bool:
    return fitter.text_height([Piece(line[:n], mono)], size, width) <= room
