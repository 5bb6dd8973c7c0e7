"""A planned deck checked against its own rules before it is drawn.

Every text box must hold its text by the planner's measurement, no text may be set below
the theme's minimum (captions: 12 pt), every shape must lie on the slide, and no text may
cover a picture that is not a full-slide background. The exporter runs this on every deck
and reports a problem as a warning (``pptx-layout``), so a rule the planner breaks on an
unforeseen post is seen, not silently drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

from .deck import Deck, Rect, Slide, TextBox
from .fitter import Fitter
from .geometry import INSET_X, INSET_Y
from .measure import Piece, Style

SMALL_ROLES = frozenset({"caption", "light-caption", "meta"})  # may go down to 12 pt
CAPTION_MIN = 12.0
SLACK = 0.5  # points: rounding in EMU conversion


def audit(fitter: Fitter, deck: Deck) -> list[str]:
    """Each broken rule, as "slide N: what" (empty when the deck keeps every rule)."""
    full = Rect(0.0, 0.0, deck.width, deck.height)
    return [
        f"slide {number}: {problem}"
        for number, slide in enumerate(deck.slides, start=1)
        for problem in _slide_problems(fitter, slide, full)
    ]


def _slide_problems(fitter: Fitter, slide: Slide, full: Rect) -> Iterator[str]:
    boxes = [*([slide.title] if slide.title is not None else []), *slide.boxes]
    covered = [p.rect for p in slide.pictures if p.rect != full]
    for box in boxes:
        name = f"{box.role} {_preview(box)!r}"
        if not _within(box.rect, full):
            yield f"{name} lies off the slide"
        minimum = CAPTION_MIN if box.role in SMALL_ROLES else fitter.style.min_size
        if box.size < minimum - 0.01:
            yield f"{name} is set at {box.size:g} pt, below {minimum:g} pt"
        needed = _height(fitter, box)
        if needed > box.rect.h + SLACK:
            yield f"{name} needs {needed:.1f} pt but its box is {box.rect.h:.1f} pt tall"
        if any(_overlap(box.rect, picture) for picture in covered):
            yield f"{name} covers a picture"
    for picture in slide.pictures:
        if not _within(picture.rect, full):
            yield "a picture lies off the slide"
    if slide.table is not None:
        table = slide.table
        if not _within(table.rect, full) or sum(table.row_heights) > table.rect.h + SLACK:
            yield "a table does not fit the slide"
        if table.size < fitter.style.min_size - 0.01:
            yield f"a table is set at {table.size:g} pt, below {fitter.style.min_size:g} pt"


def _height(fitter: Fitter, box: TextBox) -> float:
    """The height ``box``'s text takes, measured as the planner measures it."""
    if box.mono:
        mono = Style(fitter.style.mono_font, mono=True)
        lines = "".join(r.text for p in box.paras for r in p.runs).split("\n")
        width = box.rect.w - 2 * INSET_X
        return 2 * INSET_Y + sum(
            fitter.text_height([Piece(line or " ", mono)], box.size, width) for line in lines
        )
    if box.role == "title":
        runs = box.paras[0].runs if box.paras else ()
        pieces = fitter.pieces(runs, heading=True)
        return 2 * INSET_Y + fitter.text_height(pieces, box.size, box.rect.w - 2 * INSET_X)
    italic = box.role == "quote"
    return fitter.body_height(box.paras, box.size, box.rect.w, italic=italic)


def _within(rect: Rect, full: Rect) -> bool:
    return (
        rect.x >= -SLACK
        and rect.y >= -SLACK
        and rect.right <= full.w + SLACK
        and rect.bottom <= full.h + SLACK
        and rect.w >= 0
        and rect.h >= 0
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return not (
        a.right <= b.x + SLACK or b.right <= a.x + SLACK or a.bottom <= b.y + SLACK or b.bottom <= a.y + SLACK
    )


def _preview(box: TextBox) -> str:
    text = " ".join(r.text for p in box.paras for r in p.runs)
    return text[:40] + ("\u2026" if len(text) > 40 else "")
