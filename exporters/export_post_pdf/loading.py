"""Importing WeasyPrint without running a compiler.

WeasyPrint loads each native library (GObject, Pango, HarfBuzz, fontconfig) by trying its
Windows, generic and Linux names in turn through cffi, and cffi hands each name that does
not load to ``ctypes.util.find_library``. On Linux that asks ldconfig's cache and then, for
a name it lacks, runs gcc and ld to search for it: some 60 processes and 0.3 s in every
process that imports WeasyPrint. What those searches could find, the Linux names WeasyPrint
tries next load directly (by soname, on the dynamic loader's own search path), so while it
is imported, ``find_library`` consults ldconfig's cache only.
"""

from __future__ import annotations

import ctypes.util
import sys
import threading

_lock = threading.Lock()


def import_weasyprint() -> None:
    """Import WeasyPrint once; later calls cost nothing."""
    if "weasyprint" in sys.modules:
        return
    cached_only = getattr(ctypes.util, "_findSoname_ldconfig", None)  # CPython on Linux
    with _lock:
        real = ctypes.util.find_library
        if sys.platform == "linux" and cached_only is not None:
            ctypes.util.find_library = cached_only
        try:
            import weasyprint  # noqa: F401
        finally:
            ctypes.util.find_library = real
