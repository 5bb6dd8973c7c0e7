"""Reading a reference .pptx: slide size, which layouts to use, where they put text, its fonts.

A template is the user's design: its masters, layouts, fonts and colours are kept. What
the planner needs from it is measured here once, before planning: the slide size, the
title and body placeholders of the layouts we use, and the theme's heading and body
fonts, which the text is measured in.

Layouts are found by PowerPoint's English name ("Title and Content"); failing that by the
layout type PowerPoint stores whatever the name (``obj``, so translated and renamed
templates work); failing that the template's "Blank" layout (or its last one), with a
warning naming the missing layout.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.slide import SlideLayout

from export_post.errors import OptionError

from . import oxml
from .deck import Rect
from .geometry import Geometry
from .style import SlideStyle

EMU_PER_PT = 12700
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_ALIGN = {"l": "left", "ctr": "center", "r": "right", "just": "left", "dist": "left"}

# The layouts a deck uses, with the OOXML layout type each is found by when its name is not.
# A missing one falls back to the template's blank layout.
LAYOUT_TYPES = {
    "Title Slide": "title",
    "Title and Content": "obj",
    "Section Header": "secHead",
    "Title Only": "titleOnly",
}


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    geometry: Geometry
    style: SlideStyle  # fonts (and colours) the deck is drawn and measured with
    path: Path | None
    layouts: Mapping[str, int] = field(default_factory=dict)  # our layout name → index in the deck
    warnings: tuple[str, ...] = ()


def read_template(path: Path | None, style: SlideStyle) -> TemplateInfo:
    """The geometry and style for a deck: ours (16:9) without a template, else the template's."""
    if path is None:
        return TemplateInfo(Geometry.default(), style, None)
    stat = path.stat()
    return _read(path.resolve(), stat.st_size, stat.st_mtime_ns, style)


@lru_cache(maxsize=8)  # a batch reads the same template once, not once per post
def _read(path: Path, size: int, mtime: int, style: SlideStyle) -> TemplateInfo:
    del size, mtime  # cache key only: a changed file is read again
    prs = open_deck(path)
    width = (prs.slide_width or 9144000) / EMU_PER_PT
    height = (prs.slide_height or 6858000) / EMU_PER_PT
    geometry = Geometry.default(width, height, branded=False)
    all_layouts = list(prs.slide_layouts)
    if not all_layouts:
        raise OptionError(f"{path}: the deck has no slide layouts to use")
    layouts, warnings = match_layouts(all_layouts)
    rects: dict[str, Rect] = {}
    for name, mapping in (
        ("Title and Content", {PP_PLACEHOLDER.TITLE: "title", PP_PLACEHOLDER.OBJECT: "body"}),
        (
            "Title Slide",
            {PP_PLACEHOLDER.CENTER_TITLE: "cover_title", PP_PLACEHOLDER.SUBTITLE: "cover_subtitle"},
        ),
        ("Section Header", {PP_PLACEHOLDER.TITLE: "section_title", PP_PLACEHOLDER.BODY: "section_subtitle"}),
    ):
        if name not in layouts:
            continue
        layout = all_layouts[layouts[name]]
        for kind, attr in mapping.items():
            rect = placeholder_rect(layout, kind)
            if rect is not None:
                rects[attr] = rect
        if name == "Title and Content":
            footer = placeholder_rect(layout, PP_PLACEHOLDER.SLIDE_NUMBER)
            if footer is not None:
                rects["footer"] = footer
    geometry = replace(geometry, **rects)  # type: ignore[arg-type]  # all Rect fields
    geometry = _around_placeholders(geometry)
    master = prs.slide_master
    cover_layout = all_layouts[layouts.get("Title Slide", 0)]
    section_layout = all_layouts[layouts.get("Section Header", 0)]
    geometry = replace(
        geometry,
        cover_align=alignment(cover_layout, master, (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE)),
        section_align=alignment(section_layout, master, (PP_PLACEHOLDER.TITLE,)),
        title_bold=_title_bold(master),
    )
    major, minor = _theme_fonts(prs)
    style = replace(style, heading_font=major or style.heading_font, font=minor or style.font)
    return TemplateInfo(geometry, style, path, layouts, tuple(warnings))


