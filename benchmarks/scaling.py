"""Time per element as a post grows: each element kind alone, at N = 100 … 10,000, every format.

    python benchmarks/scaling.py                      # everything; updates docs/benchmarks.md
    python benchmarks/scaling.py --kinds headings,images_repeated --formats pptx,html
    python benchmarks/scaling.py --sizes 300,1000,3000 --quick --no-write

For each element kind a generated post holds N elements of that kind and little else (see
``KINDS``). The post is read once per N (``reader``: ``load_post`` alone), then each format is
rendered from the parsed document in this process, after a warm-up render: the median of
three runs (one run above 3,000 elements, or with ``--quick``). Before each timed run the caches of
typeset formulas are emptied, so that every run typesets its post as a new post would. ``pdf-page`` is the PDF
exporter with WeasyPrint left out (the page we build); ``pdf`` is the whole PDF, split into
WeasyPrint's part and ours. The deck is split into planning (measuring, fitting) and drawing.

Criterion: time per element is *flat* when the per-element time at the largest N measured is
at most ``FLAT_RATIO`` (2×) the per-element time at N = 1,000. Below 1,000 a post's fixed cost
(the theme, the title slide, the zip) still dominates, so smaller sizes are shown but not
judged. Timings are wall-clock on a shared machine: compare ratios, not absolute times. The
exit status is 1 when a row is not flat.

Sizes are capped per format only where a reason is given (``CAPS``, ``Kind.caps``): linear
work too slow at 10,000 elements to repeat on every run is measured up to 3,000. The reader's
limits on image references and distinct images are lifted while measuring (they protect
against hostile posts; the question here is how the code scales past them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image as PILImage

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "scaling-results.json"
SIZES = (100, 300, 1000, 3000, 10000)
BASE = 1000  # the size the largest one is judged against
FLAT_RATIO = 2.0
FORMATS = ("reader", "html", "epub", "pdf-page", "pdf", "pptx")
MARK_START = "<!-- scaling:start -->"
MARK_END = "<!-- scaling:end -->"


# ----------------------------------------------------------------------------- the posts


@dataclass(frozen=True)
class Kind:
    name: str
    what: str  # what N counts
    body: Callable[[int, str], str]  # (N, salt) -> Markdown body
    images: int = 0  # image files the site needs: 1 = N distinct ones, -1 = one
    caps: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # format -> (max N, why)


def _headings(n: int, salt: str) -> str:
    parts = ["* toc\n{:toc}\n"]
    for i in range(n):
        level = 2 + i % 3
        parts.append(f"{'#' * level} Heading {salt} {i}\n\nA short paragraph under heading {i}.\n")
    return "\n".join(parts)


def _heading_ids(n: int, salt: str) -> str:
    return "\n".join(f"## Same title\n\nParagraph {salt} {i}.\n" for i in range(n))


def _footnotes(n: int, salt: str) -> str:
    body = [f"Paragraph {i} cites a note.[^n{i}]\n" for i in range(n)]
    notes = [f"[^n{i}]: Footnote {salt} {i} with a sentence of its own." for i in range(n)]
    return "\n".join(body) + "\n" + "\n".join(notes) + "\n"


def _footnote_refs(n: int, salt: str) -> str:
    paras = []
    for p in range(0, n, 10):
        cites = " ".join(f"Claim {p + j}.[^one]" for j in range(min(10, n - p)))
        paras.append(cites + "\n")
    return "\n".join(paras) + f"\n[^one]: The one note {salt}, cited everywhere.\n"


def _images_distinct(n: int, salt: str) -> str:
    return "\n".join(f"![Picture {i}](/assets/p{i}.png)\n" for i in range(n))


def _images_repeated(n: int, salt: str) -> str:
    return "\n".join(f"![Picture {i}](/assets/p0.png)\n" for i in range(n))


def _table_rows(n: int, salt: str) -> str:
    rows = [f"| row {i} | {salt} | {i * 7} | [link](https://example.com/{i}) |" for i in range(n)]
    return "| Name | Salt | Number | Link |\n|---|---|---:|---|\n" + "\n".join(rows) + "\n"


def _table_cols(n: int, salt: str) -> str:
    head = "| " + " | ".join(f"H{i}" for i in range(n)) + " |"
    rule = "|" + "---|" * n
    rows = ["| " + " | ".join(f"{salt}{r}.{i}" for i in range(n)) + " |" for r in range(2)]
    return "\n".join([head, rule, *rows]) + "\n"


def _list_items(n: int, salt: str) -> str:
    return "\n".join(f"* Item {salt} {i} of a long list" for i in range(n)) + "\n"


def _nested_lists(n: int, salt: str) -> str:
    lines = []
    for i in range(n):
        depth = i % 6  # a sawtooth: into six levels and back out
        lines.append("  " * depth + f"* Item {salt} {i} at depth {depth}")
    return "\n".join(lines) + "\n"


def _links(n: int, salt: str) -> str:
    paras = []
    for p in range(0, n, 10):
        paras.append(
            " ".join(
                f"See [site {p + j}](https://example.com/{salt}/{p + j})." for j in range(min(10, n - p))
            )
        )
    return "\n\n".join(paras) + "\n"


def _fragment_links(n: int, salt: str) -> str:
    heads = "\n".join(f"## Target {t}\n\nText.\n" for t in range(10))
    paras = []
    for p in range(0, n, 10):
        links = []
        for j in range(min(10, n - p)):
            i = p + j
            target = f"target-{i % 10}" if i % 2 == 0 else f"missing-{salt}-{i}"
            links.append(f"Go [{i}](#{target}).")
        paras.append(" ".join(links))
    return heads + "\n" + "\n\n".join(paras) + "\n"


def _dropped_links(n: int, salt: str) -> str:
    paras = []
    for p in range(0, n, 10):
        paras.append(" ".join(f"A [page](../page-{salt}-{p + j}.html)." for j in range(min(10, n - p))))
    return "\n\n".join(paras) + "\n"


def _code_blocks(n: int, salt: str) -> str:
    return "\n".join(f"```python\ndef f{i}(x):\n    return x * {i}  # {salt}\n```\n" for i in range(n))


def _math_inline(n: int, salt: str) -> str:
    paras = []
    for p in range(0, n, 10):
        paras.append(" ".join(f"Let $$x_{{{p + j}}} + {n}$$ hold." for j in range(min(10, n - p))))
    return "\n\n".join(paras) + "\n"


def _math_display(n: int, salt: str) -> str:
    return "\n".join(f"$$\n\\frac{{a_{{{i}}}}}{{b + {n}}}\n$$\n" for i in range(n))


def _raw_html(n: int, salt: str) -> str:
    return "\n".join(
        f'<div class="note" id="note-{i}"><p>Note {salt} <b>{i}</b> in <i>HTML</i>.</p></div>\n'
        for i in range(n)
    )


def _html_unclosed(n: int, salt: str) -> str:
    return "\n".join(f'<div class="c{i}">\n\nText {salt} {i}.\n' for i in range(n))


def _ials(n: int, salt: str) -> str:
    alds = "\n".join(f'{{:style{i}: .kind-{i} data-n="{i}"}}' for i in range(n))
    paras = "\n".join(f"Paragraph {salt} {i}.\n{{: style{i} #para-{i}}}\n" for i in range(n))
    return alds + "\n\n" + paras


def _liquid(n: int, salt: str) -> str:
    paras = []
    for p in range(0, n, 10):
        tags = []
        for j in range(min(10, n - p)):
            i = p + j
            tags.append("{{ site.baseurl }}/x" if i % 2 else f"{{% include note-{i}.html %}}")
        paras.append(f"Liquid {salt}: " + " ".join(tags))
    return "\n\n".join(paras) + "\n"


def _liquid_unclosed(n: int, salt: str) -> str:
    return "\n\n".join(f"Text {salt} {i} {{% opens" for i in range(n)) + "\n"


def _paragraphs(n: int, salt: str) -> str:
    return "\n".join(
        f'Paragraph {salt} {i} says one thing. It adds another. And "ends" -- here...\n' for i in range(n)
    )


def _definitions(n: int, salt: str) -> str:
    return "\n".join(f"Term {salt} {i}\n: Its definition {i}.\n" for i in range(n))


def _sentences(n: int, salt: str) -> str:
    return " ".join(f"Sentence {i} of one long paragraph ({salt}), e.g. this one." for i in range(n)) + "\n"


def _tocs(n: int, salt: str) -> str:
    return "\n".join(f"* contents\n{{:toc}}\n\n## Part {salt} {i}\n\nText.\n" for i in range(n))


def _long_note(n: int, salt: str) -> str:
    note = "\n    ".join(f"Sentence {i} of the one long note {salt}." for i in range(40))
    return "".join(f"Claim {i}.[^long]\n\n" for i in range(n)) + f"[^long]: {note}\n"


# Sizes above these take too long to measure on every run; why, per format.
CAPS: dict[str, tuple[int, str]] = {
    "pdf": (
        3000,
        "WeasyPrint's layout and PDF writing take 10–130 ms an element (pdf-page measures our part"
        " up to 10,000); 10,000 headings would be a 20-minute PDF",
    ),
}
_SLOW_IMAGES = (3000, "each picture is decoded, scaled and stored: linear, minutes at 10,000")

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("headings", "headings (levels 2–4, each with a line of text) and a {:toc}", _headings),
        Kind("heading_ids", "headings with the same text: ids need suffixes -1, -2, …", _heading_ids),
        Kind("paragraphs", "paragraphs of three sentences", _paragraphs),
        Kind("footnotes", "paragraphs each citing its own footnote", _footnotes),
        Kind("footnote_refs", "citations of one footnote, ten per paragraph", _footnote_refs),
        Kind(
            "images_distinct",
            "figures, each a different image file",
            _images_distinct,
            images=1,
            caps={"pptx": _SLOW_IMAGES, "epub": _SLOW_IMAGES},
        ),
        Kind("images_repeated", "figures, all the same image", _images_repeated, images=-1),
        Kind("table_rows", "rows of one 4-column table", _table_rows),
        Kind("table_cols", "columns of one 3-row table", _table_cols),
        Kind("list_items", "items of one list", _list_items),
        Kind("nested_lists", "list items nested one to six deep", _nested_lists),
        Kind("definitions", "terms of a definition list", _definitions),
        Kind("links", "external links, ten per paragraph", _links),
        Kind("fragment_links", "in-post #fragment links (half dangling), ten per paragraph", _fragment_links),
        Kind(
            "dropped_links", "relative links the reader drops (each located for its warning)", _dropped_links
        ),
        Kind("code_blocks", "fenced code blocks of two lines", _code_blocks),
        Kind("math_inline", "inline formulas, ten per paragraph", _math_inline),
        Kind(
            "math_display",
            "display formulas",
            _math_display,
            caps={"pptx": (3000, "a typeset picture per slide: linear, minutes at 10,000")},
        ),
        Kind("raw_html", "raw HTML blocks", _raw_html),
        Kind("html_unclosed", "raw HTML <div> blocks never closed", _html_unclosed),
        Kind("ials", "block IALs, each naming its own ALD", _ials),
        Kind("liquid", "Liquid tags and expressions, ten per paragraph", _liquid),
        Kind("liquid_unclosed", "Liquid tags opened and never closed", _liquid_unclosed),
        Kind("tocs", "{:toc} lists, each followed by a heading", _tocs),
        Kind("sentences", "sentences of one paragraph", _sentences),
        Kind("long_note", "citations of one 40-sentence footnote", _long_note),
    )
}

FRONT = "---\ntitle: Scaling {kind} {n}\ndate: 2024-01-01\nlang: en\n---\n"


def write_site(folder: Path, kind: Kind, n: int) -> Path:
    """A site with the post (and the images it needs); returns the post's path."""
    (folder / "_posts").mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text('title: Scale\nurl: "https://example.org"\n', encoding="utf-8")
    assets = folder / "assets"
    assets.mkdir(exist_ok=True)
    count = n if kind.images > 0 else 1 if kind.images < 0 else 0
    for i in range(count):
        target = assets / f"p{i}.png"
        if not target.exists():
            picture = PILImage.new("RGB", (64, 48), (i % 251, (i // 251) % 251, 120))
            picture.putpixel((i % 64, 0), (255, 255, 255))
            picture.save(target, "PNG")
    post = folder / "_posts" / f"2024-01-01-{kind.name}-{n}.md"
    post.write_text(FRONT.format(kind=kind.name, n=n) + kind.body(n, f"s{n}"), encoding="utf-8")
    return post


# ---------------------------------------------------------------------------- measuring


@dataclass
class Timing:
    seconds: float
    parts: dict[str, float] = field(default_factory=dict)


class PartClock:
    """Times named inner calls (WeasyPrint, deck planning, deck drawing) while a format renders."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    @contextmanager
    def watching(self) -> Iterator[None]:
        import export_post_pdf.render as pdf_render
        import export_post_pptx.plan as plan
        import export_post_pptx.render as deck_render

        originals = []

        def wrap(owner: Any, name: str, label: str) -> None:
            real = getattr(owner, name)

            def timed(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return real(*args, **kwargs)
                finally:
                    self.parts[label] = self.parts.get(label, 0.0) + time.perf_counter() - start

            originals.append((owner, name, real))
            setattr(owner, name, timed)

        wrap(pdf_render, "render_pdf", "weasyprint")
        wrap(plan.Planner, "plan", "plan")
        wrap(deck_render.Renderer, "render", "draw")
        try:
            yield
        finally:
            for owner, name, real in reversed(originals):
                setattr(owner, name, real)


@contextmanager
def without_weasyprint() -> Iterator[None]:
    """The PDF exporter builds its page as always, but WeasyPrint is not called."""
    import export_post_pdf.render as pdf_render

    real = pdf_render.render_pdf
    pdf_render.render_pdf = lambda *args, **kwargs: b""
    try:
        yield
    finally:
        pdf_render.render_pdf = real


@contextmanager
def limits_lifted() -> Iterator[None]:
    """The reader's cap on image references and the resolver's on distinct images, lifted:
    they keep untrusted posts small, and the point here is how the code scales past them."""
    import export_post.reader.source as source
    import export_post.resources.resolver as resources

    saved = source.MAX_IMAGE_REFERENCES, resources.MAX_IMAGES
    source.MAX_IMAGE_REFERENCES = resources.MAX_IMAGES = 10**9
    try:
        yield
    finally:
        source.MAX_IMAGE_REFERENCES, resources.MAX_IMAGES = saved


def render_once(post: Path, document: Any, fmt: str) -> None:
    from export_post import load_post, render

    if fmt == "reader":
        load_post(post)
    elif fmt == "pdf-page":
        with without_weasyprint():
            render(document, "pdf")
    else:
        render(document, fmt)


def time_format(post: Path, document: Any, fmt: str, runs: int) -> Timing:
    samples: list[Timing] = []
    for _ in range(runs):
        _forget_formulas()
        clock = PartClock()
        with clock.watching():
            start = time.perf_counter()
            render_once(post, document, fmt)
            elapsed = time.perf_counter() - start
        if "weasyprint" in clock.parts:
            clock.parts["ours"] = elapsed - clock.parts["weasyprint"]
        samples.append(Timing(elapsed, dict(clock.parts)))
        if elapsed > 20:  # one run of a slow case is precise enough (and the machine is shared)
            break
    middle = statistics.median(s.seconds for s in samples)
    chosen = min(samples, key=lambda s: abs(s.seconds - middle))
    return Timing(middle, chosen.parts)


def _forget_formulas() -> None:
    """Empty the process's caches of typeset formulas, so that each timed run typesets its
    post's formulas as a new post would. Kept, a run after the first would only look them up
    while they fit the caches (1,024 of each), and the time per formula would jump where they
    stop fitting: a cache's size, not the code's cost."""
    from export_post.toolkit import texmath

    for value in vars(texmath).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


@dataclass
class Row:
    kind: str
    fmt: str
    times: dict[int, Timing] = field(default_factory=dict)
    cap: tuple[int, str] | None = None

    def per_element(self, n: int) -> float:
        return self.times[n].seconds / n

    def verdict(self) -> tuple[float | None, bool | None]:
        """(per-element time at the largest N over that at BASE, flat?); None when not judged."""
        largest = max(self.times, default=0)
        if BASE not in self.times or largest <= BASE:
            return None, None
        ratio = self.per_element(largest) / self.per_element(BASE)
        return ratio, ratio <= FLAT_RATIO


def measure(
    kinds: Sequence[Kind], formats: Sequence[str], sizes: Sequence[int], scratch: Path, *, quick: bool = False
) -> list[Row]:
    from export_post import load_post

    rows: list[Row] = []
    with limits_lifted():
        for kind in kinds:
            site = scratch / kind.name
            warm_post = write_site(site, kind, min(sizes))
            warm = load_post(warm_post)
            for fmt in formats:
                render_once(warm_post, warm, fmt)  # imports, fonts, lexers, typesetting engines
            kind_rows = {fmt: Row(kind.name, fmt, cap=kind.caps.get(fmt, CAPS.get(fmt))) for fmt in formats}
            for n in sizes:
                post = write_site(site, kind, n)
                document = load_post(post)
                for fmt in formats:
                    row = kind_rows[fmt]
                    if row.cap is not None and n > row.cap[0]:
                        continue
                    row.times[n] = t = time_format(post, document, fmt, 1 if quick or n > 3000 else 3)
                    parts = "".join(f" {k}={v:.2f}s" for k, v in t.parts.items())
                    per = 1e6 * t.seconds / n
                    print(
                        f"{kind.name:16} {fmt:8} N={n:<6} {t.seconds:8.3f} s {per:9.1f} µs/el{parts}",
                        flush=True,
                    )
            rows.extend(kind_rows.values())
    return rows


# ------------------------------------------------------------------------------ reporting


def table(rows: Sequence[Row], sizes: Sequence[int]) -> list[str]:
    head = "| kind | format | " + " | ".join(f"{n:,}" for n in sizes) + " | ratio | flat |"
    lines = [head, "|-|-|" + "-:|" * len(sizes) + "-:|-|"]
    for row in rows:
        cells = [f"{1e6 * row.per_element(n):.0f}" if n in row.times else "–" for n in sizes]
        ratio, flat = row.verdict()
        ratio_text = f"{ratio:.2f}" if ratio is not None else "–"
        flat_text = "–" if flat is None else "yes" if flat else "**no**"
        lines.append(f"| {row.kind} | {row.fmt} | " + " | ".join(cells) + f" | {ratio_text} | {flat_text} |")
    return lines


def parts_table(rows: Sequence[Row]) -> list[str]:
    """Where the time of the largest size goes, for formats with parts."""
    lines = ["| kind | format | N | total s | part | part s |", "|-|-|-:|-:|-|-:|"]
    for row in rows:
        if not row.times:
            continue
        n = max(row.times)
        total = row.times[n].seconds
        for part, seconds in sorted(row.times[n].parts.items()):
            lines.append(f"| {row.kind} | {row.fmt} | {n:,} | {total:.2f} | {part} | {seconds:.2f} |")
    return lines


def report(
    rows: Sequence[Row], kinds: Sequence[Kind], sizes: Sequence[int], load: tuple[Sequence[float], ...]
) -> str:
    caps = sorted({(row.fmt, row.kind, row.cap) for row in rows if row.cap and row.cap[0] < max(sizes)})
    judged = [row for row in rows if row.verdict()[1] is not None]
    failures = [row for row in judged if row.verdict()[1] is False]
    lines = [
        MARK_START,
        "## Scaling: time per element",
        "",
        f"Generated by `benchmarks/scaling.py` on {dt.date.today().isoformat()}"
        f" (Python {platform.python_version()}, {os.cpu_count()} CPUs shared with other work; load"
        f" average {_load(load[0])} before, {_load(load[1])} after).",
        "",
        "Each kind is a generated post of N elements of that kind and little else; a cell is the",
        "wall time of rendering it (the median of three runs, one run above 3,000) divided by N, in",
        "microseconds. `reader` is `load_post` alone; the formats start from the parsed document;",
        "`pdf-page` is the PDF exporter without WeasyPrint (the page we build). *Flat* means the",
        f"per-element time at the largest N is at most {FLAT_RATIO:g}× the one at N = {BASE:,};"
        " smaller posts are dominated by fixed costs. The machine is shared: compare ratios, not times.",
        "",
        "| kind | N counts |",
        "|-|-|",
        *(f"| {kind.name} | {kind.what} |" for kind in kinds),
        "",
        *table(rows, sizes),
        "",
        f"{len(judged) - len(failures)} of {len(judged)} rows flat"
        + (": not " + ", ".join(f"{r.kind}/{r.fmt}" for r in failures) + "." if failures else "."),
        "",
    ]
    if caps:
        lines += ["Sizes capped:", ""]
        lines += [f"- {fmt}, {kind}: up to {cap[0]:,} ({cap[1]})" for fmt, kind, cap in caps]
        lines.append("")
    lines += [
        "Where the time of the largest post goes: `weasyprint` is WeasyPrint's layout and PDF",
        "writing inside the PDF step, `ours` the rest (the page built from the document); `plan`",
        "and `draw` are the deck's planner (measuring, fitting) and its python-pptx drawing.",
        "",
        *parts_table([r for r in rows if r.fmt in ("pdf", "pptx")]),
        "",
        MARK_END,
    ]
    return "\n".join(lines)


def _load(values: Sequence[float]) -> str:
    return " ".join(f"{v:.1f}" for v in values)


def update_report(section: str) -> None:
    """Put ``section`` between the markers in docs/benchmarks.md (benchmarks/run.py keeps it)."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if MARK_START in text and MARK_END in text:
        head, _, rest = text.partition(MARK_START)
        _, _, tail = rest.partition(MARK_END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")


def save_results(rows: Sequence[Row]) -> None:
    data = [
        {
            "kind": r.kind,
            "format": r.fmt,
            "seconds": {str(n): t.seconds for n, t in r.times.items()},
            "parts": {str(n): t.parts for n, t in r.times.items() if t.parts},
            "ratio": r.verdict()[0],
            "flat": r.verdict()[1],
        }
        for r in rows
    ]
    RESULTS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def saved_rows() -> list[Row]:
    """The rows ``save_results`` wrote."""
    rows = []
    for item in json.loads(RESULTS.read_text(encoding="utf-8")):
        kind = KINDS.get(item["kind"])
        if kind is None or item["format"] not in FORMATS:
            continue
        parts = item.get("parts", {})
        times = {int(n): Timing(t, parts.get(n, {})) for n, t in item["seconds"].items()}
        fmt = item["format"]
        rows.append(Row(kind.name, fmt, times, kind.caps.get(fmt, CAPS.get(fmt))))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated; default: all")
    parser.add_argument("--formats", default=",".join(FORMATS), help=", ".join(FORMATS))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="one run per size, not the median of three")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    parser.add_argument(
        "--merge", action="store_true", help="keep the saved rows (kind and format) not measured now"
    )
    args = parser.parse_args(argv)
    unknown_kinds = [k for k in args.kinds.split(",") if k and k not in KINDS]
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or unknown_kinds:
        parser.error(f"unknown: {', '.join(unknown + unknown_kinds)}")
    kinds = [KINDS[k] for k in args.kinds.split(",") if k]
    sizes = sorted(int(s) for s in args.sizes.split(","))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    os.environ["EXPORT_POST_CACHE_DIR"] = "off"  # every run typesets its formulas cold
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="export-post-scaling-") as scratch:
        rows = measure(kinds, formats, sizes, Path(scratch), quick=args.quick)
    if args.merge and RESULTS.exists():
        measured = {(kind.name, fmt) for kind in kinds for fmt in formats}
        kept = [row for row in saved_rows() if (row.kind, row.fmt) not in measured]
        rows = sorted([*kept, *rows], key=lambda r: (list(KINDS).index(r.kind), FORMATS.index(r.fmt)))
        kinds = [k for k in KINDS.values() if any(r.kind == k.name for r in rows)]
    section = report(rows, kinds, sizes, (load_before, os.getloadavg()))
    if args.merge:
        measured_now = ", ".join(
            f"{k.name} ({', '.join(formats)})" for k in kinds if k.name in args.kinds.split(",")
        )
        section = section.replace(
            "\n\nEach kind is",
            f"\nThis run measured {measured_now}; the other rows are those of earlier runs"
            " (`--merge`, from `benchmarks/scaling-results.json`).\n\nEach kind is",
            1,
        )
    print(section)
    if not args.no_write:
        update_report(section)
        save_results(rows)
    return 1 if any(r.verdict()[1] is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
