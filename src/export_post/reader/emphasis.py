"""kramdown's emphasis rules for ``*`` on top of mistune's CommonMark ones.

CommonMark will not open ``**`` before punctuation when a letter precedes it, nor close it after
punctuation when a letter follows: ``**인접행렬(Adjacency Matrix)**을`` and ``**[G9](…)**입니다``
stay literal. kramdown (what Jekyll renders) opens a ``*`` run wherever no space follows it and
closes it wherever no space precedes it, so Korean and Japanese posts, which attach particles
to the bold word, are bold on the site.

The plugin marks such runs for mistune: it puts ``HINT`` (a character a post can never hold, as
XML cannot carry it) on the side where the letter is, which CommonMark counts as punctuation,
so the run may open or close as kramdown lets it; and it takes every ``HINT`` out of the tokens
again after parsing.
"""

from __future__ import annotations

import re
from typing import Any

HINT = "\uffff"
_RUN = re.compile(r"(?<!\\)\*+")


def kramdown_emphasis_plugin(md: Any) -> None:
    inline = md.inline
    parse = inline.parse

    def parse_with_hints(state: Any) -> Any:
        state.src = add_hints(state.src)
        tokens = parse(state)
        if HINT in state.src:  # mistune's callers read state.tokens, not only what parse returns
            state.tokens = tokens = [_without_hints(token) for token in tokens]
        return tokens

    inline.parse = parse_with_hints


def add_hints(text: str) -> str:
    """``HINT`` between a ``*`` run and a letter on its far side from punctuation."""
    if "*" not in text:
        return text
    out: list[str] = []
    last = 0
    for run in _RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if _is_punctuation(before) and after.isalnum():
            out.append(text[last:end] + HINT)  # may close: kramdown only asks for no space before
            last = end
        elif before.isalnum() and _is_punctuation(after):
            out.append(text[last:start] + HINT + text[start:end])  # may open
            last = end
    return "".join(out) + text[last:] if out else text


def _is_punctuation(char: str) -> bool:
    return not char.isspace() and not char.isalnum() and char not in "*" + HINT


def _without_hints(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(HINT, "") if HINT in value else value
    if isinstance(value, dict):
        return {key: _without_hints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_hints(item) for item in value]
    return value
