"""One post's deck planned: the prepass (:mod:`.media`), then the pure planner (:mod:`.planner`).

:class:`Planner` is what the exporter (and the tests) drive: built with the post, the
slide style and the picture lookup, its :meth:`~Planner.plan` resolves the pictures and
formulas first and then plans, keeping what the deck shows only in part for the report.
"""

from __future__ import annotations

from export_post.model import Document, Run

from . import measure
from .deck import Deck, Para, Rect
from .fitter import Fitter
from .geometry import Geometry
from .measure import Style
from .media import ImageLookup, resolve_media
from .planner import plan_deck
from .slides.code import line_parts
from .slides.context import PlanOptions
from .slides.text import split_words
from .style import SlideStyle


class Planner(Fitter):
    # A fitter itself: a measurement swapped on the planner (the cost tests) is the plan's.
    def __init__(
        self,
        document: Document,
        style: SlideStyle,
        images: ImageLookup,
        geometry: Geometry | None = None,
        code_style: str = "default",
        *,
        branded: bool = True,
        text_mode: str = "summary",
        slide_level: int | None = None,
        show_images: bool = True,
        closing: bool = False,
    ) -> None:
        self.geo = geometry or Geometry.default()
        super().__init__(style, measure, title_bold=self.geo.title_bold)
        self.doc = document
        self.images = images
        self.branded = branded  # our look (the renderer's concern: the plan is the same)
        self.options = PlanOptions(
            code_style=code_style,
            text_mode=text_mode,
            slide_level=slide_level,
            show_images=show_images,
            closing=closing,
        )
        self.not_rendered: list[str] = []  # what the deck shows only in part, one line each
        self.math_problems: list[str] = []  # equations shown as TeX, and why

    def plan(self) -> Deck:
        media = resolve_media(self.doc, self.images, show_images=self.options.show_images)
        planned = plan_deck(self.doc, media, self, self.geo, self.options)
        self.not_rendered = planned.diagnostics.not_rendered
        self.math_problems = planned.diagnostics.math_problems
        return planned.deck

    # The fitting steps by their former names (the cost tests call them one by one).

    def _fits_text(self, runs: tuple[Run, ...], size: float, rect: Rect, *, heading: bool = False) -> bool:
        return self.fits_text(runs, size, rect, heading=heading)

    def _shorten(self, runs: tuple[Run, ...], size: float, rect: Rect) -> tuple[Run, ...]:
        return self.shorten(runs, size, rect)

    def _code_line_parts(self, line: str, mono: Style, size: float, width: float, room: float) -> list[str]:
        return line_parts(self, line, mono, size, width, room)

    def _split_words(self, para: Para, rect: Rect, size: float) -> list[Para]:
        return split_words(self, para, rect, size)
