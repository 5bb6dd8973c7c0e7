"""One post of a batch: read it once, then render and write each of its formats.

A :class:`PostJob` is what a worker is handed (pickled, for a process or a Dask cluster);
:func:`run_job` is what the worker runs. Failures become results, never exceptions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..api import render_checked, resolve_theme, resolver_for, timestamp_for
from ..diagnostics import Diagnostic, Reporter
from ..errors import ExportPostError, OptionError, StrictModeError
from ..exporter import Exporter
from ..model import Document
from ..output import output_path, write_output
from ..reader import load_post
from ..reader.site import config_paths
from ..registry import exporter_class
from ..resources import ResourceResolver
from ..themes import Theme
from . import buildcache
from .buildcache import BuildState, Entry, PostInputs, Record, Stamp
from .isolation import report_progress
from .results import ExportResult, failed
from .settings import Settings, format_options, settings_facts

READ_STEP = "read"  # the step of a job before its first format: reading the post


@dataclass(frozen=True, slots=True, kw_only=True)
class PostJob:
    """One post to convert to ``formats``, as a worker is handed it.

    Outputs go to ``output_file`` (exactly one format), else into ``out_dir`` (default: next
    to the post). ``build``: the build cache's entries for its outputs (see
    :mod:`export_post.batch.buildcache`). ``within``: the post was found by walking that
    folder, and is read only if it really is a regular file inside it."""

    source: Path
    formats: tuple[str, ...]
    settings: Settings
    out_dir: Path | None = None
    output_file: Path | None = None
    build: BuildState | None = None
    within: Path | None = None

    def __post_init__(self) -> None:
        if self.output_file is not None and len(self.formats) != 1:
            raise OptionError("an output file name needs exactly one format")

    def target(self, exporter: type[Exporter]) -> Path:
        """Where this job writes the output of ``exporter``."""
        return output_path(self.source, exporter.file_extension, self.out_dir, self.output_file)


def run_job(job: PostJob) -> list[ExportResult]:
    """Read the post once and write each format; one result per format, in order.

    Each format is written as soon as it is rendered; under ``strict``, every format is
    rendered before anything is written, and a warning from any of them means no output of
    this post is written. An output whose build-cache entry still matches is not rendered:
    its result is ``skipped`` and carries the diagnostics of the build that wrote it.

    In an isolating worker each step is reported as it starts (``("step", "read")``, then
    ``("step", format)``) and each result as soon as it is final (``("result", result)``):
    the time limit applies to each step, and a result outlives a later format's failure
    (see :func:`export_post.batch.isolation.report_progress`)."""
    classes = {fmt: exporter_class(fmt) for fmt in job.formats}  # once: each lookup reads entry points
    report_progress(("step", READ_STEP))
    read = _stamps(job)
    try:
        document = load_post(job.source, site_root=job.settings.site_root, within=job.within)
    except ExportPostError as err:
        return failed(job.source, job.formats, str(err))
    except Exception as err:
        line = f"{job.source}: unexpected error: {type(err).__name__}: {err}"
        return failed(job.source, job.formats, line, traceback.format_exc())
    return _PostRun(job, document, classes).run(read)


def _stamps(job: PostJob) -> list[tuple[Stamp, str]]:
    """The stamps and digests of the files the post is read from, for the build cache: taken
    before reading, so an edit in between causes a rebuild, never a wrong skip."""
    if job.build is None:
        return []
    files = [job.source.absolute(), *_config_paths(job.source, job.settings.site_root)]
    return [(buildcache.stamp(f), buildcache.file_digest(f)) for f in files]


def _config_paths(source: Path, site_root: Path | None) -> tuple[Path, ...]:
    """:func:`config_paths`, none for a post whose path cannot be resolved (a symlink loop,
    which then fails to be read, with its reason)."""
    try:
        return config_paths(source, site_root)
    except (OSError, RuntimeError):
        return ()


@dataclass(slots=True)
class _Rendered:
    format: str
    data: bytes | None
    error: str | None
    detail: str
    diagnostics: tuple[Diagnostic, ...]
    seconds: float


class _PostRun:
    """The formats of one read post: checked against the build cache, rendered, written."""

    def __init__(self, job: PostJob, document: Document, classes: dict[str, type[Exporter]]) -> None:
        settings = job.settings
        self.job = job
        self.document = document
        self.classes = classes
        self.targets = {fmt: job.target(cls) for fmt, cls in classes.items()}
        self.reporter = Reporter(job.source)
        self.theme = resolve_theme(settings.theme)
        self.resolver = resolver_for(document, self.theme, settings.policy(), self.reporter)
        self.options = {fmt: format_options(settings, cls) for fmt, cls in classes.items()}
        self.timestamp = timestamp_for(document, settings.source_date_epoch)
        self.records: dict[str, Record | None] = {}
        self.results = _PostResults()

    def run(self, read: list[tuple[Stamp, str]]) -> list[ExportResult]:
        job, strict = self.job, self.job.settings.strict
        fresh = self._fresh(job.build, read) if job.build is not None else {}
        if not strict:  # with the stamps of now, which may differ from those it was built with
            for fmt, entry in fresh.items():
                self.results.add(self._skipped(fmt, entry, None))
        rendered: dict[str, _Rendered] = {}
        for fmt in job.formats:
            if fmt not in fresh:
                report_progress(("step", fmt))
                rendered[fmt] = self._render(fmt)
                if not strict:
                    self.results.add(self._write(rendered[fmt], None))
        if strict:
            warnings = self.reporter.warnings
            error = str(StrictModeError(warnings, path=job.source)) if warnings else None
            for fmt in job.formats:
                self.results.add(
                    self._skipped(fmt, fresh[fmt], error)
                    if fmt in fresh
                    else self._write(rendered[fmt], error)
                )
        return [self.results.by_format[fmt] for fmt in job.formats]

    def _fresh(self, build: BuildState, read: list[tuple[Stamp, str]]) -> dict[str, Entry]:
        """The outputs still up to date, with their entries; sets the records of them all.
        Before rendering reads any image: what is recorded is what the outputs were made from."""
        settings, source = self.job.settings, self.job.source
        inputs = PostInputs.of(
            self.document, read, self.resolver.locator, remote_allowed=settings.allow_remote
        )
        for fmt in self.job.formats:
            context = buildcache.format_context(fmt, self.options[fmt], build.theme, settings_facts(settings))
            key = buildcache.context_key(source, context)
            self.records[fmt] = inputs.record(key) if inputs is not None else None
        fresh: dict[str, Entry] = {}
        for fmt, entry in build.previous.items():
            record = self.records.get(fmt)
            found = entry.found_at(self.targets[fmt], record.fingerprint if record is not None else None)
            if found is not None:
                fresh[fmt] = replace(entry, output=found)  # a restored copy is recorded as itself
        if settings.strict and any(entry.warned for entry in fresh.values()):
            return {}  # strict mode has to meet those warnings again, and fail
        return fresh

    def _render(self, fmt: str) -> _Rendered:
        return render_one(
            self.document,
            fmt,
            self.classes[fmt],
            self.options[fmt],
            self.theme,
            self.resolver,
            self.reporter,
            self.timestamp,
        )

    def _write(self, rendered: _Rendered, strict_error: str | None) -> ExportResult:
        fmt = rendered.format
        return write(rendered, self.job.source, self.targets[fmt], strict_error, self.records.get(fmt))

    def _skipped(self, fmt: str, entry: Entry, strict_error: str | None) -> ExportResult:
        return skipped(self.job.source, fmt, self.targets[fmt], entry, self.records.get(fmt), strict_error)


class _PostResults:
    """A post's results as they become final, each diagnostic kept by the first result that
    reports it; each is reported to an isolating worker's caller at once."""

    def __init__(self) -> None:
        self.by_format: dict[str, ExportResult] = {}
        self._shown: set[Diagnostic] = set()

    def add(self, result: ExportResult) -> None:
        unseen = tuple(d for d in result.diagnostics if d not in self._shown)
        self._shown.update(unseen)
        result = replace(result, diagnostics=unseen)
        self.by_format[result.format] = result
        report_progress(("result", result))


