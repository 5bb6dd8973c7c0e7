"""Asking fontconfig which font file draws what, as the renderers (Pango, LibreOffice) do.

Shared by the exporters that measure or embed the theme's fonts.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont


def fc_match(pattern: str, fields: str = "%{file}", *, sort: bool = False) -> str | None:
    """What ``fc-match -f FIELDS PATTERN`` prints (with ``sort``, ``fc-match --sort``: every
    font that adds characters, best first, ``FIELDS`` once per font); ``None`` without
    fontconfig or when it fails."""
    if not shutil.which("fc-match"):
        return None
    argv = ["fc-match", *(["--sort"] if sort else []), "-f", fields, pattern]
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None


@lru_cache(maxsize=128)
def coverage(path: Path | None, index: int = 0) -> frozenset[int]:
    """The code points font ``index`` of the file (a collection may hold several) has glyphs for."""
    if path is None:
        return frozenset()
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})
