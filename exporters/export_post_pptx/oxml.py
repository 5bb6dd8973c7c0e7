"""The raw OOXML work python-pptx has no API for, gathered here (with :mod:`.runs`, which
writes text runs, and :mod:`.appender`, which replaces the package's own lookups).

Every function reaches into python-pptx's private parts (``_element``, ``_p``, ``_txBody``,
``_tbl``, ``_spTree``, ``_sldIdLst``, ``drop_rel``, a part's ``_blob``, the package writer's
steps); its docstring says why the public API does not do.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu

from export_post.toolkit.archive import NormalZip

_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_AUTOFIT = (qn("a:normAutofit"), qn("a:spAutoFit"), qn("a:noAutofit"))
_FILLS = (qn("a:solidFill"), qn("a:noFill"), qn("a:gradFill"))


def element(obj: Any) -> Any:
    """The XML under a python-pptx object: python-pptx does not expose a layout's type, a
    placeholder's list style or the master's title style, which :mod:`.template` reads."""
    return obj._element


def remove(shape: Any) -> None:
    """Take ``shape`` off its slide: python-pptx can add placeholders but not delete them."""
    shape._element.getparent().remove(shape._element)


def srgb(color: str) -> etree._Element:
    return etree.Element(qn("a:srgbClr"), val=color.lstrip("#").upper())


def frame_body(frame: TextFrame, inset_x: Emu, inset_y: Emu) -> None:
    """Insets, one column, horizontal text and shrink-on-overflow written on the frame's
    ``bodyPr``, even where they equal the defaults (python-pptx leaves those out, so a
    placeholder would inherit the reference deck's insets, columns or vertical text, and
    the renderer shrink text we measured for our box)."""
    body_pr = frame._txBody.bodyPr
    for name, value in (("lIns", inset_x), ("rIns", inset_x), ("tIns", inset_y), ("bIns", inset_y)):
        body_pr.set(name, str(value))
    body_pr.set("numCol", "1")
    body_pr.set("vert", "horz")
    for child in list(body_pr):
        if child.tag in _AUTOFIT:
            body_pr.remove(child)
    etree.SubElement(body_pr, qn("a:normAutofit"))


def paragraph_xml(paragraph: _Paragraph) -> Any:
    """The ``a:p`` of a paragraph: runs are written on it directly (see :mod:`.runs`)."""
    return paragraph._p


def set_rtl(paragraph: _Paragraph) -> None:
    """Mark a paragraph right to left: python-pptx has no direction setting."""
    paragraph._p.get_or_add_pPr().set("rtl", "1")


def paragraph_format(
    paragraph: _Paragraph,
    *,
    rtl: bool,
    margin: Emu,
    indent: Emu,
    space_before: float,
    bullet: str | None,
    bullet_look: tuple[str, str] | None = None,
) -> None:
    """A paragraph's margin, hanging indent, single spacing, space before (points) and
    bullet (a character, or "3." for a number; ``bullet_look``: its colour and font),
    written in full: python-pptx has no bullet API, and what is left out a template's
    list styles would decide."""
    p_pr = paragraph._p.get_or_add_pPr()
    if rtl:
        p_pr.set("rtl", "1")
    p_pr.set("marL", str(margin))
    p_pr.set("indent", str(indent))
    p_pr.set("hangingPunct", "0")  # measured text never hangs punctuation into the margin
    line = etree.SubElement(p_pr, qn("a:lnSpc"))
    etree.SubElement(line, qn("a:spcPct"), val="100000")
    before = etree.SubElement(p_pr, qn("a:spcBef"))
    etree.SubElement(before, qn("a:spcPts"), val=str(round(space_before * 100)))
    if bullet is None:
        etree.SubElement(p_pr, qn("a:buNone"))
        return
    if bullet_look is not None:
        etree.SubElement(p_pr, qn("a:buClr")).append(srgb(bullet_look[0]))
        etree.SubElement(p_pr, qn("a:buFont"), typeface=bullet_look[1])
    if bullet.endswith(".") and bullet[:-1].isdigit():
        etree.SubElement(p_pr, qn("a:buAutoNum"), type="arabicPeriod", startAt=bullet[:-1])
    else:
        etree.SubElement(p_pr, qn("a:buChar"), char=bullet)


def slide_number_field(paragraph: _Paragraph, number: int, look: tuple[str, str] | None) -> None:
    """A slide-number field showing ``number`` (``look``: its colour and font): python-pptx
    has no fields."""
    field = etree.SubElement(
        paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum"
    )
    r_pr = etree.SubElement(field, qn("a:rPr"), lang="en-US", sz="1200")
    if look is not None:
        fill = etree.SubElement(r_pr, qn("a:solidFill"))
        fill.append(srgb(look[0]))
        etree.SubElement(r_pr, qn("a:latin"), typeface=look[1])
    etree.SubElement(field, qn("a:t")).text = str(number)


def describe_picture(picture: Any, alt: str, name: str) -> None:
    """A picture's alt text and name: python-pptx sets neither."""
    c_nv_pr = picture._element.nvPicPr.cNvPr
    c_nv_pr.set("descr", alt)
    c_nv_pr.set("name", name)


