"""Which link targets a post may keep: ``http(s)``, ``mailto`` and in-document ``#id``.

Site-relative links (``/about/``) become absolute when ``_config.yml`` gives the site's
``url``; anything else (``javascript:``, ``file:``, ``data:``, relative paths) is dropped,
keeping the link text, so no output can carry an unsafe or dangling link.

A link into the site keeps where it points as its *site target* (see ``Link.site_target``):
a post's source file (a path with a ``_posts/`` folder, as ``{% post_url %}`` writes it, or
a relative link to a Markdown file) or a site path (``/2024/06/10/name.html``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import normpath
from urllib.parse import unquote, urlsplit

from ..model.text import xml_id
from .source import POST_SUFFIXES

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    url: str | None  # the URL to keep, or None to keep only the text
    reason: str = ""  # why it was dropped (empty when kept)
    unsafe: bool = False  # a dangerous scheme rather than merely unusable
    site_target: str = ""  # where in the site it points (a post file or a site path), with #fragment


def check_link(url: str, site_url: str, post_folder: str | None = None) -> LinkVerdict:
    """What is kept of a link to ``url`` in a post of the site at ``site_url`` whose file is in
    ``post_folder`` (relative to the site root; ``None`` when unknown)."""
    verdict = _check(url, site_url)
    if verdict.unsafe:
        return verdict
    target = site_target(_CONTROL.sub("", url), post_folder)
    if not target:
        return verdict
    if target.startswith("/"):  # a site path: the web URL stays what the site says
        return LinkVerdict(verdict.url, verdict.reason, site_target=target)
    post = target.partition("#")[0]
    reason = f"link to the post {post} has no web address (in a book it leads to the chapter)"
    return LinkVerdict(None, reason, site_target=target)


def site_target(url: str, post_folder: str | None) -> str:
    """The site target of a relative or site-relative ``url`` (see ``Link.site_target``), or ``""``."""
    if not url or url.startswith(("#", "//")) or "\\" in url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc or parts.query:
        return ""
    path = unquote(parts.path)
    fragment = xml_id(unquote(parts.fragment)) if parts.fragment else ""
    suffix = f"#{fragment}" if fragment else ""
    if "/_posts/" in f"/{path}":  # a post's source file: Jekyll publishes no _posts/ folder
        inside = (
            path[path.index("_posts/") :]
            if path.startswith("_posts/")
            else path[path.index("/_posts/") + 1 :]
        )
        clean = normpath(inside)
        return clean + suffix if clean.startswith("_posts/") else ""
    if path.startswith("/"):
        return normpath(path) + ("/" if path.endswith("/") and path != "/" else "") + suffix
    if post_folder is None or not path.lower().endswith(POST_SUFFIXES):
        return ""
    clean = normpath(f"{post_folder}/{path}" if post_folder else path)
    return "" if clean.startswith("../") or clean == ".." else clean + suffix


def _check(url: str, site_url: str) -> LinkVerdict:
    cleaned = _CONTROL.sub("", url)
    if not cleaned:
        return LinkVerdict(None, "empty link target")
    if cleaned.startswith("#"):
        fragment = xml_id(unquote(cleaned[1:]))
        return LinkVerdict(f"#{fragment}") if fragment else LinkVerdict(None, "empty link target")
    if cleaned.startswith("//"):
        cleaned = "https:" + cleaned
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return LinkVerdict(None, f"malformed link target {url!r}")
    scheme = parts.scheme.lower()
    if scheme in SAFE_SCHEMES:
        if scheme != "mailto" and not parts.netloc:
            return LinkVerdict(None, f"link {url!r} has no host")
        return LinkVerdict(cleaned)
    if scheme:
        return LinkVerdict(None, f"link scheme '{scheme}:' is not allowed", unsafe=True)
    if "\\" in cleaned:
        return LinkVerdict(None, f"link {url!r} looks like a Windows path", unsafe=True)
    if cleaned.startswith("/") and site_url:
        return LinkVerdict(site_url.rstrip("/") + cleaned)
    return LinkVerdict(None, f"relative link {url!r} cannot work outside the site")
