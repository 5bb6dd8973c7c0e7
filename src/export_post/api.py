"""The library API: render a parsed post to bytes, or write one output (converting many
posts is :mod:`export_post.batch`'s, importable from here too).

>>> doc = load_post("_posts/2024-06-10-post.md")
>>> export(doc, "pdf", "out/")                      # -> Path("out/2024-06-10-post.pdf")
>>> export_many(["my-site/"], formats=["epub", "pdf"], out_dir="out", jobs=4)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import checks
from .diagnostics import Reporter
from .errors import ExportError, ExportPostError, OptionError, StrictModeError
from .exporter import ExportContext, Exporter, check_option_types, option_names
from .model import Document
from .output import names_folder, output_path, write_atomic
from .registry import exporter_class
from .resources import ResourcePolicy, ResourceResolver
from .themes import Theme, load_theme

if TYPE_CHECKING:
    from .batch import export_many as export_many


def __getattr__(name: str) -> Any:
    """``export_post.api.export_many``, where it has always been importable from: it lives in
    :mod:`export_post.batch`, which builds on this module, so it is imported when asked for."""
    if name == "export_many":
        from .batch import export_many

        return export_many
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EPOCH = "SOURCE_DATE_EPOCH"


def environment_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` from the environment (``None`` when unset or empty): the build
    timestamp used when the caller passes none. Only read, never written; a malformed value
    raises :class:`OptionError`, as the reproducible-builds specification asks."""
    return checks.epoch(os.environ.get(EPOCH, "").strip() or None, EPOCH)


@lru_cache(maxsize=8)
def _theme(spec: str | Path) -> Theme:
    return load_theme(spec)


def forget_loaded_themes() -> None:
    """Load themes from their files again (a watch whose theme folder changed)."""
    _theme.cache_clear()


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
    return render_checked(
        document, format, cls, chosen, resolver, reporter, timestamp, options, strict=strict
    )


def _check_instance(value: object, kind: Any, name: str) -> None:
    if not isinstance(value, kind):
        raise OptionError(f"{name} must be {_article(kind)}, not {type(value).__name__}")


def _article(kind: Any) -> str:
    names = [k.__name__ for k in getattr(kind, "__args__", (kind,)) if k is not type(None)]
    return " or ".join(f"a {n}" for n in names) + (
        " or None" if type(None) in getattr(kind, "__args__", ()) else ""
    )


def render_checked(
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
    """``render`` once its arguments are checked: every value travels explicitly (a batch
    job calls this for each format of a post)."""
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
    if output is None or names_folder(output):
        return output_path(source, extension, None if output is None else Path(output))
    return Path(output)


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
