"""TeX math for every output: MathML (EPUB, HTML), SVG (PDF; PNG for slides), linear text.

Each conversion returns ``None`` when it cannot render an expression; callers then show the
TeX itself and report ``math-unrendered``. Expressions are capped in size and may not use
commands that carry links or raw markup, since post content is untrusted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.etree import ElementTree

from .diagnostics import root_logging_untouched
from .resources import Resource

MAX_TEX = 4000
_REFUSED = re.compile(r"\\(?:href|url|html\w*|require|class|cssId|style|input|include)\b")
_ENVIRONMENT = re.compile(r"^\s*\\begin\{(?P<env>[a-zA-Z]+\*?)\}(?P<body>.*)\\end\{(?P=env)\}\s*$", re.S)
_LABEL = re.compile(r"\\(?:label|tag|nonumber|notag)(?:\{[^{}]*\})?")


def normalise(tex: str) -> str | None:
    """The expression in the subset the renderers share, or None if it is refused.

    Numbered environments (``equation``, ``align``…) become their unnumbered content
    (``aligned`` for alignments); labels and tags are dropped."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_TEX or _REFUSED.search(tex):
        return None
    m = _ENVIRONMENT.match(tex)
    if m:
        env = m["env"].rstrip("*")
        body = m["body"].strip()
        if env in ("equation", "displaymath", "math"):
            tex = body
        elif env in ("align", "alignat", "eqnarray", "flalign", "gather", "multline"):
            tex = f"\\begin{{aligned}}{body}\\end{{aligned}}"
    return _LABEL.sub("", tex).strip() or None


@lru_cache(maxsize=1024)
def to_mathml(tex: str, display: bool) -> str | None:
    """MathML for ``tex`` (a ``<math>`` element), or None."""
    clean = normalise(tex)
    if clean is None:
        return None
    from latex2mathml.converter import convert

    try:
        markup = convert(clean, display="block" if display else "inline")
    except Exception:
        return None
    if "href" in markup or "<math" not in markup:
        return None
    try:  # latex2mathml can emit malformed XML (a bare & in alignments): never pass that on
        ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return None
    return str(markup)


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


@lru_cache(maxsize=256)
def to_svg(tex: str, display: bool, size: float = 14.0) -> MathImage | None:
    """An SVG picture of ``tex`` set at ``size`` px (STIX Two Math), or None."""
    clean = normalise(tex)
    if clean is None:
        return None
    from ziamath.zmath import Latex

    try:
        with root_logging_untouched():
            svg = Latex(clean, size=size, inline=not display).svg()
    except Exception:  # any failure of the typesetter means "cannot render"
        return None
    head = re.search(r'width="([\d.]+)" height="([\d.]+)" viewBox="([-\d.]+) ([-\d.]+) ', svg)
    if head is None:
        return None
    width, height, top = float(head.group(1)), float(head.group(2)), float(head.group(4))
    return MathImage(svg.encode("utf-8"), width, height, max(0.0, height + top))


@lru_cache(maxsize=256)
def to_png(tex: str, display: bool, size: float) -> tuple[bytes, float, float] | None:
    """A PNG of ``tex`` for slides (rendered at 3x for sharpness): bytes, width, height in px.

    The picture is the text-size SVG (typeset once per worker: the PDF of the same post
    already asked for it) drawn scaled, since typesetting costs far more than drawing."""
    image = to_svg(tex, display, text_size(display))
    if image is None:
        return None
    import resvg_py

    scale = size / text_size(display)
    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=image.svg.decode("utf-8"), zoom=scale * 3))
    except Exception:
        return None
    return png, image.width * scale, image.height * scale


_LINEAR = [
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)\b\s*"), ""),
    (re.compile(r"\\(?:text|mathrm|operatorname|mathit|textit|textbf|mathbf)\{([^{}]*)\}"), r"\1"),
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
    for _ in range(6):  # nested constructs unwrap from the inside out, all rules together
        before = clean
        for pattern, replacement in _LINEAR:
            clean = pattern.sub(replacement, clean)
        if clean == before:
            break
    import unicodeit

    text = str(unicodeit.replace(clean))
    if "\\" in text or re.search(r"[{}]", text):
        return None  # leftover ^ and _ read as linear notation (UnicodeMath); commands do not
    return re.sub(r"\s+", " ", text).strip()
