"""Guessing a post's language from its script, for posts that declare none.

Only scripts that change how a post must be set are guessed (direction, fonts, line
breaking): Chinese, Japanese, Korean, Persian/Arabic, Hebrew, Thai, Hindi. Latin-script
posts keep the default, since telling English from Spanish needs more than the script.
"""

from __future__ import annotations

from collections import Counter

_PERSIAN_LETTERS = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")  # پ چ ژ گ ک ی
_RANGES = (
    ("ko", 0xAC00, 0xD7AF),
    ("ko", 0x1100, 0x11FF),
    ("ja", 0x3040, 0x30FF),
    ("zh", 0x4E00, 0x9FFF),
    ("zh", 0x3400, 0x4DBF),
    ("ar", 0x0600, 0x06FF),
    ("ar", 0x0750, 0x077F),
    ("ar", 0xFB50, 0xFDFF),
    ("ar", 0xFE70, 0xFEFF),
    ("he", 0x0590, 0x05FF),
    ("th", 0x0E00, 0x0E7F),
    ("hi", 0x0900, 0x097F),
)


def _script(char: str) -> str | None:
    code = ord(char)
    for name, low, high in _RANGES:
        if low <= code <= high:
            return name
    return "latin" if char.isalpha() else None


def guess_language(text: str) -> str | None:
    """The language a text's dominant non-Latin script suggests, or None."""
    counts: Counter[str] = Counter()
    persian = 0
    for char, times in Counter(text[:20000]).items():  # each distinct character classified once
        script = _script(char)
        if script is not None:
            counts[script] += times
        if char in _PERSIAN_LETTERS:
            persian += times
    letters = sum(counts.values())
    if not letters:
        return None
    cjk = counts["ja"] + counts["zh"]
    if cjk >= 0.3 * letters and counts["ja"] >= 0.1 * cjk:
        return "ja"  # Japanese prose is a third or more kana; Chinese has next to none
    script, count = max(
        ((s, c) for s, c in counts.items() if s not in ("latin", "ja")), key=lambda sc: sc[1], default=("", 0)
    )
    if not script or count < 0.3 * letters:
        return None
    if script == "ar" and persian >= 0.02 * count:
        return "fa"
    return script