def _around_placeholders(geometry: Geometry) -> Geometry:
    """Our own boxes (the byline, the section number) placed clear of the template's text."""
    cover_low = max(geometry.cover_title.bottom, geometry.cover_subtitle.bottom)
    meta = Rect(geometry.cover_title.x, cover_low + 6, geometry.cover_title.w, 30)
    if meta.bottom > geometry.height - 6:  # no room below: above the title instead
        top = min(geometry.cover_title.y, geometry.cover_subtitle.y)
        meta = Rect(meta.x, max(top - 36, 6), meta.w, min(30, max(top - 12, 0)))
    section_top = min(geometry.section_title.y, geometry.section_subtitle.y)
    number_h = min(96.0, section_top - 12)  # too little room leaves the number out (it will not fit)
    number = Rect(
        geometry.section_title.x,
        section_top - 6 - max(number_h, 0),
        geometry.section_title.w,
        max(number_h, 0),
    )
    return replace(geometry, cover_meta=meta, section_number=number)


def alignment(layout: SlideLayout, master: Any, kinds: tuple[PP_PLACEHOLDER, ...]) -> str:
    """How a layout's title lines up: its own list style, else its master's, else the title style."""
    owners: tuple[Any, ...] = (layout, master)
    for owner in owners:
        for placeholder in owner.placeholders:
            if placeholder.placeholder_format.type in kinds:
                level = oxml.element(placeholder).find(f".//{_A}lstStyle/{_A}lvl1pPr")
                if level is not None and level.get("algn"):
                    return _ALIGN.get(level.get("algn"), "left")
    style = oxml.element(master).find(f".//{_P}titleStyle/{_A}lvl1pPr")
    return _ALIGN.get(style.get("algn", "l") if style is not None else "l", "left")


def _title_bold(master: Any) -> bool:
    props = oxml.element(master).find(f".//{_P}titleStyle/{_A}lvl1pPr/{_A}defRPr")
    return props is not None and props.get("b") in ("1", "true")


def open_deck(path: Path) -> Any:
    """python-pptx's Presentation for ``path``, or a one-line error naming the file."""
    try:
        return Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise OptionError(f"{path}: not a usable PowerPoint deck ({error})") from None


def match_layouts(layouts: list[SlideLayout]) -> tuple[dict[str, int], list[str]]:
    """Our layout names → indices of the template's layouts, and a warning per substitution."""
    by_name = {layout.name: i for i, layout in reversed(list(enumerate(layouts)))}
    by_type = {oxml.element(layout).get("type"): i for i, layout in reversed(list(enumerate(layouts)))}
    blank = by_name.get("Blank", by_type.get("blank", len(layouts) - 1))
    found: dict[str, int] = {}
    warnings: list[str] = []
    for name, kind in LAYOUT_TYPES.items():
        if name in by_name:
            found[name] = by_name[name]
        elif kind in by_type:
            found[name] = by_type[kind]
        elif layouts:
            found[name] = blank
            warnings.append(f"template has no {name!r} layout; used {layouts[blank].name!r} instead")
    return found, warnings


def placeholder_rect(layout: SlideLayout, kind: PP_PLACEHOLDER) -> Rect | None:
    """Where ``layout`` (or, if it inherits the position, its master) puts a placeholder."""
    for placeholder in layout.placeholders:  # type: ignore[misc]
        fmt = placeholder.placeholder_format
        same = fmt.type == kind or (kind is PP_PLACEHOLDER.OBJECT and fmt.type == PP_PLACEHOLDER.BODY)
        if not same:
            continue
        values = (placeholder.left, placeholder.top, placeholder.width, placeholder.height)
        if None in values or not values[2] or not values[3]:
            return None
        left, top, width, height = (v / EMU_PER_PT for v in values)
        return Rect(left, top, width, height)
    return None


def _theme_fonts(prs: Any) -> tuple[str, str]:
    """The theme's major (heading) and minor (body) Latin typefaces."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    faces = []
    for kind in ("majorFont", "minorFont"):
        latin = root.find(f".//{_A}fontScheme/{_A}{kind}/{_A}latin")
        faces.append(latin.get("typeface", "") if latin is not None else "")
    return faces[0], faces[1]
