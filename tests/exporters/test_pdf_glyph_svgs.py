"""Formulas drawn glyph by glyph (``export_post_pdf.glyphsvg``) give the PDF WeasyPrint writes
when it draws their SVGs itself; any other SVG is still WeasyPrint's to draw."""

from __future__ import annotations

import json
from pathlib import Path

from export_post.toolkit.texmath import picture, text_size
from tests.support import FIXTURES, corpus_formulas, fresh_json, require_corpora

FORMULAS = (
    r"\frac{a}{b} + \sqrt{x^2 + y^2} = \sqrt[3]{z}",
    r"\sum_{i=1}^{n} x_i \int_0^\infty e^{-t} \, dt \prod_j \oint",
    r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} \begin{cases} x & x > 0 \\ -x & \text{else} \end{cases}",
    r"\left( \frac{\partial f}{\partial x} \right)^2 \left\{ a \middle| b \right\} \left. x \right|_0",
    r"a\ b \quad c \qquad d \, e \; f \! g",  # spaces: glyphs with an empty, zero-wide symbol
    r"\textcolor{#6b8cbd}{\mathbf{W}} \color{red}{x} + \mathcal{L}(\theta) \mathbb{E}[\hat{y}]",
    r"\overline{AB} \underline{xy} \overbrace{a+b}^{n} \underbrace{c}_{m} \vec{v} \tilde{n}",
    r"\begin{aligned} a &= b + c \\ &\le \binom{n}{k} \end{aligned}",
    r"\text{if } x \in \mathbb{R}^{d \times d},\ \text{then } \|x\|_2 \ge 0",
)

_RENDER = """
import base64, json, sys
from export_post_pdf.loading import import_weasyprint
import_weasyprint()
import weasyprint
from weasyprint import images
from export_post_pdf import glyphsvg
mode, svgs, out = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
planned = []
if mode == "glyphs":
    glyphsvg.install()
    plan = glyphsvg._plan
    glyphsvg._plan = lambda *args: planned.append(plan(*args)) or planned[-1]
draws = []
draw = images.SVGImage.draw
def recorded(image, stream, *args):
    start = len(stream.stream)
    draw(image, stream, *args)
    ops = stream.stream[start:]
    draws.append(b" ".join(op if isinstance(op, bytes) else str(op).encode() for op in ops).decode())
images.SVGImage.draw = recorded
def url(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
html = "".join(f'<p>{i} <img src="{url(svg)}"/></p>' for i, svg in enumerate(svgs))
document = weasyprint.HTML(string=html).render()
open(out, "wb").write(document.write_pdf())
print(json.dumps([draws, sum(p is not None for p in planned)]))
"""


def _svgs(formulas: list[tuple[str, bool]]) -> list[str]:
    drawn = (picture(tex, display, text_size(display)).value for tex, display in formulas)
    return list(dict.fromkeys(image.svg.decode() for image in drawn if image is not None))


def _render(mode: str, svgs: list[str], tmp_path: Path) -> tuple[bytes, list[str], int]:
    """The PDF, what each draw of an SVG wrote, and how many SVGs glyphsvg drew itself."""
    source, out = tmp_path / "svgs.json", tmp_path / f"{mode}.pdf"
    source.write_text(json.dumps(svgs), encoding="utf-8")
    draws, planned = fresh_json(_RENDER, mode, str(source), str(out))
    return out.read_bytes(), draws, planned


def _assert_same_pdf(svgs: list[str], tmp_path: Path) -> None:
    theirs, their_draws, _ = _render("weasyprint", svgs, tmp_path)
    ours, our_draws, planned = _render("glyphs", svgs, tmp_path)
    assert len(our_draws) == len(their_draws) == len(svgs) == planned
    different = [i for i, (a, b) in enumerate(zip(our_draws, their_draws, strict=True)) if a != b]
    assert not different, f"{len(different)} SVGs drawn differently, first: {svgs[different[0]][:200]}"
    assert ours == theirs


def test_formulas_give_the_pdf_weasyprint_gives(tmp_path: Path) -> None:
    svgs = _svgs([(tex, display) for tex in FORMULAS for display in (True, False)])
    assert len(svgs) == 2 * len(FORMULAS)
    _assert_same_pdf(svgs, tmp_path)


def test_every_glyph_svg_is_drawn_here_and_other_svgs_by_weasyprint() -> None:
    from xml.etree import ElementTree

    from export_post_pdf import glyphsvg
    from export_post_pdf.loading import import_weasyprint

    import_weasyprint()
    from weasyprint.svg import SVG, utils

    formulas = _svgs([(tex, True) for tex in FORMULAS])
    for svg in formulas:
        assert glyphsvg._plan(SVG(ElementTree.fromstring(svg), None, None), utils) is not None
    others = [
        (FIXTURES / "svg" / "ids-and-references.svg").read_text(encoding="utf-8"),
        (FIXTURES / "svg" / "mermaid-flowchart.svg").read_text(encoding="utf-8"),
        formulas[0].replace("<rect ", '<rect stroke="red" ', 1),  # a stroked rule
        formulas[0].replace('fill="black"', 'fill="url(#g)"', 1),  # a paint server
        formulas[0].replace('fill="black"', 'fill="none"', 1),
        formulas[0].replace('fill="black"', 'fill="context-fill"', 1),
        formulas[0].replace("<symbol ", "<style>path { fill: red }</style><symbol ", 1),
        formulas[0].replace('id="', 'id="x', 1),  # a <use> of a symbol that is not there
    ]
    for svg in others:
        assert glyphsvg._plan(SVG(ElementTree.fromstring(svg.encode()), None, None), utils) is None, svg[:80]


def test_a_formula_drawn_twice_is_drawn_the_same_both_times(tmp_path: Path) -> None:
    svg = _svgs([(FORMULAS[0], True)])[0]
    _, draws, planned = _render("glyphs", [svg, svg], tmp_path)
    assert planned == 1 and len(draws) == 2 and draws[0] == draws[1] and " re W n " in draws[0]


def test_every_corpus_formula_gives_the_pdf_weasyprint_gives(tmp_path: Path) -> None:
    require_corpora()
    svgs = _svgs(corpus_formulas())
    assert len(svgs) > 400
    _assert_same_pdf(svgs, tmp_path)
