"""Temporary files of ours that a killed writer left behind, and how to tell them from live ones.

:func:`export_post.output.write_atomic` writes ``.NAME.XXXXXXXX.tmp`` next to ``NAME`` (the
random part is ``tempfile.mkstemp``'s) and holds an exclusive ``flock`` on it until it is
renamed. The lock goes with the writer: a process killed by any means releases it. So a
temporary of ours that nobody holds locked is a leftover, whatever its age, and one that is
locked is being written. Where the file system cannot lock (some network file systems),
only a temporary older than :data:`STALE_AFTER` counts as a leftover, as before locks.

Nothing else is ever removed: the name must match ours exactly, the file must be a regular
file (not a symlink) owned by this user, and the caller says which ``NAME``s are ours.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".tmp"
STALE_AFTER = 60.0  # seconds: without locks, older temporaries of ours are a killed writer's
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp", re.DOTALL)  # mkstemp's 8 characters
_UNSUPPORTED = frozenset({errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS})


def temporary_prefix(name: str) -> str:
    return f".{name}."


def lock_temporary(fd: int) -> bool:
    """Mark the writer of the temporary ``fd`` as alive (until it closes it, or dies).
    ``False`` when the file system cannot lock (the temporary then ages out instead)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as err:
        if err.errno in _UNSUPPORTED:
            return False
        raise
    return True


def target_of(name: str) -> str | None:
    """The output a temporary of ours named ``name`` was for (``None``: not one of ours)."""
    found = _TEMPORARY.fullmatch(name)
    return found["name"] if found else None


def remove_stale_temporaries(folder: Path, ours: Callable[[str], bool]) -> list[Path]:
    """Remove the temporaries in ``folder`` for outputs ``ours(name)`` accepts whose writer is
    gone; the removed paths. Errors only leave a file where it is."""
    removed: list[Path] = []
    try:
        with os.scandir(folder) as listing:
            candidates = [e.name for e in listing if (t := target_of(e.name)) is not None and ours(t)]
    except OSError:
        return removed
    for name in candidates:
        path = folder / name
        with contextlib.suppress(OSError):
            if _remove_if_abandoned(path):
                removed.append(path)
    return removed


def _remove_if_abandoned(path: Path) -> bool:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        return False
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer holds it: being written
        except OSError as err:
            if err.errno not in _UNSUPPORTED or time.time() - info.st_mtime <= STALE_AFTER:
                return False
        # Still the file we locked (a writer that lost the race to us starts again, see output.py).
        now = os.lstat(path)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return False
        path.unlink()
        return True
    finally:
        os.close(fd)
