"""Pictures python-pptx can embed: SVG rasterised (resvg), other formats as they come."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from export_post.resources import Resource

MAX_RASTER_WIDTH = 1600  # px: sharp on a 16:9 slide, small in the file


@lru_cache(maxsize=64)
def _raster(svg: bytes, width: int) -> bytes | None:
    import resvg_py

    try:
        return bytes(
            # dpi: CSS's 96 px to the inch, so that pt, mm and in sizes are sizes (the default,
            # 0, makes every SVG sized in pt, as matplotlib writes them, "invalid").
            resvg_py.svg_to_bytes(
                svg_string=svg.decode("utf-8"), width=width, dpi=96.0, skip_system_fonts=False
            )
        )
    except Exception:
        return None


def slide_picture(resource: Resource) -> Resource | None:
    """``resource`` itself, or for an SVG a PNG of it (None if it cannot be rendered).

    The SVG has passed the resolver's checks (no external references), so resvg reads
    nothing but the markup."""
    if resource.media_type != "image/svg+xml":
        return resource
    scale = MAX_RASTER_WIDTH / max(resource.width, 1)
    width = max(1, round(resource.width * min(scale, 4.0)))
    png = _raster(resource.data, width)
    if png is None:
        return None
    height = max(1, round(resource.height * width / max(resource.width, 1)))
    return (
        Resource(
            ref=resource.ref,
            data=png,
            media_type="image/png",
            width=resource.width,  # keep the SVG's CSS size: the planner fits by aspect and natural size
            height=resource.height,
            digest=hashlib.sha256(png).hexdigest(),
        )
        if height
        else None
    )
