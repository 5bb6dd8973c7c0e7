"""EPUB 3 export with ebooklib.

The book has a cover page (from the front matter image), a title chapter (title block,
epigraph, introduction and the in-text contents where ``{:toc}`` stood), then one chapter
per top-level section. The navigation document is built from the headings. Images are
stored under generated names (content hashes), missing ones become visible placeholders,
and the archive is normalised (``mimetype`` first and stored, fixed timestamps) so the same
input and ``SOURCE_DATE_EPOCH`` give the same bytes.
"""

from __future__ import annotations

from typing import ClassVar

from export_post.exporter import ExportContext, NoOptions
from export_post.model import Document


class EpubExporter:
    name: ClassVar[str] = "epub"
    media_type: ClassVar[str] = "application/epub+zip"
    file_extension: ClassVar[str] = ".epub"
    description: ClassVar[str] = "EPUB 3 e-book with cover, navigation and embedded images"
    Options: ClassVar[type[NoOptions]] = NoOptions

    def export(self, document: Document, context: ExportContext) -> bytes:
        from .book import build_epub

        return build_epub(document, context)
