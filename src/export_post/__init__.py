"""export-post: a Markdown (Jekyll) post to EPUB, PDF, PPTX slides and HTML.

>>> from export_post import load_post, export, export_many
>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/", theme="default")
"""

from ._version import __version__
from .api import export, render
from .batch import ExportResult, export_many
from .book import export_book
from .diagnostics import Diagnostic, Reporter, Severity
from .errors import (
    BookConfigError,
    ExportError,
    ExportPostError,
    FrontMatterError,
    OptionError,
    PluginError,
    ReadError,
    StrictModeError,
    ThemeError,
    UnknownFormatError,
)
from .exporter import ExportContext, Exporter
from .model import Document, PostMeta
from .reader import load_post
from .registry import format_names, get_exporter, register_exporter
from .resources import Resource, ResourceResolver
from .themes import Theme, list_themes, load_theme

__all__ = [
    "BookConfigError",
    "Diagnostic",
    "Document",
    "ExportContext",
    "ExportError",
    "ExportPostError",
    "ExportResult",
    "Exporter",
    "FrontMatterError",
    "OptionError",
    "PluginError",
    "PostMeta",
    "ReadError",
    "Reporter",
    "Resource",
    "ResourceResolver",
    "Severity",
    "StrictModeError",
    "Theme",
    "ThemeError",
    "UnknownFormatError",
    "__version__",
    "export",
    "export_book",
    "export_many",
    "format_names",
    "get_exporter",
    "list_themes",
    "load_post",
    "load_theme",
    "register_exporter",
    "render",
]
