"""Exceptions raised by export-post. The whole tree:

* ExportPostError – base of everything below; ``str(err)`` is one line naming the file.
    * ReadError – the post cannot be read or decoded.
        * FrontMatterError – the YAML front matter is malformed or has a bad field.
    * UnknownFormatError – no exporter registered under that name (also a ``ValueError``).
    * PluginError – an exporter plugin cannot be loaded, is malformed or clashes with another.
    * ThemeError – a theme cannot be found or is malformed (also a ``ValueError``).
    * OptionError – an option name or value is not valid (also a ``ValueError``).
        * BookConfigError – ``book.yml`` has an unknown key or a bad value.
    * ExportError – an exporter failed on this document (wraps the library's exception).
    * StrictModeError – ``strict=True`` and the conversion produced warnings.

The library never exits and never prints; ``cli.py`` maps these to exit codes.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic, printable


class ExportPostError(Exception):
    """Base class. Carries the file (and line) it is about, when there is one."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return printable(where + self.message)


class ReadError(ExportPostError):
    pass


class FrontMatterError(ReadError):
    pass


class UnknownFormatError(ExportPostError, ValueError):
    """No exporter by that name (also a ``ValueError``: a bad argument)."""


class PluginError(ExportPostError):
    pass


class ThemeError(ExportPostError, ValueError):
    """The theme asked for cannot be found or is malformed (also a ``ValueError``)."""


class OptionError(ExportPostError, ValueError):
    """An option's name or value is not valid (also a ``ValueError``)."""


class BookConfigError(OptionError):
    """``book.yml`` (or ``--book-config``) names an unknown key or gives a bad value."""


class ExportError(ExportPostError):
    pass


class StrictModeError(ExportPostError):
    """Warnings were reported and ``strict`` was asked for; nothing was written."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...], *, path: Path | None = None):
        first = diagnostics[0].message if diagnostics else "warnings"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(
            f"strict mode: {first}{more}",
            path=path,
            line=diagnostics[0].line if diagnostics else None,
        )
        self.diagnostics = diagnostics
