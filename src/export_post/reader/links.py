"""Which link targets a post may keep: ``http(s)``, ``mailto`` and in-document ``#id``.

Site-relative links (``/about/``) become absolute when ``_config.yml`` gives the site's
``url``; anything else (``javascript:``, ``file:``, ``data:``, relative paths) is dropped,
keeping the link text, so no output can carry an unsafe or dangling link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..model.text import xml_id

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    url: str | None  # the URL to keep, or None to keep only the text
    reason: str = ""  # why it was dropped (empty when kept)
    unsafe: bool = False  # a dangerous scheme rather than merely unusable


def check_link(url: str, site_url: str) -> LinkVerdict:
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
