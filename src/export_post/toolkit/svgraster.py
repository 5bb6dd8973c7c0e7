"""SVG drawn as a PNG by resvg: the one place pictures become pixels (slide figures, formulas).

Through the ``resvg`` binding, which draws the same pixels as the ``resvg-py`` binding we used
before, three to five times as fast (a formula 1808 px wide: 10 ms, not 32; a 1618 px plot:
54 ms, not 295). resvg's options, with the system's fonts loaded (8 ms), are made once per
thread: the binding will not use them in another. Lengths in pt, mm or in are CSS's (96 dpi):
matplotlib writes every SVG sized in pt.
"""

from __future__ import annotations

import math
import threading
from typing import Any

_local = threading.local()


def svg_to_png(svg: bytes, *, width: int | None = None, zoom: float = 1.0) -> bytes | None:
    """``svg`` drawn ``width`` pixels wide (its height in proportion), else at ``zoom`` times
    its own size; None if resvg cannot read or draw it, or it would have no pixels."""
    from resvg import render, usvg

    try:
        tree = usvg.Tree.from_str(svg.decode("utf-8"), _options(usvg))
        own_width, own_height = tree.int_size()
        if own_width <= 0 or own_height <= 0:
            return None
        scale = width / own_width if width is not None else zoom
        size = (max(1, math.ceil(own_width * scale - 1e-6)), max(1, math.ceil(own_height * scale - 1e-6)))
        return bytes(render(tree, (scale, 0.0, 0.0, 0.0, scale, 0.0), bg_size=size))
    except Exception:  # resvg's errors: unreadable markup, nothing to draw, a size it refuses
        return None


def _options(usvg: Any) -> Any:
    options = getattr(_local, "options", None)
    if options is None:
        options = usvg.Options.default()
        options.dpi = 96.0
        options.load_system_fonts()
        _local.options = options
    return options
