"""Font files for measuring slide text, found the way the renderer will find them.

A deck names fonts as PowerPoint knows them (Calibri, Cambria, Consolas). On machines
without them, fontconfig substitutes metric-compatible clones (Carlito, Caladea), and that
is what LibreOffice draws with, so we measure with what ``fc-match`` returns. Without
fontconfig we look for the clones by file name; the last resort is DejaVu Sans, which is
wider than all of them, so text measured with it never overflows when drawn narrower.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

from export_post.toolkit.fontconfig import coverage, fc_match

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
    fontconfig, or when no font has it): the first font in fontconfig's order of preference
    for that style that has the character, which is the font ``fc-match`` picks for it.

    A function of its arguments alone (no memory of the characters measured before, in this
    deck, another deck or another thread), so a deck measures the same in any batch; and
    cheap: one ``fc-match --sort`` per style lists the fonts with their characters."""
    for path, starts, ends in _preference(family, bold, italic):
        index = bisect.bisect_right(starts, codepoint) - 1
        if index >= 0 and codepoint <= ends[index]:
            return path
    return None


@lru_cache(maxsize=64)
def _preference(
    family: str, bold: bool, italic: bool
) -> tuple[tuple[Path, tuple[int, ...], tuple[int, ...]], ...]:
    """Fontconfig's fonts for ``family`` in that style, best first, each with its characters
    as sorted ranges (starts, ends)."""
    style = "".join(s for s in (":bold" if bold else "", ":italic" if italic else ""))
    out = fc_match(f"{family}{style}", "%{file}\t%{charset}\n", sort=True) or ""
    fonts = []
    for line in out.splitlines():
        name, _, charset = line.partition("\t")
        path = Path(name)
        if path.suffix.lower() not in (".ttf", ".otf", ".ttc") or not path.is_file():
            continue  # bitmap fonts: neither measurable here nor drawn in a deck
        starts, ends = [], []
        for part in charset.split():
            low, _, high = part.partition("-")
            starts.append(int(low, 16))
            ends.append(int(high or low, 16))
        fonts.append((path, tuple(starts), tuple(ends)))
    return tuple(fonts)


@lru_cache(maxsize=64)
def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob(name):
                return path
    return None


# Scripts LibreOffice and PowerPoint draw with a run's complex-script font (``a:cs``): Hebrew,
# Arabic, Syriac, Thaana and N'Ko; the Indic scripts; Thai, Lao, Myanmar and Khmer; Hebrew and
# Arabic presentation forms.
_COMPLEX = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]"
)


def has_complex_script(text: str) -> bool:
    return _COMPLEX.search(text) is not None


def complex_script_family(text: str, family: str, bold: bool = False, italic: bool = False) -> str | None:
    """The family the planner measured ``text``'s complex-script letters with (``family``
    itself when it has them, else fontconfig's substitute), to be named as the run's
    complex-script font; None when ``text`` has no such letters.

    Named explicitly because LibreOffice, left to find a font itself, can draw the Arabic of
    a text box that also holds a symbol such as ⚠️ in a font without Arabic (empty boxes,
    wider than measured)."""
    found = _COMPLEX.search(text)
    if found is None:
        return None
    char = ord(found.group())
    path = font_file(family, bold, italic)
    if path is not None and char in coverage(path):
        return family
    fallback = fallback_file(family, bold, italic, char)
    return _family_name(fallback) if fallback is not None else None


def symbol_family(symbol: str, family: str, bold: bool = False, italic: bool = False) -> str | None:
    """The family that draws ``symbol`` (an emoji) when ``family`` lacks it: what a run
    holding only the symbol names as its complex-script font, since beside right-to-left
    text LibreOffice draws it with the complex-script font of its neighbours (an empty box
    when that font lacks it)."""
    fallback = fallback_file(family, bold, italic, ord(symbol[0]))
    return _family_name(fallback) if fallback is not None else None


@lru_cache(maxsize=64)
def _family_name(path: Path) -> str | None:
    """The typographic family name of a font file (name id 16, else 1)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=0, lazy=True) as font:
        names = font["name"]
        record = names.getName(16, 3, 1) or names.getName(1, 3, 1) or names.getName(1, 1, 0)
        return record.toUnicode() if record is not None else None
