"""Render decks with LibreOffice and check where the text really lands (slow; marked ``render``).

The sample with each theme and two reference decks (python-pptx's 4:3 default and a dark
4:3 one built in :mod:`tests.pptx_templates`), plus posts written to stress the layout:
overflowing lists and paragraphs, every kind of picture framing, code and tables that
must be cut. All are converted in one LibreOffice run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image as PILImage

from export_post import load_post
from export_post.api import export
from export_post.diagnostics import Reporter

from .pptx_templates import build_dark_template, python_pptx_default
from .slide_check import Report, check_rendered, render_pdfs
from .support import SAMPLE_POST

pytestmark = pytest.mark.render

OVERFLOW = (
    "---\ntitle: Stress\n---\n## Many items\n\n"
    + "\n".join(
        f"- **Item {i}**: a list item whose lead sentence is long enough to wrap onto a second line."
        for i in range(25)
    )
    + "\n\n## One long paragraph\n\n- "
    + "A paragraph without any sentence break that simply keeps going " * 30
    + "\n- tail\n"
)

# Code that wraps where LibreOffice breaks lines unlike a space-only word wrap: white space
# that overflows a line wraps onto the next (only one space may hang past the edge), an
# indented line breaks after its indent, and an over-long word breaks after its hyphens
# before it is cut anywhere. Lines are long enough to wrap on a 4:3 slide and on ours.
WRAPPING = (
    "---\ntitle: Wrapping\n---\n## Diagram\n\n```\n"
    + "\n".join(f"step {i}   load -> mul -> add\n" + " " * 96 + "|\n" + " " * 96 + "v" for i in range(4))
    + "\n```\n\n## Indented\n\n```cpp\n"
    + "\n".join(" " * 12 + "counter.load(std::memory_order_relaxed)" * 2 + ";" for _ in range(12))
    + "\n```\n\n## Options\n\n```\n"
    + "\n".join(
        "$ ./bench.sh --test=mul --extra-events=" + ",".join(f"uops.port_{p}#p{p}" for p in range(12))
        for _ in range(4)
    )
    + "\n```\n\n## Address\n\n```yaml\n# for me, this line reads:\n"
    + "# https://staticman-example.herokuapp.com/v2/entry/someone/someone.github.io/master/comments\n"
    + "xx aaaaa-"
    + "/".join(["bbbbbbbbbb"] * 8)
    + "\n```\n"
)

# Links holding right-to-left words, numbers and Latin phrases: LibreOffice draws each link
# as one field, which it once drew off the slide and in the wrong order.
RTL_LINKS = (
    "---\ntitle: קישורים\nlang: he\n---\n## מבוא\n\n"
    '> "ישראל נמנית בין 3 מעצמות הסייבר המובילות בעולם" ([בנימין נתניהו, 16.01.2016](https://example.com/a)).\n\n'
    "- ראו [את המאמר של Stack Overflow, 2016](https://example.com/b) ואת [ההסבר המלא על 50% מהמקרים](https://example.com/c).\n"
    "- [קישור ארוך מאוד שממשיך וממשיך על פני כמה שורות של טקסט בעברית עד שהוא נגמר](https://example.com/d).\n"
    "- [ויקיפדיה: הגנת סייבר](https://example.com/e) היא ערך טוב, וגם [RFC 2616](https://example.com/f) "
    "שפורסם ב-1999 ו[עוד מסמך, 2.5 מיליון מילים, גרסה 3](https://example.com/g).\n"
    "- המאמר הזה מסביר איך לבנות אתר אישי בעזרת ג'קיל, ואיך [לפרסם אותו](https://example.com/h) בכל מקום.\n"
)


# Arabic beside emoji-like symbols (⚠️, 🎉): LibreOffice drew the letters of the whole box in
# a font without them, as empty boxes wider than measured, pushed off the slide.
RTL_SYMBOLS = (
    "---\ntitle: اختبار\nlang: ar\n---\n## مقدمة\n\n"
    "1. تعلم الآلة هو فرع من فروع الذكاء الاصطناعي. ⚠️\n"
    "2. تعلم الآلة هو فرع من فروع الذكاء الاصطناعي. ⚠\n"
    "3. تعلم الآلة هو فرع من فروع الذكاء الاصطناعي، وهو يدرس الخوارزميات التي تتعلم من البيانات.\n"
    "4. تعلم الآلة هو فرع من فروع الذكاء الاصطناعي. 🎉\n"
    "5. Machine learning (تعلم الآلة) ✅ learns from data, not from rules written by hand.\n"
)


def layouts_post(folder: Path) -> Path:
    """Every picture framing, a caption that never ends, a minified line and a huge table cell."""
    PILImage.new("RGB", (320, 240), (40, 120, 160)).save(folder / "small.png")
    PILImage.new("RGB", (500, 1300), (160, 60, 40)).save(folder / "tall.png")
    PILImage.new("RGB", (2400, 900), (60, 160, 60)).save(folder / "wide.png")
    texture = PILImage.effect_noise((1920, 1200), 60).convert("RGB")  # a photograph's grain
    texture.save(folder / "photo.jpg", "JPEG")
    caption = ("A caption that keeps explaining the figure in more and more detail " * 12).strip()
    cell = "A table cell holding a whole essay of text. " * 40
    post = folder / "layouts.md"
    post.write_text(
        "---\ntitle: Layouts\ndescription: Every way a picture can sit on a slide\nauthor: Test\n---\n"
        "## Beside\n\nA short section with one small chart.\n\n"
        "![Small chart](small.png)\n*Figure 1: small*\n\n"
        "## Tall\n\nA portrait picture sits beside its text.\n\n![Tall](tall.png)\n\n"
        f"## Wide\n\n![Wide diagram](wide.png)\n*{caption}*\n\n"
        "## Photo\n\n![A photo](photo.jpg)\n*Photo by [Someone](https://example.com) on Example*\n\n"
        "## Minified\n\n```js\n" + "var a=1;function f(b){return b*2};" * 120 + "\n```\n\n"
        f"## Table\n\n| Key | Value |\n|---|---|\n| one | {cell} |\n| two | short |\n",
        encoding="utf-8",
    )
    return post


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, Reporter]]:
    work = tmp_path_factory.mktemp("render")
    dark = build_dark_template(work / "dark-4x3.pptx")
    overflow = work / "overflow.md"
    overflow.write_text(OVERFLOW, encoding="utf-8")
    layouts = layouts_post(work)
    wrapping = work / "wrapping.md"
    wrapping.write_text(WRAPPING, encoding="utf-8")
    rtl_links = work / "rtl-links.md"
    rtl_links.write_text(RTL_LINKS, encoding="utf-8")
    rtl_symbols = work / "rtl-symbols.md"
    rtl_symbols.write_text(RTL_SYMBOLS, encoding="utf-8")
    jobs: dict[str, tuple[Path, dict[str, object]]] = {
        "sample-default": (SAMPLE_POST, {}),
        "sample-serif": (SAMPLE_POST, {"theme": "serif"}),
        "sample-contrast": (SAMPLE_POST, {"theme": "contrast"}),
        "sample-dark-4x3": (SAMPLE_POST, {"reference_pptx": str(dark)}),
        "sample-python-pptx": (SAMPLE_POST, {"reference_pptx": str(python_pptx_default())}),
        "overflow-default": (overflow, {}),
        "overflow-dark-4x3": (overflow, {"reference_pptx": str(dark)}),
        "layouts-default": (layouts, {}),
        "layouts-dark-4x3": (layouts, {"reference_pptx": str(dark)}),
        "wrapping-default": (wrapping, {}),
        "wrapping-dark-4x3": (wrapping, {"reference_pptx": str(dark)}),
        "rtl-links-default": (rtl_links, {}),
        "rtl-links-dark-4x3": (rtl_links, {"reference_pptx": str(dark)}),
        "rtl-symbols-default": (rtl_symbols, {}),
        "rtl-symbols-dark-4x3": (rtl_symbols, {"reference_pptx": str(dark)}),
    }
    decks: dict[str, Path] = {}
    reporters: dict[str, Reporter] = {}
    for name, (post, options) in jobs.items():
        reporters[name] = Reporter()
        decks[name] = export(
            load_post(post),
            "pptx",
            work / f"{name}.pptx",
            reporter=reporters[name],
            **options,  # type: ignore[arg-type]
        )
    pdfs = render_pdfs(list(decks.values()), work)
    return {name: (check_rendered(deck, pdfs[deck]), reporters[name]) for name, deck in decks.items()}


@pytest.mark.parametrize(
    "name",
    [
        "sample-default",
        "sample-serif",
        "sample-contrast",
        "sample-dark-4x3",
        "sample-python-pptx",
        "overflow-default",
        "overflow-dark-4x3",
        "layouts-default",
        "layouts-dark-4x3",
        "wrapping-default",
        "wrapping-dark-4x3",
        "rtl-links-default",
        "rtl-links-dark-4x3",
        "rtl-symbols-default",
        "rtl-symbols-dark-4x3",
    ],
)
def test_every_character_is_drawn_in_its_box_at_its_size(
    name: str, rendered: dict[str, tuple[Report, Reporter]]
) -> None:
    report, reporter = rendered[name]
    assert report.chars > 300
    assert report.problems() == {}
    assert [d.message for d in reporter.diagnostics if d.code == "pptx-layout"] == []


def test_the_sample_deck_has_its_thirty_slides(rendered: dict[str, tuple[Report, Reporter]]) -> None:
    for theme in ("default", "serif"):
        report, _ = rendered[f"sample-{theme}"]
        assert report.slides == 30 and report.chars > 2000


def test_overflow_is_split_across_slides(rendered: dict[str, tuple[Report, Reporter]]) -> None:
    assert rendered["overflow-default"][0].slides > 6
    assert rendered["overflow-dark-4x3"][0].slides > rendered["overflow-default"][0].slides  # 4:3 holds less


def test_a_batch_libreoffice_died_on_gets_one_more_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import slide_check

    runs: list[list[str]] = []

    def convert(soffice: str, decks: list[Path], out_dir: Path) -> str:
        runs.append([deck.name for deck in decks])
        if len(runs) == 1:
            return "terminate called ... Unspecified Application Error"  # died as it started
        for deck in decks:
            if deck.name != "bad.pptx":
                (out_dir / f"{deck.stem}.pdf").write_bytes(b"%PDF")
        return ""

    monkeypatch.setattr(slide_check, "_convert", convert)
    monkeypatch.setattr(slide_check, "require_tool", lambda name: name)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    decks = [tmp_path / "a.pptx", tmp_path / "b.pptx"]
    assert set(render_pdfs(decks, tmp_path)) == set(decks)
    assert runs == [["a.pptx", "b.pptx"], ["a.pptx", "b.pptx"]]
    runs.clear()
    with pytest.raises(AssertionError, match=r"did not convert \['bad.pptx'\]"):
        render_pdfs([tmp_path / "bad.pptx"], tmp_path)  # a deck that kills it, twice
