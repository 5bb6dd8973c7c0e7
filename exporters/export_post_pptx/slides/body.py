"""A section's blocks as bullets (lists stay lists, paragraphs reduced to their lead
sentence, the full text in the speaker notes) and, for code, tables, pictures, formulas and
the epigraph, the slides of their own, in document order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import assert_never

from export_post.model import (
    Block,
    BlockQuote,
    BulletList,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Inline,
    ListItem,
    MathBlock,
    OrderedList,
    Paragraph,
    Run,
    Table,
    ThematicBreak,
    TocPlaceholder,
    plain_text,
    squash,
    to_runs,
)

from ..deck import Para, Slide
from ..notes import block_lines, note_lines
from ..summary import lead_runs
from .code import code_slides
from .context import Context
from .equation import equation_slide
from .picture import image_slide
from .quote import beyond_text, quote_slides
from .table import table_slides


@dataclass(slots=True)
class Body:
    """What a section's blocks become: bullet paragraphs, and slides of their own."""

    paras: list[Para] = field(default_factory=list)
    extras: list[Slide] = field(default_factory=list)


def collect(ctx: Context, blocks: Sequence[Block], title: str, out: Body, level: int) -> None:
    for block in blocks:
        match block:
            case Paragraph(children=kids):
                out.paras.append(summary_para(ctx, kids, level, bullet="\u2022" if level == 0 else "\u2013"))
            case Heading(children=kids):
                runs = tuple(replace(r, style=replace(r.style, bold=True)) for r in to_runs(kids))
                note = plain_text(kids) + ctx.note_texts(kids)
                out.paras.append(Para(runs=runs, level=level, bullet=None, note=note, source="heading"))
            case BulletList(items=items) | OrderedList(items=items):
                start = block.start if isinstance(block, OrderedList) else None
                for index, item in enumerate(items):
                    _item(ctx, item, title, out, level, None if start is None else start + index)
            case BlockQuote(children=kids):
                if block is ctx.epigraph:
                    out.extras.extend(quote_slides(ctx, block))
                    collect(ctx, beyond_text(kids), title, out, level)
                else:
                    _quote(ctx, kids, title, out, level)
            case CodeBlock():
                out.extras.extend(code_slides(ctx, title, block))
            case Figure():
                if ctx.options.show_images:
                    out.extras.append(image_slide(ctx, title, block))
                else:  # pictures left out on request: their words stay in the notes
                    ctx.loose_notes.extend(block_lines((block,)))
                    ctx.loose_notes.extend(note_lines(block.caption))
            case Table():
                out.extras.extend(table_slides(ctx, title, block))
            case Div(children=kids):
                collect(ctx, kids, title, out, level)
            case MathBlock(tex=tex):
                out.extras.append(equation_slide(ctx, title, tex))
            case DefinitionList(items=items):
                for entry in items:
                    _definition(ctx, entry, title, out, level)
            case ThematicBreak() | TocPlaceholder():
                pass
            case _:
                assert_never(block)


def _quote(ctx: Context, blocks: Sequence[Block], title: str, out: Body, level: int) -> None:
    """A block quote's paragraphs as quoted bullets (lead sentence, italic); whatever else
    it holds (lists, code, tables, pictures, formulas) as it is anywhere else."""
    for block in blocks:
        match block:
            case Paragraph(children=kids) | Heading(children=kids):
                runs = tuple(replace(r, style=replace(r.style, italic=True)) for r in ctx.runs(kids))
                lead, _ = lead_runs(runs)
                note = squash(plain_text(kids)) + ctx.note_texts(kids)
                out.paras.append(Para(runs=lead, level=level, bullet="\u275d", note=note, source="quote"))
            case BlockQuote(children=kids) | Div(children=kids):
                _quote(ctx, kids, title, out, level)
            case _:
                collect(ctx, (block,), title, out, level)


def _definition(ctx: Context, entry: DefinitionItem, title: str, out: Body, level: int) -> None:
    """A term as a bullet "Term: lead of its first definition"; the rest below it."""
    term = tuple(replace(r, style=replace(r.style, bold=True)) for r in ctx.runs(entry.term))
    first = entry.definitions[0] if entry.definitions else ()
    inlines: tuple[Inline, ...] = first[0].children if first and isinstance(first[0], Paragraph) else ()
    lead, _ = lead_runs(ctx.runs(inlines))
    runs = (*term, Run(text=": "), *lead) if lead else term
    note = squash(f"{plain_text(entry.term)}: {plain_text(inlines)}") + ctx.note_texts(
        (*entry.term, *inlines)
    )
    out.paras.append(Para(runs=runs, level=level, note=note, source="item"))
    for definition in entry.definitions:
        collect(ctx, definition[1:] if inlines and definition is first else definition, title, out, level + 1)


def _item(ctx: Context, item: ListItem, title: str, out: Body, level: int, number: int | None) -> None:
    first, *rest = item.children or (Paragraph(children=()),)
    bullet = f"{number}." if number is not None else ("\u2022" if level == 0 else "\u2013")
    if item.checked is not None:
        bullet = "\u2611" if item.checked else "\u2610"
    if isinstance(first, Paragraph):
        out.paras.append(replace(summary_para(ctx, first.children, level, bullet=bullet), source="item"))
    else:
        rest = [first, *rest]
    collect(ctx, rest, title, out, level + 1)


def summary_para(ctx: Context, inlines: tuple[Inline, ...], level: int, bullet: str | None) -> Para:
    """A paragraph as a bullet: its lead sentence (all of it in full-text mode), the whole in the notes."""
    runs = ctx.runs(inlines)
    lead, cut = (runs, False) if ctx.options.text_mode == "full" else lead_runs(runs)
    if cut:
        ctx.log.add("paragraphs_summarised")
    note = squash(plain_text(inlines)) + ctx.note_texts(inlines)
    return Para(runs=lead, level=level, bullet=bullet, note=note)
