"""What an image reference stands for, as a content digest, for caches that must notice
when it changes (the build cache's fingerprints).

A :class:`ContentDigests` finds bytes exactly as the post's resolver does, through the same
:class:`~.locator.Locator` (same roots and policy, same refusals), and only hashes them: no
decoding, no diagnostics. A fingerprint needs to know which bytes a reference names, not
whether they make a good picture, which follows from the bytes. And looking is not using: a
deck without pictures must not warn about them.

An SVG's digest covers the pictures it draws too, found as the resolver finds them: they are
embedded in every output that shows the SVG. Nothing is fetched: what a URL serves can
change at any time, so a remote reference has no digest, and :attr:`ContentDigests.remote`
tells the caller that one was met.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from .inspector import looks_like_svg
from .locator import Base, Locator, Refusal
from .resolver import MAX_IMAGES
from .svgrewrite import pictures_drawn


class ContentDigests:
    """Digests of what one post's references name (None: refused), each found once."""

    def __init__(self, locator: Locator) -> None:
        offline = replace(locator.policy, allow_remote=False)
        self.locator = replace(locator, policy=offline)
        self.remote = False  # a reference named a remote image (an SVG's pictures included)
        self._cache: dict[str, str | None] = {}

    def digest(self, ref: str) -> str | None:
        return self._cached(ref, None, ref, inside="")

    def _cached(self, key: str, base: Base, ref: str, *, inside: str) -> str | None:
        if key not in self._cache:
            if len(self._cache) >= MAX_IMAGES:
                return None  # the resolver refuses it as well
            self._cache[key] = self._digest(ref, base, inside)
        return self._cache[key]

    def _digest(self, ref: str, base: Base, inside: str) -> str | None:
        found = self.locator.locate(ref, base=base, inside=inside)
        if isinstance(found, Refusal):
            self.remote = self.remote or found.code == "image-remote-disabled"
            return None
        hasher = hashlib.sha256(found.data)
        if not inside and looks_like_svg(found.data):
            for href in pictures_drawn(found.data):
                drawn = self._cached(f"{found.base}\x00{href}", found.base, href, inside="in an SVG")
                hasher.update(f"\0{href}\0{drawn}".encode("utf-8", "surrogateescape"))
        return hasher.hexdigest()
