"""Math as the site's MathJax or KaTeX reads it: delimiters, the site's dollar setting, macros."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from export_post import Document, load_post
from export_post.diagnostics import Reporter
from export_post.model import Math, MathBlock, Paragraph, Text, iter_blocks, iter_inlines
from export_post.model.walk import block_inlines
from export_post.reader import parse_post
from export_post.reader.mathconfig import site_math_syntax

from ..support import ROOT

HEAD = "---\ntitle: T\n---\n"


def formulas(document: Document) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []
    for block in iter_blocks(document.blocks):
        if isinstance(block, MathBlock):
            found.append((block.tex, True))
        for inlines in block_inlines(block):
            found.extend((n.tex, False) for n in iter_inlines(inlines) if isinstance(n, Math))
    return found


def read(body: str, site: Path | None = None) -> Document:
    path = (site / "_posts" / "2024-01-01-p.md") if site else Path("/nonexistent/p.md")
    return parse_post(HEAD + body, path, site_root=site)


def make_site(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "_posts").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


# ------------------------------------------------------------------ MathJax's own delimiters


def test_escaped_parens_and_brackets_are_math_with_markdown_escapes_undone() -> None:
    doc = read(
        "Let \\\\(a\\_1 \\*b\\\\) be.\n\nThen\n\\\\[\n\\begin{cases} x \\\\\\\\"
        " y \\end{cases}\n\\\\]\nso on.\n"
    )
    assert formulas(doc) == [("a_1 *b", False), ("\\begin{cases} x \\\\ y \\end{cases}", True)]
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "MathBlock", "Paragraph"]  # the display split its paragraph


def test_a_single_backslash_paren_is_a_markdown_escape_not_math() -> None:
    doc = read("A \\(parenthesis\\) and `\\\\(code\\\\)`.\n")
    assert formulas(doc) == []
    assert "(parenthesis)" in doc.blocks[0].children[0].text  # type: ignore[union-attr]


def test_math_in_raw_html_text_is_found_as_mathjax_finds_it() -> None:
    doc = read('<div class="note">Where \\(x\\) and $$y$$ hold:\n\\[ z \\]</div>\n')
    assert formulas(doc) == [("x", False), ("y", True), ("z", True)]


def test_macros_defined_in_a_hidden_block_apply_to_the_whole_post() -> None:
    body = (
        '{% raw %}\n<div style="display: none;">\n$$\\require{mathtools}\n'
        "\\newcommand{\\pof}[1]{p(#1)} % probability\n\\def\\x{\\boldsymbol{x}}\n"
        "\\definecolor{input}{rgb}{0, 0.5, 1}\n$$\n</div>\n{% endraw %}\n\n"
        "We write $$\\pof{\\x}$$ and $$\\textcolor{input}{y}$$.\n"
    )
    doc = read(body)
    assert formulas(doc) == [("p(\\boldsymbol{x})", False), ("\\textcolor{#0080ff}{y}", False)]
    assert not any(isinstance(b, MathBlock) for b in doc.blocks)  # the definitions show nothing


# ------------------------------------------------------------------------ single dollars


def test_dollars_follow_pandocs_rules_where_the_site_declares_them(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"_config.yml": "export_post:\n  math:\n    inline_dollar: true\n"})
    doc = read("Let $x^2$ be; it costs $5 and $10, or $ 3 $, or $a$5.\n\nEscaped \\$y$ too.\n", site)
    assert formulas(doc) == [("x^2", False)]
    text = "".join(
        n.text for b in doc.blocks if isinstance(b, Paragraph) for n in b.children if isinstance(n, Text)
    )
    assert "$5 and $10" in text and "$a$5" in text and "$ 3 $" in text


def test_prices_and_shell_variables_never_become_math(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"_config.yml": "export_post:\n  math:\n    inline_dollar: true\n"})
    for body in (
        "Pay $5 and $10.\n",
        "Set $HOME and $PATH.\n",
        "US$5 or US$10 each.\n",
        "It's $1,000 - $2,000.\n",
    ):
        assert formulas(read(body, site)) == [], body


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # MathJax 2, in an include
            {
                "_includes/mathjax.html": '<script type="text/x-mathjax-config">\nMathJax.Hub.Config({\n'
                "  tex2jax: {inlineMath: [['$','$'], ['\\\\(','\\\\)']], processEscapes: true}\n});\n"
                '</script>\n<script src="https://cdn.jsdelivr.net/npm/mathjax@2/MathJax.js"></script>\n'
            },
            True,
        ),
        (  # MathJax 3, in a layout, loaded only for math posts
            {
                "_layouts/post.html": "{% if page.math %}<script>\nwindow.MathJax = {\n  tex: {\n"
                '    inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],\n    displayMath:'
                ' [["$$", "$$"]]\n  }\n};\n'
                "</script>{% endif %}\n"
            },
            True,
        ),
        (  # KaTeX auto-render
            {
                "_includes/head/custom.html": "<script>\ndocument.addEventListener('DOMContentLoaded', () =>"
                "\n"
                "  renderMathInElement(document.body, {delimiters: [\n"
                "    {left: '$$', right: '$$', display: true},\n    {left: \"$\","
                ' right: "$", display: false}\n'
                "  ]}));\n</script>\n"
            },
            True,
        ),
        (  # the site's own setup script, named by an include (al-folio's shape)
            {
                "_includes/scripts.html": (
                    "<script src=\"{{ '/assets/js/mathjax-setup.js' | relative_url }}\"></script>\n"
                ),
                "assets/js/mathjax-setup.js": "window.MathJax = {tex: {inlineMath: [['$', '$']]}};\n",
            },
            True,
        ),
        (  # MathJax 3 with its defaults: \( \) only
            {
                "_includes/head.html": (
                    '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>\n'
                )
            },
            False,
        ),
        (  # a configuration without single dollars
            {
                "_includes/head.html": (
                    "<script>MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']]}};</script>\n"
                )
            },
            False,
        ),
        (  # _config.yml overrides what the includes say
            {
                "_config.yml": "export_post:\n  math:\n    inline_dollar: false\n",
                "_includes/head.html": "<script>MathJax = {tex: {inlineMath: [['$', '$']]}};</script>\n",
            },
            False,
        ),
        ({"_includes/footer.html": "<footer>$5 a month</footer>\n"}, None),  # nothing about math
    ],
)
def test_the_sites_math_configuration(tmp_path: Path, files: dict[str, str], expected: bool | None) -> None:
    site = make_site(tmp_path, files)
    assert site_math_syntax(site, _config(site), Reporter()).inline_dollar is expected
    doc = read("Let $x$ be a number.\n", site)
    assert formulas(doc) == ([] if expected is False else [("x", False)])


def _config(site: Path) -> dict[str, object]:
    import yaml

    path = site / "_config.yml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def test_a_configuration_outside_the_site_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("<script>MathJax = {tex: {inlineMath: [['$', '$']]}};</script>\n")
    site = make_site(tmp_path / "site", {"_config.yml": "title: s\n"})
    (site / "_includes").mkdir()
    (site / "_includes" / "math.html").symlink_to(outside)
    assert site_math_syntax(site, {}, Reporter()).inline_dollar is None


def test_a_bad_setting_is_reported_and_ignored(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"_config.yml": "export_post:\n  math:\n    inline_dollar: sometimes\n"})
    doc = read("Let $x$ be.\n", site)
    assert "math-setting-invalid" in [d.code for d in doc.diagnostics]


# ------------------------------------------------------------------- sites that say nothing


def test_a_post_that_writes_tex_between_dollars_gets_math_with_a_note() -> None:
    doc = read("Let $x_1, \\dots, x_T \\in \\mathbb{R}$, $A$, $B^T$ and $f(x)$, with $tie$ once.\n")
    assert [t for t, _ in formulas(doc)] == ["x_1, \\dots, x_T \\in \\mathbb{R}", "A", "B^T", "f(x)", "tie"]
    assert "math-dollar-guessed" in [d.code for d in doc.diagnostics]


@pytest.mark.parametrize(
    "body",
    [
        "Let $x$ be the price: $5 per unit.\n",  # money elsewhere vetoes the post
        "Run `echo $HOME` then $PATH/$HOME/bin is set; $x$ as before.\n",
        "Use ${name} or $(date) in the template, where $x$ is.\n",
        "Templates write $title$ and $body$.\n",  # bare words only
        "See https://$host$/x and $a$.\n",
        "It is $the total cost$ here.\n",  # a run of words
    ],
)
def test_a_post_with_dollars_that_are_not_tex_keeps_them_all_as_text(body: str) -> None:
    doc = read(body)
    assert formulas(doc) == []
    assert "math-dollar-guessed" not in [d.code for d in doc.diagnostics]


def shared_posts() -> list[Path]:
    value = os.environ.get("EXPORT_POST_CORPUS")
    first = Path(value) if value else ROOT.parent / "shared" / "corpus"
    return sorted(p for c in (first, first.parent / "corpus-more") for p in c.glob("*/_posts/**/*.md"))


# Posts of the shared corpora that write dollars as money or shell: they must keep them.
NOT_MATH = (
    "2015-12-21-capacity-increases-faq-zh_cn.md",  # $0.01/250B prices in a table
    "2019-05-27-illustrated-gradient-descent.md",  # "$10 to get the price"
    "2020-02-05-now-with-comments.md",  # ${bridge_app_name} shell templates
    "2022-12-25-ruby-3-2-0-released.md",  # $ ./configure prompts
)
# Posts written for MathJax with $…$ on sites whose configuration is not in the corpus.
MATH = (
    "2016-10-12-gradient-descent-learns-dynamical-systems.md",
    "2019-3-20-CURL.md",
    "2017-04-27-spectral.md",
)


def test_the_shared_corpora() -> None:
    posts = {p.name: p for p in shared_posts()}
    if not posts:
        pytest.skip("the shared corpora are not here; set EXPORT_POST_CORPUS")
    for name in NOT_MATH:
        if name in posts:
            doc = load_post(posts[name])
            assert "math-dollar-guessed" not in [d.code for d in doc.diagnostics], name
            dollars = [t for t, _ in formulas(doc) if "$" in t]
            assert dollars == [], name
    for name in MATH:
        if name in posts:
            assert len(formulas(load_post(posts[name]))) > 20, name
    money = [p for p in posts.values() if "1000$" in p.read_text(encoding="utf-8")]
    for post in money:  # the Hebrew post's "1000$"
        assert any(
            "$" in n.text
            for b in iter_blocks(load_post(post).blocks)
            if isinstance(b, Paragraph)
            for n in b.children
            if isinstance(n, Text)
        )
