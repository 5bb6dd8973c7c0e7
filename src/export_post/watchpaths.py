"""What ``--watch`` looks at: the folders to watch and which changes in them count.

A batch's outputs depend on its posts, the images they use, the site's ``_config.yml`` (and
the files its math settings are read from), ``book.yml``, the theme's files and any file an
option names (a reference deck). The folders holding them are watched recursively; a change
counts unless it is one of our own outputs, our temporaries or the build cache, lies under
the output folder or a folder discovery skips, or is an editor's scratch file (swap files,
backups, lock files). What a counted change affects is left to the build cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api import resolve_theme
from .batch.buildcache import MANIFEST_NAME
from .batch.discovery import SKIP_DIRS, Post, discover
from .reader.site import config_paths
from .reader.source import POST_SUFFIXES
from .themes import installed_themes

BOOK_NAME = "book.yml"
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload", ".part")


def real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def current_posts(inputs: Sequence[Path]) -> list[Post]:
    """The posts the inputs stand for now: a folder's as :func:`discover` finds them, a named
    file while it exists (an editor may have it removed for a moment)."""
    posts: list[Post] = []
    for path in inputs:
        if path.is_dir():
            posts.extend(discover(path))
        elif path.exists() or path.is_symlink():
            posts.append(Post(path))
    return posts


def is_post_file(path: Path) -> bool:
    return path.name.lower().endswith(POST_SUFFIXES)


def is_scratch(name: str) -> bool:
    """An editor's or a downloader's file of the moment, never an input: hidden files (vim's
    ``.x.swp``, emacs' ``.#x``), backups (``x~``, ``#x#``) and vim's write test ``4913``."""
    return name.startswith((".", "#")) or name.endswith(_SCRATCH_SUFFIXES) or name == "4913"


@dataclass(slots=True, kw_only=True)
class WatchPlan:
    """The folders to watch and the files whose changes are our own doing."""

    roots: list[Path]
    out_dir: Path | None = None
    own_files: set[Path] = field(default_factory=set)  # outputs, report, links file

    def counts(self, path: Path) -> bool:
        """Whether a change of ``path`` may change an output."""
        if is_scratch(path.name) or path.name == MANIFEST_NAME:
            return False
        resolved = real(path)
        if resolved in self.own_files:
            return False
        if self.out_dir is not None and resolved.is_relative_to(self.out_dir) and not is_post_file(path):
            return False
        root = next((r for r in self.roots if resolved.is_relative_to(r)), None)
        if root is None:
            return False
        folders = resolved.relative_to(root).parts[:-1]
        return not any(part in SKIP_DIRS or part.startswith(".") for part in folders)


def watch_plan(
    inputs: Sequence[Path],
    posts: Iterable[Post],
    *,
    site_root: Path | None,
    theme: str | Path,
    options: Mapping[str, Any],
    out_dir: Path | None,
    own_files: Iterable[Path] = (),
) -> WatchPlan:
    """The folders the inputs depend on: each input folder (a named post's own folder), the
    site folder of each post, a path theme's folders and the files its sections name, and the
    folder of any file an option names."""
    folders: list[Path] = [path if path.is_dir() else path.parent for path in inputs]
    for post in posts:
        configs = config_paths(post.path, site_root)
        folders.extend(path.parent for path in configs[-1:])
    folders.extend(_theme_folders(theme))
    folders.extend(
        Path(value).parent
        for value in options.values()
        if isinstance(value, str | Path) and str(value) and Path(value).is_file()
    )
    roots = _outermost(real(f) for f in folders if f.is_dir())
    separate = out_dir is not None and not any(real(out_dir) in (r, *r.parents) for r in roots)
    return WatchPlan(
        roots=roots,
        out_dir=real(out_dir) if out_dir is not None and separate else None,
        own_files={real(f) for f in own_files},
    )


def _theme_folders(theme: str | Path) -> list[Path]:
    """A path theme's folders (installed themes are not watched) and the files it names."""
    loaded = resolve_theme(theme)
    installed = {str(folder) for name in installed_themes() for folder in resolve_theme(name).folders}
    found = [Path(str(f)) for f in loaded.folders if isinstance(f, Path) and str(f) not in installed]
    found.extend(path.parent for path in loaded.referenced_files().values())
    return found


def _outermost(folders: Iterable[Path]) -> list[Path]:
    """The folders without those inside another (watching is recursive)."""
    kept: list[Path] = []
    for folder in sorted(set(folders), key=lambda f: len(f.parts)):
        if not any(folder.is_relative_to(k) for k in kept):
            kept.append(folder)
    return kept
