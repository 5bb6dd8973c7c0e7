"""``book.yml``: what a book says about itself and which posts it holds, in which order.

Every key is optional. An unknown key or a value of the wrong shape is a one-line
:class:`BookConfigError` naming the file, the line and the key (``parts[2].posts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Reporter
from ..errors import BookConfigError, ReadError
from ..reader.frontmatter import key_lines, load_front_matter
from ..resources.safefile import RefusedFile, check_regular

BOOK_FILE = "book.yml"
MAX_BOOK_FILE_BYTES = 256 * 1024
ORDERS = ("oldest", "newest")


@dataclass(frozen=True, slots=True, kw_only=True)
class PartConfig:
    title: str
    posts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BookConfig:
    """``book.yml`` as read; ``path`` is where it was read from (``None``: no file)."""

    path: Path | None = None
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""
    cover: str = ""
    description: str = ""
    dedication: str = ""
    theme: str = ""
    order: str = ""  # "oldest" or "newest"; empty: the caller's choice, else oldest
    posts: tuple[str, ...] = ()  # the posts and their order (file names, stems or paths)
    categories: tuple[str, ...] = ()  # posts in any of these categories
    tags: tuple[str, ...] = ()  # posts with any of these tags
    parts: tuple[PartConfig, ...] = ()
    preface: str = ""

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path is not None else None


_TEXT_KEYS = ("title", "subtitle", "language", "cover", "description", "dedication", "theme", "preface")
_LIST_KEYS = ("posts", "categories", "tags")
KEYS = (*_TEXT_KEYS, "author", "authors", "lang", "order", *_LIST_KEYS, "parts")
PART_KEYS = ("title", *_LIST_KEYS)


def read_book_config(path: Path) -> BookConfig:
    """``path`` read and checked. Raises :class:`BookConfigError` (or :class:`ReadError` when
    the file cannot be read)."""
    try:
        check_regular(path)  # a FIFO or a device is refused before it is opened
        with path.open("rb") as file:
            raw = file.read(MAX_BOOK_FILE_BYTES + 1)
    except RefusedFile as err:
        raise ReadError(f"refused book file: {err}", path=path) from None
    except OSError as err:
        raise ReadError(f"cannot read book file: {err.strerror or err}", path=path) from err
    if len(raw) > MAX_BOOK_FILE_BYTES:
        raise BookConfigError(f"larger than {MAX_BOOK_FILE_BYTES} bytes", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BookConfigError(f"not UTF-8 (byte {err.start})", path=path) from None
    reporter = Reporter(path)
    try:
        data = load_front_matter(text, path, 1, reporter)
    except ReadError as err:
        raise BookConfigError(err.message, path=path, line=err.line) from None
    return parse_book_config(data, path, key_lines(text, 1))


def parse_book_config(
    data: Mapping[str, Any], path: Path | None = None, lines: Mapping[str, int] | None = None
) -> BookConfig:
    """A mapping (as ``book.yml`` holds it, or the ``config=`` of ``export_book``) checked."""
    lines = lines or {}
    check = _Checker(path, lines)
    if not isinstance(data, Mapping):
        raise BookConfigError("must be a mapping of keys to values", path=path)
    for key in data:
        if key not in KEYS:
            check.fail(str(key), f"unknown key '{key}' (known: {', '.join(sorted(KEYS))})")
    authors = check.texts(data, "authors") if "authors" in data else check.texts(data, "author")
    language = check.text(data, "language") or check.text(data, "lang")
    order = check.text(data, "order").lower()
    if order and order not in ORDERS:
        check.fail("order", f"'order' must be oldest or newest (got {order!r})")
    parts_value = data.get("parts")
    if parts_value is not None and not isinstance(parts_value, list):
        check.fail("parts", "'parts' must be a list of parts (each with a title)")
    parts = tuple(check.part(value, number) for number, value in enumerate(parts_value or (), 1))
    return BookConfig(
        path=path,
        title=check.text(data, "title"),
        subtitle=check.text(data, "subtitle"),
        authors=authors,
        language=language,
        cover=check.text(data, "cover"),
        description=check.text(data, "description"),
        dedication=check.text(data, "dedication"),
        theme=check.text(data, "theme"),
        order=order,
        posts=check.texts(data, "posts"),
        categories=check.texts(data, "categories"),
        tags=check.texts(data, "tags"),
        parts=parts,
        preface=check.text(data, "preface"),
    )


@dataclass(frozen=True, slots=True)
class _Checker:
    path: Path | None
    lines: Mapping[str, int]

    def fail(self, key: str, message: str) -> None:
        top = key.split("[", 1)[0].split(".", 1)[0]
        raise BookConfigError(message, path=self.path, line=self.lines.get(top))

    def text(self, data: Mapping[str, Any], key: str, name: str | None = None) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(name or key, f"'{name or key}' must be text, not a {_kind(value)}")
        return " ".join(str(value).split())

    def texts(self, data: Mapping[str, Any], key: str, name: str | None = None) -> tuple[str, ...]:
        value = data.get(key)
        label = name or key
        if value is None:
            return ()
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.fail(label, f"'{label}' must be a list of text, not a {_kind(value)}")
        out = []
        for number, item in enumerate(value, 1):
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                self.fail(label, f"'{label}' item {number} must be text, not {_kind(item)}")
            out.append(" ".join(str(item).split()))
        return tuple(out)

    def part(self, value: Any, number: int) -> PartConfig:
        name = f"parts[{number}]"
        if not isinstance(value, Mapping):
            self.fail(name, f"'{name}' must be a mapping with a title, not a {_kind(value)}")
        for key in value:
            if key not in PART_KEYS:
                self.fail(name, f"unknown key '{name}.{key}' (known: {', '.join(PART_KEYS)})")
        title = self.text(value, "title", f"{name}.title")
        if not title:
            self.fail(name, f"'{name}' has no title")
        return PartConfig(
            title=title,
            posts=self.texts(value, "posts", f"{name}.posts"),
            categories=self.texts(value, "categories", f"{name}.categories"),
            tags=self.texts(value, "tags", f"{name}.tags"),
        )


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "empty value"
    return type(value).__name__
