"""Every SVG in ``fixtures/svg`` (the shapes real tools write: matplotlib, graphviz, draw.io,
mermaid, Inkscape, Illustrator, gnuplot, Excalidraw...) shown in a post, in every format.

The EPUB passes EPUBCheck without a message, the PDF draws a picture, the deck holds a
picture shape and the HTML page embeds the SVG.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from export_post import load_post, render
from export_post.diagnostics import Reporter

from .support import FIXTURES, epubcheck, require_tool, run

SVGS = sorted((FIXTURES / "svg").glob("*.svg"))
_EMBEDDED_SVG = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose ``assets/`` holds the fixtures and the rasters they refer to."""
    root = tmp_path_factory.mktemp("svg-site")
    (root / "_posts").mkdir()
    assets = root / "assets"
    shutil.copytree(FIXTURES / "svg", assets)
    (assets / "raster").mkdir()
    Image.new("RGB", (8, 8), "#3366cc").save(assets / "raster" / "left.png")
    Image.new("RGB", (8, 8), "#cc6633").save(assets / "raster" / "right.jpg")
    Image.new("RGB", (8, 8), "#33cc66").save(assets / "site-root.png")
    return root


def _post(site: Path, svg: Path) -> Path:
    post = site / "_posts" / f"2024-01-01-{svg.stem}.md"
    post.write_text(
        f"---\ntitle: An SVG\n---\n\nBefore the picture.\n\n"
        f"![A {svg.stem} picture](/assets/{svg.name})\n\nAfter the picture.\n",
        encoding="utf-8",
    )
    return post


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _ink(pdf: bytes, tmp_path: Path) -> int:
    """Pixels of the first page that are not white (WeasyPrint draws an SVG as paths and
    text in the page itself, not as an image object)."""
    (tmp_path / "page.pdf").write_bytes(pdf)
    pdftoppm = require_tool("pdftoppm")
    run(
        [pdftoppm, "-r", "30", "-png", "-f", "1", "-l", "1", "-singlefile", "page.pdf", "page"],
        cwd=tmp_path,
    )
    with Image.open(tmp_path / "page.png") as page:
        return page.convert("L").point(lambda v: 255 if v < 240 else 0).histogram()[255]


@pytest.fixture(scope="module")
def blank_ink(site: Path, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The ink of the same post without its picture."""
    post = site / "_posts" / "2024-01-01-blank.md"
    post.write_text("---\ntitle: An SVG\n---\n\nBefore the picture.\n\nAfter the picture.\n")
    return _ink(render(load_post(post), "pdf"), tmp_path_factory.mktemp("blank"))


@pytest.mark.parametrize("svg", SVGS, ids=[p.stem for p in SVGS])
def test_every_format_shows_the_svg(site: Path, svg: Path, blank_ink: int, tmp_path: Path) -> None:
    doc = load_post(_post(site, svg))
    reporter = Reporter()

    epub = tmp_path / "post.epub"
    epub.write_bytes(render(doc, "epub", reporter=reporter))
    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as z:
        assert [n for n in z.namelist() if n.startswith("EPUB/images/") and n.endswith(".svg")]

    pdf = render(doc, "pdf", reporter=reporter)
    assert f"A {svg.stem} picture" not in pdf_text(pdf)  # not the placeholder
    assert _ink(pdf, tmp_path) > blank_ink + 50

    deck = Presentation(io.BytesIO(render(doc, "pptx", reporter=reporter)))
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    assert any(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in shapes)

    html = render(doc, "html", reporter=reporter).decode("utf-8")
    embedded = [base64.b64decode(m) for m in _EMBEDDED_SVG.findall(html)]
    assert embedded and all(b"<svg" in data for data in embedded)

    refused = [d for d in reporter.diagnostics if d.code == "image-refused" and svg.name in d.message]
    assert not refused
