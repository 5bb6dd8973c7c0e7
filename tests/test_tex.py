"""The TeX normaliser: what MathJax reads, brought into the subset every renderer shares."""

from __future__ import annotations

import itertools

import pytest

from export_post.tex import MAX_EXPANDED, Macros, TexError, collapse_row_breaks, normalise, strip_comments


def test_comments_go_but_percent_signs_stay() -> None:
    assert strip_comments("a % note\n  + b") == "a + b"
    assert strip_comments(r"50\% of x") == r"50\% of x"
    assert strip_comments("x \\\\% row break, then a comment\ny") == "x \\\\y"
    assert strip_comments(r"\end{cases} % (1)") == r"\end{cases} "


def test_escaped_row_breaks_and_row_spacing_become_plain_breaks() -> None:
    assert collapse_row_breaks(r"a \\\\ b") == r"a \\ b"
    assert collapse_row_breaks(r"a \\\\\\ b") == r"a \\ b"  # six: still one break
    assert collapse_row_breaks(r"a \\[2em] b") == r"a \\  b"
    assert collapse_row_breaks(r"a \\*[-1.5pt] b") == r"a \\  b"
    assert collapse_row_breaks(r"a \\ [b, c]") == r"a \\ [b, c]"  # a bracket on the next row
    assert collapse_row_breaks(r"\\{ x \\}") == r"\\{ x \\}"  # a row break, then a brace


def test_the_fragment_case_normalises_whole() -> None:
    tex = "\\begin{cases}\nx & x \\geq 0 \\\\\\\\\n0 & x < 0\n\\end{cases} % (1)"
    assert normalise(tex) == "\\begin{cases}\nx & x \\geq 0 \\\\\n0 & x < 0\n\\end{cases}"


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\begin{equation} x \label{e} \end{equation}", "x"),
        (r"\begin{align}a&=b\nonumber\\c&=d\end{align}", r"\begin{align*}a&=b \\c&=d\end{align*}"),
        (r"x=\begin{aligned}a\end{aligned}", r"x=\begin{align*}a\end{align*}"),
        (r"\begin{alignat}{2}a&=b\end{alignat}", r"\begin{align*}a&=b\end{align*}"),
        (r"\begin{gathered}a\\b\end{gathered}", r"\begin{matrix}a\\b\end{matrix}"),
        (r"\begin{eqnarray}a&=&b\end{eqnarray}", r"\begin{array}{rcl}a&=&b\end{array}"),
        (r"\begin{array}{@{}c|p{2cm}@{}}a&b\end{array}", r"\begin{array}{c|l}a&b\end{array}"),
        (r"\begin{array}{*{3}{c}}a\end{array}", r"\begin{array}{ccc}a\end{array}"),
        (r"\begin{dcases}a\end{dcases}", r"\begin{cases}a\end{cases}"),
        (r"y \tag{3}", "y"),
        (r"y \ \tag{1}", "y"),  # the control space before the tag does not leave a lone backslash
    ],
)
def test_environments_and_numbering(tex: str, expected: str) -> None:
    assert normalise(tex) == expected


def test_an_environment_no_renderer_knows_refuses_the_formula() -> None:
    with pytest.raises(TexError, match="tikzcd"):
        normalise(r"\begin{tikzcd} A \arrow[r] & B \end{tikzcd}")


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\class{big}{x^2}", "{x^2}"),
        (r"\href{javascript:alert(1)}{x}", "{x}"),
        (r"\style{color:red}{y}", "{y}"),
        (r"\bbox[yellow]{z}", "{z}"),
        (r"\require{mathtools} x", "x"),
        (r"\operatorname*{arg\,max}_x", r"\mathop{\mathrm {arg\,max}}\limits_x"),
        (r"\mathrm{d}x", r"\mathrm {d}x"),
        (r"\textsc{Hi}", r"\text{Hi}"),
    ],
)
def test_mathjax_commands_keep_their_math(tex: str, expected: str) -> None:
    assert normalise(tex) == expected


def test_commands_that_carry_markup_are_refused() -> None:
    for tex in (r"\url{http://x}", r"\htmlClass{a}{b}", r"\input{/etc/passwd}"):
        with pytest.raises(TexError):
            normalise(tex)


def test_macros_defined_in_the_formula_or_earlier_on_the_page() -> None:
    assert normalise(r"\newcommand{\pof}[1]{p(#1)} \pof{x}") == "p(x)"
    page = Macros()
    page.take_definitions(
        r"\DeclareMathOperator{\opp}{p} \newcommand{\MidSymbol}[1][]{\:#1\:}"
        r"\newcommand{\given}{\MidSymbol[\vert]} \def\x{\boldsymbol{x}} \let\eps\varepsilon"
        r"\definecolor{input}{rgb}{0.42, 0.55, 0.74} \def\y{\textcolor{input}{y}}"
    )
    assert normalise(r"\opp(\x \given \eps) \y", page) == (
        r"\mathop{\mathrm {p}}(\boldsymbol{x} \:\vert\: \varepsilon) \textcolor{#6b8cbd}{y}"
    )
    assert normalise(r"\renewcommand{\x}{X} \x", page) == "X"
    assert normalise(r"\x", page) == r"\boldsymbol{x}"  # the redefinition stayed in its formula


def test_runaway_macros_are_refused_quickly() -> None:
    with pytest.raises(TexError, match="too often"):
        normalise(r"\def\a{\a} \a")
    with pytest.raises(TexError, match="too often"):  # a billion laughs, in TeX
        names = [f"\\l{c}" for c in "abcdefgh"]
        levels = [rf"\def{name}{{{inner * 10}}}" for inner, name in itertools.pairwise(names)]
        normalise(r"\def\la{x}" + "".join(levels) + names[-1])
    with pytest.raises(TexError, match="too much"):
        normalise(r"\def\a{" + "x" * 1000 + "}" + r"\a" * (MAX_EXPANDED // 1000 + 1))


def test_a_formula_of_definitions_only_is_not_a_formula() -> None:
    with pytest.raises(TexError, match="only definitions"):
        normalise(r"\require{mathtools} \newcommand{\a}{b}")
