"""Running conversions in worker processes with a time limit and a memory cap.

A post is untrusted input: a pathological one can make a parser spin (mistune's emphasis
rules are quadratic), a renderer run for minutes (an SVG of nested ``<use>``), or memory
balloon. Each task runs in a long-lived worker process; a task that outlives its time
limit gets its worker killed and replaced, and is reported as a timeout; a worker that
dies (the memory cap, a crash) is reported as such. Other tasks are unaffected.

A task may report progress (:func:`report_progress`): each report reaches the caller at
once and starts the time limit afresh, so the limit applies to each step of a task (each
format of a post) rather than to the whole of it.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from .. import collector

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_TIMEOUT = 120.0  # seconds per step of a task: reading a post, then each of its formats
DEFAULT_MEMORY = 3 * 1024**3  # bytes of address space per worker


@dataclass(frozen=True, slots=True)
class Failure:
    """A task that did not return: it timed out or its worker died."""

    reason: str


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float | None = DEFAULT_TIMEOUT
    memory: int | None = DEFAULT_MEMORY


def _import_facade() -> None:
    """Import what the package's names stand for before the memory limit applies: a module
    compiled under a tight limit fails with a ``SystemError`` that does not say so."""
    import export_post

    for name in export_post.__all__:
        getattr(export_post, name)


def _limit_memory(memory: int | None) -> None:
    if memory is None or sys.platform != "linux":
        return
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _release_memory() -> None:
    """Give the memory a post used back to the system before the next one: a worker's
    peak then reflects its largest post, not the heap left over from all the ones before
    (glibc keeps freed memory otherwise).

    What survives the collection (modules, fonts, caches) is frozen out of later ones, which
    then only look at what the next post makes: 10-70 ms a post instead of 0.1-0.2 s."""
    gc.collect()
    gc.freeze()
    if sys.platform == "linux":
        # ImportError, MemoryError: under a tight --memory-limit even this import can fail
        with contextlib.suppress(OSError, AttributeError, ImportError, MemoryError):
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _watch(lifeline: Connection) -> None:
    """End this worker as soon as the calling process is gone (even after ``kill -9``).

    A worker is a child of the forkserver, which outlives the caller as long as a worker
    runs; without this, a worker would finish writing an output nobody asked for any more.
    Nothing is ever sent on ``lifeline``: it only ends, when its other end is closed."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(1)


_progress: Callable[[Any], None] | None = None


def report_progress(value: Any) -> None:
    """Tell the caller of the task running in this worker that a step is done (``value``
    reaches its ``on_progress``), and start the task's time limit afresh. Does nothing
    outside a worker."""
    if _progress is not None:
        _progress(value)


def _serve(conn: Connection, lifeline: Connection, memory: int | None) -> None:
    """Worker main loop: run (index, function, arguments) messages until told to stop."""
    global _progress
    threading.Thread(target=_watch, args=(lifeline,), daemon=True, name="lifeline").start()
    for number in (signal.SIGINT, signal.SIGTERM):  # the parent decides when to stop (and kills)
        signal.signal(number, signal.SIG_IGN)
    _import_facade()
    _limit_memory(memory)
    collector.tune()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, function, arguments = message
        _progress = lambda value, index=index: conn.send((index, ("progress", value)))  # noqa: E731
        try:
            outcome: tuple[str, Any] = ("ok", function(*arguments))
        except MemoryError:
            outcome = ("failed", "ran out of memory (the memory limit was reached)")
        except BaseException as err:
            outcome = ("failed", f"{type(err).__name__}: {err}")
        _progress = None
        try:
            conn.send((index, outcome))
        except (OSError, MemoryError):
            return
        del message, function, arguments, outcome  # the post's objects go before the next arrives
        _release_memory()


class _Worker:
    def __init__(self, context: Any, memory: int | None) -> None:
        self.memory = memory
        self.conn, child = context.Pipe()
        theirs, self.lifeline = context.Pipe(duplex=False)  # closed when this process ends
        self.process = context.Process(target=_serve, args=(child, theirs, memory), daemon=True)
        with _main_not_inherited():
            self.process.start()
        child.close()
        theirs.close()
        self.task: int | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        self.lifeline.close()


@contextmanager
def _main_not_inherited() -> Iterator[None]:
    """Start a worker without it importing the caller's main module.

    multiprocessing (forkserver and spawn) has each new process, and the forkserver itself,
    import the main script again, so that it could unpickle objects defined there. A worker
    needs nothing from it (it runs export-post's own functions), and a build script that
    calls ``export_many`` without an ``if __name__ == "__main__":`` guard would run again in
    every worker and fail there. With a bare ``__main__`` in place while a process starts,
    there is nothing to import."""
    with _MAIN_SWAP:  # batches started from several threads at once: one swap at a time
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


_MAIN_SWAP = threading.Lock()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    # forkserver: fast and free of the parent's threads and locks; spawn elsewhere.
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class WorkerPool:
    """Idle worker processes kept from one :meth:`IsolatedRunner.run` to the next, as a
    process that runs one short batch after another (a Dask worker: a post per task) keeps
    them: each new batch then starts with workers that have imported everything already.
    Only a worker that ended its last task normally is kept."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        # Before multiprocessing's own exit handler, which would wait for them forever (a
        # worker ignores SIGTERM): atexit runs the handlers registered last first, and
        # multiprocessing registers its own when multiprocessing.util is first imported.
        import multiprocessing.util  # noqa: F401

        atexit.register(self.close)

    def close(self) -> None:
        """End the idle workers."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def take(self, memory: int | None) -> _Worker | None:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.memory == memory and worker.process.is_alive():
                    return worker
                worker.kill()
        return None

    def give(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)


