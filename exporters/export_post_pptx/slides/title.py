"""The title slide (the cover full-bleed under a dark overlay, title, description, byline)
and the closing "Thank you" slide."""

from __future__ import annotations

from dataclasses import replace

from export_post.model import Image
from export_post.toolkit.labels import label
from export_post.toolkit.xhtml_header import human_date

from ..deck import Kind, Picture, Slide, TextBox
from ..framing import cover_crop
from .boxes import line_box, names_box, title_text
from .context import Context

COVER_TITLE_SIZES = (44.0, 40.0, 36.0, 32.0, 28.0)
SUBTITLE_SIZES = (22.0, 20.0, 18.0, 16.0)
BYLINE_SIZES = (16.0, 14.0, 12.0)


def title_slide(ctx: Context) -> Slide:
    meta = ctx.doc.meta
    geo = ctx.geo
    cover = ctx.media.picture(Image(src=meta.image)) if meta.image and ctx.options.show_images else None
    pictures: tuple[Picture, ...] = ()
    if cover is not None:
        pictures = (Picture(rect=geo.full, resource=cover, alt="", crop=cover_crop(cover, geo.full)),)
    title = title_text(ctx, meta.title, geo.cover_title, COVER_TITLE_SIZES)
    boxes: list[TextBox] = []
    if meta.description:
        boxes.append(
            line_box(
                ctx,
                meta.description,
                geo.cover_subtitle,
                SUBTITLE_SIZES,
                role="subtitle",
                align=geo.cover_align,
            )
        )
    # A left-to-right mark keeps an ISO date in order after Arabic letters (where its
    # digits would otherwise be Arabic numbers, and its hyphens neutral).
    date = ("\u200e" if ctx.rtl and meta.date_text else "") + human_date(meta)
    byline = " \u00b7 ".join(x for x in (meta.author, date) if x)
    if byline:
        rect = geo.cover_meta
        if rect.y >= geo.cover_title.bottom:  # below the title: room down to the slide's edge
            rect = replace(rect, h=max(rect.h, geo.height - 16.0 - rect.y))
        names = meta.author_names
        date = date.replace(" ", "\u00a0")
        boxes.append(names_box(ctx, names, date, rect, BYLINE_SIZES, role="meta", align=geo.cover_align))
    notes = "\n".join(x for x in (meta.title, meta.description, byline) if x)
    return Slide(
        kind=Kind.TITLE,
        title=title,
        boxes=tuple(boxes),
        pictures=pictures,
        notes=notes,
        overlay=bool(pictures),
    )


def closing_slide(ctx: Context) -> Slide:
    meta = ctx.doc.meta
    geo = ctx.geo
    title = title_text(ctx, label("thanks", ctx.lang), geo.cover_title, (44.0, 40.0, 36.0))
    byline = " \u00b7 ".join(x for x in (meta.author, meta.title) if x)
    boxes: tuple[TextBox, ...] = ()
    if byline:
        rect = geo.cover_subtitle
        names = meta.author_names
        boxes = (
            names_box(ctx, names, meta.title, rect, SUBTITLE_SIZES, role="subtitle", align=geo.cover_align),
        )
    return Slide(kind=Kind.CLOSING, title=title, boxes=boxes, notes=byline)
