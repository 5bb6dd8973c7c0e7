"""The build timestamp in the fonts WeasyPrint rewrites with fontTools.

WeasyPrint saves some fonts through fontTools before embedding them (variable fonts made
static, colour emoji fonts stripped of their bitmaps), and fontTools stamps each saved font's
``head.modified`` with the time: ``SOURCE_DATE_EPOCH`` from the environment, else now. We
pass the build timestamp explicitly and never write the environment (it is shared by every
thread), so without this the PDF of an Arabic, Hebrew or emoji post changed from one run to
the next. fontTools offers no parameter for it along WeasyPrint's path: the ``head`` table
module's ``timestampNow`` is replaced, once, by one that returns the timestamp of the PDF
being written in this thread (contexts are per thread), and fontTools' own value elsewhere.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_stamp: ContextVar[int | None] = ContextVar("export_post_pdf_font_stamp", default=None)
_lock = threading.Lock()
_installed = False


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        from fontTools.misc.timeTools import epoch_diff
        from fontTools.ttLib.tables import _h_e_a_d

        library_now = _h_e_a_d.timestampNow

        def timestamp_now() -> int:
            stamp = _stamp.get()
            return int(library_now()) if stamp is None else stamp - int(epoch_diff)

        _h_e_a_d.timestampNow = timestamp_now
        _installed = True


@contextmanager
def font_timestamp(moment: dt.datetime) -> Iterator[None]:
    """Fonts saved by fontTools in this thread meanwhile carry ``moment``."""
    _install()
    token = _stamp.set(int(moment.timestamp()))
    try:
        yield
    finally:
        _stamp.reset(token)