def gradient_fill(shape: Any, color: str, stops: Sequence[tuple[int, int]], angle: int) -> None:
    """Fill ``shape`` with ``color`` at a transparency changing along ``angle`` (60,000ths of
    a degree) through ``stops`` (position, alpha: 1,000ths of a percent): python-pptx's
    gradients have no transparency."""
    sp_pr = shape._element.spPr
    for child in list(sp_pr):
        if child.tag in _FILLS:
            sp_pr.remove(child)
    grad = etree.Element(qn("a:gradFill"), rotWithShape="1")
    stop_list = etree.SubElement(grad, qn("a:gsLst"))
    for pos, alpha in stops:
        stop = etree.SubElement(stop_list, qn("a:gs"), pos=str(pos))
        rgb = etree.SubElement(stop, qn("a:srgbClr"), val=color.lstrip("#"))
        etree.SubElement(rgb, qn("a:alpha"), val=str(alpha))
    etree.SubElement(grad, qn("a:lin"), ang=str(angle), scaled="0")
    sp_pr.find(qn("a:prstGeom")).addnext(grad)


def fill_alpha(shape: Any, alpha: int) -> None:
    """Make a shape's solid fill translucent (1,000ths of a percent opaque): python-pptx's
    colours have no transparency."""
    color = shape.fill._xPr.find(qn("a:solidFill")).find(qn("a:srgbClr"))
    etree.SubElement(color, qn("a:alpha"), val=str(alpha))


def size_table(table: Any, widths: Sequence[Emu], heights: Sequence[Emu]) -> None:
    """Column widths and row heights set straight on the XML: python-pptx finds a column or
    row by index by listing them all, and resums every width after setting one, which
    made a wide table cost cols³."""
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    for tr, height in zip(table._tbl.tr_lst, heights, strict=True):
        tr.h = height


def remove_slides(prs: Any) -> None:
    """Drop the slides a reference deck came with (its layouts and masters stay):
    python-pptx cannot delete a slide."""
    id_list = prs.slides._sldIdLst
    for slide_id in list(id_list):
        prs.part.drop_rel(slide_id.rId)
        id_list.remove(slide_id)


def send_to_back(slide: Slide, count: int) -> None:
    """Move the last ``count`` shapes behind everything else (after the group properties):
    python-pptx has no z-order."""
    tree = slide.shapes._spTree
    shapes = list(tree)[-count:] if count else []
    for offset, shape in enumerate(shapes):
        tree.remove(shape)
        tree.insert(2 + offset, shape)


def set_theme(prs: Any, colors: Mapping[str, str], fonts: Mapping[str, str]) -> None:
    """Write colours (by scheme slot: "dk1", "accent1", "hlink", …) and fonts ("majorFont",
    "minorFont") into the deck's theme part, which python-pptx only reads."""
    theme_part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    scheme = root.find(".//a:clrScheme", _NS)
    if scheme is not None:
        for name, value in colors.items():
            slot = scheme.find(f"a:{name}", _NS)
            if slot is None:
                continue
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, qn("a:srgbClr"), val=value.lstrip("#").upper())
    for kind, face in fonts.items():
        latin = root.find(f".//a:fontScheme/a:{kind}/a:latin", _NS)
        if latin is not None:
            latin.set("typeface", face)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_package(prs: Any, target: NormalZip) -> None:
    """Every part of ``prs`` added to ``target`` as ``prs.save`` would write it (its
    ``PackageWriter``'s private steps, with ``target`` for its zip): saving would deflate
    the deck into a zip of its own, which :func:`normalise_zip` would read back and deflate
    again (56 ms of a 120-slide deck)."""
    from pptx.opc.serialized import PackageWriter

    package = prs.part.package
    writer = PackageWriter(io.BytesIO(), package._rels, tuple(package.iter_parts()))
    members: Any = _Members(target)  # what the writer calls: write(uri, blob)
    writer._write_content_types_stream(members)
    writer._write_pkg_rels(members)
    writer._write_parts(members)


class _Members:
    """What python-pptx's package writer writes to: a zip writer's ``write(uri, blob)``."""

    def __init__(self, target: NormalZip) -> None:
        self.target = target

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.target.add(pack_uri.membername, blob)
