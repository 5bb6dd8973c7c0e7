"""The theme's fonts, embedded in the book and cut down to the characters it uses.

A reading system otherwise shows the book in its own fonts. With ``embed_fonts`` each
font stack of the theme (body, heading, mono) is walked in order, as a browser falls
back: every character of the book goes to the first family that has it, and each family
that gets characters is embedded in the styles the CSS uses (regular, bold, italic), as a
subset (fontTools) holding just those characters. Only families fontconfig really has are
used, never its substitutes, so a name in the CSS always means the file embedded for it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from export_post.toolkit.fontconfig import coverage, fc_match

STYLES = ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic"))
_ALWAYS = " 0123456789.,;:!?'\"()[]-\u2013\u2014\u2026\u2018\u2019\u201c\u201d"  # punctuation the CSS adds


@dataclass(frozen=True, slots=True)
class FontFile:
    family: str
    weight: int
    style: str
    data: bytes  # the subset, as OpenType (TrueType or CFF outlines)
    media_type: str

    @property
    def name(self) -> str:
        extension = ".otf" if self.media_type == "font/otf" else ".ttf"
        return f"fonts/{hashlib.sha256(self.data).hexdigest()[:20]}{extension}"


def embedded_fonts(stacks: Mapping[str, Sequence[str]], text: str) -> list[FontFile]:
    """Subsets of the theme's fonts covering ``text`` (its characters, by first family that
    has each)."""
    chars = set(text) | set(_ALWAYS)
    chars = {c for c in chars if not c.isspace() or c == " "}
    wanted: dict[str, set[str]] = {}
    for key in ("body", "heading", "mono"):
        remaining = set(chars)
        for family in stacks.get(key, ()):
            source = _file(family, 400, "normal")
            if source is None:
                continue
            covered = {c for c in remaining if ord(c) in coverage(*source)}
            if covered:
                wanted.setdefault(family, set()).update(covered)
                remaining -= covered
            if not remaining:
                break
    fonts: list[FontFile] = []
    for family, family_chars in sorted(wanted.items()):
        seen: set[tuple[Path, int]] = set()
        for weight, style in STYLES:
            source = _file(family, weight, style)
            if source is None or source in seen:
                continue  # no such style: the reading system synthesises it from the regular
            seen.add(source)
            data, media_type = _subset(source, frozenset(family_chars))
            fonts.append(FontFile(family, weight, style, data, media_type))
    return fonts


def font_face_css(fonts: Iterable[FontFile]) -> str:
    return "".join(
        f'@font-face {{ font-family: "{font.family}"; src: url("{font.name}"); '
        f"font-weight: {font.weight}; font-style: {font.style}; }}\n"
        for font in fonts
    )


@lru_cache(maxsize=128)
def _file(family: str, weight: int, style: str) -> tuple[Path, int] | None:
    """The font file (and index in a collection) for exactly ``family`` in that style."""
    if family in ("serif", "sans-serif", "monospace"):
        return None
    bold, italic = weight >= 700, style == "italic"
    pattern = f"{family}:weight={'bold' if bold else 'regular'}:slant={'italic' if italic else 'roman'}"
    out = fc_match(pattern, "%{family}\t%{file}\t%{index}\t%{weight}\t%{slant}")
    if out is None:
        return None
    parts = out.split("\t")
    if len(parts) != 5 or family.lower() not in (f.strip().lower() for f in parts[0].split(",")):
        return None  # fontconfig substituted another family
    found_bold = int(parts[3] or 0) >= 180  # fontconfig weights: regular 80, bold 200
    found_italic = int(parts[4] or 0) > 0
    if found_bold != bold or found_italic != italic:
        return None  # only the regular exists in that style
    path = Path(parts[1])
    return (path, int(parts[2] or 0)) if path.is_file() else None


@lru_cache(maxsize=64)
def _subset(source: tuple[Path, int], chars: frozenset[str]) -> tuple[bytes, str]:
    from fontTools import subset  # a quarter second to import, for books that embed fonts only

    path, index = source
    options = subset.Options()
    options.layout_features = ["*"]  # keep ligatures, kerning and script shaping
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.font_number = index
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    media_type = "font/otf" if "CFF " in font or "CFF2" in font else "font/ttf"
    font.recalcTimestamp = False  # the same book bytes on every run
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue(), media_type
