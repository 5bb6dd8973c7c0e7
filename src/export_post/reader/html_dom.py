"""A forgiving HTML fragment parser that keeps source offsets.

Built on the standard library's ``html.parser`` so that raw HTML in posts is never handed
to a renderer: the reader turns the small tree built here into model nodes. Nesting is
capped at :data:`MAX_DEPTH` by flattening (deeper tags are dropped, their content kept), so
hostile nesting can neither recurse without bound nor lose text. Elements that are still
open at the end of a fragment are returned with ``closed=False``: in Markdown an HTML block
often opens in one chunk and closes in another (``<div>`` … blank line … ``</div>``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_DEPTH = 32

VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "canvas",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "math",
        "menu",
        "meta",
        "nav",
        "noscript",
        "object",
        "ol",
        "p",
        "picture",
        "pre",
        "script",
        "section",
        "style",
        "summary",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "video",
        "audio",
        "base",
    ]
)
# Opening one of these closes an open <p>, as browsers do.
_CLOSES_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    ]
)
_SIBLING_CLOSERS = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
}
_SCOPE_STOPS = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "tr": {"table", "tbody", "thead", "tfoot"},
    "td": {"tr", "table"},
    "th": {"tr", "table"},
    "option": {"select"},
}


@dataclass(eq=False)
class TextNode:
    text: str  # character references already decoded
    start: int
    end: int


@dataclass(eq=False)
class CommentNode:
    text: str
    start: int
    end: int


@dataclass(eq=False)
class EndTag:
    """A closing tag with no matching open element in this fragment."""

    tag: str
    start: int
    end: int


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int
    end: int = -1
    content_start: int = -1
    content_end: int = -1
    closed: bool = False
    children: list[Node] = field(default_factory=list)

    @property
    def is_block(self) -> bool:
        return self.tag in BLOCK

    def text_content(self) -> str:
        parts: list[str] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, TextNode):
                parts.append(node.text)
            elif isinstance(node, Element):
                if node.tag == "br":
                    parts.append("\n")
                stack.extend(reversed(node.children))
        return "".join(parts)


Node = TextNode | CommentNode | EndTag | Element


class _Builder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.top: list[Node] = []
        self.stack: list[Element] = []
        self.dropped: list[str] = []  # tags flattened away by the depth cap

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col if line - 1 < len(self._line_starts) else len(self.source)

    def _append(self, node: Node) -> None:
        (self.stack[-1].children if self.stack else self.top).append(node)

    def _close_until(self, index: int, at: int) -> None:
        while len(self.stack) > index:
            el = self.stack.pop()
            el.closed = True
            el.content_end = at
            el.end = at

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        self._implied_closes(tag, start)
        el = Element(tag, {k: v or "" for k, v in attrs}, start, content_start=start + len(raw))
        if tag in VOID:
            el.closed, el.end, el.content_end = True, start + len(raw), start + len(raw)
            self._append(el)
            return
        if len(self.stack) >= MAX_DEPTH:
            self.dropped.append(tag)
            return
        self._append(el)
        self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        self._implied_closes(tag, start)
        end = start + len(raw)
        self._append(Element(tag, {k: v or "" for k, v in attrs}, start, end, end, end, True))

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.source.find(">", start)
        end = close + 1 if close >= 0 else len(self.source)
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                self._close_until(index + 1, start)
                el = self.stack.pop()
                el.closed, el.content_end, el.end = True, start, end
                return
        if not self.stack:
            self.top.append(EndTag(tag, start, end))

    def handle_data(self, data: str) -> None:
        start = self._offset()
        self._append(TextNode(data, start, start + len(data)))

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        end = self.source.find("-->", start)
        self._append(CommentNode(data, start, end + 3 if end >= 0 else len(self.source)))

    def _implied_closes(self, tag: str, at: int) -> None:
        if tag in _CLOSES_P and self.stack and self.stack[-1].tag == "p":
            self._close_until(len(self.stack) - 1, at)
        closers = _SIBLING_CLOSERS.get(tag)
        if not closers:
            return
        stops = _SCOPE_STOPS[tag]
        for index in range(len(self.stack) - 1, -1, -1):
            name = self.stack[index].tag
            if name in stops:
                return
            if name in closers:
                self._close_until(index, at)
                return


@dataclass
class Fragment:
    nodes: list[Node]
    dropped: list[str]


def parse_fragment(source: str) -> Fragment:
    """Parse ``source`` into top-level nodes; unclosed elements keep ``closed=False``."""
    builder = _Builder(source)
    builder.feed(source)
    builder.close()
    for el in builder.stack:
        el.end = el.content_end = len(source)
    _fix_text_ends(builder.top, len(source))
    return Fragment(builder.top, builder.dropped)


def _fix_text_ends(nodes: list[Node], limit: int) -> None:
    """Text nodes end where the next node starts (``convert_charrefs`` shortens their data)."""
    starts = sorted(_starts(nodes))
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, TextNode):
            i = bisect.bisect_right(starts, node.start)
            node.end = starts[i] if i < len(starts) else limit
        elif isinstance(node, Element):
            stack.extend(node.children)


def _starts(nodes: list[Node]) -> list[int]:
    out: list[int] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        out.append(node.start)
        if isinstance(node, Element):
            if node.closed and node.content_end >= 0:
                out.append(node.content_end)
            stack.extend(node.children)
    return out
