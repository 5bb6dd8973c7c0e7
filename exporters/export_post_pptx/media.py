"""The prepass: a post's pictures looked up and its display math typeset, before planning.

Looking a picture up reads a file (and may warn); typesetting a formula runs the math
renderer. Both happen here, once, so the planner only reads the plain data this returns
(as pandoc's PowerPoint writer resolves media before laying out slides).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from export_post.model import Document, Figure, Image, MathBlock
from export_post.resources import Resource
from export_post.toolkit.mathahead import typeset_ahead
from export_post.toolkit.texmath import excerpt, text_size, to_png
from export_post.toolkit.texmath import picture as typeset

from .notes import walk

ImageLookup = Callable[[Image], "Resource | None"]
MATH_REF = "math"  # the ref of typeset display math pictures
MATH_SIZE = 36.0  # points: display math on a slide of its own
PROBE_PX = 8  # the width of the drawing that checks a formula can be drawn


@dataclass(frozen=True, slots=True)
class Equation:
    """A display formula as a picture ``width`` x ``height`` points, or why it cannot be one."""

    picture: Resource | None
    width: float = 0.0
    height: float = 0.0
    problem: str = ""  # when ``picture`` is None: the message for the report


@dataclass(frozen=True, slots=True)
class Media:
    pictures: Mapping[Image, Resource | None]  # the cover and every figure's image
    equations: Mapping[str, Equation]  # by TeX source

    def picture(self, image: Image) -> Resource | None:
        return self.pictures.get(image)


def resolve_media(document: Document, images: ImageLookup, *, show_images: bool = True) -> Media:
    """Every picture a deck of ``document`` may show (none when pictures are left out) and
    every display formula, in document order; footnotes are left out (notes are text)."""
    pictures: dict[Image, Resource | None] = {}
    equations: dict[str, Equation] = {}
    if show_images:
        pictures = {image: images(image) for image in slide_images(document)}
    display = [block.tex for block in walk(document.blocks) if isinstance(block, MathBlock)]
    typeset_ahead((tex, True) for tex in display)  # half in a copy of this process, where allowed
    for tex in display:
        if tex not in equations:
            equations[tex] = equation(tex)
    return Media(pictures, equations)


def slide_images(document: Document) -> list[Image]:
    """The pictures a deck of ``document`` may show, in order: the cover, then each figure's."""
    cover = [Image(src=document.meta.image)] if document.meta.image else []
    return cover + [block.image for block in walk(document.blocks) if isinstance(block, Figure)]


def equation(tex: str) -> Equation:
    """The formula typeset (its SVG, sized for :data:`MATH_SIZE`); it is drawn as a PNG for
    the box the planner gives it (:func:`.pictures.rasterise`). A tiny drawing now checks
    that resvg can draw it."""
    image = typeset(tex, True, text_size(True)).value
    if image is None or to_png(tex, True, MATH_SIZE, PROBE_PX) is None:
        problem = typeset(tex, True, text_size(True)).problem or "the picture cannot be drawn"
        return Equation(None, problem=f"math cannot be rendered ({problem}); shown as TeX: {excerpt(tex)}")
    scale = MATH_SIZE / text_size(True)
    width, height = image.width * scale, image.height * scale
    resource = Resource(
        ref=MATH_REF,
        data=image.svg,
        media_type="image/svg+xml",
        width=round(width / 0.75),
        height=round(height / 0.75),
        digest=hashlib.sha256(image.svg).hexdigest(),
    )
    return Equation(resource, width, height)
