"""Typeset formulas kept between runs: a rerun, another format or another post re-typesets
only formulas it has not seen.

Typesetting a display formula costs ziamath a tenth of a second to half a second, the
slide's PNG of it as much again; the PDF and the deck of a post, each rerun of a post that
changed (an author's watch loop), and posts that share formulas all ask for the same ones.
The store is one SQLite file in the user's cache folder: ``$EXPORT_POST_CACHE_DIR``, else
``$XDG_CACHE_HOME/export-post``, else ``~/.cache/export-post``; ``EXPORT_POST_CACHE_DIR=off``
(or empty) turns it off. SQLite's locking lets every worker process read and write it at
once. Keys carry the TeX, the size, the versions of the typesetting libraries and a digest of
our own math code, so a change to any of them typesets afresh. Values are plain bytes (an
SVG, a PNG, JSON), never pickles. The store is a cache: when it cannot be opened, read or
written (a read-only home, a full disk, a damaged file), formulas are typeset as if it were
empty, and nothing is reported.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from importlib import metadata
from pathlib import Path

SETTING = "EXPORT_POST_CACHE_DIR"
FILE_NAME = "formulas.sqlite3"
MAX_ROWS = 20_000  # about 60 MB of formulas; the least recently used go first
_SCHEMA = "CREATE TABLE IF NOT EXISTS formula (key TEXT PRIMARY KEY, value BLOB NOT NULL, used REAL NOT NULL)"
_lock = threading.Lock()
_opened: dict[int, sqlite3.Connection | None] = {}  # by process id: a forked worker opens its own


def store_path() -> Path | None:
    """Where the store is, or None when it is turned off."""
    setting = os.environ.get(SETTING)
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "none") else Path(setting) / FILE_NAME
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "export-post" / FILE_NAME


def get(kind: str, *key: object) -> bytes | None:
    connection = _connection()
    if connection is None:
        return None
    digest = _key(kind, key)
    try:
        with _lock:
            row = connection.execute("SELECT value FROM formula WHERE key = ?", (digest,)).fetchone()
            if row is not None:
                connection.execute("UPDATE formula SET used = ? WHERE key = ?", (time.time(), digest))
                connection.commit()
    except sqlite3.Error:
        return None
    return bytes(row[0]) if row is not None else None


def has(kind: str, *key: object) -> bool:
    """Whether the store holds this (without marking it used, as :func:`get` does)."""
    connection = _connection()
    if connection is None:
        return False
    try:
        with _lock:
            row = connection.execute("SELECT 1 FROM formula WHERE key = ?", (_key(kind, key),)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def put(kind: str, value: bytes, *key: object) -> None:
    connection = _connection()
    if connection is None:
        return
    try:
        with _lock:
            connection.execute(
                "INSERT OR REPLACE INTO formula (key, value, used) VALUES (?, ?, ?)",
                (_key(kind, key), value, time.time()),
            )
            connection.commit()
    except sqlite3.Error:
        pass


def forget() -> None:
    """Close this process's connection (the next use opens the store again, as configured)."""
    with _lock:
        connection = _opened.pop(os.getpid(), None)
        if connection is not None:
            connection.close()


def _connection() -> sqlite3.Connection | None:
    pid = os.getpid()
    with _lock:
        if pid not in _opened:
            _opened[pid] = _open(store_path())
        return _opened[pid]


def _open(path: Path | None) -> sqlite3.Connection | None:
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=2.0, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(_SCHEMA)
        count = connection.execute("SELECT COUNT(*) FROM formula").fetchone()[0]
        if count > MAX_ROWS:
            connection.execute(
                "DELETE FROM formula WHERE key IN (SELECT key FROM formula ORDER BY used LIMIT ?)",
                (count - MAX_ROWS * 3 // 4,),
            )
        connection.commit()
        return connection
    except (sqlite3.Error, OSError):
        return None


def _key(kind: str, key: tuple[object, ...]) -> str:
    return hashlib.sha256(repr((kind, _VERSIONS, key)).encode("utf-8")).hexdigest()


def _versions() -> tuple[str, ...]:
    """What a typeset formula depends on besides its TeX: the libraries, and our math code."""
    found = []
    for name in ("ziamath", "ziafont", "latex2mathml", "resvg"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    here = Path(__file__).resolve().parent
    for source in (
        here / "texmath.py",
        here / "ziamath_speedups.py",
        here / "mathml_check.py",
        here.parent / "tex.py",
    ):
        try:
            found.append(hashlib.sha256(source.read_bytes()).hexdigest()[:16])
        except OSError:
            found.append(source.name)
    return tuple(found)


_VERSIONS = _versions()
