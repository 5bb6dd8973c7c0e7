"""A book as one self-contained HTML page: cover, title page, contents, then each chapter
rendered by the same renderer as a post (its notes at its end, its ids prefixed)."""

from __future__ import annotations

from export_post import __version__
from export_post.exporter import BookContext
from export_post.model.book import Book
from export_post.toolkit.xhtml_book import BOOK_CSS, single_page_book

from . import standalone_page
from .embedding import Embedder


def build_html_book(book: Book, context: BookContext) -> bytes:
    embedder = Embedder()
    body = single_page_book(book, context, embedder.url, f"export-post {__version__}")
    return standalone_page(embedder.embed(body), book.meta.as_post_meta(), context, embedder, BOOK_CSS)
