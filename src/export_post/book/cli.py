"""``export-post --book``: the command line's book options and the run that makes one book
per format (:func:`export_book`), kept apart from the batch code in ``cli.py``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..batch.settings import default
from ..diagnostics import Severity, printable
from ..errors import OptionError
from ..output import names_folder
from ..registry import exporter_class, supports_book
from .export import ORDERS, export_book


def add_book_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("book options")
    group.add_argument(
        "--book",
        action="store_true",
        help="make one book of every input post (formats: epub, pdf, html); see docs/book.md",
    )
    group.add_argument(
        "--book-order",
        choices=ORDERS,
        help="chapter order when book.yml gives none (default: oldest first)",
    )
    group.add_argument(
        "--book-config", metavar="FILE", help="the book's settings (default: book.yml next to the posts)"
    )


def check_book_flags(args: argparse.Namespace) -> None:
    """``--book-order``/``--book-config`` without ``--book`` are mistakes, not to be ignored."""
    if not args.book:
        for flag, value in (("--book-order", args.book_order), ("--book-config", args.book_config)):
            if value is not None:
                raise OptionError(f"{flag} needs --book")


def book_formats_of(formats: list[str]) -> list[str]:
    """What ``-f all`` means for a book: the formats of ``all`` that can make one."""
    return [name for name in formats if supports_book(exporter_class(name))]


def run_book(
    args: argparse.Namespace,
    formats: list[str],
    given: dict[str, Any],
    options: dict[str, Any],
    out: TextIO,
    err: TextIO,
) -> int:
    """Make the book; the exit code (0 written, 1 a format failed)."""
    keywords: dict[str, Any] = {
        "strict": given.get("strict", False),
        "allow_remote": bool(given.get("allow_remote") or given.get("allow_http")),
        "source_date_epoch": given.get("source_date_epoch"),
        "order": args.book_order or "",
        "config": args.book_config,
    }
    theme = given.get("theme")
    if theme is not None and theme != default("theme"):
        keywords["theme"] = theme
    if args.output is not None:
        single = not names_folder(args.output) and not Path(args.output).is_dir()
        if (
            single
            and Path(args.output).suffix.lower() == exporter_class(formats[0]).file_extension
            and len(formats) == 1
        ):
            keywords["output_file"] = args.output
        elif single and Path(args.output).suffix:
            raise OptionError(
                f"output {args.output} names a file, but a book in {len(formats)} formats needs a folder"
            )
        else:
            keywords["out_dir"] = args.output
    results = export_book(args.inputs, formats, **keywords, **options)
    failed = 0
    shown = set()  # each format's result carries the book's diagnostics: each is shown once
    for result in results:
        for diagnostic in result.diagnostics:
            if diagnostic in shown:
                continue
            shown.add(diagnostic)
            if (diagnostic.severity is Severity.WARNING and not args.quiet) or args.verbose:
                err.write(diagnostic.format() + "\n")
        if result.ok:
            if not args.quiet:
                out.write(f"wrote {printable(str(result.output))}\n")
        else:
            failed += 1
            err.write(f"export-post: error: {printable(result.error or '')}\n")
    return 1 if failed else 0
