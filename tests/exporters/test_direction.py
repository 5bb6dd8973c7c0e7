"""Right-to-left posts: everything directional follows the post's direction, in every format.

The PDF is checked by geometry (where poppler finds the words, where the borders are
painted), the deck by its paragraphs' ``algn``/``rtl`` and its shapes' positions, the EPUB by
its package document and EPUBCheck. Text that runs against the post's direction (English in
Hebrew, code, an ISO date after Arabic letters) keeps its own order."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage
from pptx import Presentation
from pptx.presentation import Presentation as PresentationFile

from export_post import Document, load_post, render

from ..pdf_layout_check import check_pdf, read_pages
from ..support import epubcheck, require_tool, run

MM = 72 / 25.4
A4_WIDTH = 595.28
MARGIN = 20 * MM + 6  # print.css: the side margins of pages and cover, plus the body's 8px
RIGHT = A4_WIDTH - MARGIN  # where text set from the right ends

HEBREW = """\
---
title: "מדריך קצר לכתיבה בעברית"
description: "איך לכתוב טוב יותר, צעד אחר צעד"
author: שקד קליין
lang: he
date: 2024-01-01
{cover}---

* toc
{{:toc}}

> הדבר היחיד שקבוע הוא השינוי. – הרקליטוס

פסקת פתיחה עם קוד כמו `-m "msg"` בתוך הטקסט, ועוד מילים כדי למלא את השורה עד סופה ולעבור לשורה הבאה.[^1]

Hello, world! An English paragraph in a Hebrew post keeps its own direction.

## פרק ראשון

- פריט ראשון ברשימה
- פריט שני

> ציטוט עם גבול בצד ההתחלה של השורה, שהוא הצד הימני בעברית.

```python
def shalom(name):
    return name
```

## פרק שני

| שם | גרסה |
|----|------|
| אלפא | 1 |
| בטא | 2 |

