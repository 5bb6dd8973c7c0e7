"""Ids inside an SVG: made valid XML names, unique, and every reference to them kept.

Generators write ids that XML (and so EPUB) refuses: digits first (``0_0``), colons
(``graph:main``), spaces (``1st node``), empty ones, and the same id twice. Each such id gets
a valid, unused name; every reference to it follows: ``href``/``xlink:href="#x"``,
``url(#x)`` in any attribute, animation timing (``begin="x.end+1s"``) and ARIA id lists.
References inside CSS are rewritten by :mod:`export_post.resources.svgcss` from the same plan.

A reference to an id written twice means the first element (as ``getElementById`` finds
it), so later copies are renamed without their references moving; a CSS ``#x`` selector,
which matches every copy, is extended to the new names (``aliases``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

XLINK_NS = "http://www.w3.org/1999/xlink"
HREFS = ("href", f"{{{XLINK_NS}}}href")

# XML 1.0 (fifth edition) NameStartChar and NameChar, without the colon: an NCName.
_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHAR = _START + r"\-.0-9\u00b7\u0300-\u036f\u203f\u2040"
_NAME = re.compile(f"[{_START}][{_CHAR}]*")
_NOT_NAME_CHARS = re.compile(f"[^{_CHAR}]+")
_URL_REF = re.compile(r"""url\(\s*(["']?)#([^"')]*)\1\s*\)""")
_TIMING_REF = re.compile(r"^(\s*)((?:\\.|[^.\\\s;+])+)(\.(?:begin|end|repeat\(|[A-Za-z]).*)$", re.S)
_ID_LISTS = frozenset(
    {
        "aria-labelledby",
        "aria-describedby",
        "aria-owns",
        "aria-controls",
        "aria-flowto",
        "aria-details",
        "aria-errormessage",
        "aria-activedescendant",
    }
)


def is_xml_name(text: str) -> bool:
    """Whether ``text`` may be an id in XML (an NCName: no colon, no space, no leading digit)."""
    return _NAME.fullmatch(text) is not None


def _as_name(text: str) -> str:
    name = _NOT_NAME_CHARS.sub("-", text.strip()).strip("-")
    if not name:
        return "id"
    return name if _NAME.fullmatch(name) else f"id-{name}"


@dataclass
class IdPlan:
    """What becomes of the SVG's ids: ``renamed`` (old id -> new, for references) and
    ``aliases`` (an id kept by its first element -> the new names of its later copies)."""

    renamed: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.renamed or self.aliases)

    def target(self, ident: str) -> str | None:
        """The new name a reference to ``ident`` must use, or None to leave it."""
        found = self.renamed.get(ident)
        if found is None and "%" in ident:
            found = self.renamed.get(unquote(ident))
        return found


def plan_ids(root: etree._Element) -> IdPlan:
    """Renames every invalid or repeated ``id`` of the tree in place, and says what changed."""
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e.get("id") is not None]
    used = {e.get("id") for e in elements}
    kept: set[str] = set()
    plan = IdPlan()
    for element in elements:
        ident = element.get("id") or ""
        if is_xml_name(ident) and ident not in kept:
            kept.add(ident)
            continue
        wanted = _as_name(ident)
        new, n = wanted, 1
        while new in used:
            n += 1
            new = f"{wanted}-{n}"
        used.add(new)
        element.set("id", new)
        if ident in plan.renamed or ident in kept:  # a later copy: references keep the first
            first = plan.renamed.get(ident, ident)
            plan.aliases.setdefault(first, []).append(new)
        else:
            plan.renamed[ident] = new
    return plan


def rewrite_references(root: etree._Element, plan: IdPlan) -> None:
    """Points every reference in the tree's attributes at the renamed ids (not CSS in
    ``style``: that is :mod:`export_post.resources.svgcss`'s)."""
    if not plan.renamed:
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            if key in ("id", "style"):
                continue
            new = _rewritten(key, value, plan)
            if new != value:
                element.set(key, new)


def _rewritten(key: str, value: str, plan: IdPlan) -> str:
    if key in HREFS:
        target = plan.target(value[1:]) if value.startswith("#") else None
        return f"#{target}" if target is not None else value
    if key in ("begin", "end"):
        return ";".join(_timing(part, plan) for part in value.split(";"))
    if key in _ID_LISTS:
        return " ".join(plan.target(token) or token for token in value.split())
    if "url(" in value:
        return _URL_REF.sub(lambda m: _url(m, plan), value)
    return value


def _url(match: re.Match[str], plan: IdPlan) -> str:
    target = plan.target(match.group(2))
    return match.group(0) if target is None else f"url(#{target})"


def _timing(part: str, plan: IdPlan) -> str:
    """One SMIL timing value: ``x.end+1s`` names the element ``x`` (``\\.`` and ``\\-`` escaped)."""
    match = _TIMING_REF.match(part)
    if match is None:
        return part
    ident = re.sub(r"\\(.)", r"\1", match.group(2))
    target = plan.target(ident)
    if target is None:
        return part
    return match.group(1) + re.sub(r"([.\-])", r"\\\1", target) + match.group(3)
