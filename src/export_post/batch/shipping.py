"""A post sent to a worker that shares no disk with the caller, and its outputs sent back.

The caller *surveys* each post (:func:`survey`): it reads the post as a worker would, sees
which outputs are still up to date (the build cache), and collects the bytes of every file
the reader and the post's resolver look at, through the same locator, roots and policy as a
local run (:class:`~export_post.resources.digests.ContentDigests`): the post, its site's
``_config.yml`` and math configuration, the images it may use (and those its SVGs draw), a
theme given as a folder, and a file an option names (a reference deck). That is a
:class:`Parcel`.

The worker (:func:`convert_parcel`) lays those files out in a private folder under the
same absolute paths (``ROOT/home/me/site/...``), converts the post there with the usual
local batch (a child process under the same time and memory limits as locally), and returns
each output's bytes with its result. Nothing else of the worker's disk is read: a reference
to a file that was not shipped is simply not found there. The caller maps paths back and
writes each output itself, atomically, recording the build cache as a local run does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..diagnostics import LOGGER, Diagnostic
from ..errors import ExportPostError
from ..reader import load_post
from ..registry import exporter_class
from ..resources.digests import ContentDigests
from .buildcache import Entry, Record, image_refs
from .isolation import Limits, WorkerPool, report_progress
from .job import READ_STEP, PostJob, _config_paths, _PostRun, _Rendered, _stamps
from .results import ExportResult, failed

MAX_ATTEMPTS = 2  # a post whose Dask worker is lost is tried once more, then fails
OUTPUT_FOLDER = "__outputs__"  # in the worker's private folder, beside the shipped root


@dataclass(frozen=True, slots=True, kw_only=True)
class Parcel:
    """What a worker needs to convert ``job.formats`` of one post, apart from the file bytes
    (sent beside it, so that a Dask cluster can send large ones once per worker)."""

    job: PostJob  # as the caller runs it; its paths are the caller's
    real_source: str  # where the post's bytes are laid out (its real path)
    folders: tuple[str, ...] = ()  # folders the reader walks (math configuration)
    options: Mapping[str, Any] = field(default_factory=dict)  # the options naming shipped files
    attempts: str | None = None  # on a Dask cluster: the name of its count of attempts


# A file's bytes; the size of one over the policy's limit (the worker makes an empty, sparse
# file of that size); None for a path that leads out of the allowed folders (the worker makes
# a symlink to "/" there). Either is refused by the worker's resolver as the original is here.
Shipped = bytes | int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Survey:
    """A post read by the caller: what is up to date, and what to send for the rest."""

    source: Path
    done: tuple[ExportResult, ...]  # up to date (skipped), or failed while reading
    records: Mapping[str, Record | None]  # the build cache's record of each format to make
    parcel: Parcel | None  # None: nothing left to make
    waiting: Mapping[str, Entry] = field(default_factory=dict)  # strict: up to date, not reported yet
    files: Mapping[str, Shipped] = field(default_factory=dict, repr=False)


def survey(job: PostJob) -> Survey:
    """Read ``job``'s post here, as a local worker would (under the same limits when run in
    one), and pack what a remote worker needs for the formats not up to date."""
    report_progress(("step", READ_STEP))
    classes = {fmt: exporter_class(fmt) for fmt in job.formats}
    read = _stamps(job)
    try:
        document = load_post(job.source, site_root=job.settings.site_root, within=job.within)
    except ExportPostError as err:
        return _failed(job, str(err))
    except Exception as err:
        return _failed(job, f"{job.source}: unexpected error: {type(err).__name__}: {err}")
    run = _PostRun(job, document, classes)
    files = _Files(job.settings.policy().max_bytes)
    fresh = run._fresh(job.build, read) if job.build is not None else {}
    todo = tuple(fmt for fmt in job.formats if fmt not in fresh)
    # Under strict, an up-to-date output fails too when the formats made now warn: it waits.
    waiting = fresh if job.settings.strict and todo else {}
    done = tuple(run._skipped(fmt, entry, None) for fmt, entry in fresh.items() if fmt not in waiting)
    if not todo:
        return Survey(source=job.source, done=done, records={}, parcel=None)
    real = files.add(job.source)
    folders = []
    for path in _config_paths(job.source, job.settings.site_root):
        if path.is_dir():
            folders.append(str(path.absolute()))
        else:
            files.add(path)
    digests = ContentDigests(run.resolver.locator.observed_by(files.consider))
    for ref in image_refs(document):
        digests.digest(ref)
    settings, options = job.settings, dict(job.settings.options)
    for folder in run.theme.folders if isinstance(settings.theme, Path) else ():
        if isinstance(folder, Path):
            files.add_tree(folder)
    for path in run.theme.referenced_files().values():
        files.add(path)
    shipped_options = {}
    for name, value in options.items():
        if _names_file(value):
            files.add(Path(value))
            shipped_options[name] = str(Path(value).absolute())
    parcel = Parcel(
        job=replace(job, formats=todo, build=None, within=None),
        real_source=real,
        folders=tuple(folders),
        options=shipped_options,
    )
    return Survey(
        source=job.source,
        done=done,
        records={fmt: run.records.get(fmt) for fmt in (*todo, *waiting)},
        waiting=waiting,
        parcel=parcel,
        files=files.found,
    )


def _names_file(value: object) -> bool:
    """Whether an option's value names a file (a reference deck, say), which then travels too."""
    looks_like_path = isinstance(value, Path) or (isinstance(value, str) and ("/" in value or "." in value))
    return looks_like_path and Path(str(value)).is_file()


