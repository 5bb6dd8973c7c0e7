"""Raw HTML that spans Markdown chunks, stitched back into elements.

In Markdown an HTML wrapper often opens in one chunk and closes in another
(``<div class="note">``, a blank line, Markdown, a blank line, ``</div>``), and inline HTML
arrives as separate open and close tokens (``<span>``, text, ``</span>``). The stitchers
keep a stack of the elements still open, so what comes between becomes their content.
Text that kramdown would read as Markdown inside an HTML chunk (a credit line after
``<p><img></p>``, say) is parsed as Markdown inline content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..model import Block, Inline, Text
from .context import ReaderContext, merge_text
from .figures import paragraph_or_figures
from .html_convert import MARKDOWN_ATTR, HtmlConverter
from .html_dom import MAX_DEPTH, CommentNode, Element, EndTag, Node, TextNode, parse_fragment
from .ials import BLANK, IalAttacher, Item, Marker
from .kramdown import Prepared
from .tokens import Token

_OPEN_SVG = re.compile(r"<svg[\s>]", re.I)


class MarkdownParser(Protocol):
    """What the stitchers need from the token converter: Markdown found inside HTML."""

    def parse_markdown(self, source: str) -> list[Block]: ...

    def markdown_inlines(self, source: str) -> list[Inline]: ...


@dataclass(eq=False)
class _Frame:
    element: Element | None
    items: list[Item] = field(default_factory=list)


class BlockStitcher:
    """Assembles the blocks of one run of block tokens (a document, a quote, a list item).

    Feed it in token order (``blank``, ``html``, ``add``), then take ``finish()``."""

    def __init__(
        self, ctx: ReaderContext, prepared: Prepared, ials: IalAttacher, markdown: MarkdownParser
    ) -> None:
        self.ctx = ctx
        self.prepared = prepared
        self.ials = ials
        self.markdown = markdown
        self._frames = [_Frame(None)]

    def blank(self) -> None:
        self._frames[-1].items.append(BLANK)

    def add(self, blocks: Sequence[Block]) -> None:
        self._frames[-1].items.extend(blocks)

    def finish(self) -> list[Block]:
        """The blocks, elements still open closed at the end, IALs attached."""
        while len(self._frames) > 1:
            self._close_frame()
        return self.ials.attach(self._frames[0].items)

    def html(self, raw: str) -> None:
        """A ``block_html`` chunk: an IAL marker, or HTML that may open or close elements."""
        frames = self._frames
        key = self.prepared.marker_key(raw)
        if key is not None:
            frames[-1].items.append(Marker(key))
            return
        fragment = parse_fragment(raw)
        for tag in dict.fromkeys(fragment.dropped):
            self.ctx.reporter.warn("html-too-deep", f"HTML nested too deeply; <{tag}> tags flattened")
        html = HtmlConverter(self.ctx, raw)
        run: list[Node] = []

        def flush() -> None:
            if run:
                frames[-1].items.extend(self._markdown_run(raw[run[0].start : run[-1].end]))
                run.clear()

        for node in fragment.nodes:
            if isinstance(node, CommentNode):
                marker = self.prepared.marker_key(raw[node.start : node.end])
                if marker is not None:
                    flush()
                    frames[-1].items.append(Marker(marker))
                continue
            if isinstance(node, EndTag):
                flush()
                self._close_tag(node.tag)
            elif isinstance(node, TextNode) or not (
                node.is_block or node.tag in ("iframe", "video", "audio", "embed")
            ):
                run.append(node)
            elif node.closed:
                flush()
                frames[-1].items.extend(html.element(node))
            else:
                flush()
                self._open(node, html)
        flush()

    def _markdown_run(self, source: str) -> list[Block]:
        """Text outside HTML elements: Markdown inline content, as kramdown reads it."""
        if not source.strip():
            return []
        return paragraph_or_figures(self.markdown.markdown_inlines(source.strip()))

    def _open(self, el: Element, html: HtmlConverter) -> None:
        """An element left open at the end of its chunk: later tokens become its content."""
        frames = self._frames
        if len(frames) > MAX_DEPTH:  # wrappers opened and never closed: their content joins the parent
            self.ctx.reporter.warn("html-too-deep", f"HTML nested too deeply; <{el.tag}> tags flattened")
            frame = frames[-1]
        else:
            frame = _Frame(el)
            frames.append(frame)
        if el.attrs.get("markdown") in MARKDOWN_ATTR and el.content_start >= 0:
            # Its content in this chunk is Markdown too, as when it closes in the chunk: the chunk
            # ends at the first blank line, so this is the Markdown written right after the tag.
            frame.items.extend(self.markdown.parse_markdown(html.source[el.content_start : el.content_end]))
            return
        last = el.children[-1] if el.children else None
        closed_children = el.children[:-1] if isinstance(last, Element) and not last.closed else el.children
        frame.items.extend(html.blocks(closed_children))
        if isinstance(last, Element) and not last.closed:
            if last.is_block:
                self._open(last, html)
            else:
                frame.items.extend(html.blocks([last]))

    def _close_tag(self, tag: str) -> None:
        for index in range(len(self._frames) - 1, 0, -1):
            element = self._frames[index].element
            if element is not None and element.tag == tag:
                while len(self._frames) > index:
                    self._close_frame()
                return

    def _close_frame(self) -> None:
        frame = self._frames.pop()
        assert frame.element is not None
        html = HtmlConverter(self.ctx, "")
        self._frames[-1].items.extend(html.container(frame.element, self.ials.attach(frame.items)))


class InlineStitcher:
    """Assembles the inlines of one run of inline tokens, pairing inline HTML tags.

    Converted inlines go to ``target()``; take ``finish()`` at the end."""

    def __init__(self, ctx: ReaderContext) -> None:
        self.ctx = ctx
        self._html = HtmlConverter(ctx, "")
        self._stack: list[tuple[Element, list[Inline]]] = []
        self._out: list[Inline] = []

    def target(self) -> list[Inline]:
        """Where the next inline goes: the innermost open element, else the top level."""
        return self._stack[-1][1] if self._stack else self._out

    def finish(self) -> list[Inline]:
        """The inlines, elements still open closed at the end."""
        while self._stack:
            element, kids = self._stack.pop()
            self.target().extend(self._html.inline_element(element.tag, element.attrs, kids))
        return merge_text(self._out)

    def html(self, tokens: Sequence[Token], index: int) -> int:
        """The ``inline_html`` token at ``index``; returns the index of the next token to read
        (past the closing tag of an ``<svg>`` whose markup is split over tokens)."""
        raw = tokens[index]["raw"]
        if _OPEN_SVG.match(raw) and "</svg>" not in raw:
            return self._svg(tokens, index)
        self._tags(raw)
        return index + 1

    def _svg(self, tokens: Sequence[Token], start: int) -> int:
        """An ``<svg>`` split over inline tokens: rejoin its markup, make it an image."""
        parts = []
        end = start
        while end < len(tokens):
            parts.append(str(tokens[end].get("raw", "")))
            end += 1
            if "</svg>" in parts[-1].lower():
                break
        raw = "".join(parts)
        element = next(
            (n for n in parse_fragment(raw).nodes if isinstance(n, Element) and n.tag == "svg"), None
        )
        image = HtmlConverter(self.ctx, raw).inline_svg(element) if element is not None else None
        if image is not None:
            self.target().append(image)
        return end

    def _tags(self, raw: str) -> None:
        stack, html = self._stack, self._html
        for node in parse_fragment(raw).nodes:
            dest = self.target()
            if isinstance(node, Element):
                if node.closed:
                    dest.extend(html.inline_element(node.tag, node.attrs, html.inlines(node.children), node))
                else:
                    stack.append((node, []))
            elif isinstance(node, EndTag):
                for index in range(len(stack) - 1, -1, -1):
                    if stack[index][0].tag == node.tag:
                        while len(stack) > index:
                            element, kids = stack.pop()
                            self.target().extend(html.inline_element(element.tag, element.attrs, kids))
                        break
            elif isinstance(node, TextNode):
                dest.append(Text(text=node.text))
