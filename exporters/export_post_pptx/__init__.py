"""PPTX export: a planned, measured slide deck (python-pptx).

Two halves, as pandoc's PowerPoint writer: :mod:`.plan` turns the document into a
:class:`~.deck.Deck` (no python-pptx: the pictures and formulas resolved first by
:mod:`.media`, then the pure :mod:`.planner` with its :mod:`.slides`), :mod:`.render` draws
it. :mod:`.template` reads a reference deck's geometry and fonts first, so the plan fits
the user's design. See docs/architecture.md.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from export_post.errors import OptionError
from export_post.exporter import ExportContext, check_declared, option
from export_post.model import Document, Image
from export_post.resources import Resource
from export_post.resources.images import DownscalingResolver, max_image_px_option

from .style import SECTION, read_slide_style, slide_style

TEXT_MODES = ("summary", "full")


@dataclass(frozen=True, slots=True, kw_only=True)
class PptxOptions:
    reference_pptx: str | Path | None = option(
        None,
        metavar="FILE",
        help="use this deck's masters, layouts, fonts and slide size (default: the theme's, else ours)",
    )
    text_mode: str = option(
        "summary",
        flag="--slide-text",
        choices=TEXT_MODES,
        help="summary: lead sentences on slides, full text in notes (default); full: all text",
    )
    slide_level: int | None = option(
        None,
        metavar="N",
        help="headings deeper than level N stay on their parent's slides (default: every heading)",
    )
    images: bool = option(
        True, flag="--no-slide-images", help="leave images out of the deck (notes keep their alt text)"
    )
    closing: bool = option(False, flag="--closing-slide", help="end the deck with a thank-you slide")
    max_image_px: int = max_image_px_option()  # longer side of pictures in the deck; 0 keeps them

    def __post_init__(self) -> None:
        check_declared(self)
        if self.max_image_px < 0:
            raise OptionError(f"max_image_px must be 0 or more (got {self.max_image_px})")
        if self.slide_level is not None and not 1 <= self.slide_level <= 6:
            raise OptionError(f"slide_level must be 1 to 6 (got {self.slide_level})")
        if self.reference_pptx is not None:
            deck = Path(self.reference_pptx)
            if not deck.exists():
                raise OptionError(f"reference deck {self.reference_pptx} does not exist")
            if not deck.is_file():
                raise OptionError(f"reference deck {self.reference_pptx} is not a file")
            if not zipfile.is_zipfile(deck):  # checked now, not when each post's deck is built
                raise OptionError(f"{self.reference_pptx}: not a usable PowerPoint deck (not a zip archive)")


class PptxExporter:
    name: ClassVar[str] = "pptx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    file_extension: ClassVar[str] = ".pptx"
    description: ClassVar[str] = (
        "Slide deck: one slide per section and image, measured text, full text in notes"
    )
    Options: ClassVar[type[PptxOptions]] = PptxOptions
    in_all: ClassVar[bool] = True
    all_order: ClassVar[int] = 3
    theme_section: ClassVar[str] = SECTION  # the theme's ``slides`` are ours to check and read
    read_theme_section = staticmethod(read_slide_style)

    def export(self, document: Document, context: ExportContext) -> bytes:
        from . import pptx_speedups
        from .audit import audit
        from .coreprops import core_properties
        from .media import slide_images
        from .plan import Planner
        from .render import Renderer
        from .template import read_template

        pptx_speedups.apply()

        options = context.options_for(PptxOptions)
        style = slide_style(context.theme)
        reference = Path(options.reference_pptx) if options.reference_pptx else style.template
        template = read_template(reference, style)
        for warning in template.warnings:
            context.reporter.warn("pptx-layout-missing", f"{reference}: {warning}")
        pictures = DownscalingResolver(context.resources, options.max_image_px)
        if options.images:
            pictures.scale_ahead(slide_images(document))
        planner = Planner(
            document,
            template.style,
            partial(_slide_picture, context, pictures),
            geometry=template.geometry,
            code_style=context.theme.code_style,
            branded=reference is None,
            text_mode=options.text_mode,
            slide_level=options.slide_level,
            show_images=options.images,
            closing=options.closing,
        )
        deck = planner.plan()
        _report(context, planner.not_rendered, audit(planner, deck), planner.math_problems, deck.stats)
        renderer = Renderer(
            deck,
            template.style,
            context.reporter,
            context.theme.colors,
            core_properties(document.meta),
            context.timestamp,
            geometry=template.geometry,
            template=reference,
            layouts=template.layouts,
        )
        return renderer.render()


def _slide_picture(context: ExportContext, pictures: DownscalingResolver, image: Image) -> Resource | None:
    """The picture a slide shows for ``image`` (downscaled, SVG rasterised), or None."""
    from .pictures import slide_picture

    resource = pictures.image(image.src, line=image.line)
    picture = slide_picture(resource) if resource is not None else None
    if resource is not None and picture is None:
        context.reporter.warn("pptx-svg-unsupported", f"SVG {image.src[:60]!r} cannot be drawn on a slide")
    return picture


def _report(
    context: ExportContext,
    not_rendered: list[str],
    layout: list[str],
    math_problems: list[str],
    stats: Mapping[str, int],
) -> None:
    """The plan's diagnostics, to the reporter."""
    for message in not_rendered:
        context.reporter.info("pptx-block-not-rendered", message)
    for problem in layout:
        context.reporter.warn("pptx-layout", problem)
    for problem in math_problems:
        context.reporter.warn("math-unrendered", problem)
    if stats.get("math_as_tex"):
        context.reporter.warn(
            "math-unrendered",
            f"{stats['math_as_tex']} formula(s) shown as TeX on slides (too complex for slide text)",
        )
