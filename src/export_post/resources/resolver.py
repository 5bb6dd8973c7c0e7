"""The one door through which any exporter (or the cover image) reads a file or URL.

A :class:`ResourceResolver` is made per post and shared by every exporter of that post. It
answers "may this post use this image, and what are its bytes?" and nothing else can read
on a post's behalf: the PDF exporter hands WeasyPrint a fetcher that serves only what this
resolver returned.

It is made of two halves and a memory. Its :class:`~.locator.Locator` finds the bytes a
reference names, inside the allowed folders and the policy; its
:class:`~.inspector.Inspector` decides whether those bytes are an image the post may use
and makes the :class:`Resource`. Every answer, refusals included, is kept per reference, so
each image is read, decoded and reported once per post. Every refusal is a coded
diagnostic and the caller renders a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Reporter
from .inspector import Inspector, Pictures
from .locator import Base, Locator, Refusal
from .resource import Resource, ResourcePolicy

MAX_IMAGES = 1000  # distinct image references per post


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
        self.locator = Locator.of(
            post_dir=post_dir, site_root=site_root, site_url=site_url, extra_roots=extra_roots, policy=policy
        )
        self.reporter = reporter or Reporter()
        self.inspector = Inspector(self.locator.policy, self.reporter)
        self._cache: dict[str, Resource | None] = {}

    @property
    def policy(self) -> ResourcePolicy:
        return self.locator.policy

    def image(self, ref: str, *, line: int | None = None) -> Resource | None:
        """The image ``ref`` names, or None (after reporting why) if it cannot be used."""
        return self._cached(ref, lambda: self._resolve(ref, line))

    @property
    def resources(self) -> tuple[Resource, ...]:
        """Every resource handed out so far (the manifest a renderer may read)."""
        return tuple(r for r in self._cache.values() if r is not None)

    def inspect(
        self, ref: str, data: bytes, line: int | None, *, base: Base = None, nested: bool = False
    ) -> Resource | None:
        """``data`` as an image of this post (see :meth:`Inspector.inspect`): the pictures an
        SVG draws are resolved relative to ``base`` (its folder or URL; the post's folder for
        an SVG written in the post)."""
        return self.inspector.inspect(ref, data, line, pictures=self._pictures(base, line), nested=nested)

    # ---------------------------------------------------------------------------------

    def _cached(self, key: str, resolve: Callable[[], Resource | None]) -> Resource | None:
        if key not in self._cache:
            if len(self._cache) >= MAX_IMAGES:
                message = f"more than {MAX_IMAGES} different images; the rest are not read"
                self.reporter.warn("image-limit", message, line=None)
                return None
            self._cache[key] = resolve()
        return self._cache[key]

    def _resolve(self, ref: str, line: int | None, *, base: Base = None, inside: str = "") -> Resource | None:
        """``ref`` as written in the post (``base`` None) or in an SVG at ``base``; ``inside``
        names that SVG in messages, and an SVG there is refused."""
        found = self.locator.locate(ref, base=base, inside=inside)
        if isinstance(found, Refusal):
            self.reporter.warn(found.code, found.message, line=line)
            return None
        return self.inspect(found.ref, found.data, line, base=found.base, nested=bool(inside))

    def _pictures(self, base: Base, line: int | None) -> Pictures:
        """How an SVG at ``base`` gets the pictures it draws: through this resolver, each
        counted and cached like any image of the post."""

        def picture(href: str, inside: str) -> Resource | None:
            return self._cached(
                f"{base}\x00{href}", lambda: self._resolve(href, line, base=base, inside=inside)
            )

        return picture
