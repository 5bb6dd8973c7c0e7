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

With remote images allowed, a post that references one is always rebuilt: what a URL
serves can change at any time, and nothing here fetches it just to compare.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .diagnostics import Diagnostic, Reporter, Severity
from .model import Document, iter_images
from .output import write_atomic
from .resources import Resource, ResourceResolver
from .themes import Theme

MANIFEST_NAME = ".export-post-cache.json"
MANIFEST_FORMAT = 1
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
_SKIP = frozenset({"__pycache__", ".git"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What the manifest knows about one output file."""

    fingerprint: str
    size: int
    mtime_ns: int
    diagnostics: tuple[Diagnostic, ...] = ()

    @classmethod
    def of(cls, path: Path, fingerprint: str, diagnostics: tuple[Diagnostic, ...]) -> Entry | None:
        """The entry for ``path`` as it is now on disk (None if it cannot be read)."""
        try:
            info = path.stat()
        except OSError:
            return None
        return cls(
            fingerprint=fingerprint, size=info.st_size, mtime_ns=info.st_mtime_ns, diagnostics=diagnostics
        )

    def matches(self, path: Path, fingerprint: str | None) -> bool:
        """``path`` is this very file and was built from ``fingerprint`` (``None``: uncacheable)."""
        if fingerprint is None or fingerprint != self.fingerprint:
            return False
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
    """The inputs one parsed post shares among its outputs, reduced to one digest."""

    def __init__(self, digest: str) -> None:
        self.digest = digest

    @classmethod
    def of(
        cls,
        document: Document,
        text_digest: str,
        lookup: Callable[[str], Resource | None],
        facts: Mapping[str, Any],
    ) -> PostInputs | None:
        """``None`` when the post cannot be cached (a remote image, with remote images allowed).

        ``lookup`` resolves an image reference as the exporters would; ``facts`` are the
        settings that shape every output (the resource policy, for one)."""
        refs = image_refs(document)
        if facts.get("allow_remote") and any(_is_remote(ref) for ref in refs):
            return None
        images = {}
        for ref in refs:
            found = lookup(ref)
            images[ref] = found.digest if found is not None else None
        meta = document.meta
        config = meta.site_root / "_config.yml" if meta.site_root else None
        return cls(
            _digest(
                {
                    "version": _version(),
                    "post": str(meta.source_path.resolve()) if meta.source_path else "",
                    "text": text_digest,
                    "config": file_digest(config) if config else "",
                    "images": images,
                    "facts": {k: repr(v) for k, v in sorted(facts.items())},
                    "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
                }
            )
        )

    def fingerprint(self, format: str, options: Mapping[str, Any], theme: str) -> str:
        """The fingerprint of this post's ``format`` output."""
        return _digest(
            {
                "post": self.digest,
                "format": format,
                "theme": theme,
                "options": {k: _option_value(v) for k, v in sorted(options.items())},
            }
        )


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
            hasher.update(f"\0{index}/{name}\0".encode())
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
    pictures must not warn about them."""

    @classmethod
    def like(cls, resolver: ResourceResolver) -> DigestResolver:
        return cls(
            post_dir=resolver.post_dir,
            site_root=resolver.site_root,
            site_url=resolver.site_url,
            extra_roots=resolver.roots,
            policy=resolver.policy,
            reporter=_Silent(),
        )

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
        write_atomic(self.path, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self._recorded.clear()


class Manifests:
    """The manifests of every output folder of a run, read once and saved at the end."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Manifest] = {}

    def entry(self, target: Path) -> Entry | None:
        return self._manifest(target).get(target.name)

    def record(self, target: Path, fingerprint: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        entry = Entry.of(target, fingerprint, diagnostics)
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
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _option_value(value: object) -> list[str]:
    """An option's value, and the content of the file it names, if it names one."""
    shown = [repr(value)]
    if isinstance(value, str | Path) and str(value) and Path(value).is_file():
        shown.append(file_digest(Path(value)))
    return shown


def _is_remote(ref: str) -> bool:
    ref = ref.strip()
    return ref.startswith("//") or urlsplit(ref).scheme.lower() in ("http", "https")


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
    fingerprint, size, mtime_ns = raw["fingerprint"], raw["size"], raw["mtime_ns"]
    if not (isinstance(fingerprint, str) and isinstance(size, int) and isinstance(mtime_ns, int)):
        raise TypeError("malformed manifest entry")
    return Entry(fingerprint=fingerprint, size=size, mtime_ns=mtime_ns, diagnostics=diagnostics)
