"""Deck → .pptx bytes with python-pptx (which, besides this, only :mod:`.template` reads).

Layouts are taken by name from the template ("Title Slide", "Title and Content", "Section
Header", "Title Only"; :mod:`.template` finds them and their fallbacks); their title and
body placeholders are used (so outline view, accessibility tools and PowerPoint's own
restyling see real titles), placed where the planner measured them. Sizes, bullets,
indents and spacing are written explicitly so every renderer lays the text out as the
planner did.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

from lxml import etree
from PIL import Image as PILImage
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide as PptxSlide
from pptx.slide import SlideLayout
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu

from export_post.archive import normalise_zip
from export_post.color import contrast, ink_on, luminance, mix
from export_post.diagnostics import Reporter
from export_post.metatext import field_text
from export_post.model import Run, text_direction

from .appender import Appender
from .coreprops import CORE_PROPERTY_UNITS, CORE_TEXT_PROPERTIES
from .deck import Deck, Kind, Para, Picture, Rect, Slide, TableShape, TextBox
from .geometry import INSET_X, INSET_Y, SPACE_BEFORE_EM, SUB_SPACE_BEFORE_EM, Geometry, margin_left
from .runs import RunFormat, add_run
from .style import SlideStyle

LAYOUTS = {
    Kind.TITLE: "Title Slide",
    Kind.AGENDA: "Title and Content",
    Kind.CONTENT: "Title and Content",
    Kind.SECTION: "Section Header",
    Kind.QUOTE: "Title Only",  # not "Blank": LibreOffice 7.4 then squeezes the next slide's autofit text
    Kind.IMAGE: "Title Only",
    Kind.CODE: "Title Only",
    Kind.TABLE: "Title Only",
    Kind.CLOSING: "Title Slide",
}
PHOTO_SHADE = "#0B1220"  # the overlay and caption band over photos
# Slide furniture is set in the deck's direction whatever its text; a run against it is
# held together with directional marks (an English title in a Hebrew deck keeps its "!").
FURNITURE = frozenset(
    {"title", "subtitle", "meta", "number", "caption", "light-caption", "attribution", "mark"}
)
MARKS = {"ltr": "\u200e", "rtl": "\u200f"}  # LRM, RLM: zero-width, strong in their direction


def emu(points: float) -> Emu:
    return Emu(round(points * 12700))


def rgb(color: str) -> RGBColor:
    value = color.lstrip("#")
    return RGBColor(int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


class Renderer:
    def __init__(
        self,
        deck: Deck,
        style: SlideStyle,
        reporter: Reporter,
        colors: Mapping[str, str],
        properties: Mapping[str, str] | None = None,
        timestamp: dt.datetime | None = None,
        geometry: Geometry | None = None,
        template: Path | None = None,
        layouts: Mapping[str, int] | None = None,
    ) -> None:
        self.deck = deck
        self.template = template
        self.layouts = layouts or {}  # layout name → index in the template (see .template)
        self.branded = template is None  # our look; with a template, the template's
        self.properties = properties or {}
        self.timestamp = timestamp
        self.style = style
        self.reporter = reporter
        self.code_background = colors.get("code_background", "#f5f7f9")
        # Code sits on its own light box: the theme's text colour if it reads there, else ink.
        legible = contrast(style.text, self.code_background) >= 4.5
        self.code_text = style.text if legible else ink_on(self.code_background)
        self.fill: str | None = None  # the current slide's fill and the ink that reads on it
        self.ink: str | None = None
        self.geo = geometry or Geometry.default(deck.width, deck.height)

    def render(self) -> bytes:
        prs = Presentation(str(self.template)) if self.template else Presentation()
        if self.branded:
            _apply_palette(prs, self.style)
            prs.slide_width = emu(self.deck.width)
            prs.slide_height = emu(self.deck.height)
        else:
            _remove_slides(prs)  # a reference deck lends its design, not its slides
        available = list(prs.slide_layouts)
        self.appender = Appender(prs)  # python-pptx alone would make the deck cost slides²
        for number, plan in enumerate(self.deck.slides, start=1):
            name = LAYOUTS[plan.kind]
            layout = available[self.layouts[name]] if name in self.layouts else _by_name(available, name)
            slide = self.appender.add_slide(layout)
            self.slide(slide, plan, number)
        core = prs.core_properties
        for name in CORE_TEXT_PROPERTIES:  # each within Office's limit (see .coreprops)
            setattr(core, name, field_text(self.properties.get(name, ""), CORE_PROPERTY_UNITS))
        core.revision = 1
        if self.timestamp is not None:
            naive = self.timestamp.astimezone(dt.UTC).replace(tzinfo=None)
            core.created = core.modified = naive
        out = io.BytesIO()
        prs.save(out)
        return normalise_zip(out.getvalue(), self.timestamp) if self.timestamp else out.getvalue()

    # ------------------------------------------------------------------- slides

    def slide(self, slide: PptxSlide, plan: Slide, number: int) -> None:
        # Slides filled with a colour (our section and title slides) or a photo get text in
        # the ink that reads on that fill; the rest use the theme's (or template's) colours.
        fill = self._fill(plan)
        self.fill, self.ink = fill, (ink_on(fill) if fill is not None else None)
        if self.branded:  # under a template, its masters decide every background
            background = fill if fill is not None and not plan.pictures else self.style.background
            if plan.kind is Kind.QUOTE:
                background = mix(self.style.accent, self.style.background, 0.9)
            self._background(slide, background)
        for picture in plan.pictures:
            self._picture(slide, picture)
        if plan.overlay:
            self._overlay(slide)
        if plan.band is not None:
            self._band(slide, plan.band)
        _send_to_back(slide, len(plan.pictures) + (1 if plan.overlay else 0) + (plan.band is not None))
        placeholders = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
        title_ph = placeholders.pop(0, None)
        body_ph = placeholders.pop(1, None)
        for ph in placeholders.values():  # date, footer, number: we number slides ourselves
            ph._element.getparent().remove(ph._element)
        if plan.title is not None:
            color = self.ink or self._color(self.style.title)
            shape = (
                title_ph if title_ph is not None else slide.shapes.add_textbox(Emu(0), Emu(0), Emu(1), Emu(1))
            )
            anchor = (
                MSO_ANCHOR.TOP if plan.kind in (Kind.TITLE, Kind.SECTION, Kind.CLOSING) else MSO_ANCHOR.BOTTOM
            )
            self._text(
                shape, plan.title, color=color, heading=True, anchor=anchor, placeholder=title_ph is not None
            )
        elif title_ph is not None:
            title_ph._element.getparent().remove(title_ph._element)
        bar = self.geo.accent_bar
        barred = plan.kind in (Kind.CONTENT, Kind.AGENDA, Kind.IMAGE, Kind.CODE, Kind.TABLE)
        if bar is not None and barred and plan.band is None:
            self._bar(slide, bar, self.style.accent)
        # The layout's body placeholder (content, or the subtitle on title and section slides)
        # takes the box it is meant for, so outline view and restyling see it; the rest are ours.
        wanted = (
            (0 if plan.boxes else None)
            if plan.kind in (Kind.CONTENT, Kind.AGENDA)
            else next((i for i, b in enumerate(plan.boxes) if b.role == "subtitle"), None)
            if plan.kind in (Kind.TITLE, Kind.CLOSING, Kind.SECTION)
            else None
        )
        for index, box in enumerate(plan.boxes):
            if index == wanted and body_ph is not None:
                anchor = MSO_ANCHOR.MIDDLE if box.role == "statement" else MSO_ANCHOR.TOP
                color = self.ink or self._color(self.style.text)
                self._text(body_ph, box, color=color, anchor=anchor, placeholder=True)
                body_ph = None
            else:
                self._box(slide, box)
        if body_ph is not None:
            body_ph._element.getparent().remove(body_ph._element)
        if plan.table is not None:
            self._table(slide, plan.table)
        if plan.kind is not Kind.TITLE:
            self._slide_number(slide, number)
        if plan.notes:
            notes = self.appender.notes_slide(slide).notes_text_frame
            assert notes is not None
            notes.text = plan.notes

    def _fill(self, plan: Slide) -> str | None:
        """The colour a slide's text stands on, when it is not the ordinary background."""
        if plan.overlay or plan.band is not None:
            return PHOTO_SHADE
        if not self.branded:
            return None
        if plan.kind is Kind.SECTION:
            return self.style.accent
        if plan.kind in (Kind.TITLE, Kind.CLOSING):  # a light deck opens on its title colour
            light_deck = luminance(self.style.background) > 0.5
            return self.style.title if light_deck else self.style.background
        return None

    def _color(self, color: str) -> str | None:
        """``color`` (hex) in our look; None, meaning "as the template says", under a template."""
        return color if self.branded else None

    def _box(self, slide: PptxSlide, box: TextBox) -> None:
        shape = slide.shapes.add_textbox(emu(box.rect.x), emu(box.rect.y), emu(box.rect.w), emu(box.rect.h))
        fill = self.fill or self.style.background
        colors = {
            "subtitle": self.style.muted,
            "meta": self.style.muted,
            "number": mix(self.ink or self.style.accent, fill, 0.3),
            "caption": self.style.muted,
            "attribution": self.style.muted,
            "placeholder": self.style.muted,
            "quote": self.style.text,
            "mark": self.style.accent,
            "code": self.style.text,
        }
        anchor = MSO_ANCHOR.MIDDLE if box.role in ("quote", "placeholder", "statement") else MSO_ANCHOR.TOP
        if box.role == "code":
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(self.code_background)
        if box.role == "placeholder":
            shape.line.color.rgb = rgb(self.style.muted)
            shape.line.dash_style = 4  # dash
        if box.role == "code":  # on its own light box, whatever the slide
            color: str | None = self.code_text
        elif self.ink is not None and box.role in ("subtitle", "meta", "light-caption"):
            color = self.ink
        elif box.role == "number" and self.ink is not None:
            color = colors["number"]
        else:
            color = self._color(colors.get(box.role, self.style.text))
        self._text(shape, box, color=color, anchor=anchor)

    # --------------------------------------------------------------------- text

    def _text(
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
        shape.left, shape.top, shape.width, shape.height = (
            emu(box.rect.x),
            emu(box.rect.y),
            emu(box.rect.w),
            emu(box.rect.h),
        )
        frame: TextFrame = shape.text_frame
        frame.clear()
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        if not inherit:
            frame.vertical_anchor = anchor
        body_pr = frame._txBody.bodyPr
        # Written out even where they equal the defaults (python-pptx would leave those out):
        # a placeholder otherwise inherits the reference deck's insets, columns or vertical
        # text, and the renderer shrinks text we measured for our box.
        for name, value in (("lIns", INSET_X), ("rIns", INSET_X), ("tIns", INSET_Y), ("bIns", INSET_Y)):
            body_pr.set(name, str(emu(value)))
        body_pr.set("numCol", "1")
        body_pr.set("vert", "horz")
        for child in list(body_pr):
            if child.tag in (qn("a:normAutofit"), qn("a:spAutoFit"), qn("a:noAutofit")):
                body_pr.remove(child)
        etree.SubElement(body_pr, qn("a:normAutofit"))
        if box.colored:
            self._code(frame, box)
            return
        for index, para in enumerate(box.paras):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            self._paragraph(
                paragraph, para, box, color=color, heading=heading, first=index == 0, inherit_align=inherit
            )

    def _paragraph(
        self,
        paragraph: _Paragraph,
        para: Para,
        box: TextBox,
        *,
        color: str | None,
        heading: bool,
        first: bool,
        inherit_align: bool = False,
    ) -> None:
        own = text_direction("".join(r.text for r in para.runs if not r.style.code))
        deck_direction = "rtl" if self.deck.rtl else "ltr"
        if box.mono:
            direction = "ltr"  # code stays left to right
        elif box.role in FURNITURE or own is None:
            direction = deck_direction
        else:
            direction = own  # a body paragraph runs in its own direction, as dir="auto" does
        rtl = direction == "rtl"
        if not inherit_align or rtl:
            start = PP_ALIGN.RIGHT if rtl else PP_ALIGN.LEFT
            paragraph.alignment = {"center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}.get(box.align, start)
        p_pr = paragraph._p.get_or_add_pPr()
        if rtl:
            p_pr.set("rtl", "1")
        bulleted = para.bullet is not None
        p_pr.set("marL", str(emu(margin_left(para.level, bulleted))))
        p_pr.set("indent", str(-emu(margin_left(0, True))) if bulleted else "0")
        p_pr.set("hangingPunct", "0")  # measured text never hangs punctuation into the margin
        line = etree.SubElement(p_pr, qn("a:lnSpc"))
        etree.SubElement(line, qn("a:spcPct"), val="100000")
        space = 0.0 if first else box.size * (SPACE_BEFORE_EM if para.level == 0 else SUB_SPACE_BEFORE_EM)
        before = etree.SubElement(p_pr, qn("a:spcBef"))
        etree.SubElement(before, qn("a:spcPts"), val=str(round(space * 100)))
        if bulleted:
            assert para.bullet is not None
            if self.branded:
                etree.SubElement(p_pr, qn("a:buClr")).append(_srgb(self.style.accent))
                etree.SubElement(p_pr, qn("a:buFont"), typeface=self.deck.font)
            if para.bullet.endswith(".") and para.bullet[:-1].isdigit():
                etree.SubElement(p_pr, qn("a:buAutoNum"), type="arabicPeriod", startAt=para.bullet[:-1])
            else:
                etree.SubElement(p_pr, qn("a:buChar"), char=para.bullet)
        else:
            etree.SubElement(p_pr, qn("a:buNone"))
        for index, run_plan in enumerate(para.runs):
            st = run_plan.style
            text = _held(run_plan, direction, own, first=index == 0, last=index == len(para.runs) - 1)
            mono = st.code or box.mono
            font = (
                self.deck.mono_font
                if mono
                # under a template, its theme fonts (which we measured with)
                else (self.deck.heading_font if heading else self.deck.font)
                if self.branded
                else None
            )
            run_color = color
            link = in_text_color = None
            if st.link and not heading:
                link = self._link(paragraph, st.link)
                on_fill = self.ink is not None and color == self.ink
                if on_fill or self.branded:  # links on a fill take its ink, else the accent
                    run_color = color if on_fill and color else self.style.accent
                    in_text_color = True
            add_run(
                paragraph._p,
                text,
                RunFormat(
                    size=box.size,
                    font=font,
                    bold=st.bold or (heading and box.role == "title" and self.geo.title_bold),
                    italic=st.italic or box.role == "quote",
                    color=run_color,
                    lang=self.deck.lang,
                    cap_none=True,
                    underline=link is not None,
                    strike=st.strike,
                    baseline=30000 if st.superscript else -25000 if st.subscript else None,
                    link=link,
                    link_in_text_color=bool(in_text_color),
                ),
            )

    def _link(self, paragraph: _Paragraph, url: str) -> str:
        """The relationship id of an external hyperlink from the paragraph's slide to ``url``."""
        return self.appender.hyperlink(paragraph.part, url)

    def _code(self, frame: TextFrame, box: TextBox) -> None:
        paragraph = frame.paragraphs[0]
        self._paragraph(
            paragraph,
            Para(runs=(), bullet=None),
            box,
            color=self._color(self.style.text),
            heading=False,
            first=True,
        )
        for text, color, bold, italic in box.colored:
            parts = text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    paragraph = frame.add_paragraph()
                    self._paragraph(
                        paragraph,
                        Para(runs=(), bullet=None),
                        box,
                        color=self._color(self.style.text),
                        heading=False,
                        first=True,
                    )
                if not part:
                    continue
                add_run(
                    paragraph._p,
                    part,
                    RunFormat(
                        size=box.size,
                        font=self.deck.mono_font,
                        bold=bold,
                        italic=italic,
                        color=color or self.code_text,
                    ),
                )

    # ------------------------------------------------------------------ shapes

    def _background(self, slide: PptxSlide, color: str) -> None:
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = rgb(color)

    def _bar(self, slide: PptxSlide, rect: Rect, color: str) -> None:
        if self.deck.rtl:  # the bar sits under the start of the title, which is on the right
            rect = Rect(self.deck.width - rect.x - rect.w, rect.y, rect.w, rect.h)
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
        bar.fill.solid()
        bar.fill.fore_color.rgb = rgb(color)
        bar.line.fill.background()
        bar.name = "Accent bar"

    def _picture(self, slide: PptxSlide, picture: Picture) -> None:
        data, _ = pptx_image(picture.resource.data, picture.resource.media_type)
        rect = picture.rect
        pic = slide.shapes.add_picture(io.BytesIO(data), emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
        left, top, right, bottom = picture.crop
        pic.crop_left, pic.crop_top, pic.crop_right, pic.crop_bottom = left, top, right, bottom
        c_nv_pr = pic._element.nvPicPr.cNvPr  # type: ignore[union-attr]
        c_nv_pr.set("descr", picture.alt)
        c_nv_pr.set("name", "Picture")

    def _overlay(self, slide: PptxSlide) -> None:
        """A dark gradient over the cover photo so white text stays legible."""
        full = self.geo.full
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), emu(full.w), emu(full.h))
        shape.line.fill.background()
        shape.name = "Overlay"
        sp_pr = shape._element.spPr
        for child in list(sp_pr):
            if child.tag in (qn("a:solidFill"), qn("a:noFill"), qn("a:gradFill")):
                sp_pr.remove(child)
        grad = etree.Element(qn("a:gradFill"), rotWithShape="1")
        stops = etree.SubElement(grad, qn("a:gsLst"))
        for pos, alpha in ((0, 25000), (45000, 55000), (100000, 85000)):
            stop = etree.SubElement(stops, qn("a:gs"), pos=str(pos))
            color = etree.SubElement(stop, qn("a:srgbClr"), val=PHOTO_SHADE.lstrip("#"))
            etree.SubElement(color, qn("a:alpha"), val=str(alpha))
        etree.SubElement(grad, qn("a:lin"), ang="5400000", scaled="0")
        geometry = sp_pr.find(qn("a:prstGeom"))
        geometry.addnext(grad)

    def _band(self, slide: PptxSlide, rect: Rect) -> None:
        """A translucent dark band across a photo, under its title and caption."""
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h)
        )
        shape.line.fill.background()
        shape.name = "Caption band"
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(PHOTO_SHADE)
        color = shape.fill._xPr.find(qn("a:solidFill")).find(qn("a:srgbClr"))
        etree.SubElement(color, qn("a:alpha"), val="72000")

    def _slide_number(self, slide: PptxSlide, number: int) -> None:
        rect = self.geo.footer
        if self.deck.rtl:  # the outer corner on the reading side's end: bottom left
            rect = Rect(self.deck.width - rect.x - rect.w, rect.y, rect.w, rect.h)
        box = slide.shapes.add_textbox(emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
        box.name = "Slide number"
        frame = box.text_frame
        frame.margin_left = frame.margin_right = emu(INSET_X)
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT if self.deck.rtl else PP_ALIGN.RIGHT
        field = etree.SubElement(
            paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum"
        )
        r_pr = etree.SubElement(field, qn("a:rPr"), lang="en-US", sz="1200")
        if self.branded:
            fill = etree.SubElement(r_pr, qn("a:solidFill"))
            fill.append(_srgb(self.ink or self.style.muted))
            etree.SubElement(r_pr, qn("a:latin"), typeface=self.deck.font)
        etree.SubElement(field, qn("a:t")).text = str(number)

    def _table(self, slide: PptxSlide, table: TableShape) -> None:
        nrows = len(table.row_heights)
        ncols = len(table.col_widths)
        r = table.rect
        frame = slide.shapes.add_table(nrows, ncols, emu(r.x), emu(r.y), emu(r.w), emu(r.h))
        grid = frame.table
        # Straight on the XML: python-pptx finds a column, row or cell by index by listing them
        # all, and resums every width after setting one, which made a wide table cost cols³.
        for column, width in zip(grid._tbl.tblGrid.gridCol_lst, table.col_widths, strict=True):
            column.w = emu(width)
        for tr, height in zip(grid._tbl.tr_lst, table.row_heights, strict=True):
            tr.h = emu(height)
        frame.width = Emu(sum(emu(w) for w in table.col_widths))
        frame.height = Emu(sum(emu(h) for h in table.row_heights))
        cells = grid.iter_cells()  # row by row
        rows = ([table.header] if table.header else []) + list(table.rows)
        header_ink = ink_on(self.style.accent)
        for ri, row in enumerate(rows):
            header = bool(table.header) and ri == 0
            for ci in range(ncols):
                cell = next(cells)
                cell.margin_left = cell.margin_right = emu(INSET_X)
                cell.margin_top = cell.margin_bottom = emu(INSET_Y)
                if self.branded:  # under a template, its table style
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = rgb(
                        self.style.accent
                        if header
                        else (
                            self.style.background
                            if ri % 2
                            else mix(self.style.accent, self.style.background, 0.9)
                        )
                    )
                content = row[ci] if ci < len(row) else None
                paragraph = cell.text_frame.paragraphs[0]
                runs = content.runs if content else ()
                own = text_direction("".join(r.text for r in runs if not r.style.code))
                direction = own or ("rtl" if self.deck.rtl else "ltr")
                start = PP_ALIGN.RIGHT if direction == "rtl" else PP_ALIGN.LEFT
                paragraph.alignment = {
                    "left": PP_ALIGN.LEFT,
                    "center": PP_ALIGN.CENTER,
                    "right": PP_ALIGN.RIGHT,
                }.get(content.align if content else "", start)
                if direction == "rtl":
                    paragraph._p.get_or_add_pPr().set("rtl", "1")
                for index, run_plan in enumerate(runs):
                    st = run_plan.style
                    link = self._link(paragraph, st.link) if st.link else None
                    ink = header_ink if header else self.style.accent if link else self.style.text
                    add_run(
                        paragraph._p,
                        _held(run_plan, direction, own, first=index == 0, last=index == len(runs) - 1),
                        RunFormat(
                            size=table.size,
                            font=self.deck.mono_font if st.code else self.deck.font if self.branded else None,
                            bold=st.bold or header,
                            italic=st.italic,
                            color=ink if self.branded else None,
                            underline=link is not None,
                            link=link,
                            link_in_text_color=link is not None and self.branded,
                        ),
                    )


def _held(run: Run, direction: str, own: str | None, *, first: bool, last: bool) -> str:
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


def _by_name(layouts: list[SlideLayout], name: str) -> SlideLayout:
    """python-pptx's default deck has every layout we use, under these names."""
    return next(layout for layout in layouts if layout.name == name)


def _remove_slides(prs: object) -> None:
    """Drop the slides a reference deck came with (its layouts and masters stay)."""
    slides = prs.slides  # type: ignore[attr-defined]
    id_list = slides._sldIdLst
    for slide_id in list(id_list):
        prs.part.drop_rel(slide_id.rId)  # type: ignore[attr-defined]
        id_list.remove(slide_id)


def _send_to_back(slide: PptxSlide, count: int) -> None:
    """Move the last ``count`` shapes behind everything else (after the group properties)."""
    tree = slide.shapes._spTree
    shapes = list(tree)[-count:] if count else []
    for offset, element in enumerate(shapes):
        tree.remove(element)
        tree.insert(2 + offset, element)


def _srgb(color: str) -> etree._Element:
    return etree.Element(qn("a:srgbClr"), val=color.lstrip("#").upper())


def _apply_palette(prs: object, style: SlideStyle) -> None:
    """Write the theme's colours and fonts into the deck's own theme part (hyperlink colour,
    table styles and any text the user adds later follow them)."""

    master_part = prs.slide_master.part  # type: ignore[attr-defined]
    theme_part = master_part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    scheme = root.find(".//a:clrScheme", ns)
    colors = {
        "dk1": style.text,
        "lt1": "#FFFFFF",
        "dk2": style.title,
        "lt2": style.background,
        "accent1": style.accent,
        "hlink": style.accent,
        "folHlink": style.muted,
    }
    if scheme is not None:
        for name, value in colors.items():
            slot = scheme.find(f"a:{name}", ns)
            if slot is None:
                continue
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, qn("a:srgbClr"), val=value.lstrip("#").upper())
    for kind, face in (("majorFont", style.heading_font), ("minorFont", style.font)):
        latin = root.find(f".//a:fontScheme/a:{kind}/a:latin", ns)
        if latin is not None:
            latin.set("typeface", face)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def pptx_image(data: bytes, media_type: str) -> tuple[bytes, str]:
    """Bytes python-pptx can embed: JPEG, PNG and GIF as they are, anything else as PNG."""
    if media_type in ("image/jpeg", "image/png", "image/gif"):
        return data, media_type
    with PILImage.open(io.BytesIO(data)) as img:
        out = io.BytesIO()
        img.save(out, "PNG")
    return out.getvalue(), "image/png"
