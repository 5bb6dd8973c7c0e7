"""The WeasyPrint call, with its log captured as diagnostics."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from export_post.exporter import ExportContext
from export_post.resources import Resource

from .fetcher import MANIFEST_SCHEME, make_fetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(
    html: str, manifest: Mapping[str, Resource], context: ExportContext, *, variant: str | None = None
) -> bytes:
    from weasyprint import HTML

    fetcher = make_fetcher(manifest)
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        document = HTML(string=html, base_url=f"{MANIFEST_SCHEME}:", url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(
            pdf_tags=True, pdf_variant=variant, pdf_identifier=_identifier(context)
        )
    finally:
        logger.removeHandler(handler)
    for message in dict.fromkeys(handler.messages):
        context.reporter.info("pdf-renderer", f"WeasyPrint: {message[:300]}")
    return pdf


def _identifier(context: ExportContext) -> bytes:
    return context.timestamp.isoformat().encode("ascii")
