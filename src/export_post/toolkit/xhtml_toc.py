"""A post's table of contents: its entries (shared with the slide deck's agenda) and the
nested list the XHTML outputs show."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Document, plain_text
from .markup import esc
from .xhtml_header import isolate


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    id: str
    text: str


def toc_entries(doc: Document, max_level: int = 3) -> list[TocEntry]:
    """The headings a table of contents lists (``{:.no_toc}`` ones excluded)."""
    headings = [h for h in doc.headings if h.in_toc]
    if not headings:
        return []
    top = min(h.level for h in headings)
    return [
        TocEntry(h.level - top + 1, h.id, plain_text(h.children))
        for h in headings
        if h.level - top + 1 <= max_level
    ]


@dataclass(slots=True)
class TocNode:
    entry: TocEntry
    children: list[TocNode]


def nest_toc(entries: Iterable[TocEntry]) -> list[TocNode]:
    """Flat entries → a tree by level (a jump of several levels nests one step deeper)."""
    roots: list[TocNode] = []
    stack: list[TocNode] = []
    for entry in entries:
        while stack and stack[-1].entry.level >= entry.level:
            stack.pop()
        node = TocNode(entry, [])
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def toc_list(nodes: list[TocNode], href_for_id: Callable[[str], str], direction: str) -> str:
    """``nodes`` as nested ``<ol>`` lists of links."""
    items = []
    for node in nodes:
        entry = node.entry
        href = esc(href_for_id(entry.id))
        inner = toc_list(node.children, href_for_id, direction) if node.children else ""
        # The entry keeps the post's direction (its page number on the same side as the
        # others'); its text keeps its own.
        link = f'<a href="{href}">{isolate(entry.text, direction)}</a>'
        items.append(f'<li class="toc-level-{entry.level}">{link}{inner}</li>\n')
    return "<ol>\n" + "".join(items) + "</ol>\n"
