"""The collision checker (tests/pdf_layout_check.py) on pages made to collide, and on pages
that only look like collisions to a naive check: underlines, strike-through, code and table
backgrounds, borders, marks on Arabic and Hebrew letters, CJK, superscripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from .pdf_layout_check import PageContent, Rect, check_pdf, read_pages, unreadable_pages
from .support import require_tool

STYLE = """
@page { size: A5; margin: 15mm; }
body { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans CJK SC"; font-size: 10pt;
       line-height: 1.5; }
code { background: #eee; padding: 0.05em 0.25em; border-radius: 3px; }
pre { background: #f5f5f5; border-left: 3px solid #ccc; padding: 0.5em; }
blockquote { border-inline-start: 3px solid teal; padding-inline-start: 1em; margin-inline: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #999; padding: 0.3em; }
th { background: #e8eefb; border-bottom: 2px solid teal; }
a { border-bottom: 0.4pt solid teal; }
.under { text-decoration: underline; }
"""


def render(tmp_path: Path, body: str, css: str = "", *, lang: str = "en", direction: str = "ltr") -> Path:
    from weasyprint import HTML

    html = (
        f'<html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"/>'
        f"<style>{STYLE}{css}</style></head><body>{body}</body></html>"
    )
    pdf = tmp_path / "page.pdf"
    HTML(string=html).write_pdf(pdf, pdf_tags=True)
    return pdf


def kinds(pdf: Path) -> list[str]:
    return [finding.kind for finding in check_pdf(pdf)]


def test_text_that_merely_looks_crowded_is_not_a_collision(tmp_path: Path) -> None:
    body = """
    <h1 style="line-height: 1.1">A heading long enough to wrap onto a second line at this size</h1>
    <p>Text with a <a href="https://example.com">link underlined by a border</a>, an
    <span class="under">underline that dips into the descenders of gyp</span>, <del>struck text with
    <code>code</code> at its end</del>, inline <code>code with a background</code>, a note<sup>12</sup>,
    and accents: Ǻngström, Ṩeñor, Ḝ, Vietnamese Tiếng Việt.</p>
    <pre>def f(x):\n    return x  # code on its background</pre>
    <blockquote><p>A quotation beside its border.</p></blockquote>
    <table><tr><th>Name</th><th>Value</th></tr><tr><td>alpha</td><td>1</td></tr>
    <tr><td>beta, a longer cell that wraps onto another line of the cell</td><td>2</td></tr></table>
    <p lang="ar" dir="rtl">بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ، نص عربي مع تشكيل كامل
    يملأ السطر حتى ينتقل إلى السطر التالي.</p>
    <p lang="he" dir="rtl">בְּרֵאשִׁית בָּרָא אֱלֹהִים אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ, טקסט עברי עם ניקוד.</p>
    <p lang="zh">比特币核心开发者在二〇一五年发布了扩容路线图，
    本文回答其中最常见的问题，并说明隔离见证的作用。</p>
    <div style="border: 1px dashed #555; padding: 2em 1em">A dashed block around its text</div>
    """
    assert check_pdf(render(tmp_path, body)) == []


def test_lines_of_text_drawn_over_each_other(tmp_path: Path) -> None:
    body = """
    <p>The first paragraph, one line.</p>
    <p style="margin-top: -2em">A second paragraph pulled up over the first one.</p>
    """
    assert kinds(render(tmp_path, body)) == ["text-overlap"]


def test_an_inline_box_taller_than_its_line_crosses_the_lines_around_it(tmp_path: Path) -> None:
    # The defect of the image placeholder: an inline box with vertical padding (here as the
    # theme drew it before) outlines more than its own line.
    body = """
    <p style="text-align: center">A line of text before the picture that fills the line, and then the
    box <span style="border: 1px dashed #555; padding: 2em 1em">[a missing picture]</span> inside the
    line, with more words after it so that the paragraph wraps onto a third line of text.</p>
    """
    found = check_pdf(render(tmp_path, body))
    assert found and {f.kind for f in found} == {"line-through-text"}
    assert "dashed" in found[0].detail


def test_text_cut_by_the_edge_of_a_background(tmp_path: Path) -> None:
    body = """
    <div style="background: #ddd; padding: 0.5em; height: 1.8em">A box with a background and more text
    than its fixed height holds, so that its second line runs out of it.</div>
    """
    assert kinds(render(tmp_path, body)) == ["box-edge-through-text"]


def test_text_hidden_under_a_background_painted_later(tmp_path: Path) -> None:
    # Backgrounds of blocks are painted before all text; a positioned box is painted after.
    body = """
    <p>A paragraph of text with its last line under the box below it, which is pulled up.</p>
    <div style="position: relative; background: #ddd; margin-top: -2em; padding: 1em">A box.</div>
    """
    assert "text-covered" in kinds(render(tmp_path, body))


def test_a_border_painted_through_text(tmp_path: Path) -> None:
    body = """
    <p>Some words on a line, then more words on a second line below it so that the border crosses.</p>
    <div style="border-top: 2pt solid #333; margin-top: -1.9em; height: 3em"></div>
    """
    assert kinds(render(tmp_path, body)) == ["line-through-text"]


def test_text_off_the_page(tmp_path: Path) -> None:
    body = '<p style="white-space: nowrap">' + "unbreakable-" * 30 + "</p>"
    assert kinds(render(tmp_path, body)) == ["text-off-page"]


def test_text_in_a_picture_is_the_picture_s_own(tmp_path: Path) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
        '<line x1="0" y1="30" x2="200" y2="30" stroke="black"/>'
        '<text x="10" y="34" font-size="14">label on the line</text></svg>'
    )
    (tmp_path / "d.svg").write_text(svg)
    from weasyprint import HTML

    pdf = tmp_path / "svg.pdf"
    html = f'<html><body><p>Text.</p><img src="{tmp_path / "d.svg"}"/></body></html>'
    HTML(string=html, base_url=str(tmp_path)).write_pdf(pdf, pdf_tags=True)
    assert check_pdf(pdf) == []


def test_a_page_whose_text_pdfminer_cannot_read_is_reported(tmp_path: Path) -> None:
    require_tool("pdftotext")
    pdf = render(tmp_path, "<p>" + "Readable words on the page. " * 20 + "</p>")
    pages = list(read_pages(pdf))
    assert unreadable_pages(pdf, pages) == []
    blind = [PageContent(p.number, p.box, characters=0) for p in pages]  # as if no glyph were read
    assert [f.kind for f in unreadable_pages(pdf, blind)] == ["text-unreadable"]


@pytest.mark.parametrize(
    ("core", "box", "inside"),
    [(Rect(1, 1, 2, 2), Rect(0, 0, 3, 3), True), (Rect(1, 1, 4, 2), Rect(0, 0, 3, 3), False)],
)
def test_rect_inside(core: Rect, box: Rect, inside: bool) -> None:
    assert core.inside(box, 0.0) is inside
