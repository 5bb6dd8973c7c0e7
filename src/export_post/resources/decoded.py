"""Pictures the door decoded, kept a moment for the downscaler, which would decode them again.

The inspector decodes every raster picture to check it. A large one is then decoded a second
time when it is scaled down for EPUB or slides: 94 ms for a 3315×1800 PNG plot, 5 ms for a
3000×2000 photo. So while a downscaler reads a picture (within :func:`wanted`), the inspector
decodes one over its limit as the downscaler would (a JPEG at the scale :func:`draft_size`
gives, a PNG or WebP in full) and leaves the pixels here, by content hash; the downscaler
takes them at once, or lets them go when it has that picture scaled already. A picture read
for any other use (a PDF) is checked as before (a JPEG at an eighth of its size) and not
kept. At most :data:`MAX_PIXELS` are kept in all, the oldest let go first.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar

from PIL import Image as PILImage

MAX_PIXELS = 12_000_000  # about 48 MB of RGBA pixels, all kept pictures together
DRAFT_SLACK = 1 / 16  # how far under the limit a JPEG decoded at a smaller scale may be
KEPT_SLACK = 1 / 5  # how far over the limit a picture may be and still be left as it is
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


def over_limit(size: tuple[int, int], max_px: int) -> bool:
    """Whether a picture of ``size`` is scaled down for ``max_px`` (0: no limit): whether its
    longer side is over the limit by more than a fifth. One less over is left as it is:
    scaling a 1920 px screenshot to 1600 blurs its text, and costs a decoding, a resampling
    and an encoding (0.1 s), for a third fewer pixels."""
    return max_px > 0 and max(size) > max_px * (1 + KEPT_SLACK)


def scaled_by_reader(size: tuple[int, int]) -> int:
    """The limit of the downscaler reading a picture of ``size`` now, if it will scale it; else 0."""
    limit = _wanted.get()
    return limit if over_limit(size, limit) else 0


def draft_size(size: tuple[int, int], max_px: int) -> tuple[int, int]:
    """The smallest size a JPEG of ``size`` may be decoded at for ``max_px``: libjpeg decodes
    at a half, a quarter or an eighth of the size for a fraction of the work (a 3000 px photo
    at half size: 6 ms against 120 ms for a full decode and resample), and Pillow's ``draft``
    picks the smallest of those that is at least this. A sixteenth under the limit is allowed:
    6% fewer pixels on the longer side are not seen, a full decode would be."""
    scale = max_px * (1 - DRAFT_SLACK) / max(size)
    return (max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale)))


def worth_keeping(size: tuple[int, int], image: PILImage.Image) -> bool:
    """Whether ``image``, decoded from a picture of ``size``, is one a downscaler reading it
    now will scale, and small enough to keep."""
    return bool(scaled_by_reader(size)) and image.width * image.height <= MAX_PIXELS


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
