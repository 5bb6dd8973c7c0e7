"""Plain-text views of inline content and kramdown-compatible heading ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import assert_never

from .nodes import (
    Code,
    Image,
    Inline,
    InlineContainer,
    LineBreak,
    Math,
    Note,
    Text,
)

_SPACES = re.compile(r"\s+")


def plain_text(inlines: Iterable[Inline], *, images: bool = False) -> str:
    """The text a reader sees (pandoc's ``stringify``); image alt text only if ``images``.

    Math gives its TeX; footnotes are left out (they are not part of the sentence)."""
    parts: list[str] = []
    for node in inlines:
        match node:
            case Text(text=text) | Code(text=text):
                parts.append(text)
            case _ if isinstance(node, InlineContainer):
                parts.append(plain_text(node.children, images=images))
            case Image(alt=alt):
                if images:
                    parts.append(alt)
            case LineBreak():
                parts.append("\n")
            case Math(tex=tex):
                parts.append(tex)
            case Note():
                pass  # a footnote is not part of the sentence that cites it
            case _:
                assert_never(node)
    return "".join(parts)


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim."""
    return _SPACES.sub(" ", text).strip()


REPEATED_NOTE_CHARS = 300
"""How much of a footnote its later citations repeat where a format repeats notes (PDF
footnotes, speaker notes): the whole note is at its first citation, and a long note cited
n times would otherwise be copied n times."""


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a space, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "\u2026"


_LEADING_NON_LETTERS = re.compile(r"^[^a-zA-Z]+")
_NOT_ID_CHARS = re.compile(r"[^a-zA-Z0-9 -]")


def kramdown_id(text: str) -> str:
    """The id kramdown's ``auto_ids`` gives a heading, so in-post ``#anchor`` links keep working.

    kramdown drops leading non-letters, keeps ASCII letters, digits, spaces and hyphens,
    turns spaces into hyphens and lowercases; an empty result becomes ``section``.
    """
    ident = _LEADING_NON_LETTERS.sub("", text)
    ident = _NOT_ID_CHARS.sub("", ident).replace(" ", "-").lower()
    return ident or "section"


_NOT_XML_ID = re.compile(r"[^\w.-]+")


def xml_id(text: str) -> str:
    """``text`` as a valid XML/XHTML id (letters, digits, ``_ . -``; starting with a letter).

    The reader passes every id and every in-document link through this, so they match."""
    ident = _NOT_XML_ID.sub("-", text.strip()).strip("-")
    if not ident:
        return ""
    return ident if ident[0].isalpha() or ident[0] == "_" else f"id-{ident}"


class IdRegistry:
    """Hands out unique ids the way kramdown does: ``x``, ``x-1``, ``x-2``…"""

    def __init__(self) -> None:
        self._used: set[str] = set()
        # The last suffix handed out per wanted id: the next collision resumes there, so a
        # post of n headings with the same text costs n steps, not n² (ids only ever get taken).
        self._suffix: dict[str, int] = {}

    def claim(self, wanted: str) -> str:
        wanted = xml_id(wanted) or "section"
        ident, n = wanted, self._suffix.get(wanted, 0)
        if n:
            ident = f"{wanted}-{n}"
        while ident in self._used:
            n += 1
            ident = f"{wanted}-{n}"
        self._used.add(ident)
        self._suffix[wanted] = n
        return ident

    def __contains__(self, ident: str) -> bool:
        return ident in self._used
