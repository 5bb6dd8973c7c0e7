"""The PDF's text reads back in poppler, pdfminer.six and pypdf, whatever the script, the emoji,
the characters no font has, the length of the title and the theme (issues 12.4 and 13.8)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from export_post import Document, load_post, render
from export_post.diagnostics import Reporter
from export_post_pdf.textlayer import MAX_UNITS, glyph_text, repair_text_layer

from .. import pdf_extract
from ..pdf_extract import extract_all, pdf_fonts, text_layer_problems
from ..support import require_tool

LATIN = (
    "Plain Latin prose sits next to it, long enough that every reader has words to find: "
    "the quick brown fox jumps over the lazy dog while the committee discusses office "
    "affairs, financial flows and the fine print of the final agreement."
)
NO_FONT = "\U000f0041"  # Supplementary Private Use Area-A: no installed font draws it
TITLE_2000 = " ".join(f"Chapter{n} of a title nobody would print whole" for n in range(50))[:2000]

TRIGGERS: dict[str, tuple[str, str]] = {
    "emoji": ("Launch notes 🚀", f"Launch day 🚀 went well 🎉, the team ☕ celebrated 👩‍💻.\n\n{LATIN}"),
    "no-font": ("A character no font has", f"Here {NO_FONT} is a character no font draws.\n\n{LATIN}"),
    "cjk": ("中文标题 and Latin", f"这是一个中文段落，用来测试文本提取。日本語のかな、한국어.\n\n{LATIN}"),
    "arabic": ("عنوان عربي", f"هذا نص عربي للاختبار مع كلمات كثيرة، لا سيما الكلمات الطويلة.\n\n{LATIN}"),
    "hebrew": ("כותרת בעברית", "זהו טקסט בעברית לבדיקה עם מילים רבות ושונות.\n\nשורה נוספת של טקסט."),
    "devanagari": ("हिंदी शीर्षक", f"यह परीक्षण के लिए हिंदी पाठ है। क्षत्रिय श्रीमान् विद्यालय।\n\n{LATIN}"),
    "long-title": (TITLE_2000, f"## {TITLE_2000[:300]}\n\n{LATIN}\n\n{LATIN}"),
}


LANG = {"cjk": "zh", "arabic": "ar", "hebrew": "he", "devanagari": "hi"}  # right-to-left for ar, he


def _post(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / f"2024-05-01-{name}.md"
    lang = LANG.get(name, "en")
    path.write_text(f'---\ntitle: "{title}"\nlang: {lang}\n---\n{body}\n', encoding="utf-8")
    return path


def _pdf(folder: Path, name: str, title: str, body: str, theme: str = "default") -> tuple[Path, Reporter]:
    reporter = Reporter()
    data = render(load_post(_post(folder, name, title, body)), "pdf", theme=theme, reporter=reporter)
    out = folder / f"{name}-{theme}.pdf"
    out.write_bytes(data)
    return out, reporter


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("pdftotext")
    require_tool("pdffonts")


def test_the_sample_reads_in_every_reader(sample_outputs: dict[str, Path]) -> None:
    assert text_layer_problems(sample_outputs["pdf"]) == []


@pytest.mark.parametrize("trigger", list(TRIGGERS))
def test_every_reader_reads_each_script(trigger: str, tmp_path: Path) -> None:
    pdf, _ = _pdf(tmp_path, trigger, *TRIGGERS[trigger])
    assert text_layer_problems(pdf) == []


def test_a_character_no_font_has_keeps_its_text_and_identity_encoding(tmp_path: Path) -> None:
    pdf, reporter = _pdf(tmp_path, "no-font", *TRIGGERS["no-font"])
    assert any(".notdef glyph" in d.message for d in reporter.diagnostics)  # the case is exercised
    assert {f.encoding for f in pdf_fonts(pdf)} == {"Identity-H"}
    for name, extraction in extract_all(pdf).items():
        assert NO_FONT in extraction.text, name


@pytest.mark.parametrize("theme", ["default", "serif", "contrast"])
def test_every_theme_with_every_trigger_in_one_post(theme: str, tmp_path: Path) -> None:
    body = "\n\n".join(body for _, body in TRIGGERS.values())
    pdf, _ = _pdf(tmp_path, "all", TITLE_2000, body, theme=theme)
    assert text_layer_problems(pdf) == []


def test_a_cut_running_header_reads_as_what_it_shows(tmp_path: Path) -> None:
    pdf, _ = _pdf(tmp_path, "long-title", *TRIGGERS["long-title"])
    header = _first_line_of_page(pdf, 2)
    assert header.startswith("Chapter0 of a title") and header.endswith("…")
    assert len(header) < 200  # the elided 1,900 characters are not in the text layer


def test_the_sample_at_a5_reads_its_cut_header_as_cut(sample_doc: Document, tmp_path: Path) -> None:
    pdf = tmp_path / "a5.pdf"
    pdf.write_bytes(render(sample_doc, "pdf", page_size="A5"))
    # The glyph read as the cut-off "arning" before, so the header seemed whole. (The header
    # is shortened at a word since it is clamped to a line rather than ellipsized.)
    assert _first_line_of_page(pdf, 3) == "Personal Growth Through Continuous…"


# --- every word whole, in every reader: tables, right-to-left, complex scripts -----------

WIDE_TABLE = (
    "| Parameter | Description | Default | Alternatives | Consequences | Recommendation |\n"
    "|---|---|---|---|---|---|\n"
    "| configuration | straightforward | interoperability | authentication | notwithstanding "
    "| troubleshooting |\n"
    "| internationalization | responsibilities | uncharacteristically | counterrevolutionary "
    "| incomprehensibilities | electroencephalograph |\n"
    "| left | centered | aligned | strong | second | fourth |\n"
)
HEBREW_PIECES = (  # links, bold and table cells are drawn as pieces, right to left
    "זהו [קישור ארוך](https://example.com) ואחריו **מילה מודגשת** ועוד *טקסט נטוי* בשורה.\n\n"
    "| שם | תיאור | ערך |\n|---|---|---|\n| מערכות | האבטחה | משתדלות |\n| למזלנו | כולם | פרסמו |\n"
)
DEVANAGARI = (  # conjuncts, pre-base and other matras, nukta: one glyph serves many clusters
    "क्षत्रिय श्रीमान् विद्यालय कि की कु कॆ क्ति ख़फ़ ज़िंदगी प्रकृति द्वार स्त्री हिंदी किताब ज्ञान त्र्यंबक शिक्षक\n"
)
A4_WIDTH_PT, RIGHT_MARGIN_PT = 595.28, 20 * 72 / 25.4  # the default theme's @page
WHOLE_WORD_CASES = {
    "table": ("A table of long words", WIDE_TABLE),
    "hebrew": ("כותרת בעברית", HEBREW_PIECES),
    "devanagari": ("हिंदी शीर्षक", DEVANAGARI),
}


def _whole_words(text: str) -> set[str]:
    """Words as a reader gives them: split at white space only (a space inside a word, as a
    reader adds it at a gap it takes for one, cuts it), punctuation around them stripped."""
    text = pdf_extract.join_hyphenated(unicodedata.normalize("NFC", text))
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return {w.strip(PUNCTUATION) for w in text.split()} - {""}


PUNCTUATION = ".,:;!?|*()[]\"'-"


@pytest.mark.parametrize("case", list(WHOLE_WORD_CASES))
def test_poppler_and_pypdf_read_every_word_whole(case: str, tmp_path: Path) -> None:
    """A word cut in a narrow table cell, a right-to-left piece run into the next one, a
    glyph read as the text of another cluster, a gap inside a cluster: each cuts or loses
    words in some reader."""
    title, body = WHOLE_WORD_CASES[case]
    pdf, _ = _pdf(tmp_path, case, title, body)
    expected = _whole_words(re.sub(r"\(https?://[^)]*\)|\|-+", " ", body))
    for name, extraction in extract_all(pdf).items():
        if name == "pdfminer":
            continue  # no bidi algorithm, and a gap at each mark: words compared by characters
        assert sorted(expected - _whole_words(extraction.text)) == [], name
    assert text_layer_problems(pdf) == []


def test_a_table_too_wide_for_the_page_is_set_smaller_within_the_margins(tmp_path: Path) -> None:
    pdf, _ = _pdf(tmp_path, "table", "A table of long words", WIDE_TABLE)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox.stdout))
    assert right <= A4_WIDTH_PT - RIGHT_MARGIN_PT + 1  # whole words, yet no column past the margin


# --- the class, beyond our themes: WeasyPrint with CSS and fonts we do not ship -------------


def _weasyprint_pdf(tmp_path: Path, body: str) -> Path:
    from weasyprint import HTML

    out = tmp_path / "direct.pdf"
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(out, finisher=repair_text_layer)
    return out


CUT = "width: 40mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis"


@pytest.mark.parametrize("family", ["Noto Sans", "Noto Serif", "DejaVu Sans Mono", "Noto Sans CJK SC"])
def test_any_text_overflow_ellipsis_maps_to_an_ellipsis(family: str, tmp_path: Path) -> None:
    cut = "A line far too long for its box, " * 40
    pdf = _weasyprint_pdf(
        tmp_path,
        f"<p style=\"font-family: '{family}'; {CUT}\">{cut}</p>"
        f"<p style=\"break-before: page; font-family: '{family}'\">An ellipsis of its own… and more.</p>",
    )
    assert text_layer_problems(pdf) == []
    text = extract_all(pdf)["pypdf"].text
    assert "ellipsis of its own… and" in text  # the glyph's one map, first made for the cut line
    assert text.count("A line") == 1  # not the 40 copies it cut


@pytest.mark.parametrize("family", ["Noto Sans", "Noto Sans CJK SC"])  # TrueType and CFF outlines
def test_missing_glyphs_in_any_font_keep_identity_encoding(family: str, tmp_path: Path) -> None:
    pdf = _weasyprint_pdf(
        tmp_path, f"<p style=\"font-family: '{family}'\">Hello {NO_FONT} 中文 world 🚀 and more words.</p>"
    )
    assert {f.encoding for f in pdf_fonts(pdf)} == {"Identity-H"}
    assert text_layer_problems(pdf) == []


# --- the ToUnicode rule, entry by entry ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "own", "expected"),
    [
        ("rd298 word299", frozenset("…"), "…"),  # the ellipsis glyph given the elided text
        ("x", frozenset("…"), "…"),
        ("...", frozenset("…"), "..."),  # a font's ligature of three periods
        ("fi", frozenset("\ufb01"), "fi"),  # a ligature glyph keeps its letters
        ("लि", frozenset("ल"), "लि"),  # a Devanagari cluster on its base glyph
        ("", frozenset("ि"), ""),  # the cluster's other glyphs carry nothing
        ("لا", frozenset("\ufefb"), "لا"),  # lam-alef, mapped from its presentation form
        ("\u00a0", frozenset(" \u00a0"), "\u00a0"),
        ("e\u0301", frozenset("\u00e9"), "e\u0301"),
        (")", frozenset("("), ")"),  # a bracket mirrored in right-to-left text
        ("q" * 500, frozenset(), "q" * MAX_UNITS),  # no character of its own: cut to fit
        ("😀" * 40, frozenset(), "😀" * (MAX_UNITS // 2)),  # never half a surrogate pair
        ("…" + "q" * 100, frozenset("…"), "…"),
    ],
)
def test_glyph_text(text: str, own: frozenset[str], expected: str) -> None:
    assert glyph_text(text, own) == expected


# --- the checker itself -------------------------------------------------------------------


def test_words_compare_scripts_as_the_readers_can() -> None:
    words = pdf_extract.words
    assert words("Hyphen\u2010\nated CAFÉ ﬁne") == words("hyphenated café fine")
    assert words("中文字") == words("中 文\n字")  # no spaces in CJK: characters
    assert words("क्षत्रिय") == words("क्ष त्रिय")  # readers split Indic words differently
    assert words("هذا نص") == words("اذه صن")  # pdfminer gives right-to-left in visual order
    assert words("\u202bשלום\u202c") == words("שלום")  # bidi marks are not text
    assert words("cat dog") != words("cat god")


def test_garbage_is_found() -> None:
    assert pdf_extract.garbage("a\x00b (cid:12) \ufffd")
    assert pdf_extract.garbage("plain text\n\x0cnext page\t") == []


def _first_line_of_page(pdf: Path, page: int) -> str:
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line for line in text.splitlines() if line.strip()).strip()
