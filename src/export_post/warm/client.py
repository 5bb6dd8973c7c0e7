"""A run's side of the warm server: hand the command to a server if one is listening, or
start one for the next run.

What the server gets is everything the command's behaviour depends on: the arguments, the
standard streams themselves (as descriptors, so a terminal stays a terminal and a pipe a
pipe), the working folder (as a descriptor too), the environment and the umask. Signals
this process receives (Ctrl-C, ``timeout``'s SIGTERM, a closed terminal's SIGHUP) are passed
to the process doing the run; if this process dies, the server's run sees its connection
close and stops as it would on SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys

from . import place
from .wire import Channel

TYPE_CHECKING = False  # typing is not imported: a served run imports only what it uses
if TYPE_CHECKING:
    from types import FrameType

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
CONNECT_TIMEOUT = 2.0
REPLY_TIMEOUT = 10.0  # for the server's copy to answer: forking takes milliseconds


def locate() -> tuple[str, list[str]] | None:
    """The socket of the server for this process, and the import path such a server imports
    with; None if this user has no private folder for sockets. Taken once, before the run
    (which could change ``sys.path``), for both serving it and starting a server after it."""
    where = place.folder()
    if where is None:
        return None
    import_path = place.import_path()
    path = place.socket_path(where, place.server_key(import_path))
    return None if path is None else (path, import_path)


def run_served(path: str, argv: list[str]) -> int | None:
    """The exit code of the command run by the warm server at ``path``, or None if no server
    took it (none is listening, or it declined): then nothing has been done, and the caller
    runs the command itself."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with sock:
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(path)
        except (ConnectionRefusedError, FileNotFoundError):
            _forget(path)
            return None
        except OSError:
            return None
        channel = Channel(sock)
        sock.settimeout(REPLY_TIMEOUT)  # a server that stopped (SIGSTOP, a hung disk)
        try:
            ready, _ = channel.receive()
        except OSError:
            return None
        pid = _number(ready, "ready")
        if pid is None:
            return None  # stale: it ends, and this run is done here
        # Our streams go only to a copy that is there to take them: a descriptor sent to a
        # server that never reads it would hold a caller's pipe open.
        fds, opened = _descriptors()
        # what this process ignores (nohup, trap '' HUP) the run ignores, and it is not passed on
        ignored = [int(n) for n in FORWARDED if signal.getsignal(n) is signal.SIG_IGN]
        try:
            channel.send(_request(argv, ignored), fds)
            started, _ = channel.receive()
        except OSError:
            return None
        finally:
            for fd in opened:
                os.close(fd)
        sock.settimeout(None)
        if _number(started, "started") != pid:
            return None  # this folder shadows a module the server imported: run here
        return _wait(channel, pid, ignored)


def _wait(channel: Channel, pid: int, ignored: list[int]) -> int:
    received: list[int] = []

    def forward(number: int, frame: FrameType | None) -> None:
        received.append(number)
        with contextlib.suppress(OSError):
            os.kill(pid, number)

    for number in FORWARDED:
        if number not in ignored:
            signal.signal(number, forward)
    try:
        reply, _ = channel.receive()
    except OSError:
        reply = None
    code = _number(reply, "exit")
    if code is not None:
        return code
    if received:  # the run died of the signal we passed on: so does this process
        signal.signal(received[-1], signal.SIG_DFL)
        os.kill(os.getpid(), received[-1])
    sys.stderr.write(
        "export-post: error: the warm server's run ended without an exit code;"
        f" run again with {place.SETTING}=off\n"
    )
    return 1


def _number(reply: dict[str, object] | None, name: str) -> int | None:
    value = None if reply is None else reply.get(name)
    return value if isinstance(value, int) else None


def _request(argv: list[str], ignored: list[int]) -> dict[str, object]:
    umask = os.umask(0o022)
    os.umask(umask)
    streams = [sys.stdin, sys.stdout, sys.stderr]
    return {
        "argv": argv,
        "prog": sys.argv[0],
        "path": sys.path,
        "env": dict(os.environ),
        "umask": umask,
        "ignored": ignored,
        "streams": [[getattr(s, "encoding", None), getattr(s, "errors", None)] for s in streams],
    }


def _descriptors() -> tuple[list[int], list[int]]:
    """Descriptors 0, 1, 2 (the null device for a closed one) and the working folder; and
    those opened here, to close once sent."""
    fds: list[int] = []
    opened: list[int] = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
            opened.append(fds[-1])
    fds.append(os.open(".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
    opened.append(fds[-1])
    return fds, opened


def _forget(socket_path: str) -> None:
    """Remove the socket of a server that is gone (it crashed, or the machine slept)."""
    from pathlib import Path

    path = Path(socket_path)
    with contextlib.suppress(OSError):
        if path.is_socket() and path.stat().st_uid == os.getuid():
            lock = path.with_suffix(".lock")
            if not place.held(lock):
                path.unlink()


def start_server(socket_path: str, import_path: list[str]) -> None:
    """Start a server at ``socket_path`` for the runs after this one, in its own session and
    with no stream of ours (a caller waiting for our output must not wait for the server),
    unless one is up or the user already has :data:`place.MAX_SERVERS`."""
    import json
    from pathlib import Path

    path = Path(socket_path)
    if path.exists() or place.refused_marker(path).exists():
        return
    if len(place.servers(path.parent)) >= place.MAX_SERVERS:
        return
    import subprocess

    boot = (
        "import json, sys; sys.path[:] = json.loads(sys.argv[1]);"
        " from export_post.warm.server import main; raise SystemExit(main(sys.argv[2]))"
    )
    flags = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]  # as multiprocessing does
    argv = [sys.executable, *flags, "-c", boot, json.dumps(import_path), os.fspath(path)]
    with contextlib.suppress(OSError):
        subprocess.Popen(
            argv,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
