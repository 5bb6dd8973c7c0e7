"""The terminal view of a batch: a live progress bar, problems above it, a summary at the end.

Used by the command line when standard error is a terminal. Everything shown is escaped
(no rich markup and no control characters from a post reach the terminal).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..diagnostics import Severity, printable
from .results import ExportResult, status_counts


class ProgressView:
    """A progress bar over ``total`` outputs; use as a context manager around the batch."""

    def __init__(
        self, stream: TextIO, total: int, *, verbose: bool = False, diagnostics: bool = True
    ) -> None:
        self.console = Console(file=stream, highlight=False)
        self.verbose = verbose
        self.diagnostics = diagnostics  # print warnings and errors above the bar
        self.started_at = time.monotonic()
        self.running: list[Path] = []
        self.shown: set[tuple[Path, str]] = set()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("outputs"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=total)

    def __enter__(self) -> ProgressView:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The bar without its refresh thread meanwhile (the process may fork). rich's stop()
        only tells the thread to end; it is waited for here (where rich keeps it: if a later
        rich keeps it elsewhere, the thread is still running and the process does not fork)."""
        refresher = getattr(self.progress.live, "_refresh_thread", None)
        self.progress.stop()
        if isinstance(refresher, threading.Thread):
            refresher.join(timeout=1.0)
        try:
            yield
        finally:
            self.progress.start()

    def started(self, source: Path) -> None:
        self.running.append(source)
        self._describe(source)

    def finished(self, result: ExportResult) -> None:
        if result.source in self.running:
            self.running.remove(result.source)
        if self.diagnostics:
            for diagnostic in result.diagnostics:
                if diagnostic.severity is Severity.WARNING or self.verbose:
                    self._print(diagnostic.format())
            if result.error is not None and (result.source, result.error) not in self.shown:
                self.shown.add((result.source, result.error))  # a post's error, once for its formats
                self._print(f"export-post: error: {printable(result.error)}")
                if self.verbose and result.detail:
                    self._print(result.detail.rstrip("\n"))
        self.progress.advance(self.task)
        self._describe(self.running[-1] if self.running else result.source)

    def note(self, line: str) -> None:
        """A line above the bar (a problem of the batch itself)."""
        self._print(line)

    def summary(self, results: Sequence[ExportResult], *, not_converted: int = 0) -> None:
        """The closing table: written, skipped as up to date, failed, what an interruption
        left undone, and the wall time."""
        counts = status_counts(results)
        table = Table(title="export-post", show_header=False, title_justify="left")
        table.add_column(justify="left")
        table.add_column(justify="right")
        table.add_row("written", str(counts["ok"]))
        table.add_row("skipped (up to date)", str(counts["skipped"]))
        table.add_row("failed", str(counts["failed"]), style="bold red" if counts["failed"] else None)
        if not_converted:
            table.add_row("not converted (interrupted)", str(not_converted), style="bold yellow")
        table.add_row("wall time", f"{time.monotonic() - self.started_at:.1f} s")
        self.console.print(table)

    def _describe(self, source: Path) -> None:
        more = f" (+{len(self.running) - 1})" if len(self.running) > 1 else ""
        self.progress.update(self.task, description=escape(printable(source.name)) + more)

    def _print(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)
