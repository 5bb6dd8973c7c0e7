"""Raw HTML in posts, turned into model nodes: known structure kept, everything else dropped.

Nothing a post writes in HTML reaches an output as markup: elements map onto model nodes
(``<p>`` → Paragraph, ``<img>`` → Image/Figure, ``<a href>`` → Link if the target is
allowed…), wrappers (``<div class>``, ``<section>``, ``<center>``…) keep their content,
embeds (``<iframe>``, ``<video>``) become links, and active or unknown markup (``<script>``,
``<style>``, event handlers, ``<form>``…) is removed with a diagnostic.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

from ..model import (
    Align,
    Attr,
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
    ListItem,
    OrderedList,
    Paragraph,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
    ThematicBreak,
)
from ..model.text import kramdown_id, plain_text, xml_id
from .context import ReaderContext, merge_text, trim_inlines
from .figures import attach_captions, paragraph_or_figures
from .html_dom import CommentNode, Element, EndTag, Node, TextNode
from .links import check_link
from .mathpass import split_math

DROP_WITH_CONTENT = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "svg",
        "math",
        "canvas",
        "dialog",
        "frame",
        "frameset",
        "map",
        "area",
        "object",
        "param",
        "source",
        "track",
    ]
)
EMBEDS = frozenset({"iframe", "video", "audio", "embed"})
MARKDOWN_ATTR = frozenset({"1", "block", "span"})  # markdown="…": the content is Markdown
CONTAINERS = frozenset(
    [
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "center",
        "address",
        "hgroup",
        "fieldset",
        "picture",
        "body",
        "html",
        "span-block",
    ]
)
INLINE_STYLE: dict[str, type[Emph | Strong | Strikethrough | Superscript | Subscript]] = {
    "em": Emph,
    "i": Emph,
    "cite": Emph,
    "dfn": Emph,
    "var": Emph,
    "strong": Strong,
    "b": Strong,
    "del": Strikethrough,
    "s": Strikethrough,
    "strike": Strikethrough,
    "sup": Superscript,
    "sub": Subscript,
}
INLINE_CODE = frozenset({"code", "tt", "kbd", "samp"})
INLINE_WRAPPERS = frozenset(
    [
        "span",
        "mark",
        "small",
        "u",
        "abbr",
        "q",
        "font",
        "big",
        "ins",
        "time",
        "label",
        "bdi",
        "bdo",
        "data",
        "nobr",
        "wbr",
        "acronym",
    ]
)
_WS = re.compile(r"[ \t\n\r\f]+")
_CSS_LENGTH = re.compile(
    r"(?:^|;)\s*(?P<prop>width|height|max-width)\s*:\s*(?P<value>[\d.]+(?:px|%|em|rem)?)", re.I
)
_SAFE_CLASS = re.compile(r"^[A-Za-z_][\w-]*$")


def attr_of(attrs: dict[str, str], *, sizes: bool = False) -> Attr:
    """The id and classes of an element (and width/height for images)."""
    classes = tuple(c for c in attrs.get("class", "").split() if _SAFE_CLASS.match(c))
    pairs: list[tuple[str, str]] = []
    if sizes:
        for key in ("width", "height"):
            value = attrs.get(key, "").strip()
            if re.fullmatch(r"\d+(?:\.\d+)?", value):
                pairs.append((key, value + "px"))
            elif re.fullmatch(r"\d+(?:\.\d+)?(?:px|%)", value):
                pairs.append((key, value))
        for m in _CSS_LENGTH.finditer(attrs.get("style", "")):
            prop = "width" if m["prop"].lower() == "max-width" else m["prop"].lower()
            if prop not in dict(pairs):
                value = m["value"] if not m["value"][-1].isdigit() else m["value"] + "px"
                pairs.append((prop, value))
    align = attrs.get("align", "").lower()
    if align in ("center", "left", "right"):
        classes += (f"align-{align}",)
    return Attr(
        id=xml_id(attrs.get("id", "")),
        classes=classes,
        pairs=tuple(pairs),
    )


class HtmlConverter:
    def __init__(self, ctx: ReaderContext, source: str) -> None:
        self.ctx = ctx
        self.source = source

    # -------------------------------------------------------------- blocks (HTML mode)

    def blocks(self, nodes: Sequence[Node]) -> list[Block]:
        """Block content: inline runs become paragraphs, block elements convert."""
        out: list[Block] = []
        run: list[Node] = []
        for node in nodes:
            if isinstance(node, Element) and (node.is_block or node.tag in EMBEDS):
                out.extend(paragraph_or_figures(self.inlines(run)))
                run = []
                out.extend(self.element(node))
            elif not isinstance(node, EndTag):
                run.append(node)
        out.extend(paragraph_or_figures(self.inlines(run)))
        return attach_captions(out)

    def element(self, el: Element) -> list[Block]:
        tag = el.tag
        if el.attrs.get("markdown") in MARKDOWN_ATTR and el.content_start >= 0:
            inner = self.ctx.parse_markdown(self.source[el.content_start : el.content_end])
            return self.container(el, inner)
        if tag == "svg":
            image = self.inline_svg(el)
            return [Figure(image=image)] if image else []
        if tag in DROP_WITH_CONTENT:
            self.dropped(tag)
            return []
        if tag in EMBEDS:
            return self.embed(el)
        if tag == "p":
            return paragraph_or_figures(self.inlines(el.children), attr_of(el.attrs))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            kids = trim_inlines(self.inlines(el.children))
            attr = attr_of(el.attrs)
            ident = self.ctx.ids.claim(attr.id or kramdown_id(plain_text(kids)))
            return [Heading(level=int(tag[1]), children=kids, attr=Attr(id=ident, classes=attr.classes))]
        if tag == "pre":
            code = next((c for c in el.children if isinstance(c, Element) and c.tag == "code"), None)
            classes = (code.attrs if code else el.attrs).get("class", "") + " " + el.attrs.get("class", "")
            lang = re.search(r"(?:language|lang|highlight)-([\w+#.-]+)", classes)
            return [CodeBlock(text=el.text_content().strip("\n"), language=lang.group(1) if lang else "")]
        if tag == "hr":
            return [ThematicBreak()]
        if tag == "br":
            return []
        if tag == "img":
            image = self.image(el.attrs)
            return [Figure(image=image)] if image else []
        if tag == "figure":
            return self.figure(el)
        if tag == "figcaption":
            kids = trim_inlines(self.inlines(el.children))
            attr = attr_of(el.attrs)
            return (
                [Paragraph(children=kids, attr=Attr(id=attr.id, classes=(*attr.classes, "figcaption")))]
                if kids
                else []
            )
        if tag in ("ul", "ol", "menu", "dir"):
            return self.list_block(el)
        if tag == "table":
            return self.table(el)
        if tag == "dl":
            return self.definitions(el)
        if tag == "details":
            return self.details(el)
        return self.container(el, self.blocks(el.children))

    def container(self, el: Element, children: list[Block]) -> list[Block]:
        """An element whose content was converted already (possibly across Markdown chunks)."""
        attr = attr_of(el.attrs)
        if el.tag == "blockquote":
            return [BlockQuote(children=tuple(children), attr=attr)]
        if el.tag == "figure":
            figures = [b for b in children if isinstance(b, Figure)]
            if len(figures) == 1 and all(isinstance(b, Figure | Paragraph) for b in children):
                return children
        if el.tag not in CONTAINERS and el.tag not in (
            "p",
            "blockquote",
            "figure",
            "li",
            "dd",
            "dt",
            "td",
            "th",
            "summary",
            "caption",
            "details",
            "legend",
        ):
            self.ctx.reporter.info("html-tag-unwrapped", f"<{el.tag}> is not supported; kept its content")
        if not children:
            return []
        if not attr and el.tag in (
            "div",
            "section",
            "article",
            "main",
            "center",
            "span-block",
            "body",
            "html",
            "picture",
        ):
            return children
        return [Div(children=tuple(children), attr=attr)]

    def figure(self, el: Element) -> list[Block]:
        images = [self.image(n.attrs) for n in _descendants(el) if n.tag == "img"]
        found = [image for image in images if image is not None]
        caption_el = next((n for n in _descendants(el) if n.tag == "figcaption"), None)
        caption = trim_inlines(self.inlines(caption_el.children)) if caption_el else ()
        if not found:
            return self.container(el, self.blocks(el.children))
        figures: list[Block] = [Figure(image=image) for image in found[:-1]]
        figures.append(Figure(image=found[-1], caption=caption, attr=attr_of(el.attrs)))
        return figures

    def embed(self, el: Element) -> list[Block]:
        src = el.attrs.get("src", "")
        if not src:
            source = next((n for n in _descendants(el) if n.tag == "source" and n.attrs.get("src")), None)
            src = source.attrs["src"] if source else ""
        url = watch_url(src)
        title = el.attrs.get("title", "").strip()
        kind = {
            "iframe": "Embedded content",
            "video": "Video",
            "audio": "Audio",
            "embed": "Embedded content",
        }[el.tag]
        if "youtube" in url or "vimeo" in url:
            kind = "Video"
        label = f"{kind}: {title}" if title else kind
        verdict = check_link(url.strip(), self.ctx.site_url) if url else None
        if verdict is not None and verdict.url is not None and not verdict.url.startswith("#"):
            self.ctx.reporter.info("html-embed-linked", f"<{el.tag}> replaced by a link to {verdict.url}")
            link = Link(children=(Text(text=label),), url=verdict.url, title=title)
            return [Paragraph(children=(link, Text(text=f" ({verdict.url})")), attr=Attr(classes=("embed",)))]
        # Nothing a reader could follow (a local file, an unsafe scheme, no source): dropped.
        line = self.ctx.lines.find(src) if src else None
        self.ctx.reporter.warn(
            "html-embed-dropped",
            f"<{el.tag}> with {'source ' + repr(src[:80]) if src else 'no source'} removed; kept its label",
            line=line,
        )
        return [Paragraph(children=(Text(text=label),), attr=Attr(classes=("embed",)))]

    def list_block(self, el: Element) -> list[Block]:
        items: list[ListItem] = []
        for child in el.children:
            if isinstance(child, Element) and child.tag == "li":
                items.append(ListItem(children=tuple(self.blocks(child.children))))
            elif isinstance(child, Element) and child.tag not in DROP_WITH_CONTENT:
                items.append(ListItem(children=tuple(self.element(child))))
            elif isinstance(child, TextNode) and child.text.strip():
                items.append(ListItem(children=(Paragraph(children=(Text(text=child.text.strip()),)),)))
        if not items:
            return []
        attr = attr_of(el.attrs)
        if el.tag == "ol":
            start = el.attrs.get("start", "1")
            return [OrderedList(items=tuple(items), start=int(start) if start.isdigit() else 1, attr=attr)]
        return [BulletList(items=tuple(items), attr=attr)]

    def table(self, el: Element) -> list[Block]:
        head: tuple[TableCell, ...] = ()
        rows: list[tuple[TableCell, ...]] = []
        caption: tuple[Inline, ...] = ()
        for node, in_head in _table_rows(el):
            if node.tag == "caption":
                caption = trim_inlines(self.inlines(node.children))
                continue
            cells = [c for c in node.children if isinstance(c, Element) and c.tag in ("td", "th")]
            row = tuple(
                TableCell(children=trim_inlines(self.inlines(c.children)), align=_align(c.attrs))
                for c in cells
            )
            all_th = bool(cells) and all(c.tag == "th" for c in cells)
            if not head and not rows and (in_head or all_th):
                head = row
            else:
                rows.append(row)
        if not head and not rows:
            return []
        return [Table(head=head, rows=tuple(rows), caption=caption, attr=attr_of(el.attrs))]

    def definitions(self, el: Element) -> list[Block]:
        out: list[Block] = []
        for child in el.children:
            if isinstance(child, Element) and child.tag == "dt":
                out.append(Paragraph(children=(Strong(children=trim_inlines(self.inlines(child.children))),)))
            elif isinstance(child, Element) and child.tag == "dd":
                out.append(Div(children=tuple(self.blocks(child.children)), attr=Attr(classes=("dd",))))
        return [Div(children=tuple(out), attr=attr_of(el.attrs))] if out else []

    def details(self, el: Element) -> list[Block]:
        summary = next((c for c in el.children if isinstance(c, Element) and c.tag == "summary"), None)
        rest = [c for c in el.children if c is not summary]
        out: list[Block] = []
        if summary is not None:
            kids = trim_inlines(self.inlines(summary.children))
            if kids:
                out.append(Paragraph(children=(Strong(children=kids),)))
        out.extend(self.blocks(rest))
        attr = attr_of(el.attrs)
        return (
            [Div(children=tuple(out), attr=Attr(id=attr.id, classes=("details", *attr.classes)))]
            if out
            else []
        )

    # ------------------------------------------------------------- inlines (HTML mode)

    def inlines(self, nodes: Sequence[Node]) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, TextNode):
                out.extend(split_math(node.text, self.ctx.dollar_math, lambda text: _WS.sub(" ", text)))
            elif isinstance(node, Element):
                if node.is_block and node.tag not in ("br", "img"):
                    # Block content inside inline context (<p><div>…): keep the text.
                    out.extend(self.inlines(node.children))
                    out.append(Text(text=" "))
                else:
                    out.extend(self.inline_element(node.tag, node.attrs, self.inlines(node.children), node))
            elif isinstance(node, CommentNode | EndTag):
                continue
        return merge_text(out)

    def inline_element(
        self, tag: str, attrs: dict[str, str], children: list[Inline], el: Element | None = None
    ) -> list[Inline]:
        """One inline element with its converted children; shared with Markdown inline HTML."""
        kids = tuple(merge_text(children))
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            image = self.image(attrs)
            return [image] if image else []
        if tag == "a":
            href = attrs.get("href", "")
            if not href:
                return list(kids)
            return self.ctx.link(href, attrs.get("title", ""), kids, attr_of(attrs))
        style = INLINE_STYLE.get(tag)
        if style is not None:
            return [style(children=kids)] if kids else []
        if tag in INLINE_CODE:
            text = el.text_content() if el is not None else plain_text(kids)
            return [Code(text=text)] if text else []
        if tag in DROP_WITH_CONTENT or tag in EMBEDS:
            self.dropped(tag)
            return []
        attr = attr_of(attrs)
        if tag in INLINE_WRAPPERS:
            return [Span(children=kids, attr=attr)] if attr and kids else list(kids)
        self.ctx.reporter.info("html-tag-unwrapped", f"<{tag}> is not supported; kept its content")
        return list(kids)

    def image(self, attrs: dict[str, str]) -> Image | None:
        src = attrs.get("src", "") or attrs.get("data-src", "")
        if not src.strip():
            self.ctx.reporter.warn("image-no-source", "an <img> without src was removed")
            return None
        return self.ctx.image(
            src, attrs.get("alt", "").strip(), attrs.get("title", ""), attr_of(attrs, sizes=True)
        )

    def inline_svg(self, el: Element) -> Image | None:
        """An ``<svg>`` written in the post: an image from a data URI, so it goes through the
        same checks as any SVG file (and EPUB stores it as a file of its own)."""
        raw = self.source[el.start : el.end] if el.closed and el.end > el.start else ""
        if not raw:
            self.dropped("svg")
            return None
        if "xmlns=" not in raw[: raw.find(">")]:
            raw = raw.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        title = next((n.text_content().strip() for n in _descendants(el) if n.tag == "title"), "")
        alt = el.attrs.get("aria-label", "") or title
        src = "data:image/svg+xml;base64," + base64.b64encode(raw.encode("utf-8")).decode("ascii")
        return Image(src=src, alt=alt, attr=attr_of(el.attrs, sizes=True))

    def dropped(self, tag: str) -> None:
        self.ctx.reporter.warn("html-removed", f"<{tag}> is not allowed in posts; removed with its content")


def watch_url(src: str) -> str:
    """A page a reader can open for an embed URL (YouTube embeds become watch links)."""
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    parts = urlsplit(src)
    if parts.netloc.endswith(("youtube.com", "youtube-nocookie.com")) and parts.path.startswith("/embed/"):
        video = parts.path.split("/")[2]
        start = parse_qs(parts.query).get("start")
        return f"https://www.youtube.com/watch?v={video}" + (f"&t={start[0]}" if start else "")
    if parts.netloc == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.split('/')[2]}"
    return src


def _align(attrs: dict[str, str]) -> Align:
    value = attrs.get("align", "") or ""
    m = re.search(r"text-align\s*:\s*(left|center|right)", attrs.get("style", ""))
    value = (m.group(1) if m else value).lower()
    return {"left": Align.LEFT, "center": Align.CENTER, "right": Align.RIGHT}.get(value, Align.DEFAULT)


def _descendants(el: Element) -> list[Element]:
    out: list[Element] = []
    stack = [c for c in reversed(el.children) if isinstance(c, Element)]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(c for c in reversed(node.children) if isinstance(c, Element))
    return out


def _table_rows(table: Element) -> list[tuple[Element, bool]]:
    """The ``<tr>`` and ``<caption>`` elements in order, flagged when inside ``<thead>``."""
    out: list[tuple[Element, bool]] = []
    stack: list[tuple[Element, bool]] = [
        (c, False) for c in reversed(table.children) if isinstance(c, Element)
    ]
    while stack:
        node, in_head = stack.pop()
        if node.tag in ("tr", "caption"):
            out.append((node, in_head))
        elif node.tag != "table":  # a nested table is converted as its own cell text
            inner = in_head or node.tag == "thead"
            stack.extend((c, inner) for c in reversed(node.children) if isinstance(c, Element))
    return out
