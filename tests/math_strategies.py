"""Hypothesis strategies for TeX as blog posts write it for MathJax.

Fractions, scripts, ``\\mathrel``/``\\mathop``/``\\mathbin``, ``\\operatorname``, braces,
``\\left…\\right``, accents, ``\\text``, colours, macros, environments (``cases``,
``aligned``, ``align``, matrices, ``array``), comments, and row breaks written plainly,
escaped for Markdown (``\\\\\\\\``) or with spacing (``\\\\[2pt]``).
"""

from __future__ import annotations

from hypothesis import strategies as st

ATOMS = [
    "x",
    "y_i",
    "n",
    "2",
    "0.5",
    r"\alpha",
    r"\theta^*",
    r"\infty",
    r"\mathbf{x}",
    r"\boldsymbol{\mu}",
    r"\mathcal{L}",
    r"\mathbb{R}^n",
    r"\hat{y}",
    r"\vec{v}",
    r"\bar{z}",
    r"\tilde{w}",
    r"\partial",
    r"\nabla f",
    r"\ell",
    r"\dots",
    r"\cdots",
    r"f(x)",
    r"\{a, b\}",
    r"|x|",
    r"\|v\|_2",
    r"\langle u, v \rangle",
    r"\sin\theta",
    r"\log n",
    r"\text{loss}",
    r"\mathrm{d}x",
    r"x'",
    r"\emptyset",
    r"\mathrm{KL}",
    r"\binom{n}{k}",
    r"\not\in",
    r"\stackrel{?}{=}",
    r"\xrightarrow{f}",
    r"\boxed{1}",
    r"\phantom{x}",
    r"\big( x \big)",
    r"\Bigg[ y \Bigg]",
    r"\displaystyle\sum_i a_i",
    r"\sum\limits_{i=1}^n",
    r"\substack{i < j \\ j < k}",
    r"\begin{smallmatrix} a & b \\ c & d \end{smallmatrix}",
    r"\text{50\% of \$5 \& more}",
    r"\text{café}",
    r"\hspace{1em}",
    r"\!",
    r"\left. x \right|_{0}^{1}",
    r"\overbrace{a+b}^{2}",
    r"\mathring{A}",
    r"\eqref{eq:x}",
]
OPERATORS = [
    "+",
    "-",
    "=",
    r"\leq",
    r"\geq",
    r"\neq",
    r"\cdot",
    r"\times",
    r"\to",
    r"\in",
    r"\subseteq",
    ",",
    r"\approx",
    r"\sim",
    r"\mid",
    r"\mathrel{:}=",
    r"\mathrel{\mathop:}=",
    r"\mathbin{\#}",
    r"\coloneqq",
    r"\Rightarrow",
    r"\quad",
    r"\,",
]
ROW_BREAKS = ["\\\\", "\\\\\n", "\\\\\\\\\n", "\\\\[2pt]\n", "\\\\ % next row\n"]


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda p: rf"\frac{{{p[0]}}}{{{p[1]}}}"),
        pair.map(lambda p: rf"\dfrac{{{p[0]}}}{{{p[1]}}}"),
        pair.map(lambda p: rf"{{{p[0]}}}^{{{p[1]}}}"),
        pair.map(lambda p: rf"{{{p[0]}}}_{{{p[1]}}}"),
        st.tuples(inner, inner, inner).map(lambda p: rf"{{{p[0]}}}_{{{p[1]}}}^{{{p[2]}}}"),
        st.tuples(st.sampled_from([r"\sum", r"\prod", r"\int", r"\bigcup", r"\lim"]), inner, inner).map(
            lambda p: rf"{p[0]}_{{{p[1]}}}^{{{p[2]}}}" if p[0] != r"\lim" else rf"\lim_{{{p[1]}}} {p[2]}"
        ),
        st.tuples(st.sampled_from([r"\sum", r"\max", r"\min"]), inner, inner).map(
            lambda p: rf"{p[0]}_{{{p[1]}}} {{{p[2]}}}"  # an operand wrapped in braces
        ),
        st.tuples(st.sampled_from([r"\mathrel", r"\mathop", r"\mathbin"]), inner).map(
            lambda p: rf"{p[0]}{{{p[1]}}}"
        ),
        st.tuples(st.sampled_from(["Tr", "arg\\,max", "softmax", "KL"]), inner).map(
            lambda p: rf"\operatorname{{{p[0]}}}({p[1]})"
        ),
        inner.map(lambda s: rf"\operatorname*{{arg\,min}}_{{{s}}} f"),
        inner.map(lambda s: f"{{{s}}}"),
        inner.map(lambda s: rf"\left( {s} \right)"),
        inner.map(lambda s: rf"\left[ {s} \right."),
        inner.map(lambda s: rf"\left\{{ {s} \right\}}"),
        pair.map(lambda p: rf"\left| {p[0]} \middle| {p[1]} \right|"),
        st.tuples(
            st.sampled_from([r"\hat", r"\widehat", r"\overline", r"\underline", r"\sqrt", r"\vec"]), inner
        ).map(lambda p: f"{p[0]}{{{p[1]}}}"),
        pair.map(lambda p: rf"\sqrt[{p[0]}]{{{p[1]}}}"),
        pair.map(lambda p: rf"\underbrace{{{p[0]}}}_{{\text{{{'term'}}}}} + {p[1]}"),
        pair.map(lambda p: rf"\overset{{{p[0]}}}{{{p[1]}}}"),
        inner.map(lambda s: rf"{s} \text{{ if }} x > 0"),
        inner.map(lambda s: rf"\color{{red}}{{{s}}}"),
        inner.map(lambda s: rf"\textcolor{{orange}}{{{s}}}"),
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(lambda p: f"{p[0]} {p[1]} {p[2]}"),
        pair.map(lambda p: f"{p[0]} % a comment\n{p[1]}"),
    )


