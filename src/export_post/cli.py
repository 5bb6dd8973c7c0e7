"""``export-post``: convert posts from the command line.

Exit codes: 0 every conversion succeeded, 1 at least one failed (the others were still
written), 2 usage error (bad option, unknown format or theme, nothing to convert). Every
option is checked before any post is read; a usage error is one line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import checks, collector
from ._version import __version__
from .api import check_options, environment_epoch
from .batch import ExportResult, export_many
from .batch.cluster import dask_executor
from .batch.discovery import Post, discover, unique_posts
from .batch.interrupts import Interrupted, interruptible
from .batch.isolation import DEFAULT_MEMORY, DEFAULT_TIMEOUT
from .batch.results import (
    LINE_DIAGNOSTIC_FIELDS,
    LINE_FIELDS,
    REPORT_DIAGNOSTIC_FIELDS,
    REPORT_FIELDS,
    json_text,
    result_json,
    status_counts,
)
from .batch.settings import checked, default, expand_formats, settings_fields
from .book.cli import add_book_options, book_formats_of, check_book_flags, run_book
from .cpus import cpu_count
from .diagnostics import Severity, printable
from .errors import ExportPostError
from .optionflags import add_exporter_options, given_options
from .output import names_folder, write_atomic
from .reader.source import POST_SUFFIXES
from .registry import all_formats, exporter_class, format_names
from .siteconfig import apply_site_defaults
from .sitelinks import checked_links_file, links_document, write_links
from .themes import installed_themes, load_theme
from .warm import place

if TYPE_CHECKING:
    from .batch.progress import ProgressView
    from .watch import Rebuild

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage error as one line (argparse would print the whole usage first)."""
        raise UsageError(f"{message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="export-post",
        description="Convert Markdown (Jekyll/kramdown) posts to EPUB, PDF, PPTX slides and HTML.",
    )
    _add_inputs_and_settings(parser)
    _add_limits(parser)
    add_exporter_options(parser)
    _add_batch_options(parser)
    _add_site_options(parser)
    add_book_options(parser)
    parser.add_argument("--list-formats", action="store_true", help="list output formats and exit")
    parser.add_argument("--list-themes", action="store_true", help="list installed themes and exit")
    parser.add_argument("--version", action="version", version=f"export-post {__version__}")
    parser.add_argument(
        "--stop-servers",
        action="store_true",
        help="stop this user's warm servers (kept after a run to make the next one fast) and exit",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="print notes and tracebacks too")
    return parser


def _add_inputs_and_settings(parser: argparse.ArgumentParser) -> None:
    """The posts, the formats, where the outputs go, and the settings (one flag each)."""
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="post files, or site/post folders")
    parser.add_argument(
        "-f",
        "--format",
        action="append",
        metavar="FMT",
        help=f"output format: {', '.join(format_names())}, or all ({', '.join(all_formats())}); "
        "repeat or comma-separate (default: pdf)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="output folder (existing, or ending in /), or a file when there is exactly one output "
        "(one post, one format); "
        "default: next to each input",
    )
    for name, setting in settings_fields().items():
        if setting.flag is not None:
            parser.add_argument(setting.flag.name, **setting.flag.arguments(name, _default(name)))