[^1]: הערת שוליים בעברית.
"""


@pytest.fixture(scope="module")
def hebrew_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hebrew")
    (site / "_posts").mkdir()
    (site / "assets").mkdir()
    PILImage.new("RGB", (1600, 1000), (90, 70, 140)).save(site / "assets" / "cover.jpg")
    (site / "_posts" / "2024-01-01-plain.md").write_text(HEBREW.format(cover=""), encoding="utf-8")
    (site / "_posts" / "2024-01-02-cover.md").write_text(
        HEBREW.format(cover="image: /assets/cover.jpg\n"), encoding="utf-8"
    )
    return site


@pytest.fixture(scope="module")
def plain(hebrew_site: Path) -> Document:
    return load_post(hebrew_site / "_posts" / "2024-01-01-plain.md")


@pytest.fixture(scope="module")
def covered(hebrew_site: Path) -> Document:
    return load_post(hebrew_site / "_posts" / "2024-01-02-cover.md")


@pytest.fixture(scope="module")
def covered_pdf(covered: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = tmp_path_factory.mktemp("pdf") / "cover.pdf"
    pdf.write_bytes(render(covered, "pdf"))
    return pdf


@pytest.fixture(scope="module")
def plain_pdf(plain: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = tmp_path_factory.mktemp("pdf") / "plain.pdf"
    pdf.write_bytes(render(plain, "pdf"))
    return pdf


# ----------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class Word:
    text: str  # as poppler reads it: right-to-left words come out in visual order
    x0: float
    top: float
    x1: float
    bottom: float


def words(pdf: Path, page: int) -> list[Word]:
    """The words poppler finds on a page (1-based), with their boxes (top-down y)."""
    tool = require_tool("pdftotext")
    out = run([tool, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"]).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    found = re.findall(pattern, out)
    return [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def visual(text: str) -> str:
    """A Hebrew word as poppler gives it (in visual order)."""
    return text[::-1]


def find(found: list[Word], *texts: str) -> list[Word]:
    return [w for w in found if w.text in texts]


def test_the_cover_title_is_set_from_the_right(covered_pdf: Path) -> None:
    title = find(words(covered_pdf, 1), *(visual(w) for w in ["מדריך", "קצר", "לכתיבה", "בעברית"]))
    assert len(title) == 4
    assert max(w.x1 for w in title) == pytest.approx(RIGHT, abs=2)  # flush right
    assert min(w.x0 for w in title) > MARGIN + 100  # a short title: far from the left


def test_the_running_header_is_mirrored(covered_pdf: Path) -> None:
    page = 3  # cover, contents, text
    top = [w for w in words(covered_pdf, page) if w.bottom < 24 * MM]
    title = find(top, visual("מדריך"), visual("בעברית"))
    section = find(top, visual("ראשון"))
    assert title and section
    assert min(w.x0 for w in title) > A4_WIDTH / 2  # the post's title on the right, the start side
    assert max(w.x1 for w in section) < A4_WIDTH / 2  # the section on the left
    assert max(w.x1 for w in title) == pytest.approx(A4_WIDTH - 20 * MM, abs=2)  # the page margin


def test_the_contents_and_footnotes_read_from_the_right(covered_pdf: Path) -> None:
    contents = words(covered_pdf, 2)
    entry = find(contents, visual("פרק"))[0]
    number = next(w for w in contents if w.text == "3" and abs(w.top - entry.top) < 3)
    assert number.x1 < entry.x0  # the page number on the left, after the dot leaders
    assert entry.x1 == pytest.approx(RIGHT, abs=2)
    text = words(covered_pdf, 3)
    note = find(text, visual("שוליים"))[0]
    assert note.top > 250 * MM  # at the foot of the page
    assert find(text, visual("הערת"))[0].x1 == pytest.approx(RIGHT, abs=12)  # after "1."


def test_lists_quotes_and_tables_start_on_the_right(covered_pdf: Path) -> None:
    text = words(covered_pdf, 3)
    item = find(text, visual("פריט"))[0]
    assert item.x1 < RIGHT - 5  # indented from the right, the bullet beside it
    first, second = find(text, visual("שם"))[0], find(text, visual("גרסה"))[0]
    assert first.x0 > second.x1  # the first column on the right
    assert find(text, visual("אלפא"))[0].x1 == pytest.approx(first.x1, abs=1)  # cells set from the right
    code = find(text, "def")[0]
    assert code.x0 < MARGIN + 20  # code stays left to right
    quote = find(text, visual("ציטוט"))[0]
    bars = [b for p in read_pages(covered_pdf) if p.number == 3 for b in p.bars]
    beside = [b for b in bars if b.y0 < 842 - quote.bottom < b.y1 and b.height > 5]
    assert beside and all(b.x0 > quote.x1 for b in beside)  # the quote's rule on its right


def test_text_against_the_post_s_direction_keeps_its_own(plain_pdf: Path) -> None:
    text = [w for page in (1, 2, 3) for w in words(plain_pdf, page)]
    hello = find(text, "Hello,")[0]
    assert hello.x0 == pytest.approx(MARGIN, abs=2)  # an English paragraph is set from the left
    assert find(text, "world!")  # "!" stays after "world", not at the far end of the line
    assert find(text, '"msg"')  # the code keeps its quotes in place


def test_without_a_cover_too_and_nothing_collides(plain_pdf: Path, covered_pdf: Path) -> None:
    title = find(words(plain_pdf, 1), visual("מדריך"))[0]
    assert title.x1 == pytest.approx(RIGHT, abs=2)
    assert check_pdf(plain_pdf) == [] and check_pdf(covered_pdf) == []


# ---------------------------------------------------------------------------- PPTX


def deck(document: Document) -> PresentationFile:
    return Presentation(io.BytesIO(render(document, "pptx")))


def paragraphs_with(prs: PresentationFile, text: str) -> list[Any]:
    return [
        p
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        if text in "".join(r.text for r in p.runs)
    ]


def test_slides_run_right_to_left(covered: Document) -> None:
    prs = deck(covered)
    width = int(prs.slide_width or 0)
    title = paragraphs_with(prs, "מדריך קצר")[0]
    assert title._p.pPr.get("rtl") == "1" and title._p.pPr.get("algn") == "r"
    english = paragraphs_with(prs, "Hello, world!")[0]
    assert english._p.pPr.get("rtl") is None
    assert english._p.pPr.get("algn") in (None, "l")
    code = next(r for p in paragraphs_with(prs, "msg") for r in p.runs if "msg" in r.text)
    assert code.text == '\u200e-m "msg"\u200e'  # held left to right inside the Hebrew sentence
    numbers = [s for slide in prs.slides for s in slide.shapes if s.name == "Slide number"]
    assert numbers and all(s.left + s.width < width / 2 for s in numbers)  # bottom left
    quote = next(
        s for slide in prs.slides for s in slide.shapes if s.has_text_frame and s.text_frame.text == "\u201d"
    )
    assert quote.left > width / 2  # the quote mark on the start side


def test_slide_tables_start_on_the_right(covered: Document) -> None:
    prs = deck(covered)
    table = next(s.table for slide in prs.slides for s in slide.shapes if s.has_table)
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["גרסה", "שם"]  # laid out from the right: the first column is the last cell
    cell = table.rows[1].cells[1].text_frame.paragraphs[0]
    assert cell._p.pPr.get("rtl") == "1" and cell._p.pPr.get("algn") == "r"


def test_the_byline_date_reads_left_to_right_in_arabic(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_text(
        "---\ntitle: عنوان\nauthor: أحمد علي\ndate: 2024-01-03\n---\n\nنص عربي قصير.\n", encoding="utf-8"
    )
    doc = load_post(post)
    assert doc.meta.direction == "rtl"
    byline = paragraphs_with(deck(doc), "2024-01-03")[0]
    assert "\u200e2024-01-03" in "".join(r.text for r in byline.runs)
    html = render(doc, "html").decode()
    assert '<time datetime="2024-01-03" dir="ltr">' in html


# ---------------------------------------------------------------------- EPUB, HTML


def test_the_book_reads_right_to_left(covered: Document, tmp_path: Path) -> None:
    book = tmp_path / "he.epub"
    book.write_bytes(render(covered, "epub"))
    with zipfile.ZipFile(book) as z:
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        title = z.read("EPUB/title.xhtml").decode()
    assert 'page-progression-direction="rtl"' in opf and re.search(r"<package [^>]*dir=\"rtl\"", opf)
    assert '<body dir="rtl">' in nav and "תוכן העניינים" in nav
    assert 'dir="rtl"' in title.split("<head>")[0] and '<body dir="rtl">' in title
    assert '<p dir="ltr">Hello, world!' in title
    assert [m for m in epubcheck(book) if m[0] in ("ERROR", "FATAL")] == []


def test_markup_gives_blocks_against_the_post_s_direction_their_own(plain: Document) -> None:
    html = render(plain, "html").decode()
    assert '<p dir="ltr">Hello, world!' in html
    assert '<body dir="rtl">' in html
    assert "<p>פסקת פתיחה" in html  # the post's own direction needs no attribute


def test_a_latin_title_in_an_arabic_post_is_isolated(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_text(
        "---\ntitle: Hello, world!\nlang: ar\n---\n\nنص عربي.\n\n## Section one\n", encoding="utf-8"
    )
    html = render(load_post(post), "html").decode()
    assert '<h1 class="post-title"><span dir="ltr">Hello, world!</span></h1>' in html
    assert '<h2 id="section-one" dir="ltr">Section one</h2>' in html


def test_a_quote_or_a_list_against_the_post_s_direction_takes_it_whole(tmp_path: Path) -> None:
    post = tmp_path / "q.md"
    post.write_text(
        "---\ntitle: כותרת\nlang: he\n---\n\nפתיחה.\n\n> An English quotation.\n\n"
        "- one\n- two\n\n1. אחד\n2. two\n",
        encoding="utf-8",
    )
    html = render(load_post(post), "html").decode()
    assert '<blockquote dir="ltr">' in html  # its rule on the left of its left-aligned text
    assert '<ul dir="ltr">\n<li dir="ltr">one</li>' in html  # a tight item is still set inline
    assert '<ol>\n<li>אחד</li>\n<li dir="ltr">two</li>' in html  # a mixed list keeps the post's
