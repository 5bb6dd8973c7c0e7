"""A text layer every PDF reader can read: WeasyPrint's font dictionaries, repaired before writing.

``repair_text_layer`` is a WeasyPrint *finisher* (``write_pdf(finisher=...)``): it changes the
font objects of the PDF after WeasyPrint has built them and before they are written. Two
defects of WeasyPrint 70's font writing (``weasyprint/pdf/fonts.py``, ``draw/text.py``) are
repaired; docs/upstream/ holds the reports for WeasyPrint.

1. **A character no installed font has** (an emoji without an emoji font, a rare ideograph)
   is drawn as the font's .notdef, under a made-up glyph id past the end of the font; the font
   then gets an embedded CMap as its ``/Encoding`` that maps those ids to CID 0, where every
   other font has ``/Identity-H``. The embedded CMap is valid PDF, but pdfminer.six reads only
   its name (and so extracts nothing in that font) and pypdf decodes it one byte at a time (NUL
   between the letters). The repair: ``/Identity-H``, and for a TrueType font a
   ``/CIDToGIDMap`` that sends the made-up ids to glyph 0, which draws exactly what the
   embedded CMap drew. (A CFF font has no such map: there a CID the font lacks is drawn with
   CID 0, the PDF's rule for undefined characters.)
2. **A ToUnicode entry that is not the glyph's text.** WeasyPrint maps each glyph to the text
   of the first cluster it was drawn in. For the ellipsis of ``text-overflow: ellipsis``, Pango
   reports the whole elided text as that cluster, so the ``…`` glyph reads as (say) the last
   1,900 characters of a long title, there and everywhere else in the PDF; past 63 UTF-16
   units poppler rejects the entry (``Illegal entry in bfchar block``) and past 256 pypdf
   stops reading the page. The repair, per entry: a glyph that the font's own ``cmap`` gives
   for a character ``c`` maps to a text containing ``c`` (compared after NFKD, so ligatures
   such as ``ﬁ`` -> ``fi`` and presentation forms keep their text), else to ``c`` (a bracket
   drawn mirrored in right-to-left text keeps its text); and no entry is longer than 63
   UTF-16 units. Entries of glyphs that have no character of their own
   (ligatures, conjuncts, contextual forms) keep the cluster text WeasyPrint gave them.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from .textdraw import is_alias

# Poppler reads a ToUnicode destination of at most 252 hex digits (a 255-byte token with its
# brackets): 63 UTF-16 code units. pypdf allows 256, the PDF reference 256 as well (512 bytes).
MAX_UNITS = 63

_REFERENCE = re.compile(rb"(\d+) 0 R")
_CIDCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s+(\d+)")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{2,4})>\s*<([0-9a-fA-F]*)>")


def repair_text_layer(document: object, pdf: Any) -> None:
    """WeasyPrint finisher: repair every composite font's encoding and ToUnicode map in ``pdf``
    (a ``pydyf.PDF``). Objects that do not look as WeasyPrint writes them are left alone."""
    aliases = _aliases(document)
    for font in list(_fonts(pdf)):
        if font.get("Subtype") == "/Type0":
            descendant = _resolve(pdf, (font.get("DescendantFonts") or [None])[0])
            if isinstance(descendant, dict):
                _use_identity_encoding(pdf, font, descendant, aliases.get(_font_hash(font), {}))
                _repair_to_unicode(pdf, font, _glyph_characters(pdf, descendant))
        else:  # a Type 3 (bitmap) font: no font program to ask, only the length limit applies
            _repair_to_unicode(pdf, font, {})


def _fonts(pdf: Any) -> Iterator[dict[str, Any]]:
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Font" and "ToUnicode" in obj:
            yield obj


def _aliases(document: object) -> dict[str, dict[int, int]]:
    """Font resource name -> {alias glyph id: the glyph it draws} (see :mod:`.textdraw`). The
    last font of a name is the one WeasyPrint's font resources name."""
    found: dict[str, dict[int, int]] = {}
    for font in getattr(document, "fonts", {}).values():
        found[font.hash] = {code: key[1] for key, code in font.missing.items() if is_alias(key)}
    return found


def _font_hash(font: dict[str, Any]) -> str:
    """The resource name WeasyPrint gives a font: its ``/BaseFont`` up to the ``+``."""
    base = font.get("BaseFont")
    name = base.decode("latin-1") if isinstance(base, bytes) else str(base or "")
    return name.lstrip("/").partition("+")[0]


def _resolve(pdf: Any, value: object) -> Any:
    """The object an indirect reference (``b"12 0 R"``, as pydyf writes them) points at."""
    if isinstance(value, bytes) and (match := _REFERENCE.fullmatch(value)):
        number = int(match.group(1))
        if 0 < number < len(pdf.objects):
            return pdf.objects[number]
        return None
    return value


