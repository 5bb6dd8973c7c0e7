"""Every real post of both shared corpora, exported to every format (marked ``corpus``).

The corpora are found through EXPORT_POST_CORPUS and EXPORT_POST_CORPUS_MORE (default
``../shared/corpus`` and ``../shared/corpus-more``).

Checks per post: no failure; EPUBCheck reports no errors; at least 99% of the body's words
in every output (the missing ones are named); every referenced image that exists on disk
is embedded; and (also marked ``render``) LibreOffice draws every slide character inside
its box, on the slide, off the pictures and at its declared size (the default deck of every
post, the other variants in turn; ``EXPORT_POST_ALL_VARIANTS=1`` for all of them).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from export_post import load_post
from export_post.api import export, export_many
from export_post.diagnostics import Reporter
from export_post.model import iter_images
from export_post.resources import ResourceResolver
from export_post.resources.images import DEFAULT_MAX_PX, downscale

from .pdf_extract import text_layer_problems
from .pdf_layout_check import check_pdf
from .pptx_templates import build_dark_template
from .slide_check import Report, check_rendered, render_pdfs
from .support import (
    corpus_id,
    corpus_posts,
    epub_text,
    epubcheck,
    html_text,
    pdf_text,
    pptx_text,
    require_corpora,
    require_tool,
    source_words,
    words,
)
from .unique_ids import duplicate_ids

pytestmark = pytest.mark.corpus
FORMATS = ("epub", "pdf", "pptx", "html")


POSTS: list[Path | None] = [*corpus_posts()] or [None]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, dict[str, Path]]:
    require_corpora()  # skips (or fails in CI) without the corpora
    out = tmp_path_factory.mktemp("corpus")
    results = export_many([p for p in POSTS if p is not None], FORMATS, out, jobs=os.cpu_count() or 1)
    failures = [r.error for r in results if not r.ok]
    assert failures == []
    layout = [d.format() for r in results for d in r.diagnostics if d.code == "pptx-layout"]
    assert layout == []  # the default decks keep every layout rule (the other variants: below)
    table: dict[Path, dict[str, Path]] = {}
    for r in results:
        assert r.output is not None
        table.setdefault(r.source, {})[r.format] = r.output
    return table


_id = corpus_id


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_epub_is_valid(post: Path | None, exported: dict[Path, dict[str, Path]]) -> None:
    assert post is not None
    messages = epubcheck(exported[post]["epub"])
    errors = [m for m in messages if m[0] in ("ERROR", "FATAL")]
    assert errors == []
    for level, ident, text in messages:  # warnings are reported, not fatal here
        print(f"{_id(post)}: {level} {ident} {text}")


def _html_file_text(path: Path) -> str:
    return html_text(path.read_text(encoding="utf-8"))


READERS: dict[str, Callable[[Path], str]] = {
    "epub": epub_text,
    "pdf": pdf_text,
    "pptx": pptx_text,
    "html": _html_file_text,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_words_are_kept(post: Path | None, fmt: str, exported: dict[Path, dict[str, Path]]) -> None:
    assert post is not None
    expected = source_words(post)
    present = set(words(READERS[fmt](exported[post][fmt])))
    missing = [w for w in expected if w not in present]
    share = 1 - len(missing) / max(1, len(expected))
    assert share >= 0.99, f"{len(missing)} of {len(expected)} words missing: {sorted(set(missing))[:30]}"


@pytest.fixture(scope="module")
def text_layers(exported: dict[Path, dict[str, Path]]) -> dict[Path, list[str]]:
    """Each PDF's text-layer problems (see pdf_extract). pdfminer.six and pypdf take minutes
    over the corpora, so the PDFs are read in as many processes as there are CPUs."""
    require_tool("pdftotext")
    require_tool("pdffonts")
    pdfs = {post: outputs["pdf"] for post, outputs in exported.items()}
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return dict(zip(pdfs, pool.map(text_layer_problems, pdfs.values()), strict=True))


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_every_reader_reads_the_pdf(post: Path | None, text_layers: dict[Path, list[str]]) -> None:
    """poppler, pdfminer.six and pypdf all read the text (tests/pdf_extract.py)."""
    assert post is not None
    assert text_layers[post] == []


def _collisions(pdf: Path) -> list[str]:
    return [str(finding) for finding in check_pdf(pdf)]


@pytest.fixture(scope="module")
def collisions(exported: dict[Path, dict[str, Path]]) -> dict[Path, list[str]]:
    """Each PDF's pages checked for text over text, lines through text and text off the page
    (tests/pdf_layout_check.py), in as many processes as there are CPUs."""
    require_tool("pdftotext")  # the reference for "pdfminer sees all the text it checks"
    pdfs = {post: outputs["pdf"] for post, outputs in exported.items()}
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return dict(zip(pdfs, pool.map(_collisions, pdfs.values()), strict=True))


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_no_text_collides_on_any_pdf_page(post: Path | None, collisions: dict[Path, list[str]]) -> None:
    assert post is not None
    assert collisions[post] == []


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_ids_are_unique(post: Path | None, exported: dict[Path, dict[str, Path]]) -> None:
    assert post is not None
    problems = {fmt: duplicate_ids(exported[post][fmt]) for fmt in ("epub", "html", "pptx")}
    assert problems == {"epub": [], "html": [], "pptx": []}


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_every_image_on_disk_is_embedded(post: Path | None, exported: dict[Path, dict[str, Path]]) -> None:
    assert post is not None
    doc = load_post(post)
    resolver = ResourceResolver(
        post_dir=post.parent, site_root=doc.meta.site_root, site_url=doc.meta.site_url
    )
    refs = [i.src for i in iter_images(doc.blocks)] + ([doc.meta.image] if doc.meta.image else [])
    # As the book holds them: scaled down to the default size when larger, else as they are.
    expected = {downscale(r, DEFAULT_MAX_PX).name for r in (resolver.image(ref) for ref in refs) if r}
    with zipfile.ZipFile(exported[post]["epub"]) as z:
        stored = {Path(n).name for n in z.namelist() if n.startswith("EPUB/images/")}
    assert expected <= stored
    assert all(name.endswith(".svg") for name in stored - expected)  # typeset math, nothing else
    html = exported[post]["html"].read_text(encoding="utf-8")
    assert html.count('src="data:image/') >= len(expected) - (1 if doc.meta.image else 0)


SLIDE_VARIANTS = ("default", "serif", "dark-4x3")
# Every deck is drawn with the default theme; the other variants take turns over the posts
# (each post in one of them), which keeps CI within its time. EXPORT_POST_ALL_VARIANTS=1
# draws every post in every variant.
ALL_VARIANTS = os.environ.get("EXPORT_POST_ALL_VARIANTS") == "1"
SLIDE_CASES = [
    (post, variant)
    for index, post in enumerate(POSTS)
    for variant in SLIDE_VARIANTS
    if ALL_VARIANTS or variant in ("default", SLIDE_VARIANTS[1 + index % (len(SLIDE_VARIANTS) - 1)])
]


@pytest.fixture(scope="module")
def slide_reports(
    exported: dict[Path, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[Path, str], tuple[Report, list[str]]]:
    """Every post's deck with the default theme, and with the serif theme or a 4:3 reference
    deck (``SLIDE_CASES``), drawn by LibreOffice, with the layout problems the exporter
    reported."""
    work = tmp_path_factory.mktemp("corpus-slides")
    dark = build_dark_template(work / "dark-4x3.pptx")
    variants: dict[str, dict[str, Any]] = {
        "serif": {"theme": "serif"},
        "dark-4x3": {"reference_pptx": str(dark)},
    }
    decks: dict[tuple[Path, str], Path] = {}
    problems: dict[tuple[Path, str], list[str]] = {}
    jobs: dict[tuple[Path, str], tuple[Path, dict[str, Any], Path]] = {}
    for index, (post, name) in enumerate(SLIDE_CASES):
        assert post is not None
        if name == "default":
            decks[post, name] = exported[post]["pptx"]
            problems[post, name] = []  # checked in `exported`
        else:
            decks[post, name] = work / f"{index:03d}-{name}.pptx"
            jobs[post, name] = (post, variants[name], decks[post, name])
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        problems.update(zip(jobs, pool.map(_variant_deck, jobs.values()), strict=True))
        copies = {key: _copy_as(deck, work / f"{i:03d}.pptx") for i, (key, deck) in enumerate(decks.items())}
        pdfs = render_pdfs(list(copies.values()), work / "pdf")
        reports = pool.map(check_rendered, copies.values(), (pdfs[c] for c in copies.values()))
        return {key: (report, problems[key]) for key, report in zip(copies, reports, strict=True)}


def _variant_deck(job: tuple[Path, dict[str, Any], Path]) -> list[str]:
    """Export one post's deck with other settings; the layout problems the exporter reported."""
    post, options, deck = job
    reporter = Reporter()
    export(load_post(post), "pptx", deck, reporter=reporter, **options)
    return [d.message for d in reporter.diagnostics if d.code == "pptx-layout"]


