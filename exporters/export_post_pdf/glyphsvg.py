"""Typeset formulas drawn into the PDF glyph by glyph, with the calls WeasyPrint would make.

ziamath writes a formula as glyph outlines placed again and again: a ``<symbol viewBox>``
holding a ``<path d>`` (or a ``<g>`` of paths) for each glyph, a ``<use href x y width height
fill>`` for each place it is drawn, and a ``<rect>`` for each fraction bar or radical line.
WeasyPrint 70 draws each ``<use>`` as a nested SVG viewport: it copies the symbol's nodes,
cascades attributes into the copy, and looks for filters, masks, clips, opacity, markers and
text anchors on each of three nodes per glyph. With the paths kept (:mod:`.svgpaths`) that
walk was the most of what the formulas of a math-heavy post cost in its PDF.

For an SVG image made of these elements and attributes and nothing else (checked once per
image), :func:`install` makes WeasyPrint's stream calls itself: the calls ``SVG.draw_node``
makes for them, in the same order and with the same numbers, so the PDF is byte for byte the
one WeasyPrint writes (``tests/exporters/test_pdf_glyph_svgs.py``). One difference: WeasyPrint
draws an image used twice (the same formula twice in a post) wrongly the second time, its
symbols also drawn shrunk at the origin, as it renamed them ``svg`` the first time; here every
time is the first. Any other SVG is drawn by WeasyPrint. Applied only where the kept paths
are, so only on the WeasyPrint they were checked on.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from . import svgpaths

_ROOT = frozenset({"width", "height", "viewBox"})
_SYMBOL = frozenset({"id", "viewBox"})
_USE = frozenset({"href", "x", "y", "width", "height", "fill"})
_RECT = frozenset({"x", "y", "width", "height", "fill"})
_TAGS = frozenset({"svg", "symbol", "use", "rect", "g", "path"})
_PLAN = "_export_post_glyph_plan"  # where an SVG image keeps its plan (None: WeasyPrint draws it)

Outline = tuple[str, ...]  # the ``d`` of each path of a glyph (one, or a ``<g>``'s)

_lock = threading.Lock()
_installed = False


@dataclass(frozen=True, slots=True)
class _Placed:
    """A ``<use>`` of a glyph's ``<symbol>``."""

    use: Any  # the <use> node (x, y, width, height)
    symbol: Any  # the <symbol> node (viewBox)
    outlines: tuple[str | Outline, ...]  # a path's d, or a <g>'s paths' d
    paint: Any  # the fill colour, as WeasyPrint parses it


@dataclass(frozen=True, slots=True)
class _Rule:
    """A ``<rect>``: a fraction bar, a radical's line."""

    rect: Any
    paint: Any


@dataclass(frozen=True, slots=True)
class _Plan:
    items: tuple[_Placed | _Rule | None, ...]  # None: a <symbol>, drawn as nothing where it stands


@dataclass(slots=True)
class _PathNode:
    """What WeasyPrint's path parse reads of a ``<path>`` node."""

    d: str
    vertices: deque[Any] = field(default_factory=deque)

    def get(self, key: str, default: str = "") -> str:
        return self.d if key == "d" else default


def install() -> None:
    """Draw glyph SVGs here, every other SVG as WeasyPrint does (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        if not svgpaths.install():
            return
        from weasyprint import images
        from weasyprint.logger import LOGGER
        from weasyprint.svg import utils

        draw = images.SVGImage.draw

        def glyph_draw(image: Any, stream: Any, width: float, height: float, style: Any) -> None:
            plan = image.__dict__.get(_PLAN, False)
            if plan is False:
                try:
                    plan = _plan(image._svg, utils)
                except Exception:  # something the check did not foresee: WeasyPrint draws it
                    plan = None
                setattr(image, _PLAN, plan)
            if plan is None:
                draw(image, stream, width, height, style)
                return
            try:
                _draw(image._svg, plan, stream, width, height, utils)
            except Exception as exception:  # as WeasyPrint's own draw: a log line, the page goes on
                LOGGER.error("Failed to render SVG image %s", image._base_url)
                LOGGER.debug("Error while rendering SVG image:", exc_info=exception)

        images.SVGImage.draw = glyph_draw


# ----------------------------------------------------------------------------- the check


def _plan(svg: Any, utils: Any) -> _Plan | None:
    """The glyphs and rules of ``svg``, or None if it holds anything else."""
    root = svg.tree
    elements = list(root._etree_node.iter())
    if any(not isinstance(e.tag, str) or e.tag.rpartition("}")[2] not in _TAGS for e in elements):
        return None  # comments, <style>, <defs>, <text>, …
    ids = [e.get("id") for e in elements if e.get("id") is not None]
    if len(ids) != len(set(ids)) or root.tag != "svg" or not set(root.attrib) <= _ROOT:
        return None
    if _viewbox(root) is None:
        return None
    symbols: dict[str, tuple[Any, tuple[str | Outline, ...]]] = {}
    items: list[_Placed | _Rule | None] = []
    for child in root:
        if child.tag == "symbol":
            outlines = _outlines(child)
            if outlines is None or not set(child.attrib) <= _SYMBOL or _viewbox(child) is None:
                return None
            symbols[child.get("id")] = (child, outlines)
            items.append(None)
        elif child.tag == "use" and set(child.attrib) <= _USE:
            href, paint = child.get("href", ""), _paint(child, utils)
            placed = symbols.get(href[1:]) if href.startswith("#") else None
            if placed is None or paint is None or child.get("width") is None or child.get("height") is None:
                return None  # not one of the symbols before it, or a paint server
            items.append(_Placed(child, placed[0], placed[1], paint))
        elif child.tag == "rect" and set(child.attrib) <= _RECT:
            paint = _paint(child, utils)
            if paint is None:
                return None
            items.append(_Rule(child, paint))
        else:
            return None
    return _Plan(tuple(items))


def _viewbox(node: Any) -> tuple[float, ...] | None:
    try:
        box = node.get_viewbox()
    except ValueError:
        return None
    return box if box is not None and len(box) == 4 and box[2] >= 0 and box[3] >= 0 else None  # 0: a space


def _outlines(symbol: Any) -> tuple[str | Outline, ...] | None:
    """The paths of a glyph's symbol: ``<path d>``, or ``<g>`` of them, and nothing else."""
    found: list[str | Outline] = []
    for element in symbol._etree_node:
        if element.tag.rpartition("}")[2] == "path" and set(element.attrib) == {"d"}:
            found.append(element.get("d"))
        elif element.tag.rpartition("}")[2] == "g" and not element.attrib:
            paths = [
                p.get("d") for p in element if set(p.attrib) == {"d"} and p.tag.rpartition("}")[2] == "path"
            ]
            if len(paths) != len(element):
                return None
            found.append(tuple(paths))
        else:
            return None
    return tuple(found)


