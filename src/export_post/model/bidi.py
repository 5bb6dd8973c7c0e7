"""The direction a piece of text runs in, as HTML's ``dir="auto"`` finds it: the direction of
its first strong character (rules P2 and P3 of the Unicode bidirectional algorithm).

Exporters use it where a block runs against the post's direction (an English sentence in a
Hebrew post) so that its punctuation and alignment follow its own script. Code and math are
islands that always read left to right, so, as ``dir="auto"`` skips elements with their own
``dir``, they do not decide the direction of the text around them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .nodes import Inline, Text
from .walk import inline_children

_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}


def text_direction(text: str) -> str | None:
    """``"ltr"`` or ``"rtl"`` by the first strong character, ``None`` for text without one
    (digits, punctuation, an empty string)."""
    for char in text:
        found = _STRONG.get(unicodedata.bidirectional(char))
        if found is not None:
            return found
    return None


def inline_direction(inlines: Iterable[Inline]) -> str | None:
    """The direction of the text a reader sees first; code, math, pictures and footnotes
    are skipped."""
    for node in inlines:
        # Code, math, pictures, footnotes and line breaks have no inline children: skipped.
        if isinstance(node, Text):
            found = text_direction(node.text)
        else:
            found = inline_direction(inline_children(node))
        if found is not None:
            return found
    return None
