"""Ctrl-C and ``SIGTERM`` (CI cancelling a job, ``timeout``, ``docker stop``) end a batch the
same way: the signal becomes an :class:`Interrupted` exception in the main thread, which
unwinds the batch like any error (workers killed, the build cache saved), and the command line
then prints what was done and exits with 128 + the signal's number (130, 143).

A second signal while that happens is ignored: cleaning up takes a moment, and must finish.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal. A ``BaseException``, like ``KeyboardInterrupt``: no
    ``except Exception`` on the way up mistakes it for a failure of one post."""

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number

    @property
    def name(self) -> str:
        return signal.Signals(self.number).name

    @property
    def exit_code(self) -> int:
        return 128 + self.number


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (once); the previous
    handlers come back after it. Outside the main thread, signals are left as they are."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(number: int, frame: FrameType | None) -> None:
        nonlocal raised
        if not raised:
            raised = True
            raise Interrupted(number)

    previous = {number: signal.signal(number, handler) for number in HANDLED}
    try:
        yield
    finally:
        for number, action in previous.items():
            signal.signal(number, action)
