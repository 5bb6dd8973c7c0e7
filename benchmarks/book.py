"""Books of 25, 100 and 300 posts: seconds per post and peak memory, next to exporting the
same posts separately.

    python benchmarks/book.py [--sizes 25,100,300] [--formats epub,pdf,html]

The posts are made from the corpus (``EXPORT_POST_CORPUS``, default ``../shared/corpus``):
its posts under 20 KB, copied round-robin into one generated site with their pictures, each
copy with its own date (so file names and chapters differ) and a numbered title. Each
measurement runs in a fresh process (``export_book`` for the book, ``export_many`` with
``jobs=1`` and no worker processes for the separate exports), and its peak resident memory is
that process's ``ru_maxrss``. Results go to ``benchmarks/book-results.json`` and the section
"Books" of ``docs/benchmarks.md``. Timings are wall-clock on a shared machine; the load
average is recorded with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "book-results.json"
REPORT = ROOT / "docs" / "benchmarks.md"
MARK_START, MARK_END = "<!-- book:start -->", "<!-- book:end -->"
MAX_POST_BYTES = 20_000

BOOK = """
import sys
from export_post.book import export_book
results = export_book([sys.argv[1]], sys.argv[3].split(","), sys.argv[2], source_date_epoch=1700000000)
assert all(r.ok for r in results), [r.error for r in results]
"""
SEPARATE = """
import sys
from export_post import export_many
results = export_many(
    [sys.argv[1]], sys.argv[3].split(","), sys.argv[2], jobs=1, isolate=False, source_date_epoch=1700000000
)
assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
"""


def corpus_posts() -> list[Path]:
    corpus = Path(os.environ.get("EXPORT_POST_CORPUS") or ROOT.parent / "shared" / "corpus")
    posts = sorted(p for p in corpus.glob("*/_posts/**/*.md") if p.stat().st_size <= MAX_POST_BYTES)
    if not posts:
        sys.exit(f"no posts under {corpus}")
    return posts


def make_site(folder: Path, count: int, sources: list[Path]) -> Path:
    """A site of ``count`` posts copied from ``sources`` (with their sites' assets)."""
    site = folder / f"site-{count}"
    (site / "_posts").mkdir(parents=True)
    for source in {p.parents[1] if p.parent.name == "_posts" else p.parents[2] for p in sources}:
        for entry in source.iterdir():
            if entry.name != "_posts" and entry.is_dir():
                shutil.copytree(entry, site / entry.name, dirs_exist_ok=True)
    start = dt.date(2010, 1, 1)
    for number in range(count):
        source = sources[number % len(sources)]
        day = start + dt.timedelta(days=number)
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^title:\s*(.*)$", _numbered(number + 1), text, count=1)
        text = re.sub(r"(?m)^date:.*$", f"date: {day.isoformat()}", text, count=1)
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", source.stem)
        (site / "_posts" / f"{day.isoformat()}-{slug}-{number}.md").write_text(text, encoding="utf-8")
    return site


def _numbered(number: int) -> Callable[[re.Match[str]], str]:
    return lambda m: f"title: '{number}. {_unquote(m[1])}'"


def _unquote(title: str) -> str:
    return title.strip().strip("'\"").replace("'", "''")


def measure(script: str, site: Path, out: Path, formats: str) -> dict[str, float]:
    """Wall seconds and peak RSS (MB) of one fresh process running ``script``."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", script, str(site), str(out), formats])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{script.split()[3]} failed for {site} ({formats})")
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def run(sizes: list[int], formats: list[str]) -> dict[str, Any]:
    sources = corpus_posts()
    rows = []
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        folder = Path(tmp)
        for count in sizes:
            site = make_site(folder, count, sources)
            for fmt in formats:
                book = measure(BOOK, site, folder / f"book-{count}-{fmt}", fmt)
                separate = measure(SEPARATE, site, folder / f"separate-{count}-{fmt}", fmt)
                row = {
                    "posts": count,
                    "format": fmt,
                    "book_s_per_post": round(book["seconds"] / count, 3),
                    "book_peak_mb": book["peak_mb"],
                    "separate_s_per_post": round(separate["seconds"] / count, 3),
                    "separate_peak_mb": separate["peak_mb"],
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "source_posts": len(sources),
        "rows": rows,
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        "| posts | format | book s/post | book peak MB | separate s/post | separate peak MB |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results["rows"]:
        lines.append(
            f"| {r['posts']} | {r['format']} | {r['book_s_per_post']} | {r['book_peak_mb']} "
            f"| {r['separate_s_per_post']} | {r['separate_peak_mb']} |"
        )
    return "\n".join(lines)


def section(results: dict[str, Any]) -> str:
    load = " ".join(f"{v:.1f}" for v in results["load_average"])
    return "\n".join(
        [
            MARK_START,
            "## Books",
            "",
            f"`python benchmarks/book.py` ({results['date']}, {results['cpus']} CPUs, load average {load}):",
            f"books of 25, 100 and 300 posts made from the corpus's {results['source_posts']} posts under",
            "20 KB (copied round-robin, each copy its own date and title), each format in a fresh",
            "process, next to the same posts exported one by one (`export_many`, `jobs=1`, no worker",
            "processes). Peak memory is the process's maximum resident set.",
            "",
            table(results),
            "",
            "Time grows with the posts in every format. EPUB and HTML books cost what the separate",
            "exports cost or less (one start-up, each picture stored once). A PDF book costs two to",
            "three times as much per post: WeasyPrint lays the contents pages out again once the",
            "chapters' pages are known (`target-counter`), and lays the whole book out again when a",
            "table must be set smaller to fit (one wide table among 300 posts is enough). Its memory",
            "grows with the book (about 8 MB a post here), since WeasyPrint holds the layout of every",
            "page until it writes the PDF; EPUB and HTML hold the rendered chapters and the distinct",
            "pictures (see [Books](book.md)).",
            MARK_END,
        ]
    )


def update_report(text: str) -> None:
    """Put ``text`` between the markers in docs/benchmarks.md (benchmarks/run.py keeps it)."""
    report = REPORT.read_text(encoding="utf-8")
    if MARK_START in report and MARK_END in report:
        head, _, rest = report.partition(MARK_START)
        report = head + text + rest.partition(MARK_END)[2]
    else:
        report = report.rstrip("\n") + "\n\n" + text + "\n"
    REPORT.write_text(report, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,100,300")
    parser.add_argument("--formats", default="epub,pdf,html")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the section from the saved results"
    )
    args = parser.parse_args()
    if args.report_only:
        update_report(section(json.loads(RESULTS.read_text(encoding="utf-8"))))
        return
    results = run([int(s) for s in args.sizes.split(",")], args.formats.split(","))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    update_report(section(results))
    print(table(results))


if __name__ == "__main__":
    main()
