"""Document → ebooklib ``EpubBook`` → normalised EPUB bytes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ebooklib import epub

from export_post.exporter import ExportContext
from export_post.model import Block, Document, Heading, Image, PostMeta, Section, iter_blocks, plain_text
from export_post.resources import Resource
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.labels import label
from export_post.toolkit.markup import esc
from export_post.toolkit.xhtml import XhtmlRenderer, document_ids, page

from .accessibility import Content, is_animated, is_real_alt
from .accessibility import metadata as accessibility_metadata
from .fonts import embedded_fonts, font_face_css
from .ncx import ncx_item
from .opf import add_metadata
from .writing import epub_bytes

STYLE_NAME = "style.css"


@dataclass
class Chapter:
    file_name: str
    title: str
    blocks: tuple[Block, ...]
    with_header: bool = False
    subsections: list[tuple[str, str]] = field(default_factory=list)  # (id, title) for the nav


def book_identifier(document: Document) -> str:
    """Stable per post: the same site and post file name give the same identifier."""
    meta = document.meta
    stem = meta.source_path.stem if meta.source_path else meta.slug or meta.title
    key = f"export-post:{meta.site_url or meta.site_title}/{stem}"
    key = key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # names not UTF-8
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def plan_chapters(document: Document) -> list[Chapter]:
    """A title chapter (header + preamble), then one chapter per top-level section."""
    sections = document.sections
    preamble: tuple[Block, ...] = ()
    if sections and sections[0].heading is None:
        preamble, sections = sections[0].blocks, sections[1:]
    chapters = [Chapter("title.xhtml", document.meta.title, preamble, with_header=True)]
    for number, section in enumerate(sections, start=1):
        assert section.heading is not None
        chapter = Chapter(
            f"section-{number:02d}.xhtml", plain_text(section.heading.children), _flatten(section)
        )
        chapter.subsections = [
            (s.heading.id, plain_text(s.heading.children))
            for s in section.subsections
            if s.heading is not None and s.heading.in_toc
        ]
        chapters.append(chapter)
    return chapters


def _flatten(section: Section) -> tuple[Block, ...]:
    out: list[Block] = []
    for part in section.walk():
        if part.heading is not None:
            out.append(part.heading)
        out.extend(part.blocks)
    return tuple(out)


class _Xhtml(epub.EpubHtml):  # type: ignore[misc]
    """A chapter whose XHTML we wrote ourselves (ebooklib's HTML4 re-parse would mangle it)."""

    def __init__(self, xhtml: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.content = xhtml.encode("utf-8")

    def get_content(self, default: object = None) -> bytes:
        return bytes(self.content)


@dataclass
class _Images:
    """Images added to the book once each, under generated names."""

    book: epub.EpubBook
    context: ExportContext
    added: dict[str, str] = field(default_factory=dict)  # resource name -> book path
    alts: dict[str, str] = field(default_factory=dict)  # resource name -> its worst alt text
    animated: bool = False

    def add(self, resource: Resource, alt: str = "") -> str:
        previous = self.alts.get(resource.name)
        if previous is None or is_real_alt(previous):  # one undescribed use makes it undescribed
            self.alts[resource.name] = alt
        path = self.added.get(resource.name)
        if path is None:
            self.animated = self.animated or is_animated(resource.data, resource.media_type)
            path = f"images/{resource.name}"
            item = epub.EpubItem(
                uid=f"img-{resource.digest[:16]}",
                file_name=path,
                media_type=resource.media_type,
                content=resource.data,
            )
            self.book.add_item(item)
            self.added[resource.name] = path
        return path

    def url(self, image: Image) -> str | None:
        resource = self.context.resources.image(image.src, line=image.line)
        return self.add(resource, image.alt) if resource else None


def build_epub(document: Document, context: ExportContext, *, embed_fonts: bool = False) -> bytes:
    meta = document.meta
    book = epub.EpubBook()
    add_metadata(book, meta, book_identifier(document))
    css = epub.EpubItem(
        uid="style",
        file_name=STYLE_NAME,
        media_type="text/css",
        content=(context.theme.css("epub") + highlight_css(context.theme.code_style)).encode("utf-8"),
    )
    book.add_item(css)
    images = _Images(book, context)
    chapters = plan_chapters(document)
    spine = _cover_page(book, document, context, images, css)
    written = _add_chapters(book, document, context, chapters, images, css)
    spine += written.items
    book.guide.append({"type": "text", "href": chapters[0].file_name, "title": meta.title})

    book.toc = written.toc
    content = Content(
        tuple(images.alts.values()), written.has_math, images.animated, has_toc=bool(written.toc)
    )
    for prop, value in accessibility_metadata(content):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_item(ncx_item(book.uid, meta.title, written.toc))  # EPUB 2 reading systems; the spine names it
    if embed_fonts:
        texts = [meta.title, label("contents", meta.lang), label("cover", meta.lang), *written.texts]
        _embed_fonts(book, css, context, "".join(texts))
    rtl = "rtl" if meta.direction == "rtl" else None
    nav = epub.EpubNav(title=label("contents", meta.lang), direction=rtl)
    nav.add_item(css)
    book.add_item(nav)
    book.spine = spine  # the post's own contents stand where {:toc} was; nav serves the reader's menu

    return epub_bytes(book, context.timestamp)


def _cover_page(
    book: epub.EpubBook, document: Document, context: ExportContext, images: _Images, css: epub.EpubItem
) -> list[epub.EpubHtml]:
    """The cover picture and a page showing it, first in the spine; none without a cover."""
    meta = document.meta
    cover = context.resources.image(meta.image) if meta.image else None
    if cover is None:
        return []
    cover_path = f"images/{cover.name}"
    book.set_cover(cover_path, cover.data, create_page=False)
    images.added[cover.name] = cover_path  # body references to the same image reuse it
    images.alts[cover.name] = meta.title
    cover_page = xhtml_item(
        "cover.xhtml",
        label("cover", meta.lang),
        f'<section class="cover-page"><img src="{cover_path}" alt="{esc(meta.title)}"/></section>\n',
        document.meta,
        css,
    )
    book.add_item(cover_page)
    book.guide.append({"type": "cover", "href": "cover.xhtml", "title": label("cover", meta.lang)})
    return [cover_page]


@dataclass
class _Written:
    items: list[epub.EpubHtml] = field(default_factory=list)  # in reading order
    toc: list[object] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # what the chapters show (fonts cover it)
    has_math: bool = False


def _add_chapters(
    book: epub.EpubBook,
    document: Document,
    context: ExportContext,
    chapters: list[Chapter],
    images: _Images,
    css: epub.EpubItem,
) -> _Written:
    home = {ident: chapter.file_name for chapter in chapters for ident in _ids(chapter)}

    def href_for_id(ident: str) -> str:
        return f"{home.get(ident, chapters[0].file_name)}#{ident}"

    written = _Written()
    known_ids = document_ids(document)
    for chapter in chapters:
        renderer = XhtmlRenderer(
            document,
            image_url=images.url,
            href_for_id=href_for_id,
            math_url=lambda image: images.add(image.resource(), "formula"),  # alt: the TeX
            epub=True,
            reporter=context.reporter,
            code_style=context.theme.code_style,
            known_ids=known_ids,
        )
        body = renderer.header(None) if chapter.with_header else ""
        body += renderer.blocks(chapter.blocks) + renderer.endnotes()
        written.texts.append(chapter.title + body)
        item = xhtml_item(chapter.file_name, chapter.title, body, document.meta, css)
        if "<math" in body:
            item.properties.append("mathml")
            written.has_math = True
        book.add_item(item)
        written.items.append(item)
        link = epub.Link(chapter.file_name, chapter.title, chapter.file_name.removesuffix(".xhtml"))
        if chapter.subsections:
            subs = [epub.Link(f"{chapter.file_name}#{i}", t, f"{i}-nav") for i, t in chapter.subsections]
            written.toc.append((epub.Section(chapter.title, chapter.file_name), subs))
        else:
            written.toc.append(link)
    return written


def _embed_fonts(book: epub.EpubBook, css: epub.EpubItem, context: ExportContext, text: str) -> None:
    """The theme's fonts, cut to the characters of ``text``, with their ``@font-face`` rules."""
    fonts = embedded_fonts(context.theme.fonts, text)
    for font in fonts:
        uid = f"font-{font.name[6:22]}"
        book.add_item(
            epub.EpubItem(uid=uid, file_name=font.name, media_type=font.media_type, content=font.data)
        )
    css.content = font_face_css(fonts).encode("utf-8") + css.content


def xhtml_item(file_name: str, title: str, body: str, meta: PostMeta, css: epub.EpubItem) -> _Xhtml:
    """A page of the book with the stylesheet, in the language and direction of ``meta``."""
    xhtml = page(
        body,
        title=title,
        lang=meta.lang,
        direction=meta.direction,
        stylesheets=[STYLE_NAME],
        epub=True,
    )
    item = _Xhtml(xhtml, title=title, file_name=file_name, lang=meta.lang)
    item.add_item(css)
    return item


def _ids(chapter: Chapter) -> set[str]:
    found = set()
    for block in iter_blocks(chapter.blocks):
        attr = getattr(block, "attr", None)
        if attr is not None and attr.id:
            found.add(attr.id)
        if isinstance(block, Heading):
            found.add(block.id)
    return found
