"""A section of a little text and one picture that suits a column, on one slide: the text
on the start side, the picture (and its caption) beside it."""

from __future__ import annotations

from dataclasses import replace

from ..deck import Kind, Para, Rect, Slide, TextBox
from ..framing import fit_picture, suits_column
from ..geometry import INSET_Y
from .boxes import caption_box, title_text
from .context import Context

GAP = 24.0  # points between the text and the picture
TEXT_SHARE = 0.54  # of the body's width


def side_by_side(ctx: Context, title: str, paras: list[Para], image: Slide) -> Slide | None:
    """The combined slide, or None when the picture wants the width or the text the height."""
    picture = image.pictures[0]
    body = ctx.geo.body
    text_w = round(body.w * TEXT_SHARE, 2)
    text_x, column_x = (body.x, body.x + text_w + GAP)
    if ctx.rtl:
        text_x, column_x = body.right - text_w, body.x
    column = Rect(column_x, body.y, body.w - text_w - GAP, body.h)
    if not suits_column(picture.resource, column):
        return None
    if len(paras) == 1:
        paras = [replace(paras[0], bullet=None)]
    text = Rect(text_x, body.y, text_w, body.h)
    if ctx.fit.body_height(paras, ctx.style.body_size, text.w) > text.h:
        return None  # more text than a column holds: text and picture get a slide each
    captions = [b for b in image.boxes if b.role == "caption"]
    boxes = [TextBox(rect=text, paras=tuple(paras), size=ctx.style.body_size)]
    caption_h = 0.0
    if captions:
        caption = caption_box(ctx, captions[0].paras[0].runs, column.x, column.bottom, column.w)
        caption_h = caption.rect.h + 8.0
        boxes.append(caption)
    area = Rect(column.x, column.y, column.w, column.h - caption_h)
    fitted = fit_picture(picture.resource, area)
    top = column.y + min(INSET_Y, area.h - fitted.h)  # level with the text's first line
    rect = Rect(fitted.x, top, fitted.w, fitted.h)
    if captions:  # the caption right under the picture
        c = boxes[1].rect
        boxes[1] = replace(boxes[1], rect=Rect(c.x, rect.bottom + 8.0, c.w, c.h))
    notes = "\n".join(x for x in (*(p.note for p in paras if p.note), image.notes) if x)
    ctx.log.add("side_by_side_slides")
    return Slide(
        kind=Kind.CONTENT,
        title=title_text(ctx, title),
        boxes=tuple(boxes),
        pictures=(replace(picture, rect=rect),),
        notes=notes,
    )
