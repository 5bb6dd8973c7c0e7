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
diagnostic and the caller renders a placeholder. :meth:`ResourceResolver.read_many` reads a
post's pictures several at a time, with the same answers and diagnostics, in the same order.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..cpus import cpu_count
from ..diagnostics import Diagnostic, Reporter
from .inspector import Inspector, Pictures, looks_like_svg
from .locator import Base, Located, Locator, Refusal
from .resource import ImageSource, Resource, ResourcePolicy

MAX_IMAGES = 1000  # distinct image references per post
MAX_THREADS = 4  # pictures read (and scaled) at once, at most the CPUs this process may use
Then = Callable[[Resource], object]


def read_ahead(
    source: ImageSource,
    wanted: Iterable[tuple[str, int | None]],
    *,
    threads: int | None = None,
    then: Then | None = None,
) -> None:
    """Read the pictures ``wanted`` (``(ref, line)``, in the order they will be shown) through
    ``source`` before they are shown: several at a time through a :class:`ResourceResolver`
    (:meth:`~ResourceResolver.read_many`), one by one through any other ``ImageSource``.
    ``threads``: at most this many at once (default: the CPUs, up to :data:`MAX_THREADS`)."""
    wanted = list(wanted)
    if isinstance(source, ResourceResolver):
        source.read_many(wanted, threads=threads or min(MAX_THREADS, cpu_count()), then=then)
    else:
        _one_by_one(source, wanted, then)


def _one_by_one(source: ImageSource, wanted: Iterable[tuple[str, int | None]], then: Then | None) -> None:
    for ref, line in wanted:
        found = source.image(ref, line=line)
        if found is not None and then is not None:
            then(found)


@dataclass(frozen=True, slots=True)
class _Checked:
    """A raster picture checked in a worker thread: the answer, and what it would have reported."""

    resource: Resource | None
    diagnostics: tuple[Diagnostic, ...]


class _Recorder(Reporter):
    """A reporter that logs nothing: its diagnostics are reported later, in order."""

    def report(self, diagnostic: Diagnostic, *, log: bool = True) -> None:
        super().report(diagnostic, log=False)


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

    def read_many(
        self, wanted: Sequence[tuple[str, int | None]], *, threads: int, then: Then | None = None
    ) -> None:
        """:meth:`image` of each ``(reference, line)``, ``threads`` at a time, and ``then``
        called with each picture there is, once per reference (a raster picture's in the
        worker thread that read it). The answers are kept, and the diagnostics reported from
        this thread in the order reading the references one by one would report them.

        Pillow lets go of the GIL while it decodes, so the checks of raster pictures (a JPEG's
        every byte decoded) use every CPU. SVGs, whose checks are Python and whose pictures
        are read through this resolver, are checked in this thread, in order."""
        jobs: dict[str, int | None] = {}
        for ref, line in wanted:
            jobs.setdefault(ref, line)
        work = [r for r in jobs if r not in self._cache or (then is not None and self._cache[r] is not None)]
        if threads < 2 or len(work) < 2:
            _one_by_one(self, jobs.items(), then)
            return
        known = {ref: self._cache[ref] for ref in jobs if ref in self._cache}
        pool = ThreadPoolExecutor(min(threads, len(work)), thread_name_prefix="read")
        try:
            checks: dict[str, Future[_Checked | Located | Refusal]] = {}
            thens: dict[str, Future[object]] = {}
            for ref, line in jobs.items():
                found = known.get(ref)
                if found is not None and then is not None:
                    thens[ref] = pool.submit(then, found)
                elif ref not in known and len(self._cache) + len(checks) < MAX_IMAGES:
                    checks[ref] = pool.submit(contextvars.copy_context().run, self._check, ref, line, then)
            for ref, line in jobs.items():
                check = checks.get(ref)
                if ref in thens:
                    thens[ref].result()
                elif ref in known:
                    continue
                elif check is None or len(self._cache) >= MAX_IMAGES:
                    self.image(ref, line=line)  # past the limit (an SVG's pictures count): says so
                else:
                    self._cache[ref] = self._adopt(check.result(), line, then)
        finally:
            pool.shutdown(cancel_futures=True)

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

    def _check(self, ref: str, line: int | None, then: Then | None) -> _Checked | Located | Refusal:
        """In a worker thread: what :meth:`_resolve` would answer for a raster picture, and
        its diagnostics; a refusal or an SVG as it is, for :meth:`_adopt`."""
        found = self.locator.locate(ref)
        if isinstance(found, Refusal) or looks_like_svg(found.data):
            return found
        recorder = _Recorder()
        checked = Inspector(self.policy, recorder).inspect(
            found.ref, found.data, line, pictures=self._pictures(found.base, line)
        )
        if checked is not None and then is not None:
            then(checked)
        return _Checked(checked, recorder.diagnostics)

    def _adopt(
        self, answer: _Checked | Located | Refusal, line: int | None, then: Then | None
    ) -> Resource | None:
        """In the caller's thread, in order: ``answer`` reported and finished as :meth:`_resolve` would."""
        if isinstance(answer, Refusal):
            self.reporter.warn(answer.code, answer.message, line=line)
            return None
        if isinstance(answer, Located):  # an SVG
            svg = self.inspect(answer.ref, answer.data, line, base=answer.base)
            if svg is not None and then is not None:
                then(svg)
            return svg
        for diagnostic in answer.diagnostics:
            self.reporter.report(diagnostic)
        return answer.resource

    def _pictures(self, base: Base, line: int | None) -> Pictures:
        """How an SVG at ``base`` gets the pictures it draws: through this resolver, each
        counted and cached like any image of the post."""

        def picture(href: str, inside: str) -> Resource | None:
            return self._cached(
                f"{base}\x00{href}", lambda: self._resolve(href, line, base=base, inside=inside)
            )

        return picture
