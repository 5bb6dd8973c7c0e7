"""What a batch gives back: one :class:`ExportResult` per (post, format), and the one way
results and diagnostics become JSON (``--json`` lines, the ``--report`` file, the manifest
of the build cache), each view a choice of the same fields in its own order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from .buildcache import Record

STATUSES = ("ok", "skipped", "failed")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportResult:
    """The outcome of one (post, format) conversion."""

    source: Path
    format: str
    output: Path | None = None
    error: str | None = None  # one line naming the file, when the conversion failed
    diagnostics: tuple[Diagnostic, ...] = ()
    detail: str = field(default="", repr=False)  # the traceback, for --verbose
    skipped: bool = False  # the output was up to date and left as it was (incremental builds)
    seconds: float = 0.0  # time spent rendering and writing this output
    build: Record | None = field(default=None, repr=False)  # what it was built from (buildcache)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def fingerprint(self) -> str:
        """What the output was built from (see :mod:`export_post.batch.buildcache`); ``""``
        when that was not recorded."""
        return self.build.fingerprint if self.build is not None else ""

    @property
    def status(self) -> str:
        """``"ok"`` (written), ``"skipped"`` (up to date) or ``"failed"``."""
        return "failed" if self.error is not None else "skipped" if self.skipped else "ok"


def failed(source: Path, formats: Iterable[str], error: str, detail: str = "") -> list[ExportResult]:
    """The same failure for each of ``formats`` of ``source``."""
    return [ExportResult(source=source, format=f, error=error, detail=detail) for f in formats]


def status_counts(results: Iterable[ExportResult]) -> dict[str, int]:
    """How many results are ``ok``, ``skipped`` and ``failed``."""
    statuses = [r.status for r in results]
    return {status: statuses.count(status) for status in STATUSES}


# The fields each JSON view shows, in its order.
LINE_FIELDS = ("source", "format", "output", "status", "error", "diagnostics", "seconds")
LINE_DIAGNOSTIC_FIELDS = ("code", "severity", "line", "message")
REPORT_FIELDS = ("source", "format", "ok", "status", "output", "error", "seconds", "diagnostics")
REPORT_DIAGNOSTIC_FIELDS = ("code", "severity", "message", "path", "line")
MANIFEST_DIAGNOSTIC_FIELDS = ("code", "severity", "message", "line")


def diagnostic_json(diagnostic: Diagnostic, fields: Sequence[str]) -> dict[str, Any]:
    """``diagnostic`` as a JSON object of ``fields``."""
    d = diagnostic
    every = {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "path": str(d.path) if d.path else None,
        "line": d.line,
    }
    return {name: every[name] for name in fields}


def result_json(
    result: ExportResult, fields: Sequence[str], diagnostic_fields: Sequence[str]
) -> dict[str, Any]:
    """``result`` as a JSON object of ``fields``, its diagnostics of ``diagnostic_fields``."""
    r = result
    every = {
        "source": str(r.source),
        "format": r.format,
        "ok": r.ok,
        "status": r.status,
        "output": str(r.output) if r.output else None,
        "error": r.error,
        "seconds": round(r.seconds, 3),
        "diagnostics": [diagnostic_json(d, diagnostic_fields) for d in r.diagnostics],
    }
    return {name: every[name] for name in fields}


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON that any UTF-8 stream takes: a path with bytes that are not UTF-8
    (held as lone surrogates) gets ``\\udcXX`` escapes, which JSON readers decode again."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
