"""The warm server: import everything once, then fork a copy of this pristine process for
each run (:mod:`.request`), until no run has come for :func:`place.idle_seconds`.

The server stays single-threaded and does nothing but import and rehearse (:mod:`.rehearsal`),
so that forking it is safe; it ends, and the next run starts a new one, when any module it
imported, or the machine's fonts (:mod:`.fontstamps`), changed on disk.
Only connections from the same user are served.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..cpus import single_threaded
from . import fontstamps, place, rehearsal

_POLL = 5.0  # seconds between looks at finished runs and the idle clock


def main(socket_path: str) -> int:
    path = Path(socket_path)
    lock = _lock(path.with_suffix(".lock"))
    if lock is None:
        return 0  # another server for this key is starting or running
    signal.signal(signal.SIGTERM, _stop)
    _record(lock, 0)
    try:
        fonts = _stamps_of(fontstamps.watched())  # before anything reads a font
        gc.disable()  # no holes in the pages the copies share (see gc.freeze)
        warm()
        with contextlib.suppress(Exception):
            rehearsal.rehearse()  # only a speed-up: a server that could not rehearse still serves
        gc.collect()  # the rehearsal's garbage, once
        gc.freeze()  # what warm() made, never scanned again: a copy's collections touch none of it
        stamps = _stamps_of(_module_files()) | fonts
        if not single_threaded():  # an import started a thread: forking could deadlock the copies
            raise RuntimeError("threads")
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a crashed server's; ours now, under the lock
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.fspath(path))
        path.chmod(0o600)
        listener.listen(16)
        inode = path.stat().st_ino
    except SystemExit:
        os.close(lock)
        return 0
    except Exception:
        # This setting cannot have a server: say so, or every run would start one again.
        with contextlib.suppress(OSError):
            place.refused_marker(path).touch()
        os.close(lock)
        return 0
    server = os.getpid()
    try:
        connection = _serve(listener, stamps, lock)
    finally:
        if os.getpid() == server:  # not in a forked copy
            with contextlib.suppress(OSError):
                if path.stat().st_ino == inode:
                    path.unlink()
    if connection is None:
        return 0
    os.close(lock)  # a fork's copy: the server keeps the lock
    listener.close()
    from .request import run_request

    return run_request(connection)


def warm() -> None:
    """Import what a run imports: the command, every exporter (with its package's modules),
    the themes' packages, the reader's Markdown plugins, Pillow's image plugins, and the math
    typesetter with its font. Only code and fonts: nothing a run's files or settings change."""
    from PIL import Image

    from export_post import cli  # noqa: F401
    from export_post.reader import warm as warm_reader
    from export_post.registry import exporter_class, format_names
    from export_post.themes import installed_themes
    from export_post.toolkit import texmath

    for name in format_names():
        with contextlib.suppress(Exception):
            _import_package_of(exporter_class(name))
    for entry in installed_themes().values():
        with contextlib.suppress(Exception):
            entry.load()
    warm_reader()
    Image.init()
    texmath.warm()


def _import_package_of(cls: type) -> None:
    import importlib
    import pkgutil

    package = sys.modules[cls.__module__.partition(".")[0]]
    for module in pkgutil.walk_packages(getattr(package, "__path__", []), package.__name__ + "."):
        if not module.name.rsplit(".", 1)[-1].startswith("__"):
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)


def _serve(listener: socket.socket, stamps: dict[str, tuple[int, int]], lock: int) -> socket.socket | None:
    """Serve until idle or stale; the connection of a run in a forked copy."""
    idle = place.idle_seconds()
    last = time.monotonic()
    children: set[int] = set()
    runs = 0
    while True:
        children = {pid for pid in children if not _finished(pid)}
        waited = time.monotonic() - last
        if not children and waited >= idle:
            return None
        listener.settimeout(min(_POLL, max(0.1, idle - waited)))
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        last = time.monotonic()
        if not _same_user(connection):
            connection.close()
            continue
        if _stamps_of(stamps) != stamps:  # each path stamped at the start, stamped again
            connection.close()  # the run sees no reply and runs itself; it starts a new server
            return None
        pid = os.fork()
        if pid == 0:
            gc.enable()
            listener.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            return connection
        children.add(pid)
        connection.close()
        runs += 1
        _record(lock, runs)


def _record(lock: int, runs: int) -> None:
    """Who holds the lock and how many runs it has served (read by :func:`place.servers`)."""
    with contextlib.suppress(OSError):
        os.ftruncate(lock, 0)
        os.pwrite(lock, json.dumps({"pid": os.getpid(), "runs": runs}).encode(), 0)


def _stop(number: int, frame: object) -> None:
    raise SystemExit(0)


def _finished(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def _same_user(connection: socket.socket) -> bool:
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True  # not Linux: the socket's folder is the user's alone (place.folder)
    credentials = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def _stamps_of(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Each path's last change and size; (-1, -1) for one that does not exist (yet).
    (``os.stat`` of a string: a ``Path`` for each of the thousand paths took 14 ms a run,
    this 4.)"""
    stamps: dict[str, tuple[int, int]] = {}
    for path in paths:
        try:
            info = os.stat(path)  # noqa: PTH116 (see the docstring)
        except OSError:
            stamps[path] = (-1, -1)
        else:
            stamps[path] = (info.st_mtime_ns, info.st_size)
    return stamps


def _module_files() -> Iterator[str]:
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if isinstance(filename, str):
            yield filename


def _lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    if not place.try_lock(fd):
        os.close(fd)
        return None
    return fd
