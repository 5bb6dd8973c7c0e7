"""The library API: render a parsed post to bytes, write one output, or convert many posts.

>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/")                      # -> Path("out/2024-06-10-post.pdf")
>>> export_many(["_posts"], formats=["epub", "pdf"], out_dir="out", jobs=4)
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .diagnostics import Diagnostic, Reporter
from .errors import ExportError, ExportPostError, OptionError, StrictModeError
from .exporter import ExportContext, option_names
from .model import Document
from .output import output_name, write_atomic
from .reader import load_post
from .registry import exporter_class
from .resources import ResourcePolicy, ResourceResolver
from .themes import Theme, load_theme

ALL_FORMATS = ("epub", "pdf", "pptx", "html")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything that shapes a conversion apart from the post and the format."""

    theme: str = "default"
    strict: bool = False
    allow_remote: bool = False
    site_root: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)


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
def _theme(spec: str) -> Theme:
    return load_theme(spec)


def resolve_theme(theme: str | Path | Theme) -> Theme:
    return theme if isinstance(theme, Theme) else _theme(str(theme))


def check_options(formats: Iterable[str], options: dict[str, Any]) -> None:
    """Refuse option names no selected exporter understands (typos fail loudly)."""
    known: set[str] = set()
    for name in formats:
        known |= option_names(exporter_class(name).Options)
    unknown = sorted(set(options) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise OptionError(f"unknown option {', '.join(unknown)} for {', '.join(formats)} (known: {listed})")


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
    document: Document, theme: Theme, *, allow_remote: bool, reporter: Reporter
) -> ResourceResolver:
    meta = document.meta
    post_dir = meta.source_path.parent if meta.source_path else Path.cwd()
    theme_roots = tuple(f for f in theme.folders if isinstance(f, Path))
    return ResourceResolver(
        post_dir=post_dir,
        site_root=meta.site_root,
        site_url=meta.site_url,
        extra_roots=theme_roots,
        policy=ResourcePolicy(allow_remote=allow_remote),
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
    resolver = resources or resolver_for(document, chosen, allow_remote=allow_remote, reporter=reporter)
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
    **options: Any,
) -> Path:
    """Render ``document`` as ``format`` and write it atomically; returns the written path."""
    data = render(document, format, theme=theme, strict=strict, allow_remote=allow_remote, **options)
    return write_atomic(default_output(document, format, output), data)


def export_post(
    source: Path,
    formats: Sequence[str],
    out_dir: Path | None,
    settings: Settings,
    *,
    output_file: Path | None = None,
) -> list[ExportResult]:
    """Parse one post once and write each format; failures become results, never exceptions.

    Outputs go to ``out_dir`` (default: next to the post) under names derived from the post's
    file name, or to ``output_file`` when exactly one format is asked for.
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
    resolver = resolver_for(document, theme, allow_remote=settings.allow_remote, reporter=reporter)
    results = []
    for fmt in formats:
        seen = len(reporter.diagnostics)
        output: Path | None = None
        error: str | None = None
        detail = ""
        try:
            options = {
                k: v for k, v in settings.options.items() if k in option_names(exporter_class(fmt).Options)
            }
            data = render(
                document,
                fmt,
                theme=theme,
                strict=settings.strict,
                resources=resolver,
                reporter=reporter,
                **options,
            )
            folder = out_dir if out_dir is not None else source.parent
            target = output_file or folder / output_name(source, exporter_class(fmt).file_extension)
            output = write_atomic(target, data)
        except ExportPostError as err:
            error = str(err)
            detail = traceback.format_exc()
        except Exception as err:
            error = f"{source}: unexpected error in {fmt}: {type(err).__name__}: {err}"
            detail = traceback.format_exc()
        results.append(
            ExportResult(
                source=source,
                format=fmt,
                output=output,
                error=error,
                diagnostics=reporter.diagnostics[seen:],
                detail=detail,
            )
        )
    return results


def make_settings(
    formats: Sequence[str],
    *,
    theme: str | Path = "default",
    site_root: str | Path | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    options: dict[str, Any] | None = None,
) -> Settings:
    """Validate formats, theme and options once, up front (not once per post)."""
    for fmt in formats:
        exporter_class(fmt)
    check_options(formats, options or {})
    resolve_theme(theme)
    return Settings(
        theme=str(theme),
        strict=strict,
        allow_remote=allow_remote,
        site_root=Path(site_root) if site_root else None,
        options=dict(options or {}),
    )


def export_many(
    paths: Iterable[str | Path],
    formats: Sequence[str] = ("pdf",),
    out_dir: str | Path | None = None,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    theme: str | Path = "default",
    site_root: str | Path | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    **options: Any,
) -> list[ExportResult]:
    """Convert every post to every format; one result per (post, format), in input order.

    Each post is parsed once. A failing post never stops the others: its results carry the
    error. ``jobs > 1`` runs posts in worker processes (or pass any ``executor``).
    """
    formats = list(dict.fromkeys(ALL_FORMATS if "all" in formats else formats))
    settings = make_settings(
        formats, theme=theme, site_root=site_root, strict=strict, allow_remote=allow_remote, options=options
    )
    sources = [Path(p) for p in paths]
    folder = Path(out_dir) if out_dir is not None else None
    if executor is None and (jobs <= 1 or len(sources) <= 1):
        return [r for source in sources for r in export_post(source, formats, folder, settings)]
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=min(jobs, len(sources)))
    try:
        futures = [pool.submit(export_post, source, formats, folder, settings) for source in sources]
        return [r for future in futures for r in future.result()]
    finally:
        if own:
            pool.shutdown()
