"""The rules for settings, checked before any work starts: one definition per setting, shared
by the library (``export_many``, ``export``, ``render``) and the command line.

Each check takes a value and the name to show for it (``timeout`` in the library,
``--timeout`` on the command line) and returns the value to use, or raises
:class:`~export_post.errors.OptionError` (a ``ValueError``) with one line that says what is
wrong. Paths are checked for what would fail late otherwise: an output folder that is a
file or cannot be created or written, an output file that is a folder or a device.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .errors import OptionError
from .output import MAX_NAME_BYTES, NAME_MAX

MAX_MEMORY = 2**63 - 1  # bytes: the largest address-space limit the system call takes
MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC, the last second a timestamp can hold


def _kind(value: object) -> str:
    return type(value).__name__


def flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise OptionError(f"{name} must be True or False, not {_kind(value)} {value!r:.40}")
    return value


def seconds(value: object, name: str) -> float | None:
    """A time limit: a finite number of seconds, ``0`` or ``None`` for none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptionError(f"{name} must be a number of seconds, not {_kind(value)} {value!r:.40}")
    if not math.isfinite(value) or value < 0:
        raise OptionError(f"{name} must be a finite number of seconds, 0 or more (0: no limit); got {value}")
    return float(value) or None


def memory(value: object, name: str, *, unit: int = 1) -> int | None:
    """A memory limit in ``unit``s (bytes, or ``2**20`` for megabytes on the command line):
    returned in bytes; ``0`` or ``None`` for none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(f"{name} must be a whole number, not {_kind(value)} {value!r:.40}")
    if value < 0 or value * unit > MAX_MEMORY:
        raise OptionError(f"{name} must be 0 (no limit) to {MAX_MEMORY // unit}; got {value}")
    return value * unit or None


def count(value: object, name: str, *, minimum: int = 1) -> int | None:
    """A whole number of at least ``minimum`` (worker processes), or ``None`` for the default."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(f"{name} must be a whole number, not {_kind(value)} {value!r:.40}")
    if value < minimum:
        raise OptionError(f"{name} must be at least {minimum}; got {value}")
    return value


def epoch(value: object, name: str) -> int | None:
    """Seconds since 1970-01-01 UTC, as a build timestamp (``SOURCE_DATE_EPOCH``). Text is
    read as the environment variable is: digits only."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit():
            raise OptionError(f"{name} must be a whole number of seconds since 1970; got {value!r:.40}")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(f"{name} must be a whole number of seconds since 1970, not {_kind(value)}")
    if not 0 <= value <= MAX_EPOCH:
        raise OptionError(f"{name} must be 0 to {MAX_EPOCH} (seconds since 1970); got {value}")
    return value


def text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise OptionError(f"{name} must be text, not {_kind(value)} {value!r:.40}")
    if not value.strip():
        raise OptionError(f"{name} must not be empty")
    return value


def texts(value: object, name: str) -> tuple[str, ...]:
    """A list of non-empty strings (never a bare string, whose letters would be taken one by one)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise OptionError(f"{name} must be a list of text, not {_kind(value)} {value!r:.40}")
    return tuple(text(item, f"each of {name}") for item in value)


def callback(value: object, name: str) -> Callable[..., Any] | None:
    if value is not None and not callable(value):
        raise OptionError(f"{name} must be a function or None, not {_kind(value)}")
    return value


def path(value: object, name: str) -> Path:
    """A non-empty path (text or ``os.PathLike``); no NUL, no component over 255 bytes."""
    if isinstance(value, bytes) or not isinstance(value, str | os.PathLike):
        raise OptionError(f"{name} must be a path, not {_kind(value)} {value!r:.40}")
    spelled = os.fspath(value)
    if not isinstance(spelled, str) or not spelled:
        raise OptionError(f"{name} must not be empty")
    if "\0" in spelled:
        raise OptionError(f"{name} must not contain a NUL character")
    result = Path(spelled)
    for part in result.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise OptionError(f"{name}: a name in {spelled!r:.60} is over {NAME_MAX} bytes")
    return result


def paths(value: object, name: str) -> list[Path]:
    """A list of paths (never a bare path, whose letters would be taken one by one)."""
    if isinstance(value, str | bytes | os.PathLike) or not isinstance(value, Iterable):
        raise OptionError(f"{name} must be a list of paths (wrap one in a list), not {_kind(value)}")
    return [path(item, f"each of {name}") for item in value]


def folder(value: object, name: str) -> Path:
    """An existing folder, to read from."""
    found = path(value, name)
    if not found.is_dir():
        raise OptionError(f"{name} {found} is not a folder")
    return found


def output_folder(value: object, name: str) -> Path:
    """A folder to write in: an existing one we may write in, or one we can create."""
    found = path(value, name)
    if found.exists() and not found.is_dir():
        raise OptionError(f"{name} {found} is a file, not a folder")
    _writable(found, name, found)
    return found


def output_file(value: object, name: str) -> Path:
    """A file to write (replaced atomically): not a folder or a device, its name short
    enough for our temporary file next to it, in a folder we can write in or create."""
    found = path(value, name)
    if found.is_dir() or str(value).endswith(("/", os.sep)):
        raise OptionError(f"{name} {found} is a folder, not a file")
    if found.exists() and not found.is_file():
        raise OptionError(f"{name} {found} is not a regular file (it would be replaced, not written to)")
    if len(os.fsencode(found.name)) > MAX_NAME_BYTES:
        raise OptionError(f"{name}: the file name is over {MAX_NAME_BYTES} bytes")
    _writable(found.parent, name, found)
    return found


def _writable(folder: Path, name: str, shown: Path) -> None:
    """Refuse ``folder`` when it cannot be created or written in: the nearest part of it that
    exists must be a folder where a file can be made (tried, since permissions alone do not
    tell: a read-only file system, ``/proc``)."""
    existing = folder.absolute()
    while not existing.exists():
        if existing.is_symlink():
            raise OptionError(f"{name} {shown}: {existing} is a broken symbolic link")
        existing = existing.parent
    if not existing.is_dir():
        raise OptionError(f"{name} {shown}: cannot create {folder}: {existing} is a file")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        raise OptionError(f"{name} {shown}: cannot write in {existing}: {err.strerror or err}") from None