def _copy_as(deck: Path, target: Path) -> Path:
    if deck != target:
        shutil.copyfile(deck, target)
    return target


# Open defects, each seen in CI and not yet fixed: the case fails until the fix lands, and a
# fix makes it an unexpected pass (strict), so this list only shrinks.
KNOWN_SLIDE_DEFECTS: dict[tuple[str, str], str] = {}


def _slide_case(post: Path | None, variant: str) -> Any:
    name = _id(post)
    known = KNOWN_SLIDE_DEFECTS.items()
    reasons = [why for (where, v), why in known if v == variant and name.startswith(where)]
    marks = [pytest.mark.xfail(strict=True, reason=reasons[0])] if reasons else []
    return pytest.param(post, variant, marks=marks, id=f"{name}-{variant}")


@pytest.mark.render
@pytest.mark.parametrize(("post", "variant"), [_slide_case(p, v) for p, v in SLIDE_CASES])
def test_slides_draw_every_character_in_place(
    post: Path | None, variant: str, slide_reports: dict[tuple[Path, str], tuple[Report, list[str]]]
) -> None:
    assert post is not None
    report, problems = slide_reports[post, variant]
    assert problems == []  # every box holds its text by our measurement, at or above the minimum
    assert report.problems() == {}  # and LibreOffice draws it there