def _is_stream(obj: object) -> bool:
    return isinstance(getattr(obj, "stream", None), list) and isinstance(getattr(obj, "extra", None), dict)


# --- 1. the encoding ---------------------------------------------------------------------


def _use_identity_encoding(
    pdf: Any, font: dict[str, Any], descendant: dict[str, Any], aliases: dict[int, int]
) -> None:
    encoding = _resolve(pdf, font.get("Encoding"))
    if not _is_stream(encoding) or encoding.extra.get("Type") != "/CMap":
        return
    lines = [line for line in encoding.stream if isinstance(line, bytes)]
    if len(lines) != len(encoding.stream) or not any(b"<0000> <ffff>" in line for line in lines):
        return  # not a two-byte CMap of WeasyPrint's making
    to_notdef: set[int] = set()
    for code, cid in ((int(c, 16), int(d)) for line in lines for c, d in _CIDCHAR.findall(line)):
        if cid == 0 and code != 0:
            to_notdef.add(code)
        elif cid != code:
            return  # a mapping Identity-H cannot express
    if descendant.get("Subtype") == "/CIDFontType2" and descendant.get("CIDToGIDMap") == "/Identity":
        if to_notdef:
            # The CMap's stream object becomes the CIDToGIDMap: two bytes per CID, its glyph
            # (an alias's glyph, or .notdef for a character no font has).
            gids = bytearray(b"".join(cid.to_bytes(2, "big") for cid in range(max(to_notdef) + 1)))
            for cid in to_notdef:
                gids[2 * cid : 2 * cid + 2] = aliases.get(cid, 0).to_bytes(2, "big")
            encoding.stream = [bytes(gids)]
            encoding.extra = {}
            descendant["CIDToGIDMap"] = font["Encoding"]
    elif descendant.get("Subtype") != "/CIDFontType0":
        return
    font["Encoding"] = "/Identity-H"


# --- 2. the ToUnicode map ----------------------------------------------------------------


def _glyph_characters(pdf: Any, descendant: dict[str, Any]) -> dict[int, frozenset[str]]:
    """Glyph id -> the characters the embedded font's ``cmap`` draws with that glyph."""
    descriptor = _resolve(pdf, descendant.get("FontDescriptor"))
    if not isinstance(descriptor, dict):
        return {}
    program = _resolve(pdf, descriptor.get("FontFile2") or descriptor.get("FontFile3"))
    if not _is_stream(program) or not program.stream or not isinstance(program.stream[0], bytes):
        return {}
    from fontTools.ttLib import TTFont, TTLibError

    try:
        ttfont = TTFont(io.BytesIO(program.stream[0]), lazy=True)
        cmap = ttfont.getBestCmap() or {}
        characters: dict[int, set[str]] = {}
        for codepoint, name in cmap.items():
            characters.setdefault(ttfont.getGlyphID(name), set()).add(chr(codepoint))
    except (TTLibError, KeyError, ValueError, AssertionError, EOFError, IndexError):
        return {}  # a font fontTools cannot read: keep WeasyPrint's map, length-limited
    return {glyph: frozenset(chars) for glyph, chars in characters.items()}


def _repair_to_unicode(pdf: Any, font: dict[str, Any], characters: dict[int, frozenset[str]]) -> None:
    to_unicode = _resolve(pdf, font.get("ToUnicode"))
    if not _is_stream(to_unicode):
        return
    lines = to_unicode.stream
    for index, line in enumerate(lines):
        match = _BFCHAR.fullmatch(line.strip()) if isinstance(line, bytes) else None
        if match is None:
            continue
        code, hex_text = match.groups()
        try:
            text = bytes.fromhex(hex_text.decode()).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            text = ""
        repaired = glyph_text(text, characters.get(int(code, 16), frozenset()))
        if repaired != text:
            lines[index] = b"<" + code + b"> <" + repaired.encode("utf-16-be").hex().encode() + b">"


def glyph_text(text: str, own: frozenset[str]) -> str:
    """The ToUnicode text of a glyph that WeasyPrint mapped to ``text`` and that the font's
    ``cmap`` gives for the characters ``own`` (empty for a glyph no character has)."""
    if own and text and not any(unicodedata.normalize("NFKD", c) in _nfkd(text) for c in own):
        if len(text) == 1 and unicodedata.mirrored(text) and any(unicodedata.mirrored(c) for c in own):
            return text  # ")" drawn with the glyph of "(" in right-to-left text: its text
        return min(own)  # the glyph is that character's; the text came from somewhere else
    if _units(text) <= MAX_UNITS:
        return text
    if own:
        return min(own)
    kept = ""
    for character in text:  # whole code points only, never half a surrogate pair
        if _units(kept + character) > MAX_UNITS:
            break
        kept += character
    return kept


def _nfkd(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def _units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2
