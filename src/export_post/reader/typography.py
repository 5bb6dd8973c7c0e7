"""kramdown's typographic conversions, so the outputs read like the published post.

``"quotes"`` and ``'quotes'`` become curly, apostrophes become ``’``, ``---`` an em dash,
``--`` an en dash and ``...`` an ellipsis. Code is never touched. Quotes are decided by the
character before them, carried across inline boundaries (``"**bold**"`` works).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from ..model import Block, Code, Image, Inline, LineBreak, Math, Text
from ..model.nodes import InlineContainer
from ..model.walk import map_inlines, map_notes

_DASHES = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"))
_QUOTE = re.compile("[\"']")
_OPENERS = set(" \t\n([{\u2014\u2013-/\u201c\u2018") | {""}


def smarten(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Typography for one inline sequence and, through :func:`map_notes`, its footnotes."""
    out, _ = _walk(inlines, "")
    return map_notes(out, smarten)


def smarten_blocks(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Typography for a whole post; a footnote cited many times is done once, not per citation."""
    done: dict[int, tuple[Block, ...]] = {}

    def fn(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out, _ = _walk(inlines, "")
        return map_notes(out, fn, done)

    return map_inlines(blocks, fn)


def _walk(inlines: tuple[Inline, ...], prev: str) -> tuple[tuple[Inline, ...], str]:
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            text = _text(node.text, prev)
            out.append(Text(text=text))
            prev = text[-1:] or prev
        elif isinstance(node, InlineContainer):
            kids, prev = _walk(node.children, prev)
            out.append(replace(node, children=kids))
        elif isinstance(node, LineBreak):
            out.append(node)
            prev = "\n"
        elif isinstance(node, Code | Image | Math):
            out.append(node)
            prev = "x"
        else:
            out.append(node)
    return tuple(out), prev


def _text(text: str, prev: str) -> str:
    if not any(c in text for c in "\"'-."):
        return text
    for plain, fancy in _DASHES:
        text = text.replace(plain, fancy)
    chars = list(text)
    for m in _QUOTE.finditer(text):  # only the quotes: a per-character loop was most of reading
        i, ch = m.start(), m.group()
        before = chars[i - 1] if i else prev
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if ch == '"':
            chars[i] = "\u201c" if before in _OPENERS or before.isspace() else "\u201d"
        elif ch == "'":
            if before.isalnum() and (after.isalpha() or not after or not after.isalnum()):
                chars[i] = "\u2019"  # apostrophe or closing quote after a word
            elif (before in _OPENERS or before.isspace()) and re.match(r"\w", after):
                chars[i] = "\u2018"
            else:
                chars[i] = "\u2019"
    return "".join(chars)
