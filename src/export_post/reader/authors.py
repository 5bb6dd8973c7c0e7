"""The post's authors, in every shape real Jekyll themes write them.

``author`` (then ``authors``; then ``author`` in ``_config.yml``) may be:

- a name: ``author: Ada Lovelace``;
- a list of names: ``authors: [Ada Lovelace, Charles Babbage]``;
- a list of mappings (al-folio/distill, jekyll-seo-tag):
  ``- name: Ada  url: https://…  affiliations: {name: …}``;
- one mapping: ``author: {name: Ada, url: …}``, or a mapping of such mappings keyed by an id.

Names and affiliations are one line of text with any HTML tags removed (``University of
Oxford<sup>–2023</sup>``, ``Ada <ada@example.org>``). A value of another shape is left out
with a warning; authors never make a post fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..diagnostics import DiagnosticCode
from ..metatext import clean_line
from ..model import Author

Warn = Callable[[str, DiagnosticCode, str], None]  # (front-matter key, diagnostic code, message)

NAME_KEYS = ("name", "display_name", "full_name", "fullname")
URL_KEYS = ("url", "website", "web", "homepage", "uri", "link")
AFFILIATION_KEYS = ("affiliations", "affiliation", "organization", "organisation", "institution")
_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")


def read_authors(data: Mapping[str, Any], warn: Warn) -> tuple[Author, ...]:
    """The authors of ``author``, else of ``authors`` (the first that names anyone)."""
    for key in ("author", "authors"):
        value = data.get(key)
        if value is None:
            continue
        found = tuple(_authors(value, key, warn))
        if found:
            return found
    return ()


def site_authors(config: Mapping[str, Any]) -> tuple[Author, ...]:
    """``author`` in ``_config.yml``, the fallback when a post names nobody."""
    value = config.get("author")
    return tuple(_authors(value, "author", lambda key, code, message: None)) if value is not None else ()


def _authors(value: Any, key: str, warn: Warn) -> list[Author]:
    if isinstance(value, list):
        found = []
        for item in value:
            author = _author(item, key, warn) if item is not None else None
            if author is not None:
                found.append(author)
        return found
    if (
        isinstance(value, dict)
        and not _has_name(value)
        and value
        and all(isinstance(v, dict) for v in value.values())
    ):
        return _authors(list(value.values()), key, warn)  # {ada: {name: …}, bob: {name: …}}
    author = _author(value, key, warn)
    return [author] if author is not None else []


def _author(value: Any, key: str, warn: Warn) -> Author | None:
    if isinstance(value, bool):
        if value:
            warn(key, "front-matter-ignored", f"front matter '{key}' is true, not a name; ignoring it")
        return None
    if isinstance(value, int | float):
        warn(
            key, "front-matter-coerced", f"front matter '{key}' has the number {value!r}; using it as a name"
        )
        value = str(value)
    if isinstance(value, str):
        name = _line(value)
        return Author(name=name) if name else None
    if isinstance(value, dict):
        name = _name(value)
        if not name:
            warn(
                key,
                "front-matter-ignored",
                f"front matter '{key}' has an entry without a 'name'; leaving it out",
            )
            return None
        return Author(
            name=name,
            url=_first_text(value, URL_KEYS),
            affiliation=_affiliation(value),
            role=_first_text(value, ("role",)),
        )
    warn(
        key,
        "front-matter-ignored",
        f"front matter '{key}' has a {_kind(value)} where a name belongs; leaving it out",
    )
    return None


def _has_name(value: dict[Any, Any]) -> bool:
    return bool(_name(value))


def _name(value: dict[Any, Any]) -> str:
    name = _first_text(value, NAME_KEYS)
    if name:
        return name
    given = _first_text(value, ("given", "given_name", "first", "first_name"))
    family = _first_text(value, ("family", "family_name", "last", "last_name"))
    return " ".join(part for part in (given, family) if part)


def _first_text(value: dict[Any, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        found = value.get(key)
        if isinstance(found, str | int | float) and not isinstance(found, bool):
            text = _line(str(found))
            if text:
                return text
    return ""


def _affiliation(value: dict[Any, Any]) -> str:
    """One affiliation text: a name, a mapping with a name, or a list of either (``; ``)."""
    for key in AFFILIATION_KEYS:
        found = value.get(key)
        items = found if isinstance(found, list) else [found]
        names = [
            _line(item) if isinstance(item, str) else _name(item) if isinstance(item, dict) else ""
            for item in items
        ]
        text = "; ".join(dict.fromkeys(n for n in names if n))
        if text:
            return text
    return ""


def _line(text: str) -> str:
    return clean_line(_TAG.sub("", text))


def _kind(value: Any) -> str:
    return (
        "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else type(value).__name__
    )
