"""Where things go on a slide, and the paragraph metrics both planner and renderer use.

The default geometry is our own 16:9 design (960 x 540 pt). A reference template brings
its own slide size and placeholder positions (see :mod:`.template`); anything the template
does not say is placed proportionally from the default design.
"""

from __future__ import annotations

from dataclasses import dataclass

from .deck import Rect

INSET_X = 7.2  # text frame insets (PowerPoint's defaults: 0.1 in left/right, 0.05 in top/bottom)
INSET_Y = 3.6
LEVEL_INDENT = 26.0  # left margin added per list level
SPACE_BEFORE_EM = 0.45  # space before each top-level paragraph, in ems of its size
SUB_SPACE_BEFORE_EM = 0.2

_W, _H = 960.0, 540.0  # the design the default positions are drawn for


@dataclass(frozen=True, slots=True)
class Geometry:
    width: float
    height: float
    title: Rect  # the title of content, image, code and table slides
    body: Rect  # their content area
    cover_title: Rect
    cover_subtitle: Rect
    cover_meta: Rect
    section_number: Rect
    section_title: Rect
    section_subtitle: Rect
    quote: Rect
    footer: Rect
    accent_bar: Rect | None  # our own look only; a template brings its own decoration
    cover_align: str = "left"  # how the title slide's text lines up (left | center | right)
    section_align: str = "left"
    title_bold: bool = True  # a template's titles may be regular weight

    @property
    def full(self) -> Rect:
        return Rect(0.0, 0.0, self.width, self.height)

    @property
    def margin(self) -> float:
        return self.body.x

    @classmethod
    def default(cls, width: float = _W, height: float = _H, *, branded: bool = True) -> Geometry:
        """Our design, stretched to ``width`` x ``height`` points."""
        sx, sy = width / _W, height / _H

        def at(x: float, y: float, w: float, h: float) -> Rect:
            return Rect(x * sx, y * sy, w * sx, h * sy)

        return cls(
            width=width,
            height=height,
            title=at(52, 26, 856, 82),
            body=at(52, 128, 856, 360),
            cover_title=at(52, 230, 856, 130),
            cover_subtitle=at(52, 364, 856, 74),
            cover_meta=at(52, 452, 856, 32),
            section_number=at(52, 120, 300, 96),
            section_title=at(52, 220, 856, 120),
            section_subtitle=at(52, 352, 856, 120),
            quote=at(92, 130, 776, 250),
            footer=at(828, 500, 80, 24),
            accent_bar=at(59.2, 112, 56, 4) if branded else None,
        )


def margin_left(level: int, bulleted: bool) -> float:
    """A paragraph's left margin: bulleted text hangs one indent in from its bullet."""
    return LEVEL_INDENT * (level + (1 if bulleted else 0))
