"""Every id in every output is unique (EPUB parts, HTML page, PPTX parts): the checker, the
sample and a post with many authors. The real posts of the corpora are checked in
``test_corpus.py``, on the outputs exported there."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from export_post import load_post, render

from .unique_ids import duplicate_ids

FORMATS = ("epub", "html", "pptx")


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
