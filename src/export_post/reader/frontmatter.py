"""YAML front matter: split it off, load it safely, and validate it into :class:`PostMeta` fields.

Loading bounds what YAML aliases expand to (billion-laughs), refuses Python tags, over-deep
nesting and oversized blocks; values keep YAML's types except timestamps, which are read as text so that a bad
date is reported by name rather than by a constructor traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Reporter
from ..errors import FrontMatterError
from .dates import parse_loose_date
from .source import clean_text

MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_EXPANDED_NODES = 20_000  # values, with every alias counted as what it expands to

_FENCE = re.compile(r"^---[ \t]*$", re.M)
_END_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass(frozen=True, slots=True)
class SplitPost:
    front: str | None  # the YAML text, None when the post has no front matter
    body: str
    body_line: int  # 1-based line of the body's first line in the file


def split_front_matter(text: str, path: Path, reporter: Reporter) -> SplitPost:
    """Separate ``---``-fenced front matter from the body (Jekyll requires it on line 1)."""
    if not _FENCE.match(text):
        return SplitPost(None, text, 1)
    first_end = text.find("\n")
    if first_end < 0:
        return SplitPost("", "", 2)
    end = _END_FENCE.search(text, first_end + 1)
    if end is None:
        reporter.warn(
            "front-matter-unclosed",
            "front matter has no closing '---'; reading the whole file as the body",
            line=1,
        )
        return SplitPost(None, text, 1)
    front = text[first_end + 1 : end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    return SplitPost(front, text[body_start:], text.count("\n", 0, body_start) + 1)


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader with bounded aliases, no timestamps or deep nesting, warning on duplicate keys.

    Aliases are fine (themes reuse a header mapping for ``og_image``); what they expand to is
    not: every node is counted with what it would expand to, while composing, so an alias
    bomb stops at the first alias that crosses the bound instead of after the expansion.
    """

    duplicate_keys: list[tuple[str, int]]

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = _Expansion()
        self._sizes: dict[int, _Expansion] = {}  # id(node) -> what composing it added

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            return self._alias(mark, parent, index)
        if self._depth > MAX_DEPTH:
            raise yaml.MarkedYAMLError(problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark)
        depth, before = self._depth, self._expanded
        self._depth = depth + 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth = depth
        scalar = len(node.value.encode()) if isinstance(node, yaml.ScalarNode) else 0
        self._grow(_Expansion(nodes=1, chars=scalar, height=0), mark)
        added = self._expanded - before
        height = 1 + max((self._sizes[id(child)].height for child in _children(node)), default=-1)
        self._sizes[id(node)] = _Expansion(added.nodes, added.chars, height)
        return node

    def _alias(self, mark: Any, parent: Any, index: Any) -> Any:
        anchor = self.peek_event().anchor  # type: ignore[no-untyped-call]
        target = self.anchors.get(anchor)
        size = self._sizes.get(id(target)) if target is not None else None
        if target is not None and size is None:  # the anchored node is still being composed
            raise yaml.MarkedYAMLError(problem=f"alias *{anchor} refers to itself", problem_mark=mark)
        node = super().compose_node(parent, index)  # an unknown anchor raises here
        assert size is not None
        if self._depth + size.height > MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"alias *{anchor} nests deeper than {MAX_DEPTH} levels", problem_mark=mark
            )
        self._grow(_Expansion(size.nodes, size.chars, 0), mark, anchor)
        return node

    def _grow(self, added: _Expansion, mark: Any, anchor: str | None = None) -> None:
        self._expanded += added
        if self._expanded.nodes > MAX_EXPANDED_NODES or self._expanded.chars > MAX_FRONT_MATTER_BYTES:
            what = f"alias *{anchor} makes the front matter" if anchor else "front matter is"
            raise yaml.MarkedYAMLError(
                problem=f"{what} larger than {MAX_EXPANDED_NODES} values or "
                f"{MAX_FRONT_MATTER_BYTES} bytes once aliases are expanded",
                problem_mark=mark,
            )

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                self.duplicate_keys.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True, slots=True)
class _Expansion:
    nodes: int = 0
    chars: int = 0  # bytes of scalar text
    height: int = 0  # levels of nesting below the node

    def __add__(self, other: _Expansion) -> _Expansion:
        return _Expansion(self.nodes + other.nodes, self.chars + other.chars, self.height)

    def __sub__(self, other: _Expansion) -> _Expansion:
        return _Expansion(self.nodes - other.nodes, self.chars - other.chars, self.height)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# Timestamps stay strings: we parse dates ourselves and name the field when one is wrong.
