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
import unicodedata
from dataclasses import dataclass, replace

import regex
from lxml import etree

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_HLINK_COLOR = "{http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor}hlinkClr"
_HLINK_COLOR_URI = "{A12FA001-AC4F-418D-AE19-62706E023703}"
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
# An emoji with its modifiers, variation selector and joined parts (one capturing group, for split)
EMOJI = regex.compile(
    r"(\p{Extended_Pictographic}[\uFE0F\U0001F3FB-\U0001F3FF]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\U0001F3FB-\U0001F3FF]*)*)"
)


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
    complex_font: str | None = None  # the typeface of complex-script text (Arabic, Hebrew, Thai …)


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
    if run.complex_font is not None:
        etree.SubElement(props, f"{_A}cs", typeface=run.complex_font)
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


# Each character's bidi class, simplified: R right-to-left letter, L left-to-right letter,
# D digit, M combining mark, S space, C separator inside a number, T number prefix/suffix
# ("%", "$"), P any other neutral character.
_CLASS = {"R": "R", "AL": "R", "L": "L", "EN": "D", "AN": "D", "NSM": "M", "CS": "C", "ES": "C", "ET": "T"}
_NUMBER = r"T*D+(?:[CT]?D+)*T*"
_LEFT_TO_RIGHT = rf"(?:L|{_NUMBER})M*"
_PIECE = re.compile(rf"{_LEFT_TO_RIGHT}(?:[SCTP]*{_LEFT_TO_RIGHT})*|(?:RM*)+|S+|.")


def add_link_runs(paragraph: etree._Element, text: str, run: RunFormat) -> None:
    """Append linked ``text``. LibreOffice draws a link as one field that it neither wraps
    nor reorders inside: right-to-left words in it come out in the wrong order, or off the
    slide. A link holding right-to-left text is written as one linked run per right-to-left
    word and per left-to-right phrase (numbers whole), with the spaces and punctuation
    between them plain, so that each field reads one way and lines break between them as
    in any text."""
    classes = "".join(_class(char) for char in text)
    if "R" not in classes:
        add_run(paragraph, text, run)
        return
    plain = replace(run, link=None, underline=False)
    for match in _PIECE.finditer(classes):
        linked = classes[match.start()] in "RLDT" and match.group() != "T"
        add_run(paragraph, text[match.start() : match.end()], run if linked else plain)


def _class(char: str) -> str:
    return "S" if char.isspace() else _CLASS.get(unicodedata.bidirectional(char), "P")
