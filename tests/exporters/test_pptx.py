from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from export_post import Document, load_post, load_theme
from export_post.reader import parse_post
from export_post.resources import ResourceResolver
from export_post_pptx.deck import Kind, Slide
from export_post_pptx.plan import Planner

EXPECTED_TITLES = [
    "Personal Growth Through Continuous Learning",
    "Agenda",
    None,  # the epigraph, as a quote slide
    "Introduction",
    "The Importance of Continuous Learning",
    "Adapting to Change",
    "Career Advancement",
    "Personal Fulfillment",
    "Personal Fulfillment",  # fig1
    "Strategies for Continuous Learning",
    "Formal Education",
    "Online Resources",
    "Online Resources",  # fig5
    "Books and Journals",
    "Workshops and Conferences",
    "Mentorship and Peer Learning",
    "Mentorship and Peer Learning",  # fig2
    "Implementing Continuous Learning in Daily Life",
    "Setting Goals",
    "Time Management",
    "Practical Application",
    "Practical Application",  # fig3
    "Overcoming Challenges in Continuous Learning",
    "Procrastination and Motivation",
    "Balancing Work and Learning",
    "Staying Current",
    "Staying Current",  # fig4
    "Personal Experiences and Testimonials",
    "My Journey",
    "Conclusion",
]
DIVIDERS = {5, 10, 18, 23, 28}
FIGURE_SLIDES = {9: "fig1", 13: "fig5", 17: "fig2", 22: "fig3", 27: "fig4"}


@pytest.fixture(scope="module")
def deck(sample_outputs: dict[str, Path]) -> object:
    return Presentation(str(sample_outputs["pptx"]))


def titles(prs: object) -> list[str | None]:
    return [s.shapes.title.text if s.shapes.title is not None else None for s in prs.slides]  # type: ignore[attr-defined]


def test_sixteen_by_nine(deck: object) -> None:
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))  # type: ignore[attr-defined]


def test_slide_titles_exactly_as_specified(deck: object) -> None:
    assert titles(deck) == EXPECTED_TITLES


def test_layouts_by_kind(deck: object) -> None:
    slides = list(deck.slides)  # type: ignore[attr-defined]
    assert slides[0].slide_layout.name == "Title Slide"
    for number in DIVIDERS:
        assert slides[number - 1].slide_layout.name == "Section Header"
    for number in FIGURE_SLIDES:
        assert slides[number - 1].slide_layout.name == "Title Only"


def visible_aspect(pic: object, pixels: tuple[int, int]) -> float:
    """The aspect ratio of the part of the image a picture shape shows (after cropping)."""
    kept_w = float(1 - pic.crop_left - pic.crop_right)  # type: ignore[attr-defined]
    kept_h = float(1 - pic.crop_top - pic.crop_bottom)  # type: ignore[attr-defined]
    return kept_w * pixels[0] / (kept_h * pixels[1])


def test_pictures_keep_aspect_ratio_fit_the_slide_and_carry_alt_text(deck: object) -> None:
    slides = list(deck.slides)  # type: ignore[attr-defined]
    width, height = deck.slide_width, deck.slide_height  # type: ignore[attr-defined]
    for index, slide in enumerate(slides, start=1):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if index != 1 and index not in FIGURE_SLIDES:
            assert pictures == [], index
            continue
        assert len(pictures) == 1, index
        pic = pictures[0]
        # The sample's pictures are 1600 x 1067 photos: shown whole or cropped, never stretched.
        assert pic.width / pic.height == pytest.approx(visible_aspect(pic, (1600, 1067)), rel=0.01)
        # Large landscape photos fill the slide (cropping at most a fifth of either side).
        assert (pic.left, pic.top, pic.width, pic.height) == (0, 0, width, height)
        assert max(pic.crop_left + pic.crop_right, pic.crop_top + pic.crop_bottom) <= 0.2
        if index == 1:
            continue
        descr = pic._element.nvPicPr.cNvPr.get("descr")
        assert descr.startswith("Christian Haller") and "/" not in descr  # alt text, never a path
        # Title and credit sit on a dark band along the bottom, in white.
        bands = [s for s in slide.shapes if s.name == "Caption band"]
        assert len(bands) == 1, index
        band = bands[0]
        assert band.top + band.height == height and band.height < height * 0.35
        captions = [s for s in slide.shapes if s.has_text_frame and "Photo by" in s.text_frame.text]
        assert captions and captions[0].text_frame.text == "Photo by Susan Wilkinson on Unsplash"
        for shape in (slide.shapes.title, captions[0]):
            assert shape.top >= band.top and shape.top + shape.height <= band.top + band.height
            run = shape.text_frame.paragraphs[0].runs[0]
            assert str(run.font.color.rgb) == "FFFFFF"
        tree = list(slide.shapes._spTree)
        assert tree.index(pic._element) < tree.index(band._element) < tree.index(captions[0]._element)


