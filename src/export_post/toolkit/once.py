"""A library patch installed once per process, where the version it was checked on is there."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable


def once(install: Callable[[], bool]) -> Callable[[], bool]:
    """``install`` (which says whether it installed its patch) called, one thread at a time,
    until it has succeeded once; after that, True without calling it."""
    lock = threading.Lock()
    done = False

    @functools.wraps(install)
    def apply() -> bool:
        nonlocal done
        with lock:
            if not done:
                done = install()
            return done

    return apply
