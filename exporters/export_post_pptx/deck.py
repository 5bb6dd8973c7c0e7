"""The slide deck as data: what the planner decides and the renderer draws.

Geometry is in points (1/72 in) with the origin at the slide's top-left corner. No
python-pptx types appear here, so layout rules are tested without writing a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from export_post.model import Run
from export_post.resources import Resource


class Kind(Enum):
    TITLE = "title"
    AGENDA = "agenda"
    SECTION = "section"
    CONTENT = "content"
    QUOTE = "quote"
    IMAGE = "image"
    CODE = "code"
    TABLE = "table"
    CLOSING = "closing"


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph of slide text: styled runs, an indent level and a bullet (or none)."""

    runs: tuple[Run, ...]
    level: int = 0
    bullet: str | None = "\u2022"
    note: str = ""  # the full text this bullet summarises (goes to the speaker notes)
    source: str = "paragraph"  # paragraph | item | quote | heading


@dataclass(frozen=True, slots=True)
class TextBox:
    rect: Rect
    paras: tuple[Para, ...]
    size: float
    # body | statement | title | subtitle | caption | light-caption | quote | mark | attribution | code |
    # meta | number | placeholder
    role: str = "body"
    align: str = "left"  # left (the start side) | center | right
    mono: bool = False
    colored: tuple[tuple[str, str | None, bool, bool], ...] = ()  # highlighted code runs


@dataclass(frozen=True, slots=True)
class Picture:
    rect: Rect
    resource: Resource
    alt: str
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, top, right, bottom fractions
    tex: str = ""  # display math: the formula, drawn for this box when the deck is rendered


@dataclass(frozen=True, slots=True)
class TableCellText:
    runs: tuple[Run, ...]
    align: str = "start"  # start (left, or right in a right-to-left cell) | left | center | right


@dataclass(frozen=True, slots=True)
class TableShape:
    rect: Rect
    header: tuple[TableCellText, ...]
    rows: tuple[tuple[TableCellText, ...], ...]
    col_widths: tuple[float, ...]
    row_heights: tuple[float, ...]  # header first (when there is one)
    size: float


@dataclass(frozen=True, slots=True)
class Slide:
    kind: Kind
    title: TextBox | None = None
    boxes: tuple[TextBox, ...] = ()
    pictures: tuple[Picture, ...] = ()
    table: TableShape | None = None
    notes: str = ""
    background: str | None = None  # a solid fill colour (hex) instead of the theme background
    overlay: bool = False  # darken the picture under the text (title slide)
    band: Rect | None = None  # a dark band across a full-bleed photo, under its title and caption


@dataclass(frozen=True, slots=True, kw_only=True)
class Deck:
    width: float
    height: float
    slides: tuple[Slide, ...]
    font: str
    heading_font: str
    mono_font: str
    lang: str = "en"
    rtl: bool = False
    stats: dict[str, int] = field(default_factory=dict, compare=False)
