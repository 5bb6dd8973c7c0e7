"""Finding the posts an input stands for.

A file named by the user is theirs: it is read as given, a symlink followed. A folder is a
site: the posts found by walking it are as untrusted as the images next to them. A post (or
a folder) that is a symlink leading out of the site is refused, and so is a post that is not
a regular file (a FIFO, a device, a socket: refused before anything opens it). The site is
the folder named, or its parent when the folder named is a ``_posts`` folder. A folder the
walk reaches twice (a symlink loop, two links to one folder) is walked once.

Then the posts of a batch: each file once, however often and however it is named, and the
posts whose outputs would overwrite another's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import checks
from ..errors import ReadError
from ..output import output_path
from ..reader.source import POST_SUFFIXES
from ..resources.safefile import RefusedFile, check_regular, is_inside

SKIP_DIRS = frozenset({"_site", "node_modules", "vendor", ".git", ".jekyll-cache", ".sass-cache"})


@dataclass(frozen=True, slots=True)
class Post:
    """A post to convert. ``within``: it was found by walking that folder and must still be
    inside it when it is read (``None``: named by the user). ``refused``: the one-line error
    saying why it is not converted."""

    path: Path
    within: Path | None = None
    refused: str | None = None


def discover(path: str | Path) -> list[Post]:
    """A file is itself; a folder means its ``_posts/`` if it has one, else every post file
    (``.md``, ``.markdown``, ``.mkd``, ``.mkdn``) under it, in sorted order, with what the
    walk refuses in its place."""
    path = Path(path)
    if not path.is_dir():
        return [Post(path)]
    named = Path(os.path.realpath(path))  # a folder the user names is theirs, even through a symlink
    boundary = named.parent if named.name == "_posts" else named
    start = path / "_posts"
    if start.is_dir():
        real = os.path.realpath(start)
        if not is_inside(real, boundary):
            return [_refused(start, f"refused: a symlink to {real}, outside {boundary}")]
    else:
        start = path
    return _walk(start, boundary)


def find_posts(path: str | Path) -> list[Path]:
    """The posts :func:`discover` finds that are not refused."""
    return [post.path for post in discover(path) if post.refused is None]


def _walk(start: Path, boundary: Path) -> list[Post]:
    found: list[Post] = []
    seen: set[tuple[int, int]] = set()
    stack = [start]
    while stack:  # depth first, in sorted order; no recursion, however deep the folders go
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as err:
            found.append(_refused(folder, f"cannot list folder: {err.strerror or err}"))
            continue
        folders = []
        for entry in entries:
            child = folder / entry.name
            if _is_dir(entry):
                if entry.name in SKIP_DIRS or entry.name.startswith("."):
                    continue
                real = os.path.realpath(child)
                if entry.is_symlink() and not is_inside(real, boundary):
                    found.append(_refused(child, f"refused: a symlink to {real}, outside {boundary}"))
                    continue
                folders.append(child)
            elif entry.name.lower().endswith(POST_SUFFIXES):
                found.append(_post(child, boundary))
        stack.extend(reversed(folders))
    return found


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _post(path: Path, boundary: Path) -> Post:
    try:
        check_regular(path, within=boundary)
    except RefusedFile as err:
        return _refused(path, f"refused: {err}")
    except OSError as err:
        return _refused(path, f"cannot read post: {err.strerror or err}")
    return Post(path, within=boundary)


def _refused(path: Path, message: str) -> Post:
    return Post(path, refused=str(ReadError(message, path=path)))


def inputs(paths: object) -> list[Path | Post]:
    """``paths`` checked as :func:`checks.paths` does; a :class:`Post` is kept as it is."""
    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Iterable):
        checks.paths(paths, "paths")  # raises
    items = list(paths)  # type: ignore[call-overload]
    plain = iter(checks.paths([item for item in items if not isinstance(item, Post)], "paths"))
    return [item if isinstance(item, Post) else next(plain) for item in items]


def unique_posts(posts: Iterable[Post]) -> list[Post]:
    """``posts`` without repeats, as :func:`distinct_posts` tells them apart."""
    posts = list(posts)
    wanted = set(distinct_posts(post.path for post in posts))
    kept: dict[Path, Post] = {}
    for post in posts:
        if post.path in wanted:
            kept.setdefault(post.path, post)
    return list(kept.values())


def distinct_posts(sources: Iterable[Path]) -> list[Path]:
    """``sources`` in order without repeats: one file named several times, however it is
    spelled (relative or absolute, with ``./``, through a symbolic link), counts once, under
    the first spelling. Converting it again would only race to write the same outputs."""
    seen: set[object] = set()
    kept: list[Path] = []
    for source in sources:
        try:
            info = source.stat()
            key: object = (info.st_dev, info.st_ino)
        except (OSError, ValueError):  # missing: it fails once, by its resolved name
            key = os.path.realpath(source)
        if key not in seen:
            seen.add(key)
            kept.append(source)
    return kept


def name_clashes(sources: Sequence[Path], out_dir: Path | None) -> dict[Path, Path]:
    """Posts whose outputs would overwrite an earlier post's (same stem, same folder)."""
    first: dict[tuple[str, str], Path] = {}
    clashes: dict[Path, Path] = {}
    for source in sources:
        stem = output_path(source, "", out_dir)
        key = (os.path.realpath(stem.parent), stem.name)
        if key in first and os.path.realpath(first[key]) != os.path.realpath(source):
            clashes[source] = first[key]
        else:
            first.setdefault(key, source)
    return clashes
