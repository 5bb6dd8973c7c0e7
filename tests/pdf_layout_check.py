"""Collisions on the pages of a PDF: text drawn over other text, text that a drawn line or
the edge of a drawn box runs through, and text off the page.

What a page holds is read with pdfplumber (pdfminer.six underneath): every glyph, every
ruled line, stroked outline and filled box. Pictures are black boxes: what an image or an
SVG drawing (a diagram, a typeset formula) paints inside itself is its own business. They
are recognised by the tagged PDF's ``Figure`` marked content, or by being a form XObject.
Raster pictures are not checked against text: pdfminer does not see the clip that crops a
cover photo to its frame, so their boxes are not where they are seen.

What counts, and what deliberately does not:

- **Text over text.** Two glyphs whose boxes overlap by more than a kerning pair or a
  joined Arabic letter would. A glyph's box is as wide as its advance and spans 0.2 em below
  to 0.7 em above its baseline (pdfminer's own box follows the font's declared descent,
  which Noto Sans Arabic makes 0.74 em). Combining marks (accents, harakat, niqqud),
  spaces and glyphs without advance are left out: they sit on their base letter by design.
- **A line through text.** A stroked line (a table rule, an outline's side, a dashed
  placeholder box) or a hairline fill that crosses a glyph's *core*: from just below the
  baseline to half an em above it, inset from the glyph's sides. Underlines and descenders
  live below the core, so an underlined link never collides; a strike-through is recognised
  by starting and ending at the glyphs it strikes.
- **A box edge through text.** A filled box (the background of a code block or of inline
  code, or a border, which WeasyPrint paints as a filled ring) whose edge cuts a glyph's
  core: text is wholly inside such a box or wholly outside it.
- **Text off the page.** A glyph's core outside the page.
- **Unreadable text.** A page on which pdfminer finds markedly fewer characters than
  poppler's ``pdftotext`` reads: the checks above could not see that text.

``python -m tests.pdf_layout_check FILE.pdf ...`` prints the findings of each file.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CELL = 24.0  # points: the spatial grid that keeps the pair search near-linear
THIN = 2.5  # points: a fill this thin, or thinner, is drawn as a line
EDGE_TOLERANCE = 0.6  # points a glyph's core may stick out of a box it belongs to (rounding)
SAME_BASELINE = 0.12  # ems: glyphs whose baselines are this close share a line of text
SAME_LINE_OVERLAP = 0.5  # of the narrower glyph: more than a kerning pair or ligature overlaps
KERNING = 0.25  # ems: and more than kerning pulls a period under an "r"
DECORATION_REACH = 0.35  # ems a strike-through may run past its text's glyphs (inline code padding)
OTHER_LINE_OVERLAP = 0.2  # of the narrower/shorter glyph, both ways, for glyphs of two lines


@dataclass(frozen=True, slots=True)
class Rect:
    x0: float
    y0: float  # PDF space: y grows upwards
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def intersects(self, other: Rect) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Rect, tol: float) -> bool:
        return (
            self.x0 >= other.x0 - tol
            and self.x1 <= other.x1 + tol
            and self.y0 >= other.y0 - tol
            and self.y1 <= other.y1 + tol
        )


@dataclass(frozen=True, slots=True)
class Glyph:
    index: int  # painting order on the page (shared with fills)
    text: str
    box: Rect
    baseline: float
    size: float

    @property
    def core(self) -> Rect:
        """The part of the glyph a line must not cross: just below the baseline up to about
        the x-height, inset from the sides (neighbours' boxes touch, marks overhang)."""
        inset = self.box.width * 0.2
        return Rect(
            self.box.x0 + inset,
            self.baseline - 0.05 * self.size,
            self.box.x1 - inset,
            self.baseline + 0.5 * self.size,
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight stroke: a ruled line, one side of an outline, or a hairline fill."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    dashed: bool

    @property
    def bounds(self) -> Rect:
        half = self.width / 2
        return Rect(
            min(self.x0, self.x1) - half,
            min(self.y0, self.y1) - half,
            max(self.x0, self.x1) + half,
            max(self.y0, self.y1) + half,
        )

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= 0.01 * max(1.0, abs(self.x1 - self.x0))


@dataclass(frozen=True, slots=True)
class Finding:
    page: int
    kind: str  # text-overlap | line-through-text | box-edge-through-text
    where: Rect
    detail: str

    def __str__(self) -> str:
        r = self.where
        return (
            f"page {self.page}: {self.kind} at ({r.x0:.0f},{r.y0:.0f})-({r.x1:.0f},{r.y1:.0f}): {self.detail}"
        )


@dataclass(frozen=True, slots=True)
class Fill:
    box: Rect
    order: int  # painting order on the page (shared with glyphs)


@dataclass
class PageContent:
    number: int
    box: Rect
    glyphs: list[Glyph] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)  # stroked lines and outlines
    bars: list[Rect] = field(default_factory=list)  # painted strips: border sides, hairline fills
    fills: list[Fill] = field(default_factory=list)  # backgrounds: text is inside or outside them
    painted: int = 0  # objects painted so far (glyphs and shapes), while reading
    characters: int = 0  # every character pdfminer read, spaces aside (pictures' text included)


# --------------------------------------------------------------------------- reading


def _is_mark_or_space(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "MZC" for c in text) if text else True


def read_pages(path: Path) -> Iterator[PageContent]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            content = PageContent(page.page_number, Rect(x0, y0, x1, y1))
            content.characters = sum(1 for c in page.chars if c["text"].strip())
            painted: list[Any] = []  # filled shapes, in drawing order
            _visit(page.layout, content, painted)
            _add_fills(content, painted)
            page.close()  # frees the parsed layout of a long document as we go
            yield content


def _visit(objects: Iterable[Any], content: PageContent, painted: list[Any]) -> None:
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTFigure, LTLine, LTRect

    for obj in objects:
        if isinstance(obj, LTFigure) or getattr(obj, "tag", None) == "Figure":
            continue  # a picture: a black box (see the module docstring)
        if isinstance(obj, LTChar):
            _add_glyph(content, obj)
            content.painted += 1
        elif isinstance(obj, LTRect | LTLine | LTCurve):
            _add_strokes(content, obj)
            if obj.fill and not isinstance(obj, LTLine):
                painted.append((content.painted, obj))
            content.painted += 1
        elif isinstance(obj, LTContainer):
            _visit(obj, content, painted)


def _add_glyph(content: PageContent, char: Any) -> None:
    text = char.get_text()
    _a, b, c, _d, _e, f = char.matrix
    if not char.upright or b or c or char.adv <= 0.01 or _is_mark_or_space(text):
        return
    size = float(char.size)
    if size <= 0:
        return
    # pdfminer places the box by the font's declared descent, which some fonts (Noto Sans
    # Arabic: -0.74 em) inflate: measure the height from the baseline instead, the same for all.
    baseline = float(f)
    box = Rect(float(char.x0), baseline - 0.2 * size, float(char.x1), baseline + 0.7 * size)
    content.glyphs.append(Glyph(content.painted, text, box, baseline, size))


def _box(shape: Any) -> Rect:
    return Rect(float(shape.x0), float(shape.y0), float(shape.x1), float(shape.y1))


def _add_strokes(content: PageContent, shape: Any) -> None:
    from pdfminer.layout import LTRect

    if not shape.stroke or shape.linewidth <= 0:
        return
    dash = getattr(shape, "dashing_style", None)
    dashed = bool(dash and dash[0])
    width = float(shape.linewidth)
    if isinstance(shape, LTRect):
        box = _box(shape)
        points = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1), (box.x0, box.y0)]
    else:
        points = [(float(x), float(y)) for x, y in shape.pts]
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        content.segments.append(Segment(ax, ay, bx, by, width, dashed))


