"""How a picture is framed on a slide: fitted, cropped to fill, or set beside the text.

Pure geometry on :class:`~export_post.resources.Resource` sizes, so the rules are tested
without images or python-pptx. Aspect ratios are always kept: a picture is either scaled
whole into its area or, for full-bleed photos, cropped (never stretched) to fill it.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image

from export_post.resources import Resource

from .deck import Rect

PX_TO_PT = 0.75  # images are taken to be 96 dpi
MAX_UPSCALE = 2.0  # small images are not blown up past twice their natural size
PHOTO_TYPES = frozenset({"image/jpeg", "image/webp", "image/avif"})
MIN_PHOTO_PX = (1000, 560)  # enough pixels to fill a projected slide
MAX_BLEED_CROP = 0.2  # a photo may lose at most this fraction of its width or height
TALL = 0.9  # width/height below this: a portrait picture, better beside the text
# A photograph has no dominant flat colour; a screenshot or diagram saved as JPEG has its
# background. Measured on the corpus: photos 7-30% in their commonest colour (16 levels a
# channel), slides and screenshots 40-94%.
MAX_FLAT_SHARE = 0.35


def fit_picture(resource: Resource, area: Rect) -> Rect:
    """The largest rectangle with the image's aspect ratio inside ``area``, centred."""
    natural_w, natural_h = resource.width * PX_TO_PT, resource.height * PX_TO_PT
    scale = min(area.w / natural_w, area.h / natural_h, MAX_UPSCALE)
    w, h = natural_w * scale, natural_h * scale
    return Rect(area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h)


def cover_crop(resource: Resource, area: Rect) -> tuple[float, float, float, float]:
    """Crop fractions (left, top, right, bottom) so the image fills ``area`` undistorted
    (CSS ``object-fit: cover``)."""
    image_ratio = resource.width / resource.height
    area_ratio = area.w / area.h
    if image_ratio > area_ratio:  # too wide: crop the sides
        side = (1 - area_ratio / image_ratio) / 2
        return (side, 0.0, side, 0.0)
    edge = (1 - image_ratio / area_ratio) / 2
    return (0.0, edge, 0.0, edge)


def is_bleed_photo(resource: Resource, slide: Rect) -> bool:
    """A photograph that can fill the slide: a photographic format, enough pixels, an
    aspect close enough to the slide's that cropping to fill it loses little, and no flat
    background (which would make it a screenshot or a diagram, whose edges matter)."""
    if resource.media_type not in PHOTO_TYPES:
        return False  # PNG, GIF and SVG are mostly diagrams and screenshots: never cropped
    if resource.width < MIN_PHOTO_PX[0] or resource.height < MIN_PHOTO_PX[1]:
        return False
    left, top, right, bottom = cover_crop(resource, slide)
    if max(left + right, top + bottom) > MAX_BLEED_CROP:
        return False
    return flat_share(resource.data) < MAX_FLAT_SHARE


@lru_cache(maxsize=256)
def flat_share(data: bytes) -> float:
    """The share of an image's area in its single commonest colour (16 levels a channel),
    measured on a 128-pixel-wide thumbnail."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (256, 256))  # JPEG: decode at reduced size, fast
            small = image.convert("RGB").resize((128, max(1, round(128 * image.height / image.width))))
    except (OSError, ValueError, Image.DecompressionBombError):
        return 1.0  # unreadable here: never cropped under a band
    coarse = small.point(lambda value: value >> 4 << 4)
    counts = coarse.getcolors(coarse.width * coarse.height) or [(0, (0, 0, 0))]
    return max(count for count, _ in counts) / (coarse.width * coarse.height)


def suits_column(resource: Resource, column: Rect) -> bool:
    """A picture that loses nothing in a side column: portrait, or small enough to be
    shown at its natural size there."""
    if resource.aspect < TALL:
        return True
    return resource.width * PX_TO_PT <= column.w and resource.height * PX_TO_PT <= column.h
