"""Planned text boxes written into python-pptx text frames: sizes, bullets, indents, spacing
and direction set explicitly, so every renderer lays the text out as the planner measured it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.autoshape import Shape
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu

from export_post.model import Run, text_direction

from . import oxml
from .appender import Appender
from .deck import Deck, Para, TextBox
from .fonts import complex_script_family, has_complex_script, symbol_family
from .geometry import INSET_X, INSET_Y, SPACE_BEFORE_EM, SUB_SPACE_BEFORE_EM, margin_left
from .runs import EMOJI, RunFormat, add_link_runs, add_run
from .style import SlideStyle
from .units import emu

# Slide furniture is set in the deck's direction whatever its text; a run against it is
# held together with directional marks (an English title in a Hebrew deck keeps its "!").
FURNITURE = frozenset(
    {"title", "subtitle", "meta", "number", "caption", "light-caption", "attribution", "mark"}
)
MARKS = {"ltr": "\u200e", "rtl": "\u200f"}  # LRM, RLM: zero-width, strong in their direction


@dataclass(slots=True, kw_only=True)
class TextWriter:
    deck: Deck
    style: SlideStyle
    appender: Appender
    branded: bool  # our look; under a template, its fonts, colours and alignment
    title_bold: bool
    code_text: str  # the ink of code on its light box
    ink: str | None = None  # the ink that reads on the current slide's fill, if it has one

    def text(
        self,
        shape: Shape,
        box: TextBox,
        *,
        color: str | None,
        heading: bool = False,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
        placeholder: bool = False,
    ) -> None:
        """Write ``box`` into ``shape`` as planned. A template's placeholder keeps its own
        alignment and anchoring (they move text within the box, never out of it)."""
        inherit = placeholder and not self.branded
        rect = box.rect
        shape.left, shape.top, shape.width, shape.height = emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h)
        frame: TextFrame = shape.text_frame
        frame.clear()
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        if not inherit:
            frame.vertical_anchor = anchor
        oxml.frame_body(frame, emu(INSET_X), emu(INSET_Y))
        if box.colored:
            self._code(frame, box)
            return
        # LibreOffice finds the font for Arabic, Hebrew or Thai text itself, except in a box that
        # also holds an emoji-like symbol: there it can draw the letters in a font without them
        # (empty boxes, wider than measured), so such a box names the font it was measured with.
        text = "".join(run.text for para in box.paras for run in para.runs)
        symbols = EMOJI.search(text) is not None and has_complex_script(text)
        for index, para in enumerate(box.paras):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            self.paragraph(
                paragraph,
                para,
                box,
                color=color,
                heading=heading,
                first=index == 0,
                inherit_align=inherit,
                name_complex_font=symbols,
            )

    def paragraph(
        self,
        paragraph: _Paragraph,
        para: Para,
        box: TextBox,
        *,
        color: str | None,
        heading: bool,
        first: bool,
        inherit_align: bool = False,
        name_complex_font: bool = False,
    ) -> None:
        own = text_direction("".join(r.text for r in para.runs if not r.style.code))
        if box.mono:
            direction = "ltr"  # code stays left to right
        elif box.role in FURNITURE or own is None:
            direction = "rtl" if self.deck.rtl else "ltr"
        else:
            direction = own  # a body paragraph runs in its own direction, as dir="auto" does
        rtl = direction == "rtl"
        if not inherit_align or rtl:
            start = PP_ALIGN.RIGHT if rtl else PP_ALIGN.LEFT
            paragraph.alignment = {"center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}.get(box.align, start)
        bulleted = para.bullet is not None
        oxml.paragraph_format(
            paragraph,
            rtl=rtl,
            margin=emu(margin_left(para.level, bulleted)),
            indent=Emu(-emu(margin_left(0, True))) if bulleted else Emu(0),
            space_before=0.0
            if first
            else box.size * (SPACE_BEFORE_EM if para.level == 0 else SUB_SPACE_BEFORE_EM),
            bullet=para.bullet,
            bullet_look=(self.style.accent, self.deck.font) if self.branded else None,
        )
        for index, run in enumerate(para.runs):
            text = held(run, direction, own, first=index == 0, last=index == len(para.runs) - 1)
            look = self._format(paragraph, run, box, color, heading)
            pieces = self._fonts_named(text, look, run, box, heading) if name_complex_font else [(text, look)]
            write = add_run if look.link is None else add_link_runs
            for piece, piece_look in pieces:
                write(oxml.paragraph_xml(paragraph), piece, piece_look)

    def _fonts_named(
        self, text: str, look: RunFormat, run: Run, box: TextBox, heading: bool
    ) -> list[tuple[str, RunFormat]]:
        """``text`` in runs that name their complex-script font: the one the planner measured
        the letters with, and for each emoji (in a run of its own) the one that draws it."""
        family = self._measured_family(run, box, heading)
        pieces = []
        for index, piece in enumerate(EMOJI.split(text)):
            if index % 2:
                font = symbol_family(piece, family, look.bold, look.italic)
            elif piece:
                font = complex_script_family(piece, family, look.bold, look.italic)
            else:
                continue
            pieces.append((piece, replace(look, complex_font=font)))
        return pieces

    def _measured_family(self, run: Run, box: TextBox, heading: bool) -> str:
        """The family the planner measured ``run`` with."""
        if run.style.code or box.mono:
            return self.deck.mono_font
        return self.deck.heading_font if heading else self.deck.font

    def _format(
        self, paragraph: _Paragraph, run: Run, box: TextBox, color: str | None, heading: bool
    ) -> RunFormat:
        st = run.style
        # code always names its font; other text only under a template (its theme fonts,
        # which we measured with)
        mono = st.code or box.mono
        font = self._measured_family(run, box, heading) if mono or self.branded else None
        run_color = color
        link = in_text_color = None
        if st.link and not heading:
            link = self.link(paragraph, st.link)
            on_fill = self.ink is not None and color == self.ink
            if on_fill or self.branded:  # links on a fill take its ink, else the accent
                run_color = color if on_fill and color else self.style.accent
                in_text_color = True
        return RunFormat(
            size=box.size,
            font=font,
            bold=st.bold or (heading and box.role == "title" and self.title_bold),
            italic=st.italic or box.role == "quote",
            color=run_color,
            lang=self.deck.lang,
            cap_none=True,
            underline=link is not None,
            strike=st.strike,
            baseline=30000 if st.superscript else -25000 if st.subscript else None,
            link=link,
            link_in_text_color=bool(in_text_color),
        )

    def link(self, paragraph: _Paragraph, url: str) -> str:
        """The relationship id of an external hyperlink from the paragraph's slide to ``url``."""
        return self.appender.hyperlink(paragraph.part, url)

    def _code(self, frame: TextFrame, box: TextBox) -> None:
        color = self.style.text if self.branded else None
        empty = Para(runs=(), bullet=None)
        paragraph = frame.paragraphs[0]
        self.paragraph(paragraph, empty, box, color=color, heading=False, first=True)
        for text, token_color, bold, italic in box.colored:
            for i, part in enumerate(text.split("\n")):
                if i:
                    paragraph = frame.add_paragraph()
                    self.paragraph(paragraph, empty, box, color=color, heading=False, first=True)
                if not part:
                    continue
                add_run(
                    oxml.paragraph_xml(paragraph),
                    part,
                    RunFormat(
                        size=box.size,
                        font=self.deck.mono_font,
                        bold=bold,
                        italic=italic,
                        color=token_color or self.code_text,
                    ),
                )


def held(run: Run, direction: str, own: str | None, *, first: bool, last: bool) -> str:
    """A run's text with the marks that keep it readable in a paragraph set ``direction``:
    code reads left to right (``-m "msg"`` keeps its quotes), and a paragraph whose own text
    runs the other way (furniture keeps the deck's direction) is held together at both ends.
    The marks are zero-width; the planner measured the text without them."""
    text = run.text
    if run.style.code and direction == "rtl":
        text = MARKS["ltr"] + text + MARKS["ltr"]
    if own is not None and own != direction:
        mark = MARKS[own]
        text = (mark if first else "") + text + (mark if last else "")
    return text
