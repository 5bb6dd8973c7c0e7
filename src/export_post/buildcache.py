"""Incremental builds: an output is written again only when something it is made from changed.

An output's *fingerprint* is a SHA-256 over everything that shapes it: export-post's
version and the format; the post file's bytes and path and the site's ``_config.yml``; the
content hash of every image the post references, the cover included (or the fact that it
is refused); the theme's files, its parents' included; the format's options (with the
content of any file an option names); the resource policy and ``SOURCE_DATE_EPOCH``.

Each output folder keeps a manifest, :data:`MANIFEST_NAME`, mapping output file names to
the fingerprint they were built from, their size and modification time, and the
diagnostics of that build. An output is up to date when its file still has that size and
time and its fingerprint is unchanged. Worker processes only read entries handed to them;
the calling process alone writes manifests.

A fingerprint needs the post parsed and its images hashed. So that a run where nothing
changed costs no more than looking at files, an entry also keeps the *stamps* (size,
times, inode) of every file the fingerprint read, taken before reading them, and a
*context* digest of everything else (version, format, options, theme, policy). When the
context is the same and every stamp still matches, the calling process skips the output
without handing the post to a worker; any difference falls back to the fingerprint, which
looks at the content, so touching a file costs a check, never a wrong skip.

With remote images allowed, a post that references one is always rebuilt: what a URL
serves can change at any time, and nothing here fetches it just to compare.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Reporter, Severity
from .model import Document, iter_images
from .output import write_atomic
from .resources import Resource, ResourceResolver
from .themes import Theme
from .weburl import RefKind, parse_reference

MANIFEST_NAME = ".export-post-cache.json"
MANIFEST_FORMAT = 2
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What the manifest knows about one output file."""

    fingerprint: str
    size: int
    mtime_ns: int
    diagnostics: tuple[Diagnostic, ...] = ()
    context: str = ""
    inputs: tuple[Stamp, ...] | None = None

    @classmethod
    def of(cls, path: Path, record: Record, diagnostics: tuple[Diagnostic, ...]) -> Entry | None:
        """The entry for ``path`` as it is now on disk (None if it cannot be read)."""
        try:
            info = path.stat()
        except OSError:
            return None
        return cls(
            fingerprint=record.fingerprint,
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            diagnostics=diagnostics,
            context=record.context,
            inputs=record.inputs,
        )

    def matches(self, path: Path, fingerprint: str | None) -> bool:
        """``path`` is this very file and was built from ``fingerprint`` (``None``: uncacheable)."""
        if fingerprint is None or fingerprint != self.fingerprint:
            return False
        return self._is_output(path)

    def unchanged(self, path: Path, context: str) -> bool:
        """``path`` is this very file, made in the same context from files that all look as
        they did then: up to date, without reading any of them."""
        return (
            self.inputs is not None
            and context == self.context
            and self._is_output(path)
            and unchanged(self.inputs)
        )

    def _is_output(self, path: Path) -> bool:
        try:
            info = path.stat()
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == (self.size, self.mtime_ns)

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
        resolver: DigestResolver,
        remote_allowed: bool,
    ) -> PostInputs | None:
        """``None`` when the post cannot be cached (a remote image, with remote images allowed).

        ``read`` is the stamp and digest of the post file, then of each ``_config.yml``
        whose presence or content decides its site
        (:func:`export_post.reader.site.config_paths`), all taken before it was parsed;
        ``resolver`` finds images as the exporters do."""
        refs = image_refs(document)
        if remote_allowed and any(_is_remote(ref) for ref in refs):
            return None
        stamps = [found for found, _ in read]
        images = {}
        for ref in refs:
            found = resolver.image(ref)
            images[ref] = found.digest if found is not None else None
        looked_at = resolver.looked_at
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
            "version": _version(),
            "format": format,
            "theme": theme,
            "options": {k: _option_value(v) for k, v in sorted(options.items())},
            "facts": {k: repr(v) for k, v in sorted(facts.items())},
        }
    )


