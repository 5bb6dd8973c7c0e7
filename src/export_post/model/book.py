"""A book: many posts as chapters, grouped in parts, with the front matter of a book.

Built by :mod:`export_post.book` from the posts and ``book.yml``; read by the exporters that
can make a book (``export_book``). Every chapter's document is already made ready for the
book: its ids carry the chapter's prefix (``ch3-…``) so nothing collides, its headings sit one
level below the chapter title, and its links to other chapters are in-book ``#id`` links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from .document import Author, Document, PostMeta


@dataclass(frozen=True, slots=True, kw_only=True)
class BookMeta:
    """What the book says about itself (``book.yml``, else ``_config.yml``, else the posts)."""

    title: str
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    lang: str = "en"
    description: str = ""
    cover: str | None = None  # an image reference, resolved from the site root
    dedication: str = ""
    source_url: str = ""  # the site's address, for the copyright page
    first_date: dt.date | None = None  # of the posts, for the copyright page
    last_date: dt.date | None = None
    identifier: str = ""  # stable per book (urn:uuid), for the EPUB

    @property
    def author(self) -> str:
        return ", ".join(self.authors)

    @property
    def direction(self) -> str:
        return self.as_post_meta().direction

    def as_post_meta(self) -> PostMeta:
        """The book's metadata in the shape the per-post helpers (document info, EPUB
        metadata, page language) read."""
        return PostMeta(
            title=self.title,
            description=self.subtitle or self.description,
            date=self.last_date,
            authors=tuple(Author(name=name) for name in self.authors),
            lang=self.lang,
            site_url=self.source_url,
            site_title=self.title,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Chapter:
    """One post as a chapter. ``anchor`` is the id of the chapter's opening (and the prefix of
    every id inside it); ``level`` is the heading level of its title (1, or 2 under parts);
    ``show_author``: the post's author differs from the book's."""

    document: Document
    anchor: str
    level: int = 1
    show_author: bool = False

    @property
    def title(self) -> str:
        return self.document.meta.title


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """Chapters under a part title; ``title`` is empty for chapters outside any part."""

    title: str
    anchor: str
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Book:
    meta: BookMeta
    parts: tuple[Part, ...]
    preface: Chapter | None = None

    @property
    def chapters(self) -> Iterator[Chapter]:
        """Every chapter in reading order, the preface first."""
        if self.preface is not None:
            yield self.preface
        for part in self.parts:
            yield from part.chapters

    @property
    def has_parts(self) -> bool:
        return any(part.title for part in self.parts)
