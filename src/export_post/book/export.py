"""``export_book``: many posts, one book per format, with the conventions of ``export_many``
(results instead of exceptions for what fails while converting, diagnostics per post,
``strict``, themes, the resource policy)."""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .. import checks
from ..api import check_options, environment_epoch, resolve_theme, resolver_for
from ..batch.discovery import Post, discover, unique_posts
from ..batch.results import ExportResult
from ..diagnostics import Diagnostic, Reporter
from ..errors import ExportError, ExportPostError, OptionError, ReadError, StrictModeError
from ..exporter import BookContext, ExportContext
from ..model.book import Book, Chapter
from ..output import write_atomic
from ..reader.site import find_site_root
from ..registry import book_formats, exporter_class, supports_book
from ..resources import ResourcePolicy, ResourceResolver
from ..themes import Theme
from .assemble import Source, assemble_book, read_documents
from .config import BOOK_FILE, BookConfig, parse_book_config, read_book_config

ORDERS = ("oldest", "newest")


def export_book(
    paths: Iterable[str | Path] | str | Path,
    formats: Sequence[str] = ("epub",),
    out_dir: str | Path | None = None,
    *,
    output_file: str | Path | None = None,
    config: str | Path | Mapping[str, Any] | None = None,
    order: str = "",
    theme: str | Path | Theme | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    source_date_epoch: int | None = None,
    on_result: Callable[[ExportResult], None] | None = None,
    **options: Any,
) -> list[ExportResult]:
    """One book of every post ``paths`` stand for (files, or site folders), per format.

    ``config`` is a ``book.yml`` path or its content as a mapping (default: ``book.yml`` in
    the folder given, else at the site root). Returns one :class:`ExportResult` per format;
    a usage problem (bad argument, a format that cannot make a book, a bad ``book.yml``) raises
    before anything is read. With ``strict``, any warning fails the book and writes nothing."""
    formats = _check_formats(formats)
    paths = [paths] if isinstance(paths, str | Path) else list(paths)  # read twice below
    checks.flag(strict, "strict")
    checks.flag(allow_remote, "allow_remote")
    epoch = checks.epoch(source_date_epoch, "source_date_epoch")
    if epoch is None:
        epoch = environment_epoch()
    if order not in ("", *ORDERS):
        raise OptionError(f"order must be oldest or newest (got {order!r})")
    check_options(formats, options)
    posts = _posts(paths)
    book_config = _config(config, paths, posts)
    chosen = resolve_theme(theme if theme is not None else (book_config.theme or "default"))
    folder, single = _output(formats, out_dir, output_file)
    documents = read_documents(Source(p.path, p.within) for p in posts)
    book = assemble_book(documents, book_config, order=order)
    targets = _targets(formats, folder, single, book, book_config, posts)
    builder = _Builder(book, chosen, ResourcePolicy(allow_remote=allow_remote), book_config, posts[0].path)
    timestamp = _timestamp(book, epoch)
    results = []
    for fmt in formats:
        result = builder.run(fmt, targets[fmt], timestamp, options, strict=strict)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _check_formats(formats: Sequence[str]) -> list[str]:
    if isinstance(formats, str):
        formats = [formats]
    names = [checks.text(f, "format").lower() for f in formats]
    if not names:
        raise OptionError("formats names no format")
    for name in names:
        if not supports_book(exporter_class(name)):
            able = ", ".join(book_formats()) or "none"
            raise OptionError(f"format {name!r} cannot make a book (formats that can: {able})")
    return list(dict.fromkeys(names))


def _posts(paths: Iterable[str | Path] | str | Path) -> list[Post]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    found: list[Post] = []
    for item in checks.paths(items, "paths"):
        posts = discover(item)
        if Path(item).is_dir() and not posts:
            raise OptionError(f"{item}: no posts found")
        found.extend(posts)
    for post in found:
        if post.refused is not None:
            raise ReadError(post.refused)
    return unique_posts(found)


def _config(config: str | Path | Mapping[str, Any] | None, paths: object, posts: list[Post]) -> BookConfig:
    if isinstance(config, Mapping):
        return parse_book_config(config)
    if config is not None:
        return read_book_config(checks.path(config, "config"))
    items = [paths] if isinstance(paths, str | Path) else list(paths)  # type: ignore[call-overload]
    candidates = [Path(p) / BOOK_FILE for p in items if Path(p).is_dir()]
    if posts:
        candidates.append(find_site_root(posts[0].path) / BOOK_FILE)
    for candidate in candidates:
        if candidate.is_file():
            return read_book_config(candidate)
    return BookConfig()


