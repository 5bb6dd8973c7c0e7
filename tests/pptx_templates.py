"""Reference decks for the template tests, built here rather than stored as binaries.

``python_pptx_default()`` is python-pptx's own deck (4:3, Calibri, white, centred titles).
``build_dark_template()`` is deliberately unlike it and unlike our theme: dark masters,
cream text, Caladea/Carlito theme fonts, left-aligned regular-weight titles, an amber bar
down the left edge, a centred section header, slide numbers bottom left, and French layout
names (so layouts are found by type, as a translated Office template needs).

Run as a script to write both next to each other: ``python tests/pptx_templates.py OUTDIR``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pptx
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}

FRENCH = {
    "Title Slide": "Diapositive de titre",
    "Title and Content": "Titre et contenu",
    "Section Header": "En-tête de section",
    "Title Only": "Titre seul",
    "Blank": "Vide",
}
COLORS = {
    "dk1": "1B2130",
    "lt1": "F4EFE3",
    "dk2": "2B3245",
    "lt2": "D9D2C3",
    "accent1": "E3A72F",
    "hlink": "8CC4F0",
}


def python_pptx_default() -> Path:
    return Path(pptx.__file__).parent / "templates" / "default.pptx"


def build_dark_template(path: Path, *, width_in: float = 10.0, height_in: float = 7.5) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(width_in), Inches(height_in)
    width, height = Inches(width_in), Inches(height_in)
    master = prs.slide_master
    _theme(master)
    clr_map = master._element.find("p:clrMap", NS)
    clr_map.set("bg1", "dk1")
    clr_map.set("tx1", "lt1")
    clr_map.set("bg2", "dk2")
    clr_map.set("tx2", "lt2")
    title_style = master._element.find(".//p:titleStyle/a:lvl1pPr", NS)
    title_style.set("algn", "l")
    title_style.find("a:defRPr", NS).set("b", "0")
    title_style.find("a:defRPr", NS).set("sz", "3600")

    left = Inches(0.7)
    inner = width - Inches(1.2)
    for placeholder in master.placeholders:
        kind = placeholder.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            _place(placeholder, left, Inches(0.35), inner, Inches(1.0))
        elif kind == PP_PLACEHOLDER.BODY:
            _place(placeholder, left, Inches(1.55), inner, height - Inches(2.3))
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            _place(placeholder, left, height - Inches(0.6), Inches(1.2), Inches(0.4))
    # An amber bar down the left edge of every slide, behind the placeholders. Masters
    # cannot add shapes in python-pptx, so it is drawn on a scratch slide and moved.
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), Inches(0.28), height)
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(COLORS["accent1"])  # type: ignore[no-untyped-call]
    bar.line.fill.background()
    master.shapes._spTree.insert(2, bar._element)
    slide_ids = prs.slides._sldIdLst
    prs.part.drop_rel(slide_ids[0].rId)
    slide_ids.remove(slide_ids[0])

    for layout in prs.slide_layouts:
        english = layout.name
        layout._element.cSld.set("name", FRENCH.get(english, english))
        for placeholder in layout.placeholders:  # type: ignore[misc]
            kind = placeholder.placeholder_format.type
            if english == "Title Slide" and kind == PP_PLACEHOLDER.CENTER_TITLE:
                _place(placeholder, left, int(height * 0.42), width - Inches(1.4), Inches(1.6))
                _align(placeholder, "l")
            elif english == "Title Slide" and kind == PP_PLACEHOLDER.SUBTITLE:
                _place(placeholder, left, int(height * 0.42) + Inches(1.7), width - Inches(1.4), Inches(1.0))
                _align(placeholder, "l")
            elif english == "Section Header" and kind == PP_PLACEHOLDER.TITLE:
                _place(placeholder, Inches(1.0), int(height * 0.45), width - Inches(2.0), Inches(1.3))
                _align(placeholder, "ctr")
            elif english == "Section Header" and kind == PP_PLACEHOLDER.BODY:
                _place(
                    placeholder,
                    Inches(1.0),
                    int(height * 0.45) + Inches(1.4),
                    width - Inches(2.0),
                    Inches(0.9),
                )
                _align(placeholder, "ctr")
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


def _theme(master: object) -> None:
    part = master.part.part_related_by(RT.THEME)  # type: ignore[attr-defined]
    root = etree.fromstring(part.blob)
    scheme = root.find(".//a:clrScheme", NS)
    for name, value in COLORS.items():
        slot = scheme.find(f"a:{name}", NS)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=value)
    for kind, face in (("majorFont", "Caladea"), ("minorFont", "Carlito")):
        root.find(f".//a:fontScheme/a:{kind}/a:latin", NS).set("typeface", face)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _place(placeholder: object, x: int, y: int, w: int, h: int) -> None:
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = (  # type: ignore[attr-defined]
        Emu(x),
        Emu(y),
        Emu(w),
        Emu(h),
    )


def _align(placeholder: object, algn: str) -> None:
    body = placeholder._element.txBody  # type: ignore[attr-defined]
    styles = body.find("a:lstStyle", NS)
    level = styles.find("a:lvl1pPr", NS)
    if level is None:
        level = etree.SubElement(styles, f"{{{A}}}lvl1pPr")
    level.set("algn", algn)
    level.set("marL", "0")
    level.set("indent", "0")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    build_dark_template(out / "dark-4x3.pptx")
    shutil.copy(python_pptx_default(), out / "python-pptx-default.pptx")
