"""A figure on a slide of its own: fitted whole into the body above its caption, or a
labelled placeholder when the picture cannot be had (a photograph fills the slide: :mod:`.photo`)."""

from __future__ import annotations

from export_post.model import Figure, plain_text, squash
from export_post.toolkit.labels import label

from ..deck import Kind, Picture, Rect, Slide, TextBox
from ..framing import fit_picture, is_bleed_photo
from .boxes import caption_box, line_box, title_text
from .context import Context
from .photo import photo_slide


def image_slide(ctx: Context, title: str, figure: Figure) -> Slide:
    geo = ctx.geo
    resource = ctx.media.picture(figure.image)
    caption_runs = ctx.runs(figure.caption)
    notes = "\n".join(x for x in (squash(plain_text(figure.caption)), figure.image.alt) if x)
    notes += ctx.note_texts(figure.caption)
    alt = figure.image.alt or squash(plain_text(figure.caption))
    if resource is not None and is_bleed_photo(resource, geo.full):
        return photo_slide(ctx, title, resource, caption_runs, alt, notes)
    body = geo.body
    boxes: list[TextBox] = []
    caption_h = 0.0
    if caption_runs:
        caption = caption_box(ctx, caption_runs, body.x, body.bottom, body.w)
        caption_h = caption.rect.h
        boxes.append(caption)
    area = Rect(body.x, body.y, body.w, body.h - caption_h - (8.0 if caption_h else 0.0))
    if resource is None:
        text = f"{label('missing', ctx.lang)}: {figure.image.alt or figure.image.src}"
        sizes = (ctx.style.min_size,)
        boxes.append(line_box(ctx, text, area, sizes, role="placeholder", align="center"))
        ctx.log.add("image_placeholders")
        return Slide(kind=Kind.IMAGE, title=title_text(ctx, title), boxes=tuple(boxes), notes=notes)
    picture = Picture(rect=fit_picture(resource, area), resource=resource, alt=alt)
    return Slide(
        kind=Kind.IMAGE,
        title=title_text(ctx, title),
        boxes=tuple(boxes),
        pictures=(picture,),
        notes=notes,
    )
