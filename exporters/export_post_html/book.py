"""A book as one self-contained HTML page: cover, title page, contents, then each chapter
rendered by the same renderer as a post (its notes at its end, its ids prefixed)."""

from __future__ import annotations

from export_post import __version__
from export_post.exporter import BookContext
from export_post.metatext import field_text
from export_post.model.book import Book
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.xhtml import page
from export_post.toolkit.xhtml_book import BOOK_CSS, single_page_book
from export_post.toolkit.xhtml_header import meta_tags

from .embedding import Embedder


def build_html_book(book: Book, context: BookContext) -> bytes:
    meta = book.meta
    embedder = Embedder()
    generator = f"export-post {__version__}"
    markup = embedder.embed(single_page_book(book, context, embedder.url, generator))
    css = context.theme.css("html") + highlight_css(context.theme.code_style) + BOOK_CSS + embedder.css()
    post_meta = meta.as_post_meta()
    html = page(
        markup,
        title=field_text(meta.title),
        lang=meta.lang,
        direction=post_meta.direction,
        css=css,
        head_extra='<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        + meta_tags(post_meta, generator),
    )
    return html.encode("utf-8")
