"""Speed-ups for ziamath's typesetting that leave every picture byte for byte the same.

- A row (``mrow``) is laid out twice: once to measure its height without stretchy operators
  (the fences and bars sized to the row), then for real. The measuring pass lays out every
  nested row the same way, so a formula nested ``d`` rows deep cost ``2**d`` layouts (1 s for
  one long ``align``). The measured height is read only by stretchy operators, so a row is
  not measured inside another row's measuring pass (stretchy operators are left out of every
  height there), nor when nothing in it may stretch (``texmath`` marks every operator TeX
  does not grow ``stretchy="false"``).
- Each node copies its parent's style with :func:`dataclasses.asdict`, a deep copy, to read
  a few flat fields from it; a shallow copy reads the same fields. It then looks them up,
  with the node's own attributes first, through a ``ChainMap``, whose ``get`` and ``in`` loop
  over its maps in Python; a class for exactly two maps answers the same.
- ``size_px`` turns a length (``"0.3em"``, ``"thinmathspace"``) into pixels, formatting a
  table of 14 named lengths afresh on every call (38,000 calls for the corpora); its answer
  depends only on the length and the font size, so it is kept for each pair.
- A formula's SVG holds a ``<symbol>`` with the outline of each glyph it uses, written out
  afresh, coordinate by coordinate, for every formula; the font's glyphs are shared by all
  of them, so each glyph keeps its symbol (for the precision it was written at) and every
  formula gets a copy.

Together they typeset the corpora's 531 formulas in 1.6 s instead of 11.3 (the first two
alone: 2.6 s), and ``tests/test_ziamath_speedups.py`` checks the pictures are identical.
They are applied only to the ziamath and ziafont versions they were checked on; another
version typesets as it comes.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree

from .once import once

CHECKED_VERSIONS = frozenset({"0.13"})
CHECKED_ZIAFONT = frozenset({"0.11"})  # the glyphs' symbols are ziafont's
_SYMBOL = "_export_post_symbol"  # where a glyph keeps its <symbol>: (precision, element)


@once
def apply() -> bool:
    """Install the speed-ups (once per process); whether they are in place."""
    import ziafont
    import ziamath
    from ziafont.config import config as zconfig
    from ziafont.glyph import SimpleGlyph
    from ziamath import styles
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow

    if getattr(ziamath, "__version__", None) not in CHECKED_VERSIONS:
        return False
    if getattr(ziafont, "__version__", None) not in CHECKED_ZIAFONT:
        return False
    measure = Mrow._get_height_nostretch

    def height_once(self: Mrow, line: list[Any], **kwargs: Any) -> tuple[float, float]:
        if kwargs.get("nostretch") or not any(_may_stretch(child) for child in line):
            return 0.0, 0.0  # no stretchy operator will read the row's height
        return measure(self, line, **kwargs)

    Mrow._get_height_nostretch = height_once  # type: ignore[method-assign]
    styles.asdict = _shallow_fields  # type: ignore[attr-defined,assignment]
    styles.ChainMap = _TwoMaps  # type: ignore[attr-defined,assignment]
    size_px = Mnode.size_px
    pixels = lru_cache(maxsize=4096)(lambda size, font_size: size_px(None, size, font_size))  # type: ignore[arg-type]

    def kept_size_px(self: Mnode, size: str, fontsize: float | None = None) -> float:
        return pixels(size, self.glyphsize if fontsize is None else fontsize)

    Mnode.size_px = kept_size_px  # type: ignore[method-assign]
    symbol = SimpleGlyph.svgsymbol

    def kept_svgsymbol(self: SimpleGlyph) -> ElementTree.Element:
        kept = self.__dict__.get(_SYMBOL)
        if kept is None or kept[0] != zconfig.precision:
            kept = self.__dict__[_SYMBOL] = (zconfig.precision, symbol(self))
        return copy.deepcopy(kept[1])  # the caller's own: it may set attributes on it

    SimpleGlyph.svgsymbol = kept_svgsymbol  # type: ignore[method-assign]
    return True


def _shallow_fields(style: Any) -> dict[str, Any]:
    """The style's fields by name: all ``parse_style`` reads of its parent's style."""
    return dict(vars(style))


class _TwoMaps:
    """``ChainMap(first, second)`` for what ``parse_style`` asks of it: ``get`` and ``in``."""

    __slots__ = ("first", "second")

    def __init__(self, first: dict[str, Any], second: dict[str, Any]) -> None:
        self.first, self.second = first, second

    def get(self, key: str, default: Any = None) -> Any:
        first = self.first
        return first[key] if key in first else self.second.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.first or key in self.second


def _may_stretch(element: Any) -> bool:
    """Whether an operator in ``element`` may stretch (an identifier may be read as one)."""
    return any(el.tag in ("mo", "mi") and el.get("stretchy") != "false" for el in element.iter())
