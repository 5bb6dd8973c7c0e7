"""Converting many posts: :func:`export_many`.

The posts are found (:mod:`.discovery`), those whose outputs are up to date by their files'
stamps alone are answered from the build cache (:mod:`.buildcache`), and the rest become
:class:`~.job.PostJob`\\ s that run in isolated worker processes (:mod:`.isolation`), or, on any
``concurrent.futures`` executor (a Dask cluster, :mod:`.cluster`), with their files shipped
to workers that need share no disk (:mod:`.remote`). Results
reach the caller as each is final; the manifest is saved as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import checks, leftovers
from ..api import resolve_theme
from ..cpus import cpu_count
from ..diagnostics import LOGGER, Diagnostic
from ..errors import OptionError
from ..output import output_path
from ..registry import exporter_class, format_names
from . import buildcache
from .buildcache import BuildState, Entry, Manifests
from .discovery import Post, discover, inputs, name_clashes, unique_posts
from .isolation import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    Failure,
    IsolatedRunner,
    Limits,
    WorkerPool,
)
from .job import READ_STEP, PostJob, run_job, skipped
from .remote import RemoteRun
from .results import ExportResult, failed
from .settings import Settings, expand_formats, format_options, make_settings, settings_facts, split_keywords

OnResult = Callable[[ExportResult], None]


def export_many(
    paths: Iterable[str | Path | Post],
    formats: Sequence[str] = ("pdf",),
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    output_file: str | Path | None = None,
    executor: Executor | None = None,
    isolate: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY,
    force: bool = False,
    on_start: Callable[[Path], None] | None = None,
    on_result: OnResult | None = None,
    on_warning: Callable[[str], None] | None = None,
    **keywords: Any,
) -> list[ExportResult]:
    """Convert every post to every format; one result per (post, format), in input order.

    ``paths``: post files, folders (see :func:`~.discovery.discover`) or
    :class:`~.discovery.Post`\\ s. ``keywords``: the fields of
    :class:`~.settings.Settings` (``theme``, ``site_root``, ``strict``, ``allow_remote``,
    ``allow_http``, ``allowed_hosts``, ``source_date_epoch``) and the exporters' options.
    Builds into an ``out_dir`` are incremental (``force`` rebuilds everything). With
    ``isolate``, each post runs in one of ``jobs`` worker processes under ``timeout`` (per
    step) and ``memory_limit``; an ``executor`` runs the jobs as it likes; ``isolate=False``
    runs them here. ``on_start(source)``, ``on_result(result)`` and ``on_warning(message)``
    are called in this thread as things happen. Every argument is checked before any post
    is read (:class:`OptionError`). When interrupted, the workers are stopped at once, the
    manifest keeps what was written, and the exception goes on. docs/api.md has it all.
    """
    found = inputs(paths)
    wanted = expand_formats(checks.texts(formats, "formats"))
    if not wanted:
        raise OptionError("formats must name at least one format")
    runner = _Runner.checked(
        jobs, timeout, memory_limit, isolate, force, on_start, on_result, on_warning, executor
    )
    folder = checks.output_folder(out_dir, "out_dir") if out_dir is not None else None
    target = checks.output_file(output_file, "output_file") if output_file is not None else None
    given, options = split_keywords(keywords)
    settings = make_settings(wanted, options=options, **given)
    posts = unique_posts(
        post for item in found for post in (discover(item) if isinstance(item, Path) else [item])
    )
    if target is not None and (len(posts) != 1 or len(wanted) != 1):
        raise OptionError("an output file name needs exactly one post and one format")
    manifests = Manifests(on_warning or _log_warning)
    batch = Batch(wanted, settings, folder, target, force=force, manifests=manifests, on_result=on_result)
    return batch.run(posts, runner)


def _log_warning(message: str) -> None:
    LOGGER.warning("%s", message)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Runner:
    """Where the jobs of a batch run."""

    jobs: int | None
    limits: Limits
    isolate: bool
    executor: Executor | None
    on_start: Callable[[Path], None] | None
    pool: WorkerPool | None = None  # worker processes kept between batches (see shipping.py)

    @classmethod
    def checked(
        cls,
        jobs: object,
        timeout: object,
        memory_limit: object,
        isolate: object,
        force: object,
        on_start: Callable[[Path], None] | None,
        on_result: object,
        on_warning: object,
        executor: Executor | None,
    ) -> _Runner:
        """Every argument of :func:`export_many` about running, checked (``force`` and the
        callbacks too, in the order they have always been checked)."""
        count = checks.count(jobs, "jobs")
        limits = Limits(checks.seconds(timeout, "timeout"), checks.memory(memory_limit, "memory_limit"))
        for name, value in (("isolate", isolate), ("force", force)):
            checks.flag(value, name)
        for name, value in (("on_start", on_start), ("on_result", on_result), ("on_warning", on_warning)):
            checks.callback(value, name)
        if executor is not None and not callable(getattr(executor, "submit", None)):
            raise OptionError(
                f"executor must be a concurrent.futures.Executor, not {type(executor).__name__}"
            )
        return cls(
            jobs=count,
            limits=limits,
            isolate=bool(isolate),
            executor=executor,
            on_start=on_start,
        )


class Batch:
    """The posts of one :func:`export_many` call, their jobs and their results: each result
    is reported once, each diagnostic once per post, and what built each output is recorded
    in the manifest of its folder."""

    def __init__(
        self,
        formats: Sequence[str],
        settings: Settings,
        folder: Path | None,
        target: Path | None,
        *,
        force: bool,
        manifests: Manifests,
        on_result: OnResult | None,
    ) -> None:
        self.formats = tuple(formats)
        self.settings = settings
        self.folder, self.target = folder, target
        self.force = force
        self.manifests = manifests
        self.on_result = on_result
        self.classes = {fmt: exporter_class(fmt) for fmt in formats}
        self.theme_digest = buildcache.theme_digest(resolve_theme(settings.theme))
        facts = settings_facts(settings)
        self.contexts = {
            fmt: buildcache.format_context(fmt, format_options(settings, cls), self.theme_digest, facts)
            for fmt, cls in self.classes.items()
        }
        # Only an output folder keeps a manifest: never the posts' own folders, nor beside one named file.
        self.incremental = folder is not None and target is None
        self.within: dict[Path, Path | None] = {}
        self.known: dict[Path, dict[str, ExportResult]] = {}
        self._shown: dict[Path, set[Diagnostic]] = {}

    def run(self, posts: Sequence[Post], runner: _Runner) -> list[ExportResult]:
        """Every post converted (or answered from the build cache); results in input order."""
        sources = [post.path for post in posts]
        self.within = {post.path: post.within for post in posts}
        refusals = {post.path: post.refused for post in posts if post.refused is not None}
        clashes = name_clashes([s for s in sources if s not in refusals], self.folder)
        todo = [s for s in sources if s not in clashes and s not in refusals]
        if self.incremental:
            self._remove_leftovers()
        try:
            for source, reason in refusals.items():
                self.finish(source, failed(source, self.formats, reason))
            for source, first in clashes.items():
                error = f"{source}: output name clashes with {first} (same file name, same output folder)"
                self.finish(source, failed(source, self.formats, error))
            if self.incremental and not self.force:
                todo = [source for source in todo if not self._answered_from_cache(source)]
            _schedule(self, todo, runner)
        finally:
            self.manifests.save()  # also after an interruption: what was written stays up to date
            if self.incremental:  # and what a killed worker left is gone
                self._remove_leftovers()
        return [self.known[source][fmt] for source in sources for fmt in self.formats]

    def job(self, source: Path, formats: Sequence[str] | None = None) -> PostJob:
        """The job for ``formats`` (default: all) of ``source``, with its manifest entries."""
        wanted = tuple(formats or self.formats)
        build = BuildState(self.theme_digest, self._previous(source, wanted)) if self.incremental else None
        return PostJob(
            source=source,
            formats=wanted,
            settings=self.settings,
            out_dir=self.folder,
            output_file=self.target,
            build=build,
            within=self.within.get(source),
        )

    def deliver(self, source: Path, result: ExportResult, *, record: bool = True) -> None:
        """Report one final result (each diagnostic once per post); ``record`` what built it."""
        seen = self._shown.setdefault(source, set())
        unseen = tuple(d for d in result.diagnostics if d not in seen)
        seen.update(unseen)
        if len(unseen) != len(result.diagnostics):
            result = replace(result, diagnostics=unseen)
        self.known.setdefault(source, {})[result.format] = result
        if record and result.output is not None and result.build is not None:
            self.manifests.record(result.output, result.build, result.diagnostics)
            self.manifests.save_soon()
        if self.on_result is not None:
            self.on_result(result)

    def finish(self, source: Path, results: Iterable[ExportResult], *, record: bool = True) -> None:
        """Report those of ``results`` not reported yet."""
        for result in results:
            if result.format not in self.known.get(source, {}):
                self.deliver(source, result, record=record)

    def missing(self, source: Path, formats: Sequence[str]) -> list[str]:
        """Those of ``formats`` of ``source`` without a result yet."""
        return [f for f in formats if f not in self.known.get(source, {})]

    def _previous(self, source: Path, formats: Sequence[str]) -> dict[str, Entry]:
        """The manifest entries of ``formats`` of ``source`` (none when rebuilding all)."""
        found: dict[str, Entry] = {}
        for fmt in formats if self.incremental and not self.force else ():
            entry = self.manifests.entry(self._output(source, fmt))
            if entry is not None:
                found[fmt] = entry
        return found

    def _answered_from_cache(self, source: Path) -> bool:
        """Whether every output of ``source`` is up to date by its files alone (no worker
        needed); if so, its results are reported."""
        entries = self._previous(source, self.formats)
        if len(entries) < len(self.formats) or (
            self.settings.strict and any(e.warned for e in entries.values())
        ):
            return False
        results = []
        for fmt, entry in entries.items():
            output = self._output(source, fmt)
            if not entry.unchanged(output, buildcache.context_key(source, self.contexts[fmt])):
                return False
            results.append(skipped(source, fmt, output, entry, None, None))
        self.finish(source, results, record=False)  # the manifest already says all of it
        return True

    def _output(self, source: Path, fmt: str) -> Path:
        return output_path(source, self.classes[fmt].file_extension, self.folder, self.target)

    def _remove_leftovers(self) -> None:
        """Remove the temporaries a killed run left in the output folder: ours only (see
        :mod:`export_post.leftovers`), for an output of any format, or for the manifest."""
        assert self.folder is not None
        extensions = (cls.file_extension for cls in self.classes.values())
        endings = (*extensions, *(f".{name}" for name in format_names()))
        leftovers.remove_stale_temporaries(
            self.folder, lambda name: name == buildcache.MANIFEST_NAME or name.endswith(endings)
        )


def _schedule(batch: Batch, todo: Sequence[Path], runner: _Runner) -> None:
    """The jobs of ``todo`` run where ``runner`` says. In parallel, the longest first (by
    size, a rough guide): no big post is left to run alone at the end while the others idle."""
    largest_first = sorted(todo, key=_size, reverse=True)
    if runner.executor is not None:
        RemoteRun(batch, largest_first, runner).run()
    elif runner.isolate and todo:
        jobs = min(runner.jobs or cpu_count(), len(todo))
        kept = {"pool": runner.pool} if runner.pool is not None else {}  # only a cluster worker keeps them
        workers = IsolatedRunner(run_job, jobs, runner.limits, **kept)
        _IsolatedRun(batch, largest_first, runner.on_start, workers).run()
    else:
        for source in todo:
            if runner.on_start is not None:
                runner.on_start(source)
            batch.finish(source, run_job(batch.job(source)))


class _IsolatedRun:
    """Each post in a worker; results arrive as each format is done. A format whose step
    fails (its time limit, its worker's death) fails alone: the post's formats still to do
    run again in a new worker. A failure while reading the post fails all its formats."""

    def __init__(
        self,
        batch: Batch,
        sources: Sequence[Path],
        on_start: Callable[[Path], None] | None,
        workers: IsolatedRunner[list[ExportResult]],
    ) -> None:
        self.batch = batch
        self.sources = list(sources)
        self.on_start = on_start
        self.workers = workers
        self.tasks: list[PostJob] = [batch.job(source) for source in sources]
        self.steps: dict[int, str] = {}

    def run(self) -> None:
        self.workers.run(
            [(job,) for job in self.tasks],
            on_start=self.started,
            on_result=self.ended,
            on_progress=self.progressed,
            on_idle=self.batch.manifests.save_soon,
        )

    def started(self, index: int) -> None:
        if self.on_start is not None and index < len(self.sources):  # not again for a post's second worker
            self.on_start(self.sources[index])

    def progressed(self, index: int, value: tuple[str, Any]) -> None:
        kind, item = value
        if kind == "step":
            self.steps[index] = item
        elif kind == "result":
            self.batch.deliver(self.tasks[index].source, item)

    def ended(self, index: int, outcome: list[ExportResult] | Failure) -> None:
        job = self.tasks[index]
        source = job.source
        if not isinstance(outcome, Failure):
            self.batch.finish(source, outcome)
            return
        missing = self.batch.missing(source, job.formats)
        step = self.steps.get(index, READ_STEP)
        if step not in missing:  # while reading the post: every format fails
            self.batch.finish(source, failed(source, missing, f"{source}: {outcome.reason}"))
            return
        self.batch.deliver(
            source, ExportResult(source=source, format=step, error=f"{source}: {step}: {outcome.reason}")
        )
        rest = [f for f in missing if f != step]
        if rest:
            self.tasks.append(self.batch.job(source, rest))
            self.workers.add((self.tasks[-1],))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
