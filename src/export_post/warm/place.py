"""Where a warm server listens, and which server a run may use.

A server serves one interpreter, one ``sys.path`` and one environment: its socket's name is
a digest of them (:func:`server_key`), so a run with other settings never reaches a server
that imported under different ones. The sockets live in a folder only the user can enter:
``$XDG_RUNTIME_DIR/export-post``, else ``/tmp/export-post-UID``, checked as tmux checks
its own (a folder, not a link, owned by the user, mode 0700).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys

try:  # CPython's own BLAKE2: hashlib's import loads OpenSSL first, 4 ms of every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

TYPE_CHECKING = False  # typing is not imported: only the standard library's cheapest modules are
if TYPE_CHECKING:
    from pathlib import Path

SETTING = "EXPORT_POST_SERVER"  # "off" runs every command in its own process
IDLE_SETTING = "EXPORT_POST_SERVER_IDLE"  # seconds a server waits for work before it ends
DEFAULT_IDLE = 600.0
MAX_SERVERS = 4  # servers of one user at once (each holds about 115 MB)
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux

# Left out of a server's key: variables a shell changes between commands, and ones read only
# while a run runs (each copy takes them from the run's own environment). None of them
# changes what a server imports, and a script may set them afresh for every run.
VOLATILE = frozenset(
    {
        *("PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES", "TERM_SESSION_ID", "WINDOWID"),
        *("SOURCE_DATE_EPOCH", "EXPORT_POST_CACHE_DIR", SETTING, IDLE_SETTING),
        *("TMPDIR", "TEMP", "TMP", "PYTEST_CURRENT_TEST"),
    }
)


def enabled() -> bool:
    """Whether runs may use (and start) a warm server: on Linux, unless
    ``EXPORT_POST_SERVER=off``. (macOS is left out: forking a process that has loaded
    system frameworks without exec is unsafe there, and we cannot test it.)"""
    setting = os.environ.get(SETTING, "").strip().lower()
    if setting in {"off", "0", "no", "false"}:
        return False
    return sys.platform == "linux"


def idle_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get(IDLE_SETTING, DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


def folder() -> str | None:
    """The user's private folder of server sockets, made if missing; None if it is not
    private (someone else could listen there) or cannot be made.

    Paths here are strings: ``pathlib`` (with the ``re`` and ``urllib`` it imports) would cost
    every run 5 ms before it reaches the server."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime) and os.path.isdir(runtime):
        where = os.path.join(runtime, "export-post")
    else:  # as tmux does: not $TMPDIR, which a script may point into a folder it checks
        where = f"/tmp/export-post-{os.getuid()}"
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(where, 0o700)
        info = os.lstat(where)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
    return where if private else None


def server_key(path: list[str] | None = None) -> str:
    """A digest of what a server's imports depend on: the interpreter and its flags, the
    import path (and when each of its folders last changed: an install changes one), the
    environment, the user and the resource limits."""
    parts: list[object] = [
        sys.executable,
        sys.version,
        tuple(sys.flags),
        sys.warnoptions,
        sorted(getattr(sys, "_xoptions", {}).items()),
        os.getuid(),
        os.getgid(),
        sorted(os.getgroups()),
        sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE),
        _limits(),
    ]
    for entry in import_path() if path is None else path:
        try:
            parts.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            parts.append((entry, None))
    return blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


def import_path() -> list[str]:
    """``sys.path`` without the working folder that ``python -m`` puts first: a server
    serves every folder, and checks each run's folder for modules that would shadow its own
    (:func:`export_post.warm.request.shadowed`)."""
    path = list(sys.path)
    if path and path[0] in {"", os.getcwd()}:
        path = path[1:]
    return path


def _limits() -> list[tuple[int, int]]:
    import resource

    names = ("RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_STACK")
    return [resource.getrlimit(getattr(resource, n)) for n in names if hasattr(resource, n)]


def socket_path(where: str, key: str) -> str | None:
    path = os.path.join(where, f"{key}.sock")
    return path if len(os.fsencode(path)) <= _SOCKET_PATH_MAX else None


def refused_marker(socket: str | os.PathLike[str]) -> Path:
    """Left by a server that could not start (an import failed, or started a thread): no
    run of that key starts another."""
    from pathlib import Path

    return Path(socket).with_suffix(".refused")


def servers(where: str | os.PathLike[str]) -> list[tuple[int, int]]:
    """``(pid, runs served)`` of each server running in ``where``: each holds its lock file
    and has written itself into it."""
    import json
    from pathlib import Path

    found = []
    for lock in sorted(Path(where).glob("*.lock")):
        try:
            if held(lock):
                record = json.loads(lock.read_text(encoding="utf-8"))
                found.append((int(record["pid"]), int(record["runs"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def held(lock: str | os.PathLike[str]) -> bool:
    """Whether a process holds ``lock`` (a server starting or running)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        return not try_lock(fd)
    finally:
        os.close(fd)


def try_lock(fd: int) -> bool:
    """Whether this process now holds the lock of ``fd``'s file (no other process did)."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def stop_servers() -> int:
    """End every warm server of this user (``export-post --stop-servers``); how many."""
    import signal

    where = folder()
    stopped = 0
    for pid, _runs in servers(where) if where is not None else []:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            continue
        stopped += 1
    return stopped
