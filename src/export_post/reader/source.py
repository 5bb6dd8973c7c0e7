"""Reading a post file into text, and finding lines in it for diagnostics."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from ..errors import ReadError
from ..resources.safefile import FileTooLarge, RefusedFile, read_regular

MAX_POST_BYTES = 2 * 1024 * 1024
"""Posts larger than this are refused before parsing (real posts are well under 1 MB)."""
MAX_IMAGE_REFERENCES = 2000
"""Image references (``![``, ``<img``) a post may hold; counted before parsing, because a
post of nothing but images takes seconds to parse and minutes to render."""
_IMAGE_MARK = re.compile(r"!\[|<img\b", re.IGNORECASE)


def check_image_count(text: str, path: Path) -> None:
    count = sum(1 for _ in _IMAGE_MARK.finditer(text))
    if count > MAX_IMAGE_REFERENCES:
        raise ReadError(
            f"post has {count} image references, over the limit of {MAX_IMAGE_REFERENCES}", path=path
        )


# Characters XML 1.0 cannot carry (every output is XML somewhere inside).
POST_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn")  # the file names Jekyll reads as posts
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def read_post_text(path: Path, *, max_bytes: int = MAX_POST_BYTES, within: Path | None = None) -> str:
    """The post as text: UTF-8 (BOM dropped), ``\\n`` line ends, XML-invalid characters removed.

    Only a regular file is read (a FIFO or device is refused without being opened); with
    ``within``, only one that really is inside that folder (a post found by walking it)."""
    try:
        data = read_regular(path, max_bytes=max_bytes, within=within)
    except FileTooLarge as err:
        raise ReadError(f"post is {err.size} bytes, over the {max_bytes}-byte limit", path=path) from None
    except RefusedFile as err:
        raise ReadError(f"refused: {err}", path=path) from None
    except OSError as err:
        raise ReadError(f"cannot read post: {err.strerror or err}", path=path) from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ReadError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x}); save the post as UTF-8",
            path=path,
            line=line,
        ) from err
    return clean_text(text)


def clean_text(text: str) -> str:
    """Normalise line ends and drop characters XML cannot represent."""
    # NEL and the Unicode line and paragraph separators become spaces: as line breaks (YAML 1.1
    # reads them so) they would split a front-matter value in two; in Markdown a break is a
    # space anyway; and the slide text measurer (raqm) refuses NEL inside a line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ")
    return _XML_INVALID.sub("", text)


# What a URL or path is cut into for finding it again: runs between spaces, brackets, quotes
# and "=" (so ``](a.png)``, ``src="a.png"`` and ``src=a.png`` all give the token ``a.png``).
_TOKEN = re.compile(r"""[^\s()\[\]<>"'`=]+""")
_CANDIDATES = 64  # places a snippet's rarest token is tried at before its line counts as unknown


class LineIndex:
    """Maps offsets in the post text to 1-based line numbers and finds snippets."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self._first = first_line
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._tokens: dict[str, list[int]] | None = None  # token -> where it stands, built once
        self._found: dict[str, int] = {}

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1 + self._first

    def find(self, snippet: str) -> int | None:
        """The line where ``snippet`` (an image source or link target) first occurs, or None.

        A search of the whole text per snippet would make a post of n images cost n × its
        length; instead the text's tokens are indexed once, and the snippet is looked for only
        where its longest token stands as a whole token."""
        if not snippet:
            return None
        at = self._found.get(snippet)
        if at is None:
            at = self._found[snippet] = self._locate(snippet)
        return None if at < 0 else self.line_at(at)

    def _locate(self, snippet: str) -> int:
        pieces = list(_TOKEN.finditer(snippet))
        if not pieces:
            return -1
        if self._tokens is None:
            self._tokens = {}
            for m in _TOKEN.finditer(self.text):
                self._tokens.setdefault(m.group(), []).append(m.start())
        key = max(pieces, key=lambda m: len(m.group()))
        for start in self._tokens.get(key.group(), ())[:_CANDIDATES]:
            at = start - key.start()
            if at >= 0 and self.text.startswith(snippet, at):
                return at
        return -1
