"""Reading a file someone else may have planted: a FIFO, device or socket is refused before it
is opened (opening a FIFO blocks; opening some devices acts), and a file that must stay inside
a folder is checked again on the descriptor actually opened, so a symlink swapped in between
the check and the read cannot lead out.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symlink"),
)


class RefusedFile(OSError):
    """A file that exists but must not be read here; ``str()`` is the reason, one line."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "refused"


class FileTooLarge(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def kind(mode: int) -> str:
    """``"a FIFO"``, ``"a folder"``...: what a file that is not a regular file is."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def is_inside(path: str | Path, folder: str | Path) -> bool:
    """``path`` (already resolved) is ``folder`` (already resolved) or under it."""
    path, folder = os.fspath(path), os.fspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_regular(path: Path, *, within: Path | None = None, follow: bool = True) -> os.stat_result:
    """What ``path`` is, without opening it: a regular file (inside ``within``, resolved, when
    given). Raises :class:`RefusedFile`, or ``OSError`` when it cannot be looked at."""
    info = Path(path).stat(follow_symlinks=follow)
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile(f"not a regular file ({kind(info.st_mode)})")
    if within is not None:
        real = os.path.realpath(path)
        if not is_inside(real, within.resolve()):
            raise RefusedFile(f"a symlink to {real}, outside {within}")
    return info


def open_regular(path: Path, *, within: Path | None = None, follow: bool = True) -> int:
    """A read-only descriptor of the regular file at ``path`` (see :func:`check_regular`).

    The file is checked before it is opened and again on the descriptor: the same file, still
    regular, and (on Linux, by the descriptor's own path) still inside ``within``."""
    info = check_regular(path, within=within, follow=follow)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise RefusedFile("it changed while being opened")
        if within is not None:
            real = _descriptor_path(fd, path)
            if not is_inside(real, within.resolve()):
                raise RefusedFile(f"a symlink to {real}, outside {within}")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path, *, max_bytes: int, within: Path | None = None, follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path`` (see :func:`open_regular`); a file over
    ``max_bytes`` raises :class:`FileTooLarge` without being read."""
    fd = open_regular(path, within=within, follow=follow)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise FileTooLarge(size)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since fstat
        raise FileTooLarge(len(data))
    return data


def _descriptor_path(fd: int, path: Path) -> str:
    """Where the open file really is: Linux says so for the descriptor itself; elsewhere the
    path resolved now, trusted only if it still names the opened file."""
    with contextlib.suppress(OSError):
        return str(Path(f"/proc/self/fd/{fd}").readlink())
    real = os.path.realpath(path)
    opened, now = os.fstat(fd), Path(real).stat()
    if (opened.st_dev, opened.st_ino) != (now.st_dev, now.st_ino):
        raise RefusedFile("it changed while being opened")
    return real
