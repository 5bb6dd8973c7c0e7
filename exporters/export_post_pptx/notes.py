"""Speaker-notes text for any block: what a slide cannot show stays readable in its notes.

Footnotes live only in the notes (``[1] …``), and may hold any block: code keeps its lines,
a formula its TeX, a table one line per row, a picture its caption and alt text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import assert_never

from export_post.model import (
    Block,
    BlockQuote,
    BulletList,
    CodeBlock,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Inline,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Table,
    TableCell,
    ThematicBreak,
    TocPlaceholder,
    iter_notes,
    plain_text,
    squash,
)
from export_post.model.walk import block_inlines, child_blocks

# Blocks a slide draws in a shape of their own: inside a footnote they are only text.
PICTURED = {CodeBlock: "code block", MathBlock: "formula", Table: "table", Figure: "picture"}


def block_lines(blocks: Iterable[Block]) -> list[str]:
    """The text of ``blocks`` at any depth, as lines (footnotes they cite excluded)."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Paragraph(children=kids) | Heading(children=kids):
                out.append(squash(plain_text(kids)))
            case BulletList(items=items) | OrderedList(items=items):
                start = block.start if isinstance(block, OrderedList) else None
                for index, item in enumerate(items):
                    mark = "\u2022" if start is None else f"{start + index}."
                    lines = block_lines(item.children) or [""]
                    out.append(f"{mark} {lines[0]}")
                    out.extend(lines[1:])
            case BlockQuote(children=kids) | Div(children=kids):
                out.extend(block_lines(kids))
            case CodeBlock(text=text):
                out.extend(text.split("\n"))
            case MathBlock(tex=tex):
                out.append(squash(tex))
            case Figure(image=image, caption=caption):
                out.append(" ".join(x for x in (squash(plain_text(caption)), image.alt) if x))
            case Table(head=head, rows=rows, caption=caption):
                out.append(squash(plain_text(caption)))
                out.extend(row_text(row) for row in (head, *rows))
            case DefinitionList(items=items):
                for entry in items:
                    out.append(squash(plain_text(entry.term)))
                    for definition in entry.definitions:
                        out.extend(block_lines(definition))
            case ThematicBreak() | TocPlaceholder():
                pass
            case _:
                assert_never(block)
    return [line for line in out if line.strip()]


def row_text(cells: Iterable[TableCell]) -> str:
    """A table row as one line, its cells joined by " | "."""
    return " | ".join(squash(plain_text(c.children)) for c in cells)


def note_lines(inlines: Iterable[Inline]) -> list[str]:
    """Each footnote cited in ``inlines`` as ``[label] its text`` (a note of several blocks
    over several lines), followed by the notes it cites itself."""
    out: list[str] = []
    for note in iter_notes(inlines):
        lines = block_lines(note.children) or [""]
        out.append(f"[{note.label}] {lines[0]}".rstrip())
        out.extend(lines[1:])
        out.extend(note_lines(i for b in walk(note.children) for seq in block_inlines(b) for i in seq))
    return out


def pictured_in_notes(inlines: Iterable[Inline]) -> Iterator[tuple[Note, str]]:
    """The footnotes cited in ``inlines`` (nested ones too) that hold a block a slide would
    draw in a shape of its own, with that block's kind: the notes show it only as text."""
    for note in iter_notes(inlines):
        blocks = list(walk(note.children))
        for kind, name in PICTURED.items():
            if any(isinstance(b, kind) for b in blocks):
                yield note, name
        yield from pictured_in_notes(i for b in blocks for seq in block_inlines(b) for i in seq)


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block at any depth, not entering footnotes."""
    for block in blocks:
        yield block
        yield from walk(child_blocks(block))
