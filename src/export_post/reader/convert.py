"""The only module that reads mistune's token dicts: tokens → model nodes, once.

Block assembly keeps a stack of open HTML elements across tokens, because in Markdown an
HTML wrapper often opens in one chunk and closes in another (``<div class="note">``, a
blank line, Markdown, a blank line, ``</div>``). Text that kramdown would read as Markdown
inside an HTML chunk (a credit line after ``<p><img></p>``, say) is parsed as Markdown
inline content. IAL markers left by ``kramdown.prepare`` are attached here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mistune.plugins.footnotes import parse_footnote_item

from ..model import (
    Attr,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Emph,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Span,
    Strikethrough,
    Strong,
    Table,
    TableCell,
    Text,
    ThematicBreak,
    TocPlaceholder,
)
from ..model.nodes import Align
from ..model.text import kramdown_id, plain_text
from .context import ReaderContext, merge_text, trim_inlines
from .figures import attach_captions, paragraph_or_figures
from .html_convert import MARKDOWN_ATTR, HtmlConverter
from .html_dom import MAX_DEPTH, CommentNode, Element, EndTag, Node, TextNode, parse_fragment
from .kramdown import Ial, Prepared, parse_ial
from .mathpass import DisplayMath, DollarMath

_HEADING_ID = re.compile(r"\s*\{#(?P<id>[A-Za-z][\w:.-]*)\}\s*$")
_ALIGN = {"left": Align.LEFT, "center": Align.CENTER, "right": Align.RIGHT}


@dataclass(eq=False)
class _Blank:
    pass


@dataclass(eq=False)
class _Marker:
    key: str


_BLANK = _Blank()
_Item = Block | _Blank | _Marker


@dataclass(eq=False)
class _Frame:
    element: Element | None
    items: list[_Item] = field(default_factory=list)


class Converter:
    def __init__(
        self,
        md: Any,
        env: Any,
        prepared: Prepared,
        ctx: ReaderContext,
        footnotes: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self.md = md
        self.env = env
        self.prepared = prepared
        self.ctx = ctx
        self.footnotes = footnotes or {}  # key -> the definition's block tokens
        self._notes: dict[str, tuple[Block, ...]] = {}
        self._labels: dict[str, str] = {}  # key -> its number, in the order notes are first cited
        self._in_note: set[str] = set()
        self._has_toc = False
        ctx.parse_markdown = self.parse_markdown

    def parse_markdown(self, source: str) -> list[Block]:
        # The post's link and footnote definitions hold inside markdown="1" HTML too (as in
        # kramdown); the snippet's own citation list starts empty, so mistune's footnote hook
        # re-reads only the notes the snippet cites.
        state = self.md.block.state_cls()
        state.env = {**self.env, "footnotes": [], "footnote_indexes": {}}
        tokens, _state = self.md.parse(source, state)
        return self.blocks(tokens)

    # ------------------------------------------------------------------------- blocks

    def blocks(self, tokens: Iterable[dict[str, Any]]) -> list[Block]:
        frames = [_Frame(None)]
        for tok in tokens:
            kind = tok["type"]
            if kind == "blank_line":
                frames[-1].items.append(_BLANK)
            elif kind == "block_html":
                self._html(tok["raw"], frames)
            else:
                frames[-1].items.extend(self.block(tok))
        while len(frames) > 1:
            self._close_frame(frames)
        return self._attach(frames[0].items)

    def block(self, tok: dict[str, Any]) -> list[Block]:
        kind = tok["type"]
        if kind == "paragraph":
            return paragraph_or_figures(self.inlines(tok["children"]))
        if kind == "block_text":
            return paragraph_or_figures(self.inlines(tok["children"]))
        if kind == "heading":
            return [self.heading(tok)]
        if kind == "block_code":
            info = (tok.get("attrs") or {}).get("info", "")
            language = info.split()[0].strip("{}.") if info else ""
            return [CodeBlock(text=self.prepared.restore(tok["raw"]).rstrip("\n"), language=language)]
        if kind == "block_quote":
            return [BlockQuote(children=tuple(self.blocks(tok["children"])))]
        if kind == "list":
            return [self.list_block(tok)]
        if kind == "thematic_break":
            return [ThematicBreak()]
        if kind == "table":
            return [self.table(tok)]
        if kind == "kramdown_table":
            return [self.kramdown_table(tok)]
        if kind == "math_block":
            return [MathBlock(tex=tok["raw"])]
        if kind == "def_list":
            return [self.definitions(tok)]
        if kind == "footnotes":
            return []  # definitions are placed where they are cited (see ``note``)
        self.ctx.reporter.warn("block-unknown", f"unsupported Markdown block '{kind}' skipped")
        return []

    def definitions(self, tok: dict[str, Any]) -> DefinitionList:
        entries: list[tuple[tuple[Inline, ...], list[tuple[Block, ...]]]] = []  # term, definitions
        for part in tok["children"]:
            if part["type"] == "def_list_head":
                entries.append((trim_inlines(self.inlines(part["children"])), []))
            elif part["type"] == "def_list_item":
                if not entries:
                    entries.append(((), []))
                entries[-1][1].append(tuple(self.blocks(part["children"])))
        return DefinitionList(
            items=tuple(DefinitionItem(term=term, definitions=tuple(defs)) for term, defs in entries)
        )

    def note(self, tok: dict[str, Any]) -> list[Inline]:
        """A footnote reference: the note's blocks, placed here, numbered by first citation."""
        key = str(tok.get("raw", ""))
        definition = self._definition(key)
        if definition is None or key in self._in_note:
            return [Text(text=f"[^{key.lower()}]")]
        if key not in self._notes:
            self._labels[key] = str(len(self._labels) + 1)
            self._in_note.add(key)
            try:
                self._notes[key] = tuple(self.blocks(definition))
            finally:
                self._in_note.discard(key)
        return [Note(children=self._notes[key], label=self._labels[key])]

    def _definition(self, key: str) -> list[dict[str, Any]] | None:
        """The block tokens of footnote ``key``'s definition. mistune parses only the notes
        its own pass saw cited; a note cited only where inline text is parsed later (a
        kramdown table cell, markdown="1" HTML, another note) is parsed here, on first use."""
        if key not in self.footnotes:
            if key not in (self.env.get("ref_footnotes") or {}):
                return None
            state = self.md.block.state_cls()
            state.env = self.env
            state.tokens = [parse_footnote_item(self.md.block, key, 0, state)]
            rendered = self.md.render_state(state)  # inline content parsed, as mistune's hook does
            self.footnotes[key] = rendered[0]["children"]
        return self.footnotes[key]

    def heading(self, tok: dict[str, Any]) -> Heading:
        children = list(tok["children"])
        explicit = Attr()
        if children and children[-1]["type"] == "span_ial":
            explicit = parse_ial(children.pop()["raw"], self.prepared.alds).attr
        if children and children[-1]["type"] == "text":
            m = _HEADING_ID.search(children[-1]["raw"])
            if m:
                explicit = explicit.merged(Attr(id=m["id"]))
                children[-1] = {"type": "text", "raw": children[-1]["raw"][: m.start()]}
        kids = trim_inlines(self.inlines(children))
        ident = self.ctx.ids.claim(explicit.id or kramdown_id(plain_text(kids)))
        return Heading(level=tok["attrs"]["level"], children=kids, attr=replace(explicit, id=ident))

    def list_block(self, tok: dict[str, Any]) -> BulletList | OrderedList:
        items = []
        for item in tok["children"]:
            checked = (item.get("attrs") or {}).get("checked") if item["type"] == "task_list_item" else None
            items.append(ListItem(children=tuple(self.blocks(item["children"])), checked=checked))
        attrs = tok.get("attrs") or {}
        tight = bool(tok.get("tight", True))
        if attrs.get("ordered"):
            return OrderedList(items=tuple(items), start=int(attrs.get("start") or 1), tight=tight)
        return BulletList(items=tuple(items), tight=tight)

    def table(self, tok: dict[str, Any]) -> Table:
        head: tuple[TableCell, ...] = ()
        rows: list[tuple[TableCell, ...]] = []
        for part in tok["children"]:
            if part["type"] == "table_head":
                head = tuple(self._cell(c) for c in part["children"])
            else:
                rows.extend(tuple(self._cell(c) for c in row["children"]) for row in part["children"])
        return Table(head=head, rows=tuple(rows))

    def kramdown_table(self, tok: dict[str, Any]) -> Table:
        aligns = [_ALIGN.get(a, Align.DEFAULT) for a in tok["aligns"]]

        def row(cells: list[str]) -> tuple[TableCell, ...]:
            return tuple(
                TableCell(
                    children=trim_inlines(self.inlines(self.md.inline(cell, self.env))),
                    align=aligns[i] if i < len(aligns) else Align.DEFAULT,
                )
                for i, cell in enumerate(cells)
            )

        return Table(head=row(tok["head"]) if tok["head"] else (), rows=tuple(row(r) for r in tok["rows"]))

    def _cell(self, tok: dict[str, Any]) -> TableCell:
        align = (tok.get("attrs") or {}).get("align") or ""
        return TableCell(
            children=trim_inlines(self.inlines(tok["children"])),
            align=_ALIGN.get(align, Align.DEFAULT),
        )

    # ----------------------------------------------------------- raw HTML in Markdown

    def _html(self, raw: str, frames: list[_Frame]) -> None:
        key = self.prepared.marker_key(raw)
        if key is not None:
            frames[-1].items.append(_Marker(key))
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
                    frames[-1].items.append(_Marker(marker))
                continue
            if isinstance(node, EndTag):
                flush()
                self._close_tag(node.tag, frames)
            elif isinstance(node, TextNode) or not (
                node.is_block or node.tag in ("iframe", "video", "audio", "embed")
            ):
                run.append(node)
            elif node.closed:
                flush()
                frames[-1].items.extend(html.element(node))
            else:
                flush()
                self._open(node, html, frames)
        flush()

    def _markdown_run(self, source: str) -> list[Block]:
        """Text outside HTML elements: Markdown inline content, as kramdown reads it."""
        if not source.strip():
            return []
        return paragraph_or_figures(self.inlines(self.md.inline(source.strip(), self.env)))

    def _open(self, el: Element, html: HtmlConverter, frames: list[_Frame]) -> None:
        """An element left open at the end of its chunk: later tokens become its content."""
        if len(frames) > MAX_DEPTH:  # wrappers opened and never closed: their content joins the parent
            self.ctx.reporter.warn("html-too-deep", f"HTML nested too deeply; <{el.tag}> tags flattened")
            frame = frames[-1]
        else:
            frame = _Frame(el)
            frames.append(frame)
        if el.attrs.get("markdown") in MARKDOWN_ATTR and el.content_start >= 0:
            # Its content in this chunk is Markdown too, as when it closes in the chunk: the chunk
            # ends at the first blank line, so this is the Markdown written right after the tag.
            frame.items.extend(self.parse_markdown(html.source[el.content_start : el.content_end]))
            return
        last = el.children[-1] if el.children else None
        closed_children = el.children[:-1] if isinstance(last, Element) and not last.closed else el.children
        frame.items.extend(html.blocks(closed_children))
        if isinstance(last, Element) and not last.closed:
            if last.is_block:
                self._open(last, html, frames)
            else:
                frame.items.extend(html.blocks([last]))

    def _close_tag(self, tag: str, frames: list[_Frame]) -> None:
        for index in range(len(frames) - 1, 0, -1):
            element = frames[index].element
            if element is not None and element.tag == tag:
                while len(frames) > index:
                    self._close_frame(frames)
                return

    def _close_frame(self, frames: list[_Frame]) -> None:
        frame = frames.pop()
        assert frame.element is not None
        html = HtmlConverter(self.ctx, "")
        frames[-1].items.extend(html.container(frame.element, self._attach(frame.items)))

    # ------------------------------------------------------------------------- IALs

    def _attach(self, items: Sequence[_Item]) -> list[Block]:
        """Apply IAL markers to the block directly before them (else directly after)."""
        out: list[Block] = []
        pending: Ial | None = None
        after_blank = True
        for index, item in enumerate(items):
            if isinstance(item, _Blank):
                if pending is not None:
                    self._unattached(pending)
                    pending = None
                after_blank = True
            elif isinstance(item, _Marker):
                ial = self.prepared.markers[item.key]
                nxt = items[index + 1] if index + 1 < len(items) else None
                if out and not after_blank:
                    applied = self._apply(out[-1], ial, item.key)
                    if applied is None:
                        out.pop()
                        after_blank = True  # nothing left for a further marker to attach to
                    else:
                        out[-1] = applied
                elif nxt is not None and not isinstance(nxt, _Blank):
                    pending = (
                        ial
                        if pending is None
                        else Ial(pending.attr.merged(ial.attr), pending.refs + ial.refs)
                    )
                else:
                    self._unattached(ial, item.key)
            else:
                if pending is not None:
                    applied = self._apply(item, pending, None)
                    pending = None
                    if applied is None:
                        after_blank = True
                        continue
                    item = applied
                out.append(item)
                after_blank = False
        return attach_captions(out)

    def _apply(self, block: Block, ial: Ial, key: str | None) -> Block | None:
        """``block`` with the attribute list applied; None when it is to go (a repeated toc)."""
        line = self.prepared.marker_lines.get(key or "")
        for ref in ial.refs:
            if ref == "toc":
                if isinstance(block, BulletList | OrderedList):
                    if self._has_toc:  # each would list every heading: n tocs of n headings is n²
                        self.ctx.reporter.info(
                            "toc-repeated", "only the first {:toc} is a table of contents; removed", line=line
                        )
                        return None
                    self._has_toc = True
                    return TocPlaceholder(attr=ial.attr)
                self.ctx.reporter.warn("toc-not-on-list", "{:toc} must follow a list; ignored", line=line)
            else:
                self.ctx.reporter.info(
                    "ial-unknown-reference",
                    f"attribute list reference '{ref}' is not defined",
                    line=line,
                )
        if isinstance(block, Heading) and ial.attr.id:
            ial = Ial(replace(ial.attr, id=self.ctx.ids.claim(ial.attr.id)), ial.refs)
        return replace(block, attr=block.attr.merged(ial.attr))

    def _unattached(self, ial: Ial, key: str | None = None) -> None:
        line = self.prepared.marker_lines.get(key or "")
        self.ctx.reporter.info("ial-unattached", "attribute list has no block next to it; ignored", line=line)

    # ------------------------------------------------------------------------ inlines

    def inlines(self, tokens: Iterable[dict[str, Any]]) -> list[Inline]:
        # Inline HTML arrives as separate open/close tokens; pair them with a stack.
        stack: list[tuple[Element, list[Inline]]] = []
        out: list[Inline] = []
        html = HtmlConverter(self.ctx, "")

        def target() -> list[Inline]:
            return stack[-1][1] if stack else out

        items = list(tokens)
        index = 0
        while index < len(items):
            tok = items[index]
            index += 1
            kind = tok["type"]
            if (
                kind == "inline_html"
                and re.match(r"<svg[\s>]", tok["raw"], re.I)
                and "</svg>" not in tok["raw"]
            ):
                index = self._inline_svg(items, index - 1, target())
            elif kind == "inline_html":
                self._inline_html(tok["raw"], stack, out, html)
            elif kind == "span_ial":
                self._span_ial(tok["raw"], target())
            else:
                target().extend(self.inline(tok))
        while stack:
            element, kids = stack.pop()
            target().extend(html.inline_element(element.tag, element.attrs, kids))
        return merge_text(out)

    def _inline_svg(self, items: list[dict[str, Any]], start: int, dest: list[Inline]) -> int:
        """An ``<svg>`` split over inline tokens: rejoin its markup, make it an image.
        Returns the index after its closing tag."""
        parts = []
        end = start
        while end < len(items):
            parts.append(str(items[end].get("raw", "")))
            end += 1
            if "</svg>" in parts[-1].lower():
                break
        raw = "".join(parts)
        element = next(
            (n for n in parse_fragment(raw).nodes if isinstance(n, Element) and n.tag == "svg"), None
        )
        image = HtmlConverter(self.ctx, raw).inline_svg(element) if element is not None else None
        if image is not None:
            dest.append(image)
        return end

    def _inline_html(
        self,
        raw: str,
        stack: list[tuple[Element, list[Inline]]],
        out: list[Inline],
        html: HtmlConverter,
    ) -> None:
        fragment = parse_fragment(raw)
        for node in fragment.nodes:
            dest = stack[-1][1] if stack else out
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
                            parent = stack[-1][1] if stack else out
                            parent.extend(html.inline_element(element.tag, element.attrs, kids))
                        break
            elif isinstance(node, TextNode):
                dest.append(Text(text=node.text))

    def _span_ial(self, raw: str, siblings: list[Inline]) -> None:
        attr = parse_ial(raw, self.prepared.alds).attr
        previous = siblings[-1] if siblings else None
        if isinstance(previous, Image | Link | Code | Span):
            siblings[-1] = replace(previous, attr=previous.attr.merged(attr))
        elif isinstance(previous, Emph | Strong | Strikethrough):
            siblings[-1] = Span(children=(previous,), attr=attr)
        else:
            self.ctx.reporter.info(
                "ial-unattached", f"span attribute list {{:{raw}}} follows no element; ignored"
            )

    def inline(self, tok: dict[str, Any]) -> list[Inline]:
        kind = tok["type"]
        if kind == "text":
            return [Text(text=tok["raw"])]
        if kind == "softbreak":
            return [Text(text=" ")]
        if kind == "linebreak":
            return [LineBreak()]
        if kind == "codespan":
            return [Code(text=tok["raw"])]
        if kind == "emphasis":
            return [Emph(children=tuple(self.inlines(tok["children"])))]
        if kind == "strong":
            return [Strong(children=tuple(self.inlines(tok["children"])))]
        if kind == "strikethrough":
            return [Strikethrough(children=tuple(self.inlines(tok["children"])))]
        if kind == "link":
            attrs = tok.get("attrs") or {}
            return self.ctx.link(
                attrs.get("url", ""),
                attrs.get("title") or "",
                self.inlines(tok["children"]),
                Attr(),
            )
        if kind == "image":
            attrs = tok.get("attrs") or {}
            alt = plain_text(self.inlines(tok["children"]), images=True)
            return [self.ctx.image(attrs.get("url", ""), alt, attrs.get("title") or "")]
        if kind == "math_inline":
            return [Math(tex=tok["raw"])]
        if kind == "math_display":
            return [DisplayMath(tex=tok["raw"])]
        if kind == "math_dollar":
            return [DollarMath(tex=tok["raw"])]
        if kind == "footnote_ref":
            return self.note(tok)
        if kind == "abbr":
            title = str((tok.get("attrs") or {}).get("title") or "")
            attr = Attr(classes=("abbr",), pairs=(("title", title),) if title else ())
            return [Span(children=tuple(self.inlines(tok["children"])), attr=attr)]
        self.ctx.reporter.warn("inline-unknown", f"unsupported Markdown inline '{kind}' kept as text")
        return [Text(text=tok.get("raw", ""))]
