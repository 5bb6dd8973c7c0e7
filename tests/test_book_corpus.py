"""Books of real sites (marked ``corpus``): every post of a corpus site as one EPUB (EPUBCheck
clean, every word kept) and, for one site, one PDF whose contents page numbers are the pages
its outline points at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from export_post import Document
from export_post.book import export_book
from export_post.reader import plain_text_of

from .support import (
    corpus_roots,
    epub_text,
    epubcheck,
    pdf_text,
    require_corpora,
    source_words,
    words,
)

pytestmark = pytest.mark.corpus
# One site for CI time (about 20 s); travisdowns (5 long posts, corpus-more) passed the same
# checks by hand when books were added: EPUBCheck 0/0, contents pages = outline pages.
SITES = {"epub": ["LazyRen__LazyRen.github.io"], "pdf": ["LazyRen__LazyRen.github.io"]}
EPOCH = 1_700_000_000


def _site(name: str) -> Path:
    require_corpora()
    for root in corpus_roots():
        if (root / name / "_posts").is_dir():
            return root / name
    pytest.skip(f"{name} is not in the corpora")


@pytest.mark.parametrize("name", SITES["epub"])
def test_corpus_site_as_epub_book(name: str, tmp_path: Path) -> None:
    site = _site(name)
    [result] = export_book([site], ["epub"], tmp_path, source_date_epoch=EPOCH)
    assert result.error is None and result.output is not None
    assert epubcheck(result.output) == []
    _every_word_kept(site, epub_text(result.output))


@pytest.mark.parametrize("name", SITES["pdf"])
def test_corpus_site_as_pdf_book(name: str, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from pypdf.generic import Destination

    site = _site(name)
    [result] = export_book([site], ["pdf"], tmp_path, source_date_epoch=EPOCH)
    assert result.error is None and result.output is not None
    reader = PdfReader(result.output)
    chapters = {
        str(item.title): (reader.get_destination_page_number(item) or 0) + 1
        for item in reader.outline
        if isinstance(item, Destination)
    }
    titles = [d.meta.title for d in _documents(site)]
    assert sorted(chapters) == sorted(titles)  # every chapter in the outline
    contents = " ".join((page.extract_text() or "") for page in reader.pages[:6])
    contents = re.sub(r"\s+", " ", contents)
    for title, page in chapters.items():
        printed = re.search(re.escape(" ".join(title.split())) + r"\s*(?:\.\s*)+(\d+)", contents)
        assert printed is not None and int(printed[1]) == page, title
    _every_word_kept(site, pdf_text(result.output))


def _every_word_kept(site: Path, text: str) -> None:
    """Every word of each post's body as read is in the book, and (as tests/test_corpus.py asks
    of a post's own export) 99% of the words of its source. A PDF's text layer glues a footnote's
    number to the word that calls it ("claimed31"): such a word counts without its digits."""
    present = set(words(text))
    present |= {re.sub(r"\d+$", "", word) for word in present}
    for document in _documents(site):
        body = [w for w in words(plain_text_of(document.blocks)) if w not in present]
        assert body == [], document.meta.source_path
        expected = source_words(document.meta.source_path)  # type: ignore[arg-type]
        missing = {w for w in expected if w not in present}
        assert len(missing) <= len(set(expected)) // 100, document.meta.source_path


def _documents(site: Path) -> list[Document]:
    from export_post import load_post

    return [load_post(p) for p in sorted((site / "_posts").glob("*.md"))]
