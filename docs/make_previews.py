"""Regenerate the PNG previews in docs/images/ from the bundled sample.

Needs pdftoppm and pdfinfo (poppler-utils) and soffice (libreoffice-impress). Run from the
repository (the 4:3 reference deck comes from ``tests/pptx_templates.py``):

    python docs/make_previews.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from export_post import export, load_post

ROOT = Path(__file__).resolve().parent.parent
POST = ROOT / "samples/personal-growth/_posts/2024-06-10-personal-growth.md"
IMAGES = ROOT / "docs" / "images"


def pdf_pages(pdf: Path, pages: list[int], dpi: int, work: Path) -> list[Image.Image]:
    out = []
    for page in pages:
        prefix = work / f"{pdf.stem}-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            check=True,
        )
        out.append(Image.open(f"{prefix}.png").convert("RGB"))
    return out


def sheet(images: list[Image.Image], columns: int, gap: int = 16, background: str = "#d0d4d8") -> Image.Image:
    width, height = images[0].size
    rows = (len(images) + columns - 1) // columns
    canvas = Image.new("RGB", (columns * (width + gap) + gap, rows * (height + gap) + gap), background)
    for index, image in enumerate(images):
        canvas.paste(
            image, (gap + (index % columns) * (width + gap), gap + (index // columns) * (height + gap))
        )
    return canvas


def slides_pdf(pptx: Path, work: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(pptx),
        ],
        check=True,
        capture_output=True,
    )
    return work / f"{pptx.stem}.pdf"


def save(image: Image.Image, name: str) -> None:
    """A 256-colour PNG: a third of the size, and previews need no more."""
    quantized = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG
    )
    quantized.save(IMAGES / name, optimize=True)


def slide_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def contact_sheet(deck: Path, work: Path, name: str) -> None:
    """Every slide of ``deck``, five to a row."""
    pdf = slides_pdf(deck, work)
    slides = pdf_pages(pdf, list(range(1, slide_count(pdf) + 1)), 30, work)
    save(sheet(slides, 5, gap=10), name)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.pptx_templates import build_dark_template

    IMAGES.mkdir(parents=True, exist_ok=True)
    document = load_post(POST)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf = export(document, "pdf", work / "sample.pdf")
        pages = pdf_pages(pdf, [1, 2, 3, 4], 60, work)
        save(sheet(pages, 4), "pdf-pages.png")
        for theme in ("default", "serif", "contrast"):
            # The gallery: cover, contents and the first text pages, and a sharper cover and
            # contents pair; then every slide.
            pdf = export(document, "pdf", work / f"sample-{theme}.pdf", theme=theme)
            save(sheet(pdf_pages(pdf, [1, 2, 3, 4], 50, work), 4), f"pdf-{theme}.png")
            save(sheet(pdf_pages(pdf, [1, 2], 90, work), 2), f"pdf-{theme}-cover-toc.png")
            deck = export(document, "pptx", work / f"deck-{theme}.pptx", theme=theme)
            contact_sheet(deck, work, f"slides-{theme}.png")
        template = build_dark_template(work / "dark-4x3.pptx")
        deck = export(document, "pptx", work / "deck-template.pptx", reference_pptx=str(template))
        contact_sheet(deck, work, "slides-template-4x3.png")
        big = pdf_pages(slides_pdf(export(document, "pptx", work / "deck.pptx"), work), [12], 72, work)[0]
        save(big, "slide-content.png")
    if shutil.which("oxipng"):
        subprocess.run(["oxipng", "-q", *map(str, IMAGES.glob("*.png"))], check=False)


if __name__ == "__main__":
    main()
