"""What the resource door hands out (:class:`Resource`), the limits it keeps
(:class:`ResourcePolicy`) and what an exporter asks it (:class:`ImageSource`)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Protocol

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourcePolicy:
    """Limits for what a post may load. Defaults suit untrusted posts."""

    allow_remote: bool = False
    allow_http: bool = False  # plain http, only together with allow_remote
    allowed_hosts: tuple[str, ...] = ()  # hosts exempt from the public-address check (tests)
    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 40_000_000
    remote_timeout: float = 15.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """An image a post may use: its bytes, type and pixel size, named by content hash."""

    ref: str
    data: bytes = field(repr=False)
    media_type: str
    width: int
    height: int
    digest: str
    # The pictures an SVG draws, embedded in it as data: URIs (each approved like any image),
    # for renderers that serve only approved resources (the PDF fetcher).
    embedded: tuple[Resource, ...] = field(default=(), repr=False)

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    @property
    def name(self) -> str:
        """A generated file name (never taken from the post): ``<hash><ext>``."""
        return self.digest[:20] + EXTENSIONS[self.media_type]

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 1.0


class ImageSource(Protocol):
    """What an exporter asks for a post's images (``ExportContext.resources``): the post's
    :class:`~export_post.resources.ResourceResolver`, or a view of it such as
    :class:`~export_post.resources.images.DownscalingResolver`."""

    def image(self, ref: str, *, line: int | None = None) -> Resource | None:
        """The image ``ref`` names, or None (after reporting why) if it cannot be used."""
        ...