EXPRESSIONS = st.recursive(st.sampled_from(ATOMS), _wrap, max_leaves=6)


def _rows(columns: int) -> st.SearchStrategy[str]:
    row = st.lists(EXPRESSIONS, min_size=columns, max_size=columns).map(" & ".join)
    return st.tuples(st.lists(row, min_size=1, max_size=3), st.sampled_from(ROW_BREAKS), st.booleans()).map(
        # sometimes a trailing row break; a line end after the rows, so a comment ends there
        lambda p: (p[1].join(p[0]) + (p[1] if p[2] else "")).rstrip("\n") + "\n"
    )


def _environment() -> st.SearchStrategy[str]:
    return st.one_of(
        _rows(2).map(lambda body: rf"f(x) = \begin{{cases}} {body} \end{{cases}}"),
        _rows(2).map(lambda body: f"\\begin{{cases}}\n{body}\\end{{cases}} % (1)"),
        _rows(2).map(lambda body: rf"\begin{{aligned}} {body} \end{{aligned}}"),
        _rows(2).map(lambda body: rf"\begin{{align}} {body} \end{{align}}"),
        _rows(2).map(lambda body: rf"\begin{{align*}} {body} \end{{align*}}"),
        _rows(1).map(lambda body: rf"\begin{{gather}} {body} \end{{gather}}"),
        st.tuples(st.sampled_from(["matrix", "pmatrix", "bmatrix", "vmatrix"]), _rows(2)).map(
            lambda p: rf"A = \begin{{{p[0]}}} {p[1]} \end{{{p[0]}}}^T"
        ),
        _rows(3).map(lambda body: rf"\left(\begin{{array}}{{@{{}}c|c c@{{}}}} {body} \end{{array}}\right)"),
        _rows(2).map(
            lambda body: (
                rf"\begin{{equation}} \begin{{split}} {body} \end{{split}} \label{{eq:x}} \end{{equation}}"
            )
        ),
    )


def _macros() -> st.SearchStrategy[str]:
    return st.tuples(EXPRESSIONS, EXPRESSIONS).map(
        lambda p: (
            rf"\newcommand{{\vv}}[1]{{\mathbf{{#1}}}} "
            rf"\DeclareMathOperator{{\Var}}{{Var}} \vv{{{p[0]}}} = \Var({p[1]})"
        )
    )


FORMULAS = st.one_of(
    EXPRESSIONS,
    _environment(),
    _macros(),
    EXPRESSIONS.map(lambda s: rf"{s} \tag{{2}}"),
)
