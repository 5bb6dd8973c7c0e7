"""Where an image reference leads, and the bytes there, if the post may have them.

A reference is parsed as a browser parses it (:mod:`export_post.resources.weburl`). A local
one is percent-decoded (repeatedly, so ``%252e`` cannot sneak past), resolved against the
post folder or, for ``/``-absolute ones, the site root, then ``realpath``-ed, and must land
on a regular file inside an allowed root (post folder, site root, theme) under the size cap.
A remote one is fetched only when the policy allows it
(:mod:`export_post.resources.remote`). Whatever leaves these bounds is a :class:`Refusal`;
the locator never reports, decodes or caches: its caller does what it needs with the bytes.
"""

from __future__ import annotations

import base64
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import assert_never
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from ..diagnostics import DiagnosticCode
from .resource import ResourcePolicy
from .weburl import RefKind, parse_reference

Base = Path | str | None  # where an SVG's own references start: its folder, or its URL
# Told of each local file a reference leads to before it is read, and whether it lies inside
# the allowed folders (the build cache stamps them).
Observer = Callable[[Path, bool], None]
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True, slots=True)
class Located:
    """The bytes a reference names. ``ref`` names them in messages and in the resource;
    ``base`` is where references written inside them start (their folder or URL; None for a
    ``data:`` URI, whose references start at the post's folder)."""

    ref: str
    data: bytes = field(repr=False)
    base: Base


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a reference may not be used, as the diagnostic to report."""

    code: DiagnosticCode
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Locator:
    """Finds what references written in one post (or in an SVG it uses) name."""

    post_dir: Path
    site_root: Path
    site_url: str
    roots: tuple[Path, ...]
    policy: ResourcePolicy
    observer: Observer | None = None

    @classmethod
    def of(
        cls,
        *,
        post_dir: Path,
        site_root: Path | None = None,
        site_url: str = "",
        extra_roots: tuple[Path, ...] = (),
        policy: ResourcePolicy | None = None,
    ) -> Locator:
        post_dir = post_dir.resolve()
        site_root = (site_root or post_dir).resolve()
        return cls(
            post_dir=post_dir,
            site_root=site_root,
            site_url=site_url.rstrip("/"),
            roots=tuple(dict.fromkeys([post_dir, site_root, *(r.resolve() for r in extra_roots)])),
            policy=policy or ResourcePolicy(),
        )

    def observed_by(self, observer: Observer) -> Locator:
        """This locator, telling ``observer`` of every local file it looks at."""
        return replace(self, observer=observer)

    def locate(self, ref: str, *, base: Base = None, inside: str = "") -> Located | Refusal:
        """What ``ref`` names, as written in the post (``base`` None) or in an SVG at ``base``.
        ``inside`` names that SVG in messages (a picture an SVG draws)."""
        label = f"{ref[:80]} ({inside})" if inside else ref
        if not ref.strip():
            suffix = f" ({inside})" if inside else ""
            return Refusal("image-no-source", f"image with an empty source{suffix}")
        where = parse_reference(ref, site_url=self.site_url)
        if where.kind is RefKind.LOCAL and isinstance(base, str) and not where.site_absolute:
            return self._remote(label, urljoin(base, ref))  # relative to a remote SVG: as remote
        match where.kind:
            case RefKind.REMOTE:
                return self._remote(label, where.url)
            case RefKind.DATA:
                return self._data(label, where.url, nested=bool(inside))
            case RefKind.LOCAL:
                folder = base if isinstance(base, Path) else self.post_dir
                return self._local(label, where.path, where.site_absolute, folder)
            case RefKind.WINDOWS:
                return Refusal("image-refused", f"image path {label!r} is a Windows path; refused")
            case RefKind.OTHER_SCHEME:
                return Refusal("image-refused", f"image {label!r} uses the '{where.url}:' scheme; refused")
            case RefKind.INVALID:
                message = f"image {label!r} is not a valid address ({where.url}); refused"
                return Refusal("image-refused", message)
            case _:
                assert_never(where.kind)

    # ---------------------------------------------------------------------------------

    def _local(self, ref: str, raw_path: str, site_absolute: bool, folder: Path) -> Located | Refusal:
        path = _decoded(ref, raw_path)
        if isinstance(path, Refusal):
            return path
        if site_absolute:
            baseurl = urlsplit(self.site_url).path.rstrip("/")
            if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
                path = path[len(baseurl) :]
            candidate = self.site_root / path.lstrip("/")
        else:
            candidate = folder / path
        real = candidate.resolve()  # follows every symlink, so an escaping link is caught below
        inside = any(real == root or root in real.parents for root in self.roots)
        if self.observer is not None:
            self.observer(candidate, inside)
        if not inside:
            return Refusal("image-outside-root", f"image {ref!r} resolves outside the site; refused")
        data = self._read(ref, real)
        return data if isinstance(data, Refusal) else Located(ref, data, candidate.parent)

    def _read(self, ref: str, real: Path) -> bytes | Refusal:
        try:
            info = real.stat()
        except OSError:
            return Refusal("image-not-found", f"image not found: {ref}")
        if not stat.S_ISREG(info.st_mode):
            return Refusal("image-refused", f"image {ref!r} is not a regular file; refused")
        if info.st_size > self.policy.max_bytes:
            message = f"image {ref!r} is {info.st_size} bytes (limit {self.policy.max_bytes})"
            return Refusal("image-too-large", message)
        try:
            return real.read_bytes()
        except OSError as err:
            return Refusal("image-unreadable", f"cannot read image {ref!r}: {err.strerror}")

    def _data(self, ref: str, url: str, *, nested: bool) -> Located | Refusal:
        """An image embedded as a ``data:`` URI (inline SVG arrives this way too), named
        ``data:<type>`` when the post holds it, by ``ref`` when an SVG does."""
        header, _, payload = url.partition(",")
        media = header[5:].split(";")[0].strip().lower()
        if not media.startswith("image/"):
            message = f"data: URI of type {media or 'unknown'!r} is not an image; refused"
            return Refusal("image-refused", message)
        if len(payload) > self.policy.max_bytes * 4 // 3 + 4:
            return Refusal("image-too-large", "inline data: image is over the size limit")
        try:
            data = (
                base64.b64decode(payload, validate=False)
                if ";base64" in header.lower()
                else unquote_to_bytes(payload)
            )
        except ValueError:
            return Refusal("image-corrupt", "inline data: image is not valid base64")
        return Located(ref if nested else f"data:{media}", data, None)

    def _remote(self, ref: str, url: str) -> Located | Refusal:
        if not self.policy.allow_remote:
            return Refusal(
                "image-remote-disabled", f"remote image not fetched (use --allow-remote to allow): {ref}"
            )
        if url.split(":", 1)[0] == "http" and not self.policy.allow_http:
            return Refusal("image-refused", f"plain-http image not fetched (https only): {ref}")
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
            return Refusal("image-remote-failed", f"remote image {ref!r} not fetched: {err}")
        return Located(ref, data, url)


def _decoded(ref: str, raw_path: str) -> str | Refusal:
    """The file name a local reference's path stands for, percent-decoded until it stays."""
    path = raw_path
    for _ in range(4):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    else:
        return Refusal("image-refused", f"image path {ref!r} is encoded too many times; refused")
    if "\x00" in path or not path.strip():
        return Refusal("image-refused", f"image path {ref!r} is not a file name; refused")
    if "\\" in path or _DRIVE.match(path):  # a Windows path hidden by percent-encoding
        return Refusal("image-refused", f"image path {ref!r} is a Windows path; refused")
    return path
