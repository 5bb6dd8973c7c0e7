"""The interface an output format implements, and the context it is given.

An exporter is a class with five class attributes and one method::

    class PdfExporter:
        name = "pdf"                      # the --format value and entry-point name
        media_type = "application/pdf"
        file_extension = ".pdf"
        description = "Styled, paginated PDF (WeasyPrint)"
        Options = PdfOptions              # a frozen dataclass of this format's knobs
        def export(self, document: Document, context: ExportContext) -> bytes: ...

registered under the ``export_post.exporters`` entry-point group (the built-ins are too).
``export`` returns bytes and never writes files; everything it may touch arrives in the
context: the theme, the post's resource resolver (the only way to read images), the
reporter for diagnostics, the options and a fixed timestamp for reproducible output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from .diagnostics import Reporter
from .errors import OptionError
from .model import Document
from .resources import ResourceResolver
from .themes import Theme

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NoOptions:
    """For exporters without options of their own."""


@runtime_checkable
class Exporter(Protocol):
    name: ClassVar[str]
    media_type: ClassVar[str]
    file_extension: ClassVar[str]
    description: ClassVar[str]
    Options: ClassVar[type[Any]]

    def export(self, document: Document, context: ExportContext) -> bytes: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportContext:
    theme: Theme
    resources: ResourceResolver
    reporter: Reporter
    timestamp: dt.datetime
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def options_for(self, cls: type[T]) -> T:
        """Build an exporter's options dataclass from the options that name its fields."""
        assert dataclasses.is_dataclass(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in self.options.items() if k in names})
        except (TypeError, ValueError) as err:
            raise OptionError(str(err)) from err


def option_names(cls: type[Any]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()


def check_option_types(cls: type[Any], options: Mapping[str, Any]) -> None:
    """Refuse an option whose value is not of the type its field declares (``int``, ``float``,
    ``str``, ``bool``, ``Path``, ``None`` and unions of them; other types are left to the
    class), with a one-line :class:`OptionError`: a ``True`` where a number is wanted, a
    ``"10"`` for ``10``, ``nan`` for a size. Exporters then check ranges in ``__post_init__``."""
    if not dataclasses.is_dataclass(cls):
        return
    hints = typing.get_type_hints(cls)
    for name, value in options.items():
        hint = hints.get(name)
        allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if not all(kind in _SIMPLE for kind in allowed):
            continue
        if not any(_is(value, kind) for kind in allowed):
            wanted = " or ".join(_SIMPLE[kind] for kind in allowed)
            raise OptionError(f"{name} must be {wanted}, not {type(value).__name__} {value!r:.40}")


_SIMPLE: dict[Any, str] = {
    int: "a whole number",
    float: "a finite number",
    str: "text",
    bool: "True or False",
    type(None): "None",
    Path: "a path",
}


def _is(value: object, kind: Any) -> bool:
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and math.isfinite(value)
    if kind is Path:
        return isinstance(value, str | os.PathLike)
    return isinstance(value, kind)
