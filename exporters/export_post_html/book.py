"""A book as one self-contained HTML page: cover, title page, contents, then each chapter
rendered by the same renderer as a post (its notes at its end, its ids prefixed)."""

from __future__ import annotations

from export_post import __version__
from export_post.exporter import BookContext
from export_post.metatext import field_text
from export_post.model.book import Book
from export_post.resources import Resource
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.xhtml import page
from export_post.toolkit.xhtml_book import (
    BOOK_CSS,
    book_ids,
    contents,
    copyright_page,
    dedication_page,
    part_opening,
    picture_cover,
    reading_order,
    render_chapter,
    title_page,
    typeset_cover,
)
from export_post.toolkit.xhtml_header import meta_tags

from .embedding import Embedder


def build_html_book(book: Book, context: BookContext) -> bytes:
    meta = book.meta
    embedder = Embedder()
    cover = context.resources.image(meta.cover) if meta.cover else None
    body = [picture_cover(meta, embedder.url(cover)) if cover else typeset_cover(meta)]
    body += [title_page(meta), copyright_page(meta, f"export-post {__version__}"), dedication_page(meta)]
    body.append(contents(book, lambda anchor: f"#{anchor}"))
    known = book_ids(book)

    def url_for(resource: Resource, alt: str) -> str:
        return embedder.url(resource)

    for part, chapter in reading_order(book):
        if part is not None:
            body.append(part_opening(part))
        body.append(render_chapter(chapter, context.for_chapter(chapter), url_for, known, meta.lang))
    markup = embedder.embed("".join(body))
    css = context.theme.css("html") + highlight_css(context.theme.code_style) + BOOK_CSS + embedder.css()
    post_meta = meta.as_post_meta()
    html = page(
        markup,
        title=field_text(meta.title),
        lang=meta.lang,
        direction=post_meta.direction,
        css=css,
        head_extra='<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        + meta_tags(post_meta, f"export-post {__version__}"),
    )
    return html.encode("utf-8")
