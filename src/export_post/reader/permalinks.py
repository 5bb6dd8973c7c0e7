"""Where Jekyll publishes a post: its ``page.url`` from the permalink rules.

Follows Jekyll 4: the post's front matter ``permalink``, else a matching front matter default
in ``_config.yml``, else ``collections: posts: permalink``, else the site's ``permalink``
(a built-in style name or a template). Placeholders are filled as Jekyll's ``UrlDrop`` fills
them, each value percent-encoded as Jekyll's ``URL.escape_path`` does. The result has no
``baseurl``, like ``page.url``; :func:`site_path` adds it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PAGE_STYLES = {"pretty": "/:path/", "date": "/:path:output_ext"}
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_PRETTY_KEEPS = frozenset("._~!$&'()+,;=@")  # beyond letters, marks and digits
_SAFE = "/:@!$&'()*+,;=-._~"  # what Jekyll's URL.escape_path leaves as it is


def slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in its ``default`` and ``pretty`` modes: each run of
    characters other than letters, marks and digits (and, pretty, ``._~!$&'()+,;=@``) is one
    hyphen."""
    kept = "".join(
        ch
        if unicodedata.category(ch)[0] in "LM"
        or unicodedata.category(ch) == "Nd"
        or (pretty and ch in _PRETTY_KEEPS)
        else "\0"
        for ch in text
    )
    slug = re.sub("\0+", "-", kept).strip("-")
    return slug if cased else slug.lower()


def post_url(
    path: Path,
    front_matter: Mapping[str, Any],
    date: dt.date | dt.datetime | None,
    name: str,
    site_root: Path,
    config: Mapping[str, Any],
) -> str:
    """The post's ``page.url`` on its Jekyll site (``/2024/06/10/name.html``); ``name`` is
    its file name without the date (``meta.filename_parts``)."""
    relative = _relative(path, site_root)
    is_post = "_posts" in relative.parts[:-1] and date is not None
    template = _template(relative, front_matter, config, is_post)
    values = _post_values(relative, name, front_matter, date) if date and is_post else _page_values(relative)
    url = _PLACEHOLDER.sub(lambda m: _fill(m[1], values, m[0]), template)
    return _sanitize(url)


def site_path(url: str, config: Mapping[str, Any]) -> str:
    """``page.url`` under the site's ``baseurl`` (what ``relative_url`` gives)."""
    base = config.get("baseurl")
    base = base.strip().strip("/") if isinstance(base, str) else ""
    return f"/{base}{url}" if base else url


def _relative(path: Path, site_root: Path) -> PurePosixPath:
    try:
        return PurePosixPath(path.resolve().relative_to(site_root.resolve()).as_posix())
    except ValueError:
        return PurePosixPath(path.name)


def _template(
    relative: PurePosixPath, front_matter: Mapping[str, Any], config: Mapping[str, Any], is_post: bool
) -> str:
    for candidate in (
        front_matter.get("permalink"),
        _default_permalink(relative, config, is_post),
        _collection_permalink(config) if is_post else None,
        config.get("permalink"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            name = candidate.strip()
            styles = STYLES if is_post else _PAGE_STYLES
            if name in STYLES:
                return styles.get(name, "/:path:output_ext")
            return name
    return STYLES["date"] if is_post else "/:path:output_ext"


def _default_permalink(relative: PurePosixPath, config: Mapping[str, Any], is_post: bool) -> Any:
    """The ``permalink`` of the most specific matching ``defaults:`` entry (later ones win ties)."""
    found, best = None, -1
    defaults = config.get("defaults")
    for entry in defaults if isinstance(defaults, list) else ():
        if not isinstance(entry, dict):
            continue
        scope, values = entry.get("scope") or {}, entry.get("values") or {}
        if not isinstance(scope, dict) or not isinstance(values, dict) or "permalink" not in values:
            continue
        kind = scope.get("type")
        if kind is not None and kind != ("posts" if is_post else "pages"):
            continue
        prefix = str(scope.get("path") or "").strip("/")
        if prefix and not f"{relative}/".startswith(f"{prefix}/"):
            continue
        if len(prefix) >= best:
            found, best = values["permalink"], len(prefix)
    return found


def _collection_permalink(config: Mapping[str, Any]) -> Any:
    collections = config.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    return posts.get("permalink") if isinstance(posts, dict) else None


def _post_values(
    relative: PurePosixPath, name: str, front_matter: Mapping[str, Any], date: dt.date | dt.datetime
) -> dict[str, str]:
    slug = front_matter.get("slug")
    slug_text = str(slug) if isinstance(slug, (str, int)) and str(slug).strip() else name
    moment = date if isinstance(date, dt.datetime) else dt.datetime.combine(date, dt.time())
    return {
        "title": slugify(slug_text, pretty=True, cased=True),
        "slug": slugify(slug_text),
        "name": slugify(name),
        "categories": "/".join(_categories(relative, front_matter)),
        "year": f"{moment.year:04d}",
        "short_year": moment.strftime("%y"),
        "month": f"{moment.month:02d}",
        "i_month": str(moment.month),
        "short_month": moment.strftime("%b"),
        "long_month": moment.strftime("%B"),
        "day": f"{moment.day:02d}",
        "i_day": str(moment.day),
        "y_day": moment.strftime("%j"),
        "w_year": str(moment.isocalendar()[0]),
        "week": f"{moment.isocalendar()[1]:02d}",
        "w_day": str(moment.isocalendar()[2]),
        "short_day": moment.strftime("%a"),
        "long_day": moment.strftime("%A"),
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "second": f"{moment.second:02d}",
        "output_ext": ".html",
        "collection": "posts",
        "path": str(relative.with_suffix("")),
    }


def _page_values(relative: PurePosixPath) -> dict[str, str]:
    path = str(relative.with_suffix(""))
    if relative.stem == "index":
        path = str(relative.parent) if str(relative.parent) != "." else ""
        return {"path": path, "output_ext": "/", "basename": "index", "name": "index"}
    return {"path": path, "output_ext": ".html", "basename": relative.stem, "name": relative.stem}


def _categories(relative: PurePosixPath, front_matter: Mapping[str, Any]) -> list[str]:
    """Folders above ``_posts``, then the front matter's, lower-cased and each once."""
    folders = relative.parts[: relative.parts.index("_posts")]
    words: list[str] = list(folders)
    for key in ("category", "categories"):
        value = front_matter.get(key)
        if isinstance(value, str):
            words.extend(value.split() if key == "categories" else [value])
        elif isinstance(value, Sequence):
            words.extend(str(v) for v in value if v is not None)
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip().lower(), None)
    return [word for word in seen if word]


def _fill(name: str, values: Mapping[str, str], written: str) -> str:
    if name not in values:
        return written  # not a placeholder Jekyll knows: left as written
    value = values[name]
    return (
        "/".join(quote(part, safe=_SAFE, errors="surrogateescape") for part in value.split("/"))
        if name != "output_ext"
        else value
    )


def _sanitize(url: str) -> str:
    """Jekyll's ``URL#sanitize_url``: no empty, ``.`` or ``..`` segments; a leading slash."""
    url = re.sub(r"/\.{0,2}/", "/", url)
    url = re.sub(r"//+", "/", url)
    url = re.sub(r"/\.{0,2}/", "/", url)
    return url if url.startswith("/") else f"/{url}"
