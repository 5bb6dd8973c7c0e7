"""Footnotes, math, definition lists, abbreviations and right-to-left text in each format."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from export_post import Document, load_post, render

from ..support import FIXTURES, epubcheck

POST = FIXTURES / "features" / "_posts" / "2024-02-02-features.md"


@pytest.fixture(scope="module")
def doc() -> Document:
    return load_post(POST)


def test_epub_has_linked_footnotes_and_mathml(doc: Document, tmp_path: Path) -> None:
    out = tmp_path / "f.epub"
    out.write_bytes(render(doc, "epub"))
    assert epubcheck(out) == []
    with zipfile.ZipFile(out) as z:
        section = z.read("EPUB/section-01.xhtml").decode()
        opf = z.read("EPUB/content.opf").decode()
    assert 'epub:type="noteref"' in section and 'href="#fn-1"' in section
    assert '<li id="fn-1" value="1" epub:type="footnote">' in section
    assert "Everything here is made up for the tests." in section
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in section
    assert re.search(r'href="section-01.xhtml"[^>]*properties="mathml"', opf)
    assert '<abbr title="HyperText Markup Language">HTML</abbr>' in section
    assert "<dl>" in section and "<dt>Margin</dt>" in section


def test_pdf_footnote_sits_on_the_page_that_cites_it_and_math_is_drawn(doc: Document) -> None:
    reader = PdfReader(io.BytesIO(render(doc, "pdf")))
    pages = [p.extract_text() for p in reader.pages]
    cite = next(i for i, t in enumerate(pages) if "cite sources" in t)
    note = next(i for i, t in enumerate(pages) if "made up for the tests" in t)
    assert cite == note
    assert "$$" not in " ".join(pages) and "\\frac" not in " ".join(pages)


def test_html_uses_mathml_and_endnotes(doc: Document) -> None:
    html = render(doc, "html").decode()
    assert html.count("<math ") == 3  # two inline formulas and one display
    assert 'role="doc-endnotes"' in html and "epub:type" not in html


def test_slides_carry_footnotes_in_notes_and_show_math(doc: Document) -> None:
    prs = Presentation(io.BytesIO(render(doc, "pptx")))
    slides = list(prs.slides)
    body = slides[1]  # after the title slide: the first section (it has content, so no divider)
    notes = body.notes_slide.notes_text_frame.text
    assert "[1] Everything here is made up for the tests." in notes
    text = body.shapes.placeholders[1].text_frame.text
    assert "E = mc²" in text and "(a)/(b)" in text
    assert "Margin: The space around the content" in text
    equation = [s for s in slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert len(equation) == 1
    assert "\\sum_{k=1}^n" in equation[0].notes_slide.notes_text_frame.text


def test_right_to_left_posts(tmp_path: Path) -> None:
    post = tmp_path / "_posts" / "2024-01-01-rtl.md"
    post.parent.mkdir()
    post.write_text(
        "---\ntitle: عنوان\n---\n## بخش\n\nاین یک متن فارسی است که برای آزمایش نوشته شده است.\n\n"
        "```python\nprint('Beautiful is better than ugly.')\n```\n"
    )
    doc = load_post(post)
    assert (doc.meta.lang, doc.meta.direction) == ("fa", "rtl")
    assert "lang-guessed" in [d.code for d in doc.diagnostics]
    prs = Presentation(io.BytesIO(render(doc, "pptx")))
    p_pr = prs.slides[1].shapes.placeholders[1].text_frame.paragraphs[0]._p.pPr
    assert p_pr.get("rtl") == "1" and p_pr.get("algn") == "r"
    code = next(s for s in prs.slides[2].shapes if s.has_text_frame and "print(" in s.text_frame.text)
    assert code.text_frame.paragraphs[0]._p.pPr.get("rtl") is None  # code stays left to right
    html = render(doc, "html").decode()
    assert 'dir="rtl"' in html and '<pre class="highlight" data-lang="python" dir="ltr">' in html
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages)
    assert "print('Beautiful is better than ugly.')" in pdf


def test_math_aligned_is_mathml_and_stays_valid(tmp_path: Path) -> None:
    """``aligned`` (which latex2mathml reads only as ``align*``) is a MathML table now; the
    fallback to a picture when MathML cannot be made valid: tests/exporters/test_math.py."""
    post = tmp_path / "a.md"
    post.write_text("$$\n\\begin{aligned}\n  a &= b \\\\\n  c &= d\n\\end{aligned}\n$$\n")
    doc = load_post(post)
    out = tmp_path / "a.epub"
    out.write_bytes(render(doc, "epub"))
    assert epubcheck(out) == []
    with zipfile.ZipFile(out) as z:
        body = z.read("EPUB/title.xhtml").decode()
        svgs = [n for n in z.namelist() if n.endswith(".svg")]
    assert svgs == [] and body.count("<mtr>") == 2 and "<mi>&amp;</mi>" not in body
    assert "<mtable" in render(doc, "html").decode()
