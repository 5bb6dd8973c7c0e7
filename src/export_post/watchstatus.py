"""How ``--watch`` reports a rebuild: one status line, or one JSON object (``--json``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .batch.results import LINE_DIAGNOSTIC_FIELDS, diagnostic_json
from .diagnostics import Severity, printable
from .watch import Rebuild

SEPARATOR = " · "


def shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return printable(str(path))
    return printable(str(path) if relative.startswith("..") else relative)


def _listed(paths: Iterable[Path], limit: int = 4) -> str:
    names = [shown(p) for p in paths]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def warning_count(rebuild: Rebuild) -> int:
    diagnostics = sum(
        d.severity is Severity.WARNING for r in rebuild.results if not r.skipped for d in r.diagnostics
    )
    return diagnostics + len(rebuild.warnings)


def status_line(rebuild: Rebuild) -> str:
    """``12:03:04 changed a.md · wrote out/a.pdf · 1 up to date · 1 warning``."""
    parts = [f"changed {_listed(rebuild.changed)}" if rebuild.changed else "built"]
    if rebuild.added:
        parts.append(f"new {_listed(rebuild.added)}")
    if rebuild.deleted:
        parts.append(f"deleted {_listed(rebuild.deleted)} (outputs kept)")
    written = [r.output for r in rebuild.written if r.output is not None]
    parts.append(f"wrote {_listed(written)}" if written else "nothing written")
    if rebuild.up_to_date:
        parts.append(f"{rebuild.up_to_date} up to date")
    if rebuild.failed:
        parts.append(f"{len(rebuild.failed)} failed")
    warnings = warning_count(rebuild)
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings > 1 else ''}")
    return f"{rebuild.time:%H:%M:%S} " + SEPARATOR.join(parts)


def rebuild_json(rebuild: Rebuild) -> dict[str, Any]:
    """One rebuild as a JSON object (a ``--watch --json`` line)."""
    return {
        "time": rebuild.time.isoformat(timespec="seconds"),
        "changed": [str(p) for p in rebuild.changed],
        "added": [str(p) for p in rebuild.added],
        "deleted": [str(p) for p in rebuild.deleted],
        "written": [str(r.output) for r in rebuild.written],
        "up_to_date": rebuild.up_to_date,
        "failed": [{"source": str(r.source), "format": r.format, "error": r.error} for r in rebuild.failed],
        "warnings": [
            *({"source": None, "message": w} for w in rebuild.warnings),
            *(
                {"source": str(r.source), **diagnostic_json(d, LINE_DIAGNOSTIC_FIELDS)}
                for r in rebuild.results
                if not r.skipped
                for d in r.diagnostics
                if d.severity is Severity.WARNING
            ),
        ],
    }
