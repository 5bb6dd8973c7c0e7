"""Text runs written straight into the slide XML.

A deck has thousands of runs, and python-pptx builds each one through a chain of
descriptor lookups and per-attribute XPath searches (about a third of the time of writing
a deck went there). :func:`add_run` writes the very XML python-pptx writes for
``run.text``, ``font.size``, ``font.name``, ``font.bold``, ``font.italic``,
``font.color.rgb``, ``font.underline`` and ``run.hyperlink.address``, with lxml, in the
order the schema (``CT_TextCharacterProperties``) wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_HLINK_COLOR = "{http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor}hlinkClr"
_HLINK_COLOR_URI = "{A12FA001-AC4F-418D-AE19-62706E023703}"
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")


@dataclass(frozen=True, slots=True, kw_only=True)
class RunFormat:
    """What a run says about itself; ``None`` leaves it to the layout or the theme."""

    size: float  # points
    font: str | None = None  # the Latin typeface
    bold: bool = False
    italic: bool = False
    color: str | None = None  # "#RRGGBB"
    lang: str | None = None
    cap_none: bool = False  # layouts may set all-caps titles
    underline: bool = False
    strike: bool = False
    baseline: int | None = None  # thousandths of a percent: 30000 superscript, -25000 subscript
    link: str | None = None  # the relationship id of the run's hyperlink
    link_in_text_color: bool = False  # draw the link in the run's colour, not the theme's


def add_run(paragraph: etree._Element, text: str, run: RunFormat) -> etree._Element:
    """Append an ``a:r`` with ``text`` to ``paragraph`` (an ``a:p``), before its
    ``a:endParaRPr`` if it has one."""
    r = etree.SubElement(paragraph, f"{_A}r")  # in the tree first, so it takes the tree's prefixes
    props = etree.SubElement(r, f"{_A}rPr")
    props.set("sz", str(int(run.size * 12700) // 127))  # centipoints, as python-pptx rounds them
    props.set("b", "1" if run.bold else "0")
    props.set("i", "1" if run.italic else "0")
    if run.cap_none:
        props.set("cap", "none")
    if run.lang is not None:
        props.set("lang", run.lang)
    if run.underline:
        props.set("u", "sng")
    if run.strike:
        props.set("strike", "sngStrike")
    if run.baseline is not None:
        props.set("baseline", str(run.baseline))
    if run.color is not None:
        fill = etree.SubElement(props, f"{_A}solidFill")
        etree.SubElement(fill, f"{_A}srgbClr", val=run.color.lstrip("#").upper())
    if run.font is not None:
        etree.SubElement(props, f"{_A}latin", typeface=run.font)
    if run.link is not None:
        click = etree.SubElement(props, f"{_A}hlinkClick", {_R_ID: run.link})
        if run.link_in_text_color:
            ext = etree.SubElement(etree.SubElement(click, f"{_A}extLst"), f"{_A}ext", uri=_HLINK_COLOR_URI)
            etree.SubElement(ext, _HLINK_COLOR, val="tx")
    # python-pptx's escape for control characters a:t cannot hold (tab and newline can)
    etree.SubElement(r, f"{_A}t").text = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    end = paragraph.find(f"{_A}endParaRPr")
    if end is not None:
        end.addprevious(r)
    return r
