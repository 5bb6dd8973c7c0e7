from __future__ import annotations

from pathlib import Path

import pytest

from export_post import ThemeError, list_themes, load_post, load_theme, render


def test_builtin_themes() -> None:
    names = [t.name for t in list_themes()]
    assert names == ["default", "serif"]
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: missing\n", "no theme named 'missing'; installed themes: default, serif"),
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
