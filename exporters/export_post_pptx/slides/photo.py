"""A photograph filling the slide, its title and caption on a dark band along the bottom."""

from __future__ import annotations

from dataclasses import replace

from export_post.model import Run
from export_post.resources import Resource

from ..deck import Kind, Picture, Rect, Slide, TextBox
from ..framing import cover_crop
from .boxes import bottom_box, caption_box
from .context import Context

PHOTO_TITLE_SIZES = (32.0, 28.0, 24.0)


def photo_slide(
    ctx: Context, title: str, resource: Resource, caption: tuple[Run, ...], alt: str, notes: str
) -> Slide:
    """The photo cropped to fill the slide; the band kept clear of the slide number."""
    geo = ctx.geo
    full = geo.full
    x, width = geo.margin, full.w - 2 * geo.margin
    bottom = min(geo.footer.y, full.h - 16.0) - 4.0
    boxes: list[TextBox] = []
    if caption:
        boxes.append(caption_box(ctx, caption, x, bottom, width, light=True))
        bottom = boxes[0].rect.y - 2.0
    heading = _band_title(ctx, title, x, bottom, width)
    band_top = heading.rect.y - 14.0
    ctx.log.add("photo_slides")
    return Slide(
        kind=Kind.IMAGE,
        title=heading,
        boxes=tuple(boxes),
        pictures=(Picture(rect=full, resource=resource, alt=alt, crop=cover_crop(resource, full)),),
        notes=notes,
        band=Rect(0.0, band_top, full.w, full.h - band_top),
    )


def _band_title(ctx: Context, title: str, x: float, bottom: float, width: float) -> TextBox:
    """The title in at most two lines, its box ending at ``bottom`` (shortened if need be)."""
    runs = (Run(text=title),)
    box, shortened = bottom_box(ctx, runs, x, bottom, width, PHOTO_TITLE_SIZES, lines=2, heading=True)
    if shortened:  # a very long title: two lines at the smallest size
        ctx.log.add("titles_shortened")
    return replace(box, role="title")
