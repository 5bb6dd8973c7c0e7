"""What every conversion step of the reader shares while reading one post."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..diagnostics import Reporter
from ..model import Attr, Block, Image, Inline, LineBreak, Link, Span, Text
from ..model.text import IdRegistry
from .links import check_link
from .source import LineIndex


@dataclass
class ReaderContext:
    reporter: Reporter
    lines: LineIndex
    site_url: str = ""
    post_folder: str | None = None  # the post's folder relative to the site root (None: outside it)
    dollar_math: bool = False  # $…$ may be math (the site says so, or says nothing)
    ids: IdRegistry = field(default_factory=IdRegistry)
    # Parses a Markdown snippet into blocks (for ``markdown="1"`` HTML); set by the converter.
    parse_markdown: Callable[[str], list[Block]] = lambda _src: []

    def link(self, url: str, title: str, children: Sequence[Inline], attr: Attr) -> list[Inline]:
        """A Link when the target is allowed, else just its text (with a diagnostic); a link
        into the site whose web address is unknown is a Link without ``url`` that keeps its
        site target (a book links it to a chapter; other formats show the text)."""
        verdict = check_link(url.strip(), self.site_url, self.post_folder)
        if verdict.url is not None or verdict.site_target:
            link = Link(
                children=tuple(children),
                url=verdict.url or "",
                title=title,
                attr=attr,
                site_target=verdict.site_target,
            )
            if verdict.url is not None:
                return [link]
            self.reporter.info(
                "link-dropped", f"{verdict.reason}; kept the link text only", line=self.lines.find(url)
            )
            return [link]
        line = self.lines.find(url) if url else None
        if verdict.unsafe:
            self.reporter.warn("link-unsafe", f"{verdict.reason}; kept the link text only", line=line)
        elif url:
            self.reporter.info("link-dropped", f"{verdict.reason}; kept the link text only", line=line)
        if attr:
            return [Span(children=tuple(children), attr=attr)]
        return list(children)

    def image(self, src: str, alt: str, title: str = "", attr: Attr | None = None) -> Image:
        return Image(
            src=src.strip(),
            alt=alt,
            title=title,
            attr=attr or Attr(),
            line=self.lines.find(src.strip()),
        )


def trim_inlines(inlines: Sequence[Inline]) -> tuple[Inline, ...]:
    """Drop leading/trailing line breaks and whitespace (what an HTML paragraph renders)."""

    def blank(node: Inline) -> bool:
        return isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip())

    start, end = 0, len(inlines)
    while start < end and blank(inlines[start]):
        start += 1
    while end > start and blank(inlines[end - 1]):
        end -= 1
    items = list(inlines[start:end])
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip())
    return tuple(merge_text(items))


def merge_text(inlines: Sequence[Inline]) -> list[Inline]:
    """Join neighbouring Text nodes (dropping empty ones)."""
    out: list[Inline] = []
    texts: list[str] = []  # the run of Text being joined: one join, not a copy per node
    for node in inlines:
        if isinstance(node, Text):
            if node.text:
                texts.append(node.text)
            continue
        if texts:
            out.append(Text(text="".join(texts)))
            texts = []
        out.append(node)
    if texts:
        out.append(Text(text="".join(texts)))
    return out
