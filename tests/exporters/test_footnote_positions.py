"""A footnote cited anywhere a post can cite one reaches every format: its call is there,
its text is there, and in EPUB and HTML the two link to each other.

Positions: a paragraph, headings, header and body cells of a kramdown table, a caption, list
items (nested too), a block quote, the epigraph, a term and its definition, a link's text,
emphasis, strong text, quotation marks, ``markdown="1"`` HTML, another footnote; a note
cited again in a later chapter; a note holding code, a list and a formula.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from export_post import Document, load_post, render

from ..support import epub_text, epubcheck, html_text, pdf_text, pptx_text, words
from ..validators import check_html

POST = """---
title: Footnotes everywhere
---
> The epigraph cites.[^epi]

Intro paragraph cites.[^para]

# Heading cites[^head]

Under the heading.

## Subheading cites[^sub]

- Item cites[^item]
  - Nested item cites[^nested]

> Quote cites[^quote]

Term cites[^term]
: Definition cites[^def]

| Head cites[^th] | B |
|-----------------|---|
| Cell cites[^td] | *emph cites[^emph]* |

![A chart](/assets/chart.png)

Caption cites[^cap]
{:.figcaption}

A [link cites[^link]](https://example.com/), **strong cites[^strong]** and "quoted cites[^quoted]".

<div class="box" markdown="1">
Boxed cites[^box].
</div>

Outer cites[^outer] and blocks cite[^blocks].

# Later chapter cites again[^para]

Again[^head], and a new one[^late].

[^epi]: zepigraph note.
[^para]: zparagraph note.
[^head]: zheading note.
[^sub]: zsubheading note.
[^item]: zitem note.
[^nested]: znested note.
[^quote]: zquote note.
[^term]: zterm note.
[^def]: zdefinition note.
[^th]: zheadercell note.
[^td]: zcell note.
[^emph]: zemph note.
[^cap]: zcaption note.
[^link]: zlink note.
[^strong]: zstrong note.
[^quoted]: zquoted note.
[^box]: zbox note.
[^outer]: zouter note cites an inner one[^inner].
[^inner]: zinner note.
[^late]: zlate note.
[^blocks]: zblocks note.

    ```
    zcodeinnote = 1
    ```

    - zlistinnote
"""

NOTE_WORDS = sorted(set(re.findall(r"\bz[a-z]+", POST)))
HEADINGS = ["Heading cites", "Subheading cites", "Later chapter cites again"]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    site = tmp_path_factory.mktemp("notes")
    (site / "_config.yml").write_text("title: S\n")
    (site / "assets").mkdir()
    PILImage.new("RGB", (480, 320), (40, 120, 160)).save(site / "assets" / "chart.png")
    post = site / "_posts" / "2024-01-01-notes.md"
    post.parent.mkdir()
    post.write_text(POST, encoding="utf-8")
    document = load_post(post)
    assert not [d for d in document.diagnostics if d.severity.value == "warning"]
    return document


def _missing(text: str) -> list[str]:
    present = set(words(text))
    return [w for w in NOTE_WORDS if w not in present]


def _dangling_fragments(markup: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', markup))
    return [href for href in re.findall(r'\bhref="#([^"]+)"', markup) if href not in ids]


def test_epub_every_note_called_linked_both_ways_and_valid(doc: Document, tmp_path: Path) -> None:
    out = tmp_path / "n.epub"
    out.write_bytes(render(doc, "epub"))
    assert epubcheck(out) == []
    assert _missing(epub_text(out)) == []
    with zipfile.ZipFile(out) as z:
        chapters = {n: z.read(n).decode() for n in z.namelist() if re.search(r"section-\d+\.xhtml$", n)}
    for name, markup in chapters.items():
        assert _dangling_fragments(markup) == [], name
        calls = set(re.findall(r'class="footnote-ref" id="[^"]+" href="#fn-(\d+)"', markup))
        notes = set(re.findall(r'<li id="fn-(\d+)"', markup))
        assert calls <= notes and notes, name
    assert "[^" not in epub_text(out)


def test_html_every_note_called_linked_both_ways_and_well_formed(doc: Document, tmp_path: Path) -> None:
    out = tmp_path / "n.html"
    out.write_bytes(render(doc, "html"))
    markup = out.read_text(encoding="utf-8")
    assert check_html(out) == []
    assert _dangling_fragments(markup) == []
    assert not re.search(r"<a\b[^>]*>(?:(?!</a>).)*<a\b", markup, re.S), "a link inside a link"
    text = html_text(markup)
    assert _missing(text) == [] and "[^" not in text
    assert len(re.findall(r'<li id="fn-\d+"', markup)) == len(re.findall(r"(?m)^\[\^\w+\]:", POST))


def test_pdf_every_note_at_the_page_foot_and_bookmarks_without_calls(doc: Document, tmp_path: Path) -> None:
    out = tmp_path / "n.pdf"
    out.write_bytes(render(doc, "pdf"))
    text = pdf_text(out)
    assert _missing(text) == [] and "[^" not in text

    def titles(outline: Iterable[object]) -> list[str]:
        found: list[str] = []
        for entry in outline:
            found += titles(entry) if isinstance(entry, list) else [str(getattr(entry, "title", ""))]
        return found

    assert titles(PdfReader(out).outline)[1:] == HEADINGS  # after the post title
    with pdfplumber.open(out) as pdf:  # the running header: the text above the page's top margin
        headers = [page.crop((0, 0, page.width, 60)).extract_text() for page in pdf.pages[1:]]
    assert any("Subheading cites" in h for h in headers)
    assert not [h for h in headers if re.search(r"cites\d", h)], headers


def test_pptx_every_note_in_the_deck(doc: Document, tmp_path: Path) -> None:
    out = tmp_path / "n.pptx"
    out.write_bytes(render(doc, "pptx"))
    text = pptx_text(out)
    assert _missing(text) == [] and "[^" not in text
