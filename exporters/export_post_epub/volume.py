"""A book of many posts as one EPUB: cover (the picture, or a typeset page), title page,
copyright page, the navigation document in the reading order (parts, chapters and their
sections; landmarks), then one XHTML file per part opening and per chapter.

Chapters are rendered one at a time; ebooklib keeps every file it is given until it writes
the archive, so the rendered chapters and the distinct pictures are held at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from ebooklib import epub

from export_post import __version__
from export_post.exporter import BookContext
from export_post.model import PostMeta
from export_post.model.book import Book
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.labels import label
from export_post.toolkit.xhtml import document_ids
from export_post.toolkit.xhtml_book import (
    BOOK_CSS,
    TocEntry,
    contents_entries,
    copyright_page,
    dedication_page,
    part_opening,
    picture_cover,
    reading_order,
    render_chapter,
    title_page,
    typeset_cover,
)

from .accessibility import Content
from .accessibility import metadata as accessibility_metadata
from .book import STYLE_NAME, _embed_fonts, _Images, xhtml_item
from .ncx import ncx_item
from .opf import add_metadata
from .writing import epub_bytes

# The navigation document stands in the reading order as the contents page; its landmarks
# are for the reading system's menu, not for the page (ebooklib writes them without hidden).
_NAV_CSS = 'nav:not([role="doc-toc"]) { display: none; }\n'


@dataclass
class _Volume:
    """The EPUB being built: its pages in reading order, and the text they show."""

    ebook: epub.EpubBook
    css: epub.EpubItem
    meta: PostMeta
    spine: list[object] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def page(self, file_name: str, title: str, body: str) -> epub.EpubHtml:
        item = xhtml_item(file_name, title, body, self.meta, self.css)
        self.ebook.add_item(item)
        self.texts.append(body)
        self.spine.append(item)
        return item


def build_epub_book(book: Book, context: BookContext, *, embed_fonts: bool = False) -> bytes:
    meta = book.meta
    lang = meta.lang
    ebook = epub.EpubBook()
    add_metadata(ebook, meta.as_post_meta(), meta.identifier)
    css = epub.EpubItem(
        uid="style",
        file_name=STYLE_NAME,
        media_type="text/css",
        content=(
            context.theme.css("epub") + highlight_css(context.theme.code_style) + BOOK_CSS + _NAV_CSS
        ).encode(),
    )
    ebook.add_item(css)
    volume = _Volume(ebook, css, meta.as_post_meta())
    volume.texts += [meta.title, meta.subtitle, meta.author, label("contents", lang), label("cover", lang)]
    images = _Images(ebook, context)
    _front_matter(volume, book, context, images)
    hrefs = _hrefs(book)
    has_math = _chapters(volume, book, context, images, hrefs)
    ebook.toc = [_nav_entry(entry, hrefs) for entry in contents_entries(book)]
    content = Content(tuple(images.alts.values()), has_math, images.animated, has_toc=True)
    for prop, value in accessibility_metadata(content):
        ebook.add_metadata(None, "meta", value, {"property": prop})
    ebook.add_item(ncx_item(ebook.uid, meta.title, ebook.toc))
    if embed_fonts:
        _embed_fonts(ebook, css, context, "".join(volume.texts))
    nav = epub.EpubNav(title=label("contents", lang), direction="rtl" if meta.direction == "rtl" else None)
    nav.add_item(css)
    ebook.add_item(nav)
    ebook.spine = volume.spine
    return epub_bytes(ebook, context.timestamp)


def _front_matter(volume: _Volume, book: Book, context: BookContext, images: _Images) -> None:
    """Cover, title page, copyright page, dedication, and the navigation document."""
    meta, ebook, lang = book.meta, volume.ebook, book.meta.lang
    cover = context.resources.image(meta.cover) if meta.cover else None
    if cover is not None:
        path = f"images/{cover.name}"
        ebook.set_cover(path, cover.data, create_page=False)  # its manifest item, marked cover-image
        images.added[cover.name] = path  # a chapter showing the same picture reuses it
        images.alts[cover.name] = meta.title
        cover_body = picture_cover(meta, path)
    else:
        cover_body = typeset_cover(meta)
    volume.page("cover.xhtml", label("cover", lang), cover_body)
    ebook.guide.append({"type": "cover", "href": "cover.xhtml", "title": label("cover", lang)})
    volume.page("title.xhtml", meta.title, title_page(meta))
    volume.page("copyright.xhtml", meta.title, copyright_page(meta, f"export-post {__version__}"))
    if meta.dedication:
        volume.page("dedication.xhtml", meta.title, dedication_page(meta))
    volume.spine.append("nav")
    ebook.guide.append({"type": "toc", "href": "nav.xhtml", "title": label("contents", lang)})


@dataclass(frozen=True, slots=True)
class _Hrefs:
    """Which file each id of the book is in: a chapter's opening is its file."""

    homes: dict[str, str]
    anchors: frozenset[str]

    def __call__(self, ident: str) -> str:
        home = self.homes.get(ident, "title.xhtml")
        return home if ident in self.anchors else f"{home}#{ident}"


def _hrefs(book: Book) -> _Hrefs:
    homes: dict[str, str] = {}
    for chapter in book.chapters:
        homes[chapter.anchor] = f"{chapter.anchor}.xhtml"
        for ident in document_ids(chapter.document):
            homes[ident] = homes[chapter.anchor]
    for part in book.parts:
        homes[part.anchor] = f"{part.anchor}.xhtml"
    anchors = frozenset({c.anchor for c in book.chapters} | {p.anchor for p in book.parts})
    return _Hrefs(homes, anchors)


def _chapters(volume: _Volume, book: Book, context: BookContext, images: _Images, hrefs: _Hrefs) -> bool:
    """Each part opening and chapter, rendered one at a time; whether any has math."""
    has_math, first = False, ""
    known = frozenset(hrefs.homes)
    for opened, chapter in reading_order(book):
        if opened is not None:
            volume.page(f"{opened.anchor}.xhtml", opened.title, part_opening(opened))
        chapter_context = context.for_chapter(chapter)
        chapter_images = _Images(volume.ebook, chapter_context, images.added, images.alts)
        body = render_chapter(
            chapter, chapter_context, chapter_images.add, known, book.meta.lang, epub=True, href_for_id=hrefs
        )
        images.animated = images.animated or chapter_images.animated
        item = volume.page(hrefs.homes[chapter.anchor], chapter.title, body)
        if "<math" in body:
            item.properties.append("mathml")
            has_math = True
        first = first or hrefs.homes[chapter.anchor]
    volume.ebook.guide.append({"type": "text", "href": first or "title.xhtml", "title": book.meta.title})
    return has_math


def _nav_entry(entry: TocEntry, href: _Hrefs) -> object:
    target = href(entry.anchor)
    if not entry.children:
        return epub.Link(target, entry.title, f"{entry.anchor}-nav")
    return (epub.Section(entry.title, target), [_nav_entry(child, href) for child in entry.children])
