"""Document → Deck: which slides a post becomes and how their text fits (no python-pptx here).

Slides, in document order:

* a title slide (cover image full-bleed under a dark overlay, title, description, author/date);
* an agenda slide where the post asked for a table of contents (``{:toc}``);
* a quote slide for the epigraph, a content slide for the rest of the introduction;
* per heading: a content slide when it has content directly under it (bullets: lists stay
  lists, paragraphs reduced to their lead sentence, full text in the speaker notes), a
  section divider when it only has subsections; then one slide per image, code block and
  table of that section.

Text is fitted by measurement: at the theme's body size, a body that does not fit is split
at paragraph boundaries into "Title (2/3)" slides; a single paragraph that does not fit
alone is shrunk, never below the theme's minimum size, and split by sentences if even that
is not enough.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import assert_never

from export_post.labels import label
from export_post.math import excerpt, text_size, to_linear, to_png
from export_post.math import picture as typeset
from export_post.model import (
    Block,
    BlockQuote,
    BulletList,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Document,
    Figure,
    Heading,
    Image,
    Inline,
    ListItem,
    MathBlock,
    OrderedList,
    Paragraph,
    Run,
    RunStyle,
    Section,
    Table,
    TableCell,
    Text,
    ThematicBreak,
    TocPlaceholder,
    iter_notes,
    plain_text,
    squash,
    to_runs,
)
from export_post.model.roles import epigraph
from export_post.model.text import REPEATED_NOTE_CHARS, clip
from export_post.resources import Resource
from export_post.xhtml import human_date, toc_entries

from .deck import Deck, Kind, Para, Picture, Rect, Slide, TableCellText, TableShape, TextBox
from .framing import cover_crop, fit_picture, is_bleed_photo, suits_column
from .geometry import (
    INSET_X,
    INSET_Y,
    SPACE_BEFORE_EM,
    SUB_SPACE_BEFORE_EM,
    Geometry,
    margin_left,
)
from .measure import Piece, Style, count_lines, pieces_line_height_em
from .notes import block_lines, note_lines, pictured_in_notes, row_text
from .style import SlideStyle
from .summary import lead_runs, split_sentences

ImageLookup = Callable[[Image], "Resource | None"]
TITLE_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)
QUOTE_SIZES = (32.0, 28.0, 24.0, 20.0)
STATEMENT_SIZES = (32.0, 30.0, 28.0)
PHOTO_TITLE_SIZES = (32.0, 28.0, 24.0)
MATH_REF = "math"  # the ref of typeset display math pictures
_ATTRIBUTION = re.compile(r"^(?P<quote>.+?)\s+[\u2013\u2014-]{1,2}\s*(?P<who>[^\u2013\u2014]{2,80})$", re.S)


@dataclass
class _Stats:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


class Planner:
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
        self.doc = document
        self.style = style
        self.images = images
        self.geo = geometry or Geometry.default()
        self.code_style = code_style
        self.branded = branded  # our look: the cover as a full-bleed background
        self.text_mode = text_mode  # "summary": lead sentences; "full": every sentence
        self.slide_level = slide_level  # deeper headings stay inside their parent's slides
        self.show_images = show_images
        self.closing = closing
        self.lang = document.meta.lang
        self.stats = _Stats()
        self.math_problems: list[str] = []  # equations shown as TeX, and why
        self._epigraph = epigraph(document.blocks)
        self._section_number = 0
        # What the deck shows only in a degraded form (pandoc's BlockNotRendered), one line
        # each; the exporter reports them.
        self.not_rendered: list[str] = []
        self._loose_notes: list[str] = []  # text with no slide of its own, for the next slide's notes
        self._repeats: dict[str, str] = {}  # footnote label -> its text at later citations

    # ---------------------------------------------------------------------- measuring

    def _style(self, run_style: RunStyle, *, heading: bool = False, italic: bool = False) -> Style:
        if run_style.code:
            return Style(self.style.mono_font, run_style.bold, run_style.italic, mono=True)
        family = self.style.heading_font if heading else self.style.font
        return Style(family, run_style.bold or (heading and self.geo.title_bold), run_style.italic or italic)

    def _pieces(self, runs: Sequence[Run], *, heading: bool = False, italic: bool = False) -> list[Piece]:
        return [Piece(r.text, self._style(r.style, heading=heading, italic=italic)) for r in runs]

    def text_height(self, pieces: list[Piece], size: float, width: float) -> float:
        """Height of ``pieces`` wrapped in ``width`` points (no insets): lines times the
        line spacing of the tallest font they are drawn in (fallback fonts included)."""
        return count_lines(pieces, size, width) * pieces_line_height_em(pieces) * size

    def para_height(
        self, para: Para, size: float, width: float, *, first: bool, italic: bool = False
    ) -> float:
        text_width = width - 2 * INSET_X - margin_left(para.level, para.bullet is not None)
        pieces = [Piece("", self._style(RunStyle())), *self._pieces(para.runs, italic=italic)]
        before = 0.0 if first else size * (SPACE_BEFORE_EM if para.level == 0 else SUB_SPACE_BEFORE_EM)
        return before + self.text_height(pieces, size, text_width)

    def body_height(self, paras: Sequence[Para], size: float, width: float, *, italic: bool = False) -> float:
        return 2 * INSET_Y + sum(
            self.para_height(p, size, width, first=i == 0, italic=italic) for i, p in enumerate(paras)
        )

    def _fits_text(self, runs: Sequence[Run], size: float, rect: Rect, *, heading: bool = False) -> bool:
        pieces = self._pieces(runs, heading=heading)
        return 2 * INSET_Y + self.text_height(pieces, size, rect.w - 2 * INSET_X) <= rect.h

    def fit_size(
        self, runs: Sequence[Run], rect: Rect, sizes: Sequence[float], *, heading: bool = False
    ) -> float | None:
        for size in sizes:
            if self._fits_text(runs, size, rect, heading=heading):
                return size
        return None

    # ---------------------------------------------------------------------- slides

    def plan(self) -> Deck:
        slides: list[Slide] = [self.title_slide()]
        sections = self.doc.sections
        if sections and sections[0].heading is None:
            slides.extend(self.preamble(sections[0].blocks))
            sections = sections[1:]
        for section in sections:
            slides.extend(self.section(section, top=True))
        if self._loose_notes:  # an introduction with nothing to show (pictures left out)
            slides[0] = _add_notes(slides[0], self._loose_notes)
            self._loose_notes = []
        if self.closing:
            slides.append(self.closing_slide())
        self.stats.add("slides", len(slides))
        return Deck(
            width=self.geo.width,
            height=self.geo.height,
            slides=tuple(slides),
            font=self.style.font,
            heading_font=self.style.heading_font,
            mono_font=self.style.mono_font,
            lang=self.lang,
            rtl=self.rtl,
            stats=self.stats.counts,
        )

    @property
    def rtl(self) -> bool:
        return self.doc.meta.direction == "rtl"

    def _start_side(self, rect: Rect) -> Rect:
        """``rect`` as drawn for a left-to-right deck, moved to the start side of this one
        (the design is mirrored for a right-to-left post)."""
        return Rect(self.geo.width - rect.x - rect.w, rect.y, rect.w, rect.h) if self.rtl else rect

    def title_text(
        self, text: str, rect: Rect | None = None, sizes: Sequence[float] = TITLE_SIZES
    ) -> TextBox:
        rect = rect or self.geo.title
        runs: tuple[Run, ...] = (Run(text=text),)
        size = self.fit_size(runs, rect, sizes, heading=True)
        if size is None:  # absurdly long: the smallest size, shortened to what fits
            size = sizes[-1]
            runs = self._shorten(runs, size, rect)
            self.stats.add("titles_shortened")
        return TextBox(rect=rect, paras=(Para(runs=runs, bullet=None),), size=size, role="title")

    def _shorten(
        self, runs: tuple[Run, ...], size: float, rect: Rect, *, heading: bool = True, suffix: str = ""
    ) -> tuple[Run, ...]:
        """``runs`` cut to what fits ``rect`` with an ellipsis (and room for ``suffix``)."""
        text = " ".join("".join(r.text for r in runs).split())

        def fits(head: str) -> bool:
            return self._fits_text((Run(text=head + "\u2026" + suffix),), size, rect, heading=heading)

        words = text.split(" ")
        count = _most(len(words), lambda n: fits(" ".join(words[:n])))
        if count:
            return (Run(text=" ".join(words[:count]) + "\u2026"),)
        # Not even the first word fits (a long URL, a run of CJK text): cut inside it.
        return (Run(text=words[0][: _most(len(words[0]), lambda n: fits(words[0][:n]))] + "\u2026"),)

    def line_box(self, text: str, rect: Rect, sizes: Sequence[float], *, role: str, align: str) -> TextBox:
        """A subtitle or byline at the largest size that fits, else shortened (the notes keep it all)."""
        runs: tuple[Run, ...] = (Run(text=text),)
        size = self.fit_size(runs, rect, sizes)
        if size is None:
            size = sizes[-1]
            runs = self._shorten(runs, size, rect, heading=False)
            self.stats.add("lines_shortened")
        return TextBox(rect=rect, paras=(Para(runs=runs, bullet=None),), size=size, role=role, align=align)

    def names_box(
        self, names: Sequence[str], rest: str, rect: Rect, sizes: Sequence[float], *, role: str, align: str
    ) -> TextBox:
        """The authors' names, then ``rest`` (the date, the title), at the largest size that
        holds them all, wrapping over the lines the box has. Too many names for the smallest
        size: as many as fit, then "et al." (the notes keep them all)."""

        names = [name.replace(" ", "\u00a0") for name in names]  # lines break between names

        def line(count: int) -> str:
            shown = ", ".join(names[:count]) + (
                "" if count == len(names) else f" {label('others', self.lang)}"
            )
            return " \u00b7 ".join(x for x in (shown if count else "", rest) if x)

        if not names or self.fit_size((Run(text=line(len(names))),), rect, sizes) is not None:
            return self.line_box(line(len(names)), rect, sizes, role=role, align=align)
        count = _most(len(names) - 1, lambda n: self.fit_size((Run(text=line(n)),), rect, sizes) is not None)
        return self.line_box(line(max(count, 1)), rect, sizes, role=role, align=align)  # 0: shortened

    def title_slide(self) -> Slide:
        meta = self.doc.meta
        geo = self.geo
        cover = self.images(Image(src=meta.image)) if meta.image and self.show_images else None
        pictures: tuple[Picture, ...] = ()
        if cover is not None:
            pictures = (Picture(rect=geo.full, resource=cover, alt="", crop=cover_crop(cover, geo.full)),)
        title = self.title_text(meta.title, geo.cover_title, (44.0, 40.0, 36.0, 32.0, 28.0))
        boxes: list[TextBox] = []
        if meta.description:
            boxes.append(
                self.line_box(
                    meta.description,
                    geo.cover_subtitle,
                    (22.0, 20.0, 18.0, 16.0),
                    role="subtitle",
                    align=geo.cover_align,
                )
            )
        # A left-to-right mark keeps an ISO date in order after Arabic letters (where its
        # digits would otherwise be Arabic numbers, and its hyphens neutral).
        date = ("\u200e" if self.rtl and meta.date_text else "") + human_date(meta)
        byline = " \u00b7 ".join(x for x in (meta.author, date) if x)
        if byline:
            rect = geo.cover_meta
            if rect.y >= geo.cover_title.bottom:  # below the title: room down to the slide's edge
                rect = replace(rect, h=max(rect.h, geo.height - 16.0 - rect.y))
            sizes = (16.0, 14.0, 12.0)
            boxes.append(
                self.names_box(
                    meta.author_names,
                    date.replace(" ", "\u00a0"),
                    rect,
                    sizes,
                    role="meta",
                    align=geo.cover_align,
                )
            )
        notes = "\n".join(x for x in (meta.title, meta.description, byline) if x)
        return Slide(
            kind=Kind.TITLE,
            title=title,
            boxes=tuple(boxes),
            pictures=pictures,
            notes=notes,
            overlay=bool(pictures),
        )

    def agenda(self) -> list[Slide]:
        entries = toc_entries(self.doc, max_level=1)
        paras = [Para(runs=(Run(text=e.text),), bullet="\u2022", note=e.text) for e in entries]
        if not paras:
            return []
        return self.content_slides(label("agenda", self.lang), paras, kind=Kind.AGENDA)

    def preamble(self, blocks: tuple[Block, ...]) -> list[Slide]:
        slides: list[Slide] = []
        rest: list[Block] = []
        for block in blocks:
            if isinstance(block, TocPlaceholder):
                slides.extend(self.agenda())
            elif block is self._epigraph:
                slides.extend(self.quote_slides(block))
                rest.extend(_beyond_text(block.children))  # its code, tables, pictures: as usual
            else:
                rest.append(block)
        slides.extend(self.blocks_to_slides(label("introduction", self.lang), tuple(rest)))
        return slides

    def section(self, section: Section, *, top: bool) -> list[Slide]:
        assert section.heading is not None
        title = plain_text(section.heading.children)
        if top:
            self._section_number += 1
        own: tuple[Block, ...] = tuple(
            b for b in section.blocks if not isinstance(b, ThematicBreak | TocPlaceholder)
        )
        subsections = section.subsections
        if self.slide_level is not None and section.level >= self.slide_level:
            # At the slide level, subsections are content of this slide (their headings bold).
            own = tuple(b for part in section.walk() for b in _with_heading(part, section))
            subsections = ()
        slides: list[Slide] = self.blocks_to_slides(title, own) if own else []
        if not slides:
            slides.append(self.divider(section, self._section_number if top else None))
        slides[0] = self._introduce(slides[0], section.heading)
        for sub in subsections:
            slides.extend(self.section(sub, top=False))
        return slides

    def closing_slide(self) -> Slide:
        meta = self.doc.meta
        title = self.title_text(label("thanks", self.lang), self.geo.cover_title, (44.0, 40.0, 36.0))
        byline = " \u00b7 ".join(x for x in (meta.author, meta.title) if x)
        boxes: tuple[TextBox, ...] = ()
        if byline:
            geo = self.geo
            sizes = (22.0, 20.0, 18.0, 16.0)
            boxes = (
                self.names_box(
                    meta.author_names,
                    meta.title,
                    geo.cover_subtitle,
                    sizes,
                    role="subtitle",
                    align=geo.cover_align,
                ),
            )
        return Slide(kind=Kind.CLOSING, title=title, boxes=boxes, notes=byline)

    def divider(self, section: Section, number: int | None) -> Slide:
        assert section.heading is not None
        geo = self.geo
        title_text = plain_text(section.heading.children)
        title = self.title_text(title_text, geo.section_title, (44.0, 40.0, 36.0, 32.0, 28.0))
        boxes: list[TextBox] = []
        digits = (Run(text=f"{number:02d}"),) if number is not None else ()
        size = self.fit_size(digits, geo.section_number, (66.0, 54.0, 44.0, 36.0)) if digits else None
        if size is not None:
            boxes.append(
                TextBox(
                    rect=self._start_side(geo.section_number),
                    paras=(Para(runs=digits, bullet=None),),
                    size=size,
                    role="number",
                    align=geo.section_align,
                )
            )
        subs = [plain_text(s.heading.children) for s in section.subsections if s.heading is not None]
        if subs:
            runs = (Run(text="  \u00b7  ".join(subs)),)
            rect = geo.section_subtitle
            size = self.fit_size(runs, rect, (20.0, 18.0, 16.0))
            if size is not None:
                boxes.append(
                    TextBox(
                        rect=rect,
                        paras=(Para(runs=runs, bullet=None),),
                        size=size,
                        role="subtitle",
                        align=geo.section_align,
                    )
                )
        notes = title_text + ("\n" + "\n".join(subs) if subs else "")
        return Slide(kind=Kind.SECTION, title=title, boxes=tuple(boxes), notes=notes)

    # ------------------------------------------------------------ section content

    def blocks_to_slides(self, title: str, blocks: tuple[Block, ...]) -> list[Slide]:
        paras: list[Para] = []
        extras: list[Slide] = []
        self._collect(blocks, title, paras, extras, level=0)
        if any(p.source == "item" for p in paras):
            # Next to a list, paragraphs read as its introduction: no bullet of their own.
            paras = [
                replace(p, bullet=None) if p.source == "paragraph" and p.level == 0 else p for p in paras
            ]
        if paras and len(extras) == 1 and _is_figure_slide(extras[0]):
            combined = self.side_by_side(title, paras, extras[0])
            if combined is not None:
                return self._with_loose_notes([combined])
        slides = self.content_slides(title, paras) if paras else []
        return self._with_loose_notes(slides + extras)

    def _with_loose_notes(self, slides: list[Slide]) -> list[Slide]:
        """``slides`` with the text that got no slide of its own in the first one's notes
        (kept for the caller when there is no slide)."""
        if slides and self._loose_notes:
            slides[0] = _add_notes(slides[0], self._loose_notes)
            self._loose_notes = []
        return slides

    def _introduce(self, slide: Slide, heading: Heading) -> Slide:
        """The first slide of ``heading``'s section: the heading's footnote marker on its
        title and the notes' text in its notes, after the whole title (which the slide may
        show shortened, or run into the marker), and text that got no slide of its own."""
        title = plain_text(heading.children)
        box = slide.title
        marks = _marks(heading.children)
        if box is not None and marks:
            box = self._marked(box, title, marks)
        shown = "".join(r.text for p in (box.paras if box is not None else ()) for r in p.runs)
        whole = title.strip() and (marks or title not in shown) and title not in slide.notes.split("\n")
        lines = [title] if whole else []
        lines += [slide.notes, self._note_texts(heading.children).strip("\n"), *self._loose_notes]
        self._loose_notes = []
        return replace(slide, title=box, notes="\n".join(x for x in lines if x))

    def _marked(self, box: TextBox, title: str, marks: str) -> TextBox:
        """Title ``box`` with a footnote marker after the heading's ``title`` (before a
        continuation's "(1/3)"), the text shortened if the marker would not fit otherwise."""
        mark = Run(text=marks, style=RunStyle(superscript=True))
        text = "".join(r.text for r in box.paras[0].runs)
        head, tail = (title, text[len(title) :]) if text.startswith(title) else (text, "")
        runs: tuple[Run, ...] = (Run(text=head), mark, *((Run(text=tail),) if tail else ()))
        if not self._fits_text(runs, box.size, box.rect, heading=True):
            runs = (*self._shorten((Run(text=text),), box.size, box.rect, suffix=marks), mark)
        return replace(box, paras=(replace(box.paras[0], runs=runs), *box.paras[1:]))

    def _collect(
        self, blocks: Sequence[Block], title: str, paras: list[Para], extras: list[Slide], level: int
    ) -> None:
        for block in blocks:
            match block:
                case Paragraph(children=kids):
                    paras.append(self._summary_para(kids, level, bullet="\u2022" if level == 0 else "\u2013"))
                case Heading(children=kids):
                    runs = tuple(replace(r, style=replace(r.style, bold=True)) for r in to_runs(kids))
                    note = plain_text(kids) + self._note_texts(kids)
                    paras.append(Para(runs=runs, level=level, bullet=None, note=note, source="heading"))
                case BulletList(items=items) | OrderedList(items=items):
                    start = block.start if isinstance(block, OrderedList) else None
                    for index, item in enumerate(items):
                        self._item(
                            item, title, paras, extras, level, None if start is None else start + index
                        )
                case BlockQuote(children=kids):
                    if block is self._epigraph:
                        extras.extend(self.quote_slides(block))
                        self._collect(_beyond_text(kids), title, paras, extras, level)
                    else:
                        self._quote(kids, title, paras, extras, level)
                case CodeBlock():
                    extras.extend(self.code_slides(title, block))
                case Figure():
                    if self.show_images:
                        extras.append(self.image_slide(title, block))
                    else:  # pictures left out on request: their words stay in the notes
                        self._loose_notes.extend(block_lines((block,)))
                        self._loose_notes.extend(note_lines(block.caption))
                case Table():
                    extras.extend(self.table_slides(title, block))
                case Div(children=kids):
                    self._collect(kids, title, paras, extras, level)
                case MathBlock(tex=tex):
                    extras.append(self.equation_slide(title, tex))
                case DefinitionList(items=items):
                    for entry in items:
                        self._definition(entry, title, paras, extras, level)
                case ThematicBreak() | TocPlaceholder():
                    pass
                case _:
                    assert_never(block)

    def _quote(
        self, blocks: Sequence[Block], title: str, paras: list[Para], extras: list[Slide], level: int
    ) -> None:
        """A block quote's paragraphs as quoted bullets (lead sentence, italic); whatever else
        it holds (lists, code, tables, pictures, formulas) as it is anywhere else."""
        for block in blocks:
            match block:
                case Paragraph(children=kids) | Heading(children=kids):
                    runs = tuple(replace(r, style=replace(r.style, italic=True)) for r in self._runs(kids))
                    lead, _ = lead_runs(runs)
                    note = squash(plain_text(kids)) + self._note_texts(kids)
                    paras.append(Para(runs=lead, level=level, bullet="\u275d", note=note, source="quote"))
                case BlockQuote(children=kids) | Div(children=kids):
                    self._quote(kids, title, paras, extras, level)
                case _:
                    self._collect((block,), title, paras, extras, level)

    def _definition(
        self, entry: DefinitionItem, title: str, paras: list[Para], extras: list[Slide], level: int
    ) -> None:
        """A term as a bullet "Term: lead of its first definition"; the rest below it."""
        term = tuple(replace(r, style=replace(r.style, bold=True)) for r in self._runs(entry.term))
        first = entry.definitions[0] if entry.definitions else ()
        inlines: tuple[Inline, ...] = first[0].children if first and isinstance(first[0], Paragraph) else ()
        lead, _ = lead_runs(self._runs(inlines))
        runs = (*term, Run(text=": "), *lead) if lead else term
        note = squash(f"{plain_text(entry.term)}: {plain_text(inlines)}") + self._note_texts(
            (*entry.term, *inlines)
        )
        paras.append(Para(runs=runs, level=level, note=note, source="item"))
        for definition in entry.definitions:
            self._collect(
                definition[1:] if inlines and definition is first else definition,
                title,
                paras,
                extras,
                level + 1,
            )

    def _runs(self, inlines: tuple[Inline, ...]) -> tuple[Run, ...]:
        """Slide runs for ``inlines``: flattened, breaks as spaces, math as linear text."""
        out = []
        for run in _clean_runs(to_runs(inlines)):
            if run.style.math:
                linear = to_linear(run.text)
                if linear is None:
                    self.stats.add("math_as_tex")
                    out.append(Run(text=run.text, style=replace(run.style, math=False, code=True)))
                else:
                    out.append(Run(text=linear, style=replace(run.style, math=False, italic=True)))
            else:
                out.append(run)
        return tuple(out)

    def _note_texts(self, inlines: Sequence[Inline]) -> str:
        """The footnotes cited in ``inlines``, as lines for the speaker notes: whole at a note's
        first citation, clipped at later ones (a long note cited n times is not copied n times)."""
        lines: list[str] = []
        for note in iter_notes(inlines):
            repeat = self._repeats.get(note.label)
            if repeat is not None:
                lines.append(repeat)
                continue
            for pictured, kind in pictured_in_notes((note,)):
                self._not_rendered(f"{kind} in footnote {pictured.label}: shown as text in the speaker notes")
            full = note_lines((note,))
            self._repeats[note.label] = clip(" ".join(full), REPEATED_NOTE_CHARS)
            lines.extend(full)
        return "".join(f"\n{line}" for line in lines)

    def _not_rendered(self, message: str) -> None:
        if message not in self.not_rendered:
            self.not_rendered.append(message)

    def _item(
        self,
        item: ListItem,
        title: str,
        paras: list[Para],
        extras: list[Slide],
        level: int,
        number: int | None,
    ) -> None:
        first, *rest = item.children or (Paragraph(children=()),)
        bullet = f"{number}." if number is not None else ("\u2022" if level == 0 else "\u2013")
        if item.checked is not None:
            bullet = "\u2611" if item.checked else "\u2610"
        if isinstance(first, Paragraph):
            paras.append(replace(self._summary_para(first.children, level, bullet=bullet), source="item"))
        else:
            rest = [first, *rest]
        self._collect(rest, title, paras, extras, level + 1)

    def _summary_para(self, inlines: tuple[Inline, ...], level: int, bullet: str | None) -> Para:
        runs = self._runs(inlines)
        lead, cut = (runs, False) if self.text_mode == "full" else lead_runs(runs)
        if cut:
            self.stats.add("paragraphs_summarised")
        note = squash(plain_text(inlines)) + self._note_texts(inlines)
        return Para(runs=lead, level=level, bullet=bullet, note=note)

    def equation_slide(self, title: str, tex: str) -> Slide:
        """Display math, large on a slide of its own (the TeX in the notes)."""
        rendered = to_png(tex, True, 36.0)
        body = self.geo.body
        if rendered is None:
            problem = typeset(tex, True, text_size(True)).problem or "the picture cannot be drawn"
            self.math_problems.append(f"math cannot be rendered ({problem}); shown as TeX: {excerpt(tex)}")
            self.stats.add("equations_as_tex")
            runs = (Run(text=tex, style=RunStyle(code=True)),)
            box = TextBox(
                rect=body,
                paras=(Para(runs=runs, bullet=None),),
                size=self.style.min_size,
                role="code",
                mono=True,
            )
            return Slide(kind=Kind.CODE, title=self.title_text(title), boxes=(box,), notes=tex)
        png, width, height = rendered
        resource = Resource(
            ref=MATH_REF,
            data=png,
            media_type="image/png",
            width=round(width / 0.75),
            height=round(height / 0.75),
            digest=hashlib.sha256(png).hexdigest(),
        )
        scale = min(1.0, body.w / width, body.h / height)
        w, h = width * scale, height * scale
        rect = Rect(body.x + (body.w - w) / 2, body.y + (body.h - h) / 2, w, h)
        picture = Picture(rect=rect, resource=resource, alt=tex)
        self.stats.add("equation_slides")
        return Slide(kind=Kind.IMAGE, title=self.title_text(title), pictures=(picture,), notes=tex)

    def content_slides(self, title: str, paras: list[Para], kind: Kind = Kind.CONTENT) -> list[Slide]:
        rect = self.geo.body
        if kind is Kind.CONTENT and len(paras) == 1 and paras[0].source == "paragraph":
            statement = self.statement(title, paras[0])
            if statement is not None:
                return [statement]
        chunks = self.fit(paras, rect)
        slides = []
        for index, (chunk, size) in enumerate(chunks, start=1):
            heading = title if len(chunks) == 1 else f"{title} ({index}/{len(chunks)})"
            notes = "\n".join(p.note for p in chunk if p.note)
            box = TextBox(rect=rect, paras=tuple(chunk), size=size)
            slides.append(Slide(kind=kind, title=self.title_text(heading), boxes=(box,), notes=notes))
        if len(chunks) > 1:
            self.stats.add("continuation_slides", len(chunks) - 1)
        return slides

    def statement(self, title: str, para: Para) -> Slide | None:
        """A section that is one paragraph: its lead sentence large, without a bullet."""
        rect = self.geo.body
        plain = replace(para, bullet=None)
        larger = [s for s in STATEMENT_SIZES if s > self.style.body_size]
        size = next((s for s in larger if self.body_height([plain], s, rect.w) <= rect.h * 0.6), None)
        if size is None:
            return None
        box = TextBox(rect=rect, paras=(plain,), size=size, role="statement")
        return Slide(kind=Kind.CONTENT, title=self.title_text(title), boxes=(box,), notes=para.note)

    def fit(self, paras: list[Para], rect: Rect) -> list[tuple[list[Para], float]]:
        """Chunks of paragraphs that each fit ``rect``, with the size to set them at."""
        top, low = self.style.body_size, self.style.min_size
        if self.body_height(paras, top, rect.w) <= rect.h:
            return [(paras, top)]
        chunks: list[tuple[list[Para], float]] = []
        current: list[Para] = []
        for para in paras:
            if self.body_height([*current, para], top, rect.w) <= rect.h:
                current.append(para)
                continue
            if current:
                chunks.append((current, top))
                current = []
            if self.body_height([para], top, rect.w) <= rect.h:
                current = [para]
                continue
            size = next(
                (s for s in _sizes_between(top, low) if self.body_height([para], s, rect.w) <= rect.h), None
            )
            if size is not None:
                chunks.append(([para], size))
                self.stats.add("shrunk_slides")
                continue
            chunks.extend(self._split_long(para, rect, low))
        if current:
            chunks.append((current, top))
        return chunks

    def _split_long(self, para: Para, rect: Rect, size: float) -> list[tuple[list[Para], float]]:
        """A paragraph too long for a slide even at the minimum size: split it by sentences."""
        parts = split_sentences(para.runs)
        pieces: list[Para] = []
        for i, part in enumerate(parts):
            piece = Para(
                runs=part,
                level=para.level,
                bullet=para.bullet if i == 0 else None,
                note=para.note if i == 0 else "",
            )
            if self.body_height([piece], size, rect.w) > rect.h:
                pieces.extend(self._split_words(piece, rect, size))
            else:
                pieces.append(piece)
        chunks: list[tuple[list[Para], float]] = []
        current: list[Para] = []
        for piece in pieces:
            if current and self.body_height([*current, piece], size, rect.w) > rect.h:
                chunks.append((current, size))
                current = []
            current.append(piece)
        if current:
            chunks.append((current, size))
        self.stats.add("split_paragraphs")
        return chunks

    def _split_words(self, para: Para, rect: Rect, size: float) -> list[Para]:
        """``para`` cut into pieces of as many words as fit (at least one word each)."""
        words = "".join(r.text for r in para.runs).split(" ")

        def piece(start: int, count: int) -> Para:
            return Para(
                runs=(Run(text=" ".join(words[start : start + count])),), level=para.level, bullet=None
            )

        def fits(start: int, count: int) -> bool:
            return self.body_height([piece(start, count)], size, rect.w) <= rect.h

        out: list[Para] = []
        start = 0
        while start < len(words):
            count = max(1, _longest(len(words) - start, partial(fits, start)))
            out.append(piece(start, count))
            start += count
        return out

    # ---------------------------------------------------------------- other kinds

    def quote_slides(self, quote: BlockQuote) -> list[Slide]:
        """The quote large on a slide of its own (more than one if it is very long)."""
        geo = self.geo
        parts = _paragraph_inlines(quote.children)
        text = squash("\n".join(plain_text(p) for p in parts))
        who = ""
        m = _ATTRIBUTION.match(text)
        if m and len(m["who"]) < len(m["quote"]):
            text, who = m["quote"].strip(), m["who"].strip()
        runs: tuple[Run, ...] = (Run(text=text, style=RunStyle(italic=True)),)
        marks = _marks(inline for p in parts for inline in p)
        if marks:  # the footnotes it cites, marked after the quote (their text in the notes)
            runs = (*runs, Run(text=marks, style=RunStyle(italic=True, superscript=True)))
        rect = geo.quote
        size = self.fit_size(runs, rect, QUOTE_SIZES)
        if size is not None:
            chunks = [([Para(runs=runs, bullet=None)], size)]
        else:
            chunks = self._split_long(Para(runs=runs, bullet=None), rect, self.style.min_size)
        mark_size = 110.0
        # On the start side; a right-to-left quote opens with the mirror image of "“".
        glyph = "\u201d" if self.rtl else "\u201c"
        mark = TextBox(
            rect=self._start_side(
                Rect(
                    geo.margin,
                    max(4.0, rect.y - 106.0),
                    110.0,
                    2 * INSET_Y + self.text_height(self._pieces((Run(text=glyph),)), mark_size, 1e6),
                )
            ),
            paras=(Para(runs=(Run(text=glyph),), bullet=None),),
            size=mark_size,
            role="mark",
        )
        slides = []
        for index, (paras, chunk_size) in enumerate(chunks):
            boxes = [mark, TextBox(rect=rect, paras=tuple(paras), size=chunk_size, role="quote")]
            if who and index == len(chunks) - 1:
                boxes.append(
                    TextBox(
                        rect=Rect(rect.x, rect.bottom + 12.0, rect.w, 40.0),
                        paras=(Para(runs=(Run(text=f"\u2014 {who}"),), bullet=None),),
                        size=20.0,
                        role="attribution",
                    )
                )
            notes = ""
            if index == 0:
                notes = squash(plain_text(_first_inlines(quote.children)))
                notes += self._note_texts(tuple(inline for p in parts for inline in p))
            slides.append(Slide(kind=Kind.QUOTE, boxes=tuple(boxes), notes=notes))
        return slides

    def caption_box(
        self, runs: tuple[Run, ...], x: float, bottom: float, width: float, *, light: bool = False
    ) -> TextBox:
        """A caption set at the largest caption size at which it takes at most three lines
        (shortened at the smallest, the notes keep it whole), its box ending at ``bottom``."""
        sizes = _sizes_between(self.style.caption_size, 12.0)
        pieces = self._pieces(runs)
        inner = width - 2 * INSET_X
        size = next(
            (s for s in sizes if self.text_height(pieces, s, inner) <= 3 * s * _line_em(pieces)), None
        )
        if size is None:
            size = sizes[-1]
            limit = Rect(x, 0.0, width, 2 * INSET_Y + 3 * size * _line_em(pieces) + 0.5)
            runs = self._shorten(runs, size, limit, heading=False)
            pieces = self._pieces(runs)
            self.stats.add("captions_shortened")
        height = 2 * INSET_Y + self.text_height(pieces, size, inner)
        return TextBox(
            rect=Rect(x, bottom - height, width, height),
            paras=(Para(runs=runs, bullet=None),),
            size=size,
            role="light-caption" if light else "caption",
            align="left" if light else "center",
        )

    def image_slide(self, title: str, figure: Figure) -> Slide:
        geo = self.geo
        resource = self.images(figure.image)
        caption_runs = self._runs(figure.caption)
        notes = "\n".join(x for x in (squash(plain_text(figure.caption)), figure.image.alt) if x)
        notes += self._note_texts(figure.caption)
        alt = figure.image.alt or squash(plain_text(figure.caption))
        if resource is not None and is_bleed_photo(resource, geo.full):
            return self.photo_slide(title, resource, caption_runs, alt, notes)
        body = geo.body
        boxes: list[TextBox] = []
        caption_h = 0.0
        if caption_runs:
            caption = self.caption_box(caption_runs, body.x, body.bottom, body.w)
            caption_h = caption.rect.h
            boxes.append(caption)
        area = Rect(body.x, body.y, body.w, body.h - caption_h - (8.0 if caption_h else 0.0))
        if resource is None:
            text = f"{label('missing', self.lang)}: {figure.image.alt or figure.image.src}"
            sizes = (self.style.min_size,)
            boxes.append(self.line_box(text, area, sizes, role="placeholder", align="center"))
            self.stats.add("image_placeholders")
            return Slide(kind=Kind.IMAGE, title=self.title_text(title), boxes=tuple(boxes), notes=notes)
        picture = Picture(rect=fit_picture(resource, area), resource=resource, alt=alt)
        return Slide(
            kind=Kind.IMAGE,
            title=self.title_text(title),
            boxes=tuple(boxes),
            pictures=(picture,),
            notes=notes,
        )

    def photo_slide(
        self, title: str, resource: Resource, caption: tuple[Run, ...], alt: str, notes: str
    ) -> Slide:
        """A photograph filling the slide, its title and caption on a dark band along the
        bottom (kept clear of the slide number)."""
        geo = self.geo
        full = geo.full
        x, width = geo.margin, full.w - 2 * geo.margin
        bottom = min(geo.footer.y, full.h - 16.0) - 4.0
        boxes: list[TextBox] = []
        if caption:
            boxes.append(self.caption_box(caption, x, bottom, width, light=True))
            bottom = boxes[0].rect.y - 2.0
        runs: tuple[Run, ...] = (Run(text=title),)
        pieces = self._pieces(runs, heading=True)
        inner = width - 2 * INSET_X
        size = next(
            (s for s in PHOTO_TITLE_SIZES if self.text_height(pieces, s, inner) <= 2 * s * _line_em(pieces)),
            None,
        )
        if size is None:  # a very long title: two lines at the smallest size
            size = PHOTO_TITLE_SIZES[-1]
            limit = Rect(x, 0.0, width, 2 * INSET_Y + 2 * size * _line_em(pieces) + 0.5)
            runs = self._shorten(runs, size, limit)
            pieces = self._pieces(runs, heading=True)
            self.stats.add("titles_shortened")
        height = 2 * INSET_Y + self.text_height(pieces, size, inner)
        heading = TextBox(
            rect=Rect(x, bottom - height, width, height),
            paras=(Para(runs=runs, bullet=None),),
            size=size,
            role="title",
        )
        band_top = heading.rect.y - 14.0
        self.stats.add("photo_slides")
        return Slide(
            kind=Kind.IMAGE,
            title=heading,
            boxes=tuple(boxes),
            pictures=(Picture(rect=full, resource=resource, alt=alt, crop=cover_crop(resource, full)),),
            notes=notes,
            band=Rect(0.0, band_top, full.w, full.h - band_top),
        )

    def side_by_side(self, title: str, paras: list[Para], image: Slide) -> Slide | None:
        """A section of a little text and one picture that suits a column, on one slide: the
        text on the start side, the picture (and its caption) beside it."""
        picture = image.pictures[0]
        body = self.geo.body
        gap = 24.0
        text_w = round(body.w * 0.54, 2)
        column_w = body.w - text_w - gap
        text_x, column_x = (body.x, body.x + text_w + gap)
        if self.rtl:
            text_x, column_x = body.right - text_w, body.x
        column = Rect(column_x, body.y, column_w, body.h)
        if not suits_column(picture.resource, column):
            return None
        if len(paras) == 1:
            paras = [replace(paras[0], bullet=None)]
        text = Rect(text_x, body.y, text_w, body.h)
        if self.body_height(paras, self.style.body_size, text.w) > text.h:
            return None  # more text than a column holds: text and picture get a slide each
        captions = [b for b in image.boxes if b.role == "caption"]
        boxes = [TextBox(rect=text, paras=tuple(paras), size=self.style.body_size)]
        caption_h = 0.0
        if captions:
            caption = self.caption_box(captions[0].paras[0].runs, column.x, column.bottom, column.w)
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
        self.stats.add("side_by_side_slides")
        return Slide(
            kind=Kind.CONTENT,
            title=self.title_text(title),
            boxes=tuple(boxes),
            pictures=(replace(picture, rect=rect),),
            notes=notes,
        )

    def code_slides(self, title: str, block: CodeBlock) -> list[Slide]:
        from export_post.highlight import token_colors

        rect = self.geo.body
        size = max(self.style.min_size, min(18.0, self.style.body_size - 4.0))
        lines = block.text.split("\n") or [""]
        mono = Style(self.style.mono_font, mono=True)
        width = rect.w - 2 * INSET_X
        room = rect.h - 2 * INSET_Y
        chunks: list[list[str]] = []
        current: list[str] = []
        used = 2 * INSET_Y
        pieces = (part for source in lines for part in self._code_line_parts(source, mono, size, width, room))
        for line in pieces:
            h = self.text_height([Piece(line or " ", mono)], size, width)
            if current and used + h > rect.h:
                chunks.append(current)
                current, used = [], 2 * INSET_Y
            current.append(line)
            used += h
        if current:
            chunks.append(current)
        slides = []
        for index, chunk in enumerate(chunks, start=1):
            code = "\n".join(chunk)
            heading = title if len(chunks) == 1 else f"{title} ({index}/{len(chunks)})"
            colored = tuple(token_colors(code, block.language, self.code_style))
            height = 2 * INSET_Y + sum(
                self.text_height([Piece(line or " ", mono)], size, width) for line in chunk
            )
            box = TextBox(
                rect=Rect(rect.x, rect.y, rect.w, min(rect.h, height + 8.0)),  # the shaded box hugs the code
                paras=(Para(runs=(Run(text=code, style=RunStyle(code=True)),), bullet=None),),
                size=size,
                role="code",
                mono=True,
                colored=colored,
            )
            slides.append(Slide(kind=Kind.CODE, title=self.title_text(heading), boxes=(box,), notes=""))
        self.stats.add("code_slides", len(slides))
        return slides

    def _code_line_parts(self, line: str, mono: Style, size: float, width: float, room: float) -> list[str]:
        """A line of code, cut into pieces that each fit a slide (a minified file's one line
        would otherwise wrap past the bottom); ordinary lines come back whole."""
        if self.text_height([Piece(line or " ", mono)], size, width) <= room:
            return [line]
        parts: list[str] = []
        while line:
            # The longest prefix that fits (at least a character), measuring no more than twice it.
            cut = max(1, _longest(len(line), partial(self._code_fits, line, mono, size, width, room)))
            parts.append(line[:cut])
            line = line[cut:]
        self.stats.add("code_lines_cut")
        return parts

    def _code_fits(self, line: str, mono: Style, size: float, width: float, room: float, n: int) -> bool:
        return self.text_height([Piece(line[:n], mono)], size, width) <= room

    def table_slides(self, title: str, table: Table) -> list[Slide]:
        rect = self.geo.body
        size = self.style.min_size
        ncols = max(1, len(table.head), *(len(r) for r in table.rows))

        def cells(row: Sequence[TableCell]) -> tuple[TableCellText, ...]:
            out = []
            for i in range(ncols):
                cell = row[i] if i < len(row) else None
                runs = self._runs(cell.children) if cell is not None else ()
                align = cell.align.value if cell is not None and cell.align.value else "start"
                out.append(TableCellText(runs=runs, align=align))
            # Right to left, the first column is on the right. The columns are laid out in
            # that order rather than marked rtl, which LibreOffice's tables ignore.
            return tuple(reversed(out)) if self.rtl else tuple(out)

        header = cells(table.head) if table.head else ()
        rows = [cells(r) for r in table.rows]
        weights = [1.0] * ncols
        for row in [header, *rows]:
            for i, cell in enumerate(row):
                weights[i] = max(weights[i], min(40.0, float(len("".join(r.text for r in cell.runs)))))
        total = sum(weights)
        col_widths = tuple(rect.w * w / total for w in weights)

        def row_height(row: tuple[TableCellText, ...], bold: bool = False) -> float:
            base = Piece("", self._style(RunStyle(bold=bold)))
            tallest = max(
                self.text_height(
                    [
                        base,
                        *self._pieces(
                            tuple(
                                replace(r, style=replace(r.style, bold=r.style.bold or bold)) for r in c.runs
                            )
                        ),
                    ],
                    size,
                    col_widths[i] - 2 * INSET_X,
                )
                for i, c in enumerate(row)
            )
            return tallest + 2 * INSET_Y + 2.0

        def shortened(
            row: tuple[TableCellText, ...], room: float, bold: bool = False
        ) -> tuple[TableCellText, ...]:
            """``row`` with each cell too tall for ``room`` cut to what fits, ending in an ellipsis."""
            out = []
            for i, cell in enumerate(row):
                box = Rect(0.0, 0.0, col_widths[i], room - 2.0)
                runs = tuple(replace(r, style=replace(r.style, bold=r.style.bold or bold)) for r in cell.runs)
                if runs and not self._fits_text(runs, size, box):
                    runs = self._shorten(runs, size, box, heading=False)
                    self.stats.add("table_cells_shortened")
                else:
                    runs = cell.runs
                out.append(replace(cell, runs=runs))
            return tuple(out)

        cut: set[int] = set()  # rows shown shortened (-1: the header): whole in the notes
        head_h = row_height(header, bold=True) if header else 0.0
        if head_h > rect.h / 3:  # a header of paragraphs: cut to a third of the slide
            header = shortened(header, rect.h / 3, bold=True)
            head_h = row_height(header, bold=True)
            cut.add(-1)
        chunks: list[list[tuple[tuple[TableCellText, ...], float]]] = []
        current: list[tuple[tuple[TableCellText, ...], float]] = []
        used = head_h
        for number, row in enumerate(rows):
            h = row_height(row)
            if h > rect.h - head_h:  # one row taller than a slide: its long cells are cut
                row = shortened(row, rect.h - head_h)
                h = row_height(row)
                cut.add(number)
            if current and used + h > rect.h:
                chunks.append(current)
                current, used = [], head_h
            current.append((row, h))
            used += h
        chunks.append(current)
        if cut:
            self._not_rendered(f"table cell too long for a slide ({title!r}): shortened, whole in the notes")
        slides = []
        first = 0  # the chunk's first row
        for index, chunk in enumerate(chunks, start=1):
            sources = table.rows[first : first + len(chunk)]
            shown = [*enumerate(sources, start=first)]
            if index == 1:
                shown.insert(0, (-1, table.head))
            first += len(chunk)
            heights = ((head_h,) if header else ()) + tuple(h for _, h in chunk)
            shape = TableShape(
                rect=Rect(rect.x, rect.y, rect.w, sum(heights)),
                header=header,
                rows=tuple(r for r, _ in chunk),
                col_widths=col_widths,
                row_heights=heights,
                size=size,
            )
            heading = title if len(chunks) == 1 else f"{title} ({index}/{len(chunks)})"
            notes = squash(plain_text(table.caption)) if table.caption else ""
            notes += "".join(f"\n{row_text(cells)}" for n, cells in shown if n in cut)
            cited = [i for _, cells in shown for cell in cells for i in cell.children]
            notes += self._note_texts((*table.caption, *cited) if index == 1 else cited)
            slides.append(
                Slide(kind=Kind.TABLE, title=self.title_text(heading), table=shape, notes=notes.strip("\n"))
            )
        self.stats.add("table_slides", len(slides))
        return slides


