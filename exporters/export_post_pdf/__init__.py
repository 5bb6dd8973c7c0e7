"""PDF export with WeasyPrint: the shared XHTML body plus the theme's print CSS.

WeasyPrint is imported inside ``export`` so that listing formats or exporting EPUB never
pays for it. It only ever sees a fetcher that serves the images our resource resolver
approved (see :mod:`export_post_pdf.fetcher`), so neither the post nor any stylesheet can
make it read a local file or the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from export_post import __version__
from export_post.exporter import BookContext, ExportContext, check_declared, option
from export_post.metatext import field_text
from export_post.model import Document, Image
from export_post.model.book import Book
from export_post.model.walk import iter_images
from export_post.resources import read_ahead
from export_post.toolkit.mathahead import formulas_in, typeset_ahead
from export_post.toolkit.texmath import MathImage
from export_post.toolkit.xhtml import XhtmlRenderer, page
from export_post.toolkit.xhtml_header import meta_tags

from .manifest import PAGE_SIZES, Manifest, page_css

# A PDF string holds at most 32767 bytes (ISO 32000-1 Annex C; PDF/A-2 and -3 make it a
# rule). WeasyPrint writes non-ASCII Info strings as UTF-16BE with a 2-byte BOM.
INFO_STRING_UNITS = (32767 - 2) // 2


# The archival (PDF/A) and accessibility (PDF/UA) profiles WeasyPrint can write. Every PDF
# is tagged anyway; a variant adds the profile's identification and restrictions.
PDF_VARIANTS = (
    "pdf/a-1a",
    "pdf/a-1b",
    "pdf/a-2a",
    "pdf/a-2b",
    "pdf/a-2u",
    "pdf/a-3a",
    "pdf/a-3b",
    "pdf/a-3u",
    "pdf/a-4u",
    "pdf/ua-1",
    "pdf/ua-2",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfOptions:
    page_size: str = option(
        "A4", choices=tuple(PAGE_SIZES.values()), fold_case=True, help="PDF page size (default A4)"
    )
    pdf_variant: str | None = option(
        None,
        choices=PDF_VARIANTS,
        fold_case=True,
        metavar="VARIANT",
        help="also conform to a PDF/A or PDF/UA profile: pdf/a-1b, pdf/a-2b, pdf/a-3b, pdf/a-2u, "
        "pdf/a-3u, pdf/a-4u, pdf/a-1a, pdf/a-2a, pdf/a-3a, pdf/ua-1, pdf/ua-2 (PDFs are tagged anyway)",
    )

    def __post_init__(self) -> None:
        check_declared(self)


class PdfExporter:
    name: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"
    file_extension: ClassVar[str] = ".pdf"
    description: ClassVar[str] = "Styled, paginated PDF with cover, contents and bookmarks (WeasyPrint)"
    Options: ClassVar[type[PdfOptions]] = PdfOptions
    in_all: ClassVar[bool] = True
    all_order: ClassVar[int] = 2

    def export(self, document: Document, context: ExportContext) -> bytes:
        options = context.options_for(PdfOptions)
        manifest = Manifest()

        def image_url(image: Image) -> str | None:
            resource = context.resources.image(image.src, line=image.line)
            return manifest.url(resource) if resource else None

        meta = document.meta
        covers = [(meta.image, None)] if meta.image else []
        read_ahead(context.resources, [*covers, *((i.src, i.line) for i in iter_images(document.blocks))])
        cover = context.resources.image(meta.image) if meta.image else None

        def math_url(image: MathImage) -> str:
            return manifest.url(image.resource())

        renderer = XhtmlRenderer(
            document,
            image_url=image_url,
            math="svg",
            math_url=math_url,
            notes="footnotes",
            reporter=context.reporter,
            code_style=context.theme.code_style,
        )
        typeset_ahead(formulas_in(document.blocks))  # some in a copy of this process, where allowed
        body = renderer.header(manifest.url(cover) if cover else None) + renderer.blocks(document.blocks)
        html = page(
            body,
            title=field_text(meta.title, INFO_STRING_UNITS),
            lang=meta.lang,
            direction=meta.direction,
            css=page_css(context, options.page_size),
            head_extra=meta_tags(meta, f"export-post {__version__}", limit=INFO_STRING_UNITS),
        )
        from .render import render_pdf

        variant = options.pdf_variant.lower() if options.pdf_variant else None
        return render_pdf(html, manifest.resources, context, variant=variant)

    def export_book(self, book: Book, context: BookContext) -> bytes:
        from .book import build_pdf_book

        return build_pdf_book(book, context)
