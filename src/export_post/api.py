"""The library API: render a parsed post to bytes, write one output, or convert many posts.

>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/")                      # -> Path("out/2024-06-10-post.pdf")
>>> export_many(["my-site/"], formats=["epub", "pdf"], out_dir="out", jobs=4)
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .diagnostics import Diagnostic, Reporter
from .errors import ExportError, ExportPostError, OptionError, StrictModeError
from .exporter import ExportContext, option_names
from .isolation import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Failure, IsolatedRunner, Limits
from .model import Document
from .output import output_name, write_atomic
from .reader import load_post
from .registry import exporter_class
from .resources import ResourcePolicy, ResourceResolver
from .themes import Theme, load_theme

ALL_FORMATS = ("epub", "pdf", "pptx", "html")
POST_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn")
_SKIP_DIRS = frozenset({"_site", "node_modules", "vendor", ".git", ".jekyll-cache", ".sass-cache"})


def find_posts(path: str | Path) -> list[Path]:
    """A file is itself; a folder means its ``_posts/`` if it has one, else every post file
    (``.md``, ``.markdown``, ``.mkd``, ``.mkdn``) under it, in sorted order."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    root = path / "_posts" if (path / "_posts").is_dir() else path
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(folder) / f for f in sorted(files) if f.lower().endswith(POST_SUFFIXES))
    return found


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

    @property
    def ok(self) -> bool:
        return self.error is None


@lru_cache(maxsize=8)
def _theme(spec: str | Path) -> Theme:
    return load_theme(spec)


def resolve_theme(theme: str | Path | Theme) -> Theme:
    """A loaded theme (cached per process); a ``Path`` always means a folder."""
    return theme if isinstance(theme, Theme) else _theme(theme)


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
            cls(**{key: value for key, value in options.items() if key in names})