def _failed(job: PostJob, error: str) -> Survey:
    return Survey(
        source=job.source, done=tuple(failed(job.source, job.formats, error)), records={}, parcel=None
    )


class _Files:
    """The bytes of each file a worker must see, by the absolute path it is looked for at
    (lexical, as a worker without the caller's symlinks resolves it) and by its real one."""

    def __init__(self, max_bytes: int) -> None:
        self.found: dict[str, Shipped] = {}
        self.max_bytes = max_bytes

    def add(self, path: Path) -> str:
        """Ship ``path`` (when it is a readable regular file); its real path."""
        real = os.path.realpath(path)
        data: Shipped | None = None
        with contextlib.suppress(OSError):
            size = Path(real).stat().st_size
            if not Path(real).is_file():
                data = None
            elif size > self.max_bytes:
                data = size
            else:
                data = Path(real).read_bytes()
        if data is not None:
            for where in dict.fromkeys((real, os.path.normpath(path.absolute()))):
                self.found[where] = data
        return real

    def consider(self, path: Path, inside: bool) -> None:
        """The locator's observer: a file a reference leads to, shipped if the post may read it."""
        if inside:
            self.add(path)
        else:
            self.found.setdefault(os.path.normpath(path.absolute()), None)

    def add_tree(self, folder: Path) -> None:
        for current, _dirs, names in os.walk(folder):
            for name in names:
                self.add(Path(current) / name)


def relocated(path: str | os.PathLike[str], root: Path) -> Path:
    """Where the caller's absolute ``path`` is laid out under ``root``."""
    return root / os.path.normpath(Path(path).absolute()).lstrip(os.sep)


