"""Footnotes as XHTML: calls, and either endnotes (a list linked both ways) or footnotes
floated to the page foot (inline spans, since a block inside the citing paragraph would end it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, assert_never

from ..model import (
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
    ThematicBreak,
    TocPlaceholder,
    iter_blocks,
    plain_text,
)
from ..model.text import REPEATED_NOTE_CHARS, clip, squash
from ..model.walk import block_inlines
from .markup import esc


class Writer(Protocol):
    """What notes need of the renderer that writes the rest of the document."""

    def blocks(self, blocks: Iterable[Block]) -> str: ...
    def inlines(self, inlines: Iterable[Inline]) -> str: ...
    def formula(self, tex: str, *, display: bool) -> str: ...


class Notes:
    """The notes of one renderer: ``"endnotes"`` (with ``epub``, EPUB 3 ``epub:type``
    semantics too) or ``"footnotes"``."""

    def __init__(self, writer: Writer, kind: str, *, epub: bool, id_prefix: str = "") -> None:
        self.writer = writer
        self.prefix = id_prefix  # before every id (a book's chapter: notes numbered per chapter)
        self.kind = kind
        self.epub = epub
        self._endnotes: dict[str, Note] = {}
        self._endnote_order: list[str] = []  # grows while the notes are rendered (notes cite notes)
        self._note_refs: dict[str, int] = {}
        self._repeats: dict[str, str] = {}  # footnotes: label -> what its later citations show

    def cite(self, note: Note) -> str:
        """The call of ``note`` (a footnote: the note itself)."""
        if self.kind == "footnotes":
            if note.label in self._repeats:  # cited before: the note again, clipped (it can be long)
                return f'<span class="footnote">{esc(self._repeats[note.label])}</span>'
            self._repeats[note.label] = clip(squash(_note_text(note)), REPEATED_NOTE_CHARS)
            return f'<span class="footnote">{"<br/>".join(self._inline_lines(note.children))}</span>'
        number = note.label
        if number not in self._endnotes:
            self._endnotes[number] = note
            self._endnote_order.append(number)
        count = self._note_refs[number] = self._note_refs.get(number, 0) + 1
        ref_id = f"{self.prefix}fnref-{number}" if count == 1 else f"{self.prefix}fnref-{number}-{count}"
        semantics = ' epub:type="noteref"' if self.epub else ""
        return (
            f'<a class="footnote-ref" id="{esc(ref_id)}" href="#{self.prefix}fn-{esc(number)}" '
            f'role="doc-noteref"{semantics}><sup>{esc(number)}</sup></a>'
        )

    def _inline_lines(self, blocks: Iterable[Block]) -> list[str]:
        """``blocks`` as lines of inline markup, for a footnote floated to the page foot."""
        inlines = self.writer.inlines
        lines: list[str] = []
        for block in blocks:
            match block:
                case Paragraph(children=kids) | Heading(children=kids):
                    lines.append(inlines(kids))
                case BulletList(items=items) | OrderedList(items=items):
                    start = block.start if isinstance(block, OrderedList) else None
                    for index, item in enumerate(items):
                        mark = "\u2022" if start is None else f"{start + index}."
                        inner = self._inline_lines(item.children) or [""]
                        lines += [f"{mark} {inner[0]}", *inner[1:]]
                case BlockQuote(children=kids) | Div(children=kids):
                    lines += self._inline_lines(kids)
                case CodeBlock(text=text):
                    code = "<br/>".join(
                        "\u00a0" * (len(line) - len(line.lstrip(" "))) + esc(line.lstrip(" "))
                        for line in text.split("\n")
                    )
                    lines.append(f'<code dir="ltr">{code}</code>')
                case MathBlock(tex=tex):
                    lines.append(self.writer.formula(tex, display=False))
                case Figure(image=image, caption=caption):
                    lines.append(inlines(caption) or esc(image.alt))
                case Table(head=head, rows=rows, caption=caption):
                    lines.append(inlines(caption))
                    lines += [" | ".join(inlines(c.children) for c in row) for row in (head, *rows)]
                case DefinitionList(items=items):
                    for entry in items:
                        lines.append(inlines(entry.term))
                        for definition in entry.definitions:
                            lines += self._inline_lines(definition)
                case ThematicBreak() | TocPlaceholder():
                    pass
                case _:
                    assert_never(block)
        return [line for line in lines if line]

    def endnotes(self) -> str:
        """The notes cited since the last call (and those they cite), as a list linked back to
        their citations."""
        if not self._endnotes:
            return ""
        semantics = ' epub:type="footnotes"' if self.epub else ""
        item_semantics = ' epub:type="footnote"' if self.epub else ""
        items = []
        for number in self._endnote_order:  # a note citing another appends it: it comes later
            note = self._endnotes[number]
            body = self.writer.blocks(note.children).strip()
            target = f"#{self.prefix}fnref-{esc(number)}"
            back = f'<a class="footnote-back" href="{target}" role="doc-backlink">\u21a9</a>'
            if body.endswith("</p>"):
                body = body[: -len("</p>")] + f" {back}</p>"
            else:
                body += back
            items.append(
                f'<li id="{self.prefix}fn-{esc(number)}" value="{esc(number)}"{item_semantics}>{body}</li>\n'
            )
        self._endnotes.clear()
        self._endnote_order.clear()
        listing = "".join(items)
        opening = f'<section class="footnotes" role="doc-endnotes"{semantics}>'
        return f"{opening}\n<hr/>\n<ol>\n{listing}</ol>\n</section>\n"


def _note_text(note: Note) -> str:
    return " ".join(plain_text(i) for b in iter_blocks(note.children) for i in block_inlines(b))