def _add_limits(parser: argparse.ArgumentParser) -> None:
    """The limits of each worker, and the report."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,  # None: the default, and not asked for (see _isolated)
        metavar="SECONDS",
        help=f"wall-clock limit for reading a post, and for each of its formats "
        f"(default {DEFAULT_TIMEOUT:g}; 0 = none); a single post runs in a worker process "
        f"under the limits only when one is given",
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=None,
        metavar="MB",
        help=f"address-space limit per worker process (default {DEFAULT_MEMORY // 2**20}; 0 = none)",
    )
    parser.add_argument(
        "--report", metavar="FILE", help="also write every result and diagnostic as JSON to FILE"
    )


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    """How the batch runs and what it prints."""
    batch = parser.add_argument_group("batch options")
    batch.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help=f"posts converted in parallel (default: the CPUs available, here {cpu_count()})",
    )
    batch.add_argument("--force", action="store_true", help="rebuild outputs that are up to date")
    batch.add_argument(
        "--json", action="store_true", help="print one JSON object per output on stdout, and nothing else"
    )
    batch.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run the posts on this Dask cluster (needs export-post[dask]; no shared disk)",
    )


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    """The author's loop and the site's build (docs/jekyll.md)."""
    site = parser.add_argument_group("watch and site options")
    site.add_argument(
        "--watch",
        action="store_true",
        help="build, then build again whenever a post, an image it uses, the theme, a reference "
        "deck or a config changes; a status line per build; Ctrl-C stops",
    )
    site.add_argument(
        "--links",
        metavar="FILE",
        help="also write FILE (.json or .yml, for Jekyll's _data): each post's URL path on its "
        "site and its outputs' paths, sizes and formats",
    )


def _flagged() -> list[str]:
    """The settings the command line has a flag for."""
    return [name for name, setting in settings_fields().items() if setting.flag is not None]


def _default(name: str) -> Any:
    """A setting's default on the command line (a list for a repeated flag, as argparse adds to it)."""
    value = default(name)
    return list(value) if isinstance(value, tuple) else value


def parse_formats(values: Sequence[str] | None) -> list[str]:
    names: list[str] = []
    for value in values or ["pdf"]:
        names.extend(part.strip().lower() for part in value.split(",") if part.strip())
    formats = expand_formats(names)
    if not formats:
        raise UsageError("-f/--format names no format")
    for name in formats:
        exporter_class(name)  # UnknownFormatError → usage error
    return formats


