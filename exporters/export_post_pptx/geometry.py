"""Where things go on a 16:9 slide, and the paragraph metrics both planner and renderer use."""

from __future__ import annotations

from dataclasses import dataclass

from .deck import Rect

INSET_X = 7.2  # text frame insets (PowerPoint's defaults: 0.1 in left/right, 0.05 in top/bottom)
INSET_Y = 3.6
LEVEL_INDENT = 26.0  # left margin added per list level
SPACE_BEFORE_EM = 0.45  # space before each top-level paragraph, in ems of its size
SUB_SPACE_BEFORE_EM = 0.2


@dataclass(frozen=True, slots=True)
class Geometry:
    width: float = 960.0  # 13.333 in
    height: float = 540.0  # 7.5 in
    margin: float = 52.0

    @property
    def title(self) -> Rect:
        return Rect(self.margin, 26.0, self.width - 2 * self.margin, 82.0)

    @property
    def accent_bar(self) -> Rect:
        return Rect(self.margin + INSET_X, 112.0, 56.0, 4.0)

    @property
    def body(self) -> Rect:
        return Rect(self.margin, 128.0, self.width - 2 * self.margin, self.height - 128.0 - 52.0)

    @property
    def footer(self) -> Rect:
        return Rect(self.width - self.margin - 80.0, self.height - 40.0, 80.0, 24.0)

    @property
    def full(self) -> Rect:
        return Rect(0.0, 0.0, self.width, self.height)


def margin_left(level: int, bulleted: bool) -> float:
    """A paragraph's left margin: bulleted text hangs one indent in from its bullet."""
    return LEVEL_INDENT * (level + (1 if bulleted else 0))
