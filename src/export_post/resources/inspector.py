"""Whether some bytes are an image a post may use, and the :class:`Resource` they make.

Bytes are sniffed by content (never by name or extension) and decoded once by Pillow under
a pixel cap (a decompression bomb is refused, not warned about). Only JPEG, PNG, GIF, WebP
(and SVG, as text) pass; BMP, TIFF, ICO, PPM and TGA are converted to PNG, AVIF to JPEG
(PNG if it has transparency). An SVG is adapted for every format
(:mod:`export_post.resources.svgrewrite`), the pictures it draws embedded after the caller
has approved them, and then checked (:mod:`export_post.resources.svgcheck`). Every refusal
is a coded diagnostic.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import warnings
from collections.abc import Callable

from PIL import Image as PILImage
from PIL import UnidentifiedImageError, features

from ..diagnostics import DiagnosticCode, Reporter
from . import decoded
from .resource import Resource, ResourcePolicy
from .svgcheck import svg_problem
from .svgrewrite import rewrite_svg

_PIL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_CONVERT_TO_PNG = frozenset({"BMP", "TIFF", "ICO", "PPM", "TGA"})
# AVIF (where this Pillow decodes it) is a photo format no renderer we feed can draw: it
# becomes JPEG, or PNG when it has transparency.
_CONVERT_PHOTO = frozenset({"AVIF"} if features.check("avif") else ())
# The only decoders Pillow may try: never EPS/PDF (Ghostscript) or anything exotic.
_DECODERS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO", "PPM", "TGA", *_CONVERT_PHOTO)
# ``warnings.catch_warnings`` swaps the process-wide filters: two threads inside it at once
# would restore each other's filters (leaving the bomb warning an error for the whole
# program, or not one for the other thread's image). Our threads take turns.
_WARNINGS = threading.Lock()
# Pictures whose decoding a downscaler may use (:mod:`.decoded`).
_KEPT_DECODED = frozenset({"JPEG", "PNG", "WEBP"})
# Formats whose decoding checks no frame's size, so threads may decode them at once: the
# size of a JPEG, PNG or WebP is checked when it is opened (a WebP's too large one raises).
_NO_WARNINGS_WHEN_LOADED = frozenset({"JPEG", "PNG", "WEBP"})

# A picture an SVG draws: its reference and the words naming the SVG ("in SVG 'a.svg'")
# -> the approved resource, or None (reported by the caller).
Pictures = Callable[[str, str], Resource | None]


class Inspector:
    """Turns bytes into a :class:`Resource` under ``policy``, reporting every refusal."""

    def __init__(self, policy: ResourcePolicy, reporter: Reporter) -> None:
        self.policy = policy
        self.reporter = reporter

    def inspect(
        self, ref: str, data: bytes, line: int | None, *, pictures: Pictures, nested: bool = False
    ) -> Resource | None:
        """Check ``data`` really is an allowed image under the caps; convert odd formats.

        ``pictures`` approves what an SVG draws. ``nested``: a picture inside an SVG, which
        may not be an SVG itself."""
        if looks_like_svg(data):
            if nested:
                self._refuse("image-refused", f"image {ref!r} is an SVG inside an SVG; refused", line)
                return None
            return self._svg(ref, data, line, pictures)
        try:
            return self._raster(ref, data, line)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            self._refuse("image-too-large", f"image {ref!r} is a decompression bomb; refused", line)
        except (OSError, SyntaxError, ValueError) as err:
            kind = _unsupported_kind(data)
            if kind:
                self._refuse("image-format", f"image {ref!r} is {kind}; not supported", line)
            elif isinstance(err, UnidentifiedImageError):
                self._refuse("image-corrupt", f"image {ref!r} is not a recognised image", line)
            else:
                self._refuse("image-corrupt", f"image {ref!r} cannot be decoded ({err})", line)
        return None

    # ---------------------------------------------------------------------------------

    def _refuse(self, code: DiagnosticCode, message: str, line: int | None) -> None:
        self.reporter.warn(code, message, line=line)

    def _raster(self, ref: str, data: bytes, line: int | None) -> Resource | None:
        """A picture Pillow decodes; its errors are the caller's to report."""
        digest = hashlib.sha256(data).hexdigest()
        with _WARNINGS, warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            img = PILImage.open(io.BytesIO(data), formats=_DECODERS)
        kept = False
        try:
            width, height = img.size
            kind = img.format or ""
            if width * height > self.policy.max_pixels:
                message = f"image {ref!r} has {width * height} pixels (limit {self.policy.max_pixels})"
                self._refuse("image-too-large", message, line)
                return None
            if kind not in _PIL_TYPES and kind not in _CONVERT_TO_PNG | _CONVERT_PHOTO:
                message = f"image {ref!r} is {kind or 'an unknown format'}; not supported"
                self._refuse("image-format", message, line)
                return None
            if kind == "JPEG":
                # Every byte is still decoded (a truncated or corrupt file still fails), at a
                # smaller scale: the one a downscaler reading it will want (and take), else an
                # eighth of the size. 20 ms, not 33, for a phone's photo.
                limit = decoded.scaled_by_reader((width, height))
                eighth = (max(1, width // 8), max(1, height // 8))
                img.draft(img.mode, decoded.draft_size((width, height), limit) if limit else eighth)
            if kind in _NO_WARNINGS_WHEN_LOADED:
                img.load()  # decodes fully: truncated or corrupt files fail here
            else:
                with _WARNINGS, warnings.catch_warnings():  # a GIF checks each frame's size
                    warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                    img.load()
            if kind in _CONVERT_TO_PNG | _CONVERT_PHOTO:
                opaque = kind in _CONVERT_PHOTO and "A" not in img.getbands()
                return _converted(ref, img, (width, height), opaque=opaque)
            if kind in _KEPT_DECODED and not getattr(img, "is_animated", False):
                kept = decoded.worth_keeping((width, height), img)
                if kept:
                    decoded.keep(digest, img)  # for the downscaler, which would decode it again
        finally:
            if not kept:
                img.close()
        return Resource(
            ref=ref, data=data, media_type=_PIL_TYPES[kind], width=width, height=height, digest=digest
        )

    def _svg(self, ref: str, data: bytes, line: int | None, pictures: Pictures) -> Resource | None:
        tag = _SVG_TAG.search(data[:65536])
        if tag is None:
            self._refuse("image-corrupt", f"image {ref!r} is not a valid SVG", line)
            return None
        where = "an inline SVG" if ref.startswith("data:") else f"SVG {ref!r}"
        embedded: dict[str, Resource] = {}
        budget = [self.policy.max_bytes]  # bytes the SVG's embedded pictures may add, all told

        def embed(href: str) -> str | None:
            found = pictures(href, f"in {where}")
            if found is None:
                return None
            uri = found.data_uri
            if len(uri) > budget[0]:
                message = f"{where}: its pictures are over the size limit; {href[:80]} left out"
                self._refuse("image-too-large", message, line)
                return None
            budget[0] -= len(uri)
            embedded[found.digest] = found
            return uri

        rewritten = rewrite_svg(data, embed)
        problem = rewritten.problem or svg_problem(rewritten.data)
        if problem is not None:
            self._refuse("image-refused", f"SVG {ref!r} refused: {problem}", line)
            return None
        if rewritten.changes:
            done = ", ".join(rewritten.changes)
            self.reporter.info("svg-rewritten", f"{where} adapted for every format: {done}", line=line)
        width, height = _svg_size(tag.group(0))
        return Resource(
            ref=ref,
            data=rewritten.data,
            media_type="image/svg+xml",
            width=width,
            height=height,
            digest=hashlib.sha256(rewritten.data).hexdigest(),
            embedded=tuple(embedded.values()),
        )


def _converted(ref: str, img: PILImage.Image, size: tuple[int, int], *, opaque: bool) -> Resource:
    """A format no renderer we feed draws, as JPEG (``opaque``) or PNG."""
    out = io.BytesIO()
    if opaque:
        img.convert("RGB").save(out, "JPEG", quality=90)
    else:
        img.save(out, "PNG")
    data = out.getvalue()
    return Resource(
        ref=ref,
        data=data,
        media_type="image/jpeg" if opaque else "image/png",
        width=size[0],
        height=size[1],
        digest=hashlib.sha256(data).hexdigest(),
    )


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.I | re.S)
_SVG_LENGTH = re.compile(rb"^\s*([\d.]+)\s*(px|pt|mm|cm|in)?\s*$")
_PX = {b"px": 1.0, b"pt": 4 / 3, b"mm": 96 / 25.4, b"cm": 96 / 2.54, b"in": 96.0}


def _svg_size(tag: bytes) -> tuple[int, int]:
    """Intrinsic size in CSS px from width/height, else the viewBox, else 300x150 (CSS default)."""

    def attribute(name: bytes) -> bytes | None:
        m = re.search(rb"\s" + name + rb"\s*=\s*[\"']([^\"']*)[\"']", tag)
        return m.group(1) if m else None

    def length(value: bytes | None) -> float | None:
        m = _SVG_LENGTH.match(value or b"")
        return float(m.group(1)) * _PX[m.group(2) or b"px"] if m else None

    width, height = length(attribute(b"width")), length(attribute(b"height"))
    box = (attribute(b"viewBox") or b"").replace(b",", b" ").split()
    if len(box) == 4:
        try:
            bw, bh = float(box[2]), float(box[3])
        except ValueError:
            bw = bh = 0.0
        if bw > 0 and bh > 0:
            if width and not height:
                height = width * bh / bw
            elif height and not width:
                width = height * bw / bh
            elif not width and not height:
                width, height = bw, bh
    return max(1, round(width or 300)), max(1, round(height or 150))


def _unsupported_kind(data: bytes) -> str:
    """A name for image formats we recognise but do not accept (for a clear message)."""
    head = data[:32]
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return "PostScript/EPS"
    if head.startswith(b"%PDF"):
        return "PDF"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"):
        return "AVIF/HEIF"
    if head.startswith(b"8BPS"):
        return "Photoshop"
    return ""


def looks_like_svg(data: bytes) -> bool:
    """Markup (an XML declaration, comments or a doctype may come first) with an <svg> root."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head