def _add_fills(content: PageContent, painted: list[tuple[int, Any]]) -> None:
    """Backgrounds, and borders. WeasyPrint paints a border as a ring: its outer and inner
    rectangles filled even-odd (two consecutive rectangles for pdfminer), so only the sides
    where they differ are painted; the rest of either rectangle is not an edge."""
    index = 0
    while index < len(painted):
        order, shape = painted[index]
        box = _box(shape)
        after = painted[index + 1][1] if index + 1 < len(painted) else None
        if after is not None and shape.evenodd and after.evenodd and _same_paint(shape, after):
            other = _box(after)
            outer, inner = (box, other) if other.inside(box, 0.01) else (other, box)
            if inner.inside(outer, 0.01):
                content.bars.extend(_ring_sides(outer, inner))
                index += 2
                continue
        if box.height <= THIN or box.width <= THIN:
            if box.width > 0 and box.height > 0:
                content.bars.append(box)
        else:
            content.fills.append(Fill(box, order))
        index += 1


def _same_paint(a: Any, b: Any) -> bool:
    return bool(a.non_stroking_color == b.non_stroking_color)


def _ring_sides(outer: Rect, inner: Rect) -> list[Rect]:
    sides = [
        Rect(outer.x0, outer.y0, inner.x0, outer.y1),  # left
        Rect(inner.x1, outer.y0, outer.x1, outer.y1),  # right
        Rect(outer.x0, outer.y0, outer.x1, inner.y0),  # bottom
        Rect(outer.x0, inner.y1, outer.x1, outer.y1),  # top
    ]
    return [side for side in sides if side.width > 0.01 and side.height > 0.01]


# --------------------------------------------------------------------------- checking


