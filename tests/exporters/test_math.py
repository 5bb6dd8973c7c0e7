"""Math renders whole in every format, or visibly as its TeX with a warning: never a fragment."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from export_post import Document, render
from export_post.diagnostics import Reporter
from export_post.reader import parse_post
from export_post.toolkit.texmath import mathml, picture

from ..support import epubcheck, require_tool, run

# A cases block as posts write it for MathJax: Markdown-escaped row breaks, a trailing comment.
CASES = "\\begin{cases}\nx & x \\geq 0 \\\\\\\\\n0 & x < 0\n\\end{cases} % (1)"
ONE_ROW = "\\begin{cases}\nx & x \\geq 0\n\\end{cases}"


def post(body: str) -> Document:
    return parse_post(f"---\ntitle: Math\n---\n{body}", Path("/nonexistent/math.md"))


def test_the_cases_block_is_whole_as_mathml_and_as_a_picture() -> None:
    markup = mathml(CASES, True).value
    assert markup is not None
    assert markup.count("<mtr>") == 2 and markup.count("<mn>0</mn>") == 3  # both rows (no empty one between)
    two, one = picture(CASES, True, 16.0).value, picture(ONE_ROW, True, 16.0).value
    assert two is not None and one is not None
    assert two.height > 1.6 * one.height  # before: the picture was only the brace, one line high
    assert two.svg.count(b"<use ") >= 9


def test_the_cases_block_in_every_format(tmp_path: Path) -> None:
    doc = post(f"Text.\n\n$$\n{CASES}\n$$\n")
    reporter = Reporter()
    book = tmp_path / "m.epub"
    book.write_bytes(render(doc, "epub", reporter=reporter))
    assert epubcheck(book) == []
    with zipfile.ZipFile(book) as z:
        body = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert body.count("<mtr>") == 2
    assert "<mo>&gt;</mo>" not in body and "%" not in body.split("<math", 1)[1].split("</math>")[0]
    html = render(doc, "html", reporter=reporter).decode()
    assert html.count("<mtr>") == 2
    deck = Presentation(io.BytesIO(render(doc, "pptx", reporter=reporter)))
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    # two rows: taller than wide / 3 (the brace alone was a narrow sliver one line high)
    assert Emu(pictures[0].height) > Emu(pictures[0].width) // 3
    render(doc, "pdf", reporter=reporter)
    assert [d for d in reporter.diagnostics if d.code.startswith("math")] == []


def test_invalid_mathml_from_the_converter_comes_out_valid(tmp_path: Path) -> None:
    doc = post(
        "A relation $$x \\mathrel{\\mathop:}= y$$ and $$\\mathrel{x^2}$$, $$\\sum_i \\mathbin{\\#}$$.\n"
    )
    book = tmp_path / "r.epub"
    book.write_bytes(render(doc, "epub"))
    assert epubcheck(book) == []


def test_an_unknown_macro_is_its_tex_with_a_warning_in_every_format() -> None:
    doc = post("We write $$\\pof{x}$$ here.\n\n$$\n\\pof{x} = 1\n$$\n")
    for fmt in ("epub", "html", "pdf", "pptx"):
        reporter = Reporter()
        data = render(doc, fmt, reporter=reporter)
        warnings = [d.message for d in reporter.diagnostics if d.code == "math-unrendered"]
        assert warnings and all("\\pof is unknown" in w or "formula(s)" in w for w in warnings), fmt
        if fmt in ("epub", "html"):
            text = (
                zipfile.ZipFile(io.BytesIO(data)).read("EPUB/title.xhtml").decode()
                if fmt == "epub"
                else data.decode()
            )
            assert text.count('<code class="math-tex">') == 2 and "<math" not in text


def test_mathml_the_schema_forbids_falls_back_to_the_picture_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import latex2mathml.converter

    def broken(tex: str, display: str = "inline") -> str:  # a part too many: not repairable
        return '<math xmlns="http://www.w3.org/1998/Math/MathML"><mfrac><mi>a</mi><mi>b</mi><mi>c</mi></mfrac></math>'

    monkeypatch.setattr(latex2mathml.converter, "convert", broken)
    mathml.cache_clear()
    try:
        doc = post("$$\n\\frac{a}{b} + c_{\\text{unique-to-this-test}}\n$$\n")
        reporter = Reporter()
        book = tmp_path / "p.epub"
        book.write_bytes(render(doc, "epub", reporter=reporter))
    finally:
        mathml.cache_clear()
    assert [d.code for d in reporter.diagnostics] == ["math-as-picture"]
    assert "3 parts" in reporter.diagnostics[0].message
    with zipfile.ZipFile(book) as z:
        assert '<img class="math"' in z.read("EPUB/title.xhtml").decode()
    assert epubcheck(book) == []


@pytest.mark.parametrize("page_size", ["A4", "A5", "letter"])
def test_inline_formulas_leave_no_word_alone_on_a_line_in_the_pdf(tmp_path: Path, page_size: str) -> None:
    """WeasyPrint broke a line too early near an inline formula picture, leaving one word alone
    on the line above ("that" on the jaketae neural-net post, "choice" on the ICLR clml one)."""
    require_tool("pdftotext")
    doc = post(
        "Although the formula may appear complex, the softmax function is a lot simpler than it seems. "
        "First, note that all $$n$$ entries of the returned vector $$y$$ add up to 1. From here, it is "
        "possible to see that the softmax function is useful for ascribing the probability that a sample "
        "belongs to one of $$n$$ classes: the $$i$$-th element of $$y$$ would indicate the probability of "
        "the sample belonging to the $$i$$-th class.\n\n"
        "Both cases can be viewed as inferring a random variable $$\\boldsymbol{\\Phi}$$, which represents "
        "either the model choice as a categorical distribution or the hyperparameters as a continuous "
        "distribution. In this sense, $$\\boldsymbol{\\Phi}$$ can be considered as another latent variable.\n"
    )
    pdf = tmp_path / "g.pdf"
    pdf.write_bytes(render(doc, "pdf", page_size=page_size))
    text = run(["pdftotext", "-layout", str(pdf), "-"]).stdout
    assert not [line for line in text.splitlines() if re.fullmatch(r"[a-z]+", line.strip())]
    assert "\u200b" not in run(["pdftotext", str(pdf), "-"]).stdout  # the break helper leaves no text


def _glyphs(tex: str) -> set[str]:
    """The glyphs a formula's picture draws (a stretched fence is another glyph: a variant)."""
    image = picture(tex, True, 16.0).value
    assert image is not None
    return set(re.findall(r'<use href="#([^"]+)"', image.svg.decode()))


