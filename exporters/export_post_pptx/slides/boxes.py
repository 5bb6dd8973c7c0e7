"""Text boxes several kinds of slide share: titles, one-line texts, bylines and captions,
each at the largest size that fits, else shortened (the speaker notes keep the whole text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from export_post.model import Run
from export_post.toolkit.labels import label

from ..deck import Para, Rect, TextBox
from ..fitter import most, sizes_between
from ..geometry import INSET_X, INSET_Y
from .context import Context

TITLE_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)


def title_text(
    ctx: Context, text: str, rect: Rect | None = None, sizes: Sequence[float] = TITLE_SIZES
) -> TextBox:
    rect = rect or ctx.geo.title
    runs: tuple[Run, ...] = (Run(text=text),)
    size = ctx.fit.fit_size(runs, rect, sizes, heading=True)
    if size is None:  # absurdly long: the smallest size, shortened to what fits
        size = sizes[-1]
        runs = ctx.fit.shorten(runs, size, rect)
        ctx.log.add("titles_shortened")
    return TextBox(rect=rect, paras=(Para(runs=runs, bullet=None),), size=size, role="title")


def line_box(
    ctx: Context, text: str, rect: Rect, sizes: Sequence[float], *, role: str, align: str
) -> TextBox:
    """A subtitle or byline at the largest size that fits, else shortened (the notes keep it all)."""
    runs: tuple[Run, ...] = (Run(text=text),)
    size = ctx.fit.fit_size(runs, rect, sizes)
    if size is None:
        size = sizes[-1]
        runs = ctx.fit.shorten(runs, size, rect, heading=False)
        ctx.log.add("lines_shortened")
    return TextBox(rect=rect, paras=(Para(runs=runs, bullet=None),), size=size, role=role, align=align)


def names_box(
    ctx: Context,
    names: Sequence[str],
    rest: str,
    rect: Rect,
    sizes: Sequence[float],
    *,
    role: str,
    align: str,
) -> TextBox:
    """The authors' names, then ``rest`` (the date, the title), at the largest size that
    holds them all, wrapping over the lines the box has. Too many names for the smallest
    size: as many as fit, then "et al." (the notes keep them all)."""

    names = [name.replace(" ", "\u00a0") for name in names]  # lines break between names

    def line(count: int) -> str:
        shown = ", ".join(names[:count]) + ("" if count == len(names) else f" {label('others', ctx.lang)}")
        return " \u00b7 ".join(x for x in (shown if count else "", rest) if x)

    def fits(count: int) -> bool:
        return ctx.fit.fit_size((Run(text=line(count)),), rect, sizes) is not None

    if not names or fits(len(names)):
        return line_box(ctx, line(len(names)), rect, sizes, role=role, align=align)
    count = most(len(names) - 1, fits)
    return line_box(ctx, line(max(count, 1)), rect, sizes, role=role, align=align)  # 0: shortened


def caption_box(
    ctx: Context, runs: tuple[Run, ...], x: float, bottom: float, width: float, *, light: bool = False
) -> TextBox:
    """A caption set at the largest caption size at which it takes at most three lines
    (shortened at the smallest, the notes keep it whole), its box ending at ``bottom``."""
    sizes = sizes_between(ctx.style.caption_size, 12.0)
    box, shortened = bottom_box(ctx, runs, x, bottom, width, sizes, lines=3, heading=False)
    if shortened:
        ctx.log.add("captions_shortened")
    role, align = ("light-caption", "left") if light else ("caption", "center")
    return replace(box, role=role, align=align)


def bottom_box(
    ctx: Context,
    runs: tuple[Run, ...],
    x: float,
    bottom: float,
    width: float,
    sizes: Sequence[float],
    *,
    lines: int,
    heading: bool,
) -> tuple[TextBox, bool]:
    """``runs`` at the largest of ``sizes`` at which they take at most ``lines`` lines, in a
    box ending at ``bottom`` as tall as they are; at the smallest size shortened to that many
    lines if need be (and True with it)."""
    fit = ctx.fit
    pieces = fit.pieces(runs, heading=heading)
    inner = width - 2 * INSET_X
    size = next(
        (s for s in sizes if fit.text_height(pieces, s, inner) <= lines * s * fit.line_em(pieces)), None
    )
    shortened = size is None
    if size is None:
        size = sizes[-1]
        limit = Rect(x, 0.0, width, 2 * INSET_Y + lines * size * fit.line_em(pieces) + 0.5)
        runs = fit.shorten(runs, size, limit, heading=heading)
        pieces = fit.pieces(runs, heading=heading)
    height = 2 * INSET_Y + fit.text_height(pieces, size, inner)
    box = TextBox(
        rect=Rect(x, bottom - height, width, height), paras=(Para(runs=runs, bullet=None),), size=size
    )
    return box, shortened
