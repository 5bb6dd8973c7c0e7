"""Planned tables drawn as python-pptx tables: the planner's column widths and row heights,
banded rows in our look (a template's table style otherwise), each cell in its own direction."""

from __future__ import annotations

from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.util import Emu

from export_post.model import text_direction
from export_post.toolkit.color import ink_on, mix

from . import oxml
from .deck import TableCellText, TableShape
from .geometry import INSET_X, INSET_Y
from .runs import RunFormat, add_run
from .textframe import TextWriter, held
from .units import emu, rgb

_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def draw_table(slide: PptxSlide, table: TableShape, writer: TextWriter) -> None:
    ncols = len(table.col_widths)
    r = table.rect
    frame = slide.shapes.add_table(len(table.row_heights), ncols, emu(r.x), emu(r.y), emu(r.w), emu(r.h))
    grid = frame.table
    oxml.size_table(grid, [emu(w) for w in table.col_widths], [emu(h) for h in table.row_heights])
    frame.width = Emu(sum(emu(w) for w in table.col_widths))
    frame.height = Emu(sum(emu(h) for h in table.row_heights))
    cells = grid.iter_cells()  # row by row
    rows = ([table.header] if table.header else []) + list(table.rows)
    style = writer.style
    for ri, row in enumerate(rows):
        header = bool(table.header) and ri == 0
        for ci in range(ncols):
            cell = next(cells)
            cell.margin_left = cell.margin_right = emu(INSET_X)
            cell.margin_top = cell.margin_bottom = emu(INSET_Y)
            if writer.branded:  # under a template, its table style
                banded = style.background if ri % 2 else mix(style.accent, style.background, 0.9)
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(style.accent if header else banded)
            _cell_text(cell, row[ci] if ci < len(row) else None, table.size, header, writer)


def _cell_text(
    cell: _Cell, content: TableCellText | None, size: float, header: bool, writer: TextWriter
) -> None:
    deck, style, branded = writer.deck, writer.style, writer.branded
    paragraph = cell.text_frame.paragraphs[0]
    runs = content.runs if content else ()
    own = text_direction("".join(r.text for r in runs if not r.style.code))
    direction = own or ("rtl" if deck.rtl else "ltr")
    start = PP_ALIGN.RIGHT if direction == "rtl" else PP_ALIGN.LEFT
    paragraph.alignment = _ALIGN.get(content.align if content else "", start)
    if direction == "rtl":
        oxml.set_rtl(paragraph)
    for index, run in enumerate(runs):
        st = run.style
        link = writer.link(paragraph, st.link) if st.link else None
        ink = ink_on(style.accent) if header else style.accent if link else style.text
        add_run(
            oxml.paragraph_xml(paragraph),
            held(run, direction, own, first=index == 0, last=index == len(runs) - 1),
            RunFormat(
                size=size,
                font=deck.mono_font if st.code else deck.font if branded else None,
                bold=st.bold or header,
                italic=st.italic,
                color=ink if branded else None,
                underline=link is not None,
                link=link,
                link_in_text_color=link is not None and branded,
            ),
        )