def _add_notes(slide: Slide, lines: Sequence[str]) -> Slide:
    return replace(slide, notes="\n".join(x for x in (slide.notes, *lines) if x))


def _with_heading(part: Section, top: Section) -> tuple[Block, ...]:
    """A section's blocks, headed by its heading unless it is ``top`` (whose heading is the title)."""
    own = tuple(b for b in part.blocks if not isinstance(b, ThematicBreak | TocPlaceholder))
    return own if part is top or part.heading is None else (part.heading, *own)


def _longest(limit: int, fits: Callable[[int], bool]) -> int:
    """As :func:`_most`, for a ``limit`` far beyond what fits (a paragraph or a line of code
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


def _sizes_between(top: float, low: float) -> list[float]:
    sizes = []
    size = top
    while size >= low:
        sizes.append(size)
        size -= 1.0
    if not sizes or sizes[-1] != low:
        sizes.append(low)
    return sizes


def _clean_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Line breaks inside a bullet become spaces; leading/trailing space goes."""
    out = [Run(text=" ", style=r.style) if r.is_break else r for r in runs]
    if out:
        out[0] = Run(text=out[0].text.lstrip(), style=out[0].style)
        out[-1] = Run(text=out[-1].text.rstrip(), style=out[-1].style)
    return tuple(r for r in out if r.text)


