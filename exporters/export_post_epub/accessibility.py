"""Schema.org accessibility metadata that says what this book really offers.

Reading systems and stores show these claims to readers who rely on them, so each is
derived from the content: ``alternativeText`` only when every picture in the book has a
real description, ``MathML`` only when there is MathML, a visual access mode only when
there are pictures. (EPUB Accessibility 1.1, section 2 and the schema.org vocabulary.)
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image

# Alt text that names a file or says only "image" describes nothing.
_PLACEHOLDER_ALT = re.compile(
    r"^(?:[\w\-. ]+\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?)|image|img|photo|picture|figure|"
    r"screenshot|screen shot|graphic|icon|logo|banner|untitled|alt|alt text|\d+)$",
    re.IGNORECASE,
)


def is_real_alt(alt: str) -> bool:
    text = alt.strip()
    return bool(text) and _PLACEHOLDER_ALT.match(text) is None


@dataclass(frozen=True, slots=True)
class Content:
    pictures: tuple[str, ...]  # the alt text of every picture in the book (cover included)
    has_math: bool  # MathML in the text
    animated: bool  # an animated image (possible flashing)
    has_toc: bool  # a navigation document with the headings


def metadata(content: Content) -> list[tuple[str, str]]:
    """(property, value) pairs for ``<meta property=...>`` in the package document."""
    described = all(is_real_alt(alt) for alt in content.pictures)
    modes = ["textual"] + (["visual"] if content.pictures else [])
    sufficient = ["textual"] if not content.pictures or described else []
    if content.pictures:
        sufficient.append("textual,visual")
    features = ["readingOrder", "structuralNavigation", "displayTransformability"]
    if content.has_toc:
        features.append("tableOfContents")
    if content.pictures and described:
        features.append("alternativeText")
    if content.has_math:
        features.append("MathML")
    hazards = (
        ["noSoundHazard", "noMotionSimulationHazard", "unknownFlashingHazard"]
        if content.animated
        else ["none"]
    )
    pairs = [("schema:accessMode", m) for m in modes]
    pairs += [("schema:accessModeSufficient", s) for s in sufficient]
    pairs += [("schema:accessibilityFeature", f) for f in features]
    pairs += [("schema:accessibilityHazard", h) for h in hazards]
    pairs.append(("schema:accessibilitySummary", summary(content, described)))
    return pairs


def summary(content: Content, described: bool) -> str:
    parts = ["Reflowable text with headings for navigation and a table of contents, in reading order."]
    if not content.pictures:
        parts.append("There are no pictures.")
    elif described:
        parts.append(f"All {len(content.pictures)} pictures have text descriptions.")
    else:
        missing = sum(1 for alt in content.pictures if not is_real_alt(alt))
        parts.append(f"{missing} of {len(content.pictures)} pictures lack a text description.")
    if content.has_math:
        parts.append("Formulas are MathML.")
    if content.animated:
        parts.append("Some pictures are animated and were not checked for flashing.")
    return " ".join(parts)


_MAY_MOVE = {"image/gif": "GIF", "image/png": "PNG", "image/webp": "WEBP"}


def is_animated(data: bytes, media_type: str) -> bool:
    """More than one frame (an animated GIF, WebP or PNG)."""
    kind = _MAY_MOVE.get(media_type)
    if kind is None:
        return False  # and Pillow does not load every plugin it has to find out
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            return bool(getattr(image, "is_animated", False))
    except (OSError, ValueError):
        return False
