"""The interface an output format implements, and the context it is given.

An exporter is a class with five class attributes and one method::

    class PdfExporter:
        name = "pdf"                      # the --format value and entry-point name
        media_type = "application/pdf"
        file_extension = ".pdf"
        description = "Styled, paginated PDF (WeasyPrint)"
        Options = PdfOptions              # a frozen dataclass of this format's knobs
        in_all = True                     # optional: part of ``-f all`` (see all_order)
        def export(self, document: Document, context: ExportContext) -> bytes: ...

registered under the ``export_post.exporters`` entry-point group (the built-ins are too).
A format that can make a book of many posts also has
``export_book(self, book: Book, context: BookContext) -> bytes`` (see :class:`BookExporter`).
Each field of ``Options`` declared with :func:`option` carries its help text, choices and
command-line spelling, as nbconvert's traits do: the command line builds its flags from
them, and :func:`check_option_types` checks values against them.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from .diagnostics import Reporter
from .errors import OptionError
from .model import Document
from .model.book import Book, Chapter
from .resources import ImageSource
from .themes import Theme

T = TypeVar("T")
OPTION = "export_post.option"  # the key of an option's OptionSpec in its field's metadata


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
    resources: ImageSource  # the post's ResourceResolver, or a view of it
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


@runtime_checkable
class BookExporter(Exporter, Protocol):
    """An exporter that can also make one book of many posts (an optional capability,
    advertised by having the method: see ``registry.supports_book``)."""

    def export_book(self, book: Book, context: BookContext) -> bytes: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BookContext(ExportContext):
    """The context of a book: ``resources`` reads the book's own pictures (the cover, from
    the site), ``reporter`` takes the book's diagnostics, and :meth:`for_chapter` gives each
    chapter the context its post would have alone (its resolver and reporter)."""

    chapter_context: Callable[[Chapter], ExportContext]

    def for_chapter(self, chapter: Chapter) -> ExportContext:
        return self.chapter_context(chapter)


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionSpec:
    """What an exporter option is, apart from its type and default (see :func:`option`)."""

    help: str
    flag: str | None = None  # the command line's spelling; None: --NAME-WITH-DASHES
    choices: tuple[str, ...] = ()
    fold_case: bool = False  # choices compared case-insensitively
    metavar: str | None = None  # shown instead of the choices, which the command line then leaves to us

    def spelling(self, name: str) -> str:
        return self.flag or "--" + name.replace("_", "-")


def option(
    default: T,
    *,
    help: str,
    flag: str | None = None,
    choices: Sequence[str] = (),
    fold_case: bool = False,
    metavar: str | None = None,
) -> T:
    """A field of an exporter's ``Options`` dataclass that declares itself: ``help`` for
    ``--help``, the allowed ``choices``, the ``flag`` that sets it on the command line (a
    ``bool`` option's flag sets the opposite of its default: ``--no-slide-images``)."""
    spec = OptionSpec(help=help, flag=flag, choices=tuple(choices), fold_case=fold_case, metavar=metavar)
    made: T = field(default=default, metadata={OPTION: spec})
    return made


def option_specs(cls: type[Any]) -> dict[str, OptionSpec]:
    """The declared options of an ``Options`` dataclass by field name, in field order (a field
    made without :func:`option` has no flag)."""
    if not dataclasses.is_dataclass(cls):
        return {}
    return {f.name: f.metadata[OPTION] for f in dataclasses.fields(cls) if OPTION in f.metadata}


def option_names(cls: type[Any]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()


def check_option_types(cls: type[Any], options: Mapping[str, Any]) -> None:
    """Refuse an option whose value is not of the type its field declares (``int``, ``float``,
    ``str``, ``bool``, ``Path``, ``None`` and unions of them; other types are left to the
    class) or not one of the choices :func:`option` declares, with a one-line
    :class:`OptionError`: a ``True`` where a number is wanted, a ``"10"`` for ``10``, ``nan``
    for a size, ``"A3"`` for a page size. Exporters then check ranges in ``__post_init__``."""
    if not dataclasses.is_dataclass(cls):
        return
    hints = typing.get_type_hints(cls)
    specs = option_specs(cls)
    for name, value in options.items():
        hint = hints.get(name)
        allowed = option_kinds(hint)
        if all(kind in _SIMPLE for kind in allowed) and not any(_is(value, kind) for kind in allowed):
            wanted = " or ".join(_SIMPLE[kind] for kind in allowed)
            raise OptionError(f"{name} must be {wanted}, not {type(value).__name__} {value!r:.40}")
        spec = specs.get(name)
        if spec is not None and spec.choices and value is not None and not _chosen(value, spec):
            raise OptionError(f"{name} must be {_listed(spec.choices)} (got {value!r})")


def check_declared(options: object) -> None:
    """:func:`check_option_types` on an ``Options`` instance (call it first in
    ``__post_init__``, so that building the dataclass directly checks it too)."""
    values = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}  # type: ignore[arg-type]
    check_option_types(type(options), values)


def option_kinds(hint: Any) -> tuple[Any, ...]:
    """The types a field's type hint allows (``int | None`` → ``(int, NoneType)``)."""
    return typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def _listed(choices: tuple[str, ...]) -> str:
    return " or ".join(choices) if len(choices) == 2 else "one of " + ", ".join(choices)


def _chosen(value: object, spec: OptionSpec) -> bool:
    if spec.fold_case and isinstance(value, str):
        return value.lower() in {choice.lower() for choice in spec.choices}
    return value in spec.choices


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
