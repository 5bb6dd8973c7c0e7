"""export-post: a Markdown (Jekyll) post to EPUB, PDF, PPTX slides and HTML.

>>> from export_post import load_post, export, export_many
>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/", theme="default")

The names below are imported when first used (PEP 562), so that ``import export_post`` and
the command's front door (:mod:`export_post.launcher`) cost almost nothing until they are.
"""

from __future__ import annotations

import importlib

from ._version import __version__

TYPE_CHECKING = False  # typing itself is not imported: it costs the front door 10 ms

if TYPE_CHECKING:
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

_HOMES = {
    ".api": ("export", "render"),
    ".batch": ("ExportResult", "export_many"),
    ".book": ("export_book",),
    ".diagnostics": ("Diagnostic", "Reporter", "Severity"),
    ".errors": (
        "BookConfigError",
        "ExportError",
        "ExportPostError",
        "FrontMatterError",
        "OptionError",
        "PluginError",
        "ReadError",
        "StrictModeError",
        "ThemeError",
        "UnknownFormatError",
    ),
    ".exporter": ("ExportContext", "Exporter"),
    ".model": ("Document", "PostMeta"),
    ".reader": ("load_post",),
    ".registry": ("format_names", "get_exporter", "register_exporter"),
    ".resources": ("Resource", "ResourceResolver"),
    ".themes": ("Theme", "list_themes", "load_theme"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
