"""Fitting slide text by measurement: heights, the largest size that fits, text cut to fit.

The fitter knows the deck's fonts and the paragraph metrics the renderer writes (insets,
margins, space before), and asks a :class:`Measure` how text wraps; :mod:`.measure`, with
real font metrics, is the one the exporter uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from export_post.model import Run, RunStyle

from .deck import Para, Rect
from .geometry import INSET_X, INSET_Y, SPACE_BEFORE_EM, SUB_SPACE_BEFORE_EM, margin_left
from .measure import Piece, Style
from .style import SlideStyle


class Measure(Protocol):
    """How text wraps and how tall its lines are (the :mod:`.measure` module is one)."""

    def count_lines(self, pieces: list[Piece], size: float, width: float) -> int: ...

    def pieces_line_height_em(self, pieces: list[Piece]) -> float: ...


class Fitter:
    def __init__(self, style: SlideStyle, measure: Measure, *, title_bold: bool = True) -> None:
        self.style = style
        self.measure = measure
        self.title_bold = title_bold  # a template's titles may be regular weight

    def style_of(self, run_style: RunStyle, *, heading: bool = False, italic: bool = False) -> Style:
        if run_style.code:
            return Style(self.style.mono_font, run_style.bold, run_style.italic, mono=True)
        family = self.style.heading_font if heading else self.style.font
        return Style(family, run_style.bold or (heading and self.title_bold), run_style.italic or italic)

    def pieces(self, runs: Sequence[Run], *, heading: bool = False, italic: bool = False) -> list[Piece]:
        return [Piece(r.text, self.style_of(r.style, heading=heading, italic=italic)) for r in runs]

    def line_em(self, pieces: list[Piece]) -> float:
        """The line spacing of ``pieces``, in ems."""
        return self.measure.pieces_line_height_em(pieces)

    def text_height(self, pieces: list[Piece], size: float, width: float) -> float:
        """Height of ``pieces`` wrapped in ``width`` points (no insets): lines times the
        line spacing of the tallest font they are drawn in (fallback fonts included)."""
        return self.measure.count_lines(pieces, size, width) * self.line_em(pieces) * size

    def para_height(
        self, para: Para, size: float, width: float, *, first: bool, italic: bool = False
    ) -> float:
        text_width = width - 2 * INSET_X - margin_left(para.level, para.bullet is not None)
        pieces = [Piece("", self.style_of(RunStyle())), *self.pieces(para.runs, italic=italic)]
        before = 0.0 if first else size * (SPACE_BEFORE_EM if para.level == 0 else SUB_SPACE_BEFORE_EM)
        return before + self.text_height(pieces, size, text_width)

    def body_height(self, paras: Sequence[Para], size: float, width: float, *, italic: bool = False) -> float:
        return 2 * INSET_Y + sum(
            self.para_height(p, size, width, first=i == 0, italic=italic) for i, p in enumerate(paras)
        )

    def fits_text(self, runs: Sequence[Run], size: float, rect: Rect, *, heading: bool = False) -> bool:
        pieces = self.pieces(runs, heading=heading)
        return 2 * INSET_Y + self.text_height(pieces, size, rect.w - 2 * INSET_X) <= rect.h

    def fit_size(
        self, runs: Sequence[Run], rect: Rect, sizes: Sequence[float], *, heading: bool = False
    ) -> float | None:
        for size in sizes:
            if self.fits_text(runs, size, rect, heading=heading):
                return size
        return None

    def shorten(
        self, runs: tuple[Run, ...], size: float, rect: Rect, *, heading: bool = True, suffix: str = ""
    ) -> tuple[Run, ...]:
        """``runs`` cut to what fits ``rect`` with an ellipsis (and room for ``suffix``)."""
        text = " ".join("".join(r.text for r in runs).split())

        def fits(head: str) -> bool:
            return self.fits_text((Run(text=head + "\u2026" + suffix),), size, rect, heading=heading)

        words = text.split(" ")
        count = most(len(words), lambda n: fits(" ".join(words[:n])))
        if count:
            return (Run(text=" ".join(words[:count]) + "\u2026"),)
        # Not even the first word fits (a long URL, a run of CJK text): cut inside it.
        return (Run(text=words[0][: most(len(words[0]), lambda n: fits(words[0][:n]))] + "\u2026"),)


def most(limit: int, fits: Callable[[int], bool]) -> int:
    """The largest ``n`` in ``0..limit`` with ``fits(n)`` (0 when none does), for a ``fits``
    that holds up to some ``n`` and fails beyond it: a binary search, ``log2(limit)`` tries."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def longest(limit: int, fits: Callable[[int], bool]) -> int:
    """As :func:`most`, for a ``limit`` far beyond what fits (a paragraph or a line of code
    cut into slides): doubling, then halving, so no try is longer than twice what fits."""
    if limit <= 0 or not fits(1):
        return 0
    good, step = 1, 1
    while good < limit:
        trial = min(limit, good + step)
        if not fits(trial):
            bad = trial
            break
        good, step = trial, step * 2
    else:
        return good
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return good


def sizes_between(top: float, low: float) -> list[float]:
    """Point sizes from ``top`` down to ``low`` in steps of one (``low`` always last)."""
    sizes = []
    size = top
    while size >= low:
        sizes.append(size)
        size -= 1.0
    if not sizes or sizes[-1] != low:
        sizes.append(low)
    return sizes
