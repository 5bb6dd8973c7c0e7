"""TeX math for every output: MathML (EPUB, HTML), SVG (PDF; PNG for slides), linear text.

Every renderer reads the formula through :func:`export_post.tex.normalise` (comments, escaped
row breaks, environments, macros), and every MathML tree, the one written into an EPUB and
the one ziamath draws, passes :func:`export_post.toolkit.mathml_check.check` first. A formula
therefore renders whole or not at all: each conversion returns an :class:`Outcome` whose
``problem`` says why there is no value, and callers fall back (MathML → picture → the TeX
itself) and report it. Expressions are capped in size and may not use commands that carry
links or raw markup, since post content is untrusted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar
from xml.etree import ElementTree

from ..diagnostics import root_logging_untouched
from ..resources import Resource
from ..tex import MAX_TEX, TexError
from ..tex import normalise as normalise_tex
from . import formulastore, ziamath_speedups
from .mathml_check import check, token_text
from .svgraster import svg_to_png

__all__ = [
    "MAX_TEX",
    "MathImage",
    "Outcome",
    "excerpt",
    "mathml",
    "normalise",
    "picture",
    "text_size",
    "to_linear",
    "to_mathml",
    "to_png",
    "to_svg",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """A rendering, or ``None`` and the reason (``problem``, a clause for a message)."""

    value: T | None
    problem: str = ""
    repairs: tuple[str, ...] = ()  # what the MathML check changed to make it valid


def normalise(tex: str) -> str | None:
    """The expression in the subset the renderers share, or None if it is refused."""
    try:
        return normalise_tex(tex)
    except TexError:
        return None


def _clean(tex: str) -> tuple[str | None, str]:
    try:
        return normalise_tex(tex), ""
    except TexError as err:
        return None, str(err)


@lru_cache(maxsize=1024)
def mathml(tex: str, display: bool) -> Outcome[str]:
    """MathML for ``tex`` (a checked, repaired ``<math>`` element), or why there is none."""
    clean, problem = _clean(tex)
    if clean is None:
        return Outcome(None, problem)
    from latex2mathml.converter import convert

    try:
        markup = convert(clean, display="block" if display else "inline")
    except Exception as err:  # latex2mathml raises many kinds for TeX it cannot read
        return Outcome(None, _converter_problem(err))
    checked = check(_escape_ampersands(str(markup)))
    if checked.element is None:
        return Outcome(None, checked.problem or "the MathML is invalid", tuple(checked.repairs))
    _space_cases(checked.element)
    return Outcome(checked.markup(), repairs=tuple(checked.repairs))


def to_mathml(tex: str, display: bool) -> str | None:
    """MathML for ``tex`` (a ``<math>`` element), or None."""
    return mathml(tex, display).value


@dataclass(frozen=True, slots=True)
class MathImage:
    svg: bytes
    width: float  # CSS px
    height: float
    depth: float  # below the baseline, px (for vertical-align)

    def resource(self) -> Resource:
        """The picture as a resource an exporter can store like any image."""
        return Resource(
            ref="math",
            data=self.svg,
            media_type="image/svg+xml",
            width=round(self.width),
            height=round(self.height),
            digest=hashlib.sha256(self.svg).hexdigest(),
        )


def text_size(display: bool) -> float:
    """The px size math is set at in running text (display math a little larger)."""
    return 16.0 if display else 14.0


_NOTDEF = re.compile(r'<symbol id="[^"]*_0"')  # glyph 0: the font has no glyph for a character
# Outcomes typeset ahead in another process (:mod:`.mathahead`), taken by picture() once
_ahead: dict[tuple[str, bool, float], Outcome[MathImage]] = {}
_ahead_png: dict[tuple[str, bool, float], bytes] = {}  # and PNGs drawn there, taken by to_png()
_here: set[tuple[str, bool, float]] = set()  # what picture() has typeset or read in this process
_HERE_MAX = 4096


def forget_ahead() -> None:
    """Drop what a forked copy sent for an earlier post and no one asked for."""
    _ahead.clear()
    _ahead_png.clear()


def typeset_here(tex: str, display: bool, size: float) -> bool:
    """Whether picture() has had this formula's outcome in this process (likely still kept)."""
    return (tex, display, size) in _here


