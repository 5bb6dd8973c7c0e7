"""Time export-post against pandoc and bare WeasyPrint, and write docs/benchmarks.md.

    python benchmarks/run.py            # needs: pip install -e '.[bench]'

The posts are the bundled sample plus every post of the corpus (``EXPORT_POST_CORPUS``,
default ``../shared/corpus`` next to the checkout). It measures, in one run:

(a) export-post (the command line, as a user runs it) making EPUB, PDF and PPTX of every
    post, cold (empty output folder, ``--force``), with ``--jobs 1`` and with every CPU;
(b) pandoc making the same three formats (PDF through ``--pdf-engine=weasyprint``), one
    post and one format at a time, from the post's folder, with the post's folder and the
    site root as ``--resource-path``;
(c) bare WeasyPrint rendering exactly the page our PDF exporter builds, against our whole
    PDF step (page building included), in one warm process;
(d) a rerun with nothing changed (incremental: every output skipped);
(e) the peak memory of each worker process for 10 and for 100 posts (the corpus repeated);

and profiles one post per format. Timings are wall-clock seconds on a machine that may be
busy: the load average is recorded with them.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
import pypandoc

from export_post import load_post, render
from export_post.cpus import cpu_count
from export_post.warm import place

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "personal-growth" / "_posts" / "2024-06-10-personal-growth.md"
FORMATS = ("epub", "pdf", "pptx")
REPORT = ROOT / "docs" / "benchmarks.md"
PROFILE_LINES = 12


def corpus_posts() -> list[Path]:
    folder = Path(os.environ.get("EXPORT_POST_CORPUS", ROOT.parent / "shared" / "corpus"))
    posts = sorted(p for p in folder.glob("*/_posts/**/*") if p.suffix in (".md", ".markdown"))
    if not posts:
        sys.exit(f"no posts under {folder}; set EXPORT_POST_CORPUS")
    return posts


# ------------------------------------------------------------------------------ export-post


@dataclass
class Batch:
    """One run of the command line: wall time, per-format render time, worker memory."""

    wall: float
    seconds: dict[str, float]  # format -> sum of the outputs' render seconds
    statuses: dict[str, int]
    worker_peaks: list[int] = field(default_factory=list)  # bytes, one per worker process


def run_cli(posts: Sequence[Path], out: Path, *, jobs: int, force: bool) -> Batch:
    argv = [sys.executable, "-m", "export_post", *map(str, posts), "-f", ",".join(FORMATS)]
    argv += ["-o", f"{out}/", "-j", str(jobs), "--json", *(["--force"] if force else [])]
    # In a process of its own, not handed to a warm server: the workers whose memory is
    # watched are then this process's (and a batch's start-up is a small part of it).
    env = {**os.environ, place.SETTING: "off"}
    start = time.perf_counter()
    process = psutil.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    with watch_workers(process) as peaks:
        stdout, _ = process.communicate()
    wall = time.perf_counter() - start
    seconds: dict[str, float] = defaultdict(float)
    statuses: dict[str, int] = defaultdict(int)
    for line in stdout.splitlines():
        record = json.loads(line)
        seconds[record["format"]] += record["seconds"]
        statuses[record["status"]] += 1
    return Batch(wall, dict(seconds), dict(statuses), sorted(peaks.values()))


@contextmanager
def watch_workers(process: psutil.Process) -> Iterator[dict[int, int]]:
    """Peak RSS (``VmHWM``) of each worker: the children of the forkserver the CLI starts
    (not their own children, such as ``fc-match``)."""
    peaks: dict[int, int] = {}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            try:
                for server in process.children():
                    if any("forkserver" in part for part in server.cmdline()):
                        for worker in server.children():
                            peaks[worker.pid] = max(peaks.get(worker.pid, 0), high_water_mark(worker))
            except psutil.Error:
                pass
            done.wait(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        done.set()
        thread.join()


def high_water_mark(process: psutil.Process) -> int:
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


# ----------------------------------------------------------------------------------- pandoc


@dataclass
class PandocRun:
    times: dict[tuple[Path, str], float]  # (post, format) -> seconds
    failed: dict[str, list[str]]  # format -> posts pandoc could not convert
    warnings: int  # lines of pandoc/WeasyPrint warnings (missing images among them)

    def seconds(self, posts: Sequence[Path]) -> dict[str, float]:
        return {fmt: sum(self.times[post, fmt] for post in posts) for fmt in FORMATS}

    def wall(self, posts: Sequence[Path]) -> float:
        return sum(self.seconds(posts).values())


def run_pandoc(posts: Sequence[Path], out: Path) -> PandocRun:
    pandoc = pypandoc.get_pandoc_path()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    times: dict[tuple[Path, str], float] = {}
    failed: dict[str, list[str]] = defaultdict(list)
    warnings = 0
    for post in posts:
        site = post.parent.parent if post.parent.name == "_posts" else post.parent
        for fmt in FORMATS:
            target = out / f"{post.stem}.{fmt}"
            argv = [pandoc, post.name, "-f", "markdown", "-s", "-o", str(target)]
            argv += [f"--resource-path={post.parent}{os.pathsep}{site}"]
            if fmt == "pdf":
                argv.append("--pdf-engine=weasyprint")
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=post.parent, env=env, capture_output=True, text=True, check=False)
            times[post, fmt] = time.perf_counter() - start
            warnings += sum("WARNING" in line or "ERROR" in line for line in done.stderr.splitlines())
            if done.returncode != 0 or not target.is_file():
                failed[fmt].append(post.name)
    return PandocRun(times, dict(failed), warnings)


# ---------------------------------------------------------------------------- WeasyPrint floor


def pdf_floor(posts: Sequence[Path], rounds: int = 3) -> tuple[float, float]:
    """(our PDF step, bare WeasyPrint on the same page), each the sum over the posts of the
    fastest of ``rounds`` runs, both in this process after a warm-up."""
    from weasyprint import HTML

    import export_post_pdf.render as pdf_render
    from export_post_pdf.fetcher import MANIFEST_SCHEME, make_fetcher

    pages: dict[Path, tuple[str, Mapping[str, Any], bytes]] = {}
    real = pdf_render.render_pdf

    def keep(html: str, manifest: Mapping[str, Any], context: Any, **kw: Any) -> bytes:
        pages[context.reporter.path] = (html, manifest, context.timestamp.isoformat().encode("ascii"))
        return real(html, manifest, context, **kw)

    documents = {post: load_post(post) for post in posts}
    pdf_render.render_pdf = keep
    try:
        for post in posts:
            render(documents[post], "pdf")  # also the warm-up
    finally:
        pdf_render.render_pdf = real
    ours: dict[Path, float] = defaultdict(lambda: float("inf"))
    bare: dict[Path, float] = defaultdict(lambda: float("inf"))
    for _ in range(rounds):
        for post in posts:
            start = time.perf_counter()
            render(documents[post], "pdf")
            ours[post] = min(ours[post], time.perf_counter() - start)
            html, manifest, identifier = pages[post]
            start = time.perf_counter()
            HTML(string=html, base_url=f"{MANIFEST_SCHEME}:", url_fetcher=make_fetcher(manifest)).write_pdf(
                pdf_tags=True, pdf_identifier=identifier
            )
            bare[post] = min(bare[post], time.perf_counter() - start)
    return sum(ours.values()), sum(bare.values())


# ---------------------------------------------------------------------------------- profile


Profile = dict[str, tuple[float, list[tuple[str, int, float]]]]  # format -> (total, rows)


def profile(post: Path) -> Profile:
    """Top functions by cumulative time, per format, for one warm render of ``post``."""
    document = load_post(post)
    found: Profile = {}
    for fmt in FORMATS:
        render(document, fmt)  # warm: imports, fonts, caches
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.runcall(render, document, fmt)
        total = time.perf_counter() - start
        stats = pstats.Stats(profiler, stream=io.StringIO())
        rows = [
            (f"{_short(filename)}:{line}({name})", calls, cumulative)
            for (filename, line, name), (_, calls, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
            if not filename.startswith("~") and not filename.endswith("export_post/api.py")
        ]  # builtins and our thin API wrapper say nothing
        rows.sort(key=lambda row: -row[2])
        found[fmt] = (total, rows[:PROFILE_LINES])
    return found


HOTSPOT_LINES = 8


def hotspots(posts: Sequence[Path]) -> Profile:
    """Top functions by their own time, per format, rendering every post (warm)."""
    documents = [load_post(post) for post in posts]
    found: Profile = {}
    for fmt in FORMATS:
        render(documents[0], fmt)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        for document in documents:
            profiler.runcall(render, document, fmt)
        total = time.perf_counter() - start
        stats = pstats.Stats(profiler, stream=io.StringIO())
        rows = [
            (name if filename == "~" else f"{_short(filename)}:{line}({name})", calls, own)
            for (filename, line, name), (_, calls, own, _, _) in stats.stats.items()  # type: ignore[attr-defined]
        ]
        rows.sort(key=lambda row: -row[2])
        found[fmt] = (total, rows[:HOTSPOT_LINES])
    return found


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/exporters/", "/src/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# ------------------------------------------------------------------------------------- main


def repeat_posts(posts: Sequence[Path], count: int, folder: Path) -> list[Path]:
    """``count`` posts made from ``posts`` round-robin, each site copied once so images resolve."""
    sites: dict[Path, Path] = {}
    made = []
    for index in range(count):
        post = posts[index % len(posts)]
        site = post.parent.parent
        if site not in sites:
            sites[site] = folder / f"site{len(sites):02d}"
            shutil.copytree(site, sites[site])
        copy = sites[site] / "_posts" / f"{post.stem}-r{index:03d}{post.suffix}"
        shutil.copyfile(post, copy)
        made.append(copy)
    return made


def versions() -> dict[str, str]:
    names = ("export-post", "weasyprint", "python-pptx", "ebooklib", "pillow", "pypandoc-binary")
    found = {name: metadata.version(name) for name in names}
    found["pandoc"] = str(pypandoc.get_pandoc_version())
    return found


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    from heavy import compile_bytecode  # the same start-up a user's installed copy has

    compile_bytecode()
    posts = [SAMPLE, *corpus_posts()]
    jobs = cpu_count()
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="export-post-bench-") as scratch:
        tmp = Path(scratch)
        print(f"{len(posts)} posts, {jobs} CPUs", flush=True)
        pandoc = run_pandoc(posts, _fresh(tmp / "pandoc"))
        print(f"pandoc: {pandoc.wall(posts):.1f} s, failed {pandoc.failed}", flush=True)
        failed = {name for names in pandoc.failed.values() for name in names}
        common = [p for p in posts if p.name not in failed]
        one = run_cli(common, _fresh(tmp / "one"), jobs=1, force=True)
        print(f"ours --jobs 1: {one.wall:.1f} s", flush=True)
        many = run_cli(common, _fresh(tmp / "many"), jobs=jobs, force=True)
        print(f"ours --jobs {jobs}: {many.wall:.1f} s", flush=True)
        cold = run_cli(posts, _fresh(tmp / "all"), jobs=jobs, force=True)
        rerun = run_cli(posts, tmp / "all", jobs=jobs, force=False)
        print(f"cold {cold.wall:.1f} s, rerun {rerun.wall:.2f} s {rerun.statuses}", flush=True)
        ours_pdf, bare_pdf = pdf_floor(posts)
        print(f"pdf step {ours_pdf:.1f} s vs bare WeasyPrint {bare_pdf:.1f} s", flush=True)
        memory = {}
        corpus = corpus_posts()
        ten = corpus[:: max(1, len(corpus) // 10)][:10]  # spread over the sites
        for count in (10, 100):  # the same ten posts, once and ten times: growth is accumulation
            made = repeat_posts(ten, count, _fresh(tmp / f"repeat{count}"))
            memory[count] = run_cli(made, _fresh(tmp / f"out{count}"), jobs=jobs, force=True)
            print(f"{count} posts: worker peaks {memory[count].worker_peaks}", flush=True)
        results["profile"] = profile(SAMPLE)
        results["hotspots"] = hotspots(posts)
    results["load_after"] = os.getloadavg()
    text = report(posts, common, jobs, pandoc, one, many, cold, rerun, ours_pdf, bare_pdf, memory, results)
    REPORT.write_text(text + _scaling_section(), encoding="utf-8")
    print(text)


def _scaling_section() -> str:
    """The sections benchmarks/scaling.py, book.py and heavy.py wrote into the report (kept
    when this one rewrites it)."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    kept = ""
    for name in ("scaling", "book", "heavy-section"):
        start, end = text.find(f"<!-- {name}:start -->"), text.find(f"<!-- {name}:end -->")
        if 0 <= start < end:
            kept += "\n" + text[start : end + len(f"<!-- {name}:end -->")] + "\n"
    return kept


