"""Slide layout rules, planned without writing a deck: picture framing and the deck options."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pptx import Presentation

from export_post import load_post, load_theme, render
from export_post.errors import OptionError
from export_post.reader import parse_post
from export_post.resources import ResourceResolver
from export_post_pptx import PptxOptions
from export_post_pptx.deck import Kind, Rect, Slide, TextBox
from export_post_pptx.framing import is_bleed_photo
from export_post_pptx.plan import Planner


def picture(folder: Path, name: str, size: tuple[int, int], fmt: str = "PNG") -> str:
    image = PILImage.new("RGB", size, (40, 120, 160))
    image.save(folder / name, fmt)
    return name


def photo(folder: Path, name: str, size: tuple[int, int]) -> str:
    """A JPEG with a photograph's texture: noise over a gradient, no flat background."""
    noise = PILImage.effect_noise(size, 60).convert("RGB")
    gradient = PILImage.linear_gradient("L").resize(size).convert("RGB")
    PILImage.blend(noise, gradient, 0.5).save(folder / name, "JPEG")
    return name


def planner(text: str, folder: Path, **options: object) -> Planner:
    doc = parse_post(text, folder / "p.md")
    resolver = ResourceResolver(post_dir=folder)
    return Planner(
        doc,
        load_theme("default").slides,
        lambda image: resolver.image(image.src),
        **options,  # type: ignore[arg-type]
    )


def slides_of(text: str, folder: Path, **options: object) -> list[Slide]:
    return list(planner(text, folder, **options).plan().slides)


def disjoint(a: Rect, b: Rect) -> bool:
    return a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y


def inside(inner: Rect, outer: Rect) -> bool:
    return (
        inner.x >= outer.x - 0.01
        and inner.y >= outer.y - 0.01
        and inner.right <= outer.right + 0.01
        and inner.bottom <= outer.bottom + 0.01
    )


def fits(p: Planner, box: TextBox) -> bool:
    return p.body_height(box.paras, box.size, box.rect.w) <= box.rect.h + 0.01


# ------------------------------------------------------------------- picture framing


def test_a_small_picture_sits_beside_a_short_section(tmp_path: Path) -> None:
    name = picture(tmp_path, "chart.png", (320, 240))
    text = "---\ntitle: T\n---\n## Results\n\nThe chart shows the trend.\n\n"
    text += f"![Trend chart]({name})\n*Figure 1*\n"
    p = planner(text, tmp_path)
    slides = list(p.plan().slides)
    results = [s for s in slides if s.title and s.title.paras[0].runs[0].text == "Results"]
    assert len(results) == 1  # text and picture on one slide
    slide = results[0]
    assert slide.kind is Kind.CONTENT and len(slide.pictures) == 1
    text_box, caption = slide.boxes
    pic = slide.pictures[0]
    assert pic.rect.w / pic.rect.h == pytest.approx(320 / 240, rel=0.01)
    assert pic.rect.w <= 320 * 0.75 * 2 + 0.01  # never more than twice its natural size
    assert disjoint(text_box.rect, pic.rect) and disjoint(caption.rect, pic.rect)
    assert text_box.rect.right <= pic.rect.x  # text on the start side
    assert caption.rect.y >= pic.rect.bottom and caption.paras[0].runs[0].text == "Figure 1"
    assert pic.alt == "Trend chart"
    assert fits(p, text_box) and fits(p, caption)
    for rect in (text_box.rect, caption.rect, pic.rect):
        assert inside(rect, p.geo.body)


def test_a_tall_picture_beside_right_to_left_text_goes_on_the_left(tmp_path: Path) -> None:
    name = picture(tmp_path, "tall.png", (600, 1400))
    text = f"---\ntitle: T\nlang: he\n---\n## שלום\n\nטקסט קצר.\n\n![תמונה]({name})\n"
    slide = next(s for s in slides_of(text, tmp_path) if s.pictures)
    assert slide.kind is Kind.CONTENT
    assert slide.pictures[0].rect.right <= slide.boxes[0].rect.x


