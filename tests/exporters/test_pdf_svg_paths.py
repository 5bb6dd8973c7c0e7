"""SVG paths drawn from kept operators give the PDF WeasyPrint writes when it parses each one."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..support import FIXTURES, fresh_json

POST = """---
title: Paths
---
Inline $$a^2 + b^2 = c^2$$ and again $$a^2 + b^2 = c^2$$, then $$\\sum_i x_i$$.

$$\\left( \\frac{\\partial f}{\\partial x} \\right)^2 = \\int_0^1 \\sqrt{1 + x^2} \\, dx$$

![Markers and arcs](/assets/ids.svg)

![Flowchart](/assets/flow.svg)

![Markers and arcs again](/assets/ids.svg)

$$a^2 + b^2 = c^2$$
"""

_RENDER = """
import json, sys
from pathlib import Path
import export_post
from export_post_pdf import glyphsvg, svgpaths
from export_post_pdf.loading import import_weasyprint
import_weasyprint()
from weasyprint import svg
glyphsvg._installed = True  # formulas drawn by WeasyPrint's draw_node, through TAGS["path"]
counts = {"parses": 0, "draws": 0}
def counting(draw, key):
    def counted(*args):
        counts[key] += 1
        return draw(*args)
    return counted
svg.TAGS["path"] = counting(svg.TAGS["path"], "parses")  # WeasyPrint's own parse
if sys.argv[1] == "kept":
    svgpaths.install()
else:
    svgpaths._installed = True  # as WeasyPrint comes: every path parsed where it is drawn
svg.TAGS["path"] = counting(svg.TAGS["path"], "draws")
data = export_post.render(export_post.load_post(Path(sys.argv[2])), "pdf")
Path(sys.argv[3]).write_bytes(data)
print(json.dumps([counts["parses"], counts["draws"]]))
"""


def _render(mode: str, post: Path, out: Path) -> tuple[int, int]:
    parses, draws = fresh_json(_RENDER, mode, str(post), str(out))
    return int(parses), int(draws)


def test_kept_paths_draw_the_same_pdf(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "_config.yml").write_text("title: Paths\n", encoding="utf-8")
    shutil.copy(FIXTURES / "svg" / "ids-and-references.svg", site / "assets" / "ids.svg")
    shutil.copy(FIXTURES / "svg" / "mermaid-flowchart.svg", site / "assets" / "flow.svg")
    post = site / "_posts" / "2026-01-01-paths.md"
    post.write_text(POST, encoding="utf-8")

    parsed, parsed_draws = _render("parsed", post, tmp_path / "parsed.pdf")
    kept, kept_draws = _render("kept", post, tmp_path / "kept.pdf")

    assert parsed == parsed_draws > 40  # as WeasyPrint comes: one parse per path drawn
    assert kept_draws == parsed_draws
    assert kept < parsed / 2, (kept, parsed)  # glyphs and repeated figures parsed once
    assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "parsed.pdf").read_bytes()
