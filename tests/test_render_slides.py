"""Render decks with LibreOffice and check where the text really lands (slow; marked ``render``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from export_post import load_post
from export_post.api import export

from .slide_check import check_deck
from .support import SAMPLE_POST

pytestmark = pytest.mark.render


@pytest.mark.parametrize("theme", ["default", "serif"])
def test_sample_deck_draws_every_word_inside_its_box(theme: str, tmp_path: Path) -> None:
    deck = export(load_post(SAMPLE_POST), "pptx", tmp_path / f"sample-{theme}.pptx", theme=theme)
    report = check_deck(deck, tmp_path)
    assert report.slides == 30 and report.chars > 2000
    assert report.off_slide == []
    assert report.outside_box == []
    assert report.over_picture == []
    assert report.shrunk == []


def test_overflowing_content_is_split_not_clipped(tmp_path: Path) -> None:
    items = "\n".join(
        f"- **Item {i}**: a list item whose lead sentence is long enough to wrap onto a second line."
        for i in range(25)
    )
    long = "A paragraph without any sentence break that simply keeps going " * 30
    post = tmp_path / "long.md"
    post.write_text(
        f"---\ntitle: Stress\n---\n## Many items\n\n{items}\n\n## One long paragraph\n\n- {long}\n- tail\n"
    )
    deck = export(load_post(post), "pptx", tmp_path / "long.pptx")
    report = check_deck(deck, tmp_path)
    assert report.slides > 6
    assert report.off_slide == [] and report.outside_box == []
    assert report.over_picture == [] and report.shrunk == []