@lru_cache(maxsize=256)
def picture(tex: str, display: bool, size: float = 14.0) -> Outcome[MathImage]:
    """An SVG picture of ``tex`` set at ``size`` px (STIX Two Math), or why there is none.

    The picture is refused when it would be a fragment: fewer glyphs drawn than the MathML
    has characters, or a character the math font lacks. Kept in the formula store."""
    if len(_here) >= _HERE_MAX:
        _here.clear()
    _here.add((tex, display, size))
    ahead = _ahead.pop((tex, display, size), None)
    if ahead is not None:
        formulastore.put("picture", _outcome_to_json(ahead), tex, display, size)
        return ahead
    stored = formulastore.get("picture", tex, display, size)
    if stored is not None:
        kept = _outcome_from_json(stored)
        if kept is not None:
            return kept
    outcome = _typeset(tex, display, size)
    formulastore.put("picture", _outcome_to_json(outcome), tex, display, size)
    return outcome


def _outcome_to_json(outcome: Outcome[MathImage]) -> bytes:
    image = outcome.value
    return json.dumps(
        {
            "svg": image.svg.decode("utf-8") if image else None,
            "size": [image.width, image.height, image.depth] if image else None,
            "problem": outcome.problem,
            "repairs": list(outcome.repairs),
        }
    ).encode("utf-8")


def _outcome_from_json(data: bytes) -> Outcome[MathImage] | None:
    try:
        kept = json.loads(data)
        svg, size = kept["svg"], kept["size"]
        image = MathImage(svg.encode("utf-8"), *map(float, size)) if svg is not None else None
        return Outcome(image, str(kept["problem"]), tuple(map(str, kept["repairs"])))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not what this version writes: typeset afresh


def _typeset(tex: str, display: bool, size: float) -> Outcome[MathImage]:
    clean, problem = _clean(tex)
    if clean is None:
        return Outcome(None, problem)
    from ziamath.tex import tex2mml
    from ziamath.zmath import Math

    ziamath_speedups.apply()
    try:
        markup = tex2mml(clean, inline=not display)
    except Exception as err:
        return Outcome(None, _converter_problem(err))
    checked = check(_escape_ampersands(markup))
    if checked.element is None:
        return Outcome(None, checked.problem or "the MathML is invalid", tuple(checked.repairs))
    _space_cases(checked.element)
    _fill_empty_limits(checked.element)
    _unstretch_bare_operators(checked.element)
    # ziamath draws hyphens in text, overlines and underlines (U+2015) as rules, not glyphs
    expected = len(token_text(checked.element, lines="-").replace("\u2015", ""))
    try:
        with root_logging_untouched():
            svg = Math(checked.element, size=size).svg()  # an element: ziamath unescapes strings
    except Exception as err:  # any failure of the typesetter means "cannot render"
        return Outcome(None, f"the typesetter failed ({type(err).__name__})")
    if _NOTDEF.search(svg):
        return Outcome(None, "the math font lacks a character it uses")
    if svg.count("<use ") < expected:
        return Outcome(None, "the typesetter drew only part of it")
    head = re.search(r'width="([\d.]+)" height="([\d.]+)" viewBox="([-\d.]+) ([-\d.]+) ', svg)
    if head is None:
        return Outcome(None, "the typesetter could not measure it")
    width, height, top = float(head.group(1)), float(head.group(2)), float(head.group(4))
    return Outcome(MathImage(svg.encode("utf-8"), width, height, max(0.0, height + top)))


def to_svg(tex: str, display: bool, size: float = 14.0) -> MathImage | None:
    """An SVG picture of ``tex`` set at ``size`` px (STIX Two Math), or None."""
    return picture(tex, display, size).value


