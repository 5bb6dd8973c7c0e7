"""Deciding whether an SVG a post supplies is safe to hand to renderers.

An SVG is a document, not just pixels: it can script, embed other documents, pull in
files and URLs, and multiply itself (each ``<use>`` copies an element, so a few hundred
bytes of nested ``<use>`` expand to millions of shapes and minutes of rendering). We accept
plain drawings only: no scripts, event handlers, foreign content or external references,
and a bounded size once every ``<use>`` is expanded.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

MAX_ELEMENTS = 20_000
MAX_EXPANDED = 50_000
_FORBIDDEN = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"})
_HREF = ("href", "{http://www.w3.org/1999/xlink}href")
_SAFE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,", re.I)
_CSS_URL = re.compile(r"url\(\s*(?![\"']?\s*#)|@import", re.I)
_LITERAL = r"(?:\"[^\"]*\"|'[^']*')"
# A DOCTYPE up to where its internal subset ("[") would start.
DOCTYPE = re.compile(
    rf"<!DOCTYPE\s+[\w:.-]+(?:\s+(?:PUBLIC\s+{_LITERAL}(?:\s+{_LITERAL})?|SYSTEM\s+{_LITERAL}))?\s*(?P<subset>\[)?",
    re.I,
)


def has_internal_subset(data: bytes) -> bool:
    """Whether the document type declaration has an internal subset (where entities are
    declared); a ``[`` further on, in ``<![CDATA[`` say, is not one."""
    start = data.find(b"<!DOCTYPE", 0, 65536)
    if start < 0:
        return False
    match = DOCTYPE.match(data[start : start + 4096].decode("latin-1"))
    return match is None or match.group("subset") is not None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def svg_problem(data: bytes) -> str | None:
    """Why this SVG is refused, or None when it is safe to use."""
    if b"<!ENTITY" in data or has_internal_subset(data):
        return "it declares XML entities"
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, RecursionError) as err:
        return f"it is not well-formed XML ({err})"
    if _local(root.tag) != "svg":
        return "it is not an SVG document"
    elements = list(root.iter())
    if len(elements) > MAX_ELEMENTS:
        return f"it has {len(elements)} elements (limit {MAX_ELEMENTS})"
    ids: dict[str, ElementTree.Element] = {}
    for element in elements:
        name = _local(element.tag)
        if name in _FORBIDDEN:
            return f"it contains <{name}>"
        for key, value in element.attrib.items():
            local = _local(key)
            if local.lower().startswith("on"):
                return f"it has an event handler ({local})"
            if key in _HREF and not (value.startswith("#") or _SAFE_DATA.match(value)):
                return "it refers to another file or URL"
            if local == "style" and _CSS_URL.search(value):
                return "its styles refer to another file or URL"
            if local == "id":
                ids[value] = element
        if name == "style" and _CSS_URL.search(element.text or ""):
            return "its styles refer to another file or URL"
        if name in ("set", "animate") and element.get("attributeName", "").endswith("href"):
            return "it animates a link"
    total = _expanded_size(root, ids)
    if total is None or total > MAX_EXPANDED:
        return f"its <use> elements expand to more than {MAX_EXPANDED} shapes"
    return None


def _expanded_size(root: ElementTree.Element, ids: dict[str, ElementTree.Element]) -> int | None:
    """Elements drawn once every ``<use>`` is expanded (None on a reference cycle).

    Sizes are memoised per element, so the walk is linear even when the expansion is huge."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(element: ElementTree.Element, depth: int) -> int | None:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in visiting or depth > 200:
            return None
        visiting.add(key)
        total = 1
        for child in element:
            part = size(child, depth + 1)
            if part is None:
                return None
            total += part
        if _local(element.tag) == "use":
            target = next((element.get(k) or "" for k in _HREF if element.get(k)), "")
            if target.startswith("#") and target[1:] in ids:
                part = size(ids[target[1:]], depth + 1)
                if part is None:
                    return None
                total += part
        visiting.discard(key)
        sizes[key] = min(total, MAX_EXPANDED + 1)
        return sizes[key]

    return size(root, 0)
