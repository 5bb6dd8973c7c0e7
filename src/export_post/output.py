"""Writing outputs: names derived from the input file, atomic replacement, nothing partial."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

import regex

from . import leftovers
from .leftovers import TMP_SUFFIX

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_GRAPHEME = regex.compile(r"\X")  # a user-perceived character (UAX #29 extended grapheme cluster)

TMP_RANDOM = 8  # characters tempfile.mkstemp puts between our prefix and suffix
NAME_MAX = 255  # bytes in a file name, on the file systems we write to
# An output's name, such that our temporary file next to it (``.NAME.XXXXXXXX.tmp``) fits too.
MAX_NAME_BYTES = NAME_MAX - len(f"..{TMP_SUFFIX}") - TMP_RANDOM
EXTENSION_BYTES = 16  # kept free for the extension, so that every format of a post shares a stem
_TAG_BYTES = 9  # "-" and 8 hex digits of the full name's hash, after a shortened name


def output_name(source: Path, extension: str) -> str:
    """``2024-06-10-post.md`` → ``2024-06-10-post.pdf``; characters unsafe in file names replaced.

    A stem too long for :data:`MAX_NAME_BYTES` (with room for any extension up to
    :data:`EXTENSION_BYTES`) is cut at a character boundary (never inside a UTF-8 sequence
    or a grapheme cluster) and tagged with a hash of the whole stem, so that two posts whose
    names begin alike still get different names."""
    stem = _UNSAFE.sub("-", source.stem).strip(" .-") or "post"
    budget = MAX_NAME_BYTES - max(len(os.fsencode(extension)), EXTENSION_BYTES)
    if len(os.fsencode(stem)) > budget:
        tag = "-" + hashlib.sha256(os.fsencode(stem)).hexdigest()[: _TAG_BYTES - 1]
        stem = _cut(stem, budget - _TAG_BYTES).rstrip(" .-") + tag
    return stem + extension


def output_path(source: Path, extension: str, folder: Path | None = None, file: Path | None = None) -> Path:
    """Where an output of ``source`` goes: ``file`` when one is named, else the post's
    :func:`output_name` in ``folder`` (default: the post's own folder)."""
    if file is not None:
        return file
    return (folder if folder is not None else source.parent) / output_name(source, extension)


def names_folder(output: str | Path) -> bool:
    """Whether ``output`` (as the user gave it) means a folder: an existing one, or a name
    ending in ``/``."""
    return Path(output).is_dir() or str(output).endswith(("/", os.sep))


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` of whole grapheme clusters that is at most ``limit`` bytes
    (as the file system sees them: undecodable bytes of the original name count one each)."""
    used = 0
    end = 0
    for cluster in _GRAPHEME.finditer(text):
        used += len(os.fsencode(cluster.group()))
        if used > limit:
            break
        end = cluster.end()
    return text[:end]


def remove_stale_temporaries(path: Path) -> None:
    """Remove our temporaries for ``path`` whose writer was killed mid-write (see
    :mod:`export_post.leftovers`)."""
    leftovers.remove_stale_temporaries(path.parent, lambda name: name == path.name)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, a failure leaves any previous file untouched,
    and a symlink at ``path`` is replaced rather than followed.
    """
    write_output(path, data)
    return path


def write_output(path: Path, data: bytes) -> os.stat_result:
    """:func:`write_atomic`, returning what was written: the file's status taken on its own
    descriptor after the rename, true of this writer's file whatever replaced it since."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = _locked_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)
            tmp.replace(path)
            return os.fstat(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _locked_temporary(path: Path) -> tuple[int, Path]:
    """A new temporary for ``path``, locked as being written (see :mod:`export_post.leftovers`)."""
    for _ in range(10):
        fd, name = tempfile.mkstemp(
            dir=path.parent, prefix=leftovers.temporary_prefix(path.name), suffix=TMP_SUFFIX
        )
        try:
            leftovers.lock_temporary(fd)
            if os.fstat(fd).st_nlink:
                return fd, Path(name)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                Path(name).unlink()
            raise
        os.close(fd)  # another run took it for a leftover before we locked it: take another
    raise OSError(f"cannot create a temporary file in {path.parent}")
