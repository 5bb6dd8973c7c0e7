"""A post's formulas typeset before its export needs them, half of them in a forked copy of
this process, when the command says this process may fork.

Typesetting (ziamath) is pure Python, so threads would share one CPU. The command line
converting one post in its own process (:func:`forking_allowed`) lets an exporter call
:func:`typeset_ahead` with the formulas it will draw: a copy of the process (``os.fork``)
typesets every other one, by length, so that the halves cost about the same, and sends the
outcomes back through a pipe when it is done, while this process typesets the rest. The copy
runs the same code on the same state, so each picture is the one :func:`texmath.picture`
would make here; picture() takes it when it is asked for it.

Nothing is forked in a library caller's process (it is not ours to copy), in a process with
a second thread (the copy could inherit a lock another thread holds; the command's progress
bar stops its refresh thread for the moment of the fork), off Linux, or for fewer than
:data:`MIN_FORMULAS` formulas (forking costs a few milliseconds). If the copy fails,
what it did not send is typeset here, when asked for, as without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import NoReturn

from ..cpus import cpu_count, single_threaded
from ..model import Block, Math, MathBlock
from ..model.walk import block_inlines, iter_blocks, iter_inlines
from . import formulastore, texmath

MIN_FORMULAS = 8  # fewer cost less to typeset than a fork of the process and its pipe

Formula = tuple[str, bool]  # TeX, display
Pause = Callable[[], AbstractContextManager[object]]
_allowed: Pause | None = None  # set: forking is allowed, with threads of ours stopped by this


@contextlib.contextmanager
def forking_allowed(pause: Pause = contextlib.nullcontext) -> Iterator[None]:
    """Within the block, :func:`typeset_ahead` may fork this process: for the command line,
    whose process is its own (never entered by the library's API). ``pause`` stops the
    threads the command itself runs (a progress bar's refresh) for the moment of the fork."""
    global _allowed
    before, _allowed = _allowed, pause
    try:
        yield
    finally:
        _allowed = before


def formulas_in(blocks: Iterable[Block]) -> Iterator[Formula]:
    """Every formula of ``blocks`` (footnotes' too), in document order."""
    for block in iter_blocks(blocks):
        if isinstance(block, MathBlock):
            yield block.tex, True
        for inlines in block_inlines(block):
            for node in iter_inlines(inlines):
                if isinstance(node, Math):
                    yield node.tex, False


def typeset_ahead(formulas: Iterable[Formula]) -> int:
    """Typeset ``formulas`` (each at its text size) now, half in a copy of this process, if
    forking is allowed and worth it; how many the copy typeset (0: nothing was done)."""
    if _allowed is None or sys.platform != "linux" or cpu_count() < 2:
        return 0
    todo = [(tex, display, texmath.text_size(display)) for tex, display in dict.fromkeys(formulas)]
    todo = [k for k in todo if not texmath.typeset_here(*k) and formulastore.get("picture", *k) is None]
    if len(todo) < MIN_FORMULAS:
        return 0
    ours, theirs = _halves(todo)
    texmath._ahead.clear()  # what an earlier post's copy sent and no one asked for
    with _allowed():
        if not single_threaded():
            return 0
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: typeset its half, send it, end without running any of our exits
            os.close(read_end)
            _typeset_and_send(theirs, write_end)
    os.close(write_end)
    try:
        for key in ours:
            texmath.picture(*key)
        received = _read_all(read_end)
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done already, unless this process was interrupted
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    sent = _outcomes(received)
    for key, outcome in zip(theirs, sent, strict=False):
        if outcome is not None:
            texmath._ahead[key] = outcome
    return len(sent)


def _halves(todo: list[tuple[str, bool, float]]) -> tuple[list[tuple[str, bool, float]], ...]:
    """Two shares of about equal work, by TeX length (display formulas count double)."""
    shares: tuple[list[tuple[str, bool, float]], list[tuple[str, bool, float]]] = ([], [])
    loads = [0, 0]
    for key in sorted(todo, key=lambda k: len(k[0]) * (2 if k[1] else 1), reverse=True):
        lighter = loads.index(min(loads))
        shares[lighter].append(key)
        loads[lighter] += len(key[0]) * (2 if key[1] else 1)
    return shares


def _typeset_and_send(keys: list[tuple[str, bool, float]], write_end: int) -> NoReturn:
    try:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)  # our handlers clean up the run's outputs
        outcomes = [texmath._outcome_to_json(texmath._typeset(*key)).decode("utf-8") for key in keys]
        data = memoryview(json.dumps(outcomes).encode("utf-8"))
        while data:
            data = data[os.write(write_end, data) :]
    finally:
        os._exit(0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _outcomes(received: bytes) -> list[texmath.Outcome[texmath.MathImage] | None]:
    try:
        sent = json.loads(received)
    except ValueError:
        return []  # the copy died before it sent: typeset when asked for
    if not isinstance(sent, list):
        return []
    return [texmath._outcome_from_json(str(item).encode("utf-8")) for item in sent]
