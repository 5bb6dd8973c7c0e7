"""The one door through which any exporter (or the cover image) reads a file or URL.

A :class:`ResourceResolver` is made per post and shared by every exporter of that post. It
answers "may this post use this image, and what are its bytes?" and nothing else can read
on a post's behalf: the PDF exporter hands WeasyPrint a fetcher that serves only what this
resolver returned.

Local references are percent-decoded (repeatedly, so ``%252e`` cannot sneak past), resolved
against the post folder or, for ``/``-absolute ones, the site root, then ``realpath``-ed and
must land on a regular file inside an allowed root (post folder, site root, theme). Files
are size-capped, sniffed by content (not by extension), decoded once by Pillow under a
pixel cap (a decompression bomb is refused, not warned about) and only JPEG, PNG, GIF,
WebP (and SVG, as text) pass; BMP, TIFF, ICO, PPM and TGA are converted to PNG, AVIF to JPEG
(PNG if it has transparency). Remote images are refused
unless the policy allows them (see :mod:`export_post.resources.remote`). Every refusal is a coded
diagnostic and the caller renders a placeholder.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import stat
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import assert_never
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from PIL import Image as PILImage
from PIL import UnidentifiedImageError, features

from ..diagnostics import DiagnosticCode, Reporter
from .svgcheck import svg_problem
from .svgrewrite import rewrite_svg
from .weburl import RefKind, parse_reference

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
}
_PIL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_CONVERT_TO_PNG = frozenset({"BMP", "TIFF", "ICO", "PPM", "TGA"})
# AVIF (where this Pillow decodes it) is a photo format no renderer we feed can draw: it
# becomes JPEG, or PNG when it has transparency.
_CONVERT_PHOTO = frozenset({"AVIF"} if features.check("avif") else ())
# The only decoders Pillow may try: never EPS/PDF (Ghostscript) or anything exotic.
_DECODERS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO", "PPM", "TGA", *_CONVERT_PHOTO)
MAX_IMAGES = 1000  # distinct image references per post
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# ``warnings.catch_warnings`` swaps the process-wide filters: two threads inside it at once
# would restore each other's filters (leaving the bomb warning an error for the whole
# program, or not one for the other thread's image). Our threads take turns.
_WARNINGS = threading.Lock()


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


class ResourceResolver:
    """Resolves image references for one post; results and refusals are cached per reference."""

    def __init__(
        self,
        *,
        post_dir: Path,
        site_root: Path | None = None,
        site_url: str = "",
        extra_roots: tuple[Path, ...] = (),
        policy: ResourcePolicy | None = None,
        reporter: Reporter | None = None,
    ) -> None:
        self.post_dir = post_dir.resolve()
        self.site_root = (site_root or post_dir).resolve()
        self.site_url = site_url.rstrip("/")
        self.roots = tuple(
            dict.fromkeys([self.post_dir, self.site_root, *(r.resolve() for r in extra_roots)])
        )
        self.policy = policy or ResourcePolicy()
        self.reporter = reporter or Reporter()
        self._cache: dict[str, Resource | None] = {}

    def image(self, ref: str, *, line: int | None = None) -> Resource | None:
        """The image ``ref`` names, or None (after reporting why) if it cannot be used."""
        return self._cached(ref, lambda: self._resolve(ref, line))

    def _cached(self, key: str, resolve: Callable[[], Resource | None]) -> Resource | None:
        if key not in self._cache:
            if len(self._cache) >= MAX_IMAGES:
                self._refuse(
                    "image-limit", f"more than {MAX_IMAGES} different images; the rest are not read", None
                )
                return None
            self._cache[key] = resolve()
        return self._cache[key]

    def consider(self, candidate: Path, inside: bool) -> None:
        """Called with each local file a reference leads to, before it is looked at; ``inside``
        says whether it lies in the allowed folders (for subclasses that keep track)."""

    @property
    def resources(self) -> tuple[Resource, ...]:
        """Every resource handed out so far (the manifest a renderer may read)."""
        return tuple(r for r in self._cache.values() if r is not None)

    # ---------------------------------------------------------------------------------

    def _refuse(self, code: DiagnosticCode, message: str, line: int | None) -> None:
        self.reporter.warn(code, message, line=line)

    def _resolve(
        self, ref: str, line: int | None, *, base: Base = None, inside: str = "", nested: bool = False
    ) -> Resource | None:
        """``ref`` as written in the post (``base`` None) or in an SVG at ``base`` (its folder,
        or its URL); ``inside`` names that SVG in messages, ``nested`` refuses SVG."""
        label = f"{ref[:80]} ({inside})" if inside else ref
        if not ref.strip():
            suffix = f" ({inside})" if inside else ""
            self._refuse("image-no-source", f"image with an empty source{suffix}", line)
            return None
        where = parse_reference(ref, site_url=self.site_url)
        if where.kind is RefKind.LOCAL and isinstance(base, str) and not where.site_absolute:
            url = urljoin(base, ref)  # relative to a remote SVG: as remote as the SVG
            return self._remote(label, url, url.split(":", 1)[0], line, nested=nested)
        match where.kind:
            case RefKind.REMOTE:
                return self._remote(label, where.url, where.url.split(":", 1)[0], line, nested=nested)
            case RefKind.DATA:
                return self._data(label, where.url, line, nested=nested)
            case RefKind.LOCAL:
                folder = base if isinstance(base, Path) else None
                return self._local(label, where.path, where.site_absolute, line, folder=folder, nested=nested)
            case RefKind.WINDOWS:
                self._refuse("image-refused", f"image path {label!r} is a Windows path; refused", line)
            case RefKind.OTHER_SCHEME:
                message = f"image {label!r} uses the '{where.url}:' scheme; refused"
                self._refuse("image-refused", message, line)
            case RefKind.INVALID:
                self._refuse(
                    "image-refused", f"image {label!r} is not a valid address ({where.url}); refused", line
                )
            case _:
                assert_never(where.kind)
        return None

    def _local(
        self,
        ref: str,
        raw_path: str,
        site_absolute: bool,
        line: int | None,
        *,
        folder: Path | None = None,
        nested: bool = False,
    ) -> Resource | None:
        path = raw_path
        for _ in range(4):
            decoded = unquote(path)
            if decoded == path:
                break
            path = decoded
        else:
            self._refuse("image-refused", f"image path {ref!r} is encoded too many times; refused", line)
            return None
        if "\x00" in path or not path.strip():
            self._refuse("image-refused", f"image path {ref!r} is not a file name; refused", line)
            return None
        if "\\" in path or _DRIVE.match(path):  # a Windows path hidden by percent-encoding
            self._refuse("image-refused", f"image path {ref!r} is a Windows path; refused", line)
            return None
        if site_absolute:
            baseurl = urlsplit(self.site_url).path.rstrip("/")
            if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
                path = path[len(baseurl) :]
            candidate = self.site_root / path.lstrip("/")
        else:
            candidate = (folder or self.post_dir) / path
        real = candidate.resolve()  # follows every symlink, so an escaping link is caught below
        inside = any(real == root or root in real.parents for root in self.roots)
        self.consider(candidate, inside)
        if not inside:
            self._refuse("image-outside-root", f"image {ref!r} resolves outside the site; refused", line)
            return None
        try:
            info = real.stat()
        except OSError:
            self._refuse("image-not-found", f"image not found: {ref}", line)
            return None
        if not stat.S_ISREG(info.st_mode):
            self._refuse("image-refused", f"image {ref!r} is not a regular file; refused", line)
            return None
        if info.st_size > self.policy.max_bytes:
            self._refuse(
                "image-too-large",
                f"image {ref!r} is {info.st_size} bytes (limit {self.policy.max_bytes})",
                line,
            )
            return None
        try:
            data = real.read_bytes()
        except OSError as err:
            self._refuse("image-unreadable", f"cannot read image {ref!r}: {err.strerror}", line)
            return None
        return self.inspect(ref, data, line, base=candidate.parent, nested=nested)

    def _svg(self, ref: str, data: bytes, digest: str, line: int | None, base: Base) -> Resource | None:
        tag = _SVG_TAG.search(data[:65536])
        if tag is None:
            self._refuse("image-corrupt", f"image {ref!r} is not a valid SVG", line)
            return None
        embedded: dict[str, Resource] = {}
        budget = [self.policy.max_bytes]  # bytes the SVG's embedded pictures may add, all told
        where = "an inline SVG" if ref.startswith("data:") else f"SVG {ref!r}"

        folder = base or self.post_dir

        def embed(href: str) -> str | None:
            found = self._cached(
                f"{base}\x00{href}",
                lambda: self._resolve(href, line, base=folder, inside=f"in {where}", nested=True),
            )
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
            data, digest = rewritten.data, hashlib.sha256(rewritten.data).hexdigest()
        width, height = _svg_size(tag.group(0))
        return Resource(
            ref=ref,
            data=data,
            media_type="image/svg+xml",
            width=width,
            height=height,
            digest=digest,
            embedded=tuple(embedded.values()),
        )

    def _data(self, ref: str, url: str, line: int | None, *, nested: bool = False) -> Resource | None:
        """An image embedded in the post as a ``data:`` URI (inline SVG arrives this way too)."""
        header, _, payload = url.partition(",")
        media = header[5:].split(";")[0].strip().lower()
        if not media.startswith("image/"):
            self._refuse(
                "image-refused", f"data: URI of type {media or 'unknown'!r} is not an image; refused", line
            )
            return None
        if len(payload) > self.policy.max_bytes * 4 // 3 + 4:
            self._refuse("image-too-large", "inline data: image is over the size limit", line)
            return None
        try:
            data = (
                base64.b64decode(payload, validate=False)
                if ";base64" in header.lower()
                else unquote_to_bytes(payload)
            )
        except ValueError:
            self._refuse("image-corrupt", "inline data: image is not valid base64", line)
            return None
        return self.inspect(ref if nested else f"data:{media}", data, line, nested=nested)

    def _remote(
        self, ref: str, url: str, scheme: str, line: int | None, *, nested: bool = False
    ) -> Resource | None:
        if not self.policy.allow_remote:
            self._refuse(
                "image-remote-disabled",
                f"remote image not fetched (use --allow-remote to allow): {ref}",
                line,
            )
            return None
        if scheme == "http" and not self.policy.allow_http:
            self._refuse("image-refused", f"plain-http image not fetched (https only): {ref}", line)
            return None
        from .remote import RemoteError, fetch  # imported only when the network is allowed

        try:
            data = fetch(
                url,
                max_bytes=self.policy.max_bytes,
                timeout=self.policy.remote_timeout,
                allow_http=self.policy.allow_http,
                allowed_hosts=self.policy.allowed_hosts,
            )
        except RemoteError as err:
            self._refuse("image-remote-failed", f"remote image {ref!r} not fetched: {err}", line)
            return None
        return self.inspect(ref, data, line, base=url, nested=nested)

    def inspect(
        self, ref: str, data: bytes, line: int | None, *, base: Base = None, nested: bool = False
    ) -> Resource | None:
        """Check ``data`` really is an allowed image under the caps; convert odd formats.

        An SVG is rewritten for every format (:mod:`export_post.resources.svgrewrite`), the pictures it
        refers to resolved relative to ``base`` (its folder or URL; the post's folder for an
        SVG written in the post) and embedded. ``nested``: a picture inside an SVG, which may
        not be an SVG itself."""
        digest = hashlib.sha256(data).hexdigest()
        if looks_like_svg(data):
            if nested:
                self._refuse("image-refused", f"image {ref!r} is an SVG inside an SVG; refused", line)
                return None
            return self._svg(ref, data, digest, line, base)
        try:
            with _WARNINGS, warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(io.BytesIO(data), formats=_DECODERS) as img:
                    width, height = img.size
                    kind = img.format or ""
                    if width * height > self.policy.max_pixels:
                        self._refuse(
                            "image-too-large",
                            f"image {ref!r} has {width * height} pixels (limit {self.policy.max_pixels})",
                            line,
                        )
                        return None
                    if kind not in _PIL_TYPES and kind not in _CONVERT_TO_PNG | _CONVERT_PHOTO:
                        self._refuse(
                            "image-format",
                            f"image {ref!r} is {kind or 'an unknown format'}; not supported",
                            line,
                        )
                        return None
                    img.load()  # decodes fully: truncated or corrupt files fail here
                    if kind in _CONVERT_TO_PNG | _CONVERT_PHOTO:
                        opaque = kind in _CONVERT_PHOTO and "A" not in img.getbands()
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
                            width=width,
                            height=height,
                            digest=hashlib.sha256(data).hexdigest(),
                        )
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            self._refuse("image-too-large", f"image {ref!r} is a decompression bomb; refused", line)
            return None
        except (OSError, SyntaxError, ValueError) as err:
            kind = _unsupported_kind(data)
            if kind:
                self._refuse("image-format", f"image {ref!r} is {kind}; not supported", line)
            elif isinstance(err, UnidentifiedImageError):
                self._refuse("image-corrupt", f"image {ref!r} is not a recognised image", line)
            else:
                self._refuse("image-corrupt", f"image {ref!r} cannot be decoded ({err})", line)
            return None
        return Resource(
            ref=ref,
            data=data,
            media_type=_PIL_TYPES[kind],
            width=width,
            height=height,
            digest=digest,
        )


Base = Path | str | None  # where an SVG's own references start: its folder, or its URL

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
