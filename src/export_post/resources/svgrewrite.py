"""An SVG from a post, rewritten so that every format can embed it and draw it the same.

Real SVGs (matplotlib, Inkscape, draw.io, Illustrator, Excalidraw, mermaid, graphviz,
gnuplot, Pencil) carry what EPUB refuses or what no renderer of ours may load. The resource
resolver passes every SVG through :func:`rewrite_svg` before :func:`svgcheck.svg_problem`
decides whether it is safe, so the EPUB, PDF, HTML and slides all get the same picture:

- Illustrator's internal entities (plain text, no markup) are expanded and the internal
  DTD subset removed; any other entity declaration stays and is refused.
- An ``xlink:`` (or other) prefix used without its declaration is declared, and an
  ``<svg>`` written without the SVG namespace gets it.
- Ids that are not XML names or are repeated get valid unique names, and every reference
  follows (:mod:`export_post.resources.svgids`, :mod:`export_post.resources.svgcss`).
- ``<image>``/``<feImage>`` references to files or URLs go through the caller's ``embed``
  (the post's resolver: same folders, caps and network policy) and become ``data:`` URIs;
  a refused one is removed. ``data:`` images are checked the same way.
- Any other reference to a file or URL is removed (a renderer drawing the SVG as a picture
  never loads it), as are ``xml:base`` and links (``<a>`` becomes a group: a picture's links
  cannot be followed, and EPUB refuses links to the picture itself).
- ``<foreignObject>`` is dropped inside ``<switch>`` (its SVG fallback is drawn instead) and
  elsewhere replaced by its text (:mod:`export_post.resources.svgtext`); stray XHTML elements go.
- CSS loses ``@import``, ``@font-face``, ``url()``s to files, ``direction`` and
  ``unicode-bidi`` (:mod:`export_post.resources.svgcss`).

Everything else (other namespaces' metadata, SVG fonts, animation, unknown elements) is
kept: EPUB allows it and renderers ignore what they do not know. An SVG that needs none of
this is returned byte for byte. Scripts (``<script>``, ``<handler>``, ``<listener>``) and
``on…`` event handler attributes are removed, as a browser showing the SVG as an image
ignores them; ``svg_problem`` still refuses any that remain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .svgcheck import DOCTYPE
from .svgcss import rewrite_style_attribute, rewrite_stylesheet
from .svgids import HREFS, XLINK_NS, plan_ids, rewrite_references
from .svgtext import text_of_foreign_object

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MAX_ELEMENTS = 20_000  # as svgcheck: a larger tree is refused there, not rewritten here
MAX_ENTITY_GROWTH = 1 << 20  # bytes entity expansion may add
_KNOWN_PREFIXES = {
    "xlink": XLINK_NS,
    "svg": SVG_NS,
    "xhtml": XHTML_NS,
    "sodipodi": "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "inkscape": "http://www.inkscape.org/namespaces/inkscape",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "cc": "http://creativecommons.org/ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_LINK_ATTRIBUTES = frozenset(
    {"target", "download", "ping", "rel", "hreflang", "type", "referrerpolicy"}
    | {f"{{{XLINK_NS}}}{name}" for name in ("title", "show", "actuate", "type", "role", "arcrole")}
)
_IMAGES = frozenset({"image", "feImage"})
# Script, in any namespace (a picture never runs it; gnuplot's "mouse" SVGs carry it).
_ACTIVE = frozenset({"script", "handler", "listener"})
_SUBSET_PART = re.compile(
    r"\s+|<!--.*?-->|<!ENTITY\s+(?P<name>[A-Za-z_][\w.-]*)\s+(?P<value>\"[^\"]*\"|'[^']*')\s*>",
    re.S,
)
_FOREIGN_URL = re.compile(r"url\(\s*(?![\"']?\s*#)", re.I)
_HANDLER = re.compile(r"(?:\{[^}]*\})?on", re.I)  # an attribute whose local name starts with "on"
_STYLE = f"{{{SVG_NS}}}style"
# What :func:`_may_need_a_visit` looks for, in lower-cased markup.
_NEEDS_A_VISIT = (b"&", b"xml:base", b"script", b"handler", b"listener", b"foreignobject", b"/1999/xhtml")
_MAY_NEED_A_VISIT = (
    re.compile(rb"<(?:[\w.-]+:)?a[\s/>]"),  # a link
    re.compile(rb"[\s:]on[\w.-]*\s*="),  # an event handler
    re.compile(rb"href\s*=\s*[\"'](?!#)"),  # a reference to something outside the SVG
    re.compile(rb"url\(\s*(?![\"']?\s*#)"),
)
_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")

Embed = Callable[[str], "str | None"]  # an image reference -> a data: URI, or None (reported)


@dataclass
class SvgRewrite:
    """The SVG to use (the original bytes when nothing had to change), what was changed,
    and the reason it cannot be read when ``problem`` is set."""

    data: bytes
    changes: list[str] = field(default_factory=list)
    problem: str | None = None


def rewrite_svg(data: bytes, embed: Embed) -> SvgRewrite:
    """``data`` made valid for every format (see the module docstring)."""
    changes: list[str] = []
    text = _expanded_entities(data, changes)
    if text is None:
        return SvgRewrite(data)  # left for svg_problem to refuse, with its reason
    root = _parse(text, changes)
    if isinstance(root, str):
        return SvgRewrite(data, problem=root)
    if not _rewritable(root):
        return SvgRewrite(data)
    _rewrite_tree(root, embed, changes, walk=_may_need_a_visit(text))
    if not changes:
        return SvgRewrite(data)
    out = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return SvgRewrite(out, _summary(changes))


def pictures_drawn(data: bytes) -> list[str]:
    """The references :func:`rewrite_svg` would hand its ``embed`` (the pictures the SVG
    draws), in order, each once, for an ``embed`` that refuses them all; without the rest of
    the rewriting, and without parsing markup that has none (:func:`_may_need_a_visit`)."""
    found: dict[str, None] = {}
    text = _expanded_entities(data, [])
    if text is None or not _may_need_a_visit(text):
        return []
    root = _parse(text, [])
    if isinstance(root, str) or not _rewritable(root):
        return []
    _visit(root, lambda href: found.setdefault(href, None), [])
    return list(found)


def _rewritable(root: etree._Element) -> bool:
    """An SVG root, of a tree small enough to rewrite (a larger one is refused by svgcheck)."""
    return sum(1 for _ in root.iter()) <= MAX_ELEMENTS and etree.QName(root).localname == "svg"


# ------------------------------------------------------------------------------ parsing


def _expanded_entities(data: bytes, changes: list[str]) -> bytes | None:
    """``data`` with an internal DTD subset of plain-text entities expanded and removed
    (None when the subset holds anything else)."""
    start = data.find(b"<!DOCTYPE", 0, 65536)
    if start < 0:
        return data
    text = data.decode("latin-1")  # byte for byte: entity values and names are ASCII here
    match = DOCTYPE.match(text, start)
    if match is None:
        return None
    if match.group("subset") is None:
        return data
    entities: dict[str, str] = {}
    position = match.end()
    while True:
        part = _SUBSET_PART.match(text, position)
        if part is None:
            break
        if part.group("name"):
            value = part.group("value")[1:-1]
            if any(c in value for c in "&%<") or not value.isascii():
                return None
            entities.setdefault(part.group("name"), value)
        position = part.end()
    close = re.compile(r"\]\s*>").match(text, position)
    if close is None:
        return None
    body = text[close.end() :]
    if entities:
        names = "|".join(re.escape(n) for n in entities)
        references = re.findall(rf"&({names});", body)
        if sum(len(entities[n]) for n in references) > MAX_ENTITY_GROWTH:
            return None
        body = re.sub(rf"&({names});", lambda m: entities[m.group(1)], body)
        changes.append("entities expanded")
    else:
        changes.append("internal DTD subset removed")
    return (text[:start] + body).encode("latin-1")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, strip_cdata=False
    )


def _parse(data: bytes, changes: list[str]) -> etree._Element | str:
    """The root element, with missing namespace declarations added; or why it can't be read."""
    for _ in range(3):
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as err:
            prefixes = {m.group(1) for e in err.error_log if (m := _UNDECLARED.search(e.message))}
            if not prefixes or "xmlns" in prefixes:
                return f"it is not well-formed XML ({err})"
            data = _declare(data, {p: _KNOWN_PREFIXES.get(p, f"urn:x-undeclared:{p}") for p in prefixes})
            changes.append("namespace declared")
            continue
        if root.tag == "svg":  # written without xmlns, as in an HTML page
            data = _declare(data, {None: SVG_NS})
            changes.append("SVG namespace declared")
            continue
        return root
    return "its namespaces cannot be repaired"