_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_front_matter(front: str, path: Path, first_line: int, reporter: Reporter) -> dict[str, Any]:
    """The front matter as a mapping. Raises :class:`FrontMatterError` naming path and line."""
    if len(front.encode()) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"front matter is larger than {MAX_FRONT_MATTER_BYTES} bytes", path=path, line=1
        )
    loader = _SafeLoader(front)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + mark.line if mark else None
        raise FrontMatterError(f"front matter: {err.problem or err}", path=path, line=line) from err
    except (yaml.YAMLError, RecursionError) as err:
        raise FrontMatterError(f"front matter: {err}", path=path, line=1) from err
    finally:
        loader.dispose()
    for key, line in loader.duplicate_keys:
        reporter.warn(
            "front-matter-duplicate-key",
            f"front matter repeats '{key}'; the last value wins",
            line=first_line + line - 1,
        )
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter must be a mapping of 'key: value' lines, not a {type(data).__name__}",
            path=path,
            line=first_line,
        )
    return {clean_text(str(k)): _clean(v) for k, v in data.items()}


def _clean(value: Any) -> Any:
    """``value`` with XML-invalid characters removed from every string in it: YAML escapes
    ("\\u001b") make characters the file itself could not carry."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


class FieldReader:
    """Reads typed fields out of the front matter, naming the field in every complaint."""

    def __init__(
        self, data: Mapping[str, Any], path: Path, reporter: Reporter, lines: Mapping[str, int]
    ) -> None:
        self.data = data
        self.path = path
        self.reporter = reporter
        self.lines = lines

    def fail(self, key: str, problem: str) -> FrontMatterError:
        return FrontMatterError(f"front matter '{key}': {problem}", path=self.path, line=self.lines.get(key))

    def text(self, key: str, value: Any = None) -> str | None:
        """A text field; numbers and booleans are accepted as their text, with a warning."""
        if value is None:
            value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool | int | float):
            self.reporter.warn(
                "front-matter-coerced",
                f"front matter '{key}' is {type(value).__name__} {value!r}; using it as text",
                line=self.lines.get(key),
            )
            return str(value)
        raise self.fail(key, f"expected text, got a {_kind(value)}")

    def words(self, key: str) -> tuple[str, ...]:
        """A list field that Jekyll also accepts as one space-separated string."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list):
            return tuple(str(v).strip() for v in value if isinstance(v, str | int | float) and str(v).strip())
        raise self.fail(key, f"expected a list or space-separated text, got a {_kind(value)}")

    def date(self, key: str) -> dt.date | dt.datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise self.fail(key, f"expected a date like 2024-06-10, got a {_kind(value)}")
        try:
            return parse_date(value)
        except ValueError as err:
            raise self.fail(key, f"{value!r} is not a valid date ({err})") from err


_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ Tt]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def parse_date(text: str) -> dt.date | dt.datetime:
    """Jekyll's date forms: ``2024-06-10``, ``2024-06-10 10:00``, ``2024-06-10 10:00:00 +0100``
    exactly; any other as Jekyll's ``Time.parse`` reads it (``March 5, 2024``, RFC 2822, …)."""
    m = _DATE.match(text.strip())
    if not m:
        return parse_loose_date(text)
    day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    if m["H"] is None:
        return day
    tz: dt.tzinfo | None = None
    if m["tz"]:
        if m["tz"] == "Z":
            tz = dt.UTC
        else:
            sign = -1 if m["tz"][0] == "-" else 1
            digits = m["tz"][1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=tz)


def key_lines(front: str, first_line: int) -> dict[str, int]:
    """The file line of each top-level key, for messages about a field."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front.split("\n")):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m and m.group(1) not in lines:
            lines[m.group(1)] = first_line + number
    return lines


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__
