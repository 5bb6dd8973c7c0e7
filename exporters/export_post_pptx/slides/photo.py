"""A photograph filling the slide, its title and caption on a dark band along the bottom."""

from __future__ import annotations

from export_post.model import Run
from export_post.resources import Resource

from ..deck import Kind, Para, Picture, Rect, Slide, TextBox
from ..framing import cover_crop
from ..geometry import INSET_X, INSET_Y
from .boxes import caption_box
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
    fit = ctx.fit
    runs: tuple[Run, ...] = (Run(text=title),)
    pieces = fit.pieces(runs, heading=True)
    inner = width - 2 * INSET_X
    size = next(
        (s for s in PHOTO_TITLE_SIZES if fit.text_height(pieces, s, inner) <= 2 * s * fit.line_em(pieces)),
        None,
    )
    if size is None:  # a very long title: two lines at the smallest size
        size = PHOTO_TITLE_SIZES[-1]
        limit = Rect(x, 0.0, width, 2 * INSET_Y + 2 * size * fit.line_em(pieces) + 0.5)
        runs = fit.shorten(runs, size, limit)
        pieces = fit.pieces(runs, heading=True)
        ctx.log.add("titles_shortened")
    height = 2 * INSET_Y + fit.text_height(pieces, size, inner)
    return TextBox(
        rect=Rect(x, bottom - height, width, height),
        paras=(Para(runs=runs, bullet=None),),
        size=size,
        role="title",
    )
