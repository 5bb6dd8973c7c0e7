from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from export_post import Document, export, load_post, render
from export_post.model import Heading

from ..support import SAMPLE_POST, epubcheck


def test_sample_passes_epubcheck_without_errors_or_warnings(sample_outputs: dict[str, Path]) -> None:
    assert epubcheck(sample_outputs["epub"]) == []


def test_package_metadata(sample_outputs: dict[str, Path], sample_doc: Document) -> None:
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        names = z.namelist()
        assert names[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:language>en</dc:language>" in opf
    assert f"<dc:title>{sample_doc.meta.title}</dc:title>" in opf
    assert "<dc:description>Charting a Seamless Journey" in opf
    assert "<dc:date>2024-06-10</dc:date>" in opf
    assert 'properties="cover-image"' in opf
    # 5 figures + the cover, each stored once under a generated name
    images = [n for n in names if n.startswith("EPUB/images/")]
    assert len(images) == 6
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        # Photos are stored as they are (deflate cannot shrink a JPEG); text is compressed.
        assert {z.getinfo(n).compress_type for n in images} == {zipfile.ZIP_STORED}
        texts = [info for info in z.infolist() if info.filename.endswith((".xhtml", ".css", ".opf"))]
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in texts)
        assert sum(info.compress_size for info in texts) < 0.5 * sum(info.file_size for info in texts)
    assert all(re.fullmatch(r"EPUB/images/[0-9a-f]{20}\.jpg", n) for n in images)


def test_nav_lists_every_heading_in_order(sample_outputs: dict[str, Path], sample_doc: Document) -> None:
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    toc = nav.split('epub:type="toc"')[1].split("</nav>")[0]
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", toc)
    headings = [h for h in sample_doc.headings if isinstance(h, Heading)]
    assert labels == [sample_doc.meta.title] + [
        "".join(getattr(c, "text", "") for c in h.children) for h in headings
    ]


