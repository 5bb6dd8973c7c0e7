"""SVG drawn as a PNG by resvg: the one place pictures become pixels (slide figures, formulas).

Through the ``resvg`` binding, which draws the same pixels as the ``resvg-py`` binding we used
before, three to five times as fast (a formula 1808 px wide: 10 ms, not 32; a 1618 px plot:
54 ms, not 295). resvg's options, with the system's fonts loaded (8 ms), are made once per
thread: the binding will not use them in another. Lengths in pt, mm or in are CSS's (96 dpi):
matplotlib writes every SVG sized in pt.

The binding panics on markup it cannot read (Rust prints the panic on standard error, and
Python gets a ``PanicException``, which is not an ``Exception``). So the markup is read with
file descriptor 2 pointed at the null device, one reading at a time (the binding holds the
GIL anyway), and the panic is one more way of saying None. What another thread writes on
standard error in those milliseconds is lost too: at most a frame of the one-line progress
bar, which the next frame redraws.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

MAX_PIXELS = 40 * 2**20  # a raster larger than this is not drawn (1920 px wide: 21,800 high)
_KEPT_TREES = 64  # read SVGs kept per thread ...
_KEPT_BYTES = 8 * 2**20  # ... and their markup's bytes, all told

_local = threading.local()
_reading = threading.Lock()


def svg_to_png(svg: bytes, *, width: int | None = None, zoom: float = 1.0) -> bytes | None:
    """``svg`` drawn ``width`` pixels wide (its height in proportion), else at ``zoom`` times
    its own size; None if resvg cannot read or draw it, or it would have no pixels."""
    tree = read_svg(svg)
    return None if tree is None else draw_tree(tree, width=width, zoom=zoom)


def read_svg(svg: bytes) -> Any | None:
    """``svg`` read by resvg (a tree it draws from), or None if it cannot read it. The trees
    of the last few SVGs read are kept (per thread, as resvg's options are): a slide figure
    is read to time a small drawing, then drawn; reading an 800 KB plot costs 47 ms."""
    kept: OrderedDict[bytes, Any] | None = getattr(_local, "trees", None)
    if kept is None:
        kept = _local.trees = OrderedDict()
    if svg in kept:
        kept.move_to_end(svg)
        return kept[svg]
    from resvg import usvg

    try:
        markup = svg.decode("utf-8")
        with _reading, _stderr_silenced():
            tree = usvg.Tree.from_str(markup, _options(usvg))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # unreadable markup (a panic)
        return None
    kept[svg] = tree
    while len(kept) > 1 and (len(kept) > _KEPT_TREES or sum(map(len, kept)) > _KEPT_BYTES):
        kept.popitem(last=False)
    return tree


def draw_tree(tree: Any, *, width: int | None = None, zoom: float = 1.0) -> bytes | None:
    """A tree :func:`read_svg` gave, drawn as :func:`svg_to_png` draws its SVG."""
    from resvg import render

    try:
        own_width, own_height = tree.int_size()
        if own_width <= 0 or own_height <= 0:
            return None
        scale = width / own_width if width is not None else zoom
        size = (max(1, math.ceil(own_width * scale - 1e-6)), max(1, math.ceil(own_height * scale - 1e-6)))
        if size[0] * size[1] > MAX_PIXELS:
            return None
        return bytes(render(tree, (scale, 0.0, 0.0, 0.0, scale, 0.0), bg_size=size))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # nothing to draw, a size it refuses
        return None


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 on the null device (see the module's docstring)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _options(usvg: Any) -> Any:
    options = getattr(_local, "options", None)
    if options is None:
        options = usvg.Options.default()
        options.dpi = 96.0
        options.load_system_fonts()
        _local.options = options
    return options
