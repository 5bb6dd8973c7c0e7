"""What a PDF's page is rendered with, for a post and for a book alike: the pictures the
fetcher may serve (by name) and the stylesheet (theme, code colours, page size)."""

from __future__ import annotations

from export_post.exporter import ExportContext
from export_post.resources import Resource
from export_post.toolkit.highlight import highlight_css

from .fetcher import MANIFEST_SCHEME

PAGE_SIZES = {"A4": "A4", "LETTER": "letter", "A5": "A5"}


class Manifest:
    """The pictures the page may load, each once by its content name, whoever shows it."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}

    def url(self, resource: Resource) -> str:
        self.resources[resource.name] = resource
        for part in resource.embedded:  # the pictures inside an SVG, as data: URIs
            self.resources[part.name] = part
        return f"{MANIFEST_SCHEME}:{resource.name}"


def page_css(context: ExportContext, page_size: str) -> str:
    size = PAGE_SIZES[page_size.upper()]
    return (
        context.theme.css("pdf")
        + highlight_css(context.theme.code_style)
        + f"\n@page {{ size: {size}; }}\n@page cover {{ size: {size}; }}\n"
        + ("@page { margin: 18mm 15mm 17mm; }\n" if size == "A5" else "")  # e-reader: less margin
    )