def test_a_long_section_keeps_its_picture_on_a_slide_of_its_own(tmp_path: Path) -> None:
    name = picture(tmp_path, "chart.png", (320, 240))
    items = "\n".join(f"- Point {i} is a sentence of moderate length about the chart." for i in range(9))
    slides = slides_of(f"---\ntitle: T\n---\n## Results\n\n{items}\n\n![Chart]({name})\n", tmp_path)
    kinds = [s.kind for s in slides[1:]]
    assert kinds == [Kind.CONTENT, Kind.IMAGE]
    assert slides[1].pictures == ()


def test_a_large_diagram_is_fitted_whole_with_its_caption_below(tmp_path: Path) -> None:
    name = picture(tmp_path, "diagram.png", (2400, 1000))  # PNG: a diagram, never cropped
    text = f"---\ntitle: T\n---\n## Architecture\n\n![Boxes and arrows]({name})\n*The pipeline*\n"
    p = planner(text, tmp_path)
    slide = next(s for s in p.plan().slides if s.pictures)
    pic = slide.pictures[0]
    assert slide.kind is Kind.IMAGE and slide.band is None
    assert pic.crop == (0.0, 0.0, 0.0, 0.0)
    assert pic.rect.w / pic.rect.h == pytest.approx(2.4, rel=0.01)
    assert inside(pic.rect, p.geo.body)
    caption = slide.boxes[0]
    assert caption.rect.y >= pic.rect.bottom and fits(p, caption)


def test_photos_fill_the_slide_only_when_little_is_cropped(tmp_path: Path) -> None:
    wide = photo(tmp_path, "wide.jpg", (1920, 1280))  # 3:2 on 16:9: 16% cropped
    square = photo(tmp_path, "square.jpg", (1600, 1600))  # would lose 44%
    small = photo(tmp_path, "small.jpg", (640, 360))  # too few pixels to fill a screen
    screenshot = picture(tmp_path, "shot.jpg", (1920, 1080), "JPEG")  # flat: a screenshot
    text = (
        f"---\ntitle: T\n---\n## A\n\n![Lake]({wide})\n*Photo by someone*\n\n"
        f"## B\n\n![Tiles]({square})\n\n## C\n\n![Thumb]({small})\n\n## D\n\n![Screen]({screenshot})\n"
    )
    p = planner(text, tmp_path)
    pictured = [s for s in p.plan().slides if s.pictures and s.kind is not Kind.TITLE]
    bleed, *fitted = pictured
    assert len(fitted) == 3
    assert bleed.pictures[0].rect == p.geo.full and bleed.band is not None
    left, top, right, bottom = bleed.pictures[0].crop
    assert left == right == 0.0 and top == bottom and top + bottom < 0.2
    assert bleed.title is not None and inside(bleed.title.rect, bleed.band)
    assert all(inside(b.rect, bleed.band) for b in bleed.boxes)
    assert bleed.boxes[0].rect.bottom <= p.geo.footer.y  # clear of the slide number
    for slide in fitted:
        assert slide.band is None and slide.pictures[0].crop == (0.0, 0.0, 0.0, 0.0)
        assert inside(slide.pictures[0].rect, p.geo.body)


def test_bleed_rule_is_about_format_pixels_crop_and_texture(tmp_path: Path) -> None:
    from export_post.resources import Resource

    textured = (tmp_path / photo(tmp_path, "p.jpg", (64, 64))).read_bytes()
    flat = (tmp_path / picture(tmp_path, "f.jpg", (64, 64), "JPEG")).read_bytes()

    def res(media: str, w: int, h: int, data: bytes = textured) -> Resource:
        return Resource(ref="x", data=data, media_type=media, width=w, height=h, digest="0" * 64)

    slide = Rect(0, 0, 960, 540)
    assert is_bleed_photo(res("image/jpeg", 1600, 900), slide)
    assert not is_bleed_photo(res("image/jpeg", 1600, 900, flat), slide)  # a screenshot
    assert not is_bleed_photo(res("image/png", 1600, 900), slide)
    assert not is_bleed_photo(res("image/jpeg", 900, 600), slide)
    assert not is_bleed_photo(res("image/jpeg", 1600, 1200), slide)  # 4:3 on 16:9 loses 25%
    assert is_bleed_photo(res("image/jpeg", 1600, 1200), Rect(0, 0, 720, 540))  # on 4:3, nothing


