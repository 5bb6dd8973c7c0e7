"""The cyclic garbage collector set for a process export-post owns (the command, a worker).

A render makes millions of small objects that live as long as it does (the document,
WeasyPrint's boxes, python-pptx's XML). CPython's default collects the young ones every 700
allocations and so scans the same live objects over and over: 0.7 s of an 8 s PDF. As mypy
does, a process of ours collects every 100,000 allocations instead; reference counting
still frees most garbage at once, and cycles go at the next collection. (``gc.freeze()``
at start-up as well made the PDF command crash as the process ended.)

Only the command and the batch workers call :func:`tune`; a library call leaves the
caller's collector as it is.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000  # allocations between collections of the youngest generation
OLDER_THRESHOLD = 20  # collections of one generation between collections of the next


def tune() -> None:
    """Collect less often."""
    gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
