"""Writing outputs: names derived from the input file, atomic replacement, nothing partial."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import tempfile
import time
from pathlib import Path

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def output_name(source: Path, extension: str) -> str:
    """``2024-06-10-post.md`` → ``2024-06-10-post.pdf``; characters unsafe in file names replaced."""
    stem = _UNSAFE.sub("-", source.stem).strip(" .-") or "post"
    return stem[:200] + extension


TMP_SUFFIX = ".tmp"
STALE_AFTER = 60.0  # seconds: older temporaries of ours are leftovers of a killed writer


def remove_stale_temporaries(path: Path) -> None:
    """Remove our temporaries for ``path`` left behind by a process that was killed mid-write."""
    now = time.time()
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*{TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if (
                leftover.is_file()
                and not leftover.is_symlink()
                and now - leftover.stat().st_mtime > STALE_AFTER
            ):
                leftover.unlink()


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, a failure leaves any previous file untouched,
    and a symlink at ``path`` is replaced rather than followed.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
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
