"""Document → Deck: which slides a post becomes, in document order (pure: no I/O, no reporter).

* a title slide (cover image full-bleed under a dark overlay, title, description, author/date);
* an agenda slide where the post asked for a table of contents (``{:toc}``);
* a quote slide for the epigraph, a content slide for the rest of the introduction;
* per heading: a content slide when it has content directly under it (bullets: lists stay
  lists, paragraphs reduced to their lead sentence, full text in the speaker notes), a
  section divider when it only has subsections; then one slide per image, code block and
  table of that section.

Pictures and formulas come resolved (:mod:`.media`); text is fitted by a :class:`.fitter.Fitter`.
What the deck shows only in part comes back with it, for the exporter to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from export_post.model import (
    Block,
    Document,
    Heading,
    Run,
    RunStyle,
    Section,
    ThematicBreak,
    TocPlaceholder,
    plain_text,
)
from export_post.model.roles import epigraph
from export_post.toolkit.labels import label

from .deck import Deck, Kind, Slide, TextBox
from .fitter import Fitter
from .geometry import Geometry
from .media import MATH_REF, Media
from .slides.body import Body, collect
from .slides.context import Context, Diagnostics, PlanOptions
from .slides.quote import beyond_text, marks, quote_slides
from .slides.section import divider
from .slides.side_by_side import side_by_side
from .slides.text import agenda, content_slides
from .slides.title import closing_slide, title_slide


@dataclass(frozen=True, slots=True)
class Planned:
    deck: Deck
    diagnostics: Diagnostics


def plan_deck(
    document: Document, media: Media, fitter: Fitter, geometry: Geometry, options: PlanOptions
) -> Planned:
    ctx = Context(doc=document, fit=fitter, geo=geometry, media=media, options=options)
    ctx.epigraph = epigraph(document.blocks)
    slides: list[Slide] = [title_slide(ctx)]
    sections = document.sections
    if sections and sections[0].heading is None:
        slides.extend(_preamble(ctx, sections[0].blocks))
        sections = sections[1:]
    for section in sections:
        slides.extend(_section(ctx, section, top=True))
    if ctx.loose_notes:  # an introduction with nothing to show (pictures left out)
        slides[0] = _add_notes(slides[0], ctx.loose_notes)
        ctx.loose_notes = []
    if options.closing:
        slides.append(closing_slide(ctx))
    ctx.log.add("slides", len(slides))
    style = fitter.style
    deck = Deck(
        width=geometry.width,
        height=geometry.height,
        slides=tuple(slides),
        font=style.font,
        heading_font=style.heading_font,
        mono_font=style.mono_font,
        lang=ctx.lang,
        rtl=ctx.rtl,
        stats=ctx.log.stats,
    )
    return Planned(deck, ctx.log)


def _preamble(ctx: Context, blocks: tuple[Block, ...]) -> list[Slide]:
    slides: list[Slide] = []
    rest: list[Block] = []
    for block in blocks:
        if isinstance(block, TocPlaceholder):
            slides.extend(agenda(ctx))
        elif block is ctx.epigraph:
            slides.extend(quote_slides(ctx, block))
            rest.extend(beyond_text(block.children))  # its code, tables, pictures: as usual
        else:
            rest.append(block)
    slides.extend(_blocks_to_slides(ctx, label("introduction", ctx.lang), tuple(rest)))
    return slides


def _section(ctx: Context, section: Section, *, top: bool) -> list[Slide]:
    assert section.heading is not None
    title = plain_text(section.heading.children)
    if top:
        ctx.section_number += 1
    own = _own_blocks(section)
    subsections = section.subsections
    level = ctx.options.slide_level
    if level is not None and section.level >= level:
        # At the slide level, subsections are content of this slide (their headings bold).
        own = tuple(b for part in section.walk() for b in _with_heading(part, section))
        subsections = ()
    slides: list[Slide] = _blocks_to_slides(ctx, title, own) if own else []
    if not slides:
        slides.append(divider(ctx, section, ctx.section_number if top else None))
    slides[0] = _introduce(ctx, slides[0], section.heading)
    for sub in subsections:
        slides.extend(_section(ctx, sub, top=False))
    return slides


def _blocks_to_slides(ctx: Context, title: str, blocks: tuple[Block, ...]) -> list[Slide]:
    body = Body()
    collect(ctx, blocks, title, body, level=0)
    paras = body.paras
    if any(p.source == "item" for p in paras):
        # Next to a list, paragraphs read as its introduction: no bullet of their own.
        paras = [replace(p, bullet=None) if p.source == "paragraph" and p.level == 0 else p for p in paras]
    if paras and len(body.extras) == 1 and _is_figure_slide(body.extras[0]):
        combined = side_by_side(ctx, title, paras, body.extras[0])
        if combined is not None:
            return _with_loose_notes(ctx, [combined])
    slides = content_slides(ctx, title, paras) if paras else []
    return _with_loose_notes(ctx, slides + body.extras)


def _with_loose_notes(ctx: Context, slides: list[Slide]) -> list[Slide]:
    """``slides`` with the text that got no slide of its own in the first one's notes
    (kept for the caller when there is no slide)."""
    if slides and ctx.loose_notes:
        slides[0] = _add_notes(slides[0], ctx.loose_notes)
        ctx.loose_notes = []
    return slides


def _introduce(ctx: Context, slide: Slide, heading: Heading) -> Slide:
    """The first slide of ``heading``'s section: the heading's footnote marker on its
    title and the notes' text in its notes, after the whole title (which the slide may
    show shortened, or run into the marker), and text that got no slide of its own."""
    title = plain_text(heading.children)
    box = slide.title
    cited = marks(heading.children)
    if box is not None and cited:
        box = _marked(ctx, box, title, cited)
    shown = "".join(r.text for p in (box.paras if box is not None else ()) for r in p.runs)
    whole = title.strip() and (cited or title not in shown) and title not in slide.notes.split("\n")
    lines = [title] if whole else []
    lines += [slide.notes, ctx.note_texts(heading.children).strip("\n"), *ctx.loose_notes]
    ctx.loose_notes = []
    return replace(slide, title=box, notes="\n".join(x for x in lines if x))


def _marked(ctx: Context, box: TextBox, title: str, cited: str) -> TextBox:
    """Title ``box`` with a footnote marker after the heading's ``title`` (before a
    continuation's "(1/3)"), the text shortened if the marker would not fit otherwise."""
    mark = Run(text=cited, style=RunStyle(superscript=True))
    text = "".join(r.text for r in box.paras[0].runs)
    head, tail = (title, text[len(title) :]) if text.startswith(title) else (text, "")
    runs: tuple[Run, ...] = (Run(text=head), mark, *((Run(text=tail),) if tail else ()))
    if not ctx.fit.fits_text(runs, box.size, box.rect, heading=True):
        runs = (*ctx.fit.shorten((Run(text=text),), box.size, box.rect, suffix=cited), mark)
    return replace(box, paras=(replace(box.paras[0], runs=runs), *box.paras[1:]))


def _add_notes(slide: Slide, lines: Sequence[str]) -> Slide:
    return replace(slide, notes="\n".join(x for x in (slide.notes, *lines) if x))


def _own_blocks(part: Section) -> tuple[Block, ...]:
    return tuple(b for b in part.blocks if not isinstance(b, ThematicBreak | TocPlaceholder))


def _with_heading(part: Section, top: Section) -> tuple[Block, ...]:
    """A section's blocks, headed by its heading unless it is ``top`` (whose heading is the title)."""
    own = _own_blocks(part)
    return own if part is top or part.heading is None else (part.heading, *own)


def _is_figure_slide(slide: Slide) -> bool:
    """An image slide of a post's picture (not a photo on a band, an equation or a placeholder)."""
    return (
        slide.kind is Kind.IMAGE
        and slide.band is None
        and len(slide.pictures) == 1
        and slide.pictures[0].resource.ref != MATH_REF
    )
