"""Pictures python-pptx can embed: SVG rasterised (resvg) at the size its box has on the
slide, other formats as they come.

The prepass (:func:`slide_picture`) only checks that an SVG can be drawn and times a small
render of it; the planner fits the SVG by its natural size. Once the deck is planned,
:func:`rasterise` draws each SVG (and each display formula) for its box, at the pixels the box
has when the slide is projected 1920 px wide (144 dpi), within a time budget per figure.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from export_post.diagnostics import Reporter
from export_post.resources import Resource
from export_post.toolkit.svgraster import svg_to_png
from export_post.toolkit.texmath import to_png

from .deck import Deck, Picture, Slide
from .media import MATH_SIZE

PROJECTED_DPI = 144.0  # a 13.33-in (16:9) slide shown 1920 px wide: one raster pixel per screen pixel
MAX_UPSCALE = 4.0  # never more than this many times the SVG's own width
BUDGET_S = 1.0  # CPU seconds one figure may cost to rasterise
PROBE_WIDTH = 160  # px: the small render timed to estimate a figure's cost
MIN_WIDTH = 640  # px: a figure cut down to the budget still reads at this width


@lru_cache(maxsize=64)
def _raster(svg: bytes, width: int) -> bytes | None:
    return svg_to_png(svg, width=width)


@dataclass(frozen=True, slots=True)
class Cost:
    """What rasterising an SVG costs: CPU seconds fixed (reading it) and per pixel."""

    fixed: float
    per_px: float

    def width_within(self, budget: float, aspect: float) -> float:
        """The widest raster (px) whose estimated cost stays within ``budget`` seconds."""
        if self.per_px <= 0:
            return math.inf
        return math.sqrt(max(0.0, budget - self.fixed) / self.per_px * aspect)


@lru_cache(maxsize=256)
def probe(svg: bytes, aspect: float) -> Cost | None:
    """The cost of ``svg`` measured on two small renders (tiny and :data:`PROBE_WIDTH` px;
    CPU time of this thread, so a busy machine does not inflate it), or None if resvg
    cannot draw it. Filters (blur, shadows) cost by area: the estimate scales with it."""
    start = time.thread_time()
    if _raster(svg, 8) is None:
        return None
    fixed = time.thread_time() - start
    start = time.thread_time()
    if _raster(svg, PROBE_WIDTH) is None:
        return None
    elapsed = time.thread_time() - start
    area = PROBE_WIDTH * PROBE_WIDTH / aspect
    return Cost(fixed, max(0.0, elapsed - fixed) / area)


def slide_picture(resource: Resource) -> Resource | None:
    """``resource`` itself, or None for an SVG resvg cannot render.

    The SVG has passed the resolver's checks (no external references), so resvg reads
    nothing but the markup. It stays an SVG (the planner fits it by its natural size) until
    :func:`rasterise` draws it for its box."""
    if resource.media_type != "image/svg+xml":
        return resource
    return resource if probe(resource.data, resource.aspect) is not None else None


def planned_width(box_pt: float, natural_px: float | None) -> int:
    """Raster pixels for a box ``box_pt`` points wide: as many as the box covers on a slide
    projected 1920 px wide (:data:`PROJECTED_DPI`, 1.5 times its pixels at 96 dpi), and
    (``natural_px`` given) at most :data:`MAX_UPSCALE` times the picture's own width. More
    pixels cost time by area (a filter-heavy SVG: seconds) and are not seen."""
    width = box_pt / 72 * PROJECTED_DPI
    if natural_px is not None:
        width = min(width, natural_px * MAX_UPSCALE)
    return max(1, round(width))


def rasterise(deck: Deck, reporter: Reporter) -> Deck:
    """``deck`` with every SVG picture and display formula drawn as a PNG for its box."""
    slides = tuple(_slide(slide, reporter) for slide in deck.slides)
    return replace(deck, slides=slides) if slides != deck.slides else deck


def _slide(slide: Slide, reporter: Reporter) -> Slide:
    drawn = (_picture(picture, reporter) for picture in slide.pictures)
    pictures = tuple(picture for picture in drawn if picture is not None)
    return replace(slide, pictures=pictures) if pictures != slide.pictures else slide


def _picture(picture: Picture, reporter: Reporter) -> Picture | None:
    resource = picture.resource
    if resource.media_type != "image/svg+xml":
        return picture
    left, _, right, _ = picture.crop
    box_pt = picture.rect.w / max(0.05, 1.0 - left - right)  # the whole picture, crop included
    if picture.tex:
        drawn = to_png(picture.tex, True, MATH_SIZE, planned_width(box_pt, None))
        png = drawn[0] if drawn is not None else None
    else:
        png = _within_budget(resource, planned_width(box_pt, resource.width), box_pt, reporter)
    if png is None:  # drawn in the prepass already: resvg would have to fail at this size only
        reporter.warn("pptx-svg-unsupported", f"SVG {resource.ref[:60]!r} cannot be drawn on a slide")
        return None
    return replace(picture, resource=_png_resource(resource, png))


def _within_budget(resource: Resource, width: int, box_pt: float, reporter: Reporter) -> bytes | None:
    cost = probe(resource.data, resource.aspect)
    if cost is not None:
        affordable = cost.width_within(BUDGET_S, resource.aspect)
        if affordable < width:
            floor = min(MIN_WIDTH, round(box_pt / 72 * 96), width)
            chosen = max(floor, int(affordable))
            reporter.info(
                "pptx-svg-budget",
                f"SVG {resource.ref[:60]!r} drawn {chosen} px wide instead of {width} "
                f"(about {cost.fixed + cost.per_px * width * width / resource.aspect:.1f} s to draw)",
            )
            width = chosen
    return _raster(resource.data, width)


def _png_resource(svg: Resource, png: bytes) -> Resource:
    return Resource(
        ref=svg.ref,
        data=png,
        media_type="image/png",
        width=svg.width,  # the SVG's CSS size: the deck's geometry was planned by it
        height=svg.height,
        digest=hashlib.sha256(png).hexdigest(),
    )