class IsolatedRunner(Generic[R]):
    """Runs ``function(*arguments)`` for each task in up to ``jobs`` worker processes (taken
    from and given back to ``pool``, when there is one)."""

    def __init__(
        self, function: Callable[..., R], jobs: int, limits: Limits, pool: WorkerPool | None = None
    ) -> None:
        self.function = function
        self.jobs = max(1, jobs)
        self.limits = limits
        self.pool = pool
        self._tasks: list[tuple[Any, ...]] = []
        self._pending: deque[int] = deque()

    def add(self, arguments: tuple[Any, ...]) -> int:
        """One more task, run before those still waiting (callable from the callbacks of
        :meth:`run`, which then reports it too); its index."""
        self._tasks.append(arguments)
        self._pending.appendleft(len(self._tasks) - 1)
        return len(self._tasks) - 1

    def run(
        self,
        tasks: Sequence[tuple[Any, ...]],
        *,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[int, R | Failure], None] | None = None,
        on_progress: Callable[[int, Any], None] | None = None,
        on_idle: Callable[[], None] | None = None,
    ) -> list[R | Failure]:
        """Every task's outcome, in task order. ``on_start(index)`` is called as a task is
        handed to a worker, ``on_progress(index, value)`` as it reports progress and
        ``on_result(index, outcome)`` as soon as it ends; ``on_idle()`` at least once a second.

        When the run is interrupted (``KeyboardInterrupt``, or any exception from a callback),
        every worker is killed at once and the exception goes on."""
        self._tasks = list(tasks)
        self._pending = deque(range(len(tasks)))
        session = _Session(self, on_start, on_result, on_progress)
        try:
            while self._pending or session.busy():
                session.start_pending()
                busy = session.busy()
                if not busy:
                    continue  # a callback added a task
                session.wait(busy)
                if on_idle is not None:
                    on_idle()
        except BaseException:
            for worker in session.workers:  # interrupted: no worker finishes what nobody waits for
                worker.kill()
            raise
        finally:
            session.close()
        return [session.results.get(i, Failure("not run")) for i in range(len(self._tasks))]

    def _deadline(self) -> float:
        timeout = self.limits.timeout
        return time.monotonic() + timeout if timeout else float("inf")


class _Session(Generic[R]):
    """One :meth:`IsolatedRunner.run`: its workers, the outcomes so far, the callbacks."""

    def __init__(
        self,
        runner: IsolatedRunner[R],
        on_start: Callable[[int], None] | None,
        on_result: Callable[[int, R | Failure], None] | None,
        on_progress: Callable[[int, Any], None] | None,
    ) -> None:
        self.runner = runner
        self.on_start, self.on_result, self.on_progress = on_start, on_result, on_progress
        self.context = _context()
        self.workers: list[_Worker] = []
        self.results: dict[int, R | Failure] = {}

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.task is not None]

    def start_pending(self) -> None:
        """Hand waiting tasks to idle (or new) workers, up to the runner's ``jobs``."""
        runner = self.runner
        while runner._pending and len(self.busy()) < runner.jobs:
            worker = next((w for w in self.workers if w.task is None), None)
            if worker is None and runner.pool is not None:
                worker = runner.pool.take(runner.limits.memory)
                if worker is not None:
                    self.workers.append(worker)
            if worker is None:
                worker = _Worker(self.context, runner.limits.memory)
                self.workers.append(worker)
            index = runner._pending.popleft()
            worker.task = index
            worker.deadline = runner._deadline()
            worker.conn.send((index, runner.function, runner._tasks[index]))
            if self.on_start is not None:
                self.on_start(index)

    def wait(self, busy: list[_Worker]) -> None:
        """Take what the busy workers sent within a second (or until the nearest deadline);
        a worker past its deadline is replaced and its task fails."""
        nearest = min(w.deadline for w in busy)
        ready = wait([w.conn for w in busy], timeout=max(0.0, min(nearest - time.monotonic(), 1.0)))
        now = time.monotonic()
        for worker in busy:
            assert worker.task is not None
            if worker.conn in ready:
                self._receive(worker)
            elif now > worker.deadline:
                task = worker.task
                self._replace(worker)
                self._finish(task, Failure(f"timed out after {self.runner.limits.timeout:g} s"))

    def close(self) -> None:
        if self.runner.pool is not None:
            for worker in [w for w in self.workers if w.task is None and w.process.is_alive()]:
                self.workers.remove(worker)
                self.runner.pool.give(worker)
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(2)
            worker.kill()

    def _receive(self, worker: _Worker) -> None:
        assert worker.task is not None
        try:
            index, (status, value) = worker.conn.recv()
        except (EOFError, OSError):
            task, failure = worker.task, Failure(_death(worker))
            self._replace(worker)
            self._finish(task, failure)
            return
        if status == "progress":
            worker.deadline = self.runner._deadline()
            if self.on_progress is not None:
                self.on_progress(index, value)
            return
        worker.task = None
        self._finish(index, value if status == "ok" else Failure(value))

    def _finish(self, index: int, outcome: R | Failure) -> None:
        self.results[index] = outcome
        if self.on_result is not None:
            self.on_result(index, outcome)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers.remove(worker)


def _death(worker: _Worker) -> str:
    worker.process.join(2)
    code = worker.process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"worker process was killed by {name}{hint}"
    return f"worker process exited unexpectedly (status {code})"
