"""The text of a ``<foreignObject>`` as SVG ``<text>``.

Diagram tools (mermaid, Pencil) write labels as HTML inside ``<foreignObject>``. We never
pass HTML through (see :mod:`export_post.resources.svgcheck`), and the PDF and slide renderers do not
draw it anyway; its text, line by line, in the font, size, colour and alignment its inline
styles give, keeps the label readable in every format.
"""

from __future__ import annotations

import re

import tinycss2
from lxml import etree
from tinycss2 import ast

SVG_NS = "http://www.w3.org/2000/svg"
_BLOCKS = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "pre", "blockquote", "table"}
)
_NUMBER = re.compile(r"^\s*(-?[\d.]+)(?:px)?\s*$")
_FONT = ("font-family", "font-size", "font-weight", "font-style")
_ASCENT = 0.85  # em above the baseline of a line's glyphs, as the line box places them


def text_of_foreign_object(foreign: etree._Element) -> etree._Element | None:
    """A ``<text>`` element drawing what ``foreign`` shows, or None when it shows no text."""
    lines = [" ".join(line.split()) for line in _lines(foreign)]
    lines = [line for line in lines if line]
    if not lines:
        return None
    styles = _styles(foreign)
    x, y = _number(foreign.get("x")), _number(foreign.get("y"))
    width = _number(foreign.get("width"))
    align = styles.get("text-align", "start")
    anchor, left = {
        "center": ("middle", x + width / 2),
        "right": ("end", x + width),
        "end": ("end", x + width),
    }.get(align, ("start", x))
    text = etree.Element(f"{{{SVG_NS}}}text", nsmap={None: SVG_NS})
    text.set("x", _format(left))
    text.set("y", _format(y))
    text.set("text-anchor", anchor)
    for name in _FONT:
        if name in styles:
            text.set(name, styles[name])
    if "color" in styles:
        text.set("fill", styles["color"])
    if foreign.get("transform"):
        text.set("transform", foreign.get("transform", ""))
    height = _line_height(styles.get("line-height", ""))
    for index, line in enumerate(lines):
        span = etree.SubElement(text, f"{{{SVG_NS}}}tspan")
        span.set("x", _format(left))
        span.set("dy", f"{(height - 1) / 2 + _ASCENT if index == 0 else height:.3g}em")
        span.text = line
    text.tail = foreign.tail
    return text


def _lines(element: etree._Element) -> list[str]:
    """The element's text, broken where HTML breaks lines (block elements and ``<br>``)."""
    lines = [""]

    def visit(node: etree._Element) -> None:
        name = etree.QName(node).localname if isinstance(node.tag, str) else ""
        block = name in _BLOCKS
        if block or name == "br":
            lines.append("")
        if node.text and isinstance(node.tag, str):
            lines[-1] += node.text
        for child in node:
            visit(child)
            if child.tail:
                lines[-1] += child.tail
        if block:
            lines.append("")

    visit(element)
    return lines


def _styles(element: etree._Element) -> dict[str, str]:
    """Text styles of the foreignObject and the elements down to its first text, the inner
    ones winning (as CSS inheritance would have them)."""
    found: dict[str, str] = {}
    node: etree._Element | None = element
    while node is not None:
        for item in tinycss2.parse_declaration_list(
            node.get("style", ""), skip_comments=True, skip_whitespace=True
        ):
            if isinstance(item, ast.Declaration) and not _has_url(item.value):
                value = tinycss2.serialize(item.value).strip()
                if value and "<" not in value:
                    found[item.lower_name] = value
        if node is not element and (node.text or "").strip():
            break
        node = next((c for c in node if isinstance(c.tag, str)), None)
    return found


def _has_url(tokens: list[object]) -> bool:
    return any(isinstance(t, (ast.URLToken, ast.FunctionBlock)) for t in tokens)


def _line_height(value: str) -> float:
    match = _NUMBER.match(value)
    if match and "px" not in value:
        try:
            return min(max(float(match.group(1)), 1.0), 3.0)
        except ValueError:
            pass
    return 1.2


def _number(value: str | None) -> float:
    match = _NUMBER.match(value or "")
    try:
        return float(match.group(1)) if match else 0.0
    except ValueError:
        return 0.0


def _format(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"
