"""The generated-posts validators catch what they claim to (fast: no external tool)."""

from __future__ import annotations

from pathlib import Path

from .validators import body_words, check_html, leaked_markup, literal_text, local_pictures, missing_words

XHTML = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'


def _page(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "p.html"
    page.write_text(f"{XHTML}<head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")
    return page


def test_a_clean_page_passes(tmp_path: Path) -> None:
    body = '<p>x <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math></p>'
    assert check_html(_page(tmp_path, body)) == []


def test_html_faults_are_found(tmp_path: Path) -> None:
    assert [f.check for f in check_html(_page(tmp_path, "<p>unclosed"))] == ["html"]  # not well-formed
    found = " ".join(f.message for f in check_html(_page(tmp_path, "<p><div>x</div></p><blink>y</blink>")))
    assert "HTML5 parse errors" in found  # an HTML parser closes the <p> before the <div>
    assert "another tree" in found
    assert "unknown elements: ['blink']" in found
    tbody = check_html(_page(tmp_path, "<table><tr><td>1</td></tr></table>"))
    assert [f.message[:29] for f in tbody] == ["an HTML parser builds another"]  # the implied <tbody>


def test_words_glued_by_an_output_still_count() -> None:
    assert missing_words(["h", "2", "o", "most", "1"], "H2O most1") == []
    assert missing_words(["cache", "hit"], "cachehit cache") == []
    assert missing_words(["x", "9"], "x91") == []  # x<sup>9</sup> and footnote call 1
    assert missing_words(["cache", "miss"], "cachehit") == ["cache", "miss"]


def test_body_words_leave_out_what_jekyll_never_prints(tmp_path: Path) -> None:
    post = tmp_path / "2024-01-01-a.md"
    post.write_text(
        "---\ntitle: T\n---\n* [x] done\n\n{% comment %}secret{% endcomment %}\n\n"
        "{::comment}hidden{:/comment}\n\n\\(alpha\\) kept\n\n*[HTML]: Hyper Text\n\n"
        '<div markdown="1">\n![](pic.png)\n</div>\n',
        encoding="utf-8",
    )
    assert body_words(post) == ["done", "kept"]


def test_markup_shown_as_text_is_found_unless_the_post_shows_it_as_code(tmp_path: Path) -> None:
    post = tmp_path / "2024-01-01-a.md"
    post.write_text("---\ntitle: T\n---\nUse `{% raw %}` and\n\n    {: .x}\n", encoding="utf-8")
    literal = literal_text(post)
    shown = "a {: .lead} b {{ site.title }} [^1] {% raw %} {: .x} **Note:** ![](a.png) 2*3*4"
    assert leaked_markup(shown, literal) == [
        "![](a.png)",
        "**Note:**",
        "[^1]",
        "{: .lead}",
        "{{ site.title }}",
    ]


def test_local_pictures_are_resolved_like_the_site(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "assets" / "a b").mkdir(parents=True)
    (tmp_path / "assets" / "a b" / "x.png").write_bytes(b"png")
    post = tmp_path / "_posts" / "2024-01-01-a.md"
    post.write_text(
        "---\ntitle: T\n---\n![a](/assets/a%20b/x.png) ![b]({{ site.baseurl }}/assets/a%20b/x.png)\n"
        '<img src="/missing.png"> ![c](https://example.com/x.png)\n',
        encoding="utf-8",
    )
    assert local_pictures(post) == {(tmp_path / "assets" / "a b" / "x.png").resolve()}


def test_liquid_at_a_line_start_leaves_no_indent(tmp_path: Path) -> None:
    post = tmp_path / "2024-01-01-a.md"
    post.write_text(
        "---\ntitle: T\n---\n{% for t in page.tags %}{{ t }} {% endfor %}H<sub>2</sub>O\n\n"
        "{% raw %}kept{% endraw %}\n",
        encoding="utf-8",
    )
    assert body_words(post) == ["h", "2", "o", "kept"]
