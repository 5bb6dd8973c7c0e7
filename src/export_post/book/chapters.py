"""A post's document made ready to be a chapter: ids prefixed, headings moved under the
chapter title, links to other chapters made in-book links, the post's own contents dropped
(the book's contents lists its headings)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urlsplit

from ..model import Attr, Block, Document, Heading, Link, Note, TocPlaceholder
from ..model.text import xml_id
from ..toolkit.xhtml import document_ids


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """Where each chapter's post lives, to turn links to it into links to the chapter."""

    by_file: Mapping[Path, str] = field(default_factory=dict)  # the post's file -> chapter anchor
    by_path: Mapping[tuple[Path | None, str], str] = field(default_factory=dict)  # (site root, URL path)
    by_url: Mapping[str, str] = field(default_factory=dict)  # absolute URL (no scheme) -> anchor
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)  # anchor -> the chapter's own ids

    def target(self, link: Link, site_root: Path | None) -> str | None:
        """The in-book ``#id`` ``link`` leads to, or ``None`` (not a post of the book)."""
        anchor, fragment = None, ""
        if link.site_target:
            where, _, fragment = link.site_target.partition("#")
            if where.startswith("/"):
                anchor = self.by_path.get((site_root, _path_key(where)))
            elif site_root is not None:
                anchor = self.by_file.get(_file_key(site_root / where))
        elif link.url.startswith(("http://", "https://")):
            parts = urlsplit(link.url)
            key = parts.netloc.lower() + _path_key(unquote(parts.path))
            anchor = self.by_url.get(key)
            fragment = xml_id(unquote(parts.fragment)) if parts.fragment else ""
        if anchor is None:
            return None
        if fragment and fragment in self.ids.get(anchor, frozenset()):
            return f"#{anchor}-{fragment}"
        return f"#{anchor}"


def build_index(documents: Mapping[str, Document]) -> LinkIndex:
    by_file: dict[Path, str] = {}
    by_path: dict[tuple[Path | None, str], str] = {}
    by_url: dict[str, str] = {}
    ids: dict[str, frozenset[str]] = {}
    for anchor, document in documents.items():
        meta = document.meta
        if meta.source_path is not None:
            by_file[_file_key(meta.source_path)] = anchor
        if meta.url_path:
            by_path.setdefault((_root_key(meta.site_root), _path_key(meta.url_path)), anchor)
            if meta.site_url:
                host = urlsplit(meta.site_url).netloc.lower()
                by_url.setdefault(host + _path_key(meta.url_path), anchor)
        ids[anchor] = document_ids(document)
    return LinkIndex(by_file, by_path, by_url, ids)


def _file_key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _root_key(root: Path | None) -> Path | None:
    return _file_key(root) if root is not None else None


def _path_key(path: str) -> str:
    """A site path as Jekyll serves it: ``/a/b/`` and ``/a/b/index.html`` are one page, and
    so are ``/a/b.html`` and ``/a/b`` (Jekyll's server and GitHub Pages answer both)."""
    path = normpath("/" + path.lstrip("/"))
    if path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    path = path.removesuffix(".html").rstrip("/")
    return path or "/"


def prepare_chapter(
    document: Document, anchor: str, level: int, index: LinkIndex, link_site_root: Path | None
) -> Document:
    """``document`` as the chapter ``anchor`` whose title is a heading of ``level``."""
    own_ids = index.ids.get(anchor, frozenset())
    headings = [b.level for b in document.blocks if isinstance(b, Heading)]
    shift = level + 1 - min(headings) if headings else 0
    root = _root_key(link_site_root)

    def link_url(link: Link) -> str:
        if link.url.startswith("#"):
            fragment = link.url[1:]
            return f"#{anchor}-{fragment}" if fragment in own_ids else link.url
        found = index.target(link, root)
        return found if found is not None else link.url

    rename = _Renamer(f"{anchor}-", lambda n: max(level + 1, min(6, n + shift)), link_url)
    blocks = tuple(rename.block(b) for b in document.blocks if not isinstance(b, TocPlaceholder))
    return dataclasses.replace(document, blocks=blocks)


@dataclass
class _Renamer:
    """Rebuilds a tree with every id prefixed, heading levels moved and link targets mapped
    (a note cited twice stays one object, as the reader made it)."""

    prefix: str
    heading_level: Callable[[int], int]
    link_url: Callable[[Link], str]
    notes: dict[int, Note] = field(default_factory=dict)

    def block(self, block: Block) -> Block:
        renamed = self.node(block)
        assert isinstance(renamed, type(block))
        return renamed

    def node(self, node: object) -> object:
        if isinstance(node, tuple):
            return tuple(self.node(item) for item in node)
        if isinstance(node, Note):
            done = self.notes.get(id(node))
            if done is None:
                done = self.notes[id(node)] = dataclasses.replace(node, children=self.node(node.children))  # type: ignore[arg-type]
            return done
        if not dataclasses.is_dataclass(node) or isinstance(node, type | Attr):
            return node
        changes: dict[str, object] = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, Attr) and value.id:
                changes[f.name] = dataclasses.replace(value, id=self.prefix + value.id)
            elif isinstance(value, tuple) and value and not isinstance(value[0], str):
                changes[f.name] = self.node(value)
        if isinstance(node, Heading):
            changes["level"] = self.heading_level(node.level)
        if isinstance(node, Link):
            changes["url"] = self.link_url(node)
        return dataclasses.replace(node, **changes) if changes else node
