"""HTML export: one self-contained page (theme CSS inline, images embedded as data URIs).

The body is the same markup the PDF is rendered from; only the CSS layer differs, and how
an image's bytes reach the page (see :mod:`.embedding`: each image once, however often the
post shows it).
"""

from __future__ import annotations

from typing import ClassVar

from export_post import __version__
from export_post.exporter import BookContext, ExportContext, NoOptions
from export_post.metatext import field_text
from export_post.model import Document, Image, PostMeta
from export_post.model.book import Book
from export_post.model.walk import iter_images
from export_post.resources import read_ahead
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.xhtml import XhtmlRenderer, page
from export_post.toolkit.xhtml_header import meta_tags

from .embedding import Embedder


class HtmlExporter:
    name: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    file_extension: ClassVar[str] = ".html"
    description: ClassVar[str] = "Standalone HTML page with the theme and images embedded"
    Options: ClassVar[type[NoOptions]] = NoOptions
    in_all: ClassVar[bool] = True
    all_order: ClassVar[int] = 4

    def export(self, document: Document, context: ExportContext) -> bytes:
        embedder = Embedder()

        def image_url(image: Image) -> str | None:
            resource = context.resources.image(image.src, line=image.line)
            return embedder.url(resource) if resource else None

        meta = document.meta
        covers = [(meta.image, None)] if meta.image else []
        read_ahead(context.resources, [*covers, *((i.src, i.line) for i in iter_images(document.blocks))])
        cover = context.resources.image(meta.image) if meta.image else None
        renderer = XhtmlRenderer(
            document,
            image_url=image_url,
            math_url=lambda image: embedder.url(image.resource()),
            reporter=context.reporter,
            code_style=context.theme.code_style,
        )
        body = renderer.header(embedder.url(cover) if cover else None) + renderer.blocks(document.blocks)
        body += renderer.endnotes()
        return standalone_page(embedder.embed(body), meta, context, embedder)

    def export_book(self, book: Book, context: BookContext) -> bytes:
        from .book import build_html_book

        return build_html_book(book, context)


def standalone_page(
    body: str, meta: PostMeta, context: ExportContext, embedder: Embedder, extra_css: str = ""
) -> bytes:
    """``body`` as the page: the theme's screen CSS, the code colours and the shared pictures
    inline, the document info of ``meta`` (a post's, or a book's)."""
    css = context.theme.css("html") + highlight_css(context.theme.code_style) + extra_css + embedder.css()
    html = page(
        body,
        title=field_text(meta.title),
        lang=meta.lang,
        direction=meta.direction,
        css=css,
        head_extra='<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        + meta_tags(meta, f"export-post {__version__}"),
    )
    return html.encode("utf-8")
