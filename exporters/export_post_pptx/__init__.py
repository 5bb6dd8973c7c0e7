"""PPTX export: a planned, measured slide deck (python-pptx).

Two halves, as pandoc's PowerPoint writer: :mod:`.plan` turns the document into a
:class:`~.deck.Deck` (pure, no python-pptx), :mod:`.render` draws it.
"""

from __future__ import annotations

from typing import ClassVar

from export_post.exporter import ExportContext, NoOptions
from export_post.model import Document, Image


class PptxExporter:
    name: ClassVar[str] = "pptx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    file_extension: ClassVar[str] = ".pptx"
    description: ClassVar[str] = (
        "16:9 slide deck: one slide per section and image, full text in speaker notes"
    )
    Options: ClassVar[type[NoOptions]] = NoOptions

    def export(self, document: Document, context: ExportContext) -> bytes:
        from .pictures import slide_picture
        from .plan import Planner
        from .render import Renderer

        def lookup(image: Image) -> object:
            resource = context.resources.image(image.src, line=image.line)
            picture = slide_picture(resource) if resource is not None else None
            if resource is not None and picture is None:
                context.reporter.warn(
                    "pptx-svg-unsupported", f"SVG {image.src[:60]!r} cannot be drawn on a slide"
                )
            return picture

        planner = Planner(document, context.theme.slides, lookup, code_style=context.theme.code_style)  # type: ignore[arg-type]
        deck = planner.plan()
        if deck.stats.get("math_as_tex"):
            context.reporter.warn(
                "math-unrendered",
                f"{deck.stats['math_as_tex']} formula(s) shown as TeX on slides (too complex for slide text)",
            )
        meta = document.meta
        properties = {
            "title": meta.title,
            "author": meta.author,
            "subject": meta.description,
            "keywords": ", ".join(meta.tags),
            "language": meta.lang,
        }
        renderer = Renderer(
            deck, context.theme.slides, context.reporter, context.theme.colors, properties, context.timestamp
        )
        return renderer.render()
