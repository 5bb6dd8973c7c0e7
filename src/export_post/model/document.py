"""The document: typed post metadata plus the block tree, and its derived section tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from ..diagnostics import Diagnostic
from .nodes import Block, Heading

RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "ha", "he", "khw", "ks", "ku", "ps", "ur", "yi"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """One of the post's authors, as the front matter names them (see ``reader/authors.py``).

    ``role`` is the role as written (``"editor"``), empty for an author; ``url`` and
    ``affiliation`` are empty when not given.
    """

    name: str
    url: str = ""
    affiliation: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PostMeta:
    """What the front matter (and the file name) says about the post.

    ``image`` is the cover image reference as written; the resource resolver decides whether
    it can be read. ``site_root`` is where ``/``-absolute references resolve.
    """

    title: str
    description: str = ""
    date: dt.date | dt.datetime | None = None
    authors: tuple[Author, ...] = ()  # in the order the front matter gives them
    lang: str = "en"
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    image: str | None = None
    slug: str = ""
    source_path: Path | None = None
    site_root: Path | None = None
    site_url: str = ""  # the site's absolute URL with its baseurl, from _config.yml
    url_path: str = ""  # where the site publishes the post, baseurl included ("/blog/2024/06/10/a.html")
    site_title: str = ""
    extra: Mapping[str, object] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )

    @property
    def direction(self) -> str:
        """``"rtl"`` for right-to-left languages, else ``"ltr"``."""
        return "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.authors)

    @property
    def author(self) -> str:
        """The authors' names joined with ``", "`` (empty when there are none)."""
        return ", ".join(self.author_names)

    @property
    def date_text(self) -> str:
        """The date as ``YYYY-MM-DD`` (empty when the post has none)."""
        if self.date is None:
            return ""
        day = self.date.date() if isinstance(self.date, dt.datetime) else self.date
        return day.isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A heading with the blocks directly under it and its subsections.

    The preamble (content before the first heading) is a section with ``heading=None``.
    """

    heading: Heading | None
    blocks: tuple[Block, ...]
    subsections: tuple[Section, ...] = ()

    @property
    def level(self) -> int:
        return self.heading.level if self.heading else 0

    def walk(self) -> Iterator[Section]:
        """This section and all its descendants, in document order."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A parsed post: metadata, blocks, and what the reader had to say about it."""

    meta: PostMeta
    blocks: tuple[Block, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    @property
    def sections(self) -> tuple[Section, ...]:
        """The blocks grouped under their headings (see :func:`build_sections`)."""
        return build_sections(self.blocks)

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading))


def build_sections(blocks: tuple[Block, ...]) -> tuple[Section, ...]:
    """Group a flat block list into a section tree by heading level.

    A heading opens a section that runs until the next heading of the same or a higher
    rank; deeper headings in between become its subsections. Only top-level headings count
    (headings inside block quotes or lists stay content).
    """
    done: list[Section] = []
    preamble: list[Block] = []
    # Open sections, outermost first: (heading, direct blocks, finished subsections).
    stack: list[tuple[Heading, list[Block], list[Section]]] = []

    def close() -> None:
        heading, own, subs = stack.pop()
        section = Section(heading=heading, blocks=tuple(own), subsections=tuple(subs))
        (stack[-1][2] if stack else done).append(section)

    for block in blocks:
        if isinstance(block, Heading):
            while stack and stack[-1][0].level >= block.level:
                close()
            stack.append((block, [], []))
        elif stack:
            stack[-1][1].append(block)
        else:
            preamble.append(block)
    while stack:
        close()
    if preamble:
        done.insert(0, Section(heading=None, blocks=tuple(preamble)))
    return tuple(done)
