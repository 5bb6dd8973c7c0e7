"""Incremental builds: an output is written again only when something it is made from changed.

An output's *fingerprint* is a SHA-256 over everything that shapes it: export-post's
version and the format; the post file's bytes and path and the site's ``_config.yml``; the
content hash of every image the post references, the cover included, an SVG's with the
pictures it draws (or the fact that it is refused); the theme's files, its parents'
included; the format's options (with the content of any file an option names); the
resource policy and ``SOURCE_DATE_EPOCH``.

Each output folder keeps a manifest, :data:`MANIFEST_NAME`, mapping output file names to
the fingerprint they were built from, the identity of the file written (size, modification
and change times, inode: :data:`OutputId`, taken by the writer on the file it wrote, never by
looking at the path later, when another run may have replaced it), and the diagnostics of
that build. An output is up to date when the file at its name is still that very file and
its fingerprint is unchanged; a file with exactly the bytes written (its SHA-256 is kept too)
counts as that file when its fingerprint is checked, so an output folder copied or restored by
a CI cache into a fresh checkout stays up to date. Worker processes only read entries handed
to them; the calling process alone writes manifests, as results arrive, merged with the
manifest on disk under the folder's lock (:mod:`export_post.batch.folderlock`), so concurrent
runs into one folder keep each other's entries and none can pair its fingerprint with another
run's file.

A fingerprint needs the post parsed and its images hashed. So that a run where nothing
changed costs no more than looking at files, an entry also keeps the *stamps* (size,
times, inode) of every file the fingerprint read, taken before reading them, and a
*context* digest of everything else (version, format, options, theme, policy). When the
context is the same and every stamp still matches, the calling process skips the output
without handing the post to a worker; any difference falls back to the fingerprint, which
looks at the content, so touching a file costs a check, never a wrong skip.

With remote images allowed, a post that references one (an SVG's pictures included) is
always rebuilt: what a URL serves can change at any time, and nothing here fetches it just
to compare.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .. import _version
from ..diagnostics import LOGGER, Diagnostic, Severity, is_code
from ..model import Document, iter_images
from ..output import write_output
from ..resources.digests import ContentDigests
from ..resources.locator import Locator
from ..resources.safefile import FileTooLarge, RefusedFile, open_regular, read_regular
from ..themes import Theme
from .folderlock import folder_lock
from .results import MANIFEST_DIAGNOSTIC_FIELDS, diagnostic_json, json_text

MANIFEST_NAME = ".export-post-cache.json"
MANIFEST_FORMAT = 3
MAX_MANIFEST_BYTES = 32 * 1024 * 1024

OutputId = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode of an output file


def output_id(info: os.stat_result) -> OutputId:
    """Which file this is: a rewrite (a new inode from the temporary renamed over it) or any
    change to it (a new change time, which nobody can set) gives another id."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def current_id(path: Path) -> OutputId | None:
    try:
        return output_id(path.stat())
    except OSError:
        return None


_SKIP = frozenset({"__pycache__", ".git"})


Stamp = tuple[str, int, int, int, int, int]  # path, size (-1: absent), mtime_ns, ctime_ns, inode, device