def _limits(one: Batch, reference: float) -> list[str]:
    """Where a sequential run's time goes, as shares of pandoc's time."""
    pdf, pptx = one.seconds.get("pdf", 0.0), one.seconds.get("pptx", 0.0)
    return [
        f"Where the `--jobs 1` time goes, as shares of pandoc's: the PDF step alone is "
        f"{pdf / reference:.2f}x, and it runs at the speed of WeasyPrint itself on the same page "
        f"(below); EPUB, PPTX and start-up add {(one.wall - pdf) / reference:.2f}x, the PPTX step "
        f"most ({pptx / reference:.2f}x; python-pptx's object model, see the profile).",
    ]


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def report(
    posts: Sequence[Path],
    common: Sequence[Path],
    jobs: int,
    pandoc: PandocRun,
    one: Batch,
    many: Batch,
    cold: Batch,
    rerun: Batch,
    ours_pdf: float,
    bare_pdf: float,
    memory: Mapping[int, Batch],
    results: Mapping[str, Any],
) -> str:
    reference = pandoc.wall(common)
    peak10, peak100 = (max(memory[n].worker_peaks or [0]) for n in (10, 100))
    targets = [
        (
            "all formats, `--jobs 1`, vs pandoc",
            f"{one.wall / reference:.2f}x pandoc",
            "≤ 0.5x",
            one.wall / reference <= 0.5,
        ),
        (
            f"all formats, `--jobs {jobs}` (all CPUs), vs pandoc sequential",
            f"{reference / many.wall:.2f}x faster",
            "≥ 3x",
            reference / many.wall >= 3,
        ),
        (
            "our PDF step vs bare WeasyPrint on the same page",
            f"{ours_pdf / bare_pdf:.3f}x",
            "≤ 1.10x",
            ours_pdf / bare_pdf <= 1.10,
        ),
        (
            "no-change rerun vs cold build",
            f"{100 * rerun.wall / cold.wall:.1f} %",
            "< 5 %",
            rerun.wall / cold.wall < 0.05,
        ),
        (
            "worker peak memory, 100 vs 10 posts",
            f"{_mb(peak10)} → {_mb(peak100)} ({100 * (peak100 / peak10 - 1):+.0f} %)",
            "within ±20 %",
            abs(peak100 / peak10 - 1) <= 0.2,
        ),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `benchmarks/run.py` on {dt.date.today().isoformat()}.",
        "Wall-clock seconds; lower is better.",
        "",
        "## Machine",
        "",
        "| | |",
        "|-|-|",
        f"| CPU | {cpu_model()} |",
        f"| CPUs available | {jobs} |",
        f"| Python | {platform.python_version()} ({platform.system()} {platform.release()}) |",
        *(f"| {name} | {version} |" for name, version in versions().items()),
        f"| load average before / after | {_load(results['load_before'])} / {_load(results['load_after'])} |",
        "",
        "## Targets",
        "",
        "| target | measured | goal | met |",
        "|-|-|-|-|",
        *(
            f"| {name} | {value} | {goal} | {'yes' if met else '**no**'} |"
            for name, value, goal, met in targets
        ),
        "",
        "## Export-post against pandoc",
        "",
        f"{len(posts)} posts: the sample and {len(posts) - 1} corpus posts. EPUB, PDF and PPTX of each.",
        f"pandoc failed on {_failures(pandoc)}; the comparison uses the {len(common)} posts it converted",
        "in every format. pandoc cannot resolve site-absolute image paths (`/assets/…`), so its",
        f"outputs lack those pictures ({pandoc.warnings} warning and error lines): it does less work.",
        "",
        "| | EPUB | PDF | PPTX | total (wall) |",
        "|-|-:|-:|-:|-:|",
        _row("pandoc, one post and format at a time", pandoc.seconds(common), reference),
        _row("export-post `--jobs 1`", one.seconds, one.wall),
        _row(f"export-post `--jobs {jobs}`", many.seconds, many.wall),
        "",
        "The per-format columns of export-post are the time spent rendering each output, summed (in",
        "parallel runs they overlap); its total is the wall time of the whole command, start-up",
        "included. pandoc's columns are wall times, one process per post and format.",
        "",
        *_limits(one, reference),
        "",
        "## PDF: our step against bare WeasyPrint",
        "",
        "Every post, fastest of 3 warm runs each, in one process. *Our step* is the PDF exporter",
        "(page built from the document, stylesheet, WeasyPrint); *bare* is `HTML(string=page).write_pdf()`",
        "on the very page it built. Ours deflates the PDF's streams at zlib's default level, bare",
        "WeasyPrint at the 9 pydyf asks for (`export_post_pdf/deflate.py`).",
        "",
        "| our PDF step | bare WeasyPrint | ratio |",
        "|-:|-:|-:|",
        f"| {ours_pdf:.2f} | {bare_pdf:.2f} | {ours_pdf / bare_pdf:.3f} |",
        "",
        "## Incremental rerun",
        "",
        "| cold (`--force`) | rerun, nothing changed | share |",
        "|-:|-:|-:|",
        f"| {cold.wall:.2f} | {rerun.wall:.2f} | {100 * rerun.wall / cold.wall:.1f} % |",
        "",
        f"Rerun outcomes: {_statuses(rerun.statuses)}.",
        "",
        f"## Memory per worker (`--jobs {jobs}`)",
        "",
        "Peak resident memory (`VmHWM`) of each worker process. The same ten corpus posts (one in",
        "two or so, across the sites) converted once, then ten times over (100 posts), so that a",
        "difference can only come from what a worker accumulates.",
        "",
        "| posts | wall | worker peaks |",
        "|-:|-:|-|",
        *(
            f"| {n} | {memory[n].wall:.1f} | {', '.join(_mb(p) for p in memory[n].worker_peaks)} |"
            for n in memory
        ),
        "",
        "## Where the time goes",
        "",
        f"cProfile of one warm render of the sample post, top {PROFILE_LINES} functions by cumulative time",
        "(our API wrapper and builtins left out).",
        "",
    ]
    for fmt, (total, rows) in results["profile"].items():
        heading = f"### {fmt} ({total:.2f} s under the profiler)"
        lines += _profile_table(heading, "cumulative s", 3, total, rows)
    lines += [
        "### Across every post",
        "",
        f"cProfile of rendering all {len(posts)} posts, one format at a time (warm), top {HOTSPOT_LINES}",
        "functions by their own time (`{...}` are C functions: waiting on a child process is `poll`).",
        "",
    ]
    for fmt, (total, rows) in results["hotspots"].items():
        lines += _profile_table(f"**{fmt}**, {total:.1f} s under the profiler:", "own s", 2, total, rows)
    return "\n".join(lines)


def _profile_table(
    heading: str, column: str, digits: int, total: float, rows: Sequence[tuple[str, int, float]]
) -> list[str]:
    """A heading and a table of (function, calls, seconds) rows, each with its share of ``total``."""
    lines = [heading, "", f"| function | calls | {column} | share |", "|-|-:|-:|-:|"]
    for name, calls, value in rows:
        lines.append(f"| `{name}` | {calls} | {value:.{digits}f} | {value / total:.0%} |")
    return [*lines, ""]


def _row(name: str, seconds: Mapping[str, float], wall: float) -> str:
    return f"| {name} | " + " | ".join(f"{seconds.get(f, 0.0):.1f}" for f in FORMATS) + f" | {wall:.1f} |"


def _mb(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def _load(value: Sequence[float]) -> str:
    return " ".join(f"{v:.1f}" for v in value)


def _failures(pandoc: PandocRun) -> str:
    parts = [f"{fmt}: {', '.join(names)}" for fmt, names in pandoc.failed.items() if names]
    return "; ".join(parts) if parts else "nothing"


def _statuses(statuses: Mapping[str, int]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))


if __name__ == "__main__":
    main()