def test_an_endless_caption_is_shortened_never_overflowing(tmp_path: Path) -> None:
    name = picture(tmp_path, "d.png", (1200, 800))
    caption = ("A caption that rambles on and on about the figure " * 30).strip()
    p = planner(f"---\ntitle: T\n---\n## Fig\n\n![Alt]({name})\n*{caption}*\n", tmp_path)
    slide = next(s for s in p.plan().slides if s.pictures)
    box = slide.boxes[0]
    assert fits(p, box) and box.size >= 12.0
    assert box.paras[0].runs[-1].text.endswith("\u2026")
    assert caption.split()[0] in slide.notes and slide.notes.count("rambles") == 30


# ----------------------------------------------------------------------- options


LONG = (
    "---\ntitle: Options\n---\n## First\n\n"
    "Lead sentence one. Second sentence with more detail. Third sentence.\n\n"
    "### Deeper\n\nSub text here. More sub text.\n\n"
    "## Second\n\nClosing words.\n"
)


def shown(slides: list[Slide]) -> str:
    return " ".join(r.text for s in slides for b in s.boxes for p in b.paras for r in p.runs)


def test_summary_mode_shows_lead_sentences_and_full_mode_everything(tmp_path: Path) -> None:
    summary = slides_of(LONG, tmp_path)
    full = slides_of(LONG, tmp_path, text_mode="full")
    assert "Second sentence" not in shown(summary)
    assert "Second sentence with more detail. Third sentence." in shown(full)
    assert "Second sentence" in " ".join(s.notes for s in summary)  # notes carry the full text


def test_slide_level_keeps_deeper_headings_on_their_parents_slide(tmp_path: Path) -> None:
    default = [s.title.paras[0].runs[0].text for s in slides_of(LONG, tmp_path) if s.title]
    level_two = slides_of(LONG, tmp_path, slide_level=2)
    titles = [s.title.paras[0].runs[0].text for s in level_two if s.title]
    assert "Deeper" in default and "Deeper" not in titles
    first = next(s for s in level_two if s.title and s.title.paras[0].runs[0].text == "First")
    heading = [p for b in first.boxes for p in b.paras if p.source == "heading"]
    assert [r.text for p in heading for r in p.runs] == ["Deeper"] and heading[0].runs[0].style.bold


def test_images_can_be_left_out_and_a_closing_slide_added(tmp_path: Path) -> None:
    name = picture(tmp_path, "c.png", (800, 600))
    text = f"---\ntitle: T\nauthor: Ada\n---\n## A\n\nText.\n\n![Chart]({name})\n"
    without = slides_of(text, tmp_path, show_images=False, closing=True)
    assert not any(s.pictures for s in without)
    assert without[-1].kind is Kind.CLOSING
    assert without[-1].title is not None and without[-1].title.paras[0].runs[0].text == "Thank you"
    assert "Ada" in shown(without[-1:])


def test_options_are_checked_and_reach_the_deck(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="text_mode"):
        PptxOptions(text_mode="verbose")
    with pytest.raises(OptionError, match="slide_level"):
        PptxOptions(slide_level=0)
    with pytest.raises(OptionError, match="does not exist"):
        PptxOptions(reference_pptx=str(tmp_path / "nope.pptx"))
    post = tmp_path / "p.md"
    post.write_text(LONG)
    data = render(load_post(post), "pptx", closing=True, text_mode="full")
    slides = list(Presentation(io.BytesIO(data)).slides)
    assert slides[-1].shapes.title.text == "Thank you"
    text = " ".join(s.text_frame.text for sl in slides for s in sl.shapes if s.has_text_frame)
    assert "Third sentence." in text


def test_only_top_level_dividers_are_numbered(tmp_path: Path) -> None:
    slides = slides_of("---\ntitle: T\n---\n## Part\n\n### Chapter\n\n#### Topic\n\nText.\n", tmp_path)
    dividers = [s for s in slides if s.kind is Kind.SECTION]
    assert [d.title.paras[0].runs[0].text for d in dividers if d.title] == ["Part", "Chapter"]
    numbers = [[b.paras[0].runs[0].text for b in d.boxes if b.role == "number"] for d in dividers]
    assert numbers == [["01"], []]