def test_only_what_tex_grows_grows() -> None:
    # A display sum inside \left( \right) once stretched itself and its fences to 1,987 px.
    for tex in (r"\left( \sum_i x_i \right)", r"\left[ \prod_i x_i \right]"):
        image = picture(tex, True, 16.0).value
        assert image is not None and 30 < image.height < 80, (tex, image and image.height)
    # ... and the fences still enclose the sum, limits included, as TeX's do.
    fenced = picture(r"\left( \sum_{k=1}^n a_k \right)", True, 16.0).value
    bare = picture(r"\sum_{k=1}^n a_k", True, 16.0).value
    assert fenced is not None and bare is not None and fenced.height >= bare.height
    # A bare \langle, \vert or | stays its text size beside a tall sum; pmatrix's parens grow.
    assert _glyphs(r"\langle x \rangle \vert y") <= _glyphs(r"\sum_{k=1}^\infty \langle x \rangle \vert y")
    matrix = picture(r"\begin{pmatrix} a \\ b \\ c \end{pmatrix}", True, 16.0).value
    plain = picture(r"( a )", True, 16.0).value
    assert matrix is not None and plain is not None and matrix.height > 2 * plain.height


@pytest.mark.parametrize(
    ("tex", "linear"),
    [
        ("x^2 + a_{ij}", "x² + aᵢⱼ"),
        (r"x_\text{max}", "xₘₐₓ"),  # the whole word is the subscript, not its first letter
        (r"L_\mathrm{total} + L_{\textrm{aux}}", "Lₜₒₜₐₗ + Lₐᵤₓ"),
        (r"W_i^\mathrm{Q}", "Wᵢ^Q"),  # no superscript Q in Unicode: linear notation
        (r"v_\textrm{clothing}", "v_(clothing)"),  # nor a subscript c: the group in parentheses
        (r"x_{\text{tr} }", "x_(tr)"),
        (r"\mathsf{KL}(p \| q)", "KL(p ‖ q)"),
        (r"\text{if } x > 0", "if x > 0"),
        # bold symbols read as their letters (as \mathbf does), not left as TeX code
        (r"\boldsymbol{\Phi}", "Φ"),
        (r"\mathop{\mathrm{p}}(\boldsymbol{\theta} \:\vert\: \bm{x})", "p(θ | x)"),
        # TeX's unbraced one-token arguments, and colour, which a slide's run does not keep
        (r"h: \mathcal X \rightarrow \mathcal Y", "h: 𝒳 → 𝒴"),
        (r"\boldsymbol\theta_i + \mathbb R^d", "θᵢ + ℝᵈ"),
        (r"\mathbf xy", "xy"),  # the first token only, as TeX reads it
        (r"p(\textcolor{#6b8cbd}{\boldsymbol x}_{\text{query}})", "p(x_(query))"),
        # a set's braces are text, not TeX's grouping
        (r"\{\boldsymbol{x}_n\}_{n=1}^N", "{xₙ}ₙ₌₁ᴺ"),
        (r"\left\lbrace a, b \right\rbrace", "{ a, b }"),
    ],
)
def test_inline_math_on_slides_reads_as_the_tex_means(tex: str, linear: str) -> None:
    from export_post.toolkit.texmath import to_linear

    assert to_linear(tex) == linear
