from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from export_post import Document, export, load_post, render
from export_post.model import plain_text

from ..support import SAMPLE_POST, require_tool, run


def outline_titles(items: Sequence[object], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out.extend(outline_titles(item, depth + 1))
        else:
            out.append((depth, item.title))  # type: ignore[attr-defined]
    return out


def test_bookmarks_nest_every_heading(sample_outputs: dict[str, Path], sample_doc: Document) -> None:
    reader = PdfReader(sample_outputs["pdf"])
    titles = outline_titles(reader.outline)
    expected = [(0, sample_doc.meta.title)] + [
        (h.level - 1, plain_text(h.children)) for h in sample_doc.headings
    ]
    assert titles == expected


def test_document_info(sample_outputs: dict[str, Path]) -> None:
    info = PdfReader(sample_outputs["pdf"]).metadata
    assert info is not None
    assert info.title == "Personal Growth Through Continuous Learning"
    assert info.author == "Christian Haller"
    assert info.subject is not None and info.subject.startswith("Charting a Seamless Journey")


def test_cover_contents_header_and_page_numbers(
    sample_outputs: dict[str, Path], sample_doc: Document
) -> None:
    reader = PdfReader(sample_outputs["pdf"])
    pages = [p.extract_text() for p in reader.pages]
    total = len(pages)
    assert "Personal Growth Through" in pages[0] and "Charting a Seamless Journey" in pages[0]
    assert "/ " not in pages[0]  # the cover has no running header or folio
    assert "Contents" in pages[1]
    for number, text in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in text
        assert "Personal Growth Through Continuous Learning" in text  # running header
    assert "{:toc}" not in " ".join(pages)


def test_contents_page_numbers_match_the_heading_pages(
    sample_outputs: dict[str, Path], sample_doc: Document
) -> None:
    reader = PdfReader(sample_outputs["pdf"])
    contents = reader.pages[1].extract_text()
    heading_page = {}
    stack: list[Any] = list(reader.outline)
    while stack:  # every level of the outline: sections and their subsections
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        number = reader.get_destination_page_number(item)
        assert number is not None and item.title is not None
        heading_page[item.title] = number + 1
    assert len(heading_page) == len(sample_doc.headings) + 1
    for title, page in heading_page.items():
        if title == sample_doc.meta.title:
            continue
        m = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.M)
        assert m is not None, title
        assert int(m.group(1)) == page, title


def test_figures_are_embedded_and_letter_size_works(sample_doc: Document) -> None:
    a4 = render(sample_doc, "pdf")
    letter = render(sample_doc, "pdf", page_size="letter")
    box_a4 = PdfReader(io.BytesIO(a4)).pages[2].mediabox
    box_letter = PdfReader(io.BytesIO(letter)).pages[2].mediabox
    assert (round(float(box_a4.width)), round(float(box_a4.height))) == (595, 842)
    assert (round(float(box_letter.width)), round(float(box_letter.height))) == (612, 792)


