"""A batch on an executor whose workers share no disk with this machine (a Dask cluster).

Each post is surveyed here first (:func:`~.shipping.survey`), in a local worker process
under the batch's limits, since reading a post is already work on untrusted input; what is
up to date is reported at once, the rest is sent as a :class:`~.shipping.Parcel` with the
bytes of its files. On a Dask cluster a file over :data:`SCATTER_BYTES` travels on its own,
named by its content, so each worker fetches a picture many posts show once. The outputs
come back as bytes and are written here, exactly as a local run writes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cpus import cpu_count
from ..diagnostics import Severity
from ..errors import StrictModeError
from .isolation import Failure, IsolatedRunner
from .job import PostJob, skipped, write
from .results import failed
from .shipping import Returned, Shipped, Survey, convert_parcel, survey, unpacked

if TYPE_CHECKING:
    from .schedule import Batch, _Runner

SCATTER_BYTES = 64 * 1024  # files at least this large are sent once per worker (Dask only)


class RemoteRun:
    """The posts of a batch surveyed here, converted on ``runner.executor``, written here."""

    def __init__(self, batch: Batch, sources: Sequence[Path], runner: _Runner) -> None:
        assert runner.executor is not None
        self.batch = batch
        self.sources = list(sources)
        self.runner = runner
        self.executor: Executor = runner.executor
        client = getattr(self.executor, "_client", None)  # distributed's ClientExecutor
        self.client = client if callable(getattr(client, "scatter", None)) else None
        self.jobs: list[PostJob] = [batch.job(source) for source in sources]
        self.pending: dict[Future[tuple[str, Returned]], Survey] = {}
        self.scattered: dict[str, Any] = {}
        self.counters: list[str] = []  # the names of the attempt counts on the scheduler

    def run(self) -> None:
        on_start: Callable[[Path], None] | None = self.runner.on_start
        try:
            if self.runner.isolate and self.jobs:
                jobs = min(self.runner.jobs or cpu_count(), len(self.jobs))
                surveyors = IsolatedRunner(survey, jobs, self.runner.limits)
                surveyors.run(
                    [(job,) for job in self.jobs],
                    on_start=lambda index: on_start(self.sources[index]) if on_start else None,
                    on_result=self.surveyed,
                    on_idle=self.collect,
                )
            else:
                for index, job in enumerate(self.jobs):
                    if on_start is not None:
                        on_start(job.source)
                    self.surveyed(index, survey(job))
            for future in as_completed(list(self.pending)):
                self.arrived(future)
        except BaseException:
            for future in self.pending:
                future.cancel()
            raise
        finally:
            self.scattered.clear()  # the cluster may forget the pictures, and the counts
            self._forget_counters()

    def surveyed(self, index: int, outcome: Survey | Failure) -> None:
        """A post read here: report what is done, send the rest."""
        job = self.jobs[index]
        if isinstance(outcome, Failure):
            self.batch.finish(job.source, failed(job.source, job.formats, f"{job.source}: {outcome.reason}"))
            return
        self.batch.finish(job.source, outcome.done)
        if outcome.parcel is not None:
            if self.client is not None:
                attempts = f"export-post-attempts-{uuid.uuid4().hex}"
                self._start_counter(attempts)
                outcome = replace(outcome, parcel=replace(outcome.parcel, attempts=attempts))
            assert outcome.parcel is not None
            files = self._files(outcome.files)
            future = self.executor.submit(convert_parcel, outcome.parcel, files, self.runner.limits)
            self.pending[future] = outcome
        self.collect()

    def collect(self) -> None:
        """Report the posts converted so far."""
        for future in [f for f in self.pending if f.done()]:
            self.arrived(future)

    def arrived(self, future: Future[tuple[str, Returned]]) -> None:
        done = self.pending.pop(future, None)
        if done is None or done.parcel is None:
            return
        parcel, source = done.parcel, done.source
        try:
            root, returned = future.result()
        except Exception as err:  # the cluster's failure (a worker lost too often), not the post's
            self.batch.finish(
                source, failed(source, parcel.job.formats, f"{source}: {type(err).__name__}: {err}")
            )
            return
        made = unpacked(parcel, done.records, root, returned)
        for rendered, record in made:
            target = parcel.job.target(self.batch.classes[rendered.format])
            self.batch.deliver(source, write(rendered, source, target, None, record))
        if done.waiting:  # strict: the warnings of what was made now fail these too
            warnings = tuple(d for r, _ in made for d in r.diagnostics if d.severity is Severity.WARNING)
            error = str(StrictModeError(warnings, path=source)) if warnings else None
            for fmt, entry in done.waiting.items():
                target = parcel.job.target(self.batch.classes[fmt])
                self.batch.deliver(source, skipped(source, fmt, target, entry, done.records.get(fmt), error))
        missing = self.batch.missing(source, parcel.job.formats)
        self.batch.finish(source, failed(source, missing, f"{source}: the worker returned no result"))

    def _files(self, files: Mapping[str, Shipped]) -> dict[str, Any]:
        """The parcel's files, each large one replaced by its scattered copy on a Dask cluster."""
        if self.client is None:
            return dict(files)
        sent: dict[str, Any] = {}
        for path, data in files.items():
            if not isinstance(data, bytes) or len(data) < SCATTER_BYTES:
                sent[path] = data
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest not in self.scattered:
                self.scattered[digest] = self.client.scatter(data, hash=False, broadcast=False)
            sent[path] = self.scattered[digest]
        return sent

    def _start_counter(self, name: str) -> None:
        """A count of the starts of a post's task, at 0 (one that exists: the worker's read of
        it never waits nor logs a timeout on the scheduler)."""
        from distributed import Variable

        Variable(name, client=self.client).set(0)  # type: ignore[no-untyped-call]
        self.counters.append(name)

    def _forget_counters(self) -> None:
        if self.client is None or not self.counters:
            return
        from distributed import Variable

        for name in self.counters:
            with contextlib.suppress(Exception):  # a scheduler gone meanwhile keeps nothing anyway
                Variable(name, client=self.client).delete()  # type: ignore[no-untyped-call]
        self.counters.clear()
