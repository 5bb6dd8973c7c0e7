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


def lead_length(text: str) -> int | None:
    """Characters in the first sentence of ``text``, or None when it is a single sentence."""
    for m in _END.finditer(text):
        word = re.search(r"([\w.]+)[.!?\u2026]?$", text[: m.start() + 1])
        if word and text[m.start()] == "." and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        end = m.end()
        if text[end:].strip():
            return end
    return None


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
    """All sentences of ``runs`` (for text too long to fit one slide)."""
    parts: list[tuple[Run, ...]] = []
    rest = runs
    while rest:
        head, cut = lead_runs(rest)
        if not cut:
            parts.append(rest)
            break
        parts.append(head)
        rest = _drop(rest, sum(len(r.text) for r in head))
    return parts


def _drop(runs: tuple[Run, ...], n: int) -> tuple[Run, ...]:
    out: list[Run] = []
    skipped = 0
    for run in runs:
        if skipped >= n:
            out.append(run)
        elif skipped + len(run.text) > n:
            out.append(Run(text=run.text[n - skipped :], style=run.style))
        skipped += len(run.text)
    if out:
        out[0] = Run(text=out[0].text.lstrip(), style=out[0].style)
    return tuple(r for r in out if r.text)
