"""``--watch``: build once, then again whenever something the outputs are made from changes.

The file system is watched with ``watchfiles`` (inotify, FSEvents or ReadDirectoryChangesW
through the Rust ``notify`` crate, polling only where none exists); what is watched and which
changes count is :mod:`export_post.watchpaths`'s. Changes are grouped until the folders have
been quiet for a moment (editors save in bursts: a temporary, a rename, several writes), and
the changed files must then look the same twice in a row before anything reads them, so a
half-written file is never converted.

Each rebuild goes through :func:`~export_post.batch.export_many` like any batch: with an
output folder, its build cache decides which outputs are out of date, so a changed image or
theme rebuilds only what uses it. Without one (outputs next to the posts, no cache), a
changed post rebuilds that post and any other change rebuilds every post. Posts appearing in
a watched folder are built; deleted ones are reported and their outputs left alone; a file
that vanishes between the event and the read is a warning, never a crash.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import leftovers
from .api import forget_loaded_themes
from .batch import ExportResult, export_many
from .batch.discovery import Post, unique_posts
from .batch.interrupts import Interrupted
from .output import output_path
from .registry import exporter_class
from .watchpaths import WatchPlan, current_posts, is_post_file, real, watch_plan

QUIET_MS_VARIABLE = "EXPORT_POST_WATCH_QUIET_MS"
DEFAULT_QUIET_MS = 300  # a save burst is over when nothing changed for this long
MAX_WAIT_MS = 3000  # changes that never stop are built after this long all the same
SETTLE_TRIES = 20
ARM_MS = 100  # how long the watcher waits for changes before it hands back an empty set


def quiet_ms() -> int:
    """The quiet period: :data:`DEFAULT_QUIET_MS`, or ``EXPORT_POST_WATCH_QUIET_MS`` (tests)."""
    value = os.environ.get(QUIET_MS_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_QUIET_MS


@dataclass(frozen=True, slots=True, kw_only=True)
class Rebuild:
    """One build of a watch: what set it off and what came of it."""

    time: dt.datetime
    changed: tuple[Path, ...] = ()  # empty: the first build
    added: tuple[Path, ...] = ()  # posts that appeared
    deleted: tuple[Path, ...] = ()  # posts that are gone (their outputs are left)
    results: tuple[ExportResult, ...] = ()
    warnings: tuple[str, ...] = ()  # the batch's own (a post that vanished, a build cache)

    @property
    def written(self) -> list[ExportResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def failed(self) -> list[ExportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def up_to_date(self) -> int:
        return sum(r.skipped for r in self.results)


@dataclass(slots=True, kw_only=True)
class Watch:
    """A watched batch: the inputs as given, the formats, and :func:`export_many`'s keywords."""

    inputs: Sequence[Path]
    formats: Sequence[str]
    keywords: Mapping[str, Any]
    own_files: Sequence[Path] = ()  # files the caller writes after each rebuild (a report)
    posts: list[Post] = field(default_factory=list)
    watched: WatchPlan = field(default_factory=lambda: WatchPlan(roots=[]))

    def run(self, on_rebuild: Callable[[Rebuild], None], stop: threading.Event | None = None) -> None:
        """Build, then rebuild on every change until ``stop`` is set or a signal arrives
        (SIGINT, SIGTERM: returns normally; the interrupted build's workers are gone and its
        temporaries removed)."""
        import watchfiles  # here: only a watch needs it

        try:
            self.posts = unique_posts(current_posts(self.inputs))
            self.watched = self.plan()  # the roots stay; what counts follows the posts
            quiet = quiet_ms()
            changes = watchfiles.watch(
                *self.watched.roots,
                watch_filter=lambda _change, path: self.watched.counts(Path(path)),
                debounce=MAX_WAIT_MS,
                step=quiet,
                stop_event=stop,
                rust_timeout=ARM_MS,
                yield_on_timeout=True,
                raise_interrupt=True,  # our SIGINT/SIGTERM handler ran: stop
            )
            next(changes, None)  # watching from now on: nothing saved during the first build is missed
            on_rebuild(self.build_all())
            self.watched = self.plan()
            for batch in changes:
                if batch:
                    changed = sorted({Path(path) for _, path in batch})
                    settle(changed, quiet / 1000)
                    on_rebuild(self.rebuild(changed))
                    self.watched = self.plan()
        except (Interrupted, KeyboardInterrupt):
            self.remove_temporaries()

    def build_all(self) -> Rebuild:
        """The first build (``force`` applies to it alone; later ones trust the build cache)."""
        self.posts = unique_posts(current_posts(self.inputs))
        rebuild = self._build(self.posts, changed=())
        self.keywords = {**self.keywords, "force": False}
        return rebuild

    def rebuild(self, changed: Sequence[Path]) -> Rebuild:
        """The posts ``changed`` may affect, built again; new posts built, deleted ones reported."""
        before = {real(post.path): post for post in self.posts}
        self.posts = unique_posts(current_posts(self.inputs))
        now = {real(post.path): post for post in self.posts}
        added = [post for key, post in now.items() if key not in before]
        deleted = tuple(post.path for key, post in before.items() if key not in now)
        touched = {real(path) for path in changed}
        if all(is_post_file(path) for path in changed):  # only posts: just those
            todo = [post for key, post in now.items() if key in touched or key not in before]
        else:  # an image, the theme, a config: the build cache tells what depends on it
            todo = list(self.posts)
        return self._build(todo, changed=tuple(changed), added=tuple(p.path for p in added), deleted=deleted)

    def _build(self, posts: Sequence[Post], **facts: Any) -> Rebuild:
        warnings: list[str] = []
        results: list[ExportResult] = []
        forget_loaded_themes()  # a path theme's theme.yaml may have changed
        if posts:
            results = export_many(posts, self.formats, on_warning=warnings.append, **self.keywords)
        vanished = [r for r in results if r.status == "failed" and not r.source.exists()]
        for result in vanished:
            if result.format == self.formats[0]:
                warnings.append(f"{result.source}: vanished before it could be read; skipped")
        results = [r for r in results if r not in vanished]
        return Rebuild(
            time=dt.datetime.now().astimezone(),
            results=tuple(results),
            warnings=tuple(warnings),
            **facts,
        )

    def plan(self) -> WatchPlan:
        keywords = self.keywords
        return watch_plan(
            self.inputs,
            self.posts,
            site_root=keywords.get("site_root"),
            theme=keywords.get("theme", "default"),
            options={k: v for k, v in keywords.items() if k not in ("out_dir", "output_file")},
            out_dir=keywords.get("out_dir"),
            own_files=[*self.own_files, *self.outputs()],
        )

    def outputs(self) -> Iterator[Path]:
        """Where every output of the posts goes."""
        folder, file = self.keywords.get("out_dir"), self.keywords.get("output_file")
        for post in self.posts:
            for fmt in self.formats:
                yield output_path(post.path, exporter_class(fmt).file_extension, folder, file)

    def remove_temporaries(self) -> None:
        """What an interrupted writer left next to the outputs (a build into an output folder
        cleans up after itself; outputs next to the posts need this)."""
        names = {path.name for path in self.outputs()}
        for folder in {path.parent for path in self.outputs()}:
            if folder.is_dir():
                leftovers.remove_stale_temporaries(folder, names.__contains__)


def settle(paths: Sequence[Path], pause: float) -> None:
    """Wait until none of ``paths`` changes during ``pause`` (bounded: a file written for
    ever is read after :data:`SETTLE_TRIES` pauses all the same)."""
    before = _looks(paths)
    for _ in range(SETTLE_TRIES):
        time.sleep(pause)
        now = _looks(paths)
        if now == before:
            return
        before = now


def _looks(paths: Sequence[Path]) -> list[tuple[int, int] | None]:
    looks: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            looks.append(None)
        else:
            looks.append((info.st_size, info.st_mtime_ns))
    return looks
