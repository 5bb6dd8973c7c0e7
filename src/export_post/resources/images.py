"""Downscaling large pictures for formats read on screens (EPUB, slides); PDF keeps every pixel.

A picture whose longer side is over the limit by more than a fifth (:func:`.decoded.over_limit`;
one less over is kept as it is) is scaled down to the limit once per process (cached by
content hash and limit, safe to share between threads), never up, in its own format: a JPEG
stays a JPEG (quality 88, its EXIF and colour profile kept), a PNG a PNG (zlib level 3). A
JPEG is decoded at a half, quarter or eighth of its size when that is at most a sixteenth
under the limit (:func:`.decoded.draft_size`), so it may come out that much smaller than the
limit. SVG and animated pictures are returned as they are, and so is any picture Pillow cannot re-encode.

A post's pictures can be read, checked and scaled ahead, several at a time
(:meth:`DownscalingResolver.scale_ahead`): Pillow lets go of the GIL while it decodes, resamples
and encodes, so threads use every CPU. A picture the door has just decoded is not decoded
again (:mod:`.decoded`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, BinaryIO

from PIL import Image as PILImage

from ..exporter import option
from ..model import Image
from . import decoded
from .resolver import read_ahead
from .resource import ImageSource, Resource

DEFAULT_MAX_PX = 1600  # longer side, in pixels: sharp on a tablet or a projected slide
JPEG_QUALITY = 88
# zlib's level for a scaled PNG: Pillow's 6 took twice as long (a 1600 px screenshot: 120 ms
# against 50) for files 0 to 6 % smaller, sometimes larger.
PNG_LEVEL = 3
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
_CACHE_BYTES = 16 * 2**20  # scaled pictures kept for the post's next format, or the next post
_CACHE_ENTRIES = 256
_cache: OrderedDict[tuple[str, int], Resource | None] = OrderedDict()  # None: cannot be scaled
_lock = threading.Lock()  # guards _cache: export() may run in many threads at once


def max_image_px_option() -> int:
    """The ``max_image_px`` field of an exporter's options: one declaration, so EPUB and
    slides share one ``--max-image-px`` flag (range checked by the exporter)."""
    return option(
        DEFAULT_MAX_PX,
        metavar="N",
        help="scale EPUB and slide pictures more than a fifth over N pixels on the longer side "
        "down to N (default 1600; 0 keeps them as they are; PDF keeps full resolution)",
    )


def downscale(resource: Resource, max_px: int) -> Resource:
    """``resource`` with its longer side at most ``max_px`` pixels if it was over by more than
    a fifth; else (or ``max_px`` 0) unchanged."""
    if not decoded.over_limit((resource.width, resource.height), max_px):
        return resource
    kind = _FORMATS.get(resource.media_type)
    if kind is None:
        return resource  # SVG: vector, nothing to scale
    key = (resource.digest, max_px)
    with _lock:
        cached = key in _cache
        if cached:
            _cache.move_to_end(key)
            scaled = _cache[key]
    if not cached:
        fresh = _scaled(resource, kind, max_px)  # outside the lock: threads scale in parallel
        with _lock:
            scaled = _cache.setdefault(key, fresh)  # one object per key, whoever scaled it first
            _cache.move_to_end(key)
            while len(_cache) > 1 and (len(_cache) > _CACHE_ENTRIES or _cached_bytes() > _CACHE_BYTES):
                _cache.popitem(last=False)
    if scaled is None:
        return resource
    return scaled if scaled.ref == resource.ref else replace(scaled, ref=resource.ref)


def _cached_bytes() -> int:
    """The bytes ``_cache`` holds; call with ``_lock`` held."""
    return sum(len(r.data) for r in _cache.values() if r is not None)


class DownscalingResolver:
    """The answers of a post's resolver with every picture passed through :func:`downscale`.

    It holds the resolver and asks it, so an image is still read, cached and reported once
    per post, and other formats of the post still get the full-size original."""

    def __init__(self, resolver: ImageSource, max_px: int, memo: dict[str, Resource] | None = None) -> None:
        self.resolver = resolver
        self.max_px = max_px
        # original name -> downscaled: this post's pictures (a book's chapters share one)
        self.memo = {} if memo is None else memo

    def image(self, ref: str, *, line: int | None = None) -> Resource | None:
        found = self._read(ref, line)
        return None if found is None else self._memoised(found)

    def _read(self, ref: str, line: int | None) -> Resource | None:
        with decoded.wanted(self.max_px):
            return self.resolver.image(ref, line=line)

    def _memoised(self, found: Resource) -> Resource:
        """``found`` scaled, once per name (the memo keeps it)."""
        scaled = self.memo.get(found.name)
        if scaled is None:
            scaled = self.memo[found.name] = self._downscale(found)
        else:
            decoded.discard(found.digest)  # kept by the inspector for nothing: scaled before
        return scaled

    def _downscale(self, found: Resource) -> Resource:
        try:
            return downscale(found, self.max_px)
        finally:
            decoded.discard(found.digest)

    def scale_ahead(self, images: Iterable[Image]) -> None:
        """Read ``images`` (each reported as it would be when shown, in order) and scale the
        large ones, several at a time: each picture is checked and then scaled by one worker
        thread while others are (:meth:`.ResourceResolver.read_many`), so that showing them
        finds them scaled. Every thread is done when this returns."""
        wanted = [(image.src, image.line) for image in images]
        with decoded.wanted(self.max_px):
            read_ahead(self.resolver, wanted, then=self._memoised)


def _scaled(resource: Resource, kind: str, max_px: int) -> Resource | None:
    try:
        kept = decoded.take(resource.digest)
        with kept or PILImage.open(io.BytesIO(resource.data), formats=[kind]) as opened:
            if getattr(opened, "is_animated", False):
                return None
            extra = {k: opened.info[k] for k in ("exif", "icc_profile") if opened.info.get(k)}
            if kind == "JPEG":
                opened.draft(opened.mode, decoded.draft_size(opened.size, max_px))
            image = _for_resampling(opened, kind)
            image.thumbnail((max_px, max_px), PILImage.Resampling.LANCZOS)
            if kind in ("JPEG", "WEBP"):
                extra["quality"] = JPEG_QUALITY
            if kind == "PNG":
                extra["compress_level"] = PNG_LEVEL
            data = _saved(image, kind, extra)
            width, height = image.size
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None
    return Resource(
        ref=resource.ref,
        data=data,
        media_type=resource.media_type,
        width=width,
        height=height,
        digest=hashlib.sha256(data).hexdigest(),
    )


def _saved(image: PILImage.Image, kind: str, extra: dict[str, Any]) -> bytes:
    """``image`` encoded as ``kind``: into an anonymous file, not a buffer, because Pillow lets
    go of the GIL only while it encodes into a file descriptor. Into a buffer, threads encode
    one at a time (36 photos, two threads: 105 ms; into a file 57 ms)."""
    with _anonymous_file() as out:
        image.save(out, kind, **extra)
        out.seek(0)
        return out.read()


def _anonymous_file() -> BinaryIO:
    """A file in memory (Linux), else a temporary file: neither has a name anyone can open."""
    with contextlib.suppress(AttributeError, OSError):
        return os.fdopen(os.memfd_create("export-post-picture", os.MFD_CLOEXEC), "w+b")
    return tempfile.TemporaryFile()


def _for_resampling(image: PILImage.Image, kind: str) -> PILImage.Image:
    """``image`` in the mode it is resampled in. A palette is resampled in full colour, not
    by nearest neighbour. An alpha channel that is opaque all over (a plot saved with a white
    background) is dropped: resampling with alpha multiplies and divides every pixel by it,
    so the same pixels cost 60 % more (a 3315×1800 plot: 137 ms against 85)."""
    if image.mode in ("P", "1"):
        image = image.convert("RGBA")
    if (
        kind in ("PNG", "WEBP")
        and image.mode in ("RGBA", "LA")
        and image.getchannel("A").getextrema() == (255, 255)
    ):
        image = image.convert(image.mode[:-1])
    return image
