"""Every real post of both shared corpora, as a PDF that poppler, pdfminer.six and pypdf all read
(marked ``corpus``; see tests/pdf_extract.py for what "read" means).

The corpora are EXPORT_POST_CORPUS (else ``../shared/corpus``) and ``corpus-more`` beside it.
Only the PDF is exported here, once per post, into one module-scoped folder.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from export_post.api import export_many

from .pdf_extract import text_layer_problems
from .support import ROOT, corpus_dir, require_tool

pytestmark = pytest.mark.corpus


def _corpus_roots() -> list[Path]:
    value = os.environ.get("EXPORT_POST_CORPUS")
    first = Path(value) if value else ROOT.parent / "shared" / "corpus"
    return [first, first.parent / "corpus-more"]


def corpus_posts() -> list[Path]:
    return sorted(
        post
        for root in _corpus_roots()
        if root.is_dir()
        for post in root.glob("*/_posts/**/*")
        if post.suffix in (".md", ".markdown")
    )


POSTS: list[Path | None] = [*corpus_posts()] or [None]


def _id(post: Path | None) -> str:
    if post is None:
        return "no-corpus"
    root = next(r for r in _corpus_roots() if post.is_relative_to(r))
    return f"{root.name}/{post.relative_to(root)}"


JOBS = 2


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[str]]:
    """Each post's text-layer problems. pdfminer.six and pypdf take minutes over the corpora,
    so the PDFs are read in ``JOBS`` processes, as they were written."""
    corpus_dir()  # skips (or fails when EXPORT_POST_CORPUS is set) without a corpus
    require_tool("pdftotext")
    require_tool("pdffonts")
    out = tmp_path_factory.mktemp("corpus-pdf-text")
    results = export_many([p for p in POSTS if p is not None], ["pdf"], out, jobs=JOBS)
    assert [r.error for r in results if not r.ok] == []
    pdfs = {r.source: r.output for r in results if r.output is not None}
    with ProcessPoolExecutor(JOBS) as pool:
        return dict(zip(pdfs, pool.map(text_layer_problems, pdfs.values()), strict=True))


@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_every_reader_reads_the_pdf(post: Path | None, problems: dict[Path, list[str]]) -> None:
    assert post is not None
    assert problems[post] == []
