"""Every page of the PDF of every real post in the shared corpora, checked for collisions:
text over text, lines and box edges through text, text off the page (``pdf_layout_check``).

The corpora are ``EXPORT_POST_CORPUS`` and ``EXPORT_POST_CORPUS_MORE`` (else
``../shared/corpus`` and ``../shared/corpus-more``). Without them the test is skipped (or
fails under ``EXPORT_POST_REQUIRE_ALL=1``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from export_post.api import export_many

from .pdf_layout_check import check_pdf
from .support import corpus_id, corpus_posts, require_corpora, require_tool

pytestmark = pytest.mark.corpus
POSTS: list[Path | None] = [*corpus_posts()] or [None]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    require_corpora()  # skips (or fails in CI) without the corpora
    require_tool("pdftotext")  # the reference for "pdfminer sees all the text it checks"
    out = tmp_path_factory.mktemp("corpus-pdf")
    results = export_many([p for p in POSTS if p is not None], ["pdf"], out, jobs=2)
    assert [r.error for r in results if not r.ok] == []
    return {r.source: r.output for r in results if r.output is not None}


@pytest.mark.parametrize("post", POSTS, ids=[corpus_id(p) for p in POSTS])
def test_no_text_collides_on_any_page(post: Path | None, pdfs: dict[Path, Path]) -> None:
    assert post is not None
    findings = [str(f) for f in check_pdf(pdfs[post])]
    assert findings == []
