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
from export_post.toolkit import forkshare
from export_post.toolkit.svgraster import draw_tree, read_svg, svg_to_png
from export_post.toolkit.texmath import draw_png, take_png, to_png

from .deck import Deck, Picture, Slide
from .media import MATH_SIZE

PROJECTED_DPI = 144.0  # a 13.33-in (16:9) slide shown 1920 px wide: one raster pixel per screen pixel
MAX_UPSCALE = 4.0  # never more than this many times the SVG's own width
BUDGET_S = 1.0  # CPU seconds one figure may cost to rasterise
PROBE_WIDTH = 160  # px: the small render timed to estimate a figure's cost
MIN_WIDTH = 640  # px: a figure cut down to the budget still reads at this width


# Pictures to draw before some are drawn in a forked copy: a fork and its pipe cost 5 ms,
# drawing a formula 3 to 30 ms, a figure up to 150.
MIN_SHARED = 3
_drawn_ahead: dict[tuple[bytes, int], bytes] = {}  # SVG figures drawn by a forked copy


@lru_cache(maxsize=64)
def _raster(svg: bytes, width: int) -> bytes | None:
    drawn = _drawn_ahead.pop((svg, width), None)
    return drawn if drawn is not None else svg_to_png(svg, width=width)


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
    tree = read_svg(svg)  # kept for the drawing, which need not read it again
    reading = time.thread_time() - start
    start = time.thread_time()
    if tree is None or draw_tree(tree, width=8) is None:
        return None
    tiny = time.thread_time() - start
    start = time.thread_time()
    if draw_tree(tree, width=PROBE_WIDTH) is None:
        return None
    elapsed = time.thread_time() - start
    area = PROBE_WIDTH * PROBE_WIDTH / aspect
    return Cost(reading + tiny, max(0.0, elapsed - tiny) / area)


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
    _draw_ahead(deck)
    slides = tuple(_slide(slide, reporter) for slide in deck.slides)
    return replace(deck, slides=slides) if slides != deck.slides else deck


# A picture to draw, and its width: a formula's TeX (str) or an SVG figure's markup (bytes).
_Drawing = tuple[str | bytes, int]


def _draw_ahead(deck: Deck) -> None:
    """Some of the deck's pictures drawn in a forked copy of this process, where the command
    allows it (:mod:`export_post.toolkit.forkshare`): resvg holds the GIL, so threads would
    not draw two at once. The rest are drawn here meanwhile; :func:`_picture` then finds all
    of them drawn."""
    if not forkshare.may_share():
        return
    _drawn_ahead.clear()  # what a copy drew for an earlier deck and no one asked for
    jobs = dict.fromkeys(
        planned[0] for slide in deck.slides for picture in slide.pictures if (planned := _drawing(picture))
    )
    drawn = forkshare.share(list(jobs), _draw, _draw_there, _drawing_weight, MIN_SHARED)
    for (source, width), png in drawn.items():
        if isinstance(source, str):
            take_png(source, True, MATH_SIZE, width, png)
        else:
            _drawn_ahead[source, width] = png


def _drawing(picture: Picture) -> tuple[_Drawing, str] | None:
    """What to draw for ``picture`` (None: it is no SVG), and what to say of its size: a
    formula at its box's width, an SVG figure at that width within its time budget."""
    resource = picture.resource
    if resource.media_type != "image/svg+xml":
        return None
    box_pt = _box_pt(picture)
    if picture.tex:
        return (picture.tex, planned_width(box_pt, None)), ""
    width, note = _budget_width(resource, planned_width(box_pt, resource.width), box_pt)
    return (resource.data, width), note


def _draw(job: _Drawing) -> bytes | None:
    source, width = job
    if isinstance(source, str):
        drawn = to_png(source, True, MATH_SIZE, width)
        return drawn[0] if drawn is not None else None
    return _raster(source, width)


def _draw_there(job: _Drawing) -> bytes | None:
    """What :func:`_draw` draws, afresh and not kept: a forked copy draws it for its parent."""
    source, width = job
    if isinstance(source, str):
        return draw_png(source, True, MATH_SIZE, width)
    return svg_to_png(source, width=width)


def _drawing_weight(job: _Drawing) -> float:
    """A rough guide to the time: the pixels drawn, and a figure's markup."""
    source, width = job
    return width * width / 4 + (10 * len(source) if isinstance(source, bytes) else 0)


def _slide(slide: Slide, reporter: Reporter) -> Slide:
    drawn = (_picture(picture, reporter) for picture in slide.pictures)
    pictures = tuple(picture for picture in drawn if picture is not None)
    return replace(slide, pictures=pictures) if pictures != slide.pictures else slide


def _picture(picture: Picture, reporter: Reporter) -> Picture | None:
    planned = _drawing(picture)
    if planned is None:
        return picture
    job, note = planned
    if note:
        reporter.info("pptx-svg-budget", note)
    png = _draw(job)
    if png is None:  # drawn in the prepass already: resvg would have to fail at this size only
        ref = picture.resource.ref
        reporter.warn("pptx-svg-unsupported", f"SVG {ref[:60]!r} cannot be drawn on a slide")
        return None
    return replace(picture, resource=_png_resource(picture.resource, png))


def _box_pt(picture: Picture) -> float:
    """The width of the whole picture on the slide, its cropped part included."""
    left, _, right, _ = picture.crop
    return picture.rect.w / max(0.05, 1.0 - left - right)


def _budget_width(resource: Resource, width: int, box_pt: float) -> tuple[int, str]:
    """The width to draw an SVG at, within its time budget, and what to say if it is less."""
    cost = probe(resource.data, resource.aspect)
    if cost is None:
        return width, ""
    affordable = cost.width_within(BUDGET_S, resource.aspect)
    if affordable >= width:
        return width, ""
    floor = min(MIN_WIDTH, round(box_pt / 72 * 96), width)
    chosen = max(floor, int(affordable))
    seconds = cost.fixed + cost.per_px * width * width / resource.aspect
    drawn = f"SVG {resource.ref[:60]!r} drawn {chosen} px wide instead of {width}"
    return chosen, f"{drawn} (about {seconds:.1f} s to draw)"


def _png_resource(svg: Resource, png: bytes) -> Resource:
    return Resource(
        ref=svg.ref,
        data=png,
        media_type="image/png",
        width=svg.width,  # the SVG's CSS size: the deck's geometry was planned by it
        height=svg.height,
        digest=hashlib.sha256(png).hexdigest(),
    )
