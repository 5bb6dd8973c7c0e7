"""Nothing of a post's text vanishes from the deck, whatever holds it.

Every block kind is placed inside every container (block quote, nested quote, list item,
ordered item, definition, footnote, raw-HTML ``<div markdown="1">`` and ``<details>``, the
epigraph); each block carries a word of its own, so a missing word names the pair. A block
that cannot stand on a slide where it is (code inside a footnote) is in the notes, reported
as ``pptx-block-not-rendered``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage
from pptx import Presentation

from export_post import Reporter, load_post, load_theme, render
from export_post.diagnostics import Severity
from export_post.model import Run
from export_post.reader import parse_post
from export_post.resources import ResourceResolver
from export_post_pptx.deck import Slide as PlannedSlide
from export_post_pptx.plan import Planner

from ..support import missing_words, pptx_text, source_words

BLOCKS: dict[str, Callable[[str], list[str]]] = {
    "paragraph": lambda w: [f"Paragraph {w} text."],
    "heading": lambda w: [f"#### Heading {w}"],
    "bullets": lambda w: [f"- bullet {w}", f"- bullet {w}x"],
    "numbers": lambda w: [f"1. number {w}", f"2. number {w}x"],
    "tasks": lambda w: [f"- [ ] task {w}", f"- [x] task {w}x"],
    "quote": lambda w: [f"> quoted {w}"],
    "code": lambda w: ["```python", f"print('code {w}')", "```"],
    "indented": lambda w: [f"    indented = '{w}'"],
    "figure": lambda w: [f"![Alt {w}](/assets/chart.png)", "", f"Caption {w}", "{:.figcaption}"],
    "table": lambda w: [f"| Head {w} | B |", "|---|---|", f"| cell {w}x | *emph {w}y* |"],
    "math": lambda w: ["$$", r"\sum_{k=1}^n k^2", "$$"],
    "definitions": lambda w: [f"Term {w}", f": definition {w}x"],
    "html": lambda w: ['<div class="inner" markdown="1">', "", f"Inner html {w}", "", "</div>"],
    "rule": lambda w: [f"Before rule {w}.", "", "* * *", "", f"After rule {w}x."],
}


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else "" for i, line in enumerate(lines)]


def _contained(container: str, word: str, lines: list[str], key: int) -> tuple[list[str], list[str]]:
    """``lines`` inside ``container``: the body's lines and the footnote definitions' lines."""
    frame = f"frame{word}"  # the container's own words, apart from the block's
    match container:
        case "quote":
            return [f"> {line}" if line else ">" for line in lines], []
        case "nested quote":
            return [f"> > {line}" if line else "> >" for line in lines], []
        case "list item":
            return _indent(lines, "- ", "  "), []
        case "ordered item":
            return _indent(lines, "1. ", "   "), []
        case "definition":
            return [f"Defined {frame}", "", *_indent([f"Opening {frame}.", "", *lines], ": ", "  ")], []
        case "footnote":
            note = _indent([f"Noted {frame}.", "", *lines], f"[^n{key}]: ", "    ")
            return [f"Cites {frame}.[^n{key}]"], note
        case "html div":
            return ['<div class="box" markdown="1">', "", *lines, "", "</div>"], []
        case "details":
            return [
                '<details markdown="1">',
                f"<summary>Summary {frame}</summary>",
                "",
                *lines,
                "",
                "</details>",
            ], []
    raise AssertionError(container)


CONTAINERS = (
    "quote",
    "nested quote",
    "list item",
    "ordered item",
    "definition",
    "footnote",
    "html div",
    "details",
)


def every_block_in_every_container() -> str:
    epigraph = [line for kind, make in BLOCKS.items() for line in (*make(f"zepigraph{kind}"), "")]
    body = [f"> {line}" if line else ">" for line in epigraph[:-1]] + [""]
    notes: list[str] = []
    key = 0
    for container in ("top", *CONTAINERS):
        body += [f"## In {container}", ""]
        for kind, make in BLOCKS.items():
            key += 1
            word = "z" + container.replace(" ", "") + kind
            if container == "top":
                lines, definition = make(word), list[str]()
            else:
                lines, definition = _contained(container, word, make(word), key)
            body += [*lines, ""]
            notes += [*definition, ""]
    return "---\ntitle: Every block in every container\n---\n" + "\n".join(body + notes)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, Reporter]:
    site = tmp_path_factory.mktemp("containers")
    (site / "_config.yml").write_text("title: S\n")
    (site / "assets").mkdir()
    PILImage.new("RGB", (480, 320), (40, 120, 160)).save(site / "assets" / "chart.png")
    post = site / "_posts" / "2024-01-02-containers.md"
    post.parent.mkdir()
    post.write_text(every_block_in_every_container(), encoding="utf-8")
    reporter = Reporter()
    return post, render(load_post(post), "pptx", reporter=reporter), reporter


def test_every_word_of_every_block_in_every_container_is_in_the_deck(
    deck: tuple[Path, bytes, Reporter], tmp_path: Path
) -> None:
    post, data, _ = deck
    out = tmp_path / "deck.pptx"
    out.write_bytes(data)
    expected = source_words(post)
    assert len(expected) > 600
    assert missing_words(expected, pptx_text(out)) == []


def test_blocks_a_slide_cannot_show_where_they_stand_are_reported(deck: tuple[Path, bytes, Reporter]) -> None:
    _, data, reporter = deck
    reported = [d for d in reporter.diagnostics if d.code == "pptx-block-not-rendered"]
    assert all(d.severity is Severity.INFO for d in reported)
    messages = " ".join(d.message for d in reported)
    for kind in ("code block", "table", "formula", "picture"):
        assert f"{kind} in footnote" in messages
    assert not [d for d in reporter.warnings if d.code == "pptx-layout"]
    notes = "\n".join(_notes(s) for s in Presentation(io.BytesIO(data)).slides)
    assert "print('code zfootnotecode')" in notes  # code keeps its line in the notes
    assert "Head zfootnotetable | B" in notes  # a table, one line per row


def test_code_and_tables_inside_quotes_get_their_own_slides(deck: tuple[Path, bytes, Reporter]) -> None:
    _, data, _ = deck
    slides = list(Presentation(io.BytesIO(data)).slides)
    code = [s for s in slides if "zquotecode" in _shown(s)]
    table = [s for s in slides if any(sh.has_table and "zquotetable" in _shown(s) for sh in s.shapes)]
    assert code and table
    epigraph = [s for s in slides if "zepigraphcode" in _shown(s)]
    assert epigraph, "code in the epigraph is shown after the quote slide"


def _shown(slide: Any) -> str:
    parts = [str(shape.text_frame.text) for shape in slide.shapes if shape.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def _notes(slide: Any) -> str:
    return str(slide.notes_slide.notes_text_frame.text) if slide.has_notes_slide else ""


# ------------------------------------------------------------- planned, not rendered


def plan(text: str, folder: Path, **options: Any) -> tuple[Planner, list[PlannedSlide]]:
    PILImage.new("RGB", (800, 600), (40, 120, 160)).save(folder / "c.png")
    doc = parse_post(text, folder / "p.md")
    resolver = ResourceResolver(post_dir=folder)
    planner = Planner(doc, load_theme("default").slides, lambda image: resolver.image(image.src), **options)
    return planner, list(planner.plan().slides)


def _title(slide: PlannedSlide) -> tuple[Run, ...]:
    return slide.title.paras[0].runs if slide.title is not None else ()


FOOTNOTED = """---
title: T
---
> Quoted words.[^epi]

