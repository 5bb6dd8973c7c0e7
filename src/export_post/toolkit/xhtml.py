"""The model as XHTML: the one markup the EPUB, PDF and HTML exporters share.

Everything written here comes from model nodes, so the output is well-formed XML by
construction: text is escaped, ids are checked and made unique, links are the ones the
reader allowed and in-document links only point at ids that exist. How images are
referenced is the caller's choice (``image_url``): an EPUB member, a data URI, or a URL
the PDF fetcher serves from the resource manifest. A missing image becomes a visible
placeholder with its alt text, never a dangling ``<img>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import assert_never

from ..diagnostics import Reporter
from ..model import (
    Attr,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionList,
    Div,
    Document,
    Emph,
    Figure,
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
    inline_direction,
    iter_blocks,
    iter_notes,
    plain_text,
)
from ..model.nodes import Align
from ..model.roles import epigraph
from ..model.walk import block_inlines, map_inline_children
from .highlight import highlight_html
from .labels import label
from .markup import esc
from .texmath import MathImage
from .xhtml_header import post_header
from .xhtml_math import formula_markup
from .xhtml_notes import Notes
from .xhtml_toc import nest_toc, toc_entries, toc_list

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
_ID = re.compile(r"^[A-Za-z_][\w.-]*$")
_LENGTH = re.compile(r"^\d+(?:\.\d+)?(?:px|%|em|rem)$")
_CLASS = re.compile(r"^[A-Za-z_][\w-]*$")
_SINGLE_PARAGRAPH = re.compile(r'^<p(?: dir="(?:ltr|rtl)")?>(?P<inner>.*)</p>$', re.S)

ImageUrl = Callable[[Image], "str | None"]


LONG_LISTING_LINES = 16  # a listing this long may break across pages (print CSS: .listing-long)


WIDE_TABLE_COLUMNS = 8  # a table of this many columns is set smaller on paper (table.wide)


class XhtmlRenderer:
    """Renders blocks and inlines of one document to XHTML fragments.

    ``math``: ``"mathml"`` (EPUB, HTML) or ``"svg"`` (PDF: pictures through ``math_url``).
    ``note_prefix`` goes before the notes' ids (the chapters of a book share one page).
    ``notes``: ``"endnotes"`` (a numbered list that :meth:`endnotes` renders, linked both
    ways; with ``epub`` the EPUB 3 ``epub:type`` semantics too) or ``"footnotes"`` (inline
    ``<span class="footnote">`` that paged CSS floats to the page foot)."""

    def __init__(
        self,
        doc: Document,
        *,
        image_url: ImageUrl,
        href_for_id: Callable[[str], str] | None = None,
        math: str = "mathml",
        math_url: Callable[[MathImage], str] | None = None,
        notes: str = "endnotes",
        epub: bool = False,
        reporter: Reporter | None = None,
        code_style: str = "default",
        known_ids: frozenset[str] | None = None,
        note_prefix: str = "",
    ) -> None:
        self.doc = doc
        self.image_url = image_url
        self.href_for_id = href_for_id or (lambda ident: "#" + ident)
        self.math = math
        self.math_url = math_url
        self.notes = notes
        self.epub = epub
        self.reporter = reporter or Reporter()
        self.code_style = code_style  # the Pygments style whose CSS the page carries
        self._notes = Notes(self, notes, epub=epub, id_prefix=note_prefix)
        self.lang = doc.meta.lang
        self.direction = doc.meta.direction
        self._epigraph = epigraph(doc.blocks)
        # A renderer per EPUB chapter: the ids of the whole post are found once, not per chapter.
        self._known_ids = document_ids(doc) if known_ids is None else known_ids
        self._emitted_ids: set[str] = set()

    # ----------------------------------------------------------------------- helpers

    def _attrs(self, attr: Attr, *extra_classes: str) -> str:
        out = ""
        ident = attr.id
        if ident and _ID.match(ident) and ident not in self._emitted_ids:
            self._emitted_ids.add(ident)
            out += f' id="{esc(ident)}"'
        classes = [c for c in (*extra_classes, *attr.classes) if _CLASS.match(c)]
        if classes:
            out += f' class="{esc(" ".join(dict.fromkeys(classes)))}"'
        return out

    def _dir(self, inlines: Iterable[Inline]) -> str:
        """A ``dir`` attribute for a block whose text runs against the post's direction (an
        English sentence in a Hebrew post): what ``dir="auto"`` would find, written out,
        since WeasyPrint does not implement ``auto``."""
        found = inline_direction(inlines)
        return f' dir="{found}"' if found is not None and found != self.direction else ""

    def _item_dir(self, item: ListItem) -> str:
        first = next((b for b in item.children if isinstance(b, Paragraph)), None)
        return self._dir(first.children) if first is not None else ""

    def _list_dir(self, items: tuple[ListItem, ...]) -> str:
        """The list's own ``dir`` when every item runs against the post's direction, so that
        the markers' room is on that side too."""
        found = {self._item_dir(item) for item in items}
        return found.pop() if len(found) == 1 else ""

    # ------------------------------------------------------------------------ blocks

    def blocks(self, blocks: Iterable[Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, block: Block) -> str:
        match block:
            case Paragraph(children=kids, attr=attr):
                return f"<p{self._attrs(attr)}{self._dir(kids)}>{self.inlines(kids)}</p>\n"
            case Heading(level=level, children=kids, attr=attr):
                tag = f"h{min(level, 6)}"
                title = ""
                if self.notes == "footnotes" and any(iter_notes(kids)):
                    # Its bookmark and running header, without the footnote's call (print CSS).
                    title = f' data-title="{esc(" ".join(plain_text(kids).split()))}"'
                return f"<{tag}{self._attrs(attr)}{self._dir(kids)}{title}>{self.inlines(kids)}</{tag}>\n"
            case BulletList(items=items, attr=attr):
                return f"<ul{self._attrs(attr)}{self._list_dir(items)}>\n{self._items(items)}</ul>\n"
            case OrderedList(items=items, start=start, attr=attr):
                start_attr = f' start="{start}"' if start != 1 else ""
                direction = self._list_dir(items)
                return f"<ol{self._attrs(attr)}{start_attr}{direction}>\n{self._items(items)}</ol>\n"
            case BlockQuote(children=kids, attr=attr):
                extra = ("epigraph",) if block is self._epigraph else ()
                first = next((b for b in kids if isinstance(b, Paragraph)), None)
                direction = self._dir(first.children) if first is not None else ""  # its rule's side
                return (
                    f"<blockquote{self._attrs(attr, *extra)}{direction}>\n{self.blocks(kids)}</blockquote>\n"
                )
            case CodeBlock(text=text, language=language, attr=attr):
                lang = f' data-lang="{esc(language)}"' if language else ""
                body = highlight_html(text, language, self.code_style)
                # Code reads left to right even inside a right-to-left post.
                # Paged CSS keeps short listings whole and lets long ones break.
                long = text.count("\n") >= LONG_LISTING_LINES
                classes = ("highlight", "listing-long") if long else ("highlight",)
                return f'<pre{self._attrs(attr, *classes)}{lang} dir="ltr"><code>{body}</code></pre>\n'
            case Figure():
                return self.figure(block)
            case Table():
                return self.table(block)
            case ThematicBreak(attr=attr):
                return f"<hr{self._attrs(attr)}/>\n"
            case TocPlaceholder(attr=attr):
                return self.toc(attr)
            case Div(children=kids, attr=attr):
                return f"<div{self._attrs(attr)}>\n{self.blocks(kids)}</div>\n"
            case MathBlock(tex=tex, attr=attr):
                return f"<div{self._attrs(attr, 'math-display')}>{self.formula(tex, display=True)}</div>\n"
            case DefinitionList(items=items, attr=attr):
                parts = [f"<dl{self._attrs(attr)}>\n"]
                for entry in items:
                    parts.append(f"<dt>{self.inlines(entry.term)}</dt>\n")
                    parts.extend(f"<dd>{self.blocks(d).strip()}</dd>\n" for d in entry.definitions)
                parts.append("</dl>\n")
                return "".join(parts)
            case _:
                assert_never(block)

    def _items(self, items: Iterable[ListItem]) -> str:
        out = []
        for item in items:
            box = ""
            if item.checked is not None:
                box = '<span class="task-box">' + ("\u2611" if item.checked else "\u2610") + "</span> "
            inner = self.blocks(item.children).strip()
            # A tight item's single paragraph renders inline, as Markdown renderers do.
            single = _SINGLE_PARAGRAPH.match(inner)
            if single and inner.count("<p") == 1:
                inner = single["inner"]
            cls = ' class="task"' if item.checked is not None else ""
            out.append(f"<li{cls}{self._item_dir(item)}>{box}{inner}</li>\n")
        return "".join(out)

    def figure(self, figure: Figure) -> str:
        image = figure.image
        url = self.image_url(image)
        caption = (
            f"<figcaption{self._dir(figure.caption)}>{self.inlines(figure.caption)}</figcaption>"
            if figure.caption
            else ""
        )
        if url is None:
            alt = image.alt or image.src
            text = f"{label('missing', self.lang)}: {alt}"
            body = f'<div class="image-placeholder" role="img" aria-label="{esc(alt)}">{esc(text)}</div>'
            return f"<figure{self._attrs(figure.attr, 'missing')}>{body}{caption}</figure>\n"
        return f"<figure{self._attrs(figure.attr)}>{self._img(image, url)}{caption}</figure>\n"

    def _img(self, image: Image, url: str, *extra: str) -> str:
        style = []
        for key in ("width", "height"):
            value = image.attr.get(key)
            if value and _LENGTH.match(value):
                style.append(f"{key}: {value}")
        style_attr = f' style="{"; ".join(style)}"' if style else ""
        title = f' title="{esc(image.title)}"' if image.title else ""
        attrs = self._attrs(image.attr, *extra)
        return f'<img src="{esc(url)}" alt="{esc(image.alt)}"{title}{style_attr}{attrs}/>'

    def table(self, table: Table) -> str:
        columns = max((len(row) for row in (table.head, *table.rows)), default=0)
        wide = ("wide",) if columns >= WIDE_TABLE_COLUMNS else ()
        parts = [f"<table{self._attrs(table.attr, *wide)}>"]
        if table.caption:
            parts.append(f"<caption{self._dir(table.caption)}>{self.inlines(table.caption)}</caption>")
        if table.head:
            cells = "".join(
                f"<th{_align(c.align)}{self._dir(c.children)}>{self.inlines(c.children)}</th>"
                for c in table.head
            )
            parts.append(f"<thead><tr>{cells}</tr></thead>")
        if table.rows:
            parts.append("<tbody>")
            for row in table.rows:
                cells = "".join(
                    f"<td{_align(c.align)}{self._dir(c.children)}>{self.inlines(c.children)}</td>"
                    for c in row
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody>")
        parts.append("</table>\n")
        return "".join(parts)

    def toc(self, attr: Attr) -> str:
        entries = toc_entries(self.doc)
        if not entries:
            return ""
        title = label("contents", self.lang)
        opening = f'<nav{self._attrs(attr, "toc")} role="doc-toc" aria-label="{esc(title)}">\n'
        listing = toc_list(nest_toc(entries), self.href_for_id, self.direction)
        return f'{opening}<p class="toc-title">{esc(title)}</p>\n{listing}</nav>\n'

    # ----------------------------------------------------------------------- inlines

    def inlines(self, inlines: Iterable[Inline]) -> str:
        out: list[str] = []
        previous: Inline | None = None
        for node in inlines:
            # WeasyPrint (70) breaks a line too early (one word left alone on the line above)
            # when it backs up over an inline picture near the line end; a zero-width space
            # before the picture, after the space already there, changes no break
            # opportunity, leaves no text behind, and avoids it.
            glue = isinstance(node, Math) and isinstance(previous, Text) and previous.text[-1:].isspace()
            if self.math == "svg" and glue:
                out.append("\u200b")
            out.append(self.inline(node))
            previous = node
        return "".join(out)

    def inline(self, node: Inline) -> str:
        match node:
            case Text(text=text):
                return esc(text)
            case Emph(children=kids):
                return f"<em>{self.inlines(kids)}</em>"
            case Strong(children=kids):
                return f"<strong>{self.inlines(kids)}</strong>"
            case Strikethrough(children=kids):
                return f"<del>{self.inlines(kids)}</del>"
            case Superscript(children=kids):
                return f"<sup>{self.inlines(kids)}</sup>"
            case Subscript(children=kids):
                return f"<sub>{self.inlines(kids)}</sub>"
            case Span(children=kids, attr=attr):
                if attr.has_class("abbr"):
                    title = attr.get("title") or ""
                    return f'<abbr title="{esc(title)}">{self.inlines(kids)}</abbr>'
                return f"<span{self._attrs(attr)}>{self.inlines(kids)}</span>"
            case Code(text=text, attr=attr):
                return f'<code{self._attrs(attr)} dir="ltr">{esc(text)}</code>'
            case Link(children=kids, url=url, title=title, attr=attr):
                return self.link(kids, url, title, attr)
            case Image():
                src = self.image_url(node)
                if src is None:
                    return f'<span class="image-placeholder">[{esc(node.alt or node.src)}]</span>'
                return self._img(node, src, "inline")
            case LineBreak():
                return "<br/>"
            case Math(tex=tex):
                return self.formula(tex, display=False)
            case Note():
                return self.note(node)
            case _:
                assert_never(node)

    # ---------------------------------------------------------------- math and notes

    def formula(self, tex: str, *, display: bool) -> str:
        """Math as MathML (when asked for and valid), else as a typeset SVG picture (when
        ``math_url`` can place one), else the TeX itself; every fallback is reported."""
        return formula_markup(tex, display, self.math, self.math_url, self.reporter)

    def note(self, note: Note) -> str:
        return self._notes.cite(note)

    def endnotes(self) -> str:
        """The notes cited since the last call (and those they cite), as a list linked back to
        their citations."""
        return self._notes.endnotes()

    def header(self, cover_url: str | None) -> str:
        """The title block: cover image, title, description, author and date."""
        return post_header(self.doc.meta, cover_url)

    def link(self, kids: tuple[Inline, ...], url: str, title: str, attr: Attr) -> str:
        inner = self.inlines(_without_notes(kids))
        # A footnote cited in the link text is called right after it: a link inside a link
        # is invalid (and a note's own links would nest too).
        calls = "".join(self.note(note) for note in iter_notes(kids))
        if not url:  # a link into the site with no web address (Link.site_target): its text
            return (f"<span{self._attrs(attr)}>{inner}</span>" if attr else inner) + calls
        if url.startswith("#"):
            target = url[1:]
            if target not in self._known_ids:
                return inner + calls  # a dangling in-page link would be an invalid EPUB reference
            url = self.href_for_id(target)
        title_attr = f' title="{esc(title)}"' if title else ""
        return f'<a href="{esc(url)}"{title_attr}{self._attrs(attr)}>{inner}</a>{calls}'


def _without_notes(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` with the footnote calls left out, at any depth."""
    return tuple(map_inline_children(node, _without_notes) for node in inlines if not isinstance(node, Note))


def _align(align: Align) -> str:
    return f' class="align-{align.value}"' if align is not Align.DEFAULT else ""


def _note_text(note: Note) -> str:
    return " ".join(plain_text(i) for b in iter_blocks(note.children) for i in block_inlines(b))


def document_ids(doc: Document) -> frozenset[str]:
    """The ids an in-document link may point at: every heading's and every block's own."""
    ids: set[str] = set()
    for block in iter_blocks(doc.blocks):
        attr = getattr(block, "attr", None)
        if isinstance(attr, Attr) and attr.id:
            ids.add(attr.id)
    return frozenset(ids)


def page(
    body: str,
    *,
    title: str,
    lang: str,
    direction: str,
    css: str = "",
    stylesheets: Iterable[str] = (),
    head_extra: str = "",
    epub: bool = False,
) -> str:
    """A complete XHTML document around ``body``."""
    ns = f' xmlns:epub="{EPUB_NS}"' if epub else ""
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{esc(h)}"/>\n' for h in stylesheets)
    style = f"<style>\n{style_text(css)}\n</style>\n" if css else ""
    body_dir = ' dir="rtl"' if direction == "rtl" else ""  # reading systems that look at body only
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}"{ns} lang="{esc(lang)}" xml:lang="{esc(lang)}" dir="{direction}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{esc(title)}</title>\n'
        f"{head_extra}{links}{style}</head>\n"
        f"<body{body_dir}>\n{body}</body>\n</html>\n"
    )


def style_text(css: str) -> str:
    """``css`` as the text of a ``<style>`` element that reads the same as HTML and as XML:
    ``</style`` cannot end it early (``<\\/`` is the same in a CSS string) and, when ``<`` or
    ``&`` occur, it is a CDATA section hidden in CSS comments (``]]>`` split)."""
    css = re.sub(r"</(?=style)", r"<\\/", css, flags=re.I)
    if "<" not in css and "&" not in css:
        return css
    return "/*<![CDATA[*/\n" + css.replace("]]>", "]]\\>") + "\n/*]]>*/"
