"""EPUB 3 export with ebooklib.

The book has a cover page (from the front matter image), a title chapter (title block,
epigraph, introduction and the in-text contents where ``{:toc}`` stood), then one chapter
per top-level section. The navigation document is built from the headings. Images are
stored under generated names (content hashes), missing ones become visible placeholders,
the theme's fonts can be embedded (subset), and the archive is normalised (``mimetype``
first and stored, fixed timestamps) so the same input and ``SOURCE_DATE_EPOCH`` give the
same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from export_post.errors import OptionError
from export_post.exporter import BookContext, ExportContext, check_declared, option
from export_post.model import Document, Image
from export_post.model.book import Book, Chapter
from export_post.model.walk import iter_images
from export_post.resources import Resource
from export_post.resources.images import DownscalingResolver, max_image_px_option


@dataclass(frozen=True, slots=True, kw_only=True)
class EpubOptions:
    max_image_px: int = max_image_px_option()  # longer side of pictures in the book; 0 keeps them
    embed_fonts: bool = option(
        False, help="embed the theme's fonts in the EPUB (subset to the characters the book uses)"
    )

    def __post_init__(self) -> None:
        check_declared(self)
        if self.max_image_px < 0:
            raise OptionError(f"max_image_px must be 0 or more (got {self.max_image_px})")


class EpubExporter:
    name: ClassVar[str] = "epub"
    media_type: ClassVar[str] = "application/epub+zip"
    file_extension: ClassVar[str] = ".epub"
    description: ClassVar[str] = "EPUB 3 e-book with cover, navigation and embedded images"
    Options: ClassVar[type[EpubOptions]] = EpubOptions
    in_all: ClassVar[bool] = True
    all_order: ClassVar[int] = 1

    def export(self, document: Document, context: ExportContext) -> bytes:
        from .book import build_epub

        options = context.options_for(EpubOptions)
        resources = DownscalingResolver(context.resources, options.max_image_px)
        cover = [Image(src=document.meta.image)] if document.meta.image else []
        resources.scale_ahead([*cover, *iter_images(document.blocks)])
        return build_epub(document, replace(context, resources=resources), embed_fonts=options.embed_fonts)

    def export_book(self, book: Book, context: BookContext) -> bytes:
        from .volume import build_epub_book

        options = context.options_for(EpubOptions)
        memo: dict[str, Resource] = {}  # a picture many chapters show is scaled once
        resources = DownscalingResolver(context.resources, options.max_image_px, memo)

        def chapter_context(chapter: Chapter) -> ExportContext:
            inner = context.for_chapter(chapter)
            return replace(inner, resources=DownscalingResolver(inner.resources, options.max_image_px, memo))

        scaled = replace(context, resources=resources, chapter_context=chapter_context)
        return build_epub_book(book, scaled, embed_fonts=options.embed_fonts)
