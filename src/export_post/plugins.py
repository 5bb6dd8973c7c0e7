"""Installed plugins: the entry points of one group, read once per ``sys.path``.

Reading entry points walks every distribution's metadata on ``sys.path`` (about 8 ms
here), and a batch asks for an exporter and a theme for every format of every post. What
is installed only changes when ``sys.path`` does (a test adding a folder) or when a package
is installed into a running process, which nothing here supports."""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import metadata


def entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    """``{name: entry point}`` of ``group``. Raises ``ValueError`` naming both providers when
    two distributions register one name differently."""
    return dict(_entry_points(group, tuple(sys.path)))


@lru_cache(maxsize=16)
def _entry_points(group: str, path: tuple[str, ...]) -> tuple[tuple[str, metadata.EntryPoint], ...]:
    found: dict[str, metadata.EntryPoint] = {}
    for ep in metadata.entry_points(group=group):
        other = found.get(ep.name)
        if other is not None and other.value != ep.value:
            raise ValueError(f"{ep.name!r} is registered twice: by {other.value} and by {ep.value}")
        found[ep.name] = ep
    return tuple(found.items())
