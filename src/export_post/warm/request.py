"""One run in a forked copy of the warm server: become the run's process (its streams,
folder, environment, umask, arguments and import path), run the command, report its exit
code.

The copy reports the exit code once the command's exit handlers have run (temporary folders
removed, worker processes ended), and then ends at once: tearing down the interpreter's
objects would only make the run wait longer.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import TextIO

from .client import FORWARDED
from .wire import Channel, Message

_DESCRIPTORS = 4  # stdin, stdout, stderr and the working folder
_RECEIVE_TIMEOUT = 10.0
_MODULE_SUFFIXES = frozenset({".py", ".pyc", ".so", ".pyd"})


def run_request(connection: socket.socket) -> int:
    channel = Channel(connection)
    connection.settimeout(_RECEIVE_TIMEOUT)
    try:
        channel.send({"ready": os.getpid()})
        request, fds = channel.receive(max_fds=_DESCRIPTORS)
    except OSError:
        os._exit(0)  # the run gave up waiting, and does the work itself
    if request is None or len(fds) != _DESCRIPTORS:
        os._exit(0)  # no "started": the run does the work itself
    os.fchdir(fds[3])  # the run's folder, where a "" first on its import path looks
    if shadowed(request):
        os._exit(0)
    _become(request, fds)
    _take_signals(request.get("ignored"))
    try:
        channel.send({"started": os.getpid()})
    except OSError:
        os._exit(0)
    connection.settimeout(None)
    _stop_when_gone(connection)
    code = _command()
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()  # what the interpreter would run at exit, before the run is over
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    signal.signal(signal.SIGIO, signal.SIG_IGN)  # the run's process closes once it has the code
    with contextlib.suppress(OSError):
        channel.send({"exit": code})
    os._exit(0)


def shadowed(request: Message) -> bool:
    """Whether the run's working folder, first on its import path (``python -m``), holds a
    module or package of a name this server imported from elsewhere: that run must import
    its own. (A folder without ``__init__.py`` shadows nothing.)"""
    path = request.get("path")
    if not isinstance(path, list) or not path or not isinstance(path[0], str):
        return True
    first = Path(path[0] or Path.cwd())
    if str(first) in sys.path:
        return False
    try:
        names = {
            entry.name.split(".", 1)[0]
            for entry in first.iterdir()
            if entry.suffix in _MODULE_SUFFIXES or (entry / "__init__.py").is_file()
        }
    except OSError:
        return False
    loaded = {name.partition(".")[0] for name in sys.modules}
    return bool(names & loaded)


def _become(request: Message, fds: list[int]) -> None:
    """Take on the run's streams, umask, environment, import path and arguments (its folder
    is already this process's)."""
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    for fd in fds:
        os.close(fd)
    umask = request.get("umask")
    if isinstance(umask, int):
        os.umask(umask)
    env = request.get("env")
    if isinstance(env, dict):
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
    path = request.get("path")
    if isinstance(path, list):
        sys.path[:] = [str(entry) for entry in path]
    argv = request.get("argv")
    sys.argv = [str(request.get("prog", "export-post")), *(map(str, argv) if isinstance(argv, list) else [])]
    sys.stdin, sys.stdout, sys.stderr = _streams(request.get("streams"))
    tempfile.tempdir = None  # found again from this run's environment


def _take_signals(ignored: object) -> None:
    """The signals a run's process passes on, disposed of as the run's process would have
    them: ignored where it ignores them (``nohup``), else as Python starts (Ctrl-C raises
    KeyboardInterrupt, the others end the process). Not as the server has them: it inherited
    the dispositions of whichever run started it."""
    ignored = set(ignored) if isinstance(ignored, list) else set()
    for number in FORWARDED:
        if number in ignored:
            signal.signal(number, signal.SIG_IGN)
        elif number == signal.SIGINT:
            signal.signal(number, signal.default_int_handler)
        else:
            signal.signal(number, signal.SIG_DFL)


def _streams(settings: object) -> tuple[TextIO, TextIO, TextIO]:
    """New text streams on descriptors 0–2, encoded as the run's were, line-buffered as
    Python sets them up (stderr always, stdout on a terminal)."""
    made: list[TextIO] = []
    for fd in (0, 1, 2):
        encoding, errors = "utf-8", "backslashreplace" if fd == 2 else "strict"
        if isinstance(settings, list) and len(settings) == 3 and isinstance(settings[fd], list):
            given = settings[fd]
            encoding = given[0] if isinstance(given[0], str) else encoding
            errors = given[1] if isinstance(given[1], str) else errors
        line = fd == 2 or (fd == 1 and os.isatty(fd))
        buffering = 1 if line else -1
        # the run's streams, open for as long as it lasts
        if fd == 0:
            made.append(open(fd, encoding=encoding, errors=errors, closefd=False))  # noqa: SIM115
        else:
            made.append(open(fd, "w", buffering=buffering, encoding=encoding, errors=errors, closefd=False))  # noqa: SIM115
    return made[0], made[1], made[2]


def _command() -> int:
    from export_post.cli import command

    try:
        return command()
    except SystemExit as stop:  # argparse's --help, --version and usage errors
        code = stop.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        with contextlib.suppress(Exception):
            sys.stderr.write(f"{code}\n")
        return 1
    except KeyboardInterrupt:
        return 130


def _stop_when_gone(connection: socket.socket) -> None:
    """The run's process sends nothing more: if its end of the connection closes, it was
    killed, and this run stops as it would on SIGTERM (partial outputs removed).

    The kernel tells: the connection is set for asynchronous I/O (``O_ASYNC``, owned by this
    process), so its closing raises SIGIO here. Not a thread waiting on it: the run stays
    single-threaded, so it may fork (:mod:`export_post.toolkit.forkshare`). SIGIO also comes
    when there is room to write again; the handler then finds the connection open."""

    def on_io(number: int, frame: FrameType | None) -> None:
        try:
            closed = connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except (BlockingIOError, InterruptedError):
            return  # open, nothing to read
        except OSError:
            closed = True
        if closed:
            signal.signal(signal.SIGIO, signal.SIG_IGN)  # once
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGIO, on_io)
    fd = connection.fileno()
    fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
    on_io(signal.SIGIO, None)  # it may have closed before it was watched