def test_toc_placeholder_becomes_links_not_literal_text(sample_outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        title = z.read("EPUB/title.xhtml").decode()
        everything = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "{:toc}" not in everything and "{:.figcaption}" not in everything
    assert 'href="section-02.xhtml#online-resources"' in title
    assert "this unordered seed list" not in everything


def test_figures_keep_caption_markup(sample_outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(sample_outputs["epub"]) as z:
        section = z.read("EPUB/section-01.xhtml").decode()
    assert re.search(
        r'<figure class="align-center"><img src="images/[0-9a-f]{20}\.jpg" alt="Christian Haller fig1"[^>]*/>'
        r"<figcaption>Photo by <a href=\"https://unsplash.com/@susan_wilkinson\">Susan Wilkinson</a>",
        section,
    )


def test_identifier_is_stable_and_output_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = render(load_post(SAMPLE_POST), "epub")
    second = render(load_post(SAMPLE_POST), "epub")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert re.search(r'<dc:identifier id="id">urn:uuid:[0-9a-f-]{36}</dc:identifier>', opf)
    assert '<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in opf


def test_missing_image_is_a_placeholder_not_a_dangling_reference(site: Path) -> None:
    post = site / "_posts" / "2024-01-01-missing.md"
    post.write_text("---\ntitle: Missing\n---\n\n![A lost chart](/assets/nope.png)\n\nText.\n")
    doc = load_post(post)
    out = export(doc, "epub", site / "out/")
    assert epubcheck(out) == []
    with zipfile.ZipFile(out) as z:
        body = z.read("EPUB/title.xhtml").decode()
    assert "<img" not in body
    assert "Image unavailable: A lost chart" in body


def test_post_without_headings_or_cover(site: Path) -> None:
    post = site / "_posts" / "2024-01-01-plain.md"
    post.write_text("---\ntitle: Plain\nlang: fa\n---\n\nفقط متن.\n")
    out = export(load_post(post), "epub", site / "out/")
    assert epubcheck(out) == []
    with zipfile.ZipFile(out) as z:
        chapter = z.read("EPUB/title.xhtml").decode()
        assert 'dir="rtl"' in chapter and 'lang="fa"' in chapter
        assert 'page-progression-direction="rtl"' in z.read("EPUB/content.opf").decode()


def accessibility(epub_file: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub_file) as z:
        opf = z.read("EPUB/content.opf").decode()
    found: dict[str, list[str]] = {}
    for prop, value in re.findall(r'<meta property="schema:(\w+)">([^<]*)</meta>', opf):
        found.setdefault(prop, []).append(value)
    return found


def test_accessibility_metadata_describes_the_sample(sample_outputs: dict[str, Path]) -> None:
    meta = accessibility(sample_outputs["epub"])
    assert meta["accessMode"] == ["textual", "visual"]
    assert meta["accessModeSufficient"] == ["textual", "textual,visual"]
    assert {"alternativeText", "structuralNavigation", "tableOfContents"} <= set(meta["accessibilityFeature"])
    assert "MathML" not in meta["accessibilityFeature"]
    assert meta["accessibilityHazard"] == ["none"]
    assert meta["accessibilitySummary"][0].endswith("All 6 pictures have text descriptions.")


def test_accessibility_claims_follow_the_content(site: Path) -> None:
    from PIL import Image

    frames = [Image.new("RGB", (40, 40), color) for color in ("red", "blue")]
    frames[0].save(site / "assets" / "blink.gif", save_all=True, append_images=frames[1:], duration=100)
    Image.new("RGB", (40, 40), "green").save(site / "assets" / "chart.png")
    post = site / "_posts" / "2024-01-01-pictures.md"
    post.write_text(
        "---\ntitle: Pictures\n---\n\n![A blinking dot](/assets/blink.gif)\n\n"
        "![chart.png](/assets/chart.png)\n\nEnergy: $$E = mc^2$$\n"
    )
    out = export(load_post(post), "epub", site / "out/")
    assert epubcheck(out) == []
    meta = accessibility(out)
    assert "alternativeText" not in meta["accessibilityFeature"]  # one alt is just a file name
    assert meta["accessModeSufficient"] == ["textual,visual"]
    assert "MathML" in meta["accessibilityFeature"]
    assert (
        "unknownFlashingHazard" in meta["accessibilityHazard"] and "none" not in meta["accessibilityHazard"]
    )
    assert "1 of 2 pictures lack a text description" in meta["accessibilitySummary"][0]
    plain = site / "_posts" / "2024-01-02-words.md"
    plain.write_text("---\ntitle: Words\n---\n\nOnly words.\n")
    meta = accessibility(export(load_post(plain), "epub", site / "out/"))
    assert meta["accessMode"] == ["textual"] and meta["accessModeSufficient"] == ["textual"]
    assert meta["accessibilityHazard"] == ["none"]


def test_embedded_fonts_are_subsets_the_css_names_and_epubcheck_accepts(
    tmp_path: Path, sample_doc: Document
) -> None:
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig (fc-match) is not installed")
    path = export(sample_doc, "epub", tmp_path / "fonts.epub", embed_fonts=True)
    assert epubcheck(path) == []
    with zipfile.ZipFile(path) as z:
        fonts = {n: z.read(n) for n in z.namelist() if n.startswith("EPUB/fonts/")}
        css = z.read("EPUB/style.css").decode()
        opf = z.read("EPUB/content.opf").decode()
    assert fonts, "no font embedded"
    families = set(re.findall(r'@font-face \{ font-family: "([^"]+)"', css))
    assert "Noto Sans" in families  # the default theme's body font
    for name, data in fonts.items():
        assert f'url("{name.removeprefix("EPUB/")}")' in css
        assert 'media-type="font/' in opf
        with TTFont(io.BytesIO(data)) as font:
            covered = set(font.getBestCmap())
        assert len(covered) < 400  # a subset: the full Noto Sans maps thousands of characters
    regular = re.search(
        r'font-family: "Noto Sans"; src: url\("([^"]+)"\); font-weight: 400; font-style: normal;', css
    )
    assert regular is not None
    with TTFont(io.BytesIO(fonts["EPUB/" + regular[1]])) as font:
        assert {ord(c) for c in "Continuous learning"} <= set(font.getBestCmap())
    plain = render(sample_doc, "epub")
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        assert not [n for n in z.namelist() if "/fonts/" in n]  # off by default


def test_the_epub_is_the_zip_normalise_zip_makes_of_ebooklib_s_own(
    sample_doc: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ebooklib's writer hands its members straight to the normalised zip instead of writing
    a zip to read back: the same bytes as its own zip normalised, which an ebooklib without
    the writer's steps still gets."""
    from export_post_epub import writing

    direct = render(sample_doc, "epub")
    monkeypatch.setattr(writing, "_STEPS", (*writing._STEPS, "_a_step_this_ebooklib_lacks"))
    assert render(sample_doc, "epub") == direct
    with zipfile.ZipFile(io.BytesIO(direct)) as book:
        members = book.infolist()
        assert members[0].filename == "mimetype" and members[0].compress_type == zipfile.ZIP_STORED
        pictures = [m for m in members if m.filename.endswith((".jpg", ".jpeg", ".png"))]
        texts = [m for m in members if m.filename.endswith((".xhtml", ".opf", ".css"))]
        assert pictures and all(m.compress_type == zipfile.ZIP_STORED for m in pictures)
        assert texts and all(m.compress_type == zipfile.ZIP_DEFLATED for m in texts)
