"""Post metadata in every format's own metadata: never a crash, within each format's limits,
the full text wherever the format allows it, and every author named.

Each class of awkward front matter is a minimal post: every field long, one long word, a
description longer than a PDF string may be, control and bidi characters, a list or a block
scalar where text belongs, and 1, 3, 12 and 40 authors. Each post goes to all four formats,
read back independently: python-pptx (core properties), EPUBCheck and the package document,
pypdf (Info and XMP), and the HTML head.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree, html
from pptx import Presentation
from pypdf import PdfReader

from export_post import Document, load_post, render
from export_post.diagnostics import Reporter

from ..support import epubcheck

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
WORDS = (
    "Bayesian model selection has long relied on the marginal likelihood and related quantities, "
    "often motivated by the principle of Occam's razor. "
)
LONG = (WORDS * 3).strip()  # 300 characters: over Office's 255
HUGE = (WORDS * 200).strip()  # 20,000 characters: over a PDF string's 32,767 bytes in UTF-16
CORE_LIMIT = 255
PDF_UNITS = 16382
TEXT_PROPERTIES = ("title", "author", "last_modified_by", "subject", "comments", "keywords", "category")


def _front(**fields: str) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


CLASSES = {
    "every-field-long": _front(
        title=f'"{LONG}"',
        description=f'"{LONG}"',
        author=f'"{LONG}"',
        tags="[" + ", ".join(f"keyword{i:02d}" for i in range(40)) + "]",
        categories="[" + ", ".join(f"category{i:02d}" for i in range(40)) + "]",
    ),
    "long-excerpt": _front(title="T", excerpt=f'"{LONG}"'),
    "long-summary": _front(title="T", summary=f'"{LONG}"'),
    "long-subtitle": _front(title="T", subtitle=f'"{LONG}"'),
    "one-long-word": _front(title="x" * 600, description="y" * 600, author="z" * 600, tags=f"[{'w' * 600}]"),
    "huge-description": _front(title="T", description=f'"{HUGE}"'),
    "control-characters": _front(
        title='"Ti\\ttle\\x85 with\\u2028breaks\\x7f"',
        description='"Line one\\nline two \\x1b[31m \\ufdd0 \\u202eforced right-to-left"',
        author='"Ada\\u202b Lovelace"',
        tags='["a\\x00b", "\\u202c"]',
    ),
    "list-for-text": _front(title="T", description="[first part, second part, 3]"),
    "block-scalars": (
        "title: |\n  A title\n  on two lines\ndescription: >-\n  Folded\n\n  with a blank line\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("metadata-site")
    (root / "_posts").mkdir()
    return root


def _post(site: Path, name: str, front: str) -> Path:
    path = site / "_posts" / f"2024-06-10-{name}.md"
    path.write_text(f"---\n{front}---\n\n## Section\n\nBody text.\n", encoding="utf-8")
    return path


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _opf(book: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def _html_meta(page: bytes) -> dict[str, list[str]]:
    root = html.document_fromstring(page)
    found: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        if meta.get("name"):
            found.setdefault(meta.get("name", ""), []).append(meta.get("content", ""))
    return found


@pytest.fixture(scope="module", params=sorted(CLASSES))
def exported(request: pytest.FixtureRequest, site: Path) -> Iterator[tuple[Document, dict[str, bytes]]]:
    doc = load_post(_post(site, request.param, CLASSES[request.param]))
    yield doc, {fmt: render(doc, fmt) for fmt in ("epub", "pdf", "pptx", "html")}


def test_pptx_core_properties_fit_office(exported: tuple[Document, dict[str, bytes]]) -> None:
    doc, outputs = exported
    core = Presentation(io.BytesIO(outputs["pptx"])).core_properties
    for name in TEXT_PROPERTIES:
        value = getattr(core, name)
        assert _units(value) <= CORE_LIMIT, name
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", value), name
    meta = doc.meta
    for name, full in (("title", meta.title), ("subject", meta.description), ("author", meta.author)):
        value = getattr(core, name)
        if _units(full) <= CORE_LIMIT:
            assert value == full, name
        else:  # the beginning, cut on a word boundary (or inside one overlong word), then "…"
            assert value.endswith("\u2026") and full.startswith(value[:-1]), name
            assert full[len(value) - 1] == " " or " " not in value, name
    assert ", ".join(meta.tags).startswith(core.keywords.removesuffix("\u2026"))


def test_epub_keeps_every_value_whole(exported: tuple[Document, dict[str, bytes]], tmp_path: Path) -> None:
    doc, outputs = exported
    book = tmp_path / "book.epub"
    book.write_bytes(outputs["epub"])
    assert [m for m in epubcheck(book) if m[0] in ("ERROR", "FATAL")] == []
    opf = _opf(outputs["epub"])
    assert opf.findtext(".//dc:title", namespaces=OPF) == doc.meta.title
    assert (opf.findtext(".//dc:description", namespaces=OPF) or "") == doc.meta.description
    creators = [c.text for c in opf.iterfind(".//dc:creator", OPF)]
    assert creators == list(doc.meta.author_names)


def test_pdf_info_within_a_pdf_string(exported: tuple[Document, dict[str, bytes]]) -> None:
    doc, outputs = exported
    info = PdfReader(io.BytesIO(outputs["pdf"])).metadata
    assert info is not None
    meta = doc.meta
    for value, full in (
        (info.title, meta.title),
        (info.subject, meta.description),
        (info.author, meta.author),
    ):
        if not full:
            continue
        assert value is not None and _units(value) <= PDF_UNITS
        assert value == full if _units(full) <= PDF_UNITS else full.startswith(value[:-1])


def test_html_head_keeps_the_full_text(exported: tuple[Document, dict[str, bytes]]) -> None:
    doc, outputs = exported
    meta = _html_meta(outputs["html"])
    assert meta.get("description", []) == ([doc.meta.description] if doc.meta.description else [])
    assert meta.get("author", []) == list(doc.meta.author_names)
    title = html.document_fromstring(outputs["html"]).findtext(".//title")
    assert title == doc.meta.title


# ------------------------------------------------------------------------- authors


def _authors_post(site: Path, count: int) -> Path:
    entries = "".join(
        f"  - name: Author{i} With A Rather Long Surname{i}\n    url: https://example.org/{i}\n"
        f"    affiliations:\n      name: Institute {i}\n"
        for i in range(1, count + 1)
    )
    front = f"title: Written together\nauthors:\n{entries}"
    if count == 3:
        front += "  - name: Edith Editor\n    role: editor\n"
    return _post(site, f"authors-{count}", front)


@pytest.mark.parametrize("count", [1, 3, 12])
def test_epub_names_every_author_with_a_unique_id_and_a_role(site: Path, count: int, tmp_path: Path) -> None:
    doc = load_post(_authors_post(site, count))
    book = tmp_path / "book.epub"
    book.write_bytes(render(doc, "epub"))
    assert [m for m in epubcheck(book) if m[0] in ("ERROR", "FATAL")] == []
    opf = _opf(book.read_bytes())
    creators = opf.findall(".//dc:creator", OPF)
    assert [c.text for c in creators] == list(doc.meta.author_names)
    ids = [c.get("id") for c in creators]
    assert ids == [f"creator-{n}" for n in range(1, len(creators) + 1)]
    roles = {
        m.get("refines"): m.text
        for m in opf.iterfind(".//opf:meta[@property='role']", OPF)
        if m.get("scheme") == "marc:relators"
    }
    expected = {f"#{i}": "aut" for i in ids}
    if count == 3:
        expected[f"#{ids[-1]}"] = "edt"
    assert roles == expected


@pytest.mark.parametrize("count", [1, 3, 12])
def test_pdf_names_every_author_in_info_xmp_and_title_page(site: Path, count: int) -> None:
    doc = load_post(_authors_post(site, count))
    reader = PdfReader(io.BytesIO(render(doc, "pdf", pdf_variant="pdf/a-3b")))
    assert reader.metadata is not None and reader.metadata.author == doc.meta.author
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_creator == list(doc.meta.author_names)
    first_page = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert all(name in first_page for name in doc.meta.author_names)


@pytest.mark.parametrize("count", [1, 3, 12, 40])
def test_title_slide_names_the_authors_without_overflowing(site: Path, count: int) -> None:
    doc = load_post(_authors_post(site, count))
    reporter = Reporter()
    deck = Presentation(io.BytesIO(render(doc, "pptx", reporter=reporter)))
    assert [d.message for d in reporter.diagnostics if d.code == "pptx-layout"] == []
    slide = deck.slides[0]
    shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame).replace("\u00a0", " ")
    if count <= 12:
        assert all(name in shown for name in doc.meta.author_names)
    else:  # as many as the box holds at the smallest size, then "et al."; the notes name all
        assert doc.meta.author_names[0] in shown and "et al." in shown
        assert doc.meta.author_names[-1] not in shown
        assert all(name in slide.notes_slide.notes_text_frame.text for name in doc.meta.author_names)
    assert _units(deck.core_properties.author) <= CORE_LIMIT


def test_html_head_has_one_author_element_each(site: Path) -> None:
    doc = load_post(_authors_post(site, 3))
    page = render(doc, "html")
    assert _html_meta(page)["author"] == list(doc.meta.author_names)
    links = html.document_fromstring(page).xpath("//link[@rel='author']/@href")
    assert links == ["https://example.org/1", "https://example.org/2", "https://example.org/3"]


# ----------------------------------------------------------- characters on slides


def test_a_next_line_character_in_the_body_does_not_break_the_deck(site: Path) -> None:
    """NEL (U+0085) is a line break to YAML 1.1 and refused inside a line by the slide text
    measurer (raqm); the reader makes it a space, in the body as in the front matter."""
    post = _post(site, "nel", 'title: "A\\x85B"\n')
    post.write_text(post.read_text(encoding="utf-8") + "Body\x85text.\n", encoding="utf-8")
    deck = Presentation(io.BytesIO(render(load_post(post), "pptx")))
    assert "Body text." in " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)


def test_a_no_break_space_keeps_its_words_on_one_line() -> None:
    from export_post_pptx.measure import Piece, Style, count_lines, text_width

    style, size = Style("Calibri"), 20.0
    width = text_width("aaaaaaaa bb", style, size) + 0.1
    # Breaking at the no-break space would put "cc eeeeeeee" on line 2, which fits; kept
    # together, "bb cc" opens line 2 and "eeeeeeee" needs a third.
    assert text_width("cc eeeeeeee", style, size) <= width < text_width("bb cc eeeeeeee", style, size)
    assert count_lines([Piece("aaaaaaaa bb\u00a0cc eeeeeeee", style)], size, width) == 3


def test_an_overlong_word_title_is_cut_inside_the_word_not_dropped(site: Path) -> None:
    doc = load_post(_post(site, "word-title", _front(title="x" * 250)))  # fits Office, not the slide
    reporter = Reporter()
    deck = Presentation(io.BytesIO(render(doc, "pptx", reporter=reporter)))
    title = deck.slides[0].shapes.title.text_frame.text
    assert title.endswith("\u2026") and len(title) > 20 and set(title[:-1]) == {"x"}
    assert [d.message for d in reporter.diagnostics if d.code == "pptx-layout"] == []
