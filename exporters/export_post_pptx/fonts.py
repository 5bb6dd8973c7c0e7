"""Font files for measuring slide text, found the way the renderer will find them.

A deck names fonts as PowerPoint knows them (Calibri, Cambria, Consolas). On machines
without them, fontconfig substitutes metric-compatible clones (Carlito, Caladea), and that
is what LibreOffice draws with, so we measure with what ``fc-match`` returns. Without
fontconfig we look for the clones by file name; the last resort is DejaVu Sans, which is
wider than all of them, so text measured with it never overflows when drawn narrower.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from export_post.fontconfig import coverage, fc_match

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_CLONES = {
    "calibri": "Carlito",
    "cambria": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "courier new": "Liberation Mono",
}
_FALLBACK_FILES = {
    False: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    True: (
        "DejaVuSansMono.ttf",
        "DejaVuSansMono-Bold.ttf",
        "DejaVuSansMono-Oblique.ttf",
        "DejaVuSansMono-BoldOblique.ttf",
    ),
}


@lru_cache(maxsize=64)
def font_file(family: str, bold: bool = False, italic: bool = False, mono: bool = False) -> Path | None:
    """The file the renderer would use for ``family`` in that style, or a wider fallback."""
    style = ":".join(s for s in ("bold" if bold else "", "italic" if italic else "") if s)
    pattern = f"{family}:{style}" if style else family
    out = (fc_match(pattern) or "").strip()
    if out and Path(out).is_file() and Path(out).suffix.lower() in (".ttf", ".otf", ".ttc"):
        return Path(out)
    clone = _CLONES.get(family.lower(), family).replace(" ", "")
    suffix = {
        (False, False): "Regular",
        (True, False): "Bold",
        (False, True): "Italic",
        (True, True): "BoldItalic",
    }
    found = _find(f"{clone}-{suffix[(bold, italic)]}.ttf") or _find(f"{clone}.ttf")
    if found:
        return found
    index = (2 if italic else 0) + (1 if bold else 0)
    return _find(_FALLBACK_FILES[mono][index]) or _find(_FALLBACK_FILES[mono][0])


def fallback_file(family: str, bold: bool, italic: bool, codepoint: int) -> Path | None:
    """The font fontconfig substitutes for a character ``family`` lacks (``None`` without
    fontconfig). Asking fontconfig costs a process, so a fallback already found for this
    style that has the character is used first (CJK alone spans 80 blocks of 256, all in
    one font); only a character none of them has is asked about."""
    found = _FOUND.setdefault((family, bold, italic), [])
    for known in found:
        if codepoint in coverage(known):
            return known
    path = _query(family, bold, italic, codepoint)
    if path is not None and path not in found and codepoint in coverage(path):
        found.append(path)
    return path


_FOUND: dict[tuple[str, bool, bool], list[Path]] = {}  # fallbacks met so far, per style


@lru_cache(maxsize=4096)
def _query(family: str, bold: bool, italic: bool, codepoint: int) -> Path | None:
    style = "".join(s for s in (":bold" if bold else "", ":italic" if italic else ""))
    out = (fc_match(f"{family}{style}:charset={codepoint:x}") or "").strip()
    return Path(out) if out and Path(out).is_file() else None


@lru_cache(maxsize=64)
def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob(name):
                return path
    return None
