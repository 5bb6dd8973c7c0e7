"""Image references read the way a browser reads them, by the WHATWG URL standard.

A post's ``src`` worked on the live site because the browser parsed it: a backslash is a
slash in http(s) URLs, tabs and newlines vanish, leading and trailing spaces and control
characters are dropped, ``.``/``..`` segments (also written ``%2e``) collapse, and the query
and fragment never name the file. :func:`parse_reference` applies those rules with ada (the
WHATWG parser Node.js uses) and says where the reference points; the resource resolver then
maps a local path onto the site folder inside its own safety checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ada_url import URL

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_UNC = re.compile(r"^\\\\")  # \\host\share: a Windows network path
# Levels of made-up folders above the one a relative reference starts from: each ``..``
# that climbs out of it eats one, so the climb survives ada's collapsing of ``..``.
_GUARD = "/%00"
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


class RefKind(Enum):
    LOCAL = "local"  # a file of the site: ``path`` is site-relative or post-relative
    REMOTE = "remote"  # http(s): ``url`` is the absolute, normalised URL
    DATA = "data"  # a data: URI (``url`` is the reference as written)
    OTHER_SCHEME = "scheme"  # file:, javascript:, ... (``url`` holds the scheme)
    WINDOWS = "windows"  # a drive-letter or UNC path: not a web address at all
    INVALID = "invalid"  # the parser rejects it (``url`` holds the reason)


@dataclass(frozen=True, slots=True)
class Reference:
    kind: RefKind
    url: str = ""
    # LOCAL only: the path, percent-encoded as the browser would send it, without query or
    # fragment. ``site_absolute`` says it starts at the site root ("/assets/x.png");
    # otherwise it is relative to the post's folder and may begin with "../" segments.
    path: str = ""
    site_absolute: bool = False


def parse_reference(ref: str, *, site_url: str = "") -> Reference:
    """Where ``ref`` points, read as a browser reads a link on a page of the site.

    ``site_url`` is the site's own absolute URL with its base path (``https://x.org/blog``);
    references to it are local.
    """
    text = ref.strip(_C0_OR_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    if _DRIVE.match(text) or _UNC.match(text):
        return Reference(RefKind.WINDOWS, text)
    scheme = _scheme(text)
    if scheme == "data":
        return Reference(RefKind.DATA, text)
    if scheme in ("http", "https") or text.replace("\\", "/").startswith("//"):
        return _absolute(text, site_url)
    if scheme:
        return Reference(RefKind.OTHER_SCHEME, scheme)
    if "%00" in text:
        return Reference(RefKind.INVALID, "a NUL character is not part of a file name")
    site_absolute = text.replace("\\", "/").startswith("/")
    depth = text.count("/") + text.count("\\") + 2
    try:
        path = URL(text, "https://site.invalid" + _GUARD * depth + "/").pathname
    except ValueError as err:
        return Reference(RefKind.INVALID, str(err))
    if site_absolute:
        return Reference(RefKind.LOCAL, "", path, True)
    segments = path.split("/")[1:]
    kept = 0
    while kept < depth and segments[kept] == _GUARD[1:]:
        kept += 1
    return Reference(RefKind.LOCAL, "", "../" * (depth - kept) + "/".join(segments[kept:]), False)


def _absolute(text: str, site_url: str) -> Reference:
    try:
        url = URL(text, "https://site.invalid/")
    except ValueError as err:
        return Reference(RefKind.INVALID, str(err))
    if site_url:
        try:
            site = URL(site_url.rstrip("/") + "/")
        except ValueError:
            site = None
        if (
            site is not None
            and url.protocol in ("http:", "https:")
            and url.host == site.host
            and (url.pathname + "/").startswith(site.pathname)
        ):
            return Reference(RefKind.LOCAL, "", "/" + url.pathname[len(site.pathname) :], True)
    return Reference(RefKind.REMOTE, url.href)


def _scheme(text: str) -> str:
    """The URL scheme (lower case) if ``text`` starts with one, else ""."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", text)
    return m.group(1).lower() if m else ""
