"""Math the way the site's MathJax or KaTeX reads it: delimiters, page-wide macros, dollars.

The Markdown rules (:func:`export_post.reader.kramdown.math_plugin`) and raw-HTML text
(:func:`split_math`) mark math with two reader-only kinds of :class:`Math`:

- :class:`DisplayMath`: ``\\[…\\]`` (and ``$$…$$`` in raw HTML), which MathJax sets as a
  display even inside a paragraph: :func:`resolve_math` splits the paragraph around it;
- :class:`DollarMath`: ``$…$`` by pandoc's rules (an opening ``$`` followed by a non-space,
  a closing ``$`` preceded by a non-space and not followed by a digit). It stays math when
  the site declares single-dollar math; when the site declares nothing, only if every
  dollar of the post reads as TeX (:func:`dollars_look_like_tex`); else it is text again.

:func:`resolve_math` also keeps MathJax's page-wide macros: a ``\\newcommand`` (``\\def``,
``\\DeclareMathOperator``, ``\\definecolor``) in any formula applies to every later one, so
each formula's TeX is expanded here and a formula holding only definitions disappears.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import assert_never

from ..diagnostics import Reporter
from ..model import (
    Attr,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Image,
    Inline,
    InlineContainer,
    LineBreak,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Table,
    Text,
    ThematicBreak,
    TocPlaceholder,
    iter_blocks,
    iter_inlines,
)
from ..model.walk import block_inlines
from ..tex import Macros, TexError, is_blank, strip_comments
from .mathconfig import MathSyntax


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayMath(Math):
    """Display math written inside a paragraph (reader-only; becomes a MathBlock)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DollarMath(Math):
    """``$…$`` whose fate depends on the site and the post (reader-only)."""


# -------------------------------------------------------------------- delimiters in text

MATH_ENVIRONMENTS = "equation|align|alignat|aligned|gather|multline|eqnarray|displaymath|flalign"
_HTML_MATH = re.compile(
    r"(?<!\\)\$\$(?P<dd>(?:[^$\\]|\\[\s\S]|\$(?!\$))+?)\$\$"
    r"|(?<!\\)\\\[(?P<db>[\s\S]+?)\\\]"
    r"|(?<!\\)\\\((?P<ip>[\s\S]+?)\\\)"
    rf"|(?P<env>\\begin\{{(?P<name>(?:{MATH_ENVIRONMENTS})\*?)\}}[\s\S]*?\\end\{{(?P=name)\}})"
)
DOLLAR = r"\$(?=[^\s$])(?P<{name}>(?:[^$\\]|\\[\s\S])+?)(?<![\s\\])\$(?![$\d])"
_DOLLAR = re.compile(r"(?<![\\$])" + DOLLAR.format(name="d"))


def split_math(text: str, dollars: bool, plain: Callable[[str], str]) -> list[Inline]:
    """Raw-HTML text (which no Markdown escaping touched, as MathJax sees it) split into
    text and math: ``$$…$$``, ``\\[…\\]``, math environments (display), ``\\(…\\)`` and,
    with ``dollars``, ``$…$`` (inline). ``plain`` prepares the text between formulas."""
    out: list[Inline] = []
    pos = 0
    for m in _HTML_MATH.finditer(text):
        out.extend(_text_with_dollars(text[pos : m.start()], dollars, plain))
        if m["ip"] is not None:
            out.append(Math(tex=m["ip"].strip()))
        else:
            out.append(DisplayMath(tex=(m["dd"] or m["db"] or m["env"]).strip()))
        pos = m.end()
    out.extend(_text_with_dollars(text[pos:], dollars, plain))
    return [node for node in out if not (isinstance(node, Text) and not node.text)]


def _text_with_dollars(text: str, dollars: bool, plain: Callable[[str], str]) -> list[Inline]:
    if not dollars:
        return [Text(text=plain(text))]
    out: list[Inline] = []
    pos = 0
    for m in _DOLLAR.finditer(text):
        out.append(Text(text=plain(text[pos : m.start()])))
        out.append(DollarMath(tex=m["d"]))
        pos = m.end()
    out.append(Text(text=plain(text[pos:])))
    return out


