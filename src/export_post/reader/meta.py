"""Front matter fields → :class:`PostMeta`, in the shapes real Jekyll themes use."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from ..diagnostics import Reporter
from ..model import PostMeta
from ..weburl import RefKind, parse_reference
from .frontmatter import FieldReader
from .site import SiteContext

_POST_NAME = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})-(?P<slug>.+)$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
KNOWN_KEYS = frozenset(
    [
        "title",
        "description",
        "excerpt",
        "summary",
        "subtitle",
        "date",
        "author",
        "authors",
        "lang",
        "language",
        "locale",
        "tags",
        "categories",
        "category",
        "image",
        "cover",
        "header",
    ]
)


def filename_parts(path: Path) -> tuple[dt.date | None, str]:
    """Jekyll's ``YYYY-MM-DD-slug`` file names: the date (if valid) and the slug."""
    m = _POST_NAME.match(path.stem)
    if not m:
        return None, path.stem
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"])), m["slug"]
    except ValueError:
        return None, path.stem


def build_meta(
    data: dict[str, Any], fields: FieldReader, path: Path, site: SiteContext, reporter: Reporter
) -> PostMeta:
    file_date, slug = filename_parts(path)
    title = fields.text("title")
    if not title:
        title = slug.replace("-", " ").replace("_", " ").strip().capitalize() or path.stem
        reporter.warn("title-missing", f"front matter has no 'title'; using {title!r} from the file name")
    description = (
        fields.text("description")
        or fields.text("excerpt")
        or fields.text("summary")
        or fields.text("subtitle")
        or ""
    )
    lang = (
        fields.text("lang")
        or fields.text("language")
        or fields.text("locale")
        or site.setting("lang")
        or "en"
    )
    if not _LANG.match(lang):
        reporter.warn(
            "lang-invalid", f"'lang: {lang}' is not a language tag like 'en' or 'pt-BR'; using 'en'"
        )
        lang = "en"
    return PostMeta(
        title=title,
        description=" ".join(description.split()),
        date=fields.date("date") or file_date,
        authors=_authors(data, fields) or _site_authors(site),
        lang=lang.replace("_", "-"),
        tags=fields.words("tags"),
        categories=fields.words("categories") or fields.words("category"),
        image=_site_path(_cover(data, fields), path, site),
        slug=slug,
        source_path=path,
        site_root=site.root,
        site_url=site.url + site.baseurl,
        site_title=site.setting("title"),
        extra=MappingProxyType({k: v for k, v in data.items() if k not in KNOWN_KEYS}),
    )


def _authors(data: dict[str, Any], fields: FieldReader) -> tuple[str, ...]:
    for key in ("author", "authors"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            return tuple(n for n in (_author_name(v) for v in value) if n)
        name = _author_name(value)
        if name is None:
            raise fields.fail(key, "expected a name or a mapping with 'name'")
        return (name,) if name else ()
    return ()


def _author_name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        name = value.get("name") or value.get("display_name")
        return str(name).strip() if name else ""
    return None


def _site_authors(site: SiteContext) -> tuple[str, ...]:
    name = _author_name(site.config.get("author"))
    return (name,) if name else ()


def _site_path(ref: str | None, post: Path, site: SiteContext) -> str | None:
    """Themes print the cover through ``relative_url``, so ``assets/x.jpg`` in the front
    matter means the site's ``/assets/x.jpg``. A relative path is read that way when the
    site has that file and the post's folder does not (a cover kept beside the post stays
    the post's)."""
    if ref is None:
        return None
    where = parse_reference(ref)
    if where.kind is not RefKind.LOCAL or where.site_absolute or where.path.startswith("../"):
        return ref  # a URL, already site-absolute, or climbing out of the post's folder
    relative = unquote(where.path)
    if not relative or (post.parent / relative).exists():
        return ref
    return "/" + where.path if (site.root / relative).is_file() else ref


def _cover(data: dict[str, Any], fields: FieldReader) -> str | None:
    """The cover image: ``image`` as text or mapping, ``cover``, or ``header.image``."""
    for key in ("image", "cover"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict):
            for sub in ("path", "feature", "src", "url", "teaser", "thumbnail"):
                if isinstance(value.get(sub), str) and value[sub].strip():
                    return str(value[sub]).strip()
        elif value is not None and not isinstance(value, str | bool):
            raise fields.fail(key, "expected an image path or a mapping with 'path'")
    header = data.get("header")
    if isinstance(header, dict):
        for sub in ("image", "overlay_image", "teaser"):
            if isinstance(header.get(sub), str) and header[sub].strip():
                return str(header[sub]).strip()
    return None