@lru_cache(maxsize=256)
def to_png(
    tex: str, display: bool, size: float, width: int | None = None
) -> tuple[bytes, float, float] | None:
    """A PNG of ``tex`` set at ``size`` px for slides: bytes, and its width and height at ``size``.

    It is drawn ``width`` pixels wide (the box it is shown in, at the density the slide
    wants), or by default at twice ``size``. The picture is the text-size SVG (typeset once
    per worker: the PDF of the same post already asked for it) drawn scaled, since
    typesetting costs far more than drawing."""
    image = to_svg(tex, display, text_size(display))
    if image is None:
        return None
    scale = size / text_size(display)
    zoom = _zoom(image, size, display, width)
    drawn = _ahead_png.pop((tex, display, zoom), None)  # by a forked copy (draw_png)
    png = drawn if drawn is not None else formulastore.get("png", tex, display, zoom)
    if png is None:
        png = drawn = svg_to_png(image.svg, zoom=zoom)
        if png is None:
            return None
    if drawn is not None:  # not read from the store: kept there
        formulastore.put("png", png, tex, display, zoom)
    return png, image.width * scale, image.height * scale


def draw_png(tex: str, display: bool, size: float, width: int | None = None) -> bytes | None:
    """The PNG :func:`to_png` would return for these arguments, drawn afresh and neither read
    from the formula store nor kept: a forked copy draws it for its parent (:func:`take_png`)."""
    image = to_svg(tex, display, text_size(display))
    return None if image is None else svg_to_png(image.svg, zoom=_zoom(image, size, display, width))


def take_png(tex: str, display: bool, size: float, width: int | None, png: bytes) -> None:
    """``png``, drawn elsewhere by :func:`draw_png`, is what :func:`to_png` returns for it."""
    image = to_svg(tex, display, text_size(display))
    if image is not None:
        _ahead_png[tex, display, _zoom(image, size, display, width)] = png


def _zoom(image: MathImage, size: float, display: bool, width: int | None) -> float:
    return width / max(image.width, 1e-6) if width is not None else size / text_size(display) * 2


def _escape_ampersands(markup: str) -> str:
    """latex2mathml writes an ``&`` it does not place (text, a misplaced alignment) bare."""
    return re.sub(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z]\w*;)", "&amp;", markup)


def _fill_empty_limits(root: ElementTree.Element) -> None:
    """An empty over- or underscript (``\\overset{}{x}``) as an empty space: ziamath fails
    on an empty ``mrow`` there."""
    for el in root.iter():
        if el.tag in ("mover", "munder", "munderover"):
            for script in list(el)[1:]:
                if script.tag == "mrow" and not len(script) and not (script.text or "").strip():
                    script.tag = "mspace"
                    script.set("width", "0em")


def _unstretch_bare_operators(root: ElementTree.Element) -> None:
    """Only what TeX grows grows: ``\\left``, ``\\middle``, ``\\right`` and ``\\big`` (which
    the converter marks) and a matrix's delimiters. ziamath's operator table calls every fence,
    bar and large operator stretchy, so a bare ``\\langle`` or ``\\sum`` would stretch to its row,
    and a display ``\\sum_i`` inside ``\\left( … \\right)`` stretched itself and the fences
    around it to a hundred times the text size."""
    for parent in root.iter():
        if any(child.tag == "mtable" for child in parent):
            continue  # pmatrix, vmatrix…: bare delimiters beside the table, sized to it
        for child in parent:
            # mi too: ziamath reads an identifier that is an operator (\langle, \vert) as one
            if child.tag in ("mo", "mi") and "stretchy" not in child.attrib:
                child.set("stretchy", "false")


def _space_cases(root: ElementTree.Element) -> None:
    """Room between the columns of a ``cases`` table (a brace, then the table), as TeX and
    MathJax leave it; the converter sets none, so value and condition run together."""
    for parent in root.iter():
        children = list(parent)
        for brace, table in itertools.pairwise(children):
            if brace.tag == "mo" and (brace.text or "").strip() == "{" and table.tag == "mtable":
                table.attrib.setdefault("columnspacing", "1em")


def excerpt(tex: str, limit: int = 60) -> str:
    """The formula on one line, cut for a message."""
    line = re.sub(r"\s+", " ", tex).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _converter_problem(err: Exception) -> str:
    detail = str(err).strip()
    name = type(err).__name__
    return f"the TeX converter cannot read it ({name}{': ' + detail[:80] if detail else ''})"


