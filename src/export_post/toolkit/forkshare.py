"""Work shared with a forked copy of this process, when the command says it may fork.

Typesetting formulas (ziamath) is pure Python, and drawing them (resvg) holds the GIL, so
threads would share one CPU. The command line converting one post in its own process (a
served copy included) enters :func:`forking_allowed`; an exporter then hands :func:`share`
jobs whose results are bytes: a copy of the process (``os.fork``) does some of them and
sends the results back through a pipe once done, while this process does the rest. The two
take the jobs from one queue, so each does about half of the work. The copy runs the same
code on the same state, so its results are the ones this process would get.

Nothing is forked in a library caller's process (it is not ours to copy), in a process with
a second thread (the copy could inherit a lock another thread holds; the command's progress
bar stops its refresh thread for the moment of the fork), off Linux, with one CPU, or for
fewer jobs than the caller's minimum (forking costs a few milliseconds). A copy that fails
sends nothing: its jobs are then done here, when asked for, as without it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NoReturn, TypeVar

from ..cpus import cpu_count, single_threaded

J = TypeVar("J")
Pause = Callable[[], AbstractContextManager[object]]
_allowed: Pause | None = None  # set: forking is allowed, with threads of ours stopped by this
_NUMBER = struct.Struct("!i")  # a job's number in the queue
_FRAME = struct.Struct("!iq")  # a result: its job's number and its length (-1: none)
_MAX_JOBS = 8192  # the queue fits a pipe's buffer (64 KiB); the rest are the caller's to do


@contextlib.contextmanager
def forking_allowed(pause: Pause = contextlib.nullcontext) -> Iterator[None]:
    """Within the block, :func:`share` may fork this process: for the command line, whose
    process is its own (never entered by the library's API). ``pause`` stops the threads the
    command itself runs (a progress bar's refresh) for the moment of the fork."""
    global _allowed
    before, _allowed = _allowed, pause
    try:
        yield
    finally:
        _allowed = before


def may_share() -> bool:
    """Whether :func:`share` may fork at all here (before the caller gathers its jobs)."""
    return _allowed is not None and sys.platform == "linux" and cpu_count() > 1


def share(
    jobs: Sequence[J],
    here: Callable[[J], object],
    there: Callable[[J], bytes | None],
    weight: Callable[[J], float],
    minimum: int,
) -> dict[J, bytes]:
    """Do ``jobs``: some with ``there`` in a forked copy, the rest with ``here`` in this
    process meanwhile; the copy's results by job (a job whose result is None, or that the
    copy did not send, is left out). Empty, with nothing done, when forking is not allowed or
    not worth it: then the caller does its jobs as it always does.

    The two take the jobs one at a time, the heaviest by ``weight`` first, from one queue:
    the jobs' numbers written into a pipe, which each reads a number at a time (Linux gives
    each read of a pipe to one reader, whole). So whichever is ahead takes more, however
    wrong the weights (an SVG figure's cost hardly follows its size)."""
    if _allowed is None or not may_share() or len(jobs) < minimum:
        return {}
    ordered = sorted(jobs, key=weight, reverse=True)[:_MAX_JOBS]
    with _allowed():
        if not single_threaded():
            return {}
        queue_read, queue_write = os.pipe()
        os.write(queue_write, b"".join(_NUMBER.pack(n) for n in range(len(ordered))))
        os.close(queue_write)  # so that a read of the emptied queue reads its end
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: do what it takes, send it, end without running any of our exits
            os.close(read_end)
            _work_and_send(ordered, there, queue_read, write_end)
    os.close(write_end)
    try:
        while (number := _take(queue_read)) is not None:
            here(ordered[number])
        received = _read_all(read_end)
    finally:
        os.close(read_end)
        os.close(queue_read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done already, unless this process was interrupted
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return {ordered[number]: result for number, result in _results(received) if result is not None}


def _take(queue: int) -> int | None:
    """The next job's number from the queue, or None once it is empty."""
    data = os.read(queue, _NUMBER.size)
    return int(_NUMBER.unpack(data)[0]) if len(data) == _NUMBER.size else None


def _work_and_send(jobs: list[J], there: Callable[[J], bytes | None], queue: int, write_end: int) -> NoReturn:
    try:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)  # our handlers clean up the run's outputs
        frames = []
        while (taken := _take(queue)) is not None:
            result = there(jobs[taken])
            frames.append(_FRAME.pack(taken, -1 if result is None else len(result)) + (result or b""))
        data = memoryview(b"".join(frames))
        while data:
            data = data[os.write(write_end, data) :]
    finally:
        os._exit(0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _results(received: bytes) -> list[tuple[int, bytes | None]]:
    """The copy's results with their jobs' numbers; none after a frame cut short (the copy
    died sending)."""
    results: list[tuple[int, bytes | None]] = []
    at = 0
    while at + _FRAME.size <= len(received):
        number, size = _FRAME.unpack_from(received, at)
        at += _FRAME.size
        if size < 0:
            results.append((number, None))
            continue
        if at + size > len(received):
            break
        results.append((number, received[at : at + size]))
        at += size
    return results
