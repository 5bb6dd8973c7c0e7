"""Flatten nested inlines into styled runs: the shape slide text (and any DOCX-like output) needs.

Styles are passed down the recursion with ``dataclasses.replace``, as pandoc's
``inlineToParElems`` threads ``RunProps``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import assert_never

from .nodes import (
    Code,
    Emph,
    Image,
    Inline,
    LineBreak,
    Link,
    Math,
    Note,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Text,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStyle:
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False
    math: bool = False  # the text is TeX; the exporter decides how to show it
    link: str = ""


PLAIN = RunStyle()


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """A piece of text with one style. ``text == "\\n"`` is a line break."""

    text: str
    style: RunStyle = PLAIN

    @property
    def is_break(self) -> bool:
        return self.text == "\n"


def to_runs(inlines: Iterable[Inline], style: RunStyle = PLAIN) -> tuple[Run, ...]:
    """Flatten ``inlines`` into runs, merging neighbours that share a style."""
    out: list[Run] = []
    _flatten(inlines, style, out)
    merged: list[Run] = []
    texts: list[str] = []  # the texts of merged[-1], joined once when it is complete
    for run in out:
        if merged and merged[-1].style == run.style and not run.is_break and not merged[-1].is_break:
            texts.append(run.text)
        elif run.text:
            if len(texts) > 1:
                merged[-1] = Run(text="".join(texts), style=merged[-1].style)
            merged.append(run)
            texts = [run.text]
    if len(texts) > 1:
        merged[-1] = Run(text="".join(texts), style=merged[-1].style)
    return tuple(merged)


def _flatten(inlines: Iterable[Inline], style: RunStyle, out: list[Run]) -> None:
    for node in inlines:
        match node:
            case Text(text=text):
                out.append(Run(text=text, style=style))
            case Code(text=text):
                out.append(Run(text=text, style=replace(style, code=True)))
            case Emph(children=kids):
                _flatten(kids, replace(style, italic=True), out)
            case Strong(children=kids):
                _flatten(kids, replace(style, bold=True), out)
            case Strikethrough(children=kids):
                _flatten(kids, replace(style, strike=True), out)
            case Superscript(children=kids):
                _flatten(kids, replace(style, superscript=True), out)
            case Subscript(children=kids):
                _flatten(kids, replace(style, subscript=True), out)
            case Span(children=kids):
                _flatten(kids, style, out)
            case Link(children=kids, url=url):
                _flatten(kids, replace(style, link=url), out)
            case Image(alt=alt):
                if alt:
                    out.append(Run(text=alt, style=style))
            case LineBreak():
                out.append(Run(text="\n", style=style))
            case Math(tex=tex):
                out.append(Run(text=tex, style=replace(style, math=True)))
            case Note(label=label):
                out.append(Run(text=label, style=replace(style, superscript=True, link="")))
            case _:
                assert_never(node)
