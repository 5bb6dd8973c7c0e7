"""kramdown syntax on top of mistune: attribute lists and extension blocks.

Grammar handled here (kramdown ``doc/syntax.page``)::

    block IAL   line   := indent? "{:" attrs "}"            (applies to the block before it,
                                                             or after it; ignored when blank
                                                             lines surround it)
    ALD         line   := indent? "{:" name ":" attrs "}"     (defines a reusable attr list)
    span IAL           := "{:" attrs "}"  right after a span  (``*x*{:.u}``, ``![a](b){:w="9"}``)
    attrs              := ( "#" id | "." class ("." class)* | key "=" value | name )*
    value              := '"' … '"' | "'" … "'" | bare
    extension          := "{::comment}" … "{:/comment}" | "{::nomarkdown}" … "{:/nomarkdown}"
                          | "{::options … /}"               ("{:/}" closes any extension)

A CommonMark parser would read an IAL line as paragraph text (or as a lazy continuation
of a list item or block quote), so :func:`prepare` replaces each one with an HTML comment
holding an unguessable key. A comment line interrupts paragraphs, lists and quotes, so the
marker lands as a ``block_html`` token exactly where kramdown's IAL sits in the tree, and
``ials.py`` attaches it to its neighbour.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Attr
from ..model.text import xml_id
from .mathpass import DOLLAR, MATH_ENVIRONMENTS, unescape_markdown

_ATTR_TOKEN = re.compile(
    r"""\s*(?:
        \#(?P<id>[^\s.#{}"'=]+)
      | (?P<classes>(?:\.[^\s.#{}"'=]+)+)
      | (?P<key>[A-Za-z_:][-\w:.]*)\s*=\s*
        (?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>[^\s}"']+))
      | (?P<ref>[A-Za-z_][-\w]*)
    )""",
    re.X,
)

_BLOCK_IAL = re.compile(
    r"^(?P<indent>[ \t]*)\{:(?!:)(?P<body>(?:[^}\"'\n]|\"[^\"\n]*\"|'[^'\n]*')*)\}[ \t]*$"
)
_ALD = re.compile(r"^[ \t]{0,3}\{:(?P<name>[A-Za-z_][-\w]*):(?P<body>[^}\n]*)\}[ \t]*$")
_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_EXTENSION = re.compile(r"^[ \t]{0,3}\{::(?P<name>comment|nomarkdown|options)\b[^}\n]*?(?P<selfclose>/)?\}")
_EXTENSION_END = re.compile(r"\{:/(?:comment|nomarkdown)?\}")

SPAN_IAL_PATTERN = r"\{:(?!:)(?:[^}\"'\n]|\"[^\"\n]*\"|'[^'\n]*')*\}"


@dataclass(frozen=True, slots=True)
class Ial:
    """A parsed attribute list: the attributes plus names it referenced (``toc``, ALD names)."""

    attr: Attr
    refs: tuple[str, ...] = ()


def parse_ial(body: str, alds: Mapping[str, Ial] | None = None) -> Ial:
    """Parse the inside of ``{: … }`` (without the braces and leading colon)."""
    ident = ""
    classes: list[str] = []
    pairs: list[tuple[str, str]] = []
    refs: list[str] = []
    pos = 0
    while pos < len(body):
        m = _ATTR_TOKEN.match(body, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m["id"]:
            ident = m["id"]
        elif m["classes"]:
            classes.extend(c for c in m["classes"].split(".") if c)
        elif m["key"]:
            raw = m["dq"] if m["dq"] is not None else m["sq"] if m["sq"] is not None else m["bare"]
            value = re.sub(r"\\(.)", r"\1", raw or "")
            if m["key"] == "class":
                classes.extend(value.split())
            elif m["key"] == "id":
                ident = value
            else:
                pairs.append((m["key"], value))
        elif m["ref"]:
            ald = (alds or {}).get(m["ref"])
            if ald is not None:
                classes.extend(ald.attr.classes)
                pairs.extend(ald.attr.pairs)
                ident = ald.attr.id or ident
            else:
                refs.append(m["ref"])
    attr = Attr(id=xml_id(ident), classes=tuple(dict.fromkeys(classes)), pairs=tuple(pairs))
    return Ial(attr, tuple(refs))


@dataclass
class Prepared:
    """The body with IAL lines replaced by markers, and what the markers stand for."""

    text: str
    markers: dict[str, Ial] = field(default_factory=dict)
    marker_lines: dict[str, int] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)
    alds: dict[str, Ial] = field(default_factory=dict)
    nonce: str = ""

    def marker_key(self, raw_html: str) -> str | None:
        """The marker key if ``raw_html`` is exactly one marker comment."""
        m = re.fullmatch(rf"\s*<!--{self.nonce}:(\w+)-->\s*", raw_html)
        return m.group(1) if m else None

    @property
    def marker_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"<!--{self.nonce}:(\w+)-->")

    def restore(self, text: str) -> str:
        """Put the original IAL text back (for markers that ended up inside code)."""
        return self.marker_pattern.sub(lambda m: self.originals.get(m.group(1), ""), text)


def prepare(text: str, first_line: int) -> Prepared:
    """Replace block IAL lines with markers, store ALDs, drop comment/options extensions."""
    nonce = "ep" + secrets.token_hex(8)
    result = Prepared(text="", nonce=nonce)
    out: list[str] = []
    lines = text.split("\n")
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None:
            if re.match(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
            out.append(line)
            i += 1
            continue
        opened = _FENCE_OPEN.match(line)
        if opened:
            fence = opened["fence"]
            out.append(line)
            i += 1
            continue
        ext = _EXTENSION.match(line)
        if ext:
            if ext["name"] == "options" or ext["selfclose"]:
                out.append(line[ext.end() :])
                i += 1
                continue
            content, i = _extension_lines(lines, i, ext.end(), keep=ext["name"] == "nomarkdown")
            out.extend(content)
            continue
        ald = _ALD.match(line)
        if ald:
            result.alds[ald["name"]] = parse_ial(ald["body"], result.alds)
            out.append("")
            i += 1
            continue
        ial = _BLOCK_IAL.match(line)
        if ial:
            key = f"m{len(result.markers)}"
            result.markers[key] = parse_ial(ial["body"], result.alds)
            result.marker_lines[key] = first_line + i
            result.originals[key] = line.strip()
            out.append(f"{ial['indent']}<!--{nonce}:{key}-->")
            i += 1
            continue
        out.append(line)
        i += 1
    result.text = "\n".join(out)
    return result


def _extension_lines(lines: list[str], start: int, column: int, *, keep: bool) -> tuple[list[str], int]:
    """The lines an extension block spans (content kept or blanked, one output line per input
    line so line numbers stay put), and the index of the first line after it."""
    out: list[str] = []
    chunk, j = lines[start][column:], start
    while True:
        end = _EXTENSION_END.search(chunk)
        if end:
            out.append((chunk[: end.start()] if keep else "") + chunk[end.end() :])
            return out, j + 1
        out.append(chunk if keep else "")
        j += 1
        if j >= len(lines):
            return out, j
        chunk = lines[j]


def span_ial_plugin(md: Any) -> None:
    """A mistune plugin emitting ``{'type': 'span_ial', 'raw': …}`` for ``{:…}`` in inline text."""

    def parse_span_ial(inline: Any, m: re.Match[str], state: Any) -> int:
        state.append_token({"type": "span_ial", "raw": m.group(0)[2:-1]})
        return m.end()

    md.inline.register("span_ial", SPAN_IAL_PATTERN, parse_span_ial, before="link", start_chars="{")


def footnote_after_bang_plugin(md: Any) -> None:
    """``![^1]`` is a "!" and a footnote call, as kramdown reads it (its link rule never starts
    at ``[^``); mistune would open an image at ``![`` and show the call as text."""

    def parse_bang(inline: Any, m: re.Match[str], state: Any) -> int:
        inline.process_text(m.group(0), state)
        return m.end()

    md.inline.register("bang_before_footnote", r"!(?=\[\^)", parse_bang, before="link", start_chars="!")


# kramdown math: ``$$…$$`` is display math when it is a paragraph of its own, inline
# otherwise. Bare LaTeX environments (what MathJax picks up on Jekyll sites) are display
# math too. MathJax's and KaTeX's own delimiters, written for Markdown as ``\\(…\\)`` and
# ``\\[…\\]`` (kramdown turns ``\\`` into ``\``), are always math; single dollars only
# where the site says so (see ``mathpass``). These rules run before emphasis and escapes,
# so ``x_i`` and ``\{`` stay TeX.
MATH_BLOCK = r"^ {0,3}\$\$(?P<math_block_text>(?:(?!\n[ \t]*\n)[\s\S])+?)\$\$[ \t]*$"
MATH_ENV = (
    r"^ {0,3}(?P<math_env_text>\\begin\{(?P<math_env_name>(?:" + MATH_ENVIRONMENTS + r")\*?)\}"
    r"(?:(?!\n[ \t]*\n)[\s\S])*?\\end\{(?P=math_env_name)\})[ \t]*$"
)
MATH_INLINE = r"\$\$(?P<math_inline_text>(?:[^$\\]|\\[\s\S]|\$(?!\$))+?)\$\$"
MATH_PAREN = r"\\\\\((?P<math_paren_text>[\s\S]+?)\\\\\)"
MATH_BRACKET = r"\\\\\[(?P<math_bracket_text>[\s\S]+?)\\\\\]"
MATH_DOLLAR = r"(?<![\\$])" + DOLLAR.format(name="math_dollar_text")


def math_plugin(md: Any, *, dollars: bool = False) -> None:
    """A mistune plugin for math: ``math_block``, ``math_inline``, ``math_display`` (display
    math inside a paragraph) and, with ``dollars``, ``math_dollar`` tokens."""

    def parse_block(block: Any, m: re.Match[str], state: Any) -> int:
        state.append_token({"type": "math_block", "raw": m.group("math_block_text").strip()})
        return m.end() + 1

    def parse_env(block: Any, m: re.Match[str], state: Any) -> int:
        state.append_token({"type": "math_block", "raw": m.group("math_env_text").strip()})
        return m.end() + 1

    def parse_inline(inline: Any, m: re.Match[str], state: Any) -> int:
        state.append_token({"type": "math_inline", "raw": m.group("math_inline_text").strip()})
        return m.end()

    def parse_paren(inline: Any, m: re.Match[str], state: Any) -> int:
        raw = unescape_markdown(m.group("math_paren_text")).strip()
        state.append_token({"type": "math_inline", "raw": raw})
        return m.end()

    def parse_bracket(inline: Any, m: re.Match[str], state: Any) -> int:
        raw = unescape_markdown(m.group("math_bracket_text")).strip()
        state.append_token({"type": "math_display", "raw": raw})
        return m.end()

    def parse_dollar(inline: Any, m: re.Match[str], state: Any) -> int:
        state.append_token({"type": "math_dollar", "raw": m.group("math_dollar_text")})
        return m.end()

    md.block.register("math_block", MATH_BLOCK, parse_block, before="list")
    md.block.register("math_env", MATH_ENV, parse_env, before="list")
    md.inline.register("math_inline", MATH_INLINE, parse_inline, before="escape", start_chars="$")
    md.inline.register("math_paren", MATH_PAREN, parse_paren, before="escape", start_chars="\\")
    md.inline.register("math_bracket", MATH_BRACKET, parse_bracket, before="escape", start_chars="\\")
    if dollars:
        md.inline.register("math_dollar", MATH_DOLLAR, parse_dollar, before="escape", start_chars="$")


# kramdown tables: consecutive lines starting with "|". Unlike GFM, the header separator
# is optional: a separator line (|---|, with : for alignment) right after the first row
# makes it the header; later separators and a |===| footer line only divide the rows.
# This rule runs before mistune's GFM table rule, which still handles tables written
# without leading pipes.
KRAMDOWN_TABLE = r"^ {0,3}\|[^\n]*(?:\n {0,3}\|[^\n]*)*"
_SEPARATOR = re.compile(r"^\|?[\s:|=+-]*-[\s:|=+-]*\|?$|^\|?[\s|=+]*=[\s|=+]*\|?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    # Pipes inside code spans do not split cells.
    out, current, in_code = [], "", False
    for part in re.split(r"(`+|(?<!\\)\|)", body):
        if part.startswith("`"):
            in_code = not in_code
            current += part
        elif part == "|" and not in_code:
            out.append(current.strip())
            current = ""
        else:
            current += part
    out.append(current.strip())
    return out


def kramdown_table_plugin(md: Any) -> None:
    def parse(block: Any, m: re.Match[str], state: Any) -> int:
        lines = [line.strip() for line in m.group(0).split("\n") if line.strip()]
        head: list[str] = []
        rows: list[list[str]] = []
        aligns: list[str] = []
        for line in lines:
            if _SEPARATOR.match(line):
                if not head and len(rows) == 1 and "-" in line:
                    head = rows.pop()
                    aligns = [_alignment(c) for c in _cells(line)]
                continue
            rows.append(_cells(line))
        state.append_token({"type": "kramdown_table", "head": head, "rows": rows, "aligns": aligns})
        return m.end() + 1

    md.block.register("kramdown_table", KRAMDOWN_TABLE, parse, before="table")
    for rules in (md.block.block_quote_rules, md.block.list_rules):  # quotes, list items, definitions
        md.block.insert_rule(rules, "kramdown_table", before="paragraph")


def _alignment(cell: str) -> str:
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    if cell.endswith(":"):
        return "right"
    return "left" if cell.startswith(":") else ""
