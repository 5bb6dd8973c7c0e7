"""Layouts for posts unlike the sample: no cover picture, a long title or description, missing
pictures inside lines of text, tables of many columns, formulas wider than the text. Each is
checked for what a reader sees (where poppler finds the words) and for collisions on every
page (``pdf_layout_check``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image as PILImage

from export_post import load_post, render

from ..pdf_layout_check import check_pdf
from ..support import require_tool, run

MM = 72 / 25.4
LONG_TITLE = (
    "On Bayesian Model Selection: The Marginal Likelihood, Cross-Validation, and Conditional Log "
    "Marginal Likelihood, Revisited"
)
ABSTRACT = "Bayesian model selection has long relied on the marginal likelihood and related quantities. " * 8


def page_texts(pdf: Path) -> list[str]:
    tool = require_tool("pdftotext")
    return run([tool, "-layout", str(pdf), "-"]).stdout.split("\f")


def top_of_page_words(pdf: Path, page: int, depth: float) -> list[str]:
    """The words poppler finds in the top ``depth`` points of a page (1-based)."""
    tool = require_tool("pdftotext")
    out = run([tool, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"]).stdout
    return [
        w
        for top, w in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)
        if float(top) < depth
    ]


def write_post(folder: Path, name: str, text: str) -> Path:
    post = folder / "_posts" / name
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(text, encoding="utf-8")
    return post


@pytest.fixture(scope="module")
def no_cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (
        "---\ntitle: Notes on Writing Things Down\ndescription: Why a plain text file still wins.\n"
        "author: Jane Doe\ndate: 2024-03-01\n---\n\n"
        "Openingword writing things down is the oldest trick there is; here are a few notes.\n\n"
        "## Why plain text\n\nPlain text files open everywhere and last forever.\n"
    )
    return write_post(tmp_path_factory.mktemp("site"), "2024-03-01-notes.md", text)


@pytest.mark.parametrize("page_size", ["A4", "letter", "A5"])
@pytest.mark.parametrize("theme", ["default", "serif", "contrast"])
def test_a_post_without_a_cover_opens_with_its_text(
    no_cover: Path, theme: str, page_size: str, tmp_path: Path
) -> None:
    pdf = tmp_path / "post.pdf"
    pdf.write_bytes(render(load_post(no_cover), "pdf", theme=theme, page_size=page_size))
    first = " ".join(page_texts(pdf)[0].split())
    assert "Notes on Writing Things Down" in first and "Jane Doe" in first
    assert "Openingword" in first  # the text starts on the first page, under the title block
    assert top_of_page_words(pdf, 1, 15 * MM) == []  # no running header above the title
    assert check_pdf(pdf) == []


def test_a_long_description_is_an_abstract_after_the_cover(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    PILImage.new("RGB", (1600, 1000), (90, 70, 140)).save(site / "assets" / "cover.jpg")
    text = (
        f'---\ntitle: "{LONG_TITLE}"\ndescription: "{ABSTRACT.strip()}"\n'
        "author: Ghada Ahmad, Andreas Kirsch\nimage: /assets/cover.jpg\ndate: 2024-05-07\n---\n\nBody text.\n"
    )
    post = write_post(site, "2024-05-07-clml.md", text)
    for page_size in ("A4", "A5"):
        pdf = tmp_path / f"{page_size}.pdf"
        pdf.write_bytes(render(load_post(post), "pdf", page_size=page_size))
        pages = page_texts(pdf)
        assert "Ghada Ahmad" in pages[0] and "Bayesian model selection" not in pages[0]
        assert "Bayesian model selection" in pages[1]
        assert check_pdf(pdf) == [], page_size  # the cover holds title and byline apart


def test_missing_pictures_inside_lines_stay_in_their_line(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Placeholders\n---\n\n"
        "This is the sentence before the picture, long enough to fill the whole line of text in the PDF.\n"
        '<p align="center">Centred text with <img src="/assets/nothere.png" alt="a missing picture"> '
        "inside the line and more words that follow it, to wrap the line over to the next one.</p>\n"
        "A caption line that follows the picture directly.\n{:.figcaption}\n\n"
        'A paragraph with a remote picture <img src="https://example.com/x.png" alt="remote"> in the '
        "middle of a line, and more words after it to wrap the line over.\n"
    )
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(render(load_post(write_post(tmp_path, "2024-02-01-p.md", text)), "pdf"))
    assert "a missing picture" in " ".join(page_texts(pdf))
    assert check_pdf(pdf) == []


def test_wide_tables_and_formulas_stay_on_the_page(tmp_path: Path) -> None:
    head = "| " + " | ".join(f"Default aligned {i}" for i in range(12)) + " |"
    rule = "|" + "---|" * 12
    row = "| " + " | ".join(f"Firestorm[^m{i}buffers]" for i in range(12)) + " |"
    formula = " + ".join(f"\\frac{{x_{{{i}}}}}{{y_{{{i}}}}}" for i in range(30))
    text = f"---\ntitle: Wide\n---\n\n{head}\n{rule}\n{row}\n\nThe sum ${formula}$.\n"
    pdf = tmp_path / "w.pdf"
    pdf.write_bytes(render(load_post(write_post(tmp_path, "2024-02-02-w.md", text)), "pdf"))
    assert check_pdf(pdf) == []
