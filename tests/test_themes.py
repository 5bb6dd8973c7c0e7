from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from export_post import Document, ThemeError, list_themes, load_post, load_theme, render


def test_builtin_themes() -> None:
    names = [t.name for t in list_themes()]
    assert names == ["contrast", "default", "serif"]
    default, serif = load_theme("default"), load_theme("serif")
    assert default.colors["accent"] == "#0f766e" and serif.colors["accent"] == "#8c3b1f"
    # serif extends default: it inherits what it does not set
    assert serif.fonts["mono"] == default.fonts["mono"]
    assert serif.slides.font == "Cambria" and serif.slides.min_size == default.slides.min_size
    css = serif.css("pdf")
    assert css.index("/* base.css */") < css.index("/* serif.css */") < css.index("/* print.css */")
    assert "--color-accent: #8c3b1f;" in css


def write_theme(folder: Path, text: str, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(text)
    for name, content in files.items():
        (folder / name).write_text(content)
    return folder


def test_theme_from_a_folder_extending_an_installed_one(tmp_path: Path) -> None:
    folder = write_theme(
        tmp_path / "mine",
        "name: mine\nextends: default\ncolors: {accent: '#aa0000'}\ncss: {html: [extra.css]}\n"
        "slides: {accent: '#AA0000', body_size: 28}\n",
        **{"extra.css": "body { margin: 0; }"},
    )
    theme = load_theme(folder)
    assert theme.name == "mine" and theme.colors["accent"] == "#aa0000"
    assert theme.slides.body_size == 28 and theme.slides.font == "Calibri"
    assert "body { margin: 0; }" in theme.css("html") and "body { margin: 0; }" not in theme.css("pdf")
    post = tmp_path / "p.md"
    post.write_text("# Hi\n")
    assert b"#aa0000" in render(load_post(post), "html", theme=folder)


def test_theme_css_with_markup_characters_stays_css_in_the_page(tmp_path: Path) -> None:
    """``<``, ``&``, ``]]>`` and ``</style>`` in a theme's CSS (in strings, comments, data
    URIs) neither break the XHTML page nor end its ``<style>`` early, and still apply."""
    from html.parser import HTMLParser

    from lxml import etree
    from pypdf import PdfReader

    css = (
        "/* a </style><script>alert(1)</script> and ]]> in a comment */\n"
        'h1::after { content: " [a < b & c]"; }\n'
        "p { background: url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>\"); }\n"
    )
    folder = write_theme(
        tmp_path / "marks",
        "name: marks\nextends: default\ncss: {common: [marks.css]}\n",
        **{"marks.css": css},
    )
    post = tmp_path / "p.md"
    post.write_text("# Hi\n\nText.\n")
    doc = load_post(post)
    html = render(doc, "html", theme=folder).decode("utf-8")

    tags: list[str] = []
    styles: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any) -> None:
            tags.append(tag)

        def handle_data(self, data: str) -> None:
            if tags and tags[-1] == "style":
                styles.append(data)

    Tags().feed(html)  # as a browser reads a .html file
    assert "script" not in tags and 'content: " [a < b & c]"' in "".join(styles)
    root = etree.fromstring(html.encode("utf-8"))  # as an XML tool reads it
    style = root.find(".//{http://www.w3.org/1999/xhtml}style")
    assert style is not None and 'content: " [a < b & c]"' in (style.text or "")
    pdf = PdfReader(io.BytesIO(render(doc, "pdf", theme=folder)))
    assert "[a < b & c]" in pdf.pages[0].extract_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: missing\n", "no theme named 'missing'; installed themes: contrast, default, serif"),
        ("colors: {accent: red}\n", "colors.accent must be a colour"),
        ("css: {pdf: [nope.css]}\n", "css file nope.css not found"),
        ("slides: {min_size: 30}\n", "slides.min_size is larger than slides.body_size"),
        ("colours: {}\n", "unknown keys colours"),
        ("slides: {font_size: 3}\n", "unknown key slides.font_size"),
    ],
)
def test_bad_themes_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ThemeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_theme(write_theme(tmp_path / "bad", text))


def test_self_extension_is_caught(tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    write_theme(folder, f"extends: {folder}\n")
    with pytest.raises(ThemeError, match="extends itself"):
        load_theme(folder)


def test_extends_paths_are_relative_to_the_theme_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_theme(tmp_path / "themes" / "base", "name: base\nextends: default\ncolors: {accent: '#123456'}\n")
    child = write_theme(tmp_path / "themes" / "child", "name: child\nextends: ../base\n")
    monkeypatch.chdir(tmp_path)  # somewhere else entirely
    assert load_theme(child).colors["accent"] == "#123456"


def test_an_installed_name_wins_over_a_folder_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "default").mkdir()  # no theme.yaml: just a folder that happens to be called default
    monkeypatch.chdir(tmp_path)
    assert load_theme("default").origin == "entry point export_post_themes.default"
    with pytest.raises(ThemeError, match=r"has no theme\.yaml"):
        load_theme("./default")


def test_one_palette_colours_every_format(tmp_path: Path) -> None:
    default = load_theme("default")
    assert default.slides.accent == default.colors["accent"].upper()
    assert default.slides.title == default.colors["heading"].upper()
    assert default.slides.background == default.colors["background"].upper()
    # A child that changes the palette changes the deck too, unless it sets slide colours.
    folder = write_theme(
        tmp_path / "plum",
        "extends: default\ncolors: {accent: '#6b2d5c', text: '#222222'}\nslides: {muted: '#444444'}\n",
    )
    plum = load_theme(folder)
    assert plum.slides.accent == "#6B2D5C" and plum.slides.text == "#222222"
    assert plum.slides.muted == "#444444"  # set on the slides: kept
    assert plum.slides.title == default.slides.title  # the inherited heading colour still titles


@pytest.mark.parametrize("name", ["default", "serif", "contrast"])
def test_every_theme_keeps_its_text_legible(name: str) -> None:
    from pygments.styles import get_style_by_name

    from export_post.toolkit.color import contrast

    theme = load_theme(name)
    colors, slides = theme.colors, theme.slides
    need = 7.0 if name == "contrast" else 4.5  # WCAG AAA for the contrast theme, AA otherwise
    for key in ("text", "heading", "muted", "accent"):
        assert contrast(colors[key], colors["background"]) >= need, key
    for color in (slides.text, slides.title, slides.muted, slides.accent):
        assert contrast(color, slides.background) >= need, color
    if name == "contrast":
        style = get_style_by_name(theme.code_style)
        code = {f"#{s['color']}" for _, s in style if s["color"]}
        assert min(contrast(c, colors["code_background"]) for c in code) >= need


def test_the_contrast_theme_sets_large_type() -> None:
    contrast_theme, default = load_theme("contrast"), load_theme("default")
    assert "html { font-size: 13pt; }" in contrast_theme.css("pdf")
    assert contrast_theme.css("pdf").index("font-size: 10.5pt") < contrast_theme.css("pdf").index("13pt")
    assert contrast_theme.slides.body_size > default.slides.body_size
    assert contrast_theme.slides.min_size >= 20


@pytest.mark.parametrize("name", ["serif", "contrast"])
def test_each_theme_gives_a_valid_book_and_a_tagged_pdf(
    name: str, sample_doc: Document, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from .support import epubcheck

    book = tmp_path / "book.epub"
    book.write_bytes(render(sample_doc, "epub", theme=name))
    assert epubcheck(book) == []
    reader = PdfReader(io.BytesIO(render(sample_doc, "pdf", theme=name)))
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en"
    assert len(reader.outline) > 1
