"""Syntax highlighting with Pygments, shared by the HTML-based exporters and the slides."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from pygments import lex
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, find_lexer_class_by_name
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import _TokenType
from pygments.util import ClassNotFound

from ..diagnostics import root_logging_untouched

CSS_CLASS = "highlight"


def lexer_for(language: str) -> Lexer:
    """A new lexer for a fence's language name; plain text when unknown or empty. New on
    each call: a lexer object is not meant to be shared by threads (some keep state)."""
    lexer: Lexer = _lexer_class(language.lower())(stripnl=False, ensurenl=False)
    return lexer


@lru_cache(maxsize=64)
def _lexer_class(language: str) -> type[Lexer]:
    if language:
        try:
            found: type[Lexer] = find_lexer_class_by_name(language)
            return found
        except ClassNotFound:
            pass
    plain: type[Lexer] = TextLexer
    return plain


def highlight_html(code: str, language: str, style: str = "default") -> str:
    """Highlighted code as ``<span class>`` markup (no wrapper), valid inside XHTML ``<pre>``,
    for the CSS of :func:`highlight_css` with the same ``style``.

    Unlike Pygments' own HTML formatter, it spans only what ``style`` draws differently from
    plain text, and one span covers a run of tokens that look the same, spaces included: the
    same colours with far fewer inline boxes, which a PDF renderer pays for line by line."""
    classes, looks = _style_classes(style)
    out: list[str] = []
    current: tuple[object, ...] = ()  # the look of the open span, if any
    for token, text in lex(code, lexer_for(language)):
        if not text:
            continue
        while token not in looks and token.parent is not None:
            token = token.parent
        look = looks.get(token, ())
        blank = text.isspace()
        if blank and not any(look[3:]):
            look = ()  # blank space shows no colour
        if current and (look == current or (blank and not look and not any(current[3:]))):
            out.append(escape(text, quote=False))
            continue
        if current:
            out.append("</span>")
        if look:
            out.append(f'<span class="{classes[token]}">')
        current = look
        out.append(escape(text, quote=False))
    if current:
        out.append("</span>")
    return "".join(out)


@lru_cache(maxsize=16)
def style_named(name: str) -> type[Style]:
    """The Pygments style ``name``, or ``default`` when there is none by that name. A style
    from a plugin may set up logging as it is imported (accessible-pygments does): not ours."""
    with root_logging_untouched():
        try:
            return get_style_by_name(name)
        except ClassNotFound:
            return get_style_by_name("default")


@lru_cache(maxsize=16)
def _style_classes(style: str) -> tuple[dict[_TokenType, str], dict[_TokenType, tuple[object, ...]]]:
    """Each token type's CSS class, and its look as (colour, bold, italic, underline,
    background, border), the properties ``get_style_defs`` writes: ``()`` for plain text."""
    style_cls = style_named(style)
    formatter = HtmlFormatter(style=style_cls)
    classes: dict[_TokenType, str] = formatter.ttype2class  # type: ignore[attr-defined]
    looks: dict[_TokenType, tuple[object, ...]] = {}
    for token, spec in style_cls:
        drawn = (spec["color"], spec["bold"], spec["italic"], spec["underline"])
        look = tuple(value or None for value in (*drawn, spec["bgcolor"], spec["border"]))
        looks[token] = look if classes.get(token) and any(look) else ()  # no class: the <pre>'s own
    return classes, looks


@lru_cache(maxsize=16)
def highlight_css(style: str) -> str:
    """The CSS for ``style`` scoped to ``pre.highlight`` (unknown styles fall back to default)."""
    formatter = HtmlFormatter(style=style_named(style), cssclass=CSS_CLASS)
    css = formatter.get_style_defs(f"pre.{CSS_CLASS}")  # type: ignore[no-untyped-call]
    return str(css)


def token_colors(code: str, language: str, style: str) -> list[tuple[str, str | None, bool, bool]]:
    """``(text, hex colour or None, bold, italic)`` runs for slide code (native coloured text)."""
    style_cls = style_named(style)
    out: list[tuple[str, str | None, bool, bool]] = []
    for token, text in lex(code, lexer_for(language)):
        spec = _style_for(style_cls, token)
        color = spec["color"]
        item = (text, f"#{color}" if color else None, bool(spec["bold"]), bool(spec["italic"]))
        if out and out[-1][1:] == item[1:]:
            out[-1] = (out[-1][0] + text, *item[1:])
        else:
            out.append(item)
    return out


def _style_for(style_cls: type, token: _TokenType) -> dict[str, object]:
    while token not in style_cls._styles and token.parent is not None:  # type: ignore[attr-defined]
        token = token.parent
    return style_cls.style_for_token(token)  # type: ignore[attr-defined, no-any-return]
