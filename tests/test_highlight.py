"""Code highlighting: the spans draw every character as Pygments' style does, with fewer boxes."""

from __future__ import annotations

import re
from html import unescape

import pytest
from pygments import highlight, lex
from pygments.formatters import HtmlFormatter

from export_post.toolkit.highlight import _style_classes, highlight_html, lexer_for

CODE = {
    "python": (
        'import os\n\nclass A(B):\n    """Doc & <more>."""\n'
        "    def f(self, x=1):\n        return x ** 2  # done\n"
    ),
    "c": '#include <stdio.h>\nint main(void) {\n\tprintf("%d\\n", 1 << 3);\n\treturn 0;\n}\n',
    "ruby": 'def greet(name)\n  puts "hi #{name}"\nend\n',
    "nosuchlanguage": "plain <text> & more\n",
}


def _looks_per_char(code: str, language: str, style: str) -> list[tuple[object, ...]]:
    """What Pygments' own tokens draw, character by character."""
    _, looks = _style_classes(style)
    out: list[tuple[object, ...]] = []
    for token, text in lex(code, lexer_for(language)):
        while token not in looks and token.parent is not None:
            token = token.parent
        out += [looks.get(token, ())] * len(text)
    return out


def _markup_per_char(markup: str, style: str) -> tuple[str, list[tuple[object, ...]]]:
    """The text of ``markup`` and each character's look from its span's class."""
    classes, looks = _style_classes(style)
    by_class = {cls: looks[token] for token, cls in classes.items() if cls and token in looks}
    text = ""
    per_char: list[tuple[object, ...]] = []
    current: tuple[object, ...] = ()
    for piece in re.split(r"(<span class=\"[^\"]+\">|</span>)", markup):
        if piece.startswith("<span"):
            assert current == (), "spans are never nested"
            current = by_class[piece[13:-2]]
            assert current, "a span draws something"
        elif piece == "</span>":
            current = ()
        else:
            chars = unescape(piece)
            text += chars
            per_char += [current] * len(chars)
    return text, per_char


@pytest.mark.parametrize(
    "style", ["default", "friendly", "monokai", "solarized-light", "a11y-high-contrast-light", "nosuchstyle"]
)
@pytest.mark.parametrize("language", sorted(CODE))
def test_every_character_looks_as_pygments_draws_it(language: str, style: str) -> None:
    code = CODE[language]
    markup = highlight_html(code, language, style)
    text, ours = _markup_per_char(markup, style)
    assert text == code
    theirs = _looks_per_char(code, language, style)
    for index, char in enumerate(code):
        if char.isspace() and not any(theirs[index][3:]) and not any(ours[index][3:]):
            continue  # blank space shows no colour
        assert ours[index] == theirs[index], (index, char)


def test_runs_that_look_the_same_share_one_span() -> None:
    code = CODE["python"] * 20
    ours = highlight_html(code, "python", "default").count("<span")
    pygments = highlight(code, lexer_for("python"), HtmlFormatter(nowrap=True)).count("<span")
    assert ours < 0.7 * pygments
