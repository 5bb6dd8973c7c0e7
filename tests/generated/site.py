"""Writing a generated :class:`~.strategies.Site` to disk as a small Jekyll site."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from .strategies import Picture, Site


def picture_bytes(picture: Picture) -> bytes:
    if picture.kind == "svg":
        w, h = picture.width, picture.height
        r, g, b = picture.colour
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f'<rect width="{w}" height="{h}" fill="rgb({r},{g},{b})"/>'
            f'<circle cx="{w / 2}" cy="{h / 2}" r="{min(w, h) / 3}" fill="white" opacity="0.5"/>'
            "</svg>\n"
        ).encode()
    image = Image.new("RGB", (picture.width, picture.height), picture.colour)
    ImageDraw.Draw(image).line((0, 0, picture.width, picture.height), fill=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG" if picture.kind == "jpeg" else "PNG")
    return out.getvalue()


def write_site(site: Site, root: Path, suffix: str = "") -> Path:
    """Write ``site`` into the folder ``root`` (created); returns the post's path. ``suffix``
    makes the post's file name unique within a batch (outputs share one folder)."""
    (root / "_posts").mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(site.config, encoding="utf-8")
    for relative, picture in site.pictures.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(picture_bytes(picture))
    name = f"{site.date}-{site.slug}{suffix}.md"
    post = root / "_posts" / name
    post.write_bytes(site.text().encode("utf-8"))
    return post