def test_notes_carry_the_full_text(deck: object, sample_doc: Document) -> None:
    slides = list(deck.slides)  # type: ignore[attr-defined]
    online = slides[11].notes_slide.notes_text_frame.text
    assert "Notable courses include Andrew Ng’s “Machine Learning”" in online
    body = slides[11].shapes.placeholders[1].text_frame.text
    assert "Notable courses" not in body  # the slide shows the lead sentence only
    assert "Coursera: Offers a variety of AI and ML courses" in body


def test_bold_lead_ins_and_links_survive(deck: object) -> None:
    slide = list(deck.slides)[11]  # type: ignore[attr-defined]
    runs = [r for p in slide.shapes.placeholders[1].text_frame.paragraphs for r in p.runs]
    bold = [r.text for r in runs if r.font.bold]
    assert bold == ["Coursera", "edX", "Udacity", "LinkedIn Learning"]
    fig = list(deck.slides)[8]  # type: ignore[attr-defined]
    links = [
        r.hyperlink.address
        for s in fig.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert links == [
        "https://unsplash.com/@susan_wilkinson",
        "https://unsplash.com/photos/a-colorful-piece-of-clothing-TigQOIt973s",
    ]


def test_no_run_below_the_minimum_size(deck: object) -> None:
    for slide in deck.slides:  # type: ignore[attr-defined]
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size is not None
                    minimum = 12 if "Photo by" in shape.text_frame.text else 16
                    assert run.font.size.pt >= minimum, (shape.text_frame.text[:40], run.font.size.pt)


# ---------------------------------------------------------------- the planner alone


def plan(text: str, tmp_path: Path) -> tuple[list[Slide], Planner]:
    doc = parse_post(text, tmp_path / "p.md")
    resolver = ResourceResolver(post_dir=tmp_path)
    planner = Planner(doc, load_theme("default").slides, lambda image: resolver.image(image.src))
    return list(planner.plan().slides), planner


def test_long_sections_split_into_numbered_continuation_slides(tmp_path: Path) -> None:
    items = "\n".join(
        f"- Point number {i} explains one idea in a sentence of moderate length." for i in range(30)
    )
    slides, planner = plan(f"---\ntitle: T\n---\n## Many points\n\n{items}\n", tmp_path)
    content = [s for s in slides if s.kind is Kind.CONTENT]
    names = [s.title.paras[0].runs[0].text for s in content if s.title is not None]
    assert len(content) >= 3
    assert names == [f"Many points ({i}/{len(content)})" for i in range(1, len(content) + 1)]
    for slide in content:
        box = slide.boxes[0]
        assert box.size == 24.0  # split first, never shrunk when splitting suffices
        assert planner.body_height(box.paras, box.size, box.rect.w) <= box.rect.h
    shown = [r.text for s in content for p in s.boxes[0].paras for r in p.runs]
    assert len(shown) == 30


def test_a_paragraph_too_long_for_a_slide_is_shrunk_then_split_never_below_minimum(tmp_path: Path) -> None:
    sentence = "This single sentence keeps going with many words and no full stop at all " * 40
    slides, planner = plan(f"---\ntitle: T\n---\n## Long\n\n- {sentence}\n- short item\n", tmp_path)
    content = [s for s in slides if s.kind is Kind.CONTENT]
    assert len(content) >= 2
    for slide in content:
        box = slide.boxes[0]
        assert box.size >= 16.0
        assert planner.body_height(box.paras, box.size, box.rect.w) <= box.rect.h
    words = " ".join(r.text for s in content for p in s.boxes[0].paras for r in p.runs).split()
    assert len(words) == len(sentence.split()) + 2  # nothing lost


def test_a_very_long_title_still_fits(tmp_path: Path) -> None:
    title = "A heading that goes on " * 12
    slides, planner = plan(f"---\ntitle: T\n---\n## {title}\n\nText.\n", tmp_path)
    box = slides[1].title
    assert box is not None
    assert box.size >= 20.0
    assert planner._fits_text(box.paras[0].runs, box.size, box.rect, heading=True)


def test_missing_image_slide_is_a_placeholder(tmp_path: Path) -> None:
    slides, _ = plan("---\ntitle: T\n---\n## Pics\n\n![Lost chart](nope.png)\n", tmp_path)
    image = next(s for s in slides if s.kind is Kind.IMAGE)
    assert image.pictures == ()
    assert "Image unavailable: Lost chart" in image.boxes[-1].paras[0].runs[0].text


def test_code_and_tables_get_their_own_slides(tmp_path: Path) -> None:
    code = "\n".join(f"print({i})" for i in range(60))
    table = "| a | b |\n|---|---|\n" + "\n".join(f"| row {i} | value {i} |" for i in range(40))
    slides, _ = plan(
        f"---\ntitle: T\n---\n## Stuff\n\nIntro.\n\n```python\n{code}\n```\n\n{table}\n", tmp_path
    )
    kinds = [s.kind for s in slides]
    assert kinds.count(Kind.CODE) >= 2 and kinds.count(Kind.TABLE) >= 2
    shown_code = "\n".join(s.boxes[0].paras[0].runs[0].text for s in slides if s.kind is Kind.CODE)
    assert shown_code == code
    tables = [s.table for s in slides if s.table is not None]
    assert len([r for t in tables for r in t.rows]) == 40 and all(t.header for t in tables)


def test_rendered_deck_opens_with_tables_and_code(tmp_path: Path) -> None:
    from export_post import render

    post = tmp_path / "t.md"
    post.write_text(
        "---\ntitle: T\n---\n## Data\n\n| a | b |\n|---|--:|\n| 1 | **2** |\n\n```python\nx = 1\n```\n"
    )
    prs = Presentation(io.BytesIO(render(load_post(post), "pptx")))
    tables = [s for slide in prs.slides for s in slide.shapes if s.has_table]
    assert len(tables) == 1 and tables[0].table.cell(1, 1).text == "2"
    code = [
        s for slide in prs.slides for s in slide.shapes if s.has_text_frame and "x = 1" in s.text_frame.text
    ]
    assert code and code[0].text_frame.paragraphs[0].runs[0].font.name == "Consolas"


def test_deck_is_reproducible_and_describes_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from export_post import render

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = render(load_post(SAMPLE), "pptx")
    assert first == render(load_post(SAMPLE), "pptx")
    core = Presentation(io.BytesIO(first)).core_properties
    assert core.title == "Personal Growth Through Continuous Learning"
    assert core.author == "Christian Haller" and core.language == "en"
    assert core.modified is not None and core.modified.year == 2023


SAMPLE = Path(__file__).resolve().parents[2] / "samples/personal-growth/_posts/2024-06-10-personal-growth.md"


def _mono_lines(text: str, chars: float) -> int:
    """Lines ``text`` wraps to in a monospaced line ``chars`` characters wide (and a bit)."""
    from export_post_pptx.measure import Piece, Style, count_lines, text_width

    style = Style("DejaVu Sans Mono", mono=True)
    return count_lines([Piece(text, style)], 18.0, text_width("x", style, 18.0) * chars + 0.1)


def test_white_space_wraps_as_libreoffice_wraps_it() -> None:
    # What LibreOffice drew in a 12-character line: one space may hang past the end, the
    # rest of a run of spaces wraps (and can make a line of its own).
    assert _mono_lines("x" * 10 + " " * 3 + "|", 12) == 2  # two fit, one hangs
    assert _mono_lines("x" * 10 + " " * 5 + "|", 12) == 2
    assert _mono_lines("x" * 10 + " " * 20 + "|", 12) == 3
    assert _mono_lines("x" * 10 + " " * 5, 12) == 2  # trailing spaces too
    assert _mono_lines(" " * 30 + "xx", 12) == 3
    assert _mono_lines(" " * 4 + "x" * 10, 12) == 2  # an indented word that does not fit


def test_an_overlong_word_breaks_after_its_hyphens_before_anywhere() -> None:
    # 24 characters: not 12 + 12, but "xxxxxxxx--", then 12 + 2 y's
    assert _mono_lines("xxxxxxxx--" + "y" * 14, 12) == 3
    assert _mono_lines("xxxxxxxx-4" + "y" * 14, 12) == 3  # a hyphen before a digit too
    assert _mono_lines("x" * 30, 12) == 3
    assert _mono_lines("aaaa bbbb cccc", 12) == 2  # ordinary words as before


def test_an_overlong_word_after_other_words_wraps_as_libreoffice_draws_it() -> None:
    # Line counts LibreOffice 7.4 drew in a 41-character box. A word that holds a slash may
    # ignore its breaks on the line where it starts: it moves to the next line and that line
    # is cut anywhere; the count never comes out below what was drawn.
    url = "https://staticman-travisdownsio.herokuapp.com/v2/entry/travisdowns/travisdowns.github.io/master/comments"
    assert _mono_lines("xx " + url, 41.5) >= 4  # "xx https://staticman-", then cut, then slashes
    assert _mono_lines("# " + url, 41.5) >= 4
    assert _mono_lines("xx aaaaa-" + "/".join(["b" * 10] * 5), 41.5) >= 3  # "xx", then cut
    assert _mono_lines("xx " + "a" * 57 + "/" + "/".join(["b" * 10] * 5), 41.5) >= 4
    assert _mono_lines("aaaaa-" + "/".join(["b" * 10] * 6), 41.5) == 2  # at a line's start: the slash
    assert _mono_lines("xx " + "-".join(["a" * 10] * 7), 41.5) == 3  # hyphens break where it starts


def test_the_deck_is_the_zip_normalise_zip_makes_of_python_pptx_s_own(
    sample_doc: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renderer writes the parts straight into the normalised zip instead of saving
    and reading back: the same bytes, member for member."""
    import datetime as dt
    import zipfile

    from export_post import render
    from export_post.toolkit.archive import normalise_zip
    from export_post_pptx import oxml

    saved: list[bytes] = []
    write = oxml.write_package

    def saving_too(prs: object, target: object) -> None:
        out = io.BytesIO()
        prs.save(out)  # type: ignore[attr-defined]
        saved.append(out.getvalue())
        write(prs, target)  # type: ignore[arg-type]

    monkeypatch.setattr(oxml, "write_package", saving_too)
    data = render(sample_doc, "pptx")
    (python_pptx_zip,) = saved
    when = dt.datetime(2024, 6, 10, tzinfo=dt.UTC)  # the sample's date: the deck's timestamp
    assert data == normalise_zip(python_pptx_zip, when)
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        pictures = [i for i in deck.infolist() if i.filename.endswith((".jpg", ".jpeg", ".png"))]
        xml = [i for i in deck.infolist() if i.filename.endswith(".xml")]
    assert pictures and {i.compress_type for i in pictures} == {zipfile.ZIP_STORED}
    assert {i.compress_type for i in xml} == {zipfile.ZIP_DEFLATED}
