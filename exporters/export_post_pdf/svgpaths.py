"""Each SVG path's drawing operators worked out once per process, not once per use.

WeasyPrint 70 (``weasyprint/svg/path.py``) parses a ``<path>``'s ``d`` attribute afresh every
time it draws the path, and an ``<svg>`` drawn twice is drawn twice. A typeset formula is a
few glyph shapes placed many times (``<use>`` of a ``<symbol>``), and a post shows the same
glyphs in hundreds of formulas: parsing the same outlines again was most of the time a
math-heavy PDF took (3.2 of 4.3 s for one ICLR post, its formulas already typeset).

The parse only appends path operators (``m``, ``l``, ``c``, ``h``) to the content stream, in the
path's own coordinates (the placement is the transform WeasyPrint writes before it), and notes
the path's vertices for markers. So the first time a path is drawn its operator bytes and
vertices are kept, keyed by everything the parse reads (the ``d`` text, the font size and the
viewport's size), and later draws append the same bytes: the PDF is byte for byte what it was
(``tests/exporters/test_pdf_svg_paths.py``). Applied only to the WeasyPrint it was checked on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

TESTED_WEASYPRINT = frozenset({"70"})
MAX_BYTES = 32 * 2**20  # operator bytes kept: the glyphs of many posts' formulas

Key = tuple[str, float, float, float]  # the d text, the font size, the viewport's width and height
Kept = tuple[tuple[bytes, ...], tuple[Any, ...], bool]  # operators, vertices, whether the parse stopped

_lock = threading.Lock()
_installed = False
_parse_path: Any = None  # WeasyPrint's own path drawing, once installed
_point_error: type[Exception] | None = None
_kept: OrderedDict[Key, Kept] = OrderedDict()
_kept_bytes = 0


def install() -> bool:
    """Put the kept paths in WeasyPrint's SVG drawing (once per process); whether they are
    (False for a WeasyPrint or pydyf they were not checked on)."""
    global _installed, _parse_path, _point_error
    with _lock:
        if _installed:
            return _parse_path is not None
        _installed = True
        import pydyf
        import weasyprint
        from weasyprint import svg
        from weasyprint.svg.utils import PointError

        if weasyprint.__version__.split(".")[0] not in TESTED_WEASYPRINT or not _appends_operators(pydyf):
            return False  # another WeasyPrint or pydyf: parse every path, as it comes
        _parse_path, _point_error = svg.TAGS["path"], PointError

        def path(drawing: Any, node: Any, font_size: float) -> None:
            operators, vertices, failed = kept_path(drawing, node, font_size)
            drawing.stream.stream.extend(operators)
            node.vertices.extend(vertices)
            if failed:
                raise PointError  # where WeasyPrint's parse stopped: draw_node expects it

        svg.TAGS["path"] = path
        return True


def kept_path(drawing: Any, node: Any, font_size: float) -> Kept:
    """The operators, vertices and failure of ``node``'s path as drawn in ``drawing`` now
    (its stream, its viewport): parsed the first time, kept after that. Only once
    :func:`install` has returned True."""
    assert _parse_path is not None and _point_error is not None
    key = (node.get("d", ""), font_size, drawing.inner_width, drawing.inner_height)
    kept = _get(key)
    if kept is None:
        kept = _parse(_parse_path, _point_error, drawing, node, font_size)
        _put(key, kept)
    return kept


def _appends_operators(pydyf: Any) -> bool:
    """Whether pydyf's path operators append their bytes to ``Stream.stream``, as replayed."""
    stream = pydyf.Stream()
    stream.move_to(1, 2)
    stream.line_to(3, 4)
    stream.curve_to(1, 2, 3, 4, 5, 6)
    stream.close()
    return list(stream.stream) == [b"1 2 m", b"3 4 l", b"1 2 3 4 5 6 c", b"h"]


def _parse(parse: Any, point_error: type[Exception], drawing: Any, node: Any, font_size: float) -> Kept:
    """WeasyPrint's own parse, its operators and new vertices taken aside."""
    stream = drawing.stream
    operators, stream.stream = stream.stream, []
    before = len(node.vertices)
    failed = False
    try:
        parse(drawing, node, font_size)
    except point_error:
        failed = True
    finally:
        operators, stream.stream = stream.stream, operators
    added = [node.vertices.pop() for _ in range(len(node.vertices) - before)]
    return tuple(operators), tuple(reversed(added)), failed


def _get(key: Key) -> Kept | None:
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
        return kept


def _put(key: Key, kept: Kept) -> None:
    global _kept_bytes
    with _lock:
        if key in _kept:
            return
        _kept[key] = kept
        _kept_bytes += _size(kept)
        while _kept_bytes > MAX_BYTES and len(_kept) > 1:
            _, dropped = _kept.popitem(last=False)
            _kept_bytes -= _size(dropped)


def _size(kept: Kept) -> int:
    return sum(len(chunk) for chunk in kept[0]) + len(kept[1]) * 64