def _cells(r: Rect) -> Iterator[tuple[int, int]]:
    for i in range(int(r.x0 // CELL), int(r.x1 // CELL) + 1):
        for j in range(int(r.y0 // CELL), int(r.y1 // CELL) + 1):
            yield i, j


def _grid(glyphs: Iterable[Glyph]) -> dict[tuple[int, int], list[Glyph]]:
    grid: dict[tuple[int, int], list[Glyph]] = defaultdict(list)
    for g in glyphs:
        for cell in _cells(g.box):
            grid[cell].append(g)
    return grid


def _near(grid: dict[tuple[int, int], list[Glyph]], r: Rect) -> set[Glyph]:
    return {g for cell in _cells(r) for g in grid.get(cell, ())}


def _line_text(glyphs: list[Glyph], of: Glyph, reach: float = 60.0) -> str:
    """The text around ``of`` on its line, for messages."""
    same = [
        g
        for g in glyphs
        if abs(g.baseline - of.baseline) <= SAME_BASELINE * of.size and abs(g.box.x0 - of.box.x0) <= reach
    ]
    return "".join(g.text for g in sorted(same, key=lambda g: g.box.x0)).strip()


def _text_overlaps(page: PageContent, grid: dict[tuple[int, int], list[Glyph]]) -> list[Finding]:
    """Glyphs drawn over each other; one finding for each pair of lines that collide."""
    pairs: dict[tuple[float, float], tuple[Glyph, Glyph, Rect]] = {}
    for g in page.glyphs:
        for h in _near(grid, g.box):
            if h.index <= g.index or not g.box.intersects(h.box) or not _collide(g, h):
                continue
            key = (round(g.baseline, 1), round(h.baseline, 1))
            where = Rect(
                min(g.box.x0, h.box.x0),
                min(g.box.y0, h.box.y0),
                max(g.box.x1, h.box.x1),
                max(g.box.y1, h.box.y1),
            )
            if key in pairs:
                first, second, seen = pairs[key]
                where = Rect(
                    min(seen.x0, where.x0),
                    min(seen.y0, where.y0),
                    max(seen.x1, where.x1),
                    max(seen.y1, where.y1),
                )
                pairs[key] = (first, second, where)
            else:
                pairs[key] = (g, h, where)
    return [
        Finding(
            page.number,
            "text-overlap",
            where,
            f"{_line_text(page.glyphs, g)!r} / {_line_text(page.glyphs, h)!r}",
        )
        for g, h, where in pairs.values()
    ]


def _collide(g: Glyph, h: Glyph) -> bool:
    dx = min(g.box.x1, h.box.x1) - max(g.box.x0, h.box.x0)
    dy = min(g.box.y1, h.box.y1) - max(g.box.y0, h.box.y0)
    narrow = min(g.box.width, h.box.width)
    if abs(g.baseline - h.baseline) <= SAME_BASELINE * min(g.size, h.size):
        return dx > SAME_LINE_OVERLAP * narrow and dx > KERNING * min(g.size, h.size)
    short = min(g.box.height, h.box.height)
    return dx > OTHER_LINE_OVERLAP * narrow and dy > OTHER_LINE_OVERLAP * short


def _is_strike_through(segment: Segment, crossed: list[Glyph], page: PageContent) -> bool:
    """A solid, thin, horizontal line over one line of text that starts and ends at that
    text's glyphs (``<del>``, ``line-through``; inline code's padding may extend it a little)
    is part of the text. An outline's side starts and ends where its box does."""
    if segment.dashed or not segment.horizontal:
        return False
    first = crossed[0]
    em = first.size
    if segment.width > 0.15 * em or any(
        abs(g.baseline - first.baseline) > SAME_BASELINE * em for g in crossed
    ):
        return False
    line = [g for g in page.glyphs if abs(g.baseline - first.baseline) <= SAME_BASELINE * em]
    left, right = min(segment.x0, segment.x1), max(segment.x0, segment.x1)
    reach = DECORATION_REACH * em
    return any(abs(g.box.x0 - left) <= reach for g in line) and any(
        abs(g.box.x1 - right) <= reach for g in line
    )


def _crosses(segment: Segment, core: Rect) -> bool:
    if segment.horizontal:
        y = segment.y0
        return (
            core.y0 < y < core.y1
            and min(segment.x0, segment.x1) < core.x1
            and max(segment.x0, segment.x1) > core.x0
        )
    if abs(segment.x1 - segment.x0) <= 0.01 * max(1.0, abs(segment.y1 - segment.y0)):  # vertical
        x = segment.x0
        return (
            core.x0 < x < core.x1
            and min(segment.y0, segment.y1) < core.y1
            and max(segment.y0, segment.y1) > core.y0
        )
    return segment.bounds.intersects(core)  # a slanted stroke: its bounding box, conservatively


def _lines_through_text(page: PageContent, grid: dict[tuple[int, int], list[Glyph]]) -> list[Finding]:
    found: list[Finding] = []
    for segment in page.segments:
        crossed = sorted(
            (g for g in _near(grid, segment.bounds) if g.core.width > 0 and _crosses(segment, g.core)),
            key=lambda g: g.index,
        )
        if not crossed or _is_strike_through(segment, crossed, page):
            continue
        style = "dashed" if segment.dashed else "solid"
        detail = f"{style} line crosses {_line_text(page.glyphs, crossed[0])!r}"
        found.append(Finding(page.number, "line-through-text", segment.bounds, detail))
    return found


def _bars_through_text(page: PageContent, grid: dict[tuple[int, int], list[Glyph]]) -> list[Finding]:
    found = []
    for bar in page.bars:
        for g in sorted(_near(grid, bar), key=lambda g: g.index):
            core = g.core
            if core.width <= 0 or not core.intersects(bar):
                continue
            depth = min(core.x1, bar.x1) - max(core.x0, bar.x0), min(core.y1, bar.y1) - max(core.y0, bar.y0)
            if min(depth) <= 0.1:
                continue
            detail = f"painted border or rule crosses {_line_text(page.glyphs, g)!r}"
            found.append(Finding(page.number, "line-through-text", bar, detail))
            break
    return found


def _box_edges_through_text(page: PageContent, grid: dict[tuple[int, int], list[Glyph]]) -> list[Finding]:
    """Text cut by the edge of a background, or painted over by one."""
    found: list[Finding] = []
    for fill in page.fills:
        box = fill.box
        for g in sorted(_near(grid, box), key=lambda g: g.index):
            core = g.core
            if core.width <= 0 or not core.intersects(box):
                continue
            depth = min(core.x1, box.x1) - max(core.x0, box.x0), min(core.y1, box.y1) - max(core.y0, box.y0)
            if min(depth) <= EDGE_TOLERANCE:
                continue  # only a real cut counts: the core reaches into the box
            if fill.order > g.index:
                detail = f"a background is painted over {_line_text(page.glyphs, g)!r}"
                found.append(Finding(page.number, "text-covered", box, detail))
                break
            if not core.inside(box, EDGE_TOLERANCE):
                detail = f"box edge cuts {_line_text(page.glyphs, g)!r}"
                found.append(Finding(page.number, "box-edge-through-text", box, detail))
                break  # one finding per box
    return found


def _text_off_page(page: PageContent) -> list[Finding]:
    outside = [g for g in page.glyphs if not g.core.inside(page.box, EDGE_TOLERANCE)]
    if not outside:
        return []
    where = Rect(
        min(g.box.x0 for g in outside),
        min(g.box.y0 for g in outside),
        max(g.box.x1 for g in outside),
        max(g.box.y1 for g in outside),
    )
    return [
        Finding(
            page.number,
            "text-off-page",
            where,
            f"{len(outside)} glyphs, {_line_text(page.glyphs, outside[0])!r}",
        )
    ]


def check_page(page: PageContent) -> list[Finding]:
    grid = _grid(page.glyphs)
    found = (
        _text_overlaps(page, grid)
        + _lines_through_text(page, grid)
        + _bars_through_text(page, grid)
        + _box_edges_through_text(page, grid)
        + _text_off_page(page)
    )
    unique: dict[tuple[str, str], Finding] = {}
    for finding in found:  # a ring's two rectangles, or a box's four sides, cut the same text
        unique.setdefault((finding.kind, finding.detail), finding)
    return list(unique.values())


READABLE = 0.9  # of the characters poppler reads on a page, pdfminer must read at least this


def unreadable_pages(path: Path, pages: list[PageContent]) -> list[Finding]:
    """Pages whose text pdfminer cannot read, so that the checks above cannot see it
    (poppler's ``pdftotext`` is the reference; without it, nothing is reported)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return []
    result = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    texts = result.stdout.decode("utf-8", "replace").split("\f")
    found = []
    for page, text in zip(pages, texts, strict=False):
        expected = sum(1 for c in text if not c.isspace() and unicodedata.category(c)[0] not in "MC")
        if expected >= 20 and page.characters < READABLE * expected:
            detail = f"pdfminer reads {page.characters} characters, poppler {expected}"
            found.append(Finding(page.number, "text-unreadable", page.box, detail))
    return found


def check_pdf(path: Path) -> list[Finding]:
    """Every collision on every page of the PDF at ``path``, and the pages it cannot check."""
    pages = list(read_pages(path))
    return unreadable_pages(path, pages) + [finding for page in pages for finding in check_page(page)]


def main(argv: list[str]) -> int:
    status = 0
    for name in argv:
        findings = check_pdf(Path(name))
        for finding in findings:
            print(f"{name}: {finding}")
        status = status or (1 if findings else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
