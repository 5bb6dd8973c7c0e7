"""Points and hex colours as python-pptx takes them."""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.util import Emu


def emu(points: float) -> Emu:
    return Emu(round(points * 12700))


def rgb(color: str) -> RGBColor:
    value = color.lstrip("#")
    return RGBColor(int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