def _paint(node: Any, utils: Any) -> Any:
    """The fill WeasyPrint would set for ``node``'s shapes: a colour, or None for anything
    that is not one (none, a gradient, a pattern, a context paint: WeasyPrint's own reading
    gives these a source or no colour)."""
    source, fill = node.get_paint("fill")
    if source is not None or not fill:
        return None
    paint = utils.color(fill)
    paint.alpha *= utils.alpha_value(1)  # fill-opacity, which a glyph SVG does not set
    return paint


# ------------------------------------------------------------------------------ drawing
# Each function below is what SVG.draw_node does for one of these nodes, call for call.


def _draw(
    svg: Any, plan: _Plan, stream: Any, concrete_width: float, concrete_height: float, utils: Any
) -> None:
    root = svg.tree
    svg.stream = stream
    root.set_svg_size(svg, concrete_width, concrete_height)
    font_size = utils.size("12pt")
    font_size = utils.size(root.get("font-size", "1em"), font_size, font_size)
    stream.push_state()
    x, y = svg.point(root.get("x"), root.get("y"), font_size)
    stream.transform(e=x, f=y)
    root.set_svg_size(svg, concrete_width, concrete_height)
    scale_x, scale_y, translate_x, translate_y = utils.preserve_ratio(
        svg, root, font_size, concrete_width, concrete_height
    )
    stream.transform(a=scale_x, d=scale_y, e=translate_x, f=translate_y)
    for item in plan.items:
        if item is None:
            stream.push_state()
            stream.pop_state()
        elif isinstance(item, _Placed):
            _placed(svg, stream, item, font_size, utils)
        else:
            _rule(svg, stream, item, font_size)
    root.set_svg_size(svg, concrete_width, concrete_height)
    stream.pop_state()


def _placed(svg: Any, stream: Any, item: _Placed, font_size: float, utils: Any) -> None:
    concrete_width, concrete_height = svg.concrete_width, svg.concrete_height
    use, symbol = item.use, item.symbol
    stream.push_state()
    x, y = svg.point(use.get("x"), use.get("y"), font_size)
    stream.transform(e=x, f=y)
    # the symbol, as WeasyPrint's <use> makes it: an <svg> as wide and high as the <use>
    stream.push_state()
    x, y = svg.point(None, None, font_size)
    stream.transform(e=x, f=y)
    width, height = svg.point(use.get("width"), use.get("height"), font_size)
    symbol.set_svg_size(svg, width, height)
    scale_x, scale_y, translate_x, translate_y = utils.preserve_ratio(svg, symbol, font_size, width, height)
    stream.rectangle(0, 0, width, height)  # overflow: hidden
    stream.clip()
    stream.end()
    stream.transform(a=scale_x, d=scale_y, e=translate_x, f=translate_y)
    for outline in item.outlines:
        if isinstance(outline, str):
            _path(svg, stream, outline, item.paint, font_size)
        else:
            stream.push_state()
            for d in outline:
                _path(svg, stream, d, item.paint, font_size)
            stream.pop_state()
    svg.tree.set_svg_size(svg, concrete_width, concrete_height)
    stream.pop_state()
    stream.pop_state()


def _path(svg: Any, stream: Any, d: str, paint: Any, font_size: float) -> None:
    stream.push_state()
    _fill_state(stream, paint)
    operators, _, _ = svgpaths.kept_path(svg, _PathNode(d), font_size)
    stream.stream.extend(operators)
    stream.fill(False)
    stream.pop_state()


def _rule(svg: Any, stream: Any, item: _Rule, font_size: float) -> None:
    rect = item.rect
    stream.push_state()
    _fill_state(stream, item.paint)
    width, height = svg.point(rect.get("width"), rect.get("height"), font_size)
    if width > 0 and height > 0:
        x, y = svg.point(rect.get("x"), rect.get("y"), font_size)
        stream.rectangle(x, y, width, height)
    stream.fill(False)
    stream.pop_state()


def _fill_state(stream: Any, paint: Any) -> None:
    """SVG.set_graphical_state for a filled shape with no stroke and no dashes."""
    stream.set_color(paint)
    stream.set_dash((), 0)
    stream.set_line_cap(0)
    stream.set_line_join(0)
    stream.set_miter_limit(4.0)
