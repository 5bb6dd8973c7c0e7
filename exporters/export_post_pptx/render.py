"""Deck → .pptx bytes with python-pptx (which, besides this, only :mod:`.template` reads).

Layouts are taken by name from the template ("Title Slide", "Title and Content", "Section
Header", "Title Only"; :mod:`.template` finds them and their fallbacks); their title and
body placeholders are used (so outline view, accessibility tools and PowerPoint's own
restyling see real titles), placed where the planner measured them. Text is written by
:mod:`.textframe`, tables by :mod:`.tables`, the other shapes by :mod:`.shapes`; the raw
XML python-pptx has no API for is in :mod:`.oxml`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide as PptxSlide
from pptx.slide import SlideLayout
from pptx.util import Emu

from export_post.diagnostics import Reporter
from export_post.metatext import field_text
from export_post.toolkit.archive import NormalZip
from export_post.toolkit.color import contrast, ink_on, luminance, mix

from . import oxml, shapes
from .appender import Appender
from .coreprops import CORE_PROPERTY_UNITS, CORE_TEXT_PROPERTIES
from .deck import Deck, Kind, Rect, Slide, TextBox
from .geometry import Geometry
from .pictures import rasterise
from .shapes import PHOTO_SHADE
from .style import SlideStyle
from .tables import draw_table
from .textframe import TextWriter
from .units import emu, rgb

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
BARRED = (Kind.CONTENT, Kind.AGENDA, Kind.IMAGE, Kind.CODE, Kind.TABLE)  # an accent bar under the title


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
        self.deck = rasterise(deck, reporter)  # SVG and math drawn for their boxes
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
            oxml.remove_slides(prs)  # a reference deck lends its design, not its slides
        available = list(prs.slide_layouts)
        self.appender = Appender(prs)  # python-pptx alone would make the deck cost slides²
        self.writer = TextWriter(
            deck=self.deck,
            style=self.style,
            appender=self.appender,
            branded=self.branded,
            title_bold=self.geo.title_bold,
            code_text=self.code_text,
        )
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
        if self.timestamp is None:
            out = io.BytesIO()
            prs.save(out)
            return out.getvalue()
        target = NormalZip(self.timestamp)
        oxml.write_package(prs, target)
        return target.finish()

    # ------------------------------------------------------------------- slides

    def slide(self, slide: PptxSlide, plan: Slide, number: int) -> None:
        # Slides filled with a colour (our section and title slides) or a photo get text in
        # the ink that reads on that fill; the rest use the theme's (or template's) colours.
        fill = self._fill(plan)
        self.fill, self.ink = fill, (ink_on(fill) if fill is not None else None)
        self.writer.ink = self.ink
        self._backdrop(slide, plan)
        placeholders = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
        title_ph = placeholders.pop(0, None)
        body_ph = placeholders.pop(1, None)
        for ph in placeholders.values():  # date, footer, number: we number slides ourselves
            oxml.remove(ph)
        self._title(slide, plan, title_ph)
        bar = self.geo.accent_bar
        if bar is not None and plan.kind in BARRED and plan.band is None:
            # Right to left, the bar sits under the start of the title, which is on the right.
            shapes.bar(slide, self._mirrored(bar), self.style.accent)
        self._boxes(slide, plan, body_ph)
        if plan.table is not None:
            draw_table(slide, plan.table, self.writer)
        if plan.kind is not Kind.TITLE:
            look = (self.ink or self.style.muted, self.deck.font) if self.branded else None
            shapes.slide_number(slide, self._mirrored(self.geo.footer), number, rtl=self.deck.rtl, look=look)
        if plan.notes:
            notes = self.appender.notes_slide(slide).notes_text_frame
            assert notes is not None
            notes.text = plan.notes

    def _backdrop(self, slide: PptxSlide, plan: Slide) -> None:
        """The background, pictures, overlay and band, behind everything else."""
        if self.branded:  # under a template, its masters decide every background
            background = self.fill if self.fill is not None and not plan.pictures else self.style.background
            if plan.kind is Kind.QUOTE:
                background = mix(self.style.accent, self.style.background, 0.9)
            shapes.background(slide, background)
        for picture in plan.pictures:
            shapes.picture(slide, picture)
        if plan.overlay:
            shapes.overlay(slide, self.geo.full)
        if plan.band is not None:
            shapes.band(slide, plan.band)
        oxml.send_to_back(slide, len(plan.pictures) + (1 if plan.overlay else 0) + (plan.band is not None))

    def _title(self, slide: PptxSlide, plan: Slide, title_ph: Any) -> None:
        if plan.title is None:
            if title_ph is not None:
                oxml.remove(title_ph)
            return
        color = self.ink or self._color(self.style.title)
        shape = title_ph if title_ph is not None else slide.shapes.add_textbox(Emu(0), Emu(0), Emu(1), Emu(1))
        anchor = (
            MSO_ANCHOR.TOP if plan.kind in (Kind.TITLE, Kind.SECTION, Kind.CLOSING) else MSO_ANCHOR.BOTTOM
        )
        self.writer.text(
            shape, plan.title, color=color, heading=True, anchor=anchor, placeholder=title_ph is not None
        )

    def _boxes(self, slide: PptxSlide, plan: Slide, body_ph: Any) -> None:
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
                self.writer.text(body_ph, box, color=color, anchor=anchor, placeholder=True)
                body_ph = None
            else:
                self._box(slide, box)
        if body_ph is not None:
            oxml.remove(body_ph)

    def _mirrored(self, rect: Rect) -> Rect:
        """``rect`` on the other side of a right-to-left deck (its reading side's end)."""
        return Rect(self.deck.width - rect.x - rect.w, rect.y, rect.w, rect.h) if self.deck.rtl else rect

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
        anchor = MSO_ANCHOR.MIDDLE if box.role in ("quote", "placeholder", "statement") else MSO_ANCHOR.TOP
        if box.role == "code":
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(self.code_background)
        if box.role == "placeholder":
            shape.line.color.rgb = rgb(self.style.muted)
            shape.line.dash_style = 4  # dash
        self.writer.text(shape, box, color=self._box_color(box.role), anchor=anchor)

    def _box_color(self, role: str) -> str | None:
        if role == "code":  # on its own light box, whatever the slide
            return self.code_text
        if self.ink is not None and role in ("subtitle", "meta", "light-caption"):
            return self.ink
        number = mix(self.ink or self.style.accent, self.fill or self.style.background, 0.3)
        if role == "number" and self.ink is not None:
            return number
        colors = {
            "subtitle": self.style.muted,
            "meta": self.style.muted,
            "number": number,
            "caption": self.style.muted,
            "attribution": self.style.muted,
            "placeholder": self.style.muted,
            "quote": self.style.text,
            "mark": self.style.accent,
            "code": self.style.text,
        }
        return self._color(colors.get(role, self.style.text))


def _by_name(layouts: list[SlideLayout], name: str) -> SlideLayout:
    """python-pptx's default deck has every layout we use, under these names."""
    return next(layout for layout in layouts if layout.name == name)


def _apply_palette(prs: object, style: SlideStyle) -> None:
    """Write the theme's colours and fonts into the deck's own theme part (hyperlink colour,
    table styles and any text the user adds later follow them)."""
    colors = {
        "dk1": style.text,
        "lt1": "#FFFFFF",
        "dk2": style.title,
        "lt2": style.background,
        "accent1": style.accent,
        "hlink": style.accent,
        "folHlink": style.muted,
    }
    oxml.set_theme(prs, colors, {"majorFont": style.heading_font, "minorFont": style.font})