def stamp(path: Path) -> Stamp:
    """What ``path`` looks like now, without reading it (following symlinks)."""
    try:
        info = path.stat()
    except OSError:
        return (str(path), -1, 0, 0, 0, 0)
    return (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def unchanged(stamps: Iterable[Stamp]) -> bool:
    return all(stamp(Path(recorded[0])) == recorded for recorded in stamps)


@dataclass(frozen=True, slots=True)
class Record:
    """What a worker reports about an output it wrote, for the caller to keep."""

    fingerprint: str
    context: str  # context_key() of the output
    inputs: tuple[Stamp, ...] | None  # None: the post cannot be judged by its files alone
    written: OutputId | None = None  # the file this was true of, as its writer (or checker) saw it
    output_digest: str = ""  # SHA-256 of that file's bytes ("": not known)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What the manifest knows about one output file."""

    fingerprint: str
    output: OutputId
    diagnostics: tuple[Diagnostic, ...] = ()
    context: str = ""
    inputs: tuple[Stamp, ...] | None = None
    output_digest: str = ""  # SHA-256 of the file written ("": an entry of an older version)

    @classmethod
    def of(cls, record: Record, diagnostics: tuple[Diagnostic, ...]) -> Entry | None:
        """The entry for the file ``record`` was made with (None: it names no file)."""
        if record.written is None:
            return None
        return cls(
            fingerprint=record.fingerprint,
            output=record.written,
            diagnostics=diagnostics,
            context=record.context,
            inputs=record.inputs,
            output_digest=record.output_digest,
        )

    def found_at(self, path: Path, fingerprint: str | None) -> OutputId | None:
        """The id of the file at ``path`` when it holds what was built from ``fingerprint``
        (``None``: uncacheable): this very file, or one with exactly its bytes (the outputs
        of an earlier run restored by a CI cache, or copied: new inodes, same content)."""
        if fingerprint is None or fingerprint != self.fingerprint:
            return None
        before = current_id(path)
        if before is None or before == self.output:
            return before
        if not self.output_digest or before[0] != self.output[0]:  # another size: another file
            return None
        same = file_digest(path) == self.output_digest and current_id(path) == before
        return before if same else None

    def unchanged(self, path: Path, context: str) -> bool:
        """``path`` is this very file, made in the same context from files that all look as
        they did then: up to date, without reading any of them."""
        return (
            self.inputs is not None
            and context == self.context
            and self.is_file_of(path)
            and unchanged(self.inputs)
        )

    def is_file_of(self, path: Path) -> bool:
        """The file at ``path`` is the one this entry describes."""
        return current_id(path) == self.output

    @property
    def warned(self) -> bool:
        return any(d.severity is Severity.WARNING for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class BuildState:
    """What a worker needs to decide which outputs of one post are up to date."""

    theme: str  # theme_digest() of the theme
    previous: Mapping[str, Entry]  # format -> the manifest's entry for its output (none: rebuild)


class PostInputs:
    """The inputs one parsed post shares among its outputs, reduced to one digest, and the
    stamps of the files that digest read."""

    def __init__(self, digest: str, stamps: tuple[Stamp, ...] | None) -> None:
        self.digest = digest
        self.stamps = stamps

    @classmethod
    def of(
        cls,
        document: Document,
        read: Sequence[tuple[Stamp, str]],
        locator: Locator,
        remote_allowed: bool,
    ) -> PostInputs | None:
        """``None`` when the post cannot be cached (a remote image, with remote images allowed).

        ``read`` is the stamp and digest of the post file, then of each ``_config.yml``
        whose presence or content decides its site
        (:func:`export_post.reader.site.config_paths`), all taken before it was parsed;
        ``locator`` (the post resolver's) finds images as the exporters do."""
        looked = LookedAt()
        digests = ContentDigests(locator.observed_by(looked.consider))
        images = {ref: digests.digest(ref) for ref in image_refs(document)}
        if remote_allowed and digests.remote:
            return None
        stamps = [found for found, _ in read]
        looked_at = looked.stamps
        return cls(
            _digest({"files": {found[0]: digest for found, digest in read}, "images": images}),
            (*stamps, *looked_at) if looked_at is not None else None,
        )

    def record(self, context: str) -> Record:
        """What to keep about this post's output made in ``context`` (see :func:`context_key`)."""
        return Record(_digest({"post": self.digest, "context": context}), context, self.stamps)


def format_context(format: str, options: Mapping[str, Any], theme: str, facts: Mapping[str, Any]) -> str:
    """A digest of what shapes every output of ``format`` in a run apart from the post: the
    version, the options (and the content of any file one names), the theme digest and the
    settings ``facts`` (the resource policy, ``SOURCE_DATE_EPOCH``...)."""
    return _digest(
        {
            "version": _version.__version__,  # looked up on each call (tests change it)
            "format": format,
            "theme": theme,
            "options": {k: _option_value(v) for k, v in sorted(options.items())},
            "facts": {k: repr(v) for k, v in sorted(facts.items())},
        }
    )


def context_key(source: Path, format_context: str) -> str:
    """The context of one post's output: its format's context and the post's own path."""
    return _digest({"post": os.path.realpath(source), "format": format_context})  # a loop: no error


def image_refs(document: Document) -> list[str]:
    """Every image reference of the post, the cover first, each once."""
    refs = [document.meta.image] if document.meta.image else []
    refs.extend(image.src for image in iter_images(document.blocks))
    return list(dict.fromkeys(refs))


def theme_digest(theme: Theme) -> str:
    """A digest of every file of the theme and of the themes it extends."""
    hasher = hashlib.sha256(theme.name.encode("utf-8"))
    for index, folder in enumerate(theme.folders):
        for name, node in sorted(_files(folder, "")):
            hasher.update(f"\0{index}/{name}\0".encode("utf-8", "surrogateescape"))  # names not UTF-8
            hasher.update(node.read_bytes())
    for label, path in sorted(theme.referenced_files().items()):  # a reference deck, say
        hasher.update(f"\0{label}\0".encode() + file_digest(path).encode("ascii"))
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes; empty when it cannot be read (a missing file, not a file)."""
    hasher = hashlib.sha256()
    try:
        with os.fdopen(open_regular(path), "rb") as handle:  # a FIFO in its place: not blocked on
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    except OSError:
        return ""
    return hasher.hexdigest()


class LookedAt:
    """The stamps of the local files a post's images were looked for in, each taken before the
    file was read. A reference that leads outside the allowed folders is not stamped (nothing
    is kept about such a file): ``stamps`` becomes None, and the post is always judged by its
    fingerprint."""

    def __init__(self) -> None:
        self.stamps: list[Stamp] | None = []

    def consider(self, candidate: Path, inside: bool) -> None:
        if self.stamps is not None:
            if inside:
                self.stamps.append(stamp(candidate))
            else:
                self.stamps = None


Warn = Callable[[str], None]


def _log_warning(message: str) -> None:
    LOGGER.warning("%s", message)


class Manifest:
    """The manifest of one output folder: output file name -> :class:`Entry`.

    A manifest that cannot be read or makes no sense is one warning and counts as empty (the
    worst it can cost is a rebuild); a folder in its place is left alone and nothing is saved."""

    def __init__(self, folder: Path, warn: Warn = _log_warning) -> None:
        self.folder = folder
        self.path = folder / MANIFEST_NAME
        self._warn = warn
        self.entries, problem, self.usable = read_manifest(self.path)
        if problem is not None:
            warn(f"{self.path}: {problem}")
        self._recorded: dict[str, Entry] = {}
        self._saved: tuple[OutputId | None, dict[str, Entry]] = (None, {})
        self._save_failed = False

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name)

    def record(self, name: str, entry: Entry) -> None:
        self.entries[name] = entry
        self._recorded[name] = entry

    @property
    def pending(self) -> bool:
        return bool(self._recorded) and self.usable

    def save(self) -> None:
        """Write what was recorded, merged under the folder's lock with the manifest as it is
        on disk now (another run may have written it meanwhile). Only entries whose file is
        still the one they describe are kept. A manifest that cannot be written is one warning
        (the next run rebuilds what this one wrote)."""
        if not self.pending:
            return
        try:
            with folder_lock(self.folder):
                written_id, written = self._saved
                on_disk = written if current_id(self.path) == written_id else read_manifest(self.path)[0]
                entries = {**on_disk, **self._recorded}
                kept = {name: e for name, e in sorted(entries.items()) if e.is_file_of(self.folder / name)}
                document = {
                    "format": MANIFEST_FORMAT,
                    "outputs": {name: _dump(e) for name, e in kept.items()},
                }
                data = (json_text(document, indent=1) + "\n").encode("utf-8")  # names not UTF-8: \\udcXX
                self._saved = (output_id(write_output(self.path, data)), kept)
        except OSError as err:
            if not self._save_failed:
                self._warn(f"{self.path}: cannot save the build cache: {err.strerror or err}")
            self._save_failed = True
            return
        self._recorded.clear()


class Manifests:
    """The manifests of every output folder of a run, each read once, saved as results arrive."""

    SAVE_SHARE = 0.1  # of the run's time at most spent saving manifests (a big one takes a while)

    def __init__(self, warn: Warn = _log_warning) -> None:
        self._by_folder: dict[Path, Manifest] = {}
        self._warn = warn
        self._saved_at = 0.0
        self._cost = 0.0

    def entry(self, target: Path) -> Entry | None:
        return self._manifest(target).get(target.name)

    def record(self, target: Path, record: Record, diagnostics: tuple[Diagnostic, ...]) -> None:
        entry = Entry.of(record, diagnostics)
        if entry is not None:
            self._manifest(target).record(target.name, entry)

    def save(self) -> None:
        start = time.monotonic()
        for manifest in self._by_folder.values():
            manifest.save()
        self._saved_at = time.monotonic()
        self._cost = self._saved_at - start

    def save_soon(self) -> None:
        """Save what was recorded, unless the last save was too recent for the time it took:
        a run killed at any moment keeps nearly all it wrote, at a bounded cost."""
        waited = time.monotonic() - self._saved_at
        if waited * self.SAVE_SHARE >= self._cost and any(m.pending for m in self._by_folder.values()):
            self.save()

    def _manifest(self, target: Path) -> Manifest:
        folder = target.parent
        if folder not in self._by_folder:
            self._by_folder[folder] = Manifest(folder, self._warn)
        return self._by_folder[folder]


# ------------------------------------------------------------------------------------------


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()  # paths not UTF-8 too


def _option_value(value: object) -> list[str]:
    """An option's value, and the content of the file it names, if it names one."""
    shown = [repr(value)]
    if isinstance(value, str | Path) and str(value) and Path(value).is_file():
        shown.append(file_digest(Path(value)))
    return shown


def _files(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for node in folder.iterdir():
        if node.name in _SKIP or node.name.endswith(".pyc"):
            continue
        if node.is_dir():
            yield from _files(node, f"{prefix}{node.name}/")
        elif node.is_file():
            yield f"{prefix}{node.name}", node


def _dump(entry: Entry) -> dict[str, Any]:
    size, mtime_ns, ctime_ns, inode = entry.output
    return {
        "fingerprint": entry.fingerprint,
        "size": size,
        "mtime_ns": mtime_ns,
        "ctime_ns": ctime_ns,
        "inode": inode,
        "context": entry.context,
        "inputs": [list(s) for s in entry.inputs] if entry.inputs is not None else None,
        "output_digest": entry.output_digest,
        "diagnostics": [diagnostic_json(d, MANIFEST_DIAGNOSTIC_FIELDS) for d in entry.diagnostics],
    }


class _Malformed(ValueError):
    pass


def read_manifest(path: Path) -> tuple[dict[str, Entry], str | None, bool]:
    """The manifest's entries, the problem to warn about (``None``: none) and whether the
    manifest may be written (not when a folder is in its place). A missing manifest, or one
    of another export-post version, is silently empty."""
    try:
        data = read_regular(path, max_bytes=MAX_MANIFEST_BYTES, follow=False)
    except FileNotFoundError:
        return {}, None, True
    except FileTooLarge as err:
        return {}, _unusable(f"{err.size} bytes, over the {MAX_MANIFEST_BYTES}-byte limit"), True
    except RefusedFile as err:
        if path.is_dir() and not path.is_symlink():
            return {}, "the build cache is a folder: it is left alone, and every output is rebuilt", False
        return {}, _unusable(str(err)), True
    except OSError as err:
        return {}, _unusable(err.strerror or str(err)), True
    try:
        document = json.loads(data)
    except RecursionError:
        return {}, _unusable("nested too deeply"), True
    except ValueError:  # UnicodeDecodeError included
        return {}, _unusable("not JSON"), True
    version = document.get("format") if isinstance(document, dict) else None
    if type(version) is int and version != MANIFEST_FORMAT:
        return {}, None, True  # another version's: its outputs are rebuilt once
    try:
        if version != MANIFEST_FORMAT:
            raise _Malformed("no format number")
        return _entries(document), None, True
    except (_Malformed, TypeError, KeyError, ValueError) as err:
        return {}, _unusable(f"malformed: {err}" if isinstance(err, _Malformed) else "malformed"), True


def _unusable(reason: str) -> str:
    return f"unreadable build cache ({reason}); starting with an empty one"


def _entries(document: dict[str, Any]) -> dict[str, Entry]:
    outputs = document.get("outputs")
    if not isinstance(outputs, dict):
        raise _Malformed("no outputs")
    entries = {}
    for name, raw in outputs.items():
        if not _plain_name(name) or not isinstance(raw, dict):
            raise _Malformed("an output that is not a file name in this folder")
        entries[name] = _entry(raw)
    return entries


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and not set(name) & {"/", "\\", "\0"}


def _int(value: object) -> int:
    if type(value) is not int:
        raise _Malformed("a number that is not an integer")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise _Malformed("a text that is not a string")
    return value


def _entry(raw: Mapping[str, Any]) -> Entry:
    diagnostics = raw["diagnostics"]
    inputs = raw["inputs"]
    if not isinstance(diagnostics, list) or not (inputs is None or isinstance(inputs, list)):
        raise _Malformed("diagnostics or inputs that are not lists")
    return Entry(
        fingerprint=_str(raw["fingerprint"]),
        output=(_int(raw["size"]), _int(raw["mtime_ns"]), _int(raw["ctime_ns"]), _int(raw["inode"])),
        diagnostics=tuple(_diagnostic(d) for d in diagnostics),
        context=_str(raw["context"]),
        inputs=tuple(_stamp(s) for s in inputs) if inputs is not None else None,
        output_digest=_str(raw.get("output_digest", "")),  # absent in the manifests of 0.1.0
    )


def _diagnostic(raw: object) -> Diagnostic:
    if not isinstance(raw, dict):
        raise _Malformed("a diagnostic that is not an object")
    line = raw["line"]
    code = _str(raw["code"])
    if not is_code(code):
        raise _Malformed(f"an unknown diagnostic code {code[:40]!r}")
    return Diagnostic(
        code=code,
        message=_str(raw["message"]),
        severity=Severity(raw["severity"]),
        line=_int(line) if line is not None else None,
    )


def _stamp(raw: object) -> Stamp:
    if not isinstance(raw, list) or len(raw) != 6 or "\0" in _str(raw[0]):
        raise _Malformed("a file stamp that is not one")
    path, size, mtime_ns, ctime_ns, inode, device = raw
    return (path, _int(size), _int(mtime_ns), _int(ctime_ns), _int(inode), _int(device))
