"""Pictures the door decoded, kept a moment for the downscaler, which would decode them again.

The inspector decodes every raster picture in full to check it (a JPEG only at an eighth of
its size, which the downscaler cannot use). A large PNG or WebP is then decoded a second
time when it is scaled down for EPUB or slides: 94 ms for a 3315×1800 plot. So while a
downscaler reads a picture (within :func:`wanted`), the inspector leaves the pixels of one
over its limit here, by content hash, and the downscaler takes them at once, or lets them go
when it has that picture scaled already. A picture read for any other use (a PDF) is not
kept. At most :data:`MAX_PIXELS` are kept in all, the oldest let go first.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar

from PIL import Image as PILImage

MAX_PIXELS = 12_000_000  # about 48 MB of RGBA pixels, all kept pictures together
_wanted: ContextVar[int] = ContextVar("export_post_decoded_wanted", default=0)
_kept: OrderedDict[str, PILImage.Image] = OrderedDict()
_lock = threading.Lock()


@contextlib.contextmanager
def wanted(max_px: int) -> Iterator[None]:
    """Within the block, pictures decoded whose longer side is over ``max_px`` are kept."""
    token = _wanted.set(max_px)
    try:
        yield
    finally:
        _wanted.reset(token)


def worth_keeping(image: PILImage.Image) -> bool:
    """Whether ``image`` (decoded) is one a downscaler reading it now will scale."""
    width, height = image.size
    limit = _wanted.get()
    return 0 < limit < max(width, height) and width * height <= MAX_PIXELS


def keep(digest: str, image: PILImage.Image) -> None:
    """Keep ``image``, decoded from the bytes whose SHA-256 is ``digest``."""
    with _lock:
        _kept[digest] = image
        _kept.move_to_end(digest)
        while len(_kept) > 1 and sum(w * h for w, h in (i.size for i in _kept.values())) > MAX_PIXELS:
            _kept.popitem(last=False)[1].close()


def take(digest: str) -> PILImage.Image | None:
    """The decoded picture kept for ``digest``, now the caller's (to close); None if none is."""
    with _lock:
        return _kept.pop(digest, None)


def discard(digest: str) -> None:
    """Let the picture kept for ``digest`` go, if one is."""
    image = take(digest)
    if image is not None:
        image.close()
