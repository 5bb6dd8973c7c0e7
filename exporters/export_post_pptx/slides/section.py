"""A section divider: a heading with only subsections under it, its number large and its
subsections' titles below."""

from __future__ import annotations

from export_post.model import Run, Section, plain_text

from ..deck import Kind, Para, Slide, TextBox
from .boxes import title_text
from .context import Context

NUMBER_SIZES = (66.0, 54.0, 44.0, 36.0)


def divider(ctx: Context, section: Section, number: int | None) -> Slide:
    assert section.heading is not None
    geo = ctx.geo
    heading = plain_text(section.heading.children)
    title = title_text(ctx, heading, geo.section_title, (44.0, 40.0, 36.0, 32.0, 28.0))
    boxes: list[TextBox] = []
    digits = (Run(text=f"{number:02d}"),) if number is not None else ()
    size = ctx.fit.fit_size(digits, geo.section_number, NUMBER_SIZES) if digits else None
    if size is not None:
        rect = ctx.start_side(geo.section_number)
        para = Para(runs=digits, bullet=None)
        boxes.append(TextBox(rect=rect, paras=(para,), size=size, role="number", align=geo.section_align))
    subs = [plain_text(s.heading.children) for s in section.subsections if s.heading is not None]
    if subs:
        runs = (Run(text="  \u00b7  ".join(subs)),)
        rect = geo.section_subtitle
        size = ctx.fit.fit_size(runs, rect, (20.0, 18.0, 16.0))
        if size is not None:
            para = Para(runs=runs, bullet=None)
            boxes.append(
                TextBox(rect=rect, paras=(para,), size=size, role="subtitle", align=geo.section_align)
            )
    notes = heading + ("\n" + "\n".join(subs) if subs else "")
    return Slide(kind=Kind.SECTION, title=title, boxes=tuple(boxes), notes=notes)