def book_file_name(title: str) -> str:
    """A file name from the book's title: ASCII letters and digits joined by ``-``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60].strip("-")
    return slug or "book"


def _output(
    formats: list[str], out_dir: str | Path | None, output_file: str | Path | None
) -> tuple[Path | None, Path | None]:
    """``(folder, file)`` checked before anything is read."""
    if output_file is not None:
        if len(formats) != 1:
            raise OptionError(
                f"output_file names one file, but there are {len(formats)} formats; give out_dir"
            )
        target = checks.output_file(checks.path(output_file, "output_file"), "output_file")
        extension = exporter_class(formats[0]).file_extension
        if target.suffix.lower() != extension:
            raise OptionError(f"output_file {output_file} should end in {extension} for {formats[0]}")
        return None, target
    if out_dir is not None:
        return checks.output_folder(checks.path(out_dir, "out_dir"), "out_dir"), None
    return None, None


def _targets(
    formats: list[str],
    folder: Path | None,
    single: Path | None,
    book: Book,
    config: BookConfig,
    posts: list[Post],
) -> dict[str, Path]:
    if single is not None:
        return {formats[0]: single}
    where = folder or config.folder or find_site_root(posts[0].path)  # never inside _posts/
    stem = book_file_name(book.meta.title)
    return {fmt: where / f"{stem}{exporter_class(fmt).file_extension}" for fmt in formats}


def _timestamp(book: Book, epoch: int | None) -> dt.datetime:
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    day = book.meta.last_date
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class _Builder:
    """Renders the book per format; each chapter keeps one resolver and one reporter for every
    format (its pictures are read, and its problems reported, once)."""

    def __init__(
        self, book: Book, theme: Theme, policy: ResourcePolicy, config: BookConfig, first: Path
    ) -> None:
        self.book = book
        self.theme = theme
        self.policy = policy
        root = next((c.document.meta.site_root for c in book.chapters if c.document.meta.site_root), None)
        self.reporter = Reporter(config.path or root or first.parent)  # the book's own problems (its cover)
        theme_roots = tuple(f for f in theme.folders if isinstance(f, Path))
        self.resources = ResourceResolver(
            post_dir=config.folder or root or first.parent,
            site_root=root,
            extra_roots=theme_roots,
            policy=policy,
            reporter=self.reporter,
        )
        self.chapters: dict[str, tuple[ResourceResolver, Reporter]] = {}

    def chapter_context(self, base: ExportContext) -> Callable[[Chapter], ExportContext]:
        def context(chapter: Chapter) -> ExportContext:
            found = self.chapters.get(chapter.anchor)
            if found is None:
                document = chapter.document
                reporter = Reporter(document.meta.source_path)
                reporter.extend(document.diagnostics)
                found = (resolver_for(document, self.theme, self.policy, reporter), reporter)
                self.chapters[chapter.anchor] = found
            return ExportContext(
                theme=base.theme,
                resources=found[0],
                reporter=found[1],
                timestamp=base.timestamp,
                options=base.options,
            )

        return context

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        found = list(self.reporter.diagnostics)
        for _, reporter in self.chapters.values():
            found.extend(reporter.diagnostics)
        return tuple(dict.fromkeys(found))

    def run(
        self, fmt: str, target: Path, timestamp: dt.datetime, options: Mapping[str, Any], *, strict: bool
    ) -> ExportResult:
        source = self.reporter.path or target
        started = time.perf_counter()
        base = ExportContext(
            theme=self.theme,
            resources=self.resources,
            reporter=self.reporter,
            timestamp=timestamp,
            options=MappingProxyType(dict(options)),
        )
        context = BookContext(
            theme=self.theme,
            resources=self.resources,
            reporter=self.reporter,
            timestamp=timestamp,
            options=base.options,
            chapter_context=self.chapter_context(base),
        )
        try:
            exporter = exporter_class(fmt)()
            data: bytes = exporter.export_book(self.book, context)  # type: ignore[attr-defined]
            warnings = [d for d in self.diagnostics() if d.severity.value == "warning"]
            if strict and warnings:
                raise StrictModeError(tuple(warnings), path=warnings[0].path)
            write_atomic(target, data)
        except ExportPostError as err:
            return self._failed(source, fmt, str(err), started)
        except OSError as err:
            return self._failed(source, fmt, f"{target}: cannot write: {err.strerror or err}", started)
        except Exception as err:  # a library failed on this book: one clear line
            error = ExportError(f"{fmt} book failed: {type(err).__name__}: {err}", path=source)
            return self._failed(source, fmt, str(error), started)
        return ExportResult(
            source=source,
            format=fmt,
            output=target,
            diagnostics=self.diagnostics(),
            seconds=time.perf_counter() - started,
        )

    def _failed(self, source: Path, fmt: str, error: str, started: float) -> ExportResult:
        return ExportResult(
            source=source,
            format=fmt,
            error=error,
            diagnostics=self.diagnostics(),
            seconds=time.perf_counter() - started,
        )