_TEXT_COMMANDS = (
    r"\\(?:text|textrm|textsf|texttt|textup|textnormal|textit|textbf|mbox"
    r"|mathrm|mathsf|mathtt|mathit|mathbf|mathnormal|operatorname|boldsymbol|pmb)"
)
# Commands that style their argument, which TeX lets be a single unbraced token
_STYLE_COMMANDS = (
    r"\\(mathcal|mathbb|mathfrak|mathscr|mathbf|mathrm|mathit|mathsf|mathtt|boldsymbol|bm|pmb"
    r"|operatorname)"
)
_SET_OPEN, _SET_CLOSE = "\ue000", "\ue001"  # private use: no TeX or Unicode meaning
_SET_BRACES = {r"\lbrace": _SET_OPEN, r"\rbrace": _SET_CLOSE, r"\{": _SET_OPEN, r"\}": _SET_CLOSE}
_LINEAR = [
    # \mathcal X, \boldsymbol\theta: TeX's single-token argument, braced as the rules read it
    (re.compile(_STYLE_COMMANDS + r"\s*(\\[A-Za-z]+|[A-Za-z0-9])(?![A-Za-z])"), r"\\\1{\2}"),
    (re.compile(_STYLE_COMMANDS + r"\s+([A-Za-z0-9])"), r"\\\1{\2}"),
    # colour says nothing on a slide: the coloured text stays, in the run's colour
    (re.compile(r"\\textcolor\s*\{[^{}]*\}\s*\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\color\s*\{[^{}]*\}"), ""),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|limits|nolimits)\b\s*"), ""),
    # x_\text{max}: the whole word is the subscript, as x_{max} says
    (re.compile(r"([_^])\s*" + _TEXT_COMMANDS + r"\s*\{([^{}]*)\}"), r"\1{\2}"),
    (re.compile(_TEXT_COMMANDS + r"\s*\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\mathop\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\sqrt\{([^{}]*)\}"), r"√(\1)"),
    (re.compile(r"\\[,;:! ]|~"), " "),
    (re.compile(r"\\(?:quad|qquad)\b"), "  "),
    (re.compile(r"\\(?:dots|ldots|cdots)\b"), "…"),
]


@lru_cache(maxsize=1024)
def to_linear(tex: str) -> str | None:
    """Plain Unicode for inline math (``x^2`` → ``x²``, ``W_i^Q`` → ``Wᵢ^Q``), or None when the
    expression needs real typesetting (what remains still has TeX commands or braces)."""
    clean = normalise(tex)
    if clean is None:
        return None
    # a set's braces are text: kept apart from TeX's grouping braces until the end
    for escaped, kept in _SET_BRACES.items():
        clean = clean.replace(escaped, kept)
    for _ in range(6):  # nested constructs unwrap from the inside out, all rules together
        before = clean
        for pattern, replacement in _LINEAR:
            clean = pattern.sub(replacement, clean)
        if clean == before:
            break
    from .unicodeit_fast import replace

    text = replace(clean)
    # a script Unicode has no characters for, in UnicodeMath's linear notation: W^Q, v_(avg)
    text = re.sub(r"([_^])\{([^{}\s])\}", r"\1\2", text)
    text = re.sub(r"([_^])\{([^{}]+)\}", lambda m: f"{m[1]}({m[2].strip()})", text)
    if "\\" in text or re.search(r"[{}]", text):
        return None  # leftover ^ and _ read as linear notation (UnicodeMath); commands do not
    return re.sub(r"\s+", " ", text).strip().replace(_SET_OPEN, "{").replace(_SET_CLOSE, "}")


_WARM_UP = (
    r"\sum_{i=1}^{n} \frac{\sqrt{x_i^2}}{\left(\int_0^1 f\right)}"
    r" \begin{pmatrix} a & \mathbf{b} \end{pmatrix}"
)


def warm() -> None:
    """Import the typesetter and read the tables of its font that most formulas use
    (0.2 s), for a process that forks runs (:mod:`export_post.warm.server`)."""
    _typeset(_WARM_UP, True, 14.0)
