"""Front matter fields → :class:`PostMeta`, in the shapes real Jekyll themes use."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

import mistune

from ..diagnostics import DiagnosticCode, Reporter
from ..metatext import clean_line
from ..model import PostMeta
from ..resources.weburl import RefKind, parse_reference
from .authors import read_authors, site_authors
from .frontmatter import FieldReader
from .permalinks import post_url, site_path
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
    title = clean_line(fields.text("title") or "")
    if not title:
        title = slug.replace("-", " ").replace("_", " ").strip().capitalize() or path.stem
        reporter.warn("title-missing", f"front matter has no 'title'; using {title!r} from the file name")
    description = plain_text_of_markdown(
        next(
            filter(None, (_text(fields, key) for key in ("description", "excerpt", "summary", "subtitle"))),
            "",
        )
    )
    lang = (
        next(filter(None, (_text(fields, key) for key in ("lang", "language", "locale"))), "")
        or site.setting("lang")
        or "en"
    )
    if not _LANG.match(lang):
        reporter.warn(
            "lang-invalid", f"'lang: {lang}' is not a language tag like 'en' or 'pt-BR'; using 'en'"
        )
        lang = "en"

    def warn(key: str, code: DiagnosticCode, message: str) -> None:
        reporter.warn(code, message, line=fields.lines.get(key))

    date = fields.date("date") or file_date

    return PostMeta(
        title=title,
        description=description,
        date=date,
        authors=read_authors(data, warn) or site_authors(site.config),
        lang=lang.replace("_", "-"),
        tags=_words(fields, "tags"),
        categories=_words(fields, "categories") or _words(fields, "category"),
        image=_site_path(_cover(data, fields), path, site),
        slug=slug,
        source_path=path,
        site_root=site.root,
        site_url=site.url + site.baseurl,
        url_path=site_path(post_url(path, data, date, slug, site.root, site.config), site.config),
        site_title=site.setting("title"),
        extra=MappingProxyType({k: v for k, v in data.items() if k not in KNOWN_KEYS}),
    )


_SKIPPED = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->")
_BLOCK_TAG = re.compile(
    r"(?i)</?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|br|hr|tr|td|th|table|blockquote|pre)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")


def plain_text_of_markdown(text: str) -> str:
    """What jekyll-seo-tag makes of a description (``markdownify | strip_html``, whitespace
    normalised): ``[Hinge](http://hinge.co/) is <i>new</i>`` is ``Hinge is new``."""
    if not text or not re.search(r"[<>&*_`\[\]\\#~|]|^\s*(?:[-+]|\d+[.)])\s", text):
        return text  # nothing Markdown or HTML would change
    rendered = str(mistune.html(text))
    rendered = _TAG.sub("", _BLOCK_TAG.sub(" ", _SKIPPED.sub("", rendered)))
    return clean_line(html.unescape(rendered))


def _text(fields: FieldReader, key: str) -> str:
    """A descriptive text field as one clean line. Such a field is not worth failing the post
    for: a list of texts is joined, and a mapping or ``true`` is left out, with a warning;
    ``false`` (``excerpt: false``) means none."""
    value = fields.data.get(key)
    line = fields.lines.get(key)
    if isinstance(value, bool):
        if value:
            fields.reporter.warn(
                "front-matter-ignored", f"front matter '{key}' is true; ignoring it", line=line
            )
        return ""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        fields.reporter.warn(
            "front-matter-coerced", f"front matter '{key}' is a list; joining its items as text", line=line
        )
        return clean_line(" ".join(str(v) for v in value))
    if isinstance(value, list | dict):
        kind = "list" if isinstance(value, list) else "mapping"
        fields.reporter.warn(
            "front-matter-ignored", f"front matter '{key}' is a {kind}, not text; ignoring it", line=line
        )
        return ""
    return clean_line(fields.text(key) or "")


def _words(fields: FieldReader, key: str) -> tuple[str, ...]:
    """Tags and categories: a list or one space-separated text; a mapping is left out with a
    warning. Each word is one clean line; empty ones are dropped."""
    if isinstance(fields.data.get(key), dict):
        fields.reporter.warn(
            "front-matter-ignored",
            f"front matter '{key}' is a mapping, not a list; ignoring it",
            line=fields.lines.get(key),
        )
        return ()
    return tuple(word for word in (clean_line(w) for w in fields.words(key)) if word)


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
