"""Our PDFs' streams deflated at zlib's default level (6), not the 9 pydyf asks for.

pydyf (0.13) compresses every stream it writes, page contents, fonts and pictures, with
``zlib.compressobj(level=9)``. Level 9 searches much longer for matches in repetitive data,
such as a page of formula outlines, for almost nothing: on the heavy benchmark posts level 6
wrote the PDFs 1.9 s sooner in 27 s (one math post 5.30 → 4.75 s), and they were at most
0.6 % larger. The output is the same PDF; only its streams' deflate bytes differ.

:func:`install` gives pydyf a ``zlib`` that asks for level 6 while :func:`default_level` is
in force, in the thread (context) writing one of our PDFs, and passes every other call,
and every call outside it (a caller's own WeasyPrint), to zlib as made.
"""

from __future__ import annotations

import contextvars
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LEVEL = 6  # zlib's own default (Z_DEFAULT_COMPRESSION)

_ours: contextvars.ContextVar[bool] = contextvars.ContextVar("export_post_pdf_deflate", default=False)
_lock = threading.Lock()


class _Zlib:
    """zlib, with ``compressobj`` at :data:`LEVEL` inside :func:`default_level`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(LEVEL if _ours.get() else level, *args, **kwargs)


def install() -> None:
    """Give pydyf the zlib above (once per process; not if something else replaced its zlib)."""
    import pydyf

    with _lock:
        if getattr(pydyf, "zlib", None) is zlib:
            pydyf.zlib = _Zlib()


@contextmanager
def default_level() -> Iterator[None]:
    """Streams pydyf deflates meanwhile, in this context, are deflated at :data:`LEVEL`."""
    token = _ours.set(True)
    try:
        yield
    finally:
        _ours.reset(token)
