"""A book of many posts as one EPUB: cover (the picture, or a typeset page), title page,
copyright page, the navigation document in the reading order (parts, chapters and their
sections; landmarks), then one XHTML file per part opening and per chapter.

Chapters are rendered one at a time; ebooklib keeps every file it is given until it writes
the archive, so the rendered chapters and the distinct pictures are held at once."""

from __future__ import annotations

import io

from ebooklib import epub

from export_post import __version__
from export_post.exporter import BookContext
from export_post.model.book import Book
from export_post.resources import Resource
from export_post.toolkit.archive import normalise_zip
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


def build_epub_book(book: Book, context: BookContext, *, embed_fonts: bool = False) -> bytes:
    meta = book.meta
    post_meta = meta.as_post_meta()
    lang = meta.lang
    ebook = epub.EpubBook()
    add_metadata(ebook, post_meta, meta.identifier)
    css = epub.EpubItem(
        uid="style",
        file_name=STYLE_NAME,
        media_type="text/css",
        content=(context.theme.css("epub") + highlight_css(context.theme.code_style) + BOOK_CSS).encode(),
    )
    ebook.add_item(css)
    images = _Images(ebook, context)
    texts: list[str] = [meta.title, meta.subtitle, meta.author, label("contents", lang), label("cover", lang)]

    def page(file_name: str, title: str, body: str) -> epub.EpubHtml:
        item = xhtml_item(file_name, title, body, post_meta, css)
        ebook.add_item(item)
        texts.append(body)
        return item

    cover = context.resources.image(meta.cover) if meta.cover else None
    if cover is not None:
        path = images.add(cover, meta.title)
        ebook.set_cover(path, cover.data, create_page=False)
        cover_body = picture_cover(meta, path)
    else:
        cover_body = typeset_cover(meta)
    spine: list[object] = [page("cover.xhtml", label("cover", lang), cover_body)]
    ebook.guide.append({"type": "cover", "href": "cover.xhtml", "title": label("cover", lang)})
    spine.append(page("title.xhtml", meta.title, title_page(meta)))
    spine.append(page("copyright.xhtml", meta.title, copyright_page(meta, f"export-post {__version__}")))
    if meta.dedication:
        spine.append(page("dedication.xhtml", meta.title, dedication_page(meta)))
    spine.append("nav")
    ebook.guide.append({"type": "toc", "href": "nav.xhtml", "title": label("contents", lang)})

    homes: dict[str, str] = {}  # id -> the file it is in
    for chapter in book.chapters:
        file_name = f"{chapter.anchor}.xhtml"
        homes[chapter.anchor] = file_name
        for ident in document_ids(chapter.document):
            homes[ident] = file_name
    for part in book.parts:
        homes[part.anchor] = f"{part.anchor}.xhtml"

    book_anchors = {c.anchor for c in book.chapters} | {p.anchor for p in book.parts}

    def href(ident: str) -> str:
        home = homes.get(ident, "title.xhtml")
        return home if ident in book_anchors else f"{home}#{ident}"

    known = frozenset(homes)
    has_math = False
    first_chapter = ""
    for opened, chapter in reading_order(book):
        if opened is not None:
            spine.append(page(f"{opened.anchor}.xhtml", opened.title, part_opening(opened)))
        chapter_context = context.for_chapter(chapter)
        chapter_images = _Images(ebook, chapter_context, images.added, images.alts)

        def url_for(resource: Resource, alt: str, chapter_images: _Images = chapter_images) -> str:
            return chapter_images.add(resource, alt)

        body = render_chapter(chapter, chapter_context, url_for, known, lang, epub=True, href_for_id=href)
        images.animated = images.animated or chapter_images.animated
        item = page(homes[chapter.anchor], chapter.title, body)
        if "<math" in body:
            item.properties.append("mathml")
            has_math = True
        spine.append(item)
        first_chapter = first_chapter or homes[chapter.anchor]
    ebook.guide.append({"type": "text", "href": first_chapter or "title.xhtml", "title": meta.title})

    ebook.toc = [_nav_entry(entry, href) for entry in contents_entries(book)]
    content = Content(tuple(images.alts.values()), has_math, images.animated, has_toc=True)
    for prop, value in accessibility_metadata(content):
        ebook.add_metadata(None, "meta", value, {"property": prop})
    ebook.add_item(ncx_item(ebook.uid, meta.title, ebook.toc))
    if embed_fonts:
        _embed_fonts(ebook, css, context, "".join(texts))
    nav = epub.EpubNav(title=label("contents", lang), direction="rtl" if meta.direction == "rtl" else None)
    nav.add_item(css)
    ebook.add_item(nav)
    ebook.spine = spine

    buffer = io.BytesIO()
    options = {
        "mtime": context.timestamp.replace(tzinfo=None),
        "raise_exceptions": True,
        "epub3_pages": False,
        "package_direction": True,
        "landmark_title": label("contents", lang),
    }
    epub.write_epub(buffer, ebook, options)
    return normalise_zip(buffer.getvalue(), context.timestamp)


def _nav_entry(entry: TocEntry, href: object) -> object:
    target = href(entry.anchor)  # type: ignore[operator]
    if not entry.children:
        return epub.Link(target, entry.title, f"{entry.anchor}-nav")
    return (epub.Section(entry.title, target), [_nav_entry(child, href) for child in entry.children])
