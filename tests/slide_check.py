"""Where and how large LibreOffice actually draws a deck's text, against the deck's shapes.

Positions alone are not enough: with ``normAutofit`` LibreOffice shrinks text that would
overflow its box, which would hide a measuring mistake. So every character must also be
drawn at one of the sizes its shape declares.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from .support import require_tool, run

EMU_PER_PT = 12700
TOLERANCE = 1.5  # points


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def contains(self, other: Box, tol: float = TOLERANCE) -> bool:
        return (
            other.x0 >= self.x0 - tol
            and other.y0 >= self.y0 - tol
            and other.x1 <= self.x1 + tol
            and other.y1 <= self.y1 + tol
        )

    def overlaps(self, other: Box, tol: float = TOLERANCE) -> bool:
        return not (
            other.x1 <= self.x0 + tol
            or other.x0 >= self.x1 - tol
            or other.y1 <= self.y0 + tol
            or other.y0 >= self.y1 - tol
        )


@dataclass(frozen=True)
class Char:
    page: int
    text: str
    size: float
    box: Box  # the em box pdfplumber reports (baseline-aligned, size tall)


def render_pdf(pptx: Path, out_dir: Path) -> Path:
    return render_pdfs([pptx], out_dir)[pptx]


def render_pdfs(decks: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Each deck converted to PDF by LibreOffice (it starts slowly, so each run converts
    many), in as many concurrent runs as there are CPUs. The decks must have distinct file
    names."""
    soffice = require_tool("soffice")
    assert len({d.stem for d in decks}) == len(decks), "deck names must differ"
    runs = max(1, min(os.cpu_count() or 1, len(decks)))
    batches = [decks[i::runs] for i in range(runs)]
    with ThreadPoolExecutor(runs) as pool:
        errors = list(pool.map(lambda batch: _convert(soffice, batch, out_dir), batches))
    pdfs = {deck: out_dir / (deck.stem + ".pdf") for deck in decks}
    missing = [deck for deck, pdf in pdfs.items() if not pdf.exists()]
    if missing:
        # LibreOffice now and then dies as it starts, before its first deck ("Unspecified
        # Application Error"), leaving its whole batch unconverted: those decks get one
        # more run of their own. A deck that makes it die dies again.
        errors.append(_convert(soffice, missing, out_dir))
    missing = [deck for deck, pdf in pdfs.items() if not pdf.exists()]
    assert not missing, f"LibreOffice did not convert {[deck.name for deck in missing]}: {errors}"
    return pdfs


def _convert(soffice: str, decks: list[Path], out_dir: Path) -> str:
    """One LibreOffice run (with its own profile, so that runs do not share a lock) over
    ``decks``; what it printed on stderr."""
    with tempfile.TemporaryDirectory() as profile:
        result = run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, decks),
            ],
            timeout=300 + 20 * len(decks),
        )
    return result.stderr


def drawn_chars(pdf: Path) -> tuple[list[Char], tuple[float, float]]:
    """Every visible character LibreOffice drew, with its size and box (pdfplumber)."""
    import pdfplumber

    chars: list[Char] = []
    size = (0.0, 0.0)
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            size = (float(page.width), float(page.height))
            for c in page.chars:
                if c["text"].strip():
                    box = Box(float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
                    chars.append(Char(number, c["text"], float(c["size"]), box))
    return chars, size


@dataclass(frozen=True)
class SlideShapes:
    text: list[tuple[Box, frozenset[float]]]  # each text shape with the sizes its runs declare
    pictures: list[Box]  # pictures text must not cover (a full-slide background excepted)


SCRIPT_SCALE = 0.58  # LibreOffice draws superscript and subscript at 58% (DFLT_ESC_PROP)


def _declared_sizes(element: object) -> frozenset[float]:
    """The font sizes (pt) a shape's runs and fields ask for (``sz`` is in hundredths);
    a raised or lowered run (``baseline``) is drawn smaller on purpose."""
    sizes = set()
    for r_pr in element.xpath(".//a:rPr[@sz]"):  # type: ignore[attr-defined]
        size = int(r_pr.get("sz")) / 100
        sizes.add(size)
        if r_pr.get("baseline") not in (None, "0"):
            sizes.add(size * SCRIPT_SCALE)
    return frozenset(sizes)


def deck_shapes(pptx: Path) -> list[SlideShapes]:
    prs = Presentation(str(pptx))
    assert prs.slide_width is not None and prs.slide_height is not None
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    slides = []
    for slide in prs.slides:
        text, pictures = [], []
        for shape in slide.shapes:
            box = Box(
                shape.left / EMU_PER_PT,
                shape.top / EMU_PER_PT,
                (shape.left + shape.width) / EMU_PER_PT,
                (shape.top + shape.height) / EMU_PER_PT,
            )
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                full = box.x0 <= 0.5 and box.y0 <= 0.5 and box.x1 >= width - 0.5 and box.y1 >= height - 0.5
                if not full:
                    pictures.append(box)
            elif (shape.has_text_frame and shape.text_frame.text.strip()) or (
                getattr(shape, "has_table", False) and shape.has_table
            ):
                text.append((box, _declared_sizes(shape._element)))
        slides.append(SlideShapes(text, pictures))
    return slides


@dataclass
class Report:
    slides: int
    chars: int
    off_slide: list[Char]
    outside_box: list[Char]
    over_picture: list[Char]
    shrunk: list[Char]  # drawn smaller than declared: the renderer had to autofit

    def problems(self) -> dict[str, str]:
        """The failed checks, each with the first characters it caught (empty when clean)."""
        found = {
            "off the slide": self.off_slide,
            "outside its box": self.outside_box,
            "over a picture": self.over_picture,
            "shrunk by the renderer": self.shrunk,
        }
        return {
            name: f"{len(chars)} chars, e.g. "
            + ", ".join(f"p{c.page} {c.text!r} {c.size:.1f}pt" for c in chars[:8])
            for name, chars in found.items()
            if chars
        }


def check_deck(pptx: Path, work: Path) -> Report:
    return check_rendered(pptx, render_pdf(pptx, work))


def check_rendered(pptx: Path, pdf: Path) -> Report:
    """Where LibreOffice drew each character of ``pptx`` (rendered as ``pdf``), against the
    deck's own shapes."""
    chars, (width, height) = drawn_chars(pdf)
    shapes = deck_shapes(pptx)
    page = Box(0, 0, width, height)
    report = Report(len(shapes), len(chars), [], [], [], [])
    for char in chars:
        slide = shapes[char.page - 1]
        if not page.contains(char.box, 0.5):
            report.off_slide.append(char)
        homes = [sizes for box, sizes in slide.text if box.contains(char.box)]
        if not homes:
            report.outside_box.append(char)
        elif not any(abs(char.size - size) <= 0.02 * size for sizes in homes for size in sizes):
            report.shrunk.append(char)
        if any(picture.overlaps(char.box) for picture in slide.pictures):
            report.over_picture.append(char)
    return report
