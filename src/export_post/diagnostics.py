"""Problems a conversion survives: coded, located, collected, and never printed by the library.

A :class:`Diagnostic` has a stable kebab-case ``code`` (documented in ``docs/diagnostics.md``),
a severity, a message and where it happened (post path and line when known). Readers and
exporters hand them to a :class:`Reporter`; the CLI prints them, ``--strict`` fails on
warnings after all of them were collected. Every diagnostic is also logged to the
``export_post`` logger, which has a ``NullHandler`` so the library never configures logging.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Literal, TypeGuard, get_args

# Every code a reader or exporter of ours reports: the catalogue ``docs/diagnostics.md``
# documents (a test checks the two agree) and mypy checks every report against.
DiagnosticCode = Literal[
    "block-unknown",
    "front-matter-coerced",
    "front-matter-duplicate-key",
    "front-matter-ignored",
    "front-matter-unclosed",
    "html-embed-dropped",
    "html-embed-linked",
    "html-removed",
    "html-tag-unwrapped",
    "html-too-deep",
    "ial-unattached",
    "ial-unknown-reference",
    "image-corrupt",
    "image-format",
    "image-limit",
    "image-no-source",
    "image-not-found",
    "image-outside-root",
    "image-refused",
    "image-remote-disabled",
    "image-remote-failed",
    "image-too-large",
    "image-unreadable",
    "inline-unknown",
    "lang-guessed",
    "lang-invalid",
    "link-dropped",
    "link-unsafe",
    "liquid-expression-removed",
    "liquid-filter-ignored",
    "liquid-tag-removed",
    "math-as-picture",
    "math-dollar-guessed",
    "math-setting-invalid",
    "math-unrendered",
    "pdf-renderer",
    "pptx-block-not-rendered",
    "pptx-layout",
    "pptx-layout-missing",
    "pptx-svg-budget",
    "pptx-svg-unsupported",
    "site-config-invalid",
    "site-config-unreadable",
    "svg-rewritten",
    "title-missing",
    "toc-not-on-list",
    "toc-repeated",
]
CODES: frozenset[str] = frozenset(get_args(DiagnosticCode))


def is_code(text: str) -> TypeGuard[DiagnosticCode]:
    return text in CODES


LOGGER = logging.getLogger("export_post")
LOGGER.addHandler(logging.NullHandler())


@contextmanager
def root_logging_untouched() -> Iterator[None]:
    """Run library code that configures the root logger on its own: ziamath/ziafont log
    through it, whose first call runs ``logging.basicConfig``, and accessible-pygments calls
    ``basicConfig(level=INFO)`` on import, which then prints every library's progress
    messages. ``basicConfig`` does nothing while the root has a handler, so it gets one."""
    root = logging.getLogger()
    guard = logging.NullHandler()
    root.addHandler(guard)
    try:
        yield
    finally:
        root.removeHandler(guard)


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: DiagnosticCode
    message: str
    severity: Severity = Severity.WARNING
    path: Path | None = None
    line: int | None = None

    def format(self) -> str:
        """One line: ``post.md:12: warning: message [code]``, control characters escaped."""
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return printable(f"{where}{self.severity.value}: {self.message} [{self.code}]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes, so a post cannot drive a terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class Reporter:
    """Collects diagnostics once each, in order, and mirrors them to the logger."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()

    def report(self, diagnostic: Diagnostic, *, log: bool = True) -> None:
        if diagnostic.path is None and self.path is not None:
            diagnostic = Diagnostic(
                code=diagnostic.code,
                message=diagnostic.message,
                severity=diagnostic.severity,
                path=self.path,
                line=diagnostic.line,
            )
        if diagnostic in self._seen:
            return
        self._seen.add(diagnostic)
        self._items.append(diagnostic)
        if not log:
            return
        level = logging.WARNING if diagnostic.severity is Severity.WARNING else logging.INFO
        LOGGER.log(level, "%s", diagnostic.format())

    def warn(self, code: DiagnosticCode, message: str, *, line: int | None = None) -> None:
        self.report(Diagnostic(code=code, message=message, line=line))

    def info(self, code: DiagnosticCode, message: str, *, line: int | None = None) -> None:
        self.report(Diagnostic(code=code, message=message, severity=Severity.INFO, line=line))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Adopt diagnostics another reporter collected (and already logged)."""
        for diagnostic in diagnostics:
            self.report(diagnostic, log=False)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(self._items)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self._items if d.severity is Severity.WARNING)
