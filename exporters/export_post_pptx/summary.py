"""Reducing a paragraph to its lead sentence, keeping the styles of what remains."""

from __future__ import annotations

import re

from export_post.model import Run

_END = re.compile(
    r"[.!?\u2026][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u00dd])|[\u3002\uff01\uff1f]"
)
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "inc",
        "ltd",
        "jr",
        "sr",
        "u.s",
        "no",
        "fig",
        "cf",
        "al",
        "approx",
        "dept",
        "est",
    ]
)


_NONBLANK = re.compile(r"\S")
_WORD_CHAR = re.compile(r"[\w.]")
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS)) + 2  # with its dots


def lead_length(text: str, start: int = 0) -> int | None:
    """Characters in the first sentence of ``text[start:]``, or None when it is a single sentence."""
    for m in _END.finditer(text, start):
        if text[m.start()] == "." and _word_before(text, m.start(), start) in _ABBREVIATIONS:
            continue
        end = m.end()
        if _NONBLANK.search(text, end):
            return end - start
    return None


def _word_before(text: str, dot: int, start: int) -> str:
    """The word ending at ``text[dot]`` (dots included, then stripped), lowercased; looked at no
    further back than an abbreviation is long, so a paragraph of many costs no more than one."""
    first = dot
    while first > start and _WORD_CHAR.match(text, first - 1):
        first -= 1
        if dot - first > _LONGEST_ABBREVIATION:
            return ""
    return text[first : dot + 1].lower().rstrip(".")


def lead_runs(runs: tuple[Run, ...]) -> tuple[tuple[Run, ...], bool]:
    """The runs of the first sentence, and whether anything was cut."""
    text = "".join(r.text for r in runs)
    n = lead_length(text)
    if n is None:
        return runs, False
    out: list[Run] = []
    used = 0
    for run in runs:
        if used >= n:
            break
        take = run.text[: n - used]
        used += len(run.text)
        if take:
            out.append(Run(text=take, style=run.style))
    if out:
        out[-1] = Run(text=out[-1].text.rstrip(), style=out[-1].style)
    return tuple(out), True


def split_sentences(runs: tuple[Run, ...]) -> list[tuple[Run, ...]]:
    """All sentences of ``runs`` (for text too long to fit one slide), found in one pass."""
    text = "".join(r.text for r in runs)
    spans: list[tuple[int, int]] = []  # each sentence's start and end in ``text``
    start = 0
    while (n := lead_length(text, start)) is not None:
        spans.append((start, start + n))
        start = _NONBLANK.search(text, start + n).start()  # type: ignore[union-attr]  # lead_length saw it
    if not spans:
        return [runs]
    spans.append((start, len(text)))
    parts: list[tuple[Run, ...]] = []
    index, offset = 0, 0  # the run that ``text[offset]`` begins, and where it begins
    for number, (begin, end) in enumerate(spans):
        out: list[Run] = []
        while index < len(runs) and offset < end:
            run = runs[index]
            piece = run.text[max(0, begin - offset) : end - offset]
            if piece:
                out.append(Run(text=piece, style=run.style))
            if offset + len(run.text) > end:
                break  # the run goes on into the next sentence
            offset += len(run.text)
            index += 1
        if out and number < len(spans) - 1:
            out[-1] = Run(text=out[-1].text.rstrip(), style=out[-1].style)
        parts.append(tuple(r for r in out if r.text))
    return parts
