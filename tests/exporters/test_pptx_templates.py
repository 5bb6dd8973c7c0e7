"""Reference decks (``--reference-pptx`` and a theme's ``slides.template``): their design is
kept, their geometry drives the plan, missing layouts fall back with a warning."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from export_post import Document, load_post, load_theme, render
from export_post.cli import main
from export_post.diagnostics import Reporter
from export_post.errors import OptionError
from export_post.resources import ResourceResolver
from export_post_pptx.deck import Rect
from export_post_pptx.plan import Planner
from export_post_pptx.template import read_template

from ..pptx_templates import FRENCH, build_dark_template, python_pptx_default
from ..support import SAMPLE_POST


@pytest.fixture(scope="module")
def dark(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dark_template(tmp_path_factory.mktemp("templates") / "dark-4x3.pptx")


def deck(doc: Document, template: Path, reporter: Reporter | None = None, **options: Any) -> Any:
    data = render(doc, "pptx", reference_pptx=str(template), reporter=reporter, **options)
    return Presentation(io.BytesIO(data))


def test_the_template_design_is_kept(sample_doc: Document, dark: Path) -> None:
    reporter = Reporter()
    prs = deck(sample_doc, dark, reporter)
    assert reporter.diagnostics == ()
    assert (prs.slide_width, prs.slide_height) == (Emu(9144000), Emu(6858000))
    slides = list(prs.slides)
    assert len(slides) == 30
    used = {s.slide_layout.name for s in slides}
    assert used <= set(FRENCH.values())  # found by layout type under their French names
    assert slides[4].slide_layout.name == FRENCH["Section Header"]
    # The master's decoration and theme survive; our palette is not written over them.
    master = prs.slide_master
    assert any(shape.shape_type is not None and not shape.is_placeholder for shape in master.shapes)
    theme = master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob
    assert b'typeface="Caladea"' in theme and b"E3A72F" in theme
    for slide in slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.name == "Slide number":
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if run.font.name not in (None, "Consolas"):
                        raise AssertionError(f"{run.text!r} overrides the template font with {run.font.name}")
                    if run.hyperlink.address is None and not _on_photo(slide):
                        assert run.font.color.type is None, run.text  # the template colours text


def _on_photo(slide: object) -> bool:
    return any(shape.name in ("Caption band", "Overlay") for shape in slide.shapes)  # type: ignore[attr-defined]


def test_titles_and_bodies_go_into_the_layouts_placeholders(sample_doc: Document, dark: Path) -> None:
    slides = list(deck(sample_doc, dark).slides)
    agenda = slides[1]
    assert agenda.shapes.title.text == "Agenda"
    body = [ph for ph in agenda.placeholders if ph.placeholder_format.idx == 1]
    assert body and "The Importance of Continuous Learning" in body[0].text_frame.text
    section = slides[4]
    subtitle = [ph for ph in section.placeholders if ph.placeholder_format.idx == 1]
    assert subtitle and "Adapting to Change" in subtitle[0].text_frame.text


@pytest.mark.parametrize("which", ["dark", "python-pptx"])
def test_every_box_fits_the_template_geometry(sample_doc: Document, dark: Path, which: str) -> None:
    path = dark if which == "dark" else python_pptx_default()
    info = read_template(path, load_theme("default").slides)
    assert (info.geometry.width, info.geometry.height) == (720.0, 540.0)
    resolver = ResourceResolver(post_dir=SAMPLE_POST.parent, site_root=sample_doc.meta.site_root)
    planner = Planner(
        sample_doc,
        info.style,
        lambda image: resolver.image(image.src),
        geometry=info.geometry,
        branded=False,
    )
    plan = planner.plan()
    full = info.geometry.full
    for slide in plan.slides:
        boxes = [*slide.boxes, *([slide.title] if slide.title else [])]
        for box in boxes:
            r = box.rect
            assert r.x >= 0 and r.y >= 0 and r.right <= full.w and r.bottom <= full.h, box
            assert planner.body_height(box.paras, box.size, r.w) <= r.h + 0.01, box
            if box.role in ("body", "statement"):
                assert box.size >= 16.0
        for picture in slide.pictures:
            if picture.rect != full:
                assert all(_apart(b.rect, picture.rect) for b in boxes), slide.kind


def _apart(a: Rect, b: Rect) -> bool:
    return a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y


def test_the_python_pptx_default_deck_works_as_a_template(sample_doc: Document) -> None:
    reporter = Reporter()
    prs = deck(sample_doc, python_pptx_default(), reporter, closing=True)
    assert reporter.diagnostics == ()
    slides = list(prs.slides)
    assert [s.slide_layout.name for s in slides[:2]] == ["Title Slide", "Title and Content"]
    assert slides[-1].shapes.title.text == "Thank you"


def test_a_missing_layout_falls_back_with_one_warning(
    sample_doc: Document, dark: Path, tmp_path: Path
) -> None:
    prs = Presentation(str(dark))
    layouts = prs.slide_layouts
    section = next(layout for layout in layouts if layout.name == FRENCH["Section Header"])
    layouts.remove(section)
    partial = tmp_path / "no-section.pptx"
    prs.save(str(partial))
    reporter = Reporter()
    made = deck(sample_doc, partial, reporter)
    assert [d.code for d in reporter.diagnostics] == ["pptx-layout-missing"]
    assert "'Section Header'" in reporter.diagnostics[0].message
    assert "'Vide'" in reporter.diagnostics[0].message
    slides = list(made.slides)
    assert slides[4].slide_layout.name == "Vide"
    texts = [s.text_frame.text for s in slides[4].shapes if s.has_text_frame]
    assert "The Importance of Continuous Learning" in texts


def test_the_reference_decks_own_slides_are_not_copied(sample_doc: Document, tmp_path: Path) -> None:
    prs = Presentation(str(python_pptx_default()))
    for _ in range(3):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = "Company boilerplate"
    with_slides = tmp_path / "with-slides.pptx"
    prs.save(str(with_slides))
    made = deck(sample_doc, with_slides)
    titles = [s.shapes.title.text for s in made.slides if s.shapes.title is not None]
    assert "Company boilerplate" not in titles
    assert len(made.slides) == len(deck(sample_doc, python_pptx_default()).slides)


def test_a_theme_can_bring_its_own_template(sample_doc: Document, dark: Path, tmp_path: Path) -> None:
    folder = tmp_path / "branded"
    folder.mkdir()
    shutil.copy(dark, folder / "deck.pptx")
    (folder / "theme.yaml").write_text("name: branded\nextends: default\nslides: {template: deck.pptx}\n")
    prs = Presentation(io.BytesIO(render(sample_doc, "pptx", theme=folder)))
    assert prs.slide_width == Emu(9144000)
    assert prs.slides[1].slide_layout.name == FRENCH["Title and Content"]


def test_an_unusable_reference_deck_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.pptx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(OptionError, match=r"broken\.pptx: not a usable PowerPoint deck"):
        render(load_post(SAMPLE_POST), "pptx", reference_pptx=str(bad))
    out = tmp_path / "out"
    code = main([str(SAMPLE_POST), "-f", "pptx", "--reference-pptx", str(bad), "-o", f"{out}/"])
    err = capsys.readouterr().err
    assert code != 0 and "broken.pptx: not a usable PowerPoint deck" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not list(out.glob("*.pptx"))


def test_slide_flags_reach_only_the_formats_that_use_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(SAMPLE_POST), "-f", "pptx,html", "--slide-text", "full", "--closing-slide", "-o", f"{out}/"]
    assert main([*args, "--slide-level", "2", "--no-slide-images", "-q"]) == 0
    slides = list(Presentation(str(next(out.glob("*.pptx")))).slides)
    assert slides[-1].shapes.title.text == "Thank you"
    assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in slides[1:] for s in slide.shapes)
    # Level-3 headings are bold lines inside their level-2 section's slides, not slides.
    assert all(slide.slide_layout.name != "Section Header" for slide in slides)
    first = next(
        s for s in slides if s.shapes.title is not None and s.shapes.title.text.startswith("The Imp")
    )
    runs = [r for p in first.placeholders[1].text_frame.paragraphs for r in p.runs]
    assert any(r.text == "Adapting to Change" and r.font.bold for r in runs)
    # Full text mode: every sentence of a paragraph is on the slide, not just the lead.
    text = " ".join(s.text_frame.text for slide in slides for s in slide.shapes if s.has_text_frame)
    assert "Embracing a mindset of lifelong learning can lead to substantial" in text
    assert next(out.glob("*.html")).exists()


def test_text_never_inherits_the_reference_decks_insets_or_columns(
    sample_doc: Document, dark: Path, tmp_path: Path
) -> None:
    # A deck whose placeholders have 1-inch insets and two columns: our text, measured for
    # our own insets in one column, must say so itself or the renderer uses the deck's.
    prs = Presentation(str(dark))
    masters_and_layouts = [prs.slide_master, *prs.slide_layouts]
    for owner in masters_and_layouts:
        for placeholder in owner.placeholders:
            body_pr = placeholder._element.txBody.bodyPr
            for name in ("lIns", "rIns", "tIns", "bIns"):
                body_pr.set(name, "914400")
            body_pr.set("numCol", "2")
    padded = tmp_path / "padded.pptx"
    prs.save(str(padded))
    checked = 0
    for slide in deck(sample_doc, padded).slides:
        for shape in slide.placeholders:
            body_pr = shape._element.txBody.bodyPr
            assert [body_pr.get(n) for n in ("lIns", "rIns", "tIns", "bIns")] == [
                "91440",
                "91440",
                "45720",
                "45720",
            ]
            assert body_pr.get("numCol") == "1"
            checked += 1
    assert checked > 20
