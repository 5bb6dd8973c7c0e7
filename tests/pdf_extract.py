"""A PDF's text as poppler, pdfminer.six and pypdf read it, and the checks every PDF of ours passes.

Search, copy-paste, indexing and screen readers use one of these three readers. Poppler
(``pdftotext``) is the reference: each other reader must find at least ``MIN_RECALL`` of the
words poppler finds, and none may produce garbage (NUL, control characters, U+FFFD,
pdfminer's ``(cid:N)`` for a code it cannot map) or fail. ``pdffonts`` must show no font with a
``Custom`` encoding (unless it is a Type 3 font with a ToUnicode map) and none without a
ToUnicode map.

How words are compared, so that only a real difference in the text layer counts:

- NFKC, case folded; format characters (bidi marks, joiners, soft hyphens) dropped; a word
  hyphenated at a line end (U+2010, as ``hyphens: auto`` writes it) joined again.
- Words are compared whole in the left-to-right alphabets (Latin, Greek, Cyrillic, Armenian,
  Georgian). Every other script is compared character by character (the counts of each):
  CJK and Thai put no space between words; in Indic scripts the readers disagree on where a
  word ends when a conjunct's glyphs are spread out; right-to-left text is drawn in visual
  order, which pdfminer.six gives as it is (it has no bidi algorithm), where pypdf drops the
  space between table cells and poppler reorders the two letters of a lam-alef ligature. None
  of these is a lost or a wrong character, which is what the check is for.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MIN_RECALL = 0.97
EXTRACTORS = ("poppler", "pdfminer", "pypdf")


@dataclass(frozen=True, slots=True)
class Extraction:
    text: str
    errors: tuple[str, ...] = ()  # the reader failed or warned about the file


def poppler_text(path: Path) -> Extraction:
    result = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
    )
    errors = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if result.returncode:
        errors.append(f"pdftotext exited with {result.returncode}")
    return Extraction(result.stdout.decode("utf-8", "replace"), tuple(errors))


def pdfminer_text(path: Path) -> Extraction:
    """With layout analysis inside figures too (``pdf2txt.py -A``): WeasyPrint draws a
    transformed SVG group as a form XObject, whose letters pdfminer.six's default gives
    without the spaces between words."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    with _captured_log("pdfminer") as messages:
        try:
            text = extract_text(path, laparams=LAParams(all_texts=True))
        except Exception as error:  # a reader that gives up is what this check is for
            return Extraction("", (f"pdfminer.six failed: {type(error).__name__}: {error}",))
    return Extraction(text, tuple(messages))


def pypdf_text(path: Path) -> Extraction:
    from pypdf import PdfReader

    with _captured_log("pypdf") as messages:
        try:
            text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        except Exception as error:
            return Extraction("", (f"pypdf failed: {type(error).__name__}: {error}",))
    return Extraction(text, tuple(messages))


READERS: Mapping[str, Callable[[Path], Extraction]] = {
    "poppler": poppler_text,
    "pdfminer": pdfminer_text,
    "pypdf": pypdf_text,
}


def extract_all(path: Path) -> dict[str, Extraction]:
    return {name: READERS[name](path) for name in EXTRACTORS}


# --- words -------------------------------------------------------------------------------

# Left-to-right alphabets and their combining marks, compared word by word (see above).
_WORD_SCRIPTS = re.compile(
    "[\u0000-\u058f\u10a0-\u10ff\u1ab0-\u1aff\u1c80-\u1c8f\u1d00-\u1fff"
    "\u20d0-\u20ff\u2c00-\u2c7f\u2d00-\u2d2f\u2de0-\u2dff\ua640-\ua69f\ua720-\ua7ff"
    "\uab30-\uab6f\ufb00-\ufb06\ufe20-\ufe2f\uff10-\uff19\uff21-\uff5a]"
)
_LINE_END_HYPHEN = re.compile(r"\u2010[ \t]*\r?\n\s*")


# Scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, Chinese, Japanese):
# their lines may end between any two words, so a word of the source can span a line break.
_SPACELESS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff"
# (In a right-to-left paragraph, read in visual order, the paragraph's closing punctuation
# can stand at the start of the next line.)
_SPACELESS_LINE_END = re.compile(rf"(?<=[{_SPACELESS}])[ \t]*\r?\n[ \t.,:;!?]*(?=[{_SPACELESS}])")


