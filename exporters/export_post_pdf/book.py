"""A book as one PDF: cover (the picture, or one typeset from the title), title and
copyright pages, contents with page numbers (``target-counter``), then each chapter on a new
page, rendered as a post is (footnotes at the page foot, counted per chapter).

WeasyPrint lays out one HTML document, so the whole book's markup and pictures are held at
once while it renders (see docs/book.md)."""

from __future__ import annotations

from export_post import __version__
from export_post.exporter import BookContext
from export_post.metatext import field_text
from export_post.model.book import Book
from export_post.toolkit.xhtml import page
from export_post.toolkit.xhtml_book import BOOK_CSS, BOOK_PRINT_CSS, single_page_book
from export_post.toolkit.xhtml_header import meta_tags

from . import INFO_STRING_UNITS, PdfOptions
from .manifest import Manifest, page_css


def build_pdf_book(book: Book, context: BookContext) -> bytes:
    options = context.options_for(PdfOptions)
    meta = book.meta
    manifest = Manifest()
    generator = f"export-post {__version__}"
    body = single_page_book(
        book, context, manifest.url, generator, page_numbers=True, math="svg", notes="footnotes"
    )
    post_meta = meta.as_post_meta()
    html = page(
        body,
        title=field_text(meta.title, INFO_STRING_UNITS),
        lang=meta.lang,
        direction=post_meta.direction,
        css=page_css(context, options.page_size) + BOOK_CSS + BOOK_PRINT_CSS,
        head_extra=meta_tags(post_meta, generator, limit=INFO_STRING_UNITS),
    )
    from .render import render_pdf

    variant = options.pdf_variant.lower() if options.pdf_variant else None
    return render_pdf(html, manifest.resources, context, variant=variant)
