"""Fetching a remote image, only when the user allowed it, and only from public addresses.

The host name is resolved once; every address must be a public unicast one (no loopback,
private, link-local, metadata, multicast or reserved ranges) and the connection goes to
that vetted address (so DNS cannot change its answer in between). Redirects are followed
by hand, at most three, each one checked again. The whole fetch has one deadline and a
byte cap; proxies from the environment are never used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 3


class RemoteError(Exception):
    pass


def public_address(host: str, port: int) -> str:
    """A vetted IP address for ``host``, or RemoteError if any answer is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise RemoteError(f"cannot resolve {host}") from err
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast or ip.is_reserved:
            raise RemoteError(f"{host} resolves to the non-public address {ip}")
    if not addresses:
        raise RemoteError(f"cannot resolve {host}")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch(
    url: str, *, max_bytes: int, timeout: float, allow_http: bool = False, allowed_hosts: tuple[str, ...] = ()
) -> bytes:
    """The body of ``url`` (following at most three redirects, each one checked again)."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        try:
            parts = urlsplit(url)
            port_given = parts.port  # raises ValueError on a malformed port or IPv6 literal
        except ValueError as err:
            raise RemoteError(f"not a valid address: {err}") from None
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and allow_http):
            raise RemoteError(f"scheme '{scheme}:' is not allowed")
        host = parts.hostname
        if not host:
            raise RemoteError("URL has no host")
        port = port_given or (443 if scheme == "https" else 80)
        address = host if host in allowed_hosts else public_address(host, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RemoteError("timed out")
        cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = cls(host, address, port, remaining)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(
                "GET",
                path,
                headers={
                    "User-Agent": "export-post",
                    "Accept": "image/*",
                    "Accept-Encoding": "identity",
                },
            )
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise RemoteError(f"redirect {response.status} without a location")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise RemoteError(f"HTTP {response.status}")
            return _read_capped(conn, response, max_bytes, deadline)
        except (OSError, http.client.HTTPException) as err:
            raise RemoteError(str(err) or type(err).__name__) from err
        finally:
            conn.close()
    raise RemoteError("too many redirects")


def _read_capped(
    conn: http.client.HTTPConnection, response: http.client.HTTPResponse, max_bytes: int, deadline: float
) -> bytes:
    """The body, up to ``max_bytes``, by ``deadline``: read as it arrives (``read1``), with the
    socket timeout cut to the time left, so a server trickling a byte at a time is cut off."""
    chunks: list[bytes] = []
    total = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RemoteError("timed out")
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise RemoteError(f"larger than {max_bytes} bytes")
        chunks.append(chunk)