def timestamp_for(document: Document) -> dt.datetime:
    """A fixed time for reproducible output: ``SOURCE_DATE_EPOCH``, else the post's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
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
    **options: Any,
) -> bytes:
    """``document`` as ``format`` bytes. Raises :class:`ExportPostError` subclasses.

    With ``strict``, any warning (from reading or exporting) raises :class:`StrictModeError`.
    Pass one ``resources`` resolver (and ``reporter``) for several formats of the same post so
    images are read, and problems reported, once.
    """
    cls = exporter_class(format)
    check_options([format], options)
    chosen = resolve_theme(theme)
    reporter = reporter or Reporter(document.meta.source_path)
    reporter.extend(document.diagnostics)
    resolver = resources or resolver_for(
        document, chosen, ResourcePolicy(allow_remote=allow_remote), reporter
    )
    context = ExportContext(
        theme=chosen,
        resources=resolver,
        reporter=reporter,
        timestamp=timestamp_for(document),
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
    **options: Any,
) -> Path:
    """Render ``document`` as ``format`` and write it atomically; returns the written path.

    Pass a ``reporter`` to collect the diagnostics (they also go to the ``export_post`` logger)."""
    data = render(
        document, format, theme=theme, strict=strict, allow_remote=allow_remote, reporter=reporter, **options
    )
    return write_atomic(default_output(document, format, output), data)


def export_post(
    source: Path,
    formats: Sequence[str],
    out_dir: Path | None,
    settings: Settings,
    output_file: Path | None = None,
) -> list[ExportResult]:
    """Parse one post once and write each format; conversion failures become results.

    Raises :class:`OptionError` only for an invalid call (``output_file`` with several formats).

    Outputs go to ``out_dir`` (default: next to the post) under names derived from the post's
    file name, or to ``output_file`` when exactly one format is asked for. Every format is
    rendered before anything is written: under ``strict``, a warning from any of them means
    no output of this post is written.
    """
    if output_file is not None and len(formats) != 1:
        raise OptionError("an output file name needs exactly one format")
    try:
        document = load_post(source, site_root=settings.site_root)
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
    rendered: list[tuple[str, bytes | None, str | None, str, tuple[Diagnostic, ...]]] = []
    for fmt in formats:
        seen = len(reporter.diagnostics)
        data: bytes | None = None
        error: str | None = None
        detail = ""
        try:
            options = {
                k: v for k, v in settings.options.items() if k in option_names(exporter_class(fmt).Options)
            }
            data = render(document, fmt, theme=theme, resources=resolver, reporter=reporter, **options)
        except ExportPostError as err:
            error, detail = str(err), traceback.format_exc()
        except Exception as err:
            error = f"{source}: unexpected error in {fmt}: {type(err).__name__}: {err}"
            detail = traceback.format_exc()
        rendered.append((fmt, data, error, detail, reporter.diagnostics[seen:]))
    strict_error = (
        str(StrictModeError(reporter.warnings, path=source))
        if settings.strict and reporter.warnings
        else None
    )
    results = []
    for fmt, data, error, detail, diagnostics in rendered:
        output: Path | None = None
        if error is None and strict_error is not None:
            error = strict_error
        if error is None and data is not None:
            folder = out_dir if out_dir is not None else source.parent
            target = output_file or folder / output_name(source, exporter_class(fmt).file_extension)
            try:
                output = write_atomic(target, data)
            except OSError as err:
                error = f"{target}: cannot write: {err.strerror or err}"
        results.append(
            ExportResult(
                source=source, format=fmt, output=output, error=error, diagnostics=diagnostics, detail=detail
            )
        )
    return results


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
) -> Settings:
    """Validate formats, theme and options once, up front (not once per post)."""
    for fmt in formats:
        exporter_class(fmt)
    check_options(formats, options or {})
    resolve_theme(theme)
    if site_root is not None and not Path(site_root).is_dir():
        raise OptionError(f"site root {site_root} is not a folder")
    return Settings(
        theme=theme,
        strict=strict,
        allow_remote=allow_remote or allow_http,
        allow_http=allow_http,
        allowed_hosts=tuple(allowed_hosts),
        site_root=Path(site_root) if site_root else None,
        options=dict(options or {}),
    )


def export_many(
    paths: Iterable[str | Path],
    formats: Sequence[str] = ("pdf",),
    out_dir: str | Path | None = None,
    *,
    jobs: int = 1,
    output_file: str | Path | None = None,
    executor: Executor | None = None,
    isolate: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
    theme: str | Path = "default",
    site_root: str | Path | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    allow_http: bool = False,
    allowed_hosts: Sequence[str] = (),
    **options: Any,
) -> list[ExportResult]:
    """Convert every post to every format; one result per (post, format), in input order.

    ``paths`` may name post files or folders (see :func:`find_posts`). ``output_file``
    names the one output when there is exactly one post and one format. Each post is parsed
    once. A failing post never stops the others: its results carry the error. ``jobs > 1``
    runs posts in worker processes (or pass any ``executor``).

    With ``isolate`` (the default), each post runs in a worker process under a wall-clock
    ``timeout`` (seconds, all formats of the post) and ``memory_limit`` (bytes of address
    space): a post that exceeds either fails alone, cleanly. An explicit ``executor`` runs
    tasks as it likes (no limits); ``isolate=False`` runs them in this process.
    """
    formats = expand_formats(formats)
    settings = make_settings(
        formats,
        theme=theme,
        site_root=site_root,
        strict=strict,
        allow_remote=allow_remote,
        allow_http=allow_http,
        allowed_hosts=allowed_hosts,
        options=options,
    )
    sources = [post for path in paths for post in find_posts(path)]
    folder = Path(out_dir) if out_dir is not None else None
    target = Path(output_file) if output_file is not None else None
    if target is not None and (len(sources) != 1 or len(formats) != 1):
        raise OptionError("an output file name needs exactly one post and one format")
    clashes = _name_clashes(sources, folder)
    todo = [s for s in sources if s not in clashes]
    done: dict[Path, list[ExportResult]] = {}
    if executor is not None:
        futures = {
            source: executor.submit(export_post, source, formats, folder, settings, output_file=target)
            for source in todo
        }
        done = {source: future.result() for source, future in futures.items()}
    elif isolate and todo:
        runner = IsolatedRunner(export_post, min(jobs, len(todo)), Limits(timeout, memory_limit))
        outcomes = runner.run([(source, formats, folder, settings, target) for source in todo])
        for source, outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, Failure):
                error = f"{source}: {outcome.reason}"
                done[source] = [ExportResult(source=source, format=f, error=error) for f in formats]
            else:
                done[source] = outcome
    else:
        done = {source: export_post(source, formats, folder, settings, output_file=target) for source in todo}
    results: list[ExportResult] = []
    for source in sources:
        if source in clashes:
            error = (
                f"{source}: output name clashes with {clashes[source]} (same file name, same output folder)"
            )
            results.extend(ExportResult(source=source, format=f, error=error) for f in formats)
        else:
            results.extend(done[source])
    return results


def _name_clashes(sources: Sequence[Path], out_dir: Path | None) -> dict[Path, Path]:
    """Posts whose outputs would overwrite an earlier post's (same stem, same folder)."""
    first: dict[tuple[Path, str], Path] = {}
    clashes: dict[Path, Path] = {}
    for source in sources:
        key = ((out_dir or source.parent).resolve(), output_name(source, ""))
        if key in first and first[key].resolve() != source.resolve():
            clashes[source] = first[key]
        else:
            first.setdefault(key, source)
    return clashes
