"""SVG figures and display math on slides are drawn for the box they get, within a budget."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.shapes.picture import Picture

from export_post import load_post, render
from export_post.diagnostics import Reporter
from export_post_pptx.pictures import planned_width


def _svg(width: int, height: int, shadows: int = 0) -> str:
    """A diagram of labelled boxes; with ``shadows``, that many drop shadows each blurred over
    the whole canvas (the costly kind: resvg's time grows with the area)."""
    boxes = "".join(
        f"<g{' filter=' + chr(34) + 'url(#s)' + chr(34) if i < shadows else ''}>"
        f'<rect x="{20 + i * 37 % (width - 80)}" y="{20 + i * 53 % (height - 80)}" width="60" height="40"'
        f' fill="#3a7bd5"/><text x="{30 + i * 37 % (width - 80)}" y="{45 + i * 53 % (height - 80)}"'
        f' font-size="12">box {i}</text></g>'
        for i in range(max(shadows, 6))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><defs><filter id="s" filterUnits="userSpaceOnUse"'
        ' x="0" y="0" width="100%" height="100%"><feGaussianBlur in="SourceAlpha" stdDeviation="8"/>'
        '<feOffset dx="3" dy="3" result="b"/><feMerge><feMergeNode in="b"/>'
        '<feMergeNode in="SourceGraphic"/></feMerge></filter></defs>'
        f'<rect width="{width}" height="{height}" fill="white"/>{boxes}</svg>'
    )


def _deck(tmp_path: Path, body: str, reporter: Reporter | None = None) -> list[tuple[Picture, int]]:
    """Each picture of the rendered deck with its PNG's pixel width."""
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: Pictures\n---\n{body}", encoding="utf-8")
    prs = Presentation(io.BytesIO(render(load_post(post), "pptx", reporter=reporter)))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if isinstance(shape, Picture):
                with Image.open(io.BytesIO(shape.image.blob)) as image:
                    found.append((shape, image.width))
    return found


def _box_px(shape: Picture) -> float:
    assert shape.width is not None
    return shape.width / 12700 / 72 * 96  # EMU → pt → CSS px


def test_a_figure_beside_text_gets_a_narrow_picture_and_a_full_width_one_a_wide_one(tmp_path: Path) -> None:
    (tmp_path / "wide.svg").write_text(_svg(800, 450), encoding="utf-8")
    (tmp_path / "tall.svg").write_text(_svg(300, 420), encoding="utf-8")
    body = (
        "## Wide\n\n![A wide diagram](wide.svg)\n\n"
        "## Tall\n\nA short paragraph beside the picture.\n\n![A tall diagram](tall.svg)\n"
    )
    (wide, wide_px), (tall, tall_px) = _deck(tmp_path, body)
    assert _box_px(tall) < _box_px(wide) / 2  # the tall one sits in a column beside the text
    assert abs(tall_px - 1.5 * _box_px(tall)) <= 2  # the box's pixels at 1920 px, not 1600 px
    assert abs(wide_px - 1.5 * _box_px(wide)) <= 2
    assert wide_px > 2 * tall_px


def test_display_math_is_drawn_for_its_box_projected(tmp_path: Path) -> None:
    body = "## Sum\n\n$$\\sum_{k=1}^n k^2 = \\frac{n(n+1)(2n+1)}{6}$$\n"
    [(shape, px)] = _deck(tmp_path, body)
    assert abs(px / (1.5 * _box_px(shape)) - 1) < 0.01  # resvg sizes the formula in whole pixels


def test_a_filter_heavy_svg_is_drawn_within_the_budget_and_reported(tmp_path: Path) -> None:
    (tmp_path / "shadows.svg").write_text(_svg(800, 450, shadows=8), encoding="utf-8")
    reporter = Reporter()
    [(shape, px)] = _deck(tmp_path, "## Shadows\n\n![Shadowed boxes](shadows.svg)\n", reporter)
    budget = [d for d in reporter.diagnostics if d.code == "pptx-svg-budget"]
    assert len(budget) == 1 and "shadows.svg" in budget[0].message
    assert budget[0].severity.value == "info"
    planned = planned_width(shape.width / 12700 if shape.width else 0.0, 800)
    assert 640 <= px < planned  # narrower than planned, never below the floor


def test_the_planned_width_follows_the_box_within_its_caps() -> None:
    assert planned_width(72.0, None) == 144  # one inch of a slide projected 1920 px wide
    assert planned_width(600.0, None) == 1200
    assert planned_width(960.0, None) == 1920  # a 13.33-in slide's full width: the projection's
    assert planned_width(400.0, 100) == 400  # never past four times the SVG's own width
