"""Generic traversal of the block tree (pandoc-types ``Walk.query`` for our needs).

Footnotes hold blocks inside inlines, so the walks go through them too: ``iter_blocks``
yields the blocks of every footnote after the block that first cites it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import assert_never

from .nodes import (
    Block,
    BlockQuote,
    BulletList,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Image,
    Inline,
    InlineContainer,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Table,
    ThematicBreak,
    TocPlaceholder,
)

InlineMap = Callable[[tuple[Inline, ...]], tuple[Inline, ...]]


def child_blocks(block: Block) -> Iterator[Block]:
    """The blocks directly inside ``block`` (list items and definitions included)."""
    match block:
        case BlockQuote(children=kids) | Div(children=kids):
            yield from kids
        case BulletList(items=items) | OrderedList(items=items):
            for item in items:
                yield from item.children
        case DefinitionList(items=items):
            for entry in items:
                for definition in entry.definitions:
                    yield from definition
        case (
            Paragraph()
            | Heading()
            | CodeBlock()
            | Figure()
            | Table()
            | ThematicBreak()
            | TocPlaceholder()
            | MathBlock()
        ):
            pass
        case _:
            assert_never(block)


def block_inlines(block: Block) -> Iterator[tuple[Inline, ...]]:
    """The inline sequences held directly by ``block`` (not by nested blocks)."""
    match block:
        case Paragraph(children=kids) | Heading(children=kids):
            yield kids
        case Figure(image=image, caption=caption):
            yield (image,)
            yield caption
        case Table(head=head, rows=rows, caption=caption):
            for cell in head:
                yield cell.children
            for row in rows:
                for cell in row:
                    yield cell.children
            yield caption
        case DefinitionList(items=items):
            for entry in items:
                yield entry.term
        case (
            BlockQuote()
            | Div()
            | BulletList()
            | OrderedList()
            | CodeBlock()
            | ThematicBreak()
            | TocPlaceholder()
            | MathBlock()
        ):
            pass
        case _:
            assert_never(block)


def iter_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, nested ones and those inside footnotes included, in document order.

    A footnote's blocks come once, after the block that first cites it: the reader gives
    every citation of a note the same blocks, and a note cited n times is not walked n times."""
    return _iter_blocks(blocks, set())


def _iter_blocks(blocks: Iterable[Block], seen: set[int]) -> Iterator[Block]:
    for block in blocks:
        yield block
        yield from _iter_blocks(child_blocks(block), seen)
        for inlines in block_inlines(block):
            for note in iter_notes(inlines):
                if id(note.children) not in seen:
                    seen.add(id(note.children))
                    yield from _iter_blocks(note.children, seen)


def inline_children(node: Inline) -> tuple[Inline, ...]:
    """The inlines directly inside ``node``: a container's children, none for any other
    inline (a footnote's children are blocks)."""
    return node.children if isinstance(node, InlineContainer) else ()


def map_inline_children(node: Inline, fn: InlineMap) -> Inline:
    """``node`` with ``fn`` applied to its inline children; any other inline as it is."""
    return replace(node, children=fn(node.children)) if isinstance(node, InlineContainer) else node


def iter_inlines(inlines: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline, nested ones included (not those inside footnotes), in document order."""
    for node in inlines:
        yield node
        yield from iter_inlines(inline_children(node))


def iter_notes(inlines: Iterable[Inline]) -> Iterator[Note]:
    for node in iter_inlines(inlines):
        if isinstance(node, Note):
            yield node


def iter_images(blocks: Iterable[Block]) -> Iterator[Image]:
    """Every image reference in the blocks, figures and inline images alike."""
    for block in iter_blocks(blocks):
        for inlines in block_inlines(block):
            for node in iter_inlines(inlines):
                if isinstance(node, Image):
                    yield node


def map_inlines(blocks: Iterable[Block], fn: InlineMap) -> tuple[Block, ...]:
    """``blocks`` with ``fn`` applied to every inline sequence a block holds (nested ones too;
    ``fn`` is responsible for the blocks inside any footnote it meets, see :func:`map_notes`)."""
    return tuple(_map_block(block, fn) for block in blocks)


def map_notes(
    inlines: tuple[Inline, ...], fn: InlineMap, done: dict[int, tuple[Block, ...]] | None = None
) -> tuple[Inline, ...]:
    """``inlines`` with :func:`map_inlines` applied inside their footnotes (at any depth).

    ``done`` (kept by the caller for one pass over a tree) maps a note's blocks once however
    often it is cited: the citations share the result, as they shared the blocks."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Note):
            mapped = done.get(id(node.children)) if done is not None else None
            if mapped is None:
                mapped = map_inlines(node.children, fn)
                if done is not None:
                    done[id(node.children)] = mapped
            out.append(replace(node, children=mapped))
        else:
            out.append(map_inline_children(node, lambda kids: map_notes(kids, fn, done)))
    return tuple(out)


def _map_block(block: Block, fn: InlineMap) -> Block:
    match block:
        case Paragraph(children=kids) | Heading(children=kids):
            return replace(block, children=fn(kids))
        case BlockQuote(children=kids) | Div(children=kids):
            return replace(block, children=map_inlines(kids, fn))
        case BulletList(items=items) | OrderedList(items=items):
            return replace(
                block, items=tuple(replace(i, children=map_inlines(i.children, fn)) for i in items)
            )
        case DefinitionList(items=items):
            return replace(
                block,
                items=tuple(
                    DefinitionItem(
                        term=fn(entry.term),
                        definitions=tuple(map_inlines(d, fn) for d in entry.definitions),
                    )
                    for entry in items
                ),
            )
        case Figure(caption=caption):
            return replace(block, caption=fn(caption))
        case Table(head=head, rows=rows, caption=caption):
            return replace(
                block,
                head=tuple(replace(c, children=fn(c.children)) for c in head),
                rows=tuple(tuple(replace(c, children=fn(c.children)) for c in row) for row in rows),
                caption=fn(caption),
            )
        case CodeBlock() | ThematicBreak() | TocPlaceholder() | MathBlock():
            return block
        case _:
            assert_never(block)
