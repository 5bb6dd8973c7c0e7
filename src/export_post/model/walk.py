"""Generic traversal of the block tree (pandoc-types ``Walk.query`` for our needs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import assert_never

from .nodes import (
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    Div,
    Emph,
    Figure,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    ThematicBreak,
    TocPlaceholder,
)


def iter_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, nested ones included, in document order."""
    for block in blocks:
        yield block
        match block:
            case BlockQuote(children=kids) | Div(children=kids):
                yield from iter_blocks(kids)
            case BulletList(items=items) | OrderedList(items=items):
                for item in items:
                    yield from iter_blocks(item.children)
            case (
                Paragraph()
                | Heading()
                | CodeBlock()
                | Figure()
                | Table()
                | ThematicBreak()
                | TocPlaceholder()
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
        case (
            BlockQuote()
            | Div()
            | BulletList()
            | OrderedList()
            | CodeBlock()
            | ThematicBreak()
            | TocPlaceholder()
        ):
            pass
        case _:
            assert_never(block)


def iter_inlines(inlines: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline, nested ones included, in document order."""
    for node in inlines:
        yield node
        match node:
            case (
                Emph(children=kids)
                | Strong(children=kids)
                | Strikethrough(children=kids)
                | Superscript(children=kids)
                | Subscript(children=kids)
                | Span(children=kids)
                | Link(children=kids)
            ):
                yield from iter_inlines(kids)
            case Text() | Code() | Image() | LineBreak():
                pass
            case _:
                assert_never(node)


def iter_images(blocks: Iterable[Block]) -> Iterator[Image]:
    """Every image reference in the blocks, figures and inline images alike."""
    for block in iter_blocks(blocks):
        for inlines in block_inlines(block):
            for node in iter_inlines(inlines):
                if isinstance(node, Image):
                    yield node


def map_inlines(
    blocks: Iterable[Block], fn: Callable[[tuple[Inline, ...]], tuple[Inline, ...]]
) -> tuple[Block, ...]:
    """``blocks`` with ``fn`` applied to every inline sequence a block holds (nested ones too)."""
    return tuple(_map_block(block, fn) for block in blocks)


def _map_block(block: Block, fn: Callable[[tuple[Inline, ...]], tuple[Inline, ...]]) -> Block:
    match block:
        case Paragraph(children=kids) | Heading(children=kids):
            return replace(block, children=fn(kids))
        case BlockQuote(children=kids) | Div(children=kids):
            return replace(block, children=map_inlines(kids, fn))
        case BulletList(items=items) | OrderedList(items=items):
            return replace(
                block, items=tuple(replace(i, children=map_inlines(i.children, fn)) for i in items)
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
        case CodeBlock() | ThematicBreak() | TocPlaceholder():
            return block
        case _:
            assert_never(block)