def lay_out(files: Mapping[str, Shipped], folders: Iterable[str], root: Path) -> None:
    """Write the shipped files (and create the shipped folders) under ``root``."""
    for folder in folders:
        relocated(folder, root).mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        target = relocated(path, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            continue
        if isinstance(data, int):
            with target.open("wb") as handle:
                handle.truncate(data)
        else:
            target.write_bytes(data)
    for path, data in files.items():  # last: nothing is ever written through these
        target = relocated(path, root)
        if data is None and not target.exists() and not target.is_symlink():
            target.symlink_to("/")


Returned = list[tuple[ExportResult, bytes | None]]


def convert_parcel(parcel: Parcel, files: Mapping[str, Shipped], limits: Limits) -> tuple[str, Returned]:
    """Convert a parcel in a private folder of this worker, each step in a child process
    under ``limits``; the folder's name (for the caller to map paths back) and each
    format's result with the bytes of its output."""
    from .buildcache import Manifests
    from .discovery import Post
    from .schedule import Batch, _Runner

    if _attempt(parcel.attempts) > MAX_ATTEMPTS:
        error = f"{parcel.job.source}: its worker was lost {MAX_ATTEMPTS} times; not tried again"
        given_up = failed(parcel.job.source, parcel.job.formats, error)
        return "", [(result, None) for result in given_up]
    _allow_children()
    _preload(parcel.job.formats)
    with tempfile.TemporaryDirectory(prefix="export-post-") as private:
        root = Path(private) / "root"
        lay_out(files, parcel.folders, root)
        job = parcel.job
        settings = job.settings
        theme = relocated(settings.theme, root) if isinstance(settings.theme, Path) else settings.theme
        options = {**settings.options, **{k: str(relocated(v, root)) for k, v in parcel.options.items()}}
        site_root = relocated(settings.site_root, root) if settings.site_root is not None else None
        here = replace(settings, theme=theme, options=options, site_root=site_root)
        out = Path(private) / OUTPUT_FOLDER
        out.mkdir()
        source = relocated(parcel.real_source, root)
        batch = Batch(job.formats, here, out, None, force=True, manifests=Manifests(_ignore), on_result=None)
        runner = _Runner(jobs=1, limits=limits, isolate=True, executor=None, on_start=None, pool=_WORKERS)
        results = batch.run([Post(source)], runner)
        returned: Returned = []
        for result in results:
            data = result.output.read_bytes() if result.output is not None else None
            returned.append((replace(result, output=None, build=None), data))
        return str(root), returned


# This process's idle worker process, kept from one post to the next as a local batch keeps
# its workers: a post's conversion starts warm (its imports, fonts and caches are loaded).
_WORKERS = WorkerPool()


def _attempt(name: str | None) -> int:
    """How many times this task has started on the Dask cluster, this time included.

    A post runs in a child process, so its own crash never kills a Dask worker; a worker
    lost under a task (a node gone, the OOM killer) makes the scheduler run the task again
    elsewhere, as often as its ``allowed-failures`` says. The count, kept by the scheduler
    (a ``distributed.Variable``), stops that after one retry whatever that setting is."""
    if name is None:
        return 1
    try:
        from distributed import Variable, get_worker

        get_worker()
    except (ImportError, ValueError):  # not in a Dask worker
        return 1
    count = Variable(name)  # type: ignore[no-untyped-call]
    try:
        started = int(count.get(timeout=10))  # type: ignore[no-untyped-call]
    except TimeoutError:  # the caller set none: count from here
        started = 0
    count.set(started + 1)  # type: ignore[no-untyped-call]
    return started + 1


def _ignore(message: str) -> None:
    LOGGER.debug("%s", message)


def _allow_children() -> None:
    """Let a daemonic Dask worker process start its own worker processes.

    A nanny starts its worker as a daemon, and multiprocessing refuses a daemon children
    (so that none outlives it); ours end with the worker anyway: each watches its caller
    (:func:`~export_post.batch.isolation._watch`) and is killed when the batch ends."""
    process = multiprocessing.current_process()
    if process.daemon:
        process._config["daemon"] = False  # type: ignore[attr-defined]


def _preload(formats: Iterable[str]) -> None:
    """Have this worker's fork server import the exporters once, before its first child:
    each post's child process then starts in milliseconds instead of importing them again
    (a Dask worker keeps its fork server from one task to the next). Too late once it runs."""
    modules = ["export_post.batch.job", *(exporter_class(fmt).__module__ for fmt in formats)]
    multiprocessing.get_context("forkserver").set_forkserver_preload(modules)


def unpacked(
    parcel: Parcel, records: Mapping[str, Record | None], root: str, returned: Returned
) -> list[tuple[_Rendered, Record | None]]:
    """The worker's results as this machine's: its paths mapped back, ready to be written."""
    job = parcel.job
    mapping = ((root + parcel.real_source, str(job.source)), (root, ""))

    def here(text: str | None) -> str | None:
        if text is None:
            return None
        for theirs, ours in mapping:
            text = text.replace(theirs, ours)
        return text

    def diagnostic(d: Diagnostic) -> Diagnostic:
        return replace(d, path=job.source, message=here(d.message) or "")

    out = []
    for result, data in returned:
        rendered = _Rendered(
            format=result.format,
            data=data,
            error=here(result.error),
            detail=here(result.detail) or "",
            diagnostics=tuple(diagnostic(d) for d in result.diagnostics),
            seconds=result.seconds,
        )
        out.append((rendered, records.get(result.format)))
    return out