# Markdown removes a backslash before these characters (kramdown's ESCAPED_CHARS), so the
# TeX between \\( and \\) reaches MathJax without them: \\\\ is a row break, \\{ a brace.
_KRAMDOWN_ESCAPE = re.compile(r"\\([\\.*_+`<>()\[\]{}#!:|\"'$=-])")


def unescape_markdown(tex: str) -> str:
    return _KRAMDOWN_ESCAPE.sub(r"\1", tex)


# ------------------------------------------------------------------------------ dollars

_TEX_SIGN = re.compile(r"\\[A-Za-z]+|[\^_=<>]|\\[{}|,;!]|^[^\W\d_]'?$")
_NUMBER = re.compile(r"[+\-]?\d+(?:[.,]\d+)*\.?")
_NOT_TEX = re.compile(
    r"://|^\{[\w-]+\}|^[A-Z]{2,}[A-Z0-9]*_[A-Z0-9_]+$|^[A-Z][A-Z0-9_]*/"
    r"|^(?:HOME|PATH|USER|SHELL|PWD|TERM|LANG|EDITOR|TMPDIR|HOSTNAME|DISPLAY)$"
)
_PROSE = re.compile(r"[^\W\d_]{3,}\s+[^\W\d_]{3,}")
_MONEY = re.compile(r"\$(?=[\d({])|\$[A-Z]{2,}|(?<=\d)\$")


def dollars_look_like_tex(formulas: Sequence[str], stray: Sequence[str]) -> bool:
    """Whether a post whose site declares nothing writes ``$…$`` for math.

    Yes when no pair reads as something else (a URL, a ``{template}``, a ``SHELL_VARIABLE``,
    ``$HOME``, ``PATH/``,
    a run of words), pairs showing a TeX sign (a command, a script, a relation, a lone
    letter) outnumber bare words (``$tie$``) three to one, and no dollar left over looks like
    money or a shell variable (``$5``, ``5$``, ``$HOME``, ``${x}``, ``$(cmd)``)."""
    signs = words = 0
    for tex in formulas:
        tex = tex.strip()
        if _NOT_TEX.search(tex) or (_PROSE.search(tex) and "\\" not in tex):
            return False
        if _TEX_SIGN.search(tex):
            signs += 1
        elif not _NUMBER.fullmatch(tex) and not re.search(r"[()\[\],+\-*/|]", tex):
            words += 1
    return signs > 0 and words * 3 <= signs and not any(_MONEY.search(text) for text in stray)


# ---------------------------------------------------------------------------- the pass


@dataclass
class _State:
    macros: Macros
    dollars: bool
    reporter: Reporter
    # A footnote's blocks, done once and shared by all its citations (as the reader made them).
    notes: dict[int, tuple[Block, ...]] = field(default_factory=dict)


def resolve_math(blocks: Sequence[Block], syntax: MathSyntax, reporter: Reporter) -> tuple[Block, ...]:
    """The blocks with reader-only math resolved: dollars kept or turned back into text,
    display math inside paragraphs split out, and page-wide macros expanded."""
    formulas, stray = _dollar_survey(blocks)
    dollars = bool(syntax.inline_dollar)
    if syntax.inline_dollar is None and formulas:
        dollars = dollars_look_like_tex(formulas, stray)
        if dollars:
            reporter.info(
                "math-dollar-guessed",
                f"$…$ read as math: the site declares no math delimiters and the post's {len(formulas)} "
                "dollar pair(s) all look like TeX (export_post: {math: {inline_dollar: …}} in "
                "_config.yml decides it)",
            )
    state = _State(Macros(), dollars, reporter)
    return tuple(_blocks(blocks, state))


def _dollar_survey(blocks: Sequence[Block]) -> tuple[list[str], list[str]]:
    """The ``$…$`` formulas and the texts holding other dollars, in the whole document."""
    formulas: list[str] = []
    texts: list[str] = []
    for block in iter_blocks(blocks):
        for inlines in block_inlines(block):
            for node in iter_inlines(inlines):
                if isinstance(node, DollarMath):
                    formulas.append(node.tex)
                elif isinstance(node, Text) and "$" in node.text:
                    texts.append(node.text)
    return formulas, texts


def _blocks(blocks: Sequence[Block], state: _State) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.extend(_block(block, state))
    return out