def context_key(source: Path, format_context: str) -> str:
    """The context of one post's output: its format's context and the post's own path."""
    return _digest({"post": str(source.resolve()), "format": format_context})


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
    template = theme.slides.template
    if template is not None:
        hasher.update(b"\0template\0" + file_digest(template).encode("ascii"))
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes; empty when it cannot be read (a missing file)."""
    hasher = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    except OSError:
        return ""
    return hasher.hexdigest()


class _Silent(Reporter):
    def report(self, diagnostic: Diagnostic, *, log: bool = True) -> None:
        super().report(diagnostic, log=False)


class DigestResolver(ResourceResolver):
    """Finds what an image reference stands for as the post's resolver does (same roots and
    policy, same refusals) but only hashes the bytes: no decoding, no diagnostics.

    A fingerprint needs to know which bytes a reference names, not whether they make a good
    picture, which follows from the bytes. And looking is not using: a deck without
    pictures must not warn about them.

    It stamps each local file it looks for before reading it (``looked_at``). A reference
    that leads outside the allowed folders is not stamped (nothing is kept about such a
    file): ``looked_at`` becomes None, and the post is always judged by its fingerprint."""

    looked_at: list[Stamp] | None

    @classmethod
    def like(cls, resolver: ResourceResolver) -> DigestResolver:
        found = cls(
            post_dir=resolver.post_dir,
            site_root=resolver.site_root,
            site_url=resolver.site_url,
            extra_roots=resolver.roots,
            policy=resolver.policy,
            reporter=_Silent(),
        )
        found.looked_at = []
        return found

    def consider(self, candidate: Path, inside: bool) -> None:
        if self.looked_at is not None:
            if inside:
                self.looked_at.append(stamp(candidate))
            else:
                self.looked_at = None

    def inspect(self, ref: str, data: bytes, line: int | None) -> Resource | None:
        digest = hashlib.sha256(data).hexdigest()
        return Resource(ref=ref, data=b"", media_type="", width=0, height=0, digest=digest)


class Manifest:
    """The manifest of one output folder: output file name -> :class:`Entry`."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST_NAME
        self.entries = _load(self.path)
        self._recorded: dict[str, Entry] = {}

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name)

    def record(self, name: str, entry: Entry) -> None:
        self.entries[name] = entry
        self._recorded[name] = entry

    def save(self) -> None:
        """Write what was recorded, on top of the manifest as it is on disk now (another run
        may have written it meanwhile), dropping entries whose output no longer exists."""
        if not self._recorded:
            return
        entries = {**_load(self.path), **self._recorded}
        folder = self.path.parent
        kept = {name: e for name, e in sorted(entries.items()) if (folder / name).is_file()}
        document = {"format": MANIFEST_FORMAT, "outputs": {name: _dump(e) for name, e in kept.items()}}
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        write_atomic(self.path, text.encode("utf-8", "backslashreplace"))  # names not UTF-8: \\udcXX
        self._recorded.clear()


class Manifests:
    """The manifests of every output folder of a run, read once and saved at the end."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Manifest] = {}

    def entry(self, target: Path) -> Entry | None:
        return self._manifest(target).get(target.name)

    def record(self, target: Path, record: Record, diagnostics: tuple[Diagnostic, ...]) -> None:
        entry = Entry.of(target, record, diagnostics)
        if entry is not None:
            self._manifest(target).record(target.name, entry)

    def save(self) -> None:
        for manifest in self._by_folder.values():
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs a rebuild
                manifest.save()

    def _manifest(self, target: Path) -> Manifest:
        folder = target.parent
        if folder not in self._by_folder:
            self._by_folder[folder] = Manifest(folder)
        return self._by_folder[folder]


# ------------------------------------------------------------------------------------------


def _version() -> str:
    from . import __version__

    return __version__


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()  # paths not UTF-8 too


def _option_value(value: object) -> list[str]:
    """An option's value, and the content of the file it names, if it names one."""
    shown = [repr(value)]
    if isinstance(value, str | Path) and str(value) and Path(value).is_file():
        shown.append(file_digest(Path(value)))
    return shown


def _is_remote(ref: str) -> bool:
    return parse_reference(ref).kind is RefKind.REMOTE


def _files(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for node in folder.iterdir():
        if node.name in _SKIP or node.name.endswith(".pyc"):
            continue
        if node.is_dir():
            yield from _files(node, f"{prefix}{node.name}/")
        elif node.is_file():
            yield f"{prefix}{node.name}", node


def _dump(entry: Entry) -> dict[str, Any]:
    return {
        "fingerprint": entry.fingerprint,
        "size": entry.size,
        "mtime_ns": entry.mtime_ns,
        "context": entry.context,
        "inputs": [list(s) for s in entry.inputs] if entry.inputs is not None else None,
        "diagnostics": [
            {"code": d.code, "severity": d.severity.value, "message": d.message, "line": d.line}
            for d in entry.diagnostics
        ],
    }


def _load(path: Path) -> dict[str, Entry]:
    """The manifest's entries; an unreadable or malformed manifest counts as empty."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return {}
        document = json.loads(path.read_bytes())
        if document.get("format") != MANIFEST_FORMAT:
            return {}
        return {name: _entry(raw) for name, raw in document["outputs"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _entry(raw: Mapping[str, Any]) -> Entry:
    diagnostics = tuple(
        Diagnostic(
            code=str(d["code"]),
            message=str(d["message"]),
            severity=Severity(d["severity"]),
            line=d["line"] if isinstance(d["line"], int) else None,
        )
        for d in raw["diagnostics"]
    )
    fingerprint, size, mtime_ns, context = raw["fingerprint"], raw["size"], raw["mtime_ns"], raw["context"]
    if not (
        isinstance(fingerprint, str)
        and isinstance(size, int)
        and isinstance(mtime_ns, int)
        and isinstance(context, str)
    ):
        raise TypeError("malformed manifest entry")
    inputs = None
    if raw["inputs"] is not None:
        inputs = tuple(_stamp(s) for s in raw["inputs"])
    return Entry(
        fingerprint=fingerprint,
        size=size,
        mtime_ns=mtime_ns,
        diagnostics=diagnostics,
        context=context,
        inputs=inputs,
    )


def _stamp(raw: Any) -> Stamp:
    path, *numbers = raw
    if not (isinstance(path, str) and len(numbers) == 5 and all(type(n) is int for n in numbers)):
        raise TypeError("malformed stamp")
    size, mtime_ns, ctime_ns, inode, device = numbers
    return (path, size, mtime_ns, ctime_ns, inode, device)
