"""Metadata text: one clean line, shortened on a word boundary where a format sets a limit.

Every exporter writes the post's title, description, authors and keywords into its format's
metadata (PPTX core properties, the EPUB package document, the PDF Info dictionary, HTML
``<meta>``). Some of those fields have a length limit and all of them are XML somewhere, so
each exporter passes its values through :func:`field_text` (or :func:`field_list` for a
list that the format joins) with its own limit, if it has one. The limits are tabled in
``docs/jekyll-support.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import regex

ELLIPSIS = "\u2026"

Measure = Callable[[str], int]  # additive: the measure of a text is the sum of its parts


def utf16_units(text: str) -> int:
    """The length in UTF-16 code units, as Office and PDF text strings count it (an emoji
    outside the Basic Multilingual Plane counts 2); never less than ``len(text)``."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# Line breaks, tabs and the other C0 controls, NEL, and the Unicode line and paragraph
# separators: in a one-line field each is a space.
_BREAKS = re.compile("[\x00-\x1f\x85\u2028\u2029]")
# DEL and the C1 controls, surrogates (only a broken string holds them), the byte order mark
# (a zero-width no-break space nobody means in a title), the interlinear annotation controls
# and the noncharacters: not text, and some are not XML.
_DROP = re.compile(
    "[\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
# Runs of ordinary white space; the no-break spaces (U+00A0, U+2007, U+202F) are kept.
_SPACES = re.compile("[^\\S\u00a0\u2007\u202f]+")

_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_GRAPHEME = regex.compile(r"\X")  # a user-perceived character (UAX #29 extended grapheme cluster)


def clean_line(text: str) -> str:
    """``text`` as one line of metadata: line breaks, tabs and other controls become single
    spaces, characters that are not text (or not XML) are dropped, and the bidirectional
    embeddings, overrides and isolates are balanced, so that a field cannot change the
    direction of whatever is written after it."""
    text = _DROP.sub("", _BREAKS.sub(" ", text))
    return balance_bidi(_SPACES.sub(" ", text).strip())


def balance_bidi(text: str) -> str:
    """Drop closers that close nothing, and close what is left open at the end (UAX #9:
    PDF closes the last embedding or override, PDI the last isolate and all inside it)."""
    if not any(ch in _EMBEDDINGS or ch in _ISOLATES or ch in (_PDF, _PDI) for ch in text):
        return text
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _EMBEDDINGS or ch in _ISOLATES:
            stack.append(ch)
        elif ch == _PDF:
            if not stack or stack[-1] not in _EMBEDDINGS:
                continue  # nothing to close inside the current isolate
            stack.pop()
        elif ch == _PDI:
            if not any(c in _ISOLATES for c in stack):
                continue
            while stack.pop() not in _ISOLATES:
                pass
        out.append(ch)
    out.extend(_PDI if ch in _ISOLATES else _PDF for ch in reversed(stack))
    return "".join(out)


def shorten(text: str, limit: int, *, measure: Measure = utf16_units) -> str:
    """``text`` if it measures at most ``limit``; else its beginning, cut after the last whole
    word that fits (mid-word only when that word is over half the room, as a long URL or
    a run of CJK text is), and never inside a grapheme cluster (a letter and its accents,
    an emoji sequence, a flag), then an ellipsis."""
    if measure(text) <= limit:
        return text
    room = limit - measure(ELLIPSIS)
    if room <= 0:
        return ""
    ends = [0]  # where each grapheme cluster that fits the room ends (measures add up)
    used = 0
    for cluster in _GRAPHEME.finditer(text):
        used += measure(cluster.group())
        if used > room:
            break
        ends.append(cluster.end())
    while ends:
        end = ends.pop()
        space = text.rfind(" ", 0, end + 1)
        if space > end // 2:
            end = space
            ends = [e for e in ends if e <= end]
        head = text[:end].rstrip(" ,;:\u2013\u2014-")
        result = balance_bidi(head + ELLIPSIS) if head else ""
        if measure(result) <= limit:
            return result
    return ""  # balancing added closers: a shorter head is tried first


def field_text(text: str, limit: int | None = None, *, measure: Measure = utf16_units) -> str:
    """One metadata value, cleaned, and shortened to ``limit`` when the format has one."""
    line = clean_line(text)
    return line if limit is None else shorten(line, limit, measure=measure)


def field_list(
    items: Iterable[str],
    limit: int | None = None,
    *,
    separator: str = ", ",
    overflow: str = "",
    measure: Measure = utf16_units,
) -> list[str]:
    """Values the format joins with ``separator`` into one limited field (keywords, the
    author list): cleaned, empty ones left out, and as many whole values as fit, followed by
    ``overflow`` (if given) when some had to be left out; when not even the first value
    fits, the first one shortened."""
    values = [v for v in (clean_line(item) for item in items) if v]
    if limit is None or measure(separator.join(values)) <= limit:
        return values
    kept: list[str] = []
    used = measure(separator + overflow) if overflow else 0
    for value in values:
        used += measure(value) + (measure(separator) if kept else 0)
        if used > limit:
            break
        kept.append(value)
    if not kept:
        return [shorten(values[0], limit, measure=measure)]
    return [*kept, overflow] if overflow else kept