def join_spaceless_lines(text: str) -> str:
    """``text`` with the line ends between two letters of a script without spaces removed
    (and the punctuation a right-to-left line puts there)."""
    return _SPACELESS_LINE_END.sub("", text)


def join_hyphenated(text: str) -> str:
    """``text`` with the words hyphenated at a line end (U+2010, as ``hyphens: auto``
    writes them) joined again."""
    return _LINE_END_HYPHEN.sub("", text)


def normalise(text: str) -> str:
    text = join_hyphenated(unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if unicodedata.category(c) != "Cf").casefold()


def tokens(text: str) -> Iterator[str]:
    """Words of the word-compared scripts, and single characters of the others."""
    word = ""
    for character in text:
        if unicodedata.category(character)[0] not in "LMN":
            if word:
                yield word
            word = ""
        elif _WORD_SCRIPTS.match(character):
            word += character
        else:
            if word:
                yield word
            word = ""
            yield character
    if word:
        yield word


def words(text: str) -> Counter[str]:
    """The words of ``text``, as the readers are compared (see the module's docstring)."""
    return Counter(tokens(normalise(text)))


def recall(reference: Counter[str], found: Counter[str]) -> float:
    """The share of the reference's words (counted with repeats) that ``found`` also has."""
    total = sum(reference.values())
    return 1.0 if total == 0 else sum((reference & found).values()) / total


def missing_words(reference: Counter[str], found: Counter[str], limit: int = 20) -> list[str]:
    return [w for w, _ in (reference - found).most_common(limit)]


# --- garbage ----------------------------------------------------------------------------

_GARBAGE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]|\(cid:\d+\)")


def garbage(text: str, limit: int = 5) -> list[str]:
    """What in ``text`` no correct text layer gives: NUL and other controls (not whitespace or
    the form feed between pages), U+FFFD, pdfminer's ``(cid:N)``; each shown in context."""
    found = []
    for match in _GARBAGE.finditer(text):
        start, end = max(0, match.start() - 12), match.end() + 12
        found.append(f"{match.group()!r} in {text[start:end]!r}")
        if len(found) == limit:
            break
    return found


# --- fonts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfFont:
    name: str
    type: str
    encoding: str
    embedded: bool
    subset: bool
    to_unicode: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    """``pdffonts``'s table, cut by the widths of its header's dashes (names may hold spaces)."""
    result = subprocess.run(
        [_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True, encoding="utf-8"
    )
    lines = result.stdout.splitlines()
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    spans = [m.span() for m in re.finditer(r"-+", lines[dashes])]
    fonts = []
    for line in lines[dashes + 1 :]:
        if not line.strip():
            continue
        cells = [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0] :].strip()]
        name, kind, encoding, emb, sub, uni = cells[:6]
        fonts.append(PdfFont(name, kind, encoding, emb == "yes", sub == "yes", uni == "yes"))
    return fonts


def font_problems(path: Path) -> list[str]:
    problems = []
    for font in pdf_fonts(path):
        if font.encoding == "Custom" and not (font.type == "Type 3" and font.to_unicode):
            problems.append(f"font {font.name} ({font.type}) has a Custom encoding")
        if not font.to_unicode:
            problems.append(f"font {font.name} ({font.type}) has no ToUnicode map")
    return problems


# --- the check --------------------------------------------------------------------------


def text_layer_problems(path: Path, extractions: Mapping[str, Extraction] | None = None) -> list[str]:
    """Everything wrong with the PDF's text layer, one line each; ``[]`` when every reader reads it."""
    found = extractions if extractions is not None else extract_all(path)
    problems = font_problems(path)
    reference = words(found["poppler"].text)
    for name in EXTRACTORS:
        extraction = found[name]
        problems += [f"{name}: {error}" for error in extraction.errors]
        problems += [f"{name}: garbage {g}" for g in garbage(extraction.text)]
        if name == "poppler":
            continue
        share = recall(reference, words(extraction.text))
        if share < MIN_RECALL:
            lost = missing_words(reference, words(extraction.text))
            problems.append(f"{name}: {share:.0%} of poppler's words; missing e.g. {lost}")
    return problems


# --- helpers ----------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not installed (apt-get install poppler-utils)")
    return path


@contextmanager
def _captured_log(logger_name: str) -> Iterator[list[str]]:
    """The warnings one library logs while reading one file: its complaint about the file is a
    problem of the file."""
    logger = logging.getLogger(logger_name)
    handler = _ListHandler()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")