## Notes[^h]

Body text.

## Cells

| Name[^th] | Value |
|-------|-------|
| a[^td] | 1 |

## Picture

![Chart](c.png)

Caption cites[^cap]
{:.figcaption}

## Terms

Term[^dt]
: Its definition.

[^epi]: Note on the epigraph.
[^h]: Note on the heading.
[^th]: Note on the header cell.
[^td]: Note on the cell.
[^cap]: Note on the caption.
[^dt]: Note on the term.
"""


@pytest.mark.parametrize(
    ("title", "note"),
    [
        (None, "[1] Note on the epigraph."),
        ("Notes", "[2] Note on the heading."),
        ("Cells", "[3] Note on the header cell."),
        ("Cells", "[4] Note on the cell."),
        ("Picture", "[5] Note on the caption."),
        ("Terms", "[6] Note on the term."),
    ],
)
def test_a_footnote_is_marked_where_it_is_cited_and_in_that_slides_notes(
    tmp_path: Path, title: str | None, note: str
) -> None:
    _, slides = plan(FOOTNOTED, tmp_path)
    label = note[1]
    slide = next(s for s in slides[1:] if "".join(r.text for r in _title(s)).startswith(title or ""))
    assert note in slide.notes.split("\n")
    runs = list(_title(slide)) + [r for b in slide.boxes for p in b.paras for r in p.runs]
    if slide.table is not None:
        cells = [*slide.table.header, *(c for row in slide.table.rows for c in row)]
        runs += [r for c in cells for r in c.runs]
    assert any(r.style.superscript and label in r.text.split(",") for r in runs), "no marker"


def test_a_heading_marker_sits_after_the_heading_on_its_first_slide(tmp_path: Path) -> None:
    _, slides = plan(FOOTNOTED, tmp_path)
    heading = next(s for s in slides if "".join(r.text for r in _title(s)).startswith("Notes"))
    assert [(r.text, r.style.superscript) for r in _title(heading)] == [("Notes", False), ("2", True)]
    assert heading.notes.split("\n")[0] == "Notes"  # the title's words, not run into the marker


def test_text_no_slide_shows_whole_is_in_the_notes(tmp_path: Path) -> None:
    long_cell = " ".join(f"cell{i}" for i in range(600))
    long_title = " ".join(f"title{i}" for i in range(60))
    text = f"---\ntitle: T\n---\n## {long_title}\n\nText.\n\n## Pics\n\n![Chart](c.png)\n\n"
    text += f"Caption words\n{{:.figcaption}}\n\n## Tab\n\n| A | B |\n|---|---|\n| {long_cell} | x |\n"
    planner, slides = plan(text, tmp_path, show_images=False)
    titled = next(s for s in slides if "".join(r.text for r in _title(s)).startswith("title0"))
    assert "".join(r.text for r in _title(titled)).endswith("\u2026") and long_title in titled.notes
    pics = next(s for s in slides if "".join(r.text for r in _title(s)) == "Pics")
    assert "Caption words" in pics.notes  # pictures left out, their words kept
    table = next(s for s in slides if s.table is not None)
    assert f"{long_cell} | x" in table.notes
    assert any(m.startswith("table cell too long") for m in planner.not_rendered)
