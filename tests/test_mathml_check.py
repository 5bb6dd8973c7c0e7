"""The structural MathML check: what EPUB's schema forbids is repaired or refused."""

from __future__ import annotations

import pytest

from export_post.toolkit.mathml_check import check
from export_post.toolkit.texmath import mathml

M = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'


def fixed(body: str) -> str:
    result = check(f"{M}{body}</math>")
    assert result.problem is None, result.problem
    return result.markup().removeprefix(M).removesuffix("</math>")


def refused(body: str) -> str:
    result = check(f"{M}{body}</math>")
    assert result.element is None
    assert result.problem
    return result.problem


def test_a_token_holding_tokens_keeps_their_text() -> None:
    # latex2mathml's \mathrel{\mathop:}=
    assert fixed("<mrow><mi>x</mi><mo><mrow><mo><mi>:</mi></mo></mrow></mo><mo>=</mo></mrow>") == (
        "<mrow><mi>x</mi><mo>:</mo><mo>=</mo></mrow>"
    )
    assert fixed(
        '<mo><mrow><mi>a</mi><mi>r</mi><mi>g</mi><mspace width="0.167em"/><mi>m</mi></mrow></mo>'
    ) == ("<mo>arg\u2009m</mo>")


def test_a_token_holding_structure_is_lifted_into_an_mrow() -> None:
    # latex2mathml's \mathrel{x^2}
    assert fixed("<mo><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></mo>") == (
        "<mrow><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></mrow>"
    )


def test_scripts_and_fractions_get_their_arity() -> None:
    assert fixed("<mfrac><mi>a</mi></mfrac>") == "<mfrac><mi>a</mi><mrow /></mfrac>"
    assert fixed("<munderover />") == "<munderover><mrow /><mrow /><mrow /></munderover>"
    # latex2mathml's \begin{pmatrix}…\end{pmatrix}^T: the fence, table and fence are the base
    assert fixed(
        "<msup><mo>(</mo><mtable><mtr><mtd><mi>a</mi></mtd></mtr></mtable><mo>)</mo><mi>T</mi></msup>"
    ) == (
        "<msup><mrow><mo>(</mo><mtable><mtr><mtd><mi>a</mi></mtd></mtr></mtable><mo>)</mo></mrow><mi>T</mi></msup>"
    )
    # latex2mathml's \sqrt[\binom{n}{k}]{y}: the index spread over three parts
    assert fixed("<mroot><mi>y</mi><mo>(</mo><mfrac><mi>n</mi><mi>k</mi></mfrac><mo>)</mo></mroot>") == (
        "<mroot><mi>y</mi><mrow><mo>(</mo><mfrac><mi>n</mi><mi>k</mi></mfrac><mo>)</mo></mrow></mroot>"
    )
    assert "3 parts" in refused("<mfrac><mi>a</mi><mi>b</mi><mi>c</mi></mfrac>")


def test_tables_hold_rows_of_cells_padded_to_the_widest_row() -> None:
    assert fixed(
        "<mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd /></mtr>"
        "<mtr><mtd><mn>0</mn></mtd><mi>c</mi></mtr><mtr><mtd /></mtr></mtable>"
    ) == (
        "<mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd /><mtd /></mtr>"
        "<mtr><mtd><mn>0</mn></mtd><mtd><mi>c</mi></mtd></mtr></mtable>"
    )
    assert fixed("<mtable><mi>x</mi></mtable>") == "<mtable><mtr><mtd><mi>x</mi></mtd></mtr></mtable>"


def test_attributes_are_those_the_schema_allows() -> None:
    assert (
        fixed('<mstyle mathcolor="orange"><mi>x</mi></mstyle>')
        == '<mstyle mathcolor="#ffa500"><mi>x</mi></mstyle>'
    )
    assert fixed('<mstyle mathcolor="myblue"><mi>x</mi></mstyle>') == "<mrow><mi>x</mi></mrow>"
    assert (
        fixed('<mi href="javascript:x" onclick="y" mathvariant="bold">x</mi>')
        == '<mi mathvariant="bold">x</mi>'
    )
    assert fixed('<mtable columnspacing=""><mtr><mtd><mi>x</mi></mtd></mtr></mtable>') == (
        "<mtable><mtr><mtd><mi>x</mi></mtd></mtr></mtable>"
    )
    kept = (
        '<mpadded width="+0.833em" lspace="0.556em" voffset="-.2em"><mspace'
        ' width="negativethinmathspace" /></mpadded>'
    )
    assert fixed(kept) == kept


def test_loose_text_goes_into_mtext() -> None:
    assert fixed("<mrow>a<mi>x</mi>b</mrow>") == "<mrow><mtext>a</mtext><mi>x</mi><mtext>b</mtext></mrow>"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<mrow><mi>\\pof</mi><mi>x</mi></mrow>", "\\pof is unknown"),
        ("<mi>&amp;</mi>", "alignment"),
        ("<mblink><mi>x</mi></mblink>", "<mblink>"),
    ],
)
def test_what_would_show_a_fragment_is_refused(body: str, reason: str) -> None:
    assert reason in refused(body)


def test_malformed_xml_is_refused() -> None:
    assert "malformed" in (check("<math><mi>&</mi></math>").problem or "")


@pytest.mark.parametrize(
    "tex",
    [
        r"x \mathrel{\mathop:}= y",
        r"\mathrel{x^2}",
        r"\sum_i \mathbin{\#} \mathop{x_1}",
        r"z = \begin{pmatrix} a \\ b \end{pmatrix}^T",
    ],
)
def test_latex2mathml_output_that_epub_rejects_comes_out_valid(tex: str) -> None:
    result = mathml(tex, False)
    assert result.value is not None and result.repairs, result
    assert check(result.value).repairs == []  # checking the repaired tree again changes nothing