def drawn_images(pdf: Path) -> list[tuple[int, int, int]]:
    """(page, width, height) of every image drawn (pdfimages -list, 'image' rows only)."""
    out = run([require_tool("pdfimages"), "-list", str(pdf)]).stdout.splitlines()[2:]
    rows = [line.split() for line in out]
    return [(int(r[0]), int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


def test_cover_and_figures_are_drawn(sample_outputs: dict[str, Path]) -> None:
    images = drawn_images(sample_outputs["pdf"])
    assert len(images) == 6  # cover + 5 figures
    assert images[0][0] == 1 and all(w == 1600 and h == 1067 for _, w, h in images)


def test_pdf_renderer_reads_nothing_outside_the_manifest(site: Path) -> None:
    secret = site.parent / "secret.png"
    from PIL import Image

    Image.new("RGB", (40, 40), "red").save(secret)
    post = site / "_posts" / "2024-01-01-leak.md"
    post.write_text(
        "---\ntitle: Leak\n---\n\n"
        f'<img src="file://{secret}">\n\n'
        f'<link rel="attachment" href="{secret}">\n\n'
        f'<p style="background: url(file://{secret})">styled</p>\n'
    )
    out = export(load_post(post), "pdf", site / "leak.pdf")
    assert drawn_images(out) == []
    assert PdfReader(out).attachments == {}


def test_links_are_clickable(sample_outputs: dict[str, Path]) -> None:
    reader = PdfReader(sample_outputs["pdf"])
    uris = [
        a.get_object()["/A"].get("/URI")
        for page in reader.pages
        for a in page.get("/Annots", []) or []
        if "/A" in a.get_object()
    ]
    assert "https://unsplash.com/@susan_wilkinson" in uris


def test_export_writes_atomically_and_returns_the_path(tmp_path: Path, sample_doc: Document) -> None:
    out = export(sample_doc, "pdf", tmp_path / "book.pdf")
    assert out == tmp_path / "book.pdf" and out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_default_output_is_next_to_the_post(tmp_path: Path) -> None:
    post = tmp_path / "note.md"
    post.write_text("# Hi\n")
    assert export(load_post(post), "html") == tmp_path / "note.html"


def test_sample_pdf_text(sample_outputs: dict[str, Path]) -> None:
    text = " ".join(p.extract_text() for p in PdfReader(sample_outputs["pdf"]).pages)
    assert "\u201cThe only thing that is constant is change.\u201d" in text


_ = SAMPLE_POST


def test_fetcher_serves_only_manifest_entries(tmp_path: Path) -> None:
    import pytest

    from export_post.resources import ResourceResolver
    from export_post_pdf.fetcher import MANIFEST_SCHEME, make_fetcher

    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY")
    from PIL import Image

    Image.new("RGB", (2, 2)).save(tmp_path / "ok.png")
    resource = ResourceResolver(post_dir=tmp_path).image("ok.png")
    assert resource is not None
    fetcher = make_fetcher({resource.name: resource})
    served = fetcher.fetch(f"{MANIFEST_SCHEME}:{resource.name}")  # type: ignore[attr-defined]
    assert served.read() == resource.data
    for url in (
        f"file://{secret}",
        "http://127.0.0.1:9/x",
        f"{MANIFEST_SCHEME}:other.png",
        "data:text/plain,x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)  # type: ignore[attr-defined]


def test_cover_is_one_page_at_every_size(sample_doc: Document) -> None:
    for size in ("A4", "A5", "letter"):
        reader = PdfReader(io.BytesIO(render(sample_doc, "pdf", page_size=size)))
        assert reader.pages[1].extract_text().lstrip().startswith("Contents"), size


def struct_elements(node: object, kind: str) -> list[dict[str, object]]:
    """Every structure element of type ``kind`` under ``node`` in a PDF's tag tree."""
    found: list[dict[str, object]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, dict):
            if item.get("/S") == kind:
                found.append(item)
            kids = item.get("/K")
            stack.extend(kids if isinstance(kids, list) else [kids] if kids is not None else [])
        elif isinstance(item, list):
            stack.extend(item)
    return found


def test_accessible_by_default(sample_outputs: dict[str, Path], sample_doc: Document) -> None:
    reader = PdfReader(sample_outputs["pdf"])
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    figures = struct_elements(root["/StructTreeRoot"], "/Figure")
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert len(alts) == 6 and all(alts)  # the cover and five figures, each described
    assert not any("/" in alt or alt.endswith(".jpg") for alt in alts)
    headings = struct_elements(root["/StructTreeRoot"], "/H2")
    assert len(headings) == len([h for h in sample_doc.headings if h.level == 2])


def test_pdf_variants_are_passed_through(sample_doc: Document) -> None:
    import pytest

    from export_post.errors import OptionError

    def xmp(data: bytes) -> str:
        root: Any = PdfReader(io.BytesIO(data)).trailer["/Root"]
        return str(root["/Metadata"].get_object().get_data().decode())

    archival = xmp(render(sample_doc, "pdf", pdf_variant="pdf/a-3b"))
    assert re.search(r"pdfaid:part[^0-9]*3", archival) and re.search(r"pdfaid:conformance[^A-Z]*B", archival)
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp(render(sample_doc, "pdf", pdf_variant="pdf/ua-1")))
    with pytest.raises(OptionError, match="pdf_variant must be one of"):
        render(sample_doc, "pdf", pdf_variant="pdf/z-9")


def test_short_listings_stay_whole_and_long_ones_fill_the_page(tmp_path: Path) -> None:
    def filler(name: str) -> str:
        return "\n\n".join(f"{name} {n} " + "words that fill the page " * 12 for n in range(9))

    short = "\n".join(f"short_{n} = {n}" for n in range(8))
    long = "\n".join(f"long_{n} = {n}" for n in range(70))
    post = tmp_path / "code.md"
    post.write_text(
        f"---\ntitle: Listings\n---\n\n{filler('Intro')}\n\n```python\n{short}\n```\n\n"
        f"{filler('Middle')}\n\n```python\n{long}\n```\n",
        encoding="utf-8",
    )
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render(load_post(post), "pdf"))).pages]

    def page_of(text: str) -> int:
        return next(i for i, page in enumerate(pages) if text in page)

    assert page_of("short_0") == page_of("short_7")  # kept together
    # The long one starts right after the text before it instead of leaving that page part blank.
    assert page_of("long_0") == page_of("Middle 8 words")
    assert page_of("long_0") < page_of("long_69")
    words = " ".join(pages)
    assert all(f"long_{n} = {n}" in words for n in range(70))
