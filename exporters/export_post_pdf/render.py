"""The WeasyPrint call, with its log captured as diagnostics.

The page's stylesheet (theme, code colours, page size) is the same for every post of a
batch, so each thread parses it once, together with its own font configuration, and
passes both to every document instead of leaving the ``<style>`` in the page to be parsed
again. WeasyPrint gives such a stylesheet the user origin instead of the author origin;
no rule of ours or of its default sheet is ``!important``, so the cascade and the bytes of
the PDF are the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from export_post.exporter import ExportContext
from export_post.resources import Resource

from . import deflate, glyphsvg
from .fetcher import MANIFEST_SCHEME, make_fetcher
from .fontstamp import font_timestamp
from .loading import import_weasyprint
from .tablefit import fit_tables
from .textdraw import recording
from .textlayer import repair_text_layer

STYLE_OPEN, STYLE_CLOSE = "<style>\n", "\n</style>\n"  # as export_post.toolkit.xhtml.page writes it
_CACHED_STYLESHEETS = 8  # per thread: a theme and page size each


class _ThreadCollector(logging.Filter):
    """Takes WeasyPrint's log records in the threads that are rendering a PDF of ours: each
    thread gets its own document's messages (ours to report, escaped, not raw), and other
    threads' WeasyPrint logging (the caller's own use of it) goes on as configured.

    A filter on the loggers, installed once, rather than a handler added and
    ``propagate`` switched off for each document: that was shared by every thread, so one
    document's messages landed in another's diagnostics and ``propagate`` could stay off."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        messages: list[str] | None = getattr(self.local, "messages", None)
        if messages is None:
            return True
        if record.levelno >= logging.WARNING:
            messages.append(record.getMessage())
        return False  # neither handled nor propagated


_COLLECTOR = _ThreadCollector()
_install_lock = threading.Lock()
_WEASYPRINT_LOGGERS = ("weasyprint", "weasyprint.progress")  # a child's records skip the parent's filters


@contextmanager
def _weasyprint_log() -> Iterator[list[str]]:
    """What WeasyPrint logs in this thread meanwhile: the messages of warnings and errors."""
    with _install_lock:
        for name in _WEASYPRINT_LOGGERS:
            logger = logging.getLogger(name)
            if _COLLECTOR not in logger.filters:
                logger.addFilter(_COLLECTOR)
    outer = getattr(_COLLECTOR.local, "messages", None)
    messages: list[str] = []
    _COLLECTOR.local.messages = messages
    try:
        yield messages
    finally:
        _COLLECTOR.local.messages = outer


@dataclass(frozen=True, slots=True)
class _Stylesheet:
    css: Any  # weasyprint.CSS
    fonts: Any  # weasyprint.text.fonts.FontConfiguration, holding the sheet's @font-face rules
    counters: Any  # weasyprint.css.counters.CounterStyle, holding its @counter-style rules
    messages: tuple[str, ...]  # what WeasyPrint said while parsing it, told again for each document


_local = threading.local()  # WeasyPrint's font objects are not shared between threads


def _stylesheet(text: str) -> _Stylesheet:
    cache: dict[str, _Stylesheet] = _local.__dict__.setdefault("stylesheets", {})
    found = cache.get(text)
    if found is None:
        import_weasyprint()
        from weasyprint import CSS
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        fonts, counters = FontConfiguration(), CounterStyle()
        with _weasyprint_log() as messages:
            css = CSS(
                string=text,
                base_url=f"{MANIFEST_SCHEME}:",
                url_fetcher=make_fetcher({}),  # a stylesheet may not load anything
                font_config=fonts,
                counter_style=counters,
            )
        if len(cache) >= _CACHED_STYLESHEETS:
            cache.clear()
        found = cache[text] = _Stylesheet(css, fonts, counters, tuple(messages))
    return found


def render_pdf(
    html: str, manifest: Mapping[str, Resource], context: ExportContext, *, variant: str | None = None
) -> bytes:
    import_weasyprint()
    glyphsvg.install()  # and the kept SVG paths (svgpaths)
    deflate.install()
    from weasyprint import HTML

    head, found, rest = html.partition(STYLE_OPEN)
    text, closed, body = rest.partition(STYLE_CLOSE)
    if not (found and closed):
        head, text, body = html, "", ""
    sheet = _stylesheet(text) if text else None
    with _weasyprint_log() as messages, font_timestamp(context.timestamp), recording():
        page = HTML(string=head + body, base_url=f"{MANIFEST_SCHEME}:", url_fetcher=make_fetcher(manifest))
        fonts: dict[str, Any] = {}
        options: dict[str, Any] = {
            "pdf_tags": True,
            "pdf_variant": variant,
            "pdf_identifier": _identifier(context),
        }
        if sheet is not None:
            messages[:0] = sheet.messages
            fonts = {"font_config": sheet.fonts, "counter_style": sheet.counters}
            options["stylesheets"] = [sheet.css]
        document = fit_tables(partial(page.render, **fonts, **options))
        with deflate.default_level():
            pdf: bytes = document.write_pdf(finisher=repair_text_layer, **options)
    for message in dict.fromkeys(messages):
        context.reporter.info("pdf-renderer", f"WeasyPrint: {message[:300]}")
    return pdf


def _identifier(context: ExportContext) -> bytes:
    return context.timestamp.isoformat().encode("ascii")