def _block(block: Block, state: _State) -> list[Block]:
    match block:
        case Paragraph(children=kids, attr=attr):
            return _paragraph(kids, attr, state)
        case Heading(children=kids):
            return [replace(block, children=_inlines(kids, state))]
        case BlockQuote(children=kids) | Div(children=kids):
            return [replace(block, children=tuple(_blocks(kids, state)))]
        case BulletList(items=items) | OrderedList(items=items):
            return [
                replace(
                    block, items=tuple(replace(i, children=tuple(_blocks(i.children, state))) for i in items)
                )
            ]
        case DefinitionList(items=items):
            entries = tuple(
                DefinitionItem(
                    term=_inlines(entry.term, state),
                    definitions=tuple(tuple(_blocks(d, state)) for d in entry.definitions),
                )
                for entry in items
            )
            return [replace(block, items=entries)]
        case Figure(caption=caption):
            return [replace(block, caption=_inlines(caption, state))]
        case Table(head=head, rows=rows, caption=caption):
            return [
                replace(
                    block,
                    caption=_inlines(caption, state),
                    head=tuple(replace(c, children=_inlines(c.children, state)) for c in head),
                    rows=tuple(
                        tuple(replace(c, children=_inlines(c.children, state)) for c in row) for row in rows
                    ),
                )
            ]
        case MathBlock(tex=tex):
            expanded = _expand(tex, state)
            return [replace(block, tex=expanded)] if expanded else []
        case CodeBlock() | ThematicBreak() | TocPlaceholder():
            return [block]
        case _:
            assert_never(block)


def _paragraph(kids: tuple[Inline, ...], attr: Attr, state: _State) -> list[Block]:
    """A paragraph with its display math split out as blocks of their own."""
    out: list[Block] = []
    run: list[Inline] = []

    def flush() -> None:
        inlines = _trim(_inlines(tuple(run), state))
        if inlines:
            out.append(Paragraph(children=inlines))
        run.clear()

    for node in kids:
        if isinstance(node, DisplayMath):
            flush()
            expanded = _expand(node.tex, state)
            if expanded:
                out.append(MathBlock(tex=expanded))
        else:
            run.append(node)
    flush()
    if len(out) == 1 and attr:
        out[0] = replace(out[0], attr=attr)
    return out


def _trim(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Drop the spaces and line breaks a split leaves at either end."""
    items = list(inlines)
    while items and (
        isinstance(items[0], LineBreak) or (isinstance(items[0], Text) and not items[0].text.strip())
    ):
        items.pop(0)
    while items and (
        isinstance(items[-1], LineBreak) or (isinstance(items[-1], Text) and not items[-1].text.strip())
    ):
        items.pop()
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip())
    return tuple(items)


def _inlines(inlines: tuple[Inline, ...], state: _State) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in inlines:
        match node:
            case DollarMath(tex=tex) if not state.dollars:
                out.append(Text(text=f"${tex}$"))
            case Math(tex=tex):
                expanded = _expand(tex, state)
                if expanded:
                    out.append(Math(tex=expanded))
            case Note(children=kids):
                if id(kids) not in state.notes:
                    state.notes[id(kids)] = tuple(_blocks(kids, state))
                out.append(replace(node, children=state.notes[id(kids)]))
            case _ if isinstance(node, InlineContainer):
                out.append(replace(node, children=_inlines(node.children, state)))
            case Text() | Code() | Image() | LineBreak():
                out.append(node)
            case _:
                assert_never(node)
    return _merge(out)


def _merge(inlines: list[Inline]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(text=out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


_DEFINITION = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareMathOperator|DeclareRobustCommand|def|gdef|edef|xdef|let|definecolor)(?![A-Za-z])"
)


def _expand(tex: str, state: _State) -> str:
    """The formula with the page's macros expanded and its own definitions recorded (and
    removed); empty when it held only definitions. A formula the macros cannot be applied
    to is kept as written: the renderers then report it."""
    if not state.macros.commands and not state.macros.colors and not _DEFINITION.search(tex):
        return tex
    try:
        rest = state.macros.take_definitions(strip_comments(tex))
        if is_blank(rest):
            return ""
        return state.macros.expand(rest)
    except TexError:
        return tex