def _paragraph_inlines(blocks: Sequence[Block]) -> list[tuple[Inline, ...]]:
    out: list[tuple[Inline, ...]] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            out.append(block.children)
        elif isinstance(block, BlockQuote | Div):
            out.extend(_paragraph_inlines(block.children))
        elif isinstance(block, BulletList | OrderedList):
            for item in block.items:
                out.extend(_paragraph_inlines(item.children))
    return out


def _beyond_text(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """The blocks :func:`_paragraph_inlines` leaves out (code, tables, pictures, formulas,
    definition lists), at any depth: a quote slide shows only text."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, BlockQuote | Div):
            out.extend(_beyond_text(block.children))
        elif isinstance(block, BulletList | OrderedList):
            for item in block.items:
                out.extend(_beyond_text(item.children))
        elif not isinstance(block, Paragraph | Heading):
            out.append(block)
    return tuple(out)


def _marks(inlines: Iterable[Inline]) -> str:
    """The labels of the footnotes cited in ``inlines``, as a footnote marker ("1,2")."""
    return ",".join(dict.fromkeys(note.label for note in iter_notes(inlines)))


def _first_inlines(blocks: Sequence[Block]) -> tuple[Inline, ...]:
    parts = _paragraph_inlines(blocks)
    joined: list[Inline] = []
    for i, part in enumerate(parts):
        if i:
            joined.append(Text(text="\n"))
        joined.extend(part)
    return tuple(joined)


def _is_figure_slide(slide: Slide) -> bool:
    """An image slide of a post's picture (not a photo on a band, an equation or a placeholder)."""
    return (
        slide.kind is Kind.IMAGE
        and slide.band is None
        and len(slide.pictures) == 1
        and slide.pictures[0].resource.ref != MATH_REF
    )


def _line_em(pieces: list[Piece]) -> float:
    return pieces_line_height_em(pieces)


def _most(limit: int, fits: Callable[[int], bool]) -> int:
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
