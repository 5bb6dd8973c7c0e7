"""The only URL fetcher WeasyPrint gets: it serves resources from the manifest, nothing else.

A resource is asked for by its manifest name, or, for a picture an SVG embeds, by the
``data:`` URI the resolver wrote into it: that is served only when its bytes are those of a
picture in the manifest, so a ``data:`` URI from anywhere else draws nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping

from export_post.resources import EXTENSIONS, Resource

MANIFEST_SCHEME = "export-post-resource"


def approved(manifest: Mapping[str, Resource], url: str) -> Resource | None:
    """The manifest's resource ``url`` names, or None."""
    scheme, _, rest = url.partition(":")
    if scheme == MANIFEST_SCHEME:
        return manifest.get(rest)
    if scheme.lower() != "data":
        return None
    header, _, payload = rest.partition(",")
    media = header.split(";")[0].strip().lower()
    if not header.lower().endswith(";base64") or media not in EXTENSIONS:
        return None
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    found = manifest.get(hashlib.sha256(data).hexdigest()[:20] + EXTENSIONS[media])
    return found if found is not None and found.data == data else None


def make_fetcher(manifest: Mapping[str, Resource]) -> object:
    """A ``weasyprint.URLFetcher`` subclass instance bound to ``manifest``."""
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class ManifestFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(MANIFEST_SCHEME, "data"), allow_redirects=False)

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            resource = approved(manifest, url)
            if resource is None:
                raise ValueError(f"not in the resource manifest: {url[:80]}")
            return URLFetcherResponse(url, resource.data, {"Content-Type": resource.media_type})

    return ManifestFetcher()