def check_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """Every setting the options give, checked (each rule is :mod:`export_post.checks`'s,
    shown under the option's name): a bad one is a usage error before any post is read."""
    for value in args.inputs:
        checks.path(value, "INPUT")
    if args.report is not None:
        checks.output_file(args.report, "--report")
    if args.links is not None:
        checked_links_file(args.links)
    settings = checked({name: getattr(args, name) for name in _flagged()}, cli=True)
    if args.dask_scheduler is not None:
        checks.text(args.dask_scheduler, "--dask-scheduler")
    environment_epoch()  # a malformed SOURCE_DATE_EPOCH
    return {
        "jobs": checks.count(args.jobs, "--jobs"),
        "timeout": checks.seconds(_given(args.timeout, DEFAULT_TIMEOUT), "--timeout"),
        "memory_limit": checks.memory(
            _given(args.memory_limit, DEFAULT_MEMORY // 2**20), "--memory-limit", unit=2**20
        ),
        **settings,
    }


def plan_outputs(
    sources: list[Path], formats: list[str], output: str | None
) -> tuple[Path | None, Path | None]:
    """``(out_dir, single_file)`` from ``-o``: a folder, one file, or neither (next to the posts).

    ``-o`` is a file when it is not an existing folder, does not end in ``/`` and there is
    exactly one output (one post, one format); otherwise it is a folder. A name ending in an
    output extension with several outputs is refused rather than made into a folder."""
    if output is None:
        return None, None
    target = checks.path(output, "-o")
    if names_folder(output):
        return checks.output_folder(target, "-o"), None
    outputs = len(sources) * len(formats)
    if outputs == 1:
        expected = exporter_class(formats[0]).file_extension
        if target.suffix.lower() != expected:
            raise UsageError(
                f"output {output} should end in {expected} for {formats[0]} (or end in / for a folder)"
            )
        return None, checks.output_file(target, "-o")
    if target.suffix.lower() in {exporter_class(f).file_extension for f in format_names()}:
        raise UsageError(f"output {output} names a file, but there are {outputs} outputs; give a folder")
    if target.exists():
        raise UsageError(
            f"output {output} is an existing file, but there are {outputs} outputs; give a folder"
        )
    return checks.output_folder(target, "-o"), None


def command() -> int:
    """The ``export-post`` program: :func:`main` in a process of its own, whose garbage
    collector it may set (see :mod:`export_post.collector`)."""
    collector.tune()
    return main()


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command; its exit code. SIGINT and SIGTERM end it with 130 and 143 (see
    :mod:`export_post.batch.interrupts`), after the summary of what was done."""
    with interruptible():
        try:
            return _main(argv, stdout, stderr)
        except Interrupted as stop:  # before the batch, or while its results are printed
            (stderr or sys.stderr).write(f"export-post: interrupted by {stop.name}\n")
            return stop.exit_code


def _main(argv: Sequence[str] | None, stdout: TextIO | None, stderr: TextIO | None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.list_formats or args.list_themes:
            _list(args, out)
            return EXIT_OK
        if args.stop_servers:
            stopped = place.stop_servers()
            out.write(f"stopped {stopped} warm server{'' if stopped == 1 else 's'}\n")
            return EXIT_OK
        apply_site_defaults(parser, args, argv)  # the site's export_post: section
        check_book_flags(args)
        if args.book:
            return _book(args, out, err)
        batch = _prepare(args)
        if args.watch:
            return _watch(batch, out, err)
        _convert(batch, out, err)
    except (UsageError, ExportPostError) as error:
        err.write(f"export-post: error: {printable(str(error))}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # stdout was closed early (`--json | head`): stop quietly
        with contextlib.suppress(OSError, ValueError):  # and keep Python from failing to flush it
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return EXIT_FAILED
    return _conclude(batch, out, err)


def _watch(batch: _Batch, out: TextIO, err: TextIO) -> int:
    """``--watch``: a build, then one per change, each reported as it ends, until Ctrl-C."""
    from .watch import Watch
    from .watchstatus import rebuild_json, status_line

    args = batch.args
    if args.dask_scheduler:
        raise UsageError("--watch builds on this machine; leave out --dask-scheduler")

    latest: dict[tuple[Path, str], ExportResult] = {}  # every post's outputs, for --links

    def on_rebuild(rebuild: Rebuild) -> None:
        _watch_details(rebuild, None if args.quiet else err, verbose=args.verbose)
        line = json_text(rebuild_json(rebuild)) if args.json else status_line(rebuild)
        out.write(line + "\n")
        out.flush()
        if args.report:
            write_report(Path(args.report), list(rebuild.results))
        if args.links:
            latest.update({(r.source, r.format): r for r in rebuild.results})
            for key in [key for key in latest if key[0] in rebuild.deleted]:
                del latest[key]
            _write_links(args, latest.values(), err)

    own = [Path(name) for name in (args.report, args.links) if name]
    Watch(
        inputs=[Path(p) for p in args.inputs], formats=batch.formats, keywords=batch.keywords, own_files=own
    ).run(on_rebuild)
    if not args.quiet:
        err.write("export-post: stopped watching\n")
    return EXIT_OK


def _watch_details(rebuild: Rebuild, err: TextIO | None, *, verbose: bool) -> None:
    """The warnings and errors of a rebuild, as a batch shows them (none with ``--quiet``)."""
    if err is None:
        return
    for message in rebuild.warnings:
        err.write(f"export-post: warning: {printable(message)}\n")
    for result in rebuild.results:
        for diagnostic in () if result.skipped else result.diagnostics:
            if diagnostic.severity is Severity.WARNING or verbose:
                err.write(diagnostic.format() + "\n")
    for error in dict.fromkeys(r.error for r in rebuild.failed if r.error):
        err.write(f"export-post: error: {printable(error)}\n")
    err.flush()


def _list(args: argparse.Namespace, out: TextIO) -> None:
    """``--list-formats`` or ``--list-themes``."""
    if args.list_formats:
        for name in format_names():
            out.write(f"{name}\t{exporter_class(name).description}\n")
        return
    for name in sorted(installed_themes()):
        theme = load_theme(name)
        out.write(f"{theme.name}\t{theme.description}\t({theme.origin})\n")


@dataclass(slots=True)
class _Batch:
    """What the command converts, how, and what came of it."""

    args: argparse.Namespace
    formats: list[str]
    sources: list[Post]
    keywords: dict[str, Any]  # for export_many
    view: ProgressView | None = None
    results: list[ExportResult] = field(default_factory=list)
    stopped: Interrupted | None = None

    @property
    def not_converted(self) -> int:
        return max(0, len(self.sources) * len(self.formats) - len(self.results))


def _prepare(args: argparse.Namespace) -> _Batch:
    """Every option checked, the posts found and where their outputs go: usage errors now."""
    if not args.inputs:
        raise UsageError("no input given; pass post files or folders (see --help)")
    given = check_arguments(args)
    formats = parse_formats(args.format)
    options = given_options(args, formats)
    check_options(formats, options)
    sources: list[Post] = []
    for path in map(Path, args.inputs):
        posts = discover(path)
        if path.is_dir() and not posts:
            raise UsageError(f"{path}: no posts ({', '.join('*' + s for s in POST_SUFFIXES)}) found")
        sources.extend(posts)
    sources = unique_posts(sources)
    out_dir, single = plan_outputs([post.path for post in sources], formats, args.output)
    keywords: dict[str, Any] = {**given, "force": args.force, **options}
    keywords["isolate"] = _isolated(args, sources)
    if single is not None:
        keywords["output_file"] = single
    else:
        keywords["out_dir"] = out_dir
    return _Batch(args, formats, sources, keywords)


def _given(value: float | None, default: float) -> float:
    return default if value is None else value


def _isolated(args: argparse.Namespace, sources: list[Post]) -> bool:
    """Whether posts run in worker processes. One post, with no limit asked for, runs in this
    process: a worker would cost a second start-up (importing everything again) for nothing
    the user asked for. Several posts, or a limit given, keep every post in a worker."""
    return len(sources) != 1 or args.timeout is not None or args.memory_limit is not None


def _book(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``--book``: one book of every input post per format (see :mod:`export_post.book.cli`)."""
    if not args.inputs:
        raise UsageError("no input given; pass post files or folders (see --help)")
    given = check_arguments(args)
    named = [part.strip().lower() for value in args.format or ["pdf"] for part in value.split(",")]
    formats = book_formats_of(parse_formats(args.format)) if "all" in named else parse_formats(args.format)
    return run_book(args, formats, given, given_options(args, formats), out, err)


def _convert(batch: _Batch, out: TextIO, err: TextIO) -> None:
    """Run the batch, showing what arrives (a bar on a terminal, JSON lines with ``--json``)."""
    args, formats, sources = batch.args, batch.formats, batch.sources
    arrived: list[ExportResult] = []
    common = dict(batch.keywords)
    with contextlib.ExitStack() as stack:
        if args.dask_scheduler:
            common["executor"] = stack.enter_context(dask_executor(args.dask_scheduler))
        if err.isatty() and not args.quiet and not (args.json and out.isatty()):
            from .batch.progress import ProgressView  # rich is imported only for a terminal

            total = len(sources) * len(formats)
            batch.view = stack.enter_context(
                ProgressView(err, total, verbose=args.verbose, diagnostics=not args.json)
            )
            common["on_start"] = batch.view.started
        if not common.get("isolate", True):  # one post, in this process: ours to fork
            from .toolkit.forkshare import forking_allowed

            stack.enter_context(forking_allowed(batch.view.paused if batch.view else contextlib.nullcontext))
        common["on_result"] = _live_output(out if args.json else None, batch.view, arrived)
        common["on_warning"] = _warning_output(None if args.quiet else err, batch.view)
        try:
            batch.results = export_many(sources, formats, **common)
        except Interrupted as signal_:  # workers are gone and the build cache is saved
            order = {post.path: i for i, post in reversed(list(enumerate(sources)))}
            batch.stopped = signal_
            batch.results = sorted(arrived, key=lambda r: (order.get(r.source, 0), formats.index(r.format)))


def _conclude(batch: _Batch, out: TextIO, err: TextIO) -> int:
    """The summary, the lines, the report; the exit code."""
    args, results, view = batch.args, batch.results, batch.view
    if view is not None:
        view.summary(results, not_converted=batch.not_converted)
    if args.json or view is not None:
        if not args.json and not out.isatty():  # stdout is captured: it gets the usual lines
            report(results, out, None, quiet=False, verbose=False)
        code = EXIT_FAILED if any(not r.ok for r in results) else EXIT_OK
    else:
        code = report(results, out, err, quiet=args.quiet, verbose=args.verbose)
    if args.report:  # after the lines above: a report that cannot be written loses none of them
        try:
            write_report(Path(args.report), results)
        except OSError as error:
            err.write(f"export-post: error: cannot write report {printable(args.report)}: {error.strerror}\n")
            code = EXIT_FAILED
    if args.links and _write_links(args, results, err):
        code = EXIT_FAILED
    if batch.stopped is None:
        return code
    counts = _counts(results)
    err.write(
        f"export-post: interrupted by {batch.stopped.name}: {counts}, {batch.not_converted} not converted\n"
    )
    return batch.stopped.exit_code


def _write_links(args: argparse.Namespace, results: Iterable[ExportResult], err: TextIO) -> bool:
    """``--links``: the site's data file; whether writing it failed (one error line)."""
    try:
        write_links(
            Path(args.links), links_document(results, Path(args.site_root) if args.site_root else None)
        )
    except OSError as error:
        err.write(f"export-post: error: cannot write links {printable(args.links)}: {error.strerror}\n")
        return True
    return False


def _counts(results: Sequence[ExportResult]) -> str:
    count = status_counts(results)
    return f"{count['ok']} written, {count['skipped']} up to date, {count['failed']} failed"


def _warning_output(err: TextIO | None, view: ProgressView | None) -> Callable[[str], None]:
    """Where a problem of the batch itself goes (a build cache that cannot be used); nowhere
    with ``--quiet`` (``err`` None)."""

    def on_warning(message: str) -> None:
        line = f"export-post: warning: {printable(message)}"
        if view is not None:
            view.note(line)
        elif err is not None:
            err.write(line + "\n")

    return on_warning


def _live_output(
    json_out: TextIO | None, view: ProgressView | None, arrived: list[ExportResult]
) -> Callable[[ExportResult], None]:
    """What happens as each result arrives: kept (for the summary of an interrupted run), a
    JSON line (``--json``), a step of the bar."""

    def on_result(result: ExportResult) -> None:
        arrived.append(result)
        if json_out is not None:
            json_out.write(json_text(result_record(result)) + "\n")
            json_out.flush()
        if view is not None:
            view.finished(result)

    return on_result


def result_record(result: ExportResult) -> dict[str, Any]:
    """One result as JSON (a ``--json`` line)."""
    return result_json(result, LINE_FIELDS, LINE_DIAGNOSTIC_FIELDS)


def write_report(path: Path, results: list[ExportResult]) -> None:
    """Every result with its diagnostics, as one JSON document (``--report``)."""
    document = {
        "version": __version__,
        "results": [result_json(r, REPORT_FIELDS, REPORT_DIAGNOSTIC_FIELDS) for r in results],
    }
    write_atomic(path, (json_text(document, indent=2) + "\n").encode("utf-8"))


def report(
    results: list[ExportResult], out: TextIO, err: TextIO | None, *, quiet: bool, verbose: bool
) -> int:
    """The plain output: a line per output on ``out``, diagnostics and errors on ``err``
    (``None``: already shown)."""
    failed = 0
    shown: set[tuple[Path, str]] = set()  # a post's error shared by its formats is shown once
    for result in results:
        for diagnostic in result.diagnostics:
            if err is not None and ((diagnostic.severity is Severity.WARNING and not quiet) or verbose):
                err.write(diagnostic.format() + "\n")
        if result.ok:
            if not quiet:
                output = printable(str(result.output))
                out.write(f"skipped {output} (up to date)\n" if result.skipped else f"wrote {output}\n")
        else:
            failed += 1
            if err is not None and (result.source, result.error or "") not in shown:
                shown.add((result.source, result.error or ""))
                err.write(f"export-post: error: {printable(result.error or '')}\n")
                if verbose and result.detail:
                    err.write(result.detail)
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
