"""Work that once grew with the square of the post, counted (never timed) so a regression shows.

Each test builds a post of many elements of one kind and counts the operations of the step
that used to repeat itself per element: id probes, text searches, package scans, measured
text. ``benchmarks/scaling.py`` measures the time itself.
"""

from __future__ import annotations

import base64
import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PIL import Image as PILImage

from export_post import load_post, render
from export_post.model import Run, RunStyle, TocPlaceholder, iter_blocks
from export_post.model.text import IdRegistry
from export_post.reader import parse_post
from export_post.reader.source import LineIndex


def _post(site: Path, body: str, name: str = "2024-01-01-many.md") -> Path:
    (site / "_config.yml").write_text("title: Site\n", encoding="utf-8")
    post = site / "_posts" / name
    post.write_text("---\ntitle: Many\ndate: 2024-01-01\nlang: en\n---\n" + body, encoding="utf-8")
    return post


def _png(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    PILImage.new("RGB", size, color).save(path, "PNG")
    return path.read_bytes()


# ------------------------------------------------------------------------------- reader


class _CountingSet(set[str]):
    probes = 0

    def __contains__(self, item: object) -> bool:
        _CountingSet.probes += 1
        return super().__contains__(item)


def test_colliding_ids_take_a_step_each_not_one_per_earlier_collision() -> None:
    registry = IdRegistry()
    registry._used = _CountingSet()
    _CountingSet.probes = 0
    ids = [registry.claim("Same title") for _ in range(500)]
    assert ids[:3] == ["Same-title", "Same-title-1", "Same-title-2"] and len(set(ids)) == 500
    assert _CountingSet.probes <= 2 * 500  # one probe per id, and one more for the first collision


def test_colliding_ids_still_skip_ids_taken_explicitly() -> None:
    registry = IdRegistry()
    assert [registry.claim(x) for x in ("a", "a-2", "a", "a", "a")] == ["a", "a-2", "a-1", "a-3", "a-4"]


class _ScanCountingText(str):
    """Post text that counts the characters ``find`` looks through."""

    scanned = 0

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:
        begin = start or 0
        found = super().find(sub, begin) if end is None else super().find(sub, begin, end)
        _ScanCountingText.scanned += (found if found >= 0 else len(self)) - begin
        return found


def test_locating_image_sources_reads_the_text_once_not_once_per_image() -> None:
    lines = [f"![Picture {i}](/assets/p{i}.png)\n" for i in range(2000)]
    _ScanCountingText.scanned = 0
    index = LineIndex(_ScanCountingText("".join(lines)))
    found = [index.find(f"/assets/p{i}.png") for i in range(2000)]
    assert found == list(range(1, 2001))
    assert _ScanCountingText.scanned <= len(index.text)
    assert index.find("/assets/p7.png") == 8 and index.find("/assets/nowhere.png") is None


def test_line_lookup_finds_sources_in_markdown_and_html() -> None:
    index = LineIndex(
        'a\n<img src="x.png">\n![y](y.png "t")\n<img src=z.png>\n[l](<w.html>)\n[q](q.html?a=1&b=2)\n'
    )
    assert [index.find(s) for s in ("x.png", "y.png", "z.png", "w.html", "q.html?a=1&b=2")] == [2, 3, 4, 5, 6]


def test_liquid_tags_are_found_as_the_regex_finds_them() -> None:
    from export_post.reader.liquid import _TOKEN, _Tokens

    random.seed(7)
    atoms = ["{%", "%}", "{{", "}}", "{", "}", "%", "-", " ", "x", "raw", "\n", "{%-", "-%}"]
    for _ in range(3000):
        text = "".join(random.choice(atoms) for _ in range(random.randint(0, 14)))
        tokens = _Tokens(text)
        pos = 0
        while True:
            expected, got = _TOKEN.search(text, pos), tokens.search(pos)
            assert (got and (got.span(), got.groupdict())) == (
                expected and (expected.span(), expected.groupdict())
            )
            if expected is None:
                break
            pos = expected.end()


def test_unclosed_liquid_openers_are_text() -> None:
    doc = parse_post(
        "---\ntitle: T\n---\n" + "Text {% opens\n\n" * 300 + "{{ site.title }}\n", Path("/tmp/p.md")
    )
    assert len(doc.blocks) == 300 and "{% opens" in str(doc.blocks[-1])


def test_a_post_lists_its_headings_in_one_table_of_contents(tmp_path: Path) -> None:
    body = "".join(f"* x\n{{:toc}}\n\n## Part {i}\n\nText.\n\n" for i in range(5))
    doc = parse_post("---\ntitle: T\n---\n" + body, tmp_path / "p.md")
    assert sum(isinstance(b, TocPlaceholder) for b in doc.blocks) == 1
    assert [d.code for d in doc.diagnostics].count("toc-repeated") == 4
    html = render(doc, "html").decode()
    assert html.count('role="doc-toc"') == 1 and "<li>x</li>" not in html


def test_html_wrappers_never_closed_are_flattened_not_nested_without_end(tmp_path: Path) -> None:
    body = "".join(f'<div class="c{i}">\n\nText {i}.\n\n' for i in range(600))
    doc = parse_post("---\ntitle: T\n---\n" + body, tmp_path / "p.md")
    assert "html-too-deep" in {d.code for d in doc.diagnostics}
    text = render(doc, "html").decode()
    assert "Text 0." in text and "Text 599." in text


# ------------------------------------------------------------------------------ formats


def test_epub_collects_the_posts_ids_once_not_once_per_chapter(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post.toolkit import xhtml

    doc = load_post(_post(site, "".join(f"## Part {i}\n\nSee [the first](#part-0).\n\n" for i in range(60))))
    blocks = sum(1 for _ in iter_blocks(doc.blocks))
    visited = 0
    real = iter_blocks

    def counting(blocks_: Any) -> Any:
        nonlocal visited
        for block in real(blocks_):
            visited += 1
            yield block

    monkeypatch.setattr(xhtml, "iter_blocks", counting)  # where the renderer looks for ids
    data = render(doc, "epub")
    assert visited <= 2 * blocks
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'href="section-01.xhtml#part-0"' in z.read("EPUB/section-60.xhtml").decode()


def test_epub_navigation_file_is_ours_and_matches_what_ebooklib_wrote(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ebooklib import epub

    from export_post_epub.ncx import ncx

    body = "## One\n\nText.\n\n### One a\n\nText.\n\n## Two\n\nText.\n"
    doc = load_post(_post(site, body))
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:x")
    book.set_title("Many")
    book.toc = [
        (
            epub.Section("One", "section-01.xhtml"),
            [epub.Link("section-01.xhtml#one-a", "One a", "one-a-nav")],
        ),
        epub.Link("section-02.xhtml", "Two", "section-02"),
    ]
    writer = epub.EpubWriter(io.BytesIO(), book, {})
    assert ncx("urn:uuid:x", "Many", book.toc) == writer._get_ncx()

    def refuse(self: Any) -> bytes:  # ebooklib's own looks through every chapter for each chapter
        raise AssertionError("ebooklib's NCX writer was used")

    monkeypatch.setattr(epub.EpubWriter, "_get_ncx", refuse)
    with zipfile.ZipFile(io.BytesIO(render(doc, "epub"))) as z:
        assert 'src="section-01.xhtml#one-a"' in z.read("EPUB/toc.ncx").decode()
        assert '<spine toc="ncx"' in z.read("EPUB/content.opf").decode()


def test_pptx_package_is_scanned_once_not_once_per_slide(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pptx import Presentation
    from pptx.opc.package import OpcPackage

    images = [_png(site / "assets" / f"p{i}.png", (20 * i, 90, 160), (400, 300)) for i in range(4)]
    body = "".join(f"## Part {i}\n\nText {i}. More.\n\n![P](/assets/p{i % 4}.png)\n\n" for i in range(24))
    doc = load_post(_post(site, body))
    scans = 0
    real_parts = OpcPackage.iter_parts

    def counting_parts(self: Any) -> Any:
        nonlocal scans
        scans += 1
        return real_parts(self)

    monkeypatch.setattr(OpcPackage, "iter_parts", counting_parts)
    data = render(doc, "pptx")
    assert scans <= 3  # drawing starts, saving (python-pptx alone: once per slide and picture)
    monkeypatch.undo()
    deck = Presentation(io.BytesIO(data))
    assert len(deck.slides) >= 25 and all(s.has_notes_slide for s in deck.slides)
    names = [s.part.partname for s in deck.slides] + [s.notes_slide.part.partname for s in deck.slides]
    assert len(set(names)) == len(names)
    ids = [s.slide_id for s in deck.slides]
    assert ids == sorted(set(ids))
    package = deck.part.package
    pictures = {part.partname for part in package.iter_parts() if part.partname.startswith("/ppt/media/")}
    assert len(pictures) == len(images)


def test_html_embeds_an_image_once_however_often_it_is_shown(site: Path) -> None:
    photo = _png(site / "assets" / "photo.png", (200, 40, 40))
    once = _png(site / "assets" / "once.png", (40, 40, 200), (20, 20))
    body = "".join(f"![Photo {i}](/assets/photo.png)\n\n" for i in range(400))
    body += "Inline ![icon](/assets/photo.png) and ![the other](/assets/once.png) once.\n"
    html = render(load_post(_post(site, body)), "html").decode()
    assert html.count(base64.b64encode(photo).decode()) == 1
    assert html.count(base64.b64encode(once).decode()) == 1
    assert len(html) < 200_000
    page = ElementTree.fromstring(html.split("\n", 2)[2])  # well-formed XHTML after the declaration
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    imgs = page.findall(".//h:img", ns)
    shared = [i for i in imgs if i.get("data-embedded")]
    assert len(shared) == 401 and {i.get("alt") for i in shared} >= {"Photo 0", "Photo 399", "icon"}
    assert all(i.get("src", "").startswith("data:image/svg+xml,") for i in shared)  # sized blanks
    assert "width='40'%20height='30'" in shared[0].get("src", "")
    name = shared[0].get("data-embedded")
    assert re.search(
        rf'img\[data-embedded="{re.escape(str(name))}"\] {{ background-image: url\("data:image/png;base64,',
        html,
    )
    single = [i for i in imgs if not i.get("data-embedded")]
    assert [i.get("alt") for i in single] == ["the other"]
    assert single[0].get("src", "").startswith("data:image/png;base64,")


def test_pdf_page_still_names_each_image_by_reference(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import export_post_pdf.render as pdf_render

    _png(site / "assets" / "photo.png", (200, 40, 40))
    pages: list[str] = []

    def keep(html: str, manifest: Any, context: Any, **kw: Any) -> bytes:
        pages.append(html)
        return b""

    monkeypatch.setattr(pdf_render, "render_pdf", keep)
    render(load_post(_post(site, "".join(f"![Photo {i}](/assets/photo.png)\n\n" for i in range(20)))), "pdf")
    assert pages[0].count('src="export-post-resource:') == 20 and "data-embedded" not in pages[0]


# ------------------------------------------------------------------------------- slides


@pytest.fixture
def planner() -> Any:
    from export_post.themes import load_theme
    from export_post_pptx.plan import Planner

    doc = parse_post("---\ntitle: T\n---\nText.\n", Path("/tmp/p.md"))
    return Planner(doc, load_theme("default").slides, lambda image: None)


def _count_measured(planner: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Characters measured per call of ``text_height`` (what fitting costs)."""
    sizes: list[int] = []
    real = planner.text_height

    def counting(pieces: Any, size: float, width: float) -> float:
        sizes.append(sum(len(p.text) for p in pieces))
        return float(real(pieces, size, width))

    monkeypatch.setattr(planner, "text_height", counting)
    return sizes


def test_a_title_too_long_for_its_box_is_cut_in_log_many_measurements(
    planner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post_pptx.deck import Rect

    measured = _count_measured(planner, monkeypatch)
    words = " ".join(f"word{i}" for i in range(3000))
    box = Rect(0, 0, 800, 80)
    runs = planner._shorten((Run(text=words),), 24.0, box)
    kept = runs[0].text.rstrip("\u2026").split()
    assert 0 < len(kept) < 100 and kept[0] == "word0"
    assert len(measured) <= 40  # one per word dropped, before
    assert planner._fits_text(runs, 24.0, box) and not planner._fits_text((Run(text=words),), 24.0, box)


def test_a_minified_line_of_code_is_cut_measuring_little_more_than_it(
    planner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post_pptx.measure import Style

    measured = _count_measured(planner, monkeypatch)
    line = "var a=1;" * 25_000
    parts = planner._code_line_parts(line, Style(planner.style.mono_font, mono=True), 14.0, 860.0, 380.0)
    assert "".join(parts) == line and len(parts) > 10
    assert sum(measured) <= 30 * len(line)  # each cut measured the whole rest of the line, before


def test_a_paragraph_without_sentences_is_split_measuring_each_word_a_few_times(
    planner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post_pptx.deck import Para

    measured = _count_measured(planner, monkeypatch)
    text = " ".join(f"w{i}" for i in range(6000))
    pieces = planner._split_words(Para(runs=(Run(text=text),)), planner.geo.body, planner.style.min_size)
    assert " ".join("".join(r.text for r in p.runs) for p in pieces) == text and len(pieces) > 5
    assert sum(measured) <= 30 * len(text)  # a slideful of words measured once per word, before


def test_sentences_of_a_long_paragraph_are_found_in_one_pass() -> None:
    from export_post_pptx.summary import split_sentences

    runs = tuple(
        Run(text=f"Sentence {i} e.g. this one. ", style=RunStyle(bold=i % 2 == 0)) for i in range(2000)
    )
    parts = split_sentences(runs)
    assert len(parts) == 2000 and "".join(r.text for r in parts[7]) == "Sentence 7 e.g. this one."


# ------------------------------------------------------------------------------ footnotes


def _long_note_cited(times: int) -> str:
    note = "\n    ".join(f'Note sentence number {i} with "quotes" and some words.' for i in range(40))
    cites = "".join(f"Claim {i}.[^long]\n\n" for i in range(times))
    return cites + f"[^long]: {note}\n"


def test_a_note_cited_many_times_is_read_and_walked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from export_post.reader import typography

    texts = 0
    real = typography._text

    def counting(text: str, prev: str) -> str:
        nonlocal texts
        texts += 1
        return real(text, prev)

    monkeypatch.setattr(typography, "_text", counting)
    doc = parse_post("---\ntitle: T\nlang: en\n---\n" + _long_note_cited(200), Path("/tmp/p.md"))
    assert texts <= 2 * 200 + 40  # the note's text once, not once per citation
    assert sum(1 for _ in iter_blocks(doc.blocks)) <= 200 + 40
    assert "\u201cquotes\u201d" in str(doc.blocks[-1])


def test_a_long_note_cited_again_is_clipped_in_pdf_footnotes_and_speaker_notes(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import export_post_pdf.render as pdf_render
    from export_post.themes import load_theme
    from export_post_pptx.plan import Planner

    doc = load_post(_post(site, _long_note_cited(200)))
    pages: list[str] = []

    def keep(html: str, manifest: Any, context: Any, **kw: Any) -> bytes:
        pages.append(html)
        return b""

    monkeypatch.setattr(pdf_render, "render_pdf", keep)
    render(doc, "pdf")
    assert pages[0].count('class="footnote"') == 200 and pages[0].count("number 39 with") == 1
    assert len(pages[0]) < 200 * 600
    deck = Planner(doc, load_theme("default").slides, lambda image: None).plan()
    notes = "\n".join(s.notes for s in deck.slides)
    assert notes.count("[1] Note sentence number 0") == 200 and notes.count("number 39 with") == 1
    assert len(notes) < 200 * 600


def test_tables_are_drawn_without_rescanning_columns_or_links(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pptx import Presentation
    from pptx.opc.package import _Relationships
    from pptx.table import Table

    cols = 150
    wide = "| " + " | ".join(f"H{i}" for i in range(cols)) + " |\n|" + "---|" * cols + "\n"
    wide += "| " + " | ".join(str(i) for i in range(cols)) + " |\n"
    links = "| A | B | C |\n|---|---|---|\n" + "".join(
        "| " + " | ".join(f"[{r}.{c}](https://example.com/{r}/{c})" for c in range(3)) + " |\n"
        for r in range(12)
    )
    doc = load_post(_post(site, "## Wide\n\n" + wide + "\n## Links\n\n" + links))
    scanned = resums = 0
    real_matching, real_resum = _Relationships._get_matching, Table.notify_width_changed

    def matching(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal scanned
        scanned += len(self)
        return real_matching(self, *args, **kwargs)

    def resum(self: Any) -> None:
        nonlocal resums
        resums += 1
        real_resum(self)

    monkeypatch.setattr(_Relationships, "_get_matching", matching)
    monkeypatch.setattr(Table, "notify_width_changed", resum)
    data = render(doc, "pptx")
    assert resums == 0 and scanned <= 40  # once per column, and once per link over the slide's links, before
    monkeypatch.undo()
    slides = [s for s in Presentation(io.BytesIO(data)).slides if any(x.has_table for x in s.shapes)]
    first, second = (next(x for x in s.shapes if x.has_table) for s in slides[:2])
    assert len(first.table.columns) == cols and first.width == sum(c.width for c in first.table.columns)
    rids = second.table._tbl.xpath(".//a:hlinkClick/@r:id")
    targets = [slides[1].part.rels[r].target_ref for r in rids]
    assert targets[:4] == [f"https://example.com/0/{c}" for c in range(3)] + ["https://example.com/1/0"]
