"""A formula as XHTML: MathML, else a typeset picture, else its TeX, with each fallback reported."""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Reporter
from .markup import esc
from .texmath import MathImage, excerpt, mathml, picture, text_size


def formula_markup(
    tex: str, display: bool, math: str, math_url: Callable[[MathImage], str] | None, reporter: Reporter
) -> str:
    """``math``: ``"mathml"`` tries MathML first; ``math_url`` places a picture (None: no
    picture can be placed)."""
    problem = ""
    if math == "mathml":
        result = mathml(tex, display)
        if result.value is not None:
            return result.value
        problem = result.problem
    if math_url is not None:
        drawn = picture(tex, display, text_size(display))
        if drawn.value is not None:
            if problem:
                reporter.warn("math-as-picture", f"formula shown as a picture: {problem}: {excerpt(tex)}")
            image = drawn.value
            style = f"vertical-align: -{image.depth:.2f}px" if not display else ""
            style_attr = f' style="{style}"' if style else ""
            url = esc(math_url(image))
            return f'<img class="math" src="{url}" alt="{esc(tex)}"{style_attr}/>'
        problem = problem or drawn.problem
    reporter.warn("math-unrendered", f"math cannot be rendered ({problem}); shown as TeX: {excerpt(tex)}")
    return f'<code class="math-tex">{esc(tex)}</code>'
