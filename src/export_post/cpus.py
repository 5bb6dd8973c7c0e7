"""How many CPUs this process may use, and whether it runs one thread (it may fork)."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def single_threaded() -> bool:
    """Whether this process runs one thread, Python's or a library's own (Linux tells), so
    that a forked copy cannot inherit a lock another thread holds."""
    if threading.active_count() != 1 or threading.current_thread() is not threading.main_thread():
        return False
    try:
        return len(list(Path("/proc/self/task").iterdir())) == 1
    except OSError:  # not Linux: Python's threads are all we can see
        return True
