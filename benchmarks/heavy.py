"""Heavy posts against pandoc: SVG figures with filters, many formulas, many large JPEGs, long.

    python benchmarks/heavy.py                 # measure, print, update docs/benchmarks.md
    python benchmarks/heavy.py --rounds 3 --no-write

The set is the heaviest real posts of ``EXPORT_POST_CORPUS_MORE`` (SVG with filters and
gradients, math-heavy, picture-heavy, long) plus four generated posts, each heavy in one way
(``GENERATED``). For every post and format (EPUB, PDF, PPTX), side by side in one run and
alternating which goes first:

- **ours**: the command line as a user runs it for one post and one format, in a fresh
  process (``export-post POST -f FMT -o DIR --force``), start-up included; by default the
  run is handed to the warm server an earlier run left (docs/warm-server.md), which a
  warm-up run starts before the first measurement;
- **alone**: the same command with ``EXPORT_POST_SERVER=off``, start-up and all imports in
  its own process (the first run of a session);
- **pandoc**: ``pandoc POST -s -o FILE`` in a fresh process (PDF through WeasyPrint), from the
  post's folder with the site root on the resource path;
- **api**: ``export_post.export`` of the same post and format in this warm process (modules
  imported, the caches of typeset formulas emptied first), to price the start-up.

Each time is the median of ``--rounds`` runs. The report gives, per format, ours/pandoc as
median, p90 and max over the posts, and the sums; and CLI over API per format, served and
alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from export_post.warm import place

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
FORMATS = ("epub", "pdf", "pptx")
MARK_START = "<!-- heavy:start -->"
MARK_END = "<!-- heavy:end -->"
# The heaviest posts of the second corpus, by what makes them heavy.
CORPUS_MORE = (
    "travisdowns__travisdowns.github.io/_posts/2020-05-18-icelake-zero-opt.md",  # 9 SVG plots
    "travisdowns__travisdowns.github.io/_posts/2020-01-17-avxfreq1.md",  # 8 SVG plots
    "travisdowns__travisdowns.github.io/_posts/2019-06-11-speed-limits.md",  # very long
    "offconvex__offconvex.github.io/_posts/2016-10-12-gradient-descent-learns-dynamical-systems.md",
    "offconvex__offconvex.github.io/_posts/2018-09-18-alacarte.md",  # SVG + math
    "offconvex__offconvex.github.io/_posts/2019-3-20-CURL.md",  # SVG + math
    "iclr-blogposts__2024/_posts/2024-05-07-understanding-icl.md",  # math-heavy
    "iclr-blogposts__2024/_posts/2024-05-07-clml.md",  # math-heavy
    "jaketae__jaketae.github.io/_posts/2023-08-20-lora.md",  # math
    "jalammar__jalammar.github.io/_posts/2020-12-17-explaining transformers.md",  # pictures
    "jalammar__jalammar.github.io/_posts/2019-05-27-illustrated-gradient-descent.md",  # pictures
)


# ------------------------------------------------------------------------- generated posts


def generate(site: Path) -> list[Path]:
    """Four posts, each heavy in one way, in a Jekyll site under ``site``."""
    posts = site / "_posts"
    assets = site / "assets"
    posts.mkdir(parents=True, exist_ok=True)
    assets.mkdir(exist_ok=True)
    (site / "_config.yml").write_text("title: Heavy\n", encoding="utf-8")
    return [
        _write(posts / "2026-01-01-long-sixty-pages.md", "Sixty pages", _long_body()),
        _write(posts / "2026-01-02-sixty-formulas.md", "Sixty formulas", _formula_body()),
        _write(posts / "2026-01-03-large-photos.md", "Thirty-six large photos", _photo_body(assets)),
        _write(posts / "2026-01-04-svg-filters.md", "Figures with filters", _svg_body(assets)),
    ]


def _write(path: Path, title: str, body: str) -> Path:
    path.write_text(f"---\ntitle: {title}\ndate: {path.name[:10]}\n---\n\n{body}", encoding="utf-8")
    return path


def _long_body() -> str:
    rng = random.Random(1)
    words = [
        "latency",
        "throughput",
        "cache",
        "memory",
        "branch",
        "vector",
        "store",
        "load",
        "port",
        "queue",
        "fence",
    ]
    parts = []
    for section in range(1, 41):
        parts.append(f"## Section {section}\n")
        for _ in range(4):
            parts.append(" ".join(rng.choice(words) for _ in range(90)).capitalize() + ".\n")
        parts.append(
            "```python\n"
            + "\n".join(f"def f{section}_{i}(x):\n    return x * {i}" for i in range(6))
            + "\n```\n"
        )
        parts.append(
            "| a | b | c |\n|---|---|---|\n" + "".join(f"| {i} | {i * i} | {i**3} |\n" for i in range(5))
        )
        parts.append("- one point\n- another point\n  - nested\n")
    return "\n".join(parts)


def _formula_body() -> str:
    display = [
        r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
        r"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}",
        r"\nabla_\theta \mathcal{L}(\theta) = \mathbb{E}_{x\sim p}\left[\nabla_\theta \log p(x)\right]",
        r"A = \begin{pmatrix} a_{11} & a_{12} \\ a_{21} & a_{22} \end{pmatrix}",
        r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    ]
    parts = []
    for i in range(36):
        formula = display[i % len(display)].replace("x", "xy"[i % 2]) + f" + {i}"
        parts.append(f"Step {i}: with $\\alpha_{{{i}}} + \\beta^{{{i}}}$ we get\n\n$$\n{formula}\n$$\n")
    return "\n".join(parts)


def _photo_body(assets: Path) -> str:
    from PIL import Image, ImageDraw

    parts = []
    for i in range(36):
        path = assets / f"photo-{i:02d}.jpg"
        if not path.exists():
            image = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
            draw = ImageDraw.Draw(image)
            for k in range(40):
                x, y = (k * 97 + i * 31) % 2800, (k * 53 + i * 17) % 1800
                draw.ellipse((x, y, x + 200, y + 200), fill=((k * 40) % 255, (i * 7) % 255, 120))
            image.save(path, quality=88)
        parts.append(f"Photo {i}.\n\n![Photo {i}](/assets/{path.name})\n")
    return "\n".join(parts)


def _svg_body(assets: Path) -> str:
    parts = []
    for i in range(6):
        path = assets / f"figure-{i}.svg"
        bars = "".join(
            f'<rect x="{40 + k * 60}" y="{300 - 20 * ((k * 7 + i) % 12)}" width="40" '
            f'height="{20 * ((k * 7 + i) % 12)}" fill="url(#g)" filter="url(#shadow)"/>'
            for k in range(12)
        )
        path.write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="360" viewBox="0 0 800 360">'
            '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
            '<stop offset="0" stop-color="#4a90d9"/><stop offset="1" stop-color="#1c3f6e"/></linearGradient>'
            '<filter id="shadow" x="-20%" y="-20%" width="140%" height="140%">'
            '<feGaussianBlur in="SourceAlpha" stdDeviation="6"/><feOffset dx="4" dy="4"/>'
            '<feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter></defs>'
            f'<text x="400" y="30" text-anchor="middle" font-size="20">Figure {i}</text>{bars}</svg>',
            encoding="utf-8",
        )
        parts.append(f"Figure {i} shows the trend.\n\n![Figure {i}](/assets/{path.name})\n")
    return "\n".join(parts)


# ------------------------------------------------------------------------------ measuring


@dataclass
class Times:
    ours: float
    pandoc: float | None  # None: pandoc failed
    api: float
    alone: float


def site_of(post: Path) -> Path:
    return post.parent.parent if post.parent.name == "_posts" else post.parent


def time_ours(post: Path, fmt: str, out: Path, *, alone: bool = False) -> float:
    argv = [sys.executable, "-m", "export_post", str(post), "-f", fmt, "-o", f"{out}/", "--force", "-q"]
    env = {**os.environ, place.SETTING: "off"} if alone else None
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def start_server() -> None:
    """One run, so that the runs measured after it are served (as every run but a session's
    first is), and then a wait until its server listens."""
    found = place.folder()
    if not place.enabled() or found is None:
        print("no warm server on this machine: every run is its own process", flush=True)
        return
    where = Path(found)
    before = set(where.glob("*.sock"))
    subprocess.run([sys.executable, "-m", "export_post", "--list-formats"], check=True, capture_output=True)
    deadline = time.monotonic() + 60
    while not set(where.glob("*.sock")) - before and time.monotonic() < deadline:
        time.sleep(0.1)


def time_pandoc(post: Path, fmt: str, out: Path) -> float | None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    target = out / f"pandoc.{fmt}"
    argv = [pypandoc.get_pandoc_path(), post.name, "-f", "markdown", "-s", "-o", str(target)]
    argv += [f"--resource-path={post.parent}{os.pathsep}{site_of(post)}"]
    if fmt == "pdf":
        argv.append("--pdf-engine=weasyprint")
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=post.parent, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    return seconds if done.returncode == 0 and target.is_file() else None


_API = """
import sys, time
from pathlib import Path
import ebooklib, pptx, weasyprint  # noqa: F401  (what the exporters import when they run)
import export_post
from export_post.registry import exporter_class
post, fmt, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
exporter_class(fmt)  # the exporter's modules imported: a warm process
start = time.perf_counter()
export_post.export(export_post.load_post(post), fmt, out / f"api.{fmt}")
print(time.perf_counter() - start)
"""


def time_api(post: Path, fmt: str, out: Path) -> float:
    """The same work in a process that has imported everything it needs: start-up excluded."""
    done = subprocess.run(
        [sys.executable, "-c", _API, str(post), fmt, str(out)], check=True, capture_output=True, text=True
    )
    return float(done.stdout.split()[-1])


def measure(posts: Sequence[Path], rounds: int, scratch: Path) -> dict[tuple[Path, str], Times]:
    results: dict[tuple[Path, str], Times] = {}
    for index, post in enumerate(posts):
        for fmt in FORMATS:
            ours, theirs, api, alone = [], [], [], []
            for r in range(rounds):
                out = _fresh(scratch / "out")
                if (index + r) % 2:
                    theirs.append(time_pandoc(post, fmt, out))
                    ours.append(time_ours(post, fmt, _fresh(scratch / "ours")))
                else:
                    ours.append(time_ours(post, fmt, _fresh(scratch / "ours")))
                    theirs.append(time_pandoc(post, fmt, out))
                api.append(time_api(post, fmt, _fresh(scratch / "api")))
                alone.append(time_ours(post, fmt, _fresh(scratch / "alone"), alone=True))
            ok = [t for t in theirs if t is not None]
            results[post, fmt] = Times(
                statistics.median(ours),
                statistics.median(ok) if len(ok) == len(theirs) else None,
                statistics.median(api),
                statistics.median(alone),
            )
            t = results[post, fmt]
            pandoc = f"{t.pandoc:6.2f}" if t.pandoc is not None else "failed"
            print(
                f"{post.name[:48]:48} {fmt:4} ours {t.ours:6.2f} pandoc {pandoc} api {t.api:6.2f}"
                f" alone {t.alone:6.2f}",
                flush=True,
            )
    return results


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# -------------------------------------------------------------------------------- report


def p90(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]


def report(posts: Sequence[Path], results: dict[tuple[Path, str], Times], rounds: int) -> str:
    lines = [
        MARK_START,
        f"Generated by `benchmarks/heavy.py` on {dt.date.today().isoformat()}, median of {rounds} "
        f"round(s), load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end.",
        "",
        "| post | EPUB ours / pandoc | PDF ours / pandoc | PPTX ours / pandoc |",
        "|-|-:|-:|-:|",
    ]
    for post in posts:
        cells = []
        for fmt in FORMATS:
            t = results[post, fmt]
            cells.append(
                f"{t.ours:.2f} / {t.pandoc:.2f}" if t.pandoc is not None else f"{t.ours:.2f} / failed"
            )
        lines.append(f"| {post.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| format | median ours/pandoc | p90 | max | sum ours | sum pandoc | sum ratio | CLI / API |"
        " CLI alone / API |",
        "|-|-:|-:|-:|-:|-:|-:|-:|-:|",
    ]
    all_ours = all_theirs = 0.0
    for fmt in FORMATS:
        pairs = [results[p, fmt] for p in posts if results[p, fmt].pandoc is not None]
        ratios = [t.ours / t.pandoc for t in pairs if t.pandoc]
        ours = sum(t.ours for t in pairs)
        theirs = sum(t.pandoc or 0.0 for t in pairs)
        all_ours, all_theirs = all_ours + ours, all_theirs + theirs
        api = sum(results[p, fmt].api for p in posts)
        cli = sum(results[p, fmt].ours for p in posts) / api
        alone = sum(results[p, fmt].alone for p in posts) / api
        lines.append(
            f"| {fmt} | {statistics.median(ratios):.2f} | {p90(ratios):.2f} | {max(ratios):.2f} | "
            f"{ours:.1f} | {theirs:.1f} | {ours / theirs:.2f} | {cli:.2f} | {alone:.2f} |"
        )
    lines.append(f"| all | | | | {all_ours:.1f} | {all_theirs:.1f} | {all_ours / all_theirs:.2f} | | |")
    failed = [f"{p.name} ({fmt})" for p in posts for fmt in FORMATS if results[p, fmt].pandoc is None]
    if failed:
        lines += [
            "",
            "pandoc failed on: " + ", ".join(failed) + "; those rows are left out of the ratios and sums.",
        ]
    lines.append(MARK_END)
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Our modules' bytecode written, as pip writes it when it installs the wheel. From a
    source checkout under ``PYTHONDONTWRITEBYTECODE`` (as on CI machines) every fresh process
    would compile all of export-post again: 0.17 s a run, not what a user's start-up costs."""
    import compileall
    import importlib.util

    packages = ("export_post", "export_post_epub", "export_post_pdf", "export_post_pptx", "export_post_html")
    for name in (*packages, "export_post_themes"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin is not None:
            compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


def main() -> None:
    # Cold: no formula typeset by an earlier run or format (the store is for real reruns).
    os.environ["EXPORT_POST_CACHE_DIR"] = "off"
    compile_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated substrings of post names")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    more = Path(os.environ.get("EXPORT_POST_CORPUS_MORE", ROOT.parent / "shared" / "corpus-more"))
    with tempfile.TemporaryDirectory(prefix="heavy-") as tmp:
        scratch = Path(tmp)
        posts = [more / p for p in CORPUS_MORE if (more / p).is_file()] + generate(scratch / "site")
        if args.only:
            posts = [p for p in posts if any(s in p.name for s in args.only.split(","))]
        start_server()
        results = measure(posts, args.rounds, scratch)
        table = report(posts, results, args.rounds)
    print(table)
    if not args.no_write and not args.only:
        text = REPORT.read_text(encoding="utf-8")
        if MARK_START in text:
            head, rest = text.split(MARK_START, 1)
            text = head + table + rest.split(MARK_END, 1)[1]
        else:
            # in a section of its own, which benchmarks/run.py keeps when it rewrites the report
            section = "## Heavy posts against pandoc (`benchmarks/heavy.py`)\n\n" + table
            text += f"\n<!-- heavy-section:start -->\n{section}\n<!-- heavy-section:end -->\n"
        REPORT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
