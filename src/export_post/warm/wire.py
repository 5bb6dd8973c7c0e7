"""Messages between a run and a warm server: JSON objects, each after its length, over a
Unix stream socket. The exchange: the server's copy says it is ``ready`` (its pid); the run
sends its request with its file descriptors (``SCM_RIGHTS``: the copy then writes to the
very terminal, pipe or file the run's own streams are); the copy says it has ``started``,
and in the end sends the ``exit`` code."""

from __future__ import annotations

import json
import socket
import struct

_HEADER = struct.Struct("!I")
MAX_MESSAGE = 1 << 22  # an environment and arguments; far more than either needs
Message = dict[str, object]


class Channel:
    """One connection; messages in order, read through a buffer."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    def send(self, message: Message, fds: list[int] | None = None) -> None:
        data = json.dumps(message).encode("utf-8", "surrogateescape")
        frame = _HEADER.pack(len(data)) + data
        if fds:
            sent = socket.send_fds(self.sock, [frame], fds)
            frame = frame[sent:]
        self.sock.sendall(frame)

    def receive(self, max_fds: int = 0) -> tuple[Message | None, list[int]]:
        """The next message (None at the end of the connection or on garbage) and the
        descriptors that came with it."""
        fds: list[int] = []
        while True:
            if len(self._buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self._buffer)
                if size > MAX_MESSAGE:
                    return None, fds
                end = _HEADER.size + size
                if len(self._buffer) >= end:
                    data, self._buffer = self._buffer[_HEADER.size : end], self._buffer[end:]
                    try:
                        message = json.loads(data.decode("utf-8", "surrogateescape"))
                    except ValueError:
                        return None, fds
                    return (message if isinstance(message, dict) else None), fds
            if max_fds and not fds:
                chunk, fds, _flags, _address = socket.recv_fds(self.sock, 1 << 16, max_fds)
            else:
                chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None, fds
            self._buffer += chunk
