"""Display math, large on a slide of its own (the TeX in the notes); a formula the prepass
could not typeset is shown as TeX and reported."""

from __future__ import annotations

from export_post.model import Run, RunStyle

from ..deck import Kind, Para, Picture, Rect, Slide, TextBox
from .boxes import title_text
from .context import Context


def equation_slide(ctx: Context, title: str, tex: str) -> Slide:
    equation = ctx.media.equations[tex]
    body = ctx.geo.body
    if equation.picture is None:
        ctx.log.math_problems.append(equation.problem)
        ctx.log.add("equations_as_tex")
        runs = (Run(text=tex, style=RunStyle(code=True)),)
        box = TextBox(
            rect=body,
            paras=(Para(runs=runs, bullet=None),),
            size=ctx.style.min_size,
            role="code",
            mono=True,
        )
        return Slide(kind=Kind.CODE, title=title_text(ctx, title), boxes=(box,), notes=tex)
    width, height = equation.width, equation.height
    scale = min(1.0, body.w / width, body.h / height)
    w, h = width * scale, height * scale
    rect = Rect(body.x + (body.w - w) / 2, body.y + (body.h - h) / 2, w, h)
    picture = Picture(rect=rect, resource=equation.picture, alt=tex, tex=tex)
    ctx.log.add("equation_slides")
    return Slide(kind=Kind.IMAGE, title=title_text(ctx, title), pictures=(picture,), notes=tex)
