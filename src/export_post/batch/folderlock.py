"""One run at a time on an output folder's shared files: an exclusive lock on the folder itself.

``flock`` on the folder's own descriptor puts no file in it, and the kernel drops the lock when
its holder ends, however it ends. Runs hold it only while they merge and write the build
cache, a few milliseconds. A file system that cannot lock a folder (some network file
systems) gets no lock: the build cache stays correct (each entry describes the very file its
writer wrote), concurrent runs may then only forget each other's entries, which costs a rebuild.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

_UNSUPPORTED = frozenset({errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS})


class FolderBusy(OSError):
    """Another process held the folder's lock for longer than we wait."""


@contextlib.contextmanager
def folder_lock(folder: Path, *, timeout: float = 10.0) -> Iterator[bool]:
    """Hold the exclusive lock of ``folder`` for the block; yields whether it is really held
    (``False``: the file system cannot lock). Raises :class:`FolderBusy` after ``timeout``
    seconds of waiting, or ``OSError`` when the folder cannot be opened."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        held = _acquire(fd, folder, timeout)
        yield held
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, folder: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise FolderBusy(f"{folder} is locked by another export-post run") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        except OSError as err:
            if err.errno in _UNSUPPORTED:
                return False
            raise
