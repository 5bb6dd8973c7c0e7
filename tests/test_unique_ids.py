"""Every id in every output is unique (EPUB parts, HTML page, PPTX parts): on the sample, on a
post with many authors, and on every real post of the corpora (marked ``corpus``).

The corpora are the folders in ``EXPORT_POST_CORPUS`` (several joined with ``os.pathsep``),
else ``../shared/corpus`` and ``../shared/corpus-more`` where they exist; without any, the
corpus cases skip.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from export_post import load_post, render
from export_post.api import export_many

from .support import REQUIRE_ALL, ROOT
from .unique_ids import duplicate_ids

FORMATS = ("epub", "html", "pptx")


def corpus_roots() -> list[Path]:
    value = os.environ.get("EXPORT_POST_CORPUS")
    if value:
        return [Path(part) for part in value.split(os.pathsep) if part]
    shared = ROOT.parent / "shared"
    return [root for root in (shared / "corpus", shared / "corpus-more") if root.is_dir()]


def corpus_posts() -> list[Path]:
    return sorted(
        post
        for root in corpus_roots()
        if root.is_dir()
        for post in root.glob("*/_posts/**/*")
        if post.suffix in (".md", ".markdown")
    )


POSTS: list[Path | None] = [*corpus_posts()] or [None]


def _id(post: Path | None) -> str:
    return f"{post.parents[2].name}/{post.parent.parent.name}/{post.name}" if post else "no-corpus"


# --------------------------------------------------------------------- the checker


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


def test_the_checker_finds_repeated_ids(tmp_path: Path) -> None:
    opf = '<package xmlns="http://www.idpf.org/2007/opf"><a id="creator"/><b id="creator"/></package>'
    page = '<html xmlns="http://www.w3.org/1999/xhtml"><body><p id="x"/></body></html>'
    book = tmp_path / "b.epub"
    book.write_bytes(_zip({"EPUB/content.opf": opf, "EPUB/a.xhtml": page, "EPUB/b.xhtml": page}))
    assert duplicate_ids(book) == [
        "EPUB/content.opf: id 'creator' appears 2 times",
        "content documents together: id 'x' appears 2 times",
    ]
    html = tmp_path / "p.html"
    html.write_text('<p id="a">x</p><svg><g id="a"/></svg>')
    assert duplicate_ids(html) == ["p.html: id 'a' appears 2 times"]
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    slide = f'<p:sld xmlns:p="{p}"><p:cNvPr id="2"/><p:cNvPr id="2"/></p:sld>'
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1"/><Relationship Id="rId1"/></Relationships>'
    )
    deck = tmp_path / "d.pptx"
    deck.write_bytes(_zip({"ppt/slides/slide1.xml": slide, "ppt/slides/_rels/slide1.xml.rels": rels}))
    assert sorted(duplicate_ids(deck)) == [
        "ppt/slides/_rels/slide1.xml.rels: id 'rId1' appears 2 times",
        "ppt/slides/slide1.xml: id '2' appears 2 times",
    ]


# ----------------------------------------------------------------------- our posts


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_ids_are_unique(sample_outputs: dict[str, Path], fmt: str) -> None:
    assert duplicate_ids(sample_outputs[fmt]) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_many_authors_ids_are_unique(site: Path, fmt: str, tmp_path: Path) -> None:
    authors = "".join(
        f"  - name: Author {i}\n    url: https://example.org/{i}\n    affiliations: {{name: Lab {i}}}\n"
        for i in range(12)
    )
    post = site / "_posts" / "2024-06-10-together.md"
    post.write_text(
        f"---\ntitle: Together\nauthors:\n{authors}---\n{{:toc}}\n\n## A\n\nText[^1].\n\n## B\n\n### C\n\n"
        "[^1]: Note.\n",
        encoding="utf-8",
    )
    output = tmp_path / f"out.{fmt}"
    output.write_bytes(render(load_post(post), fmt))
    assert duplicate_ids(output) == []


# -------------------------------------------------------------------- real posts


@pytest.fixture(scope="module")
def corpus_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[Path, str], Path]:
    if POSTS == [None]:
        message = "no corpus found; set EXPORT_POST_CORPUS to folders of real posts"
        if REQUIRE_ALL or os.environ.get("EXPORT_POST_CORPUS"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("ids")
    results = export_many([p for p in POSTS if p is not None], FORMATS, out, jobs=os.cpu_count() or 1)
    assert [r.error for r in results if not r.ok] == []
    return {(r.source, r.format): r.output for r in results if r.output is not None}


@pytest.mark.corpus
@pytest.mark.parametrize("post", POSTS, ids=[_id(p) for p in POSTS])
def test_corpus_ids_are_unique(post: Path | None, corpus_outputs: dict[tuple[Path, str], Path]) -> None:
    assert post is not None
    problems = {fmt: duplicate_ids(corpus_outputs[post, fmt]) for fmt in FORMATS}
    assert problems == {fmt: [] for fmt in FORMATS}
