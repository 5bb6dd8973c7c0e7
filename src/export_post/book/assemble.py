"""From posts and a :class:`BookConfig` to a :class:`Book`: which posts, in which order and
parts, what the book is called, and every chapter made ready (see :mod:`.chapters`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Reporter
from ..errors import BookConfigError
from ..model import Document
from ..model.book import Book, BookMeta, Chapter, Part
from ..reader import load_post
from ..reader.authors import site_authors
from ..reader.site import SiteContext, load_site
from .chapters import build_index, prepare_chapter
from .config import BookConfig, PartConfig

DEFAULT_TITLE = "Posts"


@dataclass(frozen=True, slots=True)
class Source:
    """A post to read: its file, and the folder it must stay inside (see ``load_post``)."""

    path: Path
    within: Path | None = None


def read_documents(sources: Iterable[Source]) -> list[Document]:
    """Every post read (a post that cannot be read fails the book: :class:`ReadError`)."""
    return [load_post(source.path, within=source.within) for source in sources]


def assemble_book(documents: Sequence[Document], config: BookConfig, *, order: str = "") -> Book:
    """The book ``config`` describes, made of ``documents`` (the posts given)."""
    if not documents:
        raise BookConfigError("a book needs at least one post", path=config.path)
    newest = (config.order or order or "oldest") == "newest"
    pool = _in_date_order(documents, newest)
    finder = _Finder(pool, config.path)
    preface = finder.one(config.preface, "preface") if config.preface else None
    pool = [d for d in pool if d is not preface]
    groups: list[tuple[str, list[Document]]]
    if config.parts:
        groups = [(part.title, _select_part(part, pool, finder)) for part in config.parts]
    else:
        groups = [("", _select(config, pool, finder))]
    if not any(docs for _, docs in groups) and preface is None:
        raise BookConfigError("no post is selected for the book", path=config.path)
    site = load_site(_source(documents[0]), None, Reporter())
    chosen = ([preface] if preface is not None else []) + [d for _, docs in groups for d in docs]
    meta = _book_meta(config, chosen, site)
    return _build(meta, preface, groups, config)


def _build(
    meta: BookMeta, preface: Document | None, groups: list[tuple[str, list[Document]]], config: BookConfig
) -> Book:
    level = 2 if any(title for title, _ in groups) else 1
    ordered = ([preface] if preface else []) + [d for _, docs in groups for d in docs]
    anchors = {id(doc): f"ch{number}" for number, doc in enumerate(ordered, 1)}
    index = build_index({anchors[id(doc)]: doc for doc in ordered})

    def chapter(doc: Document, at: int) -> Chapter:
        anchor = anchors[id(doc)]
        ready = prepare_chapter(doc, anchor, at, index, doc.meta.site_root)
        differs = bool(doc.meta.authors) and doc.meta.author_names != meta.authors
        return Chapter(document=ready, anchor=anchor, level=at, show_author=differs)

    parts = tuple(
        Part(title=title, anchor=f"part{number}", chapters=tuple(chapter(d, level) for d in docs))
        for number, (title, docs) in enumerate(groups, 1)
    )
    return Book(meta=meta, parts=parts, preface=chapter(preface, level) if preface else None)


def _in_date_order(documents: Sequence[Document], newest: bool) -> list[Document]:
    def key(doc: Document) -> tuple[int, dt.datetime, str]:
        date = doc.meta.date
        if date is None:
            return (1, dt.datetime.min, str(doc.meta.source_path))
        moment = date if isinstance(date, dt.datetime) else dt.datetime(date.year, date.month, date.day)
        return (0, moment.replace(tzinfo=None), str(doc.meta.source_path))

    ordered = sorted(documents, key=key)
    if newest:
        dated = [d for d in ordered if d.meta.date is not None]
        ordered = dated[::-1] + [d for d in ordered if d.meta.date is None]
    return ordered


def _select(config: BookConfig, pool: list[Document], finder: _Finder) -> list[Document]:
    if config.posts:
        return finder.many(config.posts, "posts")
    return _by_labels(pool, config.categories, config.tags)


def _select_part(part: PartConfig, pool: list[Document], finder: _Finder) -> list[Document]:
    if part.posts:
        return finder.many(part.posts, f"parts '{part.title}' posts")
    if part.categories or part.tags:
        return _by_labels(pool, part.categories, part.tags)
    raise BookConfigError(f"part '{part.title}' names no posts, categories or tags", path=finder.path)


def _by_labels(pool: list[Document], categories: Sequence[str], tags: Sequence[str]) -> list[Document]:
    if not categories and not tags:
        return list(pool)
    wanted_categories = {c.lower() for c in categories}
    wanted_tags = {t.lower() for t in tags}
    return [
        d
        for d in pool
        if wanted_categories & {c.lower() for c in d.meta.categories}
        or wanted_tags & {t.lower() for t in d.meta.tags}
    ]


class _Finder:
    """A post named in ``book.yml``: by file name (``2024-06-10-name.md``), stem, the name
    without its date (``name``), or its path from the site root (``_posts/…``)."""

    def __init__(self, pool: list[Document], path: Path | None) -> None:
        self.path = path
        self.names: dict[str, list[Document]] = {}
        for doc in pool:
            for name in _names(doc):
                self.names.setdefault(name, []).append(doc)

    def one(self, ref: str, key: str) -> Document:
        found = self.names.get(ref.strip().strip("/").lower(), [])
        if not found:
            raise BookConfigError(
                f"'{key}' names '{ref}', which is not among the posts given", path=self.path
            )
        if len(found) > 1:
            raise BookConfigError(
                f"'{key}' names '{ref}', which fits several posts; give its file name", path=self.path
            )
        return found[0]

    def many(self, refs: Sequence[str], key: str) -> list[Document]:
        out: list[Document] = []
        for ref in refs:
            doc = self.one(ref, key)
            if any(d is doc for d in out):
                raise BookConfigError(f"'{key}' names '{ref}' twice", path=self.path)
            out.append(doc)
        return out


def _names(doc: Document) -> set[str]:
    source = doc.meta.source_path
    if source is None:
        return set()
    names = {source.name.lower(), source.stem.lower()}
    stem = source.stem
    if len(stem) > 11 and stem[:4].isdigit() and stem[4] == "-" and stem[10] == "-":
        names.add(stem[11:].lower())
    root = doc.meta.site_root
    if root is not None:
        try:
            relative = source.resolve().relative_to(root.resolve()).as_posix().lower()
        except ValueError:
            relative = ""
        if relative:
            names |= {relative, relative.rsplit(".", 1)[0]}
    return names


def _source(doc: Document) -> Path:
    return doc.meta.source_path or Path("post.md")


def _book_meta(config: BookConfig, documents: Sequence[Document], site: SiteContext) -> BookMeta:
    first = documents[0].meta
    dates = [_day(d.meta.date) for d in documents if d.meta.date is not None]
    authors = config.authors or tuple(a.name for a in site_authors(site.config)) or _post_authors(documents)
    title = config.title or site.setting("title") or first.site_title or DEFAULT_TITLE
    cover = config.cover or site.setting("logo") or None
    return BookMeta(
        title=title,
        subtitle=config.subtitle,
        authors=authors,
        lang=config.language or site.setting("lang") or _most_common(d.meta.lang for d in documents),
        description=config.description or site.setting("description"),
        cover=cover,
        dedication=config.dedication,
        source_url=first.site_url,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        identifier=_identifier(first.site_url or site.setting("title"), title, documents),
    )


def _post_authors(documents: Sequence[Document]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for doc in documents:
        for name in doc.meta.author_names:
            seen.setdefault(name, None)
    return tuple(seen)[:3]


def _most_common(values: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else "en"


def _day(date: dt.date | dt.datetime) -> dt.date:
    return date.date() if isinstance(date, dt.datetime) else date


def _identifier(site: str, title: str, documents: Sequence[Document]) -> str:
    """Stable per book: the same site, title and posts give the same identifier."""
    names = ",".join(d.meta.source_path.name if d.meta.source_path else d.meta.title for d in documents)
    key = f"export-post-book:{site}/{title}/{names}"
    key = key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
