"""Tables on slides of their own at the theme's minimum size, columns as wide as their
text asks, split between rows into "(2/3)" slides under a repeated header. A cell too tall
for a slide is shortened (the notes keep its row whole)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from export_post.model import Run, RunStyle, Table, TableCell, plain_text, squash

from ..deck import Kind, Rect, Slide, TableCellText, TableShape
from ..geometry import INSET_X, INSET_Y
from ..measure import Piece
from ..notes import row_text
from .boxes import title_text
from .context import Context, numbered

Row = tuple[TableCellText, ...]


@dataclass(frozen=True, slots=True)
class _Grid:
    """Measuring rows of a table whose columns are ``widths`` wide, at ``size`` points."""

    ctx: Context
    widths: tuple[float, ...]
    size: float

    def height(self, row: Row, bold: bool = False) -> float:
        fit = self.ctx.fit
        base = Piece("", fit.style_of(RunStyle(bold=bold)))
        tallest = max(
            fit.text_height(
                [base, *fit.pieces(_bolder(c.runs, bold))], self.size, self.widths[i] - 2 * INSET_X
            )
            for i, c in enumerate(row)
        )
        return tallest + 2 * INSET_Y + 2.0

    def shortened(self, row: Row, room: float, bold: bool = False) -> Row:
        """``row`` with each cell too tall for ``room`` cut to what fits, ending in an ellipsis."""
        fit = self.ctx.fit
        out = []
        for i, cell in enumerate(row):
            box = Rect(0.0, 0.0, self.widths[i], room - 2.0)
            runs = _bolder(cell.runs, bold)
            if runs and not fit.fits_text(runs, self.size, box):
                runs = fit.shorten(runs, self.size, box, heading=False)
                self.ctx.log.add("table_cells_shortened")
            else:
                runs = cell.runs
            out.append(replace(cell, runs=runs))
        return tuple(out)


def table_slides(ctx: Context, title: str, table: Table) -> list[Slide]:
    rect = ctx.geo.body
    ncols = max(1, len(table.head), *(len(r) for r in table.rows))
    header = _cells(ctx, table.head, ncols) if table.head else ()
    rows = [_cells(ctx, r, ncols) for r in table.rows]
    grid = _Grid(ctx, _column_widths([header, *rows], ncols, rect.w), ctx.style.min_size)
    cut: set[int] = set()  # rows shown shortened (-1: the header): whole in the notes
    head_h = grid.height(header, bold=True) if header else 0.0
    if head_h > rect.h / 3:  # a header of paragraphs: cut to a third of the slide
        header = grid.shortened(header, rect.h / 3, bold=True)
        head_h = grid.height(header, bold=True)
        cut.add(-1)
    chunks = _chunks(grid, rows, head_h, rect.h, cut)
    if cut:
        ctx.log.degraded(f"table cell too long for a slide ({title!r}): shortened, whole in the notes")
    slides = []
    first = 0  # the chunk's first row
    for index, chunk in enumerate(chunks, start=1):
        shown: list[tuple[int, Sequence[TableCell]]] = [
            *enumerate(table.rows[first : first + len(chunk)], first)
        ]
        if index == 1:
            shown.insert(0, (-1, table.head))
        first += len(chunk)
        heights = ((head_h,) if header else ()) + tuple(h for _, h in chunk)
        shape = TableShape(
            rect=Rect(rect.x, rect.y, rect.w, sum(heights)),
            header=header,
            rows=tuple(r for r, _ in chunk),
            col_widths=grid.widths,
            row_heights=heights,
            size=grid.size,
        )
        heading = title_text(ctx, numbered(title, index, len(chunks)))
        notes = _notes(ctx, table, shown, cut, first=index == 1)
        slides.append(Slide(kind=Kind.TABLE, title=heading, table=shape, notes=notes))
    ctx.log.add("table_slides", len(slides))
    return slides


def _cells(ctx: Context, row: Sequence[TableCell], ncols: int) -> Row:
    out = []
    for i in range(ncols):
        cell = row[i] if i < len(row) else None
        runs = ctx.runs(cell.children) if cell is not None else ()
        align = cell.align.value if cell is not None and cell.align.value else "start"
        out.append(TableCellText(runs=runs, align=align))
    # Right to left, the first column is on the right. The columns are laid out in
    # that order rather than marked rtl, which LibreOffice's tables ignore.
    return tuple(reversed(out)) if ctx.rtl else tuple(out)


def _column_widths(rows: Sequence[Row], ncols: int, width: float) -> tuple[float, ...]:
    """Columns as wide as their longest text asks (up to 40 characters' worth)."""
    weights = [1.0] * ncols
    for row in rows:
        for i, cell in enumerate(row):
            weights[i] = max(weights[i], min(40.0, float(len("".join(r.text for r in cell.runs)))))
    total = sum(weights)
    return tuple(width * w / total for w in weights)


def _chunks(
    grid: _Grid, rows: list[Row], head_h: float, room: float, cut: set[int]
) -> list[list[tuple[Row, float]]]:
    """The rows (with their heights) in slidefuls under the header; a row taller than a
    slide is shortened and its number added to ``cut``."""
    chunks: list[list[tuple[Row, float]]] = []
    current: list[tuple[Row, float]] = []
    used = head_h
    for number, row in enumerate(rows):
        h = grid.height(row)
        if h > room - head_h:  # one row taller than a slide: its long cells are cut
            row = grid.shortened(row, room - head_h)
            h = grid.height(row)
            cut.add(number)
        if current and used + h > room:
            chunks.append(current)
            current, used = [], head_h
        current.append((row, h))
        used += h
    chunks.append(current)
    return chunks


def _notes(
    ctx: Context, table: Table, shown: list[tuple[int, Sequence[TableCell]]], cut: set[int], *, first: bool
) -> str:
    """A table slide's notes: the caption, the rows it shows shortened, the footnotes cited."""
    notes = squash(plain_text(table.caption)) if table.caption else ""
    notes += "".join(f"\n{row_text(cells)}" for n, cells in shown if n in cut)
    cited = [i for _, cells in shown for cell in cells for i in cell.children]
    notes += ctx.note_texts((*table.caption, *cited) if first else cited)
    return notes.strip("\n")


def _bolder(runs: tuple[Run, ...], bold: bool) -> tuple[Run, ...]:
    return tuple(replace(r, style=replace(r.style, bold=r.style.bold or bold)) for r in runs)
