"""Colour arithmetic on ``#RRGGBB`` strings: mixing, and WCAG 2 contrast.

Used to pick legible text on a theme's filled areas (a section divider in the accent
colour may be light or dark) and to check that themes keep their contrast promises.
"""

from __future__ import annotations

DARK_INK = "#111111"
LIGHT_INK = "#FFFFFF"


def _channels(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(color: str, other: str, amount: float) -> str:
    """``color`` moved ``amount`` (0..1) of the way towards ``other``, as ``#RRGGBB``."""
    pairs = zip(_channels(color), _channels(other), strict=True)
    return "#" + "".join(f"{round(x + (y - x) * amount):02X}" for x, y in pairs)


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x): 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio, 1 to 21 (4.5 is AA for body text, 7 is AAA)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str) -> str:
    """White or near-black, whichever reads better on ``fill``."""
    return LIGHT_INK if contrast(fill, LIGHT_INK) >= contrast(fill, DARK_INK) else DARK_INK
