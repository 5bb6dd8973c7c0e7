"""The library API: render a parsed post to bytes, write one output, or convert many posts.

>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/")                      # -> Path("out/2024-06-10-post.pdf")
>>> export_many(["my-site/"], formats=["epub", "pdf"], out_dir="out", jobs=4)
"""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import buildcache, checks, leftovers
from .buildcache import BuildState, DigestResolver, Entry, Manifests, PostInputs, Record
from .diagnostics import LOGGER, Diagnostic, Reporter
from .discovery import POST_SUFFIXES as POST_SUFFIXES
from .discovery import Post, discover
from .discovery import find_posts as find_posts
from .errors import ExportError, ExportPostError, OptionError, StrictModeError
from .exporter import ExportContext, Exporter, check_option_types, option_names
from .isolation import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    Failure,
    IsolatedRunner,
    Limits,
    cpu_count,
    report_progress,
)
from .model import Document
from .output import output_name, write_atomic, write_output
from .reader import load_post
from .reader.site import config_paths
from .registry import exporter_class, format_names
from .resources import ResourcePolicy, ResourceResolver
from .themes import Theme, load_theme

ALL_FORMATS = ("epub", "pdf", "pptx", "html")


EPOCH = "SOURCE_DATE_EPOCH"


def environment_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` from the environment (``None`` when unset or empty): the build
    timestamp used when the caller passes none. Only read, never written; a malformed value
    raises :class:`OptionError`, as the reproducible-builds specification asks."""
    return checks.epoch(os.environ.get(EPOCH, "").strip() or None, EPOCH)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything that shapes a conversion apart from the post and the format."""

    theme: str | Path = "default"
    strict: bool = False
    allow_remote: bool = False
    allow_http: bool = False
    allowed_hosts: tuple[str, ...] = ()  # exempt from the public-address check (tests only)
    site_root: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # The build timestamp (seconds since 1970), travelling with the settings to wherever the
    # post runs: a worker process keeps the environment its forkserver started with, and
    # threads share one environment. None: each post's date.
    source_date_epoch: int | None = field(default_factory=environment_epoch)

    def policy(self) -> ResourcePolicy:
        return ResourcePolicy(
            allow_remote=self.allow_remote, allow_http=self.allow_http, allowed_hosts=self.allowed_hosts
        )


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
        """What the output was built from (see :mod:`export_post.buildcache`); ``""`` when
        that was not recorded."""
        return self.build.fingerprint if self.build is not None else ""

    @property
    def status(self) -> str:
        """``"ok"`` (written), ``"skipped"`` (up to date) or ``"failed"``."""
        return "failed" if self.error is not None else "skipped" if self.skipped else "ok"


@lru_cache(maxsize=8)
def _theme(spec: str | Path) -> Theme:
    return load_theme(spec)


def resolve_theme(theme: str | Path | Theme) -> Theme:
    """A loaded theme (cached per process); a ``Path`` always means a folder."""
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, str):
        return _theme(checks.text(theme, "theme"))
    if not isinstance(theme, os.PathLike):
        raise OptionError(f"theme must be a theme name, a folder or a Theme, not {type(theme).__name__}")
    return _theme(checks.path(theme, "theme"))


def check_options(formats: Iterable[str], options: dict[str, Any]) -> None:
    """Refuse option names no selected exporter understands (typos fail loudly) and values
    the exporters reject, before any work starts."""
    known: set[str] = set()
    for name in formats:
        known |= option_names(exporter_class(name).Options)
    unknown = sorted(set(options) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise OptionError(f"unknown option {', '.join(unknown)} for {', '.join(formats)} (known: {listed})")
    for name in formats:  # values too, once, before any post is read
        cls = exporter_class(name).Options
        names = option_names(cls)
        if names:
            given = {key: value for key, value in options.items() if key in names}
            check_option_types(cls, given)
            try:
                cls(**given)
            except OptionError:
                raise
            except (TypeError, ValueError) as err:  # a plugin's own checks
                raise OptionError(f"{name} options: {err}") from err


def timestamp_for(document: Document, source_date_epoch: int | None) -> dt.datetime:
    """A fixed time for reproducible output: ``source_date_epoch``, else the post's date."""
    if source_date_epoch is not None:
        return dt.datetime.fromtimestamp(source_date_epoch, tz=dt.UTC)
    date = document.meta.date
    if isinstance(date, dt.datetime):
        return date if date.tzinfo else date.replace(tzinfo=dt.UTC)
    if isinstance(date, dt.date):
        return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def resolver_for(
    document: Document, theme: Theme, policy: ResourcePolicy, reporter: Reporter
) -> ResourceResolver:
    meta = document.meta
    post_dir = meta.source_path.parent if meta.source_path else Path.cwd()
    theme_roots = tuple(f for f in theme.folders if isinstance(f, Path))
    return ResourceResolver(
        post_dir=post_dir,
        site_root=meta.site_root,
        site_url=meta.site_url,
        extra_roots=theme_roots,
        policy=policy,
        reporter=reporter,
    )


def render(
    document: Document,
    format: str,
    *,
    theme: str | Path | Theme = "default",
    strict: bool = False,
    allow_remote: bool = False,
    resources: ResourceResolver | None = None,
    reporter: Reporter | None = None,
    source_date_epoch: int | None = None,
    **options: Any,
) -> bytes:
    """``document`` as ``format`` bytes. Raises :class:`ExportPostError` subclasses, and
    :class:`OptionError` (a ``ValueError``) for an argument that is not valid, before any work.

    With ``strict``, any warning (from reading or exporting) raises :class:`StrictModeError`.
    Pass one ``resources`` resolver (and ``reporter``) for several formats of the same post so
    images are read, and problems reported, once. ``source_date_epoch`` (seconds since 1970)
    is the timestamp the output carries; default ``SOURCE_DATE_EPOCH``, else the post's date.
    """
    _check_instance(document, Document, "document")
    cls = exporter_class(checks.text(format, "format"))
    checks.flag(strict, "strict")
    checks.flag(allow_remote, "allow_remote")
    _check_instance(resources, ResourceResolver | None, "resources")
    _check_instance(reporter, Reporter | None, "reporter")
    epoch = checks.epoch(source_date_epoch, "source_date_epoch")
    check_options([format], options)
    chosen = resolve_theme(theme)
    if epoch is None:
        epoch = environment_epoch()
    reporter = reporter or Reporter(document.meta.source_path)
    resolver = resources or resolver_for(
        document, chosen, ResourcePolicy(allow_remote=allow_remote), reporter
    )
    timestamp = timestamp_for(document, epoch)
    return _render(document, format, cls, chosen, resolver, reporter, timestamp, options, strict=strict)


def _check_instance(value: object, kind: Any, name: str) -> None:
    if not isinstance(value, kind):
        raise OptionError(f"{name} must be {_article(kind)}, not {type(value).__name__}")


def _article(kind: Any) -> str:
    names = [k.__name__ for k in getattr(kind, "__args__", (kind,)) if k is not type(None)]
    return " or ".join(f"a {n}" for n in names) + (
        " or None" if type(None) in getattr(kind, "__args__", ()) else ""
    )


def _render(
    document: Document,
    format: str,
    cls: type[Exporter],
    theme: Theme,
    resolver: ResourceResolver,
    reporter: Reporter,
    timestamp: dt.datetime,
    options: Mapping[str, Any],
    *,
    strict: bool = False,
) -> bytes:
    """``render`` once its arguments are checked: every value travels explicitly."""
    reporter.extend(document.diagnostics)
    context = ExportContext(
        theme=theme,
        resources=resolver,
        reporter=reporter,
        timestamp=timestamp,
        options=MappingProxyType(dict(options)),
    )
    try:
        data = cls().export(document, context)
    except ExportPostError as err:
        if err.path is None:
            err.path = document.meta.source_path
        raise
    except Exception as err:  # a library failed on this document: one clear line, cause kept
        raise ExportError(
            f"{format} export failed: {type(err).__name__}: {err}", path=document.meta.source_path
        ) from err
    if strict and reporter.warnings:
        raise StrictModeError(reporter.warnings, path=document.meta.source_path)
    return data


def default_output(document: Document, format: str, output: str | Path | None) -> Path:
    """Where ``export`` writes: a file path, a folder (existing, or ending in ``/``), or next to the post."""
    extension = exporter_class(format).file_extension
    source = document.meta.source_path or Path("post.md")
    if output is None:
        return source.parent / output_name(source, extension)
    text = str(output)
    path = Path(output)
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / output_name(source, extension)
    return path


def export(
    document: Document,
    format: str,
    output: str | Path | None = None,
    *,
    theme: str | Path | Theme = "default",
    strict: bool = False,
    allow_remote: bool = False,
    reporter: Reporter | None = None,
    source_date_epoch: int | None = None,
    **options: Any,
) -> Path:
    """Render ``document`` as ``format`` and write it atomically; returns the written path.

    Pass a ``reporter`` to collect the diagnostics (they also go to the ``export_post`` logger).
    An ``output`` that cannot be written (a file where a folder is meant, a device, a folder
    that cannot be created) raises :class:`OptionError` before anything is rendered."""
    _check_instance(document, Document, "document")
    checks.text(format, "format")
    target = default_output(document, format, None if output is None else checks.path(output, "output"))
    if output is not None and target != Path(output):
        checks.output_folder(target.parent, "output")
    else:
        checks.output_file(target, "output")
    data = render(
        document,
        format,
        theme=theme,
        strict=strict,
        allow_remote=allow_remote,
        reporter=reporter,
        source_date_epoch=source_date_epoch,
        **options,
    )
    return write_atomic(target, data)


def output_path(source: Path, extension: str, out_dir: Path | None, output_file: Path | None = None) -> Path:
    """Where ``export_post`` writes an output: ``output_file``, else the post's file name with
    ``extension`` in ``out_dir`` (default: next to the post)."""
    if output_file is not None:
        return output_file
    folder = out_dir if out_dir is not None else source.parent
    return folder / output_name(source, extension)


@dataclass(slots=True)
class _Rendered:
    format: str
    data: bytes | None
    error: str | None
    detail: str
    diagnostics: tuple[Diagnostic, ...]
    seconds: float


READ_STEP = "read"  # the step of export_post before its first format: reading the post


def export_post(
    source: Path,
    formats: Sequence[str],
    out_dir: Path | None,
    settings: Settings,
    output_file: Path | None = None,
    build: BuildState | None = None,
    within: Path | None = None,
) -> list[ExportResult]:
    """Parse one post once and write each format; conversion failures become results.

    Raises :class:`OptionError` only for an invalid call (``output_file`` with several formats).

    Outputs go to ``out_dir`` (default: next to the post) under names derived from the post's
    file name, or to ``output_file`` when exactly one format is asked for. Each format is
    written as soon as it is rendered; under ``strict``, every format is rendered before
    anything is written, and a warning from any of them means no output of this post is
    written. ``within``: the post was found by walking that folder, and is read only if it
    really is a regular file inside it (see :mod:`export_post.discovery`).

    With ``build`` (see :mod:`export_post.buildcache`), an output whose manifest entry still
    matches is not rendered: its result is ``skipped`` and carries the diagnostics of the
    build that wrote it. Every result written or skipped carries the ``build`` record to keep.

    In an isolating worker each step is reported as it starts (``("step", "read")``, then
    ``("step", format)``) and each result as soon as it is final (``("result", result)``):
    the time limit applies to each step, and a result outlives a later format's failure
    (see :func:`export_post.isolation.report_progress`).
    """
    if output_file is not None and len(formats) != 1:
        raise OptionError("an output file name needs exactly one format")
    classes = {fmt: exporter_class(fmt) for fmt in formats}  # looked up once: each lookup reads entry points
    targets = {fmt: output_path(source, classes[fmt].file_extension, out_dir, output_file) for fmt in formats}
    report_progress(("step", READ_STEP))
    # Stamped and hashed before reading: an edit in between causes a rebuild, never a wrong skip.
    files = [source.absolute(), *_config_paths(source, settings.site_root)] if build is not None else []
    read = [(buildcache.stamp(f), buildcache.file_digest(f)) for f in files]
    try:
        document = load_post(source, site_root=settings.site_root, within=within)
    except ExportPostError as err:
        return [ExportResult(source=source, format=f, error=str(err)) for f in formats]
    except Exception as err:
        line = f"{source}: unexpected error: {type(err).__name__}: {err}"
        return [
            ExportResult(source=source, format=f, error=line, detail=traceback.format_exc()) for f in formats
        ]
    reporter = Reporter(source)
    theme = resolve_theme(settings.theme)
    resolver = resolver_for(document, theme, settings.policy(), reporter)
    options = {fmt: format_options(settings, classes[fmt]) for fmt in formats}
    records: dict[str, Record | None] = {}
    fresh: dict[str, Entry] = {}
    if build is not None:
        # Before rendering reads any image: what is recorded is what the outputs were made from.
        inputs = PostInputs.of(
            document, read, DigestResolver.like(resolver), remote_allowed=settings.allow_remote
        )
        for fmt in formats:
            context = buildcache.context_key(
                source, buildcache.format_context(fmt, options[fmt], build.theme, settings_facts(settings))
            )
            records[fmt] = inputs.record(context) if inputs is not None else None
        for fmt, entry in build.previous.items():
            record = records.get(fmt)
            if record is not None and entry.matches(targets[fmt], record.fingerprint):
                fresh[fmt] = entry
        if settings.strict and any(entry.warned for entry in fresh.values()):
            fresh = {}  # strict mode has to meet those warnings again, and fail
    timestamp = timestamp_for(document, settings.source_date_epoch)
    results = _PostResults()
    if not settings.strict:  # with the stamps of now, which may differ from those it was built with
        for fmt, entry in fresh.items():
            results.add(_skipped(source, fmt, targets[fmt], entry, records.get(fmt), None))
    rendered: dict[str, _Rendered] = {}
    for fmt in formats:
        if fmt not in fresh:
            report_progress(("step", fmt))
            rendered[fmt] = _render_one(
                document, fmt, classes[fmt], options[fmt], theme, resolver, reporter, timestamp
            )
            if not settings.strict:
                results.add(_write(rendered[fmt], source, targets[fmt], None, records.get(fmt)))
    if settings.strict:
        strict_error = str(StrictModeError(reporter.warnings, path=source)) if reporter.warnings else None
        for fmt in formats:
            results.add(
                _skipped(source, fmt, targets[fmt], fresh[fmt], records.get(fmt), strict_error)
                if fmt in fresh
                else _write(rendered[fmt], source, targets[fmt], strict_error, records.get(fmt))
            )
    return [results.by_format[fmt] for fmt in formats]


def _config_paths(source: Path, site_root: Path | None) -> tuple[Path, ...]:
    """:func:`config_paths`, none for a post whose path cannot be resolved (a symlink loop,
    which then fails to be read, with its reason)."""
    try:
        return config_paths(source, site_root)
    except (OSError, RuntimeError):
        return ()


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


def _render_one(
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
        data = _render(document, fmt, cls, theme, resolver, reporter, timestamp, options)
    except ExportPostError as err:
        error, detail = str(err), traceback.format_exc()
    except Exception as err:
        error = f"{source}: unexpected error in {fmt}: {type(err).__name__}: {err}"
        detail = traceback.format_exc()
    return _Rendered(fmt, data, error, detail, reporter.diagnostics[seen:], time.perf_counter() - start)


def _write(
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
                build = replace(record, written=buildcache.output_id(written))
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


def _skipped(
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
        build=replace(record or Record(entry.fingerprint, entry.context, entry.inputs), written=entry.output),
    )


def format_options(settings: Settings, exporter: type[Exporter]) -> dict[str, Any]:
    """The options of ``settings`` that ``exporter`` defines."""
    names = option_names(exporter.Options)
    return {k: v for k, v in settings.options.items() if k in names}


def settings_facts(settings: Settings) -> dict[str, Any]:
    """The settings that shape every output, as the build cache records them."""
    return {
        "allow_remote": settings.allow_remote,
        "allow_http": settings.allow_http,
        "allowed_hosts": settings.allowed_hosts,
        "site_root": settings.site_root,
        # as the text of the environment variable it was before: recorded outputs stay valid
        "source_date_epoch": None if settings.source_date_epoch is None else str(settings.source_date_epoch),
    }


def expand_formats(names: Iterable[str]) -> list[str]:
    """Format names in order, case-folded and de-duplicated; ``all`` stands for the four
    built-in formats, and names given next to it are kept (``["all", "txt"]``)."""
    expanded = [f for name in names for f in (ALL_FORMATS if name.lower() == "all" else (name.lower(),))]
    return list(dict.fromkeys(expanded))


def make_settings(
    formats: Sequence[str],
    *,
    theme: str | Path = "default",
    site_root: str | Path | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    allow_http: bool = False,
    allowed_hosts: Sequence[str] = (),
    options: dict[str, Any] | None = None,
    source_date_epoch: int | None = None,
) -> Settings:
    """Validate formats, theme, options and every setting once, up front (not once per post).

    ``source_date_epoch`` (seconds since 1970) is the build timestamp; default
    ``SOURCE_DATE_EPOCH`` from the environment (read here, once), else each post's date."""
    for fmt in checks.texts(formats, "formats"):
        exporter_class(fmt)
    for name, value in (("strict", strict), ("allow_remote", allow_remote), ("allow_http", allow_http)):
        checks.flag(value, name)
    hosts = checks.texts(allowed_hosts, "allowed_hosts")
    if options is not None and not isinstance(options, dict):
        raise OptionError(f"options must be a dict, not {type(options).__name__}")
    check_options(formats, options or {})
    resolve_theme(theme)
    root = checks.folder(site_root, "site root") if site_root is not None else None
    epoch = checks.epoch(source_date_epoch, "source_date_epoch")
    return Settings(
        theme=theme,
        strict=strict,
        allow_remote=allow_remote or allow_http,
        allow_http=allow_http,
        allowed_hosts=hosts,
        site_root=root,
        options=dict(options or {}),
        source_date_epoch=epoch if epoch is not None else environment_epoch(),
    )


def export_many(
    paths: Iterable[str | Path | Post],
    formats: Sequence[str] = ("pdf",),
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    output_file: str | Path | None = None,
    executor: Executor | None = None,
    isolate: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
    force: bool = False,
    on_start: Callable[[Path], None] | None = None,
    on_result: Callable[[ExportResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    theme: str | Path = "default",
    site_root: str | Path | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    allow_http: bool = False,
    allowed_hosts: Sequence[str] = (),
    source_date_epoch: int | None = None,
    **options: Any,
) -> list[ExportResult]:
    """Convert every post to every format; one result per (post, format), in input order.

    ``paths`` may name post files or folders (see :func:`~export_post.discovery.discover`:
    what the walk of a folder refuses, a post leading out of it or one that is not a regular
    file, gives failed results), or be :class:`~export_post.discovery.Post`\\ s.
    ``output_file`` names the one output when there is exactly one post and one format. Each
    post is parsed once. A failing post never stops the others: its results carry the error.
    Posts run in ``jobs`` worker processes (default: the CPUs this process may use), or pass
    any ``executor``.

    Builds into an ``out_dir`` are incremental: an output whose inputs are unchanged since
    it was written is left alone and reported as ``skipped`` (see
    :mod:`export_post.buildcache`; the folder keeps a small manifest, saved as results
    arrive); ``force`` rebuilds everything. Outputs written next to their posts, or to an
    ``output_file``, are always rebuilt, and no manifest is written there. Temporaries of
    ours that a killed run left in ``out_dir`` are removed.

    ``on_start(source)`` is called as a post is handed to a worker (not with an
    ``executor``), ``on_result(result)`` as soon as each result is known, in this thread.
    ``on_warning(message)`` gets each problem of the batch itself, one line (a build cache
    that cannot be read or saved); by default it goes to the ``export_post`` logger.

    With ``isolate`` (the default), each post runs in a worker process under a wall-clock
    ``timeout`` (seconds, for reading the post and again for each of its formats: a format
    over the limit fails alone, and the post's other formats are still converted) and
    ``memory_limit`` (bytes of address space). An explicit ``executor`` runs tasks as it
    likes (no limits); ``isolate=False`` runs them in this process.

    Every argument is checked before any post is read: one that is not valid raises
    :class:`OptionError` (a ``ValueError``) naming it.

    When interrupted (``KeyboardInterrupt``, or any exception from a callback), the workers
    are stopped at once and the manifest keeps what was written; the exception goes on.
    """
    inputs = _inputs(paths)
    formats = expand_formats(checks.texts(formats, "formats"))
    if not formats:
        raise OptionError("formats must name at least one format")
    jobs = checks.count(jobs, "jobs")
    timeout = checks.seconds(timeout, "timeout")
    memory_limit = checks.memory(memory_limit, "memory_limit")
    for name, value in (("isolate", isolate), ("force", force)):
        checks.flag(value, name)
    checks.callback(on_start, "on_start")
    checks.callback(on_result, "on_result")
    checks.callback(on_warning, "on_warning")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise OptionError(f"executor must be a concurrent.futures.Executor, not {type(executor).__name__}")
    folder = checks.output_folder(out_dir, "out_dir") if out_dir is not None else None
    target = checks.output_file(output_file, "output_file") if output_file is not None else None
    settings = make_settings(
        formats,
        theme=theme,
        site_root=site_root,
        strict=strict,
        allow_remote=allow_remote,
        allow_http=allow_http,
        allowed_hosts=allowed_hosts,
        options=options,
        source_date_epoch=source_date_epoch,
    )
    found = (post for item in inputs for post in (discover(item) if isinstance(item, Path) else [item]))
    posts = unique_posts(found)
    sources = [post.path for post in posts]
    within = {post.path: post.within for post in posts}
    refusals = {post.path: post.refused for post in posts if post.refused is not None}
    if target is not None and (len(sources) != 1 or len(formats) != 1):
        raise OptionError("an output file name needs exactly one post and one format")
    clashes = _name_clashes([s for s in sources if s not in refusals], folder)
    todo = [s for s in sources if s not in clashes and s not in refusals]
    # In parallel, the longest first (by size, a rough guide): no big post is left to run alone
    # at the end while the other workers idle.
    largest_first = sorted(todo, key=_size, reverse=True)
    manifests = Manifests(on_warning or _log_warning)
    theme_digest = buildcache.theme_digest(resolve_theme(settings.theme))
    classes = {fmt: exporter_class(fmt) for fmt in formats}
    contexts = {
        fmt: buildcache.format_context(
            fmt, format_options(settings, classes[fmt]), theme_digest, settings_facts(settings)
        )
        for fmt in formats
    }

    # Only an output folder keeps a manifest: never the posts' own folders, nor beside one named file.
    incremental = folder is not None and target is None
    if folder is not None and target is None:
        _remove_leftovers(folder, [classes[fmt].file_extension for fmt in formats])

    def previous(source: Path, wanted: Sequence[str] = formats) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for fmt in wanted if incremental and not force else ():
            entry = manifests.entry(output_path(source, classes[fmt].file_extension, folder, target))
            if entry is not None:
                found[fmt] = entry
        return found

    def task(source: Path, wanted: Sequence[str] = formats) -> tuple[Any, ...]:
        build = BuildState(theme_digest, previous(source, wanted)) if incremental else None
        return (source, wanted, folder, settings, target, build, within.get(source))

    known: dict[Path, dict[str, ExportResult]] = {}
    shown: dict[Path, set[Diagnostic]] = {}

    def deliver(source: Path, result: ExportResult, *, record: bool = True) -> None:
        """Report one final result (each diagnostic once per post); ``record`` what built it."""
        seen = shown.setdefault(source, set())
        unseen = tuple(d for d in result.diagnostics if d not in seen)
        seen.update(unseen)
        if len(unseen) != len(result.diagnostics):
            result = replace(result, diagnostics=unseen)
        known.setdefault(source, {})[result.format] = result
        if record and result.output is not None and result.build is not None:
            manifests.record(result.output, result.build, result.diagnostics)
            manifests.save_soon()
        if on_result is not None:
            on_result(result)

    def finish(source: Path, results: list[ExportResult], *, record: bool = True) -> None:
        for result in results:
            if result.format not in known.get(source, {}):
                deliver(source, result, record=record)

    def up_to_date(source: Path) -> list[ExportResult] | None:
        """Every output of ``source``, if each is up to date by its files alone (no worker)."""
        entries = previous(source)
        if len(entries) < len(formats) or (settings.strict and any(e.warned for e in entries.values())):
            return None
        results = []
        for fmt, entry in entries.items():
            output = output_path(source, classes[fmt].file_extension, folder, target)
            if not entry.unchanged(output, buildcache.context_key(source, contexts[fmt])):
                return None
            results.append(_skipped(source, fmt, output, entry, None, None))
        return results

    try:
        for source, reason in refusals.items():
            finish(source, [ExportResult(source=source, format=f, error=reason) for f in formats])
        for source, first in clashes.items():
            error = f"{source}: output name clashes with {first} (same file name, same output folder)"
            finish(source, [ExportResult(source=source, format=f, error=error) for f in formats])
        if incremental and not force:
            current = {source: up_to_date(source) for source in todo}
            for source, skipped in current.items():
                if skipped is not None:
                    finish(source, skipped, record=False)  # the manifest already says all of it
            todo = [source for source in todo if current[source] is None]
            largest_first = [source for source in largest_first if current[source] is None]
        if executor is not None:
            futures = {executor.submit(export_post, *task(source)): source for source in largest_first}
            for future in as_completed(futures):
                finish(futures[future], _outcome(futures[future], formats, future))
        elif isolate and todo:
            _run_isolated(
                largest_first,
                formats,
                task,
                deliver,
                finish,
                manifests.save_soon,
                known,
                on_start,
                IsolatedRunner(
                    export_post, min(jobs or cpu_count(), len(todo)), Limits(timeout, memory_limit)
                ),
            )
        else:
            for source in todo:
                if on_start is not None:
                    on_start(source)
                finish(source, export_post(*task(source)))
    finally:
        manifests.save()  # also after an interruption: what was written stays up to date
        if folder is not None and target is None:  # and what a killed worker left is gone
            _remove_leftovers(folder, [classes[fmt].file_extension for fmt in formats])
    return [known[source][fmt] for source in sources for fmt in formats]


def _run_isolated(
    sources: Sequence[Path],
    formats: Sequence[str],
    task: Callable[[Path, Sequence[str]], tuple[Any, ...]],
    deliver: Callable[[Path, ExportResult], None],
    finish: Callable[[Path, list[ExportResult]], None],
    on_idle: Callable[[], None],
    known: Mapping[Path, Mapping[str, ExportResult]],
    on_start: Callable[[Path], None] | None,
    runner: IsolatedRunner[list[ExportResult]],
) -> None:
    """Each post in a worker; results arrive as each format is done. A format whose step
    fails (its time limit, its worker's death) fails alone: the post's formats still to do
    run again in a new worker. A failure while reading the post fails all its formats."""
    task_source = list(sources)
    task_formats: list[Sequence[str]] = [formats] * len(sources)
    steps: dict[int, str] = {}

    def progressed(index: int, value: tuple[str, Any]) -> None:
        kind, item = value
        if kind == "step":
            steps[index] = item
        elif kind == "result":
            deliver(task_source[index], item)

    def ended(index: int, outcome: list[ExportResult] | Failure) -> None:
        source = task_source[index]
        if not isinstance(outcome, Failure):
            finish(source, outcome)
            return
        missing = [f for f in task_formats[index] if f not in known.get(source, {})]
        step = steps.get(index, READ_STEP)
        if step not in missing:  # while reading the post: every format fails
            finish(
                source,
                [ExportResult(source=source, format=f, error=f"{source}: {outcome.reason}") for f in missing],
            )
            return
        deliver(source, ExportResult(source=source, format=step, error=f"{source}: {step}: {outcome.reason}"))
        rest = [f for f in missing if f != step]
        if rest:
            task_source.append(source)
            task_formats.append(rest)
            runner.add(task(source, rest))

    def started(index: int) -> None:
        if on_start is not None and index < len(sources):  # not again for a post's second worker
            on_start(sources[index])

    runner.run(
        [task(source, formats) for source in sources],
        on_start=started,
        on_result=ended,
        on_progress=progressed,
        on_idle=on_idle,
    )


def _remove_leftovers(folder: Path, extensions: Sequence[str]) -> None:
    """Remove the temporaries a killed run left in ``folder``: ours only (see
    :mod:`export_post.leftovers`), for an output of any format, or for the manifest."""
    endings = (*extensions, *(f".{name}" for name in format_names()))
    leftovers.remove_stale_temporaries(
        folder, lambda name: name == buildcache.MANIFEST_NAME or name.endswith(endings)
    )


def _log_warning(message: str) -> None:
    LOGGER.warning("%s", message)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _outcome(
    source: Path, formats: Sequence[str], outcome: list[ExportResult] | Failure | Future[list[ExportResult]]
) -> list[ExportResult]:
    """A post's results, also when its worker failed or its task raised."""
    if isinstance(outcome, Future):
        try:
            return outcome.result()
        except Exception as err:  # the executor's failure (a lost worker, say), not the post's
            outcome = Failure(f"{type(err).__name__}: {err}")
    if isinstance(outcome, Failure):
        return [ExportResult(source=source, format=f, error=f"{source}: {outcome.reason}") for f in formats]
    return outcome


def _name_clashes(sources: Sequence[Path], out_dir: Path | None) -> dict[Path, Path]:
    """Posts whose outputs would overwrite an earlier post's (same stem, same folder)."""
    first: dict[tuple[str, str], Path] = {}
    clashes: dict[Path, Path] = {}
    for source in sources:
        key = (os.path.realpath(out_dir or source.parent), output_name(source, ""))
        if key in first and os.path.realpath(first[key]) != os.path.realpath(source):
            clashes[source] = first[key]
        else:
            first.setdefault(key, source)
    return clashes


def _inputs(paths: object) -> list[Path | Post]:
    """``paths`` checked as :func:`checks.paths` does; a :class:`Post` is kept as it is."""
    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Iterable):
        checks.paths(paths, "paths")  # raises
    items = list(paths)  # type: ignore[call-overload]
    plain = iter(checks.paths([item for item in items if not isinstance(item, Post)], "paths"))
    return [item if isinstance(item, Post) else next(plain) for item in items]


def unique_posts(posts: Iterable[Post]) -> list[Post]:
    """``posts`` without repeats, as :func:`distinct_posts` tells them apart."""
    posts = list(posts)
    wanted = set(distinct_posts(post.path for post in posts))
    kept: dict[Path, Post] = {}
    for post in posts:
        if post.path in wanted:
            kept.setdefault(post.path, post)
    return list(kept.values())


def distinct_posts(sources: Iterable[Path]) -> list[Path]:
    """``sources`` in order without repeats: one file named several times, however it is
    spelled (relative or absolute, with ``./``, through a symbolic link), counts once, under
    the first spelling. Converting it again would only race to write the same outputs."""
    seen: set[object] = set()
    kept: list[Path] = []
    for source in sources:
        try:
            info = source.stat()
            key: object = (info.st_dev, info.st_ino)
        except (OSError, ValueError):  # missing: it fails once, by its resolved name
            key = os.path.realpath(source)
        if key not in seen:
            seen.add(key)
            kept.append(source)
    return kept
