"""Writing outputs: names derived from the input file, atomic replacement, nothing partial."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def output_name(source: Path, extension: str) -> str:
    """``2024-06-10-post.md`` → ``2024-06-10-post.pdf``; characters unsafe in file names replaced."""
    stem = _UNSAFE.sub("-", source.stem).strip(" .-") or "post"
    return stem[:200] + extension


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, a failure leaves any previous file untouched,
    and a symlink at ``path`` is replaced rather than followed.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path
