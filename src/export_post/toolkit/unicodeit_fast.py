"""unicodeit's ``replace`` (TeX to Unicode for inline math on slides), with the same answers
at a fraction of the cost.

``unicodeit.replace`` tries each of its 4,257 replacements in turn with ``str.replace``:
0.55 ms for every formula, however short (65 ms of a deck with 118 inline formulas); this
takes 0.16 ms for a formula with eight commands.
Almost none of them can match a given formula. Here each replacement is filed under a key
that any text it matches must contain: its command's name and the two characters after it
for ``\\mathrm{A}`` (``\\mathrm{A``), else its first two characters. Only the replacements
filed under a key found in the text are tried, still in unicodeit's order, and the text's
keys are read again after each replacement that changed it, since a replacement's output
may start a later match (``\\octothorpe\\hbar`` gives ``#\\hbar``, then ``ℏ``).
The steps before and after the replacements are unicodeit's own, as written in the version
checked (:data:`CHECKED_VERSIONS`); any other version is called as it comes.
``tests/test_unicodeit_fast.py`` compares the two on the corpora's formulas and on
generated text.
"""

from __future__ import annotations

import heapq
import re
from functools import cache
from typing import NamedTuple

CHECKED_VERSIONS = frozenset({"0.7.5"})
_COMMAND = re.compile(r"\\[A-Za-z]+")
# The characters Unicode has as sub- and superscripts, as unicodeit 0.7.5 lists them.
_SUBSCRIPTS = r"0-9\+-=\(\)<>\-aeoxjhklmnpstiruv\u03B2\u03B3\u03C1\u03C6\u03C7\u2212"
_SUPERSCRIPTS = (
    r"0-9\+-=\(\)<>ABDEGHIJKLMNOPRTUWabcdefghijklmnoprstuvwxyz\u03B2\u03B3\u03B4\u03C6\u03C7\u222B\u2212"
)


class _Replacement(NamedTuple):
    latex: str
    unicode: str
    escaped: str | None  # the form a combining mark's escape gives ``\tilde{}``: ``\ tilde{}``


class _Tables(NamedTuple):
    replacements: tuple[_Replacement, ...]
    by_key: dict[str, tuple[int, ...]]  # key -> indices into replacements, in order
    always: tuple[int, ...]  # replacements shorter than any key: tried every time
    combining: tuple[tuple[str, str], ...]
    subsuperscripts: tuple[tuple[str, str], ...]


def replace(tex: str) -> str:
    """What ``unicodeit.replace(tex)`` returns."""
    tables = _tables()
    if tables is None:
        import unicodeit

        return str(unicodeit.replace(tex))
    return _replace(tex, tables)


@cache
def _tables() -> _Tables | None:
    import unicodeit
    from unicodeit import data

    if getattr(unicodeit, "__version__", None) not in CHECKED_VERSIONS:
        return None
    replacements = tuple(
        _Replacement(latex, uni, "\\ " + latex[1:] if latex.endswith("{}") else None)
        for latex, uni in data.REPLACEMENTS
    )
    by_key: dict[str, list[int]] = {}
    always: list[int] = []
    for index, replacement in enumerate(replacements):
        for text in (replacement.latex, replacement.escaped):
            if text is None:
                continue
            key = _key(text)
            if key is None:
                always.append(index)
            else:
                by_key.setdefault(key, []).append(index)
    return _Tables(
        replacements,
        {key: tuple(indices) for key, indices in by_key.items()},
        tuple(sorted(set(always))),
        tuple((c[0], c[1]) for c in data.COMBININGMARKS),
        tuple((s[0], s[1]) for s in data.SUBSUPERSCRIPTS),
    )


def _key(latex: str) -> str | None:
    command = _COMMAND.match(latex)
    if command is not None:  # its name and up to two characters after it: "\\mathbb{R"
        return latex[: command.end() + 2]
    return latex[:2] if len(latex) >= 2 else None


def _keys_in(text: str) -> set[str]:
    """Every key a replacement matching somewhere in ``text`` may be filed under: any two
    characters, and for each command, each start of its name (a replacement for ``\\in``
    matches ``\\int``), and its whole name with one or two characters after it."""
    keys = {text[i : i + 2] for i in range(len(text) - 1)}
    for command in _COMMAND.finditer(text):
        start, end = command.span()
        keys.update(text[start:stop] for stop in range(start + 3, end + 1))
        keys.update((text[start : end + 1], text[start : end + 2]))
    return keys


def _replace_all(f: str, tables: _Tables) -> str:
    """unicodeit's loop over its replacements, trying only those that may match."""
    queue = list(tables.always)  # a heap: replacements are tried in unicodeit's order
    queued = set(queue)
    seen: set[str] = set()

    def queue_keys_of(text: str, after: int) -> None:
        new = _keys_in(text) - seen
        seen.update(new)
        for key in new:
            for index in tables.by_key.get(key, ()):
                if index > after and index not in queued:
                    queued.add(index)
                    heapq.heappush(queue, index)

    queue_keys_of(f, -1)
    while queue:
        index = heapq.heappop(queue)
        latex, uni, escaped = tables.replacements[index]
        if latex in f or (escaped is not None and escaped in f):
            f = f.replace(latex, uni)
            if escaped is not None:
                f = f.replace(escaped, uni)
            queue_keys_of(f, index)  # an output may start a later match
    return f


def _replace(f: str, tables: _Tables) -> str:
    # From here to the end: unicodeit 0.7.5's replace(), but for the loop in _replace_all.
    f = re.sub(r"\\not(\\[A-z]+)", r"\\slash{\1}", f)
    for mark, _ in tables.combining:
        f = f.replace(mark + "{", "\\ " + mark[1:] + "{")

    f = _replace_all(f, tables)

    f = _expand_groups(f, "_", _SUBSCRIPTS)
    f = _expand_groups(f, "^", _SUPERSCRIPTS)

    for latex, uni in tables.subsuperscripts:
        f = f.replace(latex, uni)

    for mark, uni in tables.combining:
        escaped_latex = f"\\ {mark[1:]}{{"
        while escaped_latex in f:
            i = f.index(escaped_latex)
            if len(f) <= i + len(escaped_latex):
                f = f[:i] + mark + "{"  # incomplete: unescaped, and the rest dropped
                continue
            combined_char = f[i + len(escaped_latex)]
            remainder = ""
            if len(f) >= i + len(escaped_latex) + 2:
                remainder = f[i + len(escaped_latex) + 2 :]
            f = f[:i] + combined_char + uni + remainder
    return f


def _expand_groups(f: str, mark: str, chars: str) -> str:
    """``_{01}`` as ``_0_1`` (unicodeit's steps, for ``_`` and ``^``)."""
    offset = 0
    for s in re.finditer(re.escape(mark) + r"\{[" + chars + r"]+\}", f):
        newstring, n = re.subn(r"([" + chars + r"])", mark + r"\1", s.group(0)[2:-1])
        f = f[: s.start() + offset] + newstring + f[s.end() + offset :]
        offset += n * 2 - (n + 3)
    return f
