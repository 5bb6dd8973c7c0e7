"""Tables that fit the page with their words whole.

A page cannot scroll. The themes let a table cell break a line only between words
(``overflow-wrap: break-word`` on ``table``), so every column is at least as wide as its
longest word and an ordinary word is never cut. A table whose columns cannot all be that wide
within the text (a dozen columns, long words) would then run past the margin; CSS has no way
to say "smaller until it fits", so the layout is measured instead: such a table has its type
set smaller, in proportion, down to :data:`MIN_FONT_PT`, and is laid out again. Only a table
that still does not fit at that size may break a word inside (``overflow-wrap: anywhere``,
with a hyphen where the language has hyphenation rules). Each step is a style attribute on
the table's own element, and the document is laid out again only when a table did not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

MIN_FONT_PT = 6.0  # the smallest type a table is set in to keep its words whole
_PX_PER_PT = 96 / 72
_SLACK = 0.98  # a table's width is not quite proportional to its type (borders, rounding)
_TOLERANCE_PX = 0.5


def fit_tables(render: Callable[[], Any]) -> Any:
    """The WeasyPrint ``Document`` that ``render`` lays out, laid out again with every table
    that ran past its container made to fit (each ``render`` reads the tables' style again)."""
    document = render()
    for step in ("smaller", "break-words"):
        wide = dict(_overflowing_tables(document))
        if not wide:
            break
        for element, (font_size, ratio) in wide.items():
            if step == "smaller":
                size = max(MIN_FONT_PT * _PX_PER_PT, font_size * ratio * _SLACK)
                _add_style(element, f"font-size: {size:.2f}px")
            else:
                _add_style(element, "overflow-wrap: anywhere; hyphens: auto")
        document = render()
    return document


def _overflowing_tables(document: Any) -> Iterator[tuple[Any, tuple[float, float]]]:
    """Each table element laid out wider than its container, with its font size (px) and the
    share of its width the container has (the narrowest where a table spans pages)."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, tuple[Any, float, float]] = {}
    for page in document.pages:
        for container, wrapper in _wrappers(page._page_box):
            table = next((c for c in wrapper.children if isinstance(c, boxes.TableBox)), None)
            element = getattr(table, "element", None)
            width, room = wrapper.margin_width(), getattr(container, "width", None)
            if table is None or element is None or not isinstance(room, int | float):
                continue
            if width <= room + _TOLERANCE_PX:
                continue
            ratio = max(room, 1.0) / width
            _, _, known = found.get(id(element), (None, 0.0, 1.0))
            found[id(element)] = (element, float(table.style["font_size"]), min(ratio, known))
    for element, font_size, ratio in found.values():
        yield element, (font_size, ratio)


def _wrappers(box: Any) -> Iterator[tuple[Any, Any]]:
    """Every table wrapper box under ``box``, with the box that contains it."""
    stack = [box]
    while stack:
        parent = stack.pop()
        for child in getattr(parent, "children", ()):
            if getattr(child, "is_table_wrapper", False):
                yield parent, child
            stack.append(child)


def _add_style(element: Any, declaration: str) -> None:
    style = (element.get("style") or "").strip().rstrip(";")
    element.set("style", f"{style}; {declaration}" if style else declaration)