def _declare(data: bytes, namespaces: dict[str | None, str]) -> bytes:
    match = re.search(rb"<svg\b", data)
    if match is None:
        return data
    attributes = "".join(
        f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"' for prefix, uri in namespaces.items()
    )
    return data[: match.end()] + attributes.encode("ascii") + data[match.end() :]


# ---------------------------------------------------------------------------- the tree


def _may_need_a_visit(text: bytes) -> bool:
    """Whether any element of the SVG ``text`` may need :func:`_visit`. Markup that has
    nothing like what it changes, anywhere, has no element it would change, and a plot of
    11,400 elements is not walked (60 ms; this looks in 10). It errs one way only: a word
    in a comment, say, means the walk; so does any reference (``&``), which could spell any
    of it."""
    low = text.lower()
    return any(word in low for word in _NEEDS_A_VISIT) or any(p.search(low) for p in _MAY_NEED_A_VISIT)


def _rewrite_tree(root: etree._Element, embed: Embed, changes: list[str], *, walk: bool) -> None:
    if walk:
        _visit(root, embed, changes)
    plan = plan_ids(root)
    if plan:
        changes.append("ids renamed")
        rewrite_references(root, plan)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        style = element.get("style")
        if style is not None:
            result = rewrite_style_attribute(style, plan)
            if result.changes:
                element.set("style", result.css)
                for key, value in result.presentation.items():
                    if element.get(key) is None:
                        element.set(key, value)
                changes.extend(result.changes)
        if element.tag == _STYLE and element.text:
            sheet = rewrite_stylesheet(element.text, plan)
            if sheet.changes:
                element.text = sheet.css
                changes.extend(sheet.changes)


