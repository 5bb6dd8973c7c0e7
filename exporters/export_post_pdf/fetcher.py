"""The only URL fetcher WeasyPrint gets: it serves resources from the manifest, nothing else."""

from __future__ import annotations

from collections.abc import Mapping

from export_post.resources import Resource

MANIFEST_SCHEME = "export-post-resource"


def make_fetcher(manifest: Mapping[str, Resource]) -> object:
    """A ``weasyprint.URLFetcher`` subclass instance bound to ``manifest``."""
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class ManifestFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(MANIFEST_SCHEME,), allow_redirects=False)

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            scheme, _, name = url.partition(":")
            resource = manifest.get(name) if scheme == MANIFEST_SCHEME else None
            if resource is None:
                raise ValueError(f"not in the resource manifest: {url[:80]}")
            return URLFetcherResponse(url, resource.data, {"Content-Type": resource.media_type})

    return ManifestFetcher()
