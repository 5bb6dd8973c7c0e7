"""The only module that reads mistune's tokens: tokens → model nodes, once.

Raw HTML among the tokens is stitched into elements by ``html_stitch`` (an HTML wrapper
may open in one Markdown chunk and close in another), and kramdown attribute lists are
attached by ``ials``; this module converts each Markdown token and hands them the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
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
    Inline,
    LineBreak,
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
)
from ..model.nodes import Align
from ..model.text import kramdown_id, plain_text
from .context import ReaderContext, trim_inlines
from .figures import paragraph_or_figures
from .html_stitch import BlockStitcher, InlineStitcher
from .ials import IalAttacher
from .kramdown import Prepared, parse_ial
from .mathpass import DisplayMath, DollarMath
from .tokens import Token

_HEADING_ID = re.compile(r"\s*\{#(?P<id>[A-Za-z][\w:.-]*)\}\s*$")
_ALIGN = {"left": Align.LEFT, "center": Align.CENTER, "right": Align.RIGHT}


class Converter:
    def __init__(
        self,
        md: Any,
        env: Any,
        prepared: Prepared,
        ctx: ReaderContext,
        footnotes: dict[str, list[Token]] | None = None,
    ) -> None:
        self.md = md
        self.env = env
        self.prepared = prepared
        self.ctx = ctx
        self.footnotes = footnotes or {}  # key -> the definition's block tokens
        self._notes: dict[str, tuple[Block, ...]] = {}
        self._labels: dict[str, str] = {}  # key -> its number, in the order notes are first cited
        self._in_note: set[str] = set()
        self.ials = IalAttacher(prepared, ctx)
        ctx.parse_markdown = self.parse_markdown

    def parse_markdown(self, source: str) -> list[Block]:
        # The post's link and footnote definitions hold inside markdown="1" HTML too (as in
        # kramdown); the snippet's own citation list starts empty, so mistune's footnote hook
        # re-reads only the notes the snippet cites.
        state = self.md.block.state_cls()
        state.env = {**self.env, "footnotes": [], "footnote_indexes": {}}
        tokens, _state = self.md.parse(source, state)
        return self.blocks(tokens)

    def markdown_inlines(self, source: str) -> list[Inline]:
        """Markdown inline content: a kramdown table cell, text between HTML elements."""
        return self.inlines(self.md.inline(source, self.env))

    # ------------------------------------------------------------------------- blocks

    def blocks(self, tokens: Iterable[Token]) -> list[Block]:
        stitch = BlockStitcher(self.ctx, self.prepared, self.ials, self)
        for tok in tokens:
            kind = tok["type"]
            if kind == "blank_line":
                stitch.blank()
            elif kind == "block_html":
                stitch.html(tok["raw"])
            else:
                stitch.add(self.block(tok))
        return stitch.finish()

    def block(self, tok: Token) -> list[Block]:
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

    def definitions(self, tok: Token) -> DefinitionList:
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

    def note(self, tok: Token) -> list[Inline]:
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

    def _definition(self, key: str) -> list[Token] | None:
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

    def heading(self, tok: Token) -> Heading:
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

    def list_block(self, tok: Token) -> BulletList | OrderedList:
        items = []
        for item in tok["children"]:
            checked = (item.get("attrs") or {}).get("checked") if item["type"] == "task_list_item" else None
            items.append(ListItem(children=tuple(self.blocks(item["children"])), checked=checked))
        attrs = tok.get("attrs") or {}
        tight = bool(tok.get("tight", True))
        if attrs.get("ordered"):
            return OrderedList(items=tuple(items), start=int(attrs.get("start") or 1), tight=tight)
        return BulletList(items=tuple(items), tight=tight)

    def table(self, tok: Token) -> Table:
        head: tuple[TableCell, ...] = ()
        rows: list[tuple[TableCell, ...]] = []
        for part in tok["children"]:
            if part["type"] == "table_head":
                head = tuple(self._cell(c) for c in part["children"])
            else:
                rows.extend(tuple(self._cell(c) for c in row["children"]) for row in part["children"])
        return Table(head=head, rows=tuple(rows))

    def kramdown_table(self, tok: Token) -> Table:
        aligns = [_ALIGN.get(a, Align.DEFAULT) for a in tok["aligns"]]

        def row(cells: list[str]) -> tuple[TableCell, ...]:
            return tuple(
                TableCell(
                    children=trim_inlines(self.markdown_inlines(cell)),
                    align=aligns[i] if i < len(aligns) else Align.DEFAULT,
                )
                for i, cell in enumerate(cells)
            )

        return Table(head=row(tok["head"]) if tok["head"] else (), rows=tuple(row(r) for r in tok["rows"]))

    def _cell(self, tok: Token) -> TableCell:
        align = (tok.get("attrs") or {}).get("align") or ""
        return TableCell(
            children=trim_inlines(self.inlines(tok["children"])),
            align=_ALIGN.get(align, Align.DEFAULT),
        )

    # ------------------------------------------------------------------------ inlines

    def inlines(self, tokens: Iterable[Token]) -> list[Inline]:
        stitch = InlineStitcher(self.ctx)
        items = list(tokens)
        index = 0
        while index < len(items):
            tok = items[index]
            kind = tok["type"]
            if kind == "inline_html":
                index = stitch.html(items, index)
                continue
            if kind == "span_ial":
                self.ials.span(tok["raw"], stitch.target())
            else:
                stitch.target().extend(self.inline(tok))
            index += 1
        return stitch.finish()

    def inline(self, tok: Token) -> list[Inline]:
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