def _visit(element: etree._Element, embed: Embed, changes: list[str]) -> None:
    """Rewrites ``element`` and, unless it was removed or replaced, its descendants.

    Every element of a large plot passes here (11,400 in one of 800 KB), so names are split
    by hand rather than by ``etree.QName``."""
    attributes = element.attrib
    if XML_BASE in attributes:
        del attributes[XML_BASE]
        changes.append("xml:base removed")
    namespace, local = _split(element.tag)
    if local in _ACTIVE:
        _remove(element)
        changes.append("scripts removed")
        return
    handlers = [key for key in attributes if _HANDLER.match(key)]
    for key in handlers:
        del attributes[key]
    if handlers:
        changes.append("event handlers removed")
    if namespace == SVG_NS:
        if not _svg_element(element, local, embed, changes):
            return
    elif namespace == XHTML_NS:  # outside foreignObject: those never get here
        _remove(element)
        changes.append("HTML element removed")
        return
    for child in list(element):
        if isinstance(child.tag, str):
            _visit(child, embed, changes)


def _svg_element(element: etree._Element, name: str, embed: Embed, changes: list[str]) -> bool:
    """Rewrites one SVG element; False when it was removed or replaced."""
    if name == "a":
        _unlink(element)
        changes.append("links removed")
    if name == "foreignObject":
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "switch":
            _remove(element)
            changes.append("foreignObject dropped for its fallback")
            return False
        text = text_of_foreign_object(element)
        if text is not None and parent is not None:
            parent.replace(element, text)
        else:
            _remove(element)
        changes.append("foreignObject drawn as text")
        return False
    for key in HREFS:
        href = element.get(key)
        if href is None or href.startswith("#"):
            continue
        if name in _IMAGES:
            uri = embed(href.strip())
            if uri is None:
                _remove(element)
                changes.append("image reference refused")
                return False
            if uri != href:
                element.set(key, uri)
                changes.append("image embedded")
        else:
            del element.attrib[key]
            changes.append("reference to a file or URL removed")
    for key, value in element.items():  # a list: deleting as it goes is safe
        if key != "style" and "(" in value and _FOREIGN_URL.search(value):
            del element.attrib[key]
            changes.append("reference to a file or URL removed")
    return True


def _split(tag: str) -> tuple[str | None, str]:
    """An element's namespace (None if it has none) and local name, as ``etree.QName`` gives."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _unlink(anchor: etree._Element) -> None:
    """``<a>`` becomes a ``<g>`` (a ``<tspan>`` inside text) with the same styling."""
    parent = anchor.getparent()
    inside_text = parent is not None and etree.QName(parent).localname in ("text", "tspan", "textPath")
    anchor.tag = f"{{{SVG_NS}}}{'tspan' if inside_text else 'g'}"
    for key in [*HREFS, *_LINK_ATTRIBUTES]:
        anchor.attrib.pop(key, None)


def _remove(element: etree._Element) -> None:
    """Removes ``element`` with its content, keeping the text that followed it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _summary(changes: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change] = counts.get(change, 0) + 1
    return [f"{change} ({count}x)" if count > 1 else change for change, count in counts.items()]
