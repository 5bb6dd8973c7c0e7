"""What every slide module reads while a deck is planned, and the diagnostics it collects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from export_post.model import BlockQuote, Document, Inline, Run, iter_notes, to_runs
from export_post.model.text import REPEATED_NOTE_CHARS, clip
from export_post.toolkit.texmath import to_linear

from ..deck import Rect
from ..fitter import Fitter
from ..geometry import Geometry
from ..media import Media
from ..notes import note_lines, pictured_in_notes
from ..style import SlideStyle


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanOptions:
    code_style: str = "default"  # the highlighting style of code slides
    text_mode: str = "summary"  # "summary": lead sentences; "full": every sentence
    slide_level: int | None = None  # deeper headings stay inside their parent's slides
    show_images: bool = True
    closing: bool = False


@dataclass(slots=True)
class Diagnostics:
    """What the plan reports: counts (the deck's stats), and what the deck shows only in a
    degraded form (pandoc's BlockNotRendered) or as TeX, one line each."""

    stats: dict[str, int] = field(default_factory=dict)
    not_rendered: list[str] = field(default_factory=list)
    math_problems: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    def degraded(self, message: str) -> None:
        if message not in self.not_rendered:
            self.not_rendered.append(message)


@dataclass(slots=True, kw_only=True)
class Context:
    doc: Document
    fit: Fitter
    geo: Geometry
    media: Media
    options: PlanOptions
    epigraph: BlockQuote | None = None  # shown on a quote slide of its own
    log: Diagnostics = field(default_factory=Diagnostics)
    loose_notes: list[str] = field(default_factory=list)  # text with no slide, for the next one's notes
    repeats: dict[str, str] = field(default_factory=dict)  # footnote label -> its text at later citations
    section_number: int = 0

    @property
    def style(self) -> SlideStyle:
        return self.fit.style

    @property
    def lang(self) -> str:
        return self.doc.meta.lang

    @property
    def rtl(self) -> bool:
        return self.doc.meta.direction == "rtl"

    def start_side(self, rect: Rect) -> Rect:
        """``rect`` as drawn for a left-to-right deck, moved to the start side of this one
        (the design is mirrored for a right-to-left post)."""
        return Rect(self.geo.width - rect.x - rect.w, rect.y, rect.w, rect.h) if self.rtl else rect

    def runs(self, inlines: tuple[Inline, ...]) -> tuple[Run, ...]:
        """Slide runs for ``inlines``: flattened, breaks as spaces, math as linear text."""
        out = []
        for run in clean_runs(to_runs(inlines)):
            if run.style.math:
                linear = to_linear(run.text)
                if linear is None:
                    self.log.add("math_as_tex")
                    out.append(Run(text=run.text, style=replace(run.style, math=False, code=True)))
                else:
                    out.append(Run(text=linear, style=replace(run.style, math=False, italic=True)))
            else:
                out.append(run)
        return tuple(out)

    def note_texts(self, inlines: Sequence[Inline]) -> str:
        """The footnotes cited in ``inlines``, as lines for the speaker notes: whole at a note's
        first citation, clipped at later ones (a long note cited n times is not copied n times)."""
        lines: list[str] = []
        for note in iter_notes(inlines):
            repeat = self.repeats.get(note.label)
            if repeat is not None:
                lines.append(repeat)
                continue
            for pictured, kind in pictured_in_notes((note,)):
                self.log.degraded(f"{kind} in footnote {pictured.label}: shown as text in the speaker notes")
            full = note_lines((note,))
            self.repeats[note.label] = clip(" ".join(full), REPEATED_NOTE_CHARS)
            lines.extend(full)
        return "".join(f"\n{line}" for line in lines)


def clean_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Line breaks inside a bullet become spaces; leading/trailing space goes."""
    out = [Run(text=" ", style=r.style) if r.is_break else r for r in runs]
    if out:
        out[0] = Run(text=out[0].text.lstrip(), style=out[0].style)
        out[-1] = Run(text=out[-1].text.rstrip(), style=out[-1].style)
    return tuple(r for r in out if r.text)


def numbered(title: str, index: int, count: int) -> str:
    """A slide's title, "Title (2/3)" when its content runs over ``count`` slides."""
    return title if count == 1 else f"{title} ({index}/{count})"