def render_one(
    document: Document,
    fmt: str,
    cls: type[Exporter],
    options: dict[str, Any],
    theme: Theme,
    resolver: ResourceResolver,
    reporter: Reporter,
    timestamp: dt.datetime,
) -> _Rendered:
    """The format's bytes (or error), with the diagnostics it added to ``reporter``."""
    source = document.meta.source_path
    seen = len(reporter.diagnostics)
    start = time.perf_counter()
    data: bytes | None = None
    error: str | None = None
    detail = ""
    try:
        data = render_checked(document, fmt, cls, theme, resolver, reporter, timestamp, options)
    except ExportPostError as err:
        error, detail = str(err), traceback.format_exc()
    except Exception as err:
        error = f"{source}: unexpected error in {fmt}: {type(err).__name__}: {err}"
        detail = traceback.format_exc()
    return _Rendered(fmt, data, error, detail, reporter.diagnostics[seen:], time.perf_counter() - start)


def write(
    rendered: _Rendered, source: Path, target: Path, strict_error: str | None, record: Record | None
) -> ExportResult:
    """The result of writing ``rendered`` to ``target``; its ``build`` is ``record`` with the
    identity of the file this very write made."""
    start = time.perf_counter()
    output: Path | None = None
    build: Record | None = None
    error = rendered.error or strict_error
    if error is None and rendered.data is not None:
        try:
            written = write_output(target, rendered.data)
        except OSError as err:
            error = f"{source}: cannot write {target}: {err.strerror or err}"
        else:
            output = target
            if record is not None:
                digest = hashlib.sha256(rendered.data).hexdigest()
                build = replace(record, written=buildcache.output_id(written), output_digest=digest)
    return ExportResult(
        source=source,
        format=rendered.format,
        output=output,
        error=error,
        diagnostics=rendered.diagnostics,
        detail=rendered.detail,
        seconds=rendered.seconds + time.perf_counter() - start,
        build=build,
    )


def skipped(
    source: Path, format: str, target: Path, entry: Entry, record: Record | None, strict_error: str | None
) -> ExportResult:
    """The result of an output left as it is, with the diagnostics of the build that wrote it."""
    return ExportResult(
        source=source,
        format=format,
        output=None if strict_error else target,
        error=strict_error,
        diagnostics=tuple(replace(d, path=source) for d in entry.diagnostics),
        skipped=True,
        build=replace(
            record or Record(entry.fingerprint, entry.context, entry.inputs),
            written=entry.output,
            output_digest=entry.output_digest,
        ),
    )


def convert_post(
    source: Path,
    formats: Sequence[str],
    out_dir: Path | None,
    settings: Settings,
    output_file: Path | None = None,
    build: BuildState | None = None,
    within: Path | None = None,
) -> list[ExportResult]:
    """:func:`run_job` for a :class:`PostJob` of these fields; raises :class:`OptionError`
    only for an invalid call (``output_file`` with several formats)."""
    job = PostJob(
        source=source,
        formats=tuple(formats),
        settings=settings,
        out_dir=out_dir,
        output_file=output_file,
        build=build,
        within=within,
    )
    return run_job(job)
