"""A structural check of MathML against what EPUB 3 allows, repairing what can be repaired.

The rules are those of EPUBCheck's MathML 3 presentation schema (``mathml3-presentation.rnc``
inside the EPUBCheck jar), for the elements and attributes a TeX converter produces:

- token elements (``mi mn mo mtext ms``) hold text only (``mglyph``/``malignmark`` aside);
  one holding markup is flattened to its text when the markup is only more tokens
  (latex2mathml's ``<mo><mrow><mi>:</mi></mrow></mo>`` for ``\\mathrel{:}``), or else
  replaced by an ``mrow`` of its children (``\\mathrel{x^2}``);
- ``mfrac msub msup munder mover mroot`` have two children, ``msubsup munderover`` three:
  missing ones are padded with an empty ``mrow``, surplus ones make the formula fail;
- tables hold rows, rows hold cells (strays are wrapped); rows are padded to the widest one
  and trailing empty rows dropped (ziamath draws a ragged table as a lone fence);
- attributes are those the schema allows for the element, with values of the right type;
  others are dropped (a colour name the schema does not know becomes ``#rrggbb``);
- a token whose text is a TeX command (``<mi>\\pof</mi>``, a macro the converter did not
  know) or a bare ``&`` (an alignment outside a table) makes the formula fail: rendering it
  would show a fragment of what the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

NS = "http://www.w3.org/1998/Math/MathML"

TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
EMPTY = frozenset({"mspace", "mglyph", "malignmark", "maligngroup", "none", "mprescripts", "msline"})
IMPLIED_MROW = frozenset(
    {"math", "mrow", "msqrt", "mstyle", "merror", "mpadded", "mphantom", "menclose", "mtd"}
)
ARITY = {
    "mfrac": 2,
    "mroot": 2,
    "msub": 2,
    "msup": 2,
    "munder": 2,
    "mover": 2,
    "msubsup": 3,
    "munderover": 3,
}
OTHER = frozenset({"mtable", "mtr", "mlabeledtr", "mfenced", "mmultiscripts", "semantics", "annotation"})
ELEMENTS = TOKENS | EMPTY | IMPLIED_MROW | frozenset(ARITY) | OTHER
# Markup a token may hold that flattens to text without losing anything visible.
_FLAT = TOKENS | frozenset({"mrow", "mstyle", "mspace"})

# ----------------------------------------------------------------------- attribute values

_LENGTH = (
    r"(?:-?[0-9]*(?:[0-9]\.?|\.[0-9])[0-9]*(?:e[mx]|in|cm|mm|p[xtc]|%)?"
    r"|(?:negative)?(?:(?:very){0,2}thi(?:n|ck)|medium)mathspace)"
)
_PADDED = (
    r"[+\-]?[0-9]*(?:[0-9]\.?|\.[0-9])[0-9]*\s*(?:%?\s*(?:height|depth|width)?|e[mx]|in|cm|mm|p[xtc]"
    r"|(?:negative)?(?:(?:very){0,2}thi(?:n|ck)|medium)mathspace)?"
)
_COLOR_NAMES = "aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|purple|red|silver|teal|white|yellow"
_COLOR = rf"#[0-9a-fA-F]{{3}}(?:[0-9a-fA-F]{{3}})?|(?i:{_COLOR_NAMES})"
_VARIANTS = (
    "normal|bold|italic|bold-italic|double-struck|bold-fraktur|script|bold-script|fraktur|sans-serif"
    "|bold-sans-serif|sans-serif-italic|sans-serif-bold-italic|monospace|initial|tailed|looped|stretched"
)
_BOOL = "true|false"
_ALIGN = "left|center|right"
_VALIGN = "top|bottom|center|baseline|axis"
_LINESTYLE = "none|solid|dashed"


def _one(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{pattern})\s*")


def _list(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{pattern})(?:\s+(?:{pattern}))*\s*")


V_LENGTH = _one(_LENGTH)
V_COLOR = _one(_COLOR)
V = {
    "any": re.compile(r"[\s\S]*"),
    "nonspace": re.compile(r"\S+"),
    "length": V_LENGTH,
    "padded": _one(_PADDED),
    "color": V_COLOR,
    "background": _one(rf"{_COLOR}|transparent"),
    "variant": _one(_VARIANTS),
    "bool": _one(_BOOL),
    "size": _one(rf"small|normal|big|{_LENGTH}"),
    "dir": _one("ltr|rtl"),
    "form": _one("prefix|infix|postfix"),
    "maxsize": _one(rf"{_LENGTH}|infinity"),
    "linebreak": _one("auto|newline|nobreak|goodbreak|badbreak"),
    "spacebreak": _one("auto|newline|nobreak|goodbreak|badbreak|indentingnewline"),
    "thickness": _one(rf"{_LENGTH}|thin|medium|thick"),
    "align": _one(_ALIGN),
    "valign": _one(_VALIGN),
    "tablealign": _one(rf"(?:{_VALIGN})(?:\s+-?[0-9]+)?"),
    "aligns": _list(_ALIGN),
    "valigns": _list(_VALIGN),
    "lengths": _list(_LENGTH),
    "widths": _list(rf"auto|fit|{_LENGTH}"),
    "lines": _list(_LINESTYLE),
    "linestyle": _one(_LINESTYLE),
    "integer": _one(r"[+\-]?[0-9]+"),
    "positive": _one(r"\+?0*[1-9][0-9]*"),
    "number": _one(r"[+\-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    "weight": _one("normal|bold"),
    "style": _one("normal|italic"),
    "display": _one("block|inline"),
    "nmtokens": re.compile(r"\s*[\w.:\-]+(?:\s+[\w.:\-]+)*\s*"),
    "notation": re.compile(r"[\s\S]*"),
    "side": _one("left|right|leftoverlap|rightoverlap"),
}

_COMMON = {"id": "nonspace", "xref": "any", "class": "nmtokens", "style": "any"}
_PRES = {"mathcolor": "color", "mathbackground": "background"}
_TOKEN = {
    "mathvariant": "variant",
    "mathsize": "size",
    "dir": "dir",
    "fontfamily": "any",
    "fontweight": "weight",
    "fontstyle": "style",
    "fontsize": "length",
    "color": "color",
    "background": "background",
}
_MO = {
    "form": "form",
    "fence": "bool",
    "separator": "bool",
    "lspace": "length",
    "rspace": "length",
    "stretchy": "bool",
    "symmetric": "bool",
    "maxsize": "maxsize",
    "minsize": "length",
    "largeop": "bool",
    "movablelimits": "bool",
    "accent": "bool",
    "linebreak": "linebreak",
}
_MSTYLE = {
    "scriptlevel": "integer",
    "displaystyle": "bool",
    "scriptsizemultiplier": "number",
    "scriptminsize": "length",
    **_TOKEN,
    **_MO,
}
_TABLE = {
    "align": "tablealign",
    "rowalign": "valigns",
    "columnalign": "aligns",
    "columnwidth": "widths",
    "width": "length",
    "rowspacing": "lengths",
    "columnspacing": "lengths",
    "rowlines": "lines",
    "columnlines": "lines",
    "frame": "linestyle",
    "framespacing": "lengths",
    "equalrows": "bool",
    "equalcolumns": "bool",
    "displaystyle": "bool",
    "side": "side",
    "minlabelspacing": "length",
}
_SCRIPTS = {"subscriptshift": "length", "superscriptshift": "length"}
ATTRIBUTES: dict[str, dict[str, str]] = {
    "math": {"display": "display", "alttext": "any", **_MSTYLE},
    "mi": _TOKEN,
    "mn": _TOKEN,
    "mtext": _TOKEN,
    "ms": {**_TOKEN, "lquote": "any", "rquote": "any"},
    "mo": {**_TOKEN, **_MO},
    "mspace": {
        **_TOKEN,
        "width": "length",
        "height": "length",
        "depth": "length",
        "linebreak": "spacebreak",
    },
    "mglyph": {"src": "any", "width": "length", "height": "length", "valign": "length", "alt": "any"},
    "mrow": {"dir": "dir"},
    "mstyle": _MSTYLE,
    "mfrac": {"linethickness": "thickness", "numalign": "align", "denomalign": "align", "bevelled": "bool"},
    "mpadded": {
        "height": "padded",
        "depth": "padded",
        "width": "padded",
        "lspace": "padded",
        "voffset": "padded",
    },
    "mfenced": {"open": "any", "close": "any", "separators": "any"},
    "menclose": {"notation": "notation"},
    "msub": {"subscriptshift": "length"},
    "msup": {"superscriptshift": "length"},
    "msubsup": _SCRIPTS,
    "mmultiscripts": _SCRIPTS,
    "munder": {"accentunder": "bool", "align": "align"},
    "mover": {"accent": "bool", "align": "align"},
    "munderover": {"accent": "bool", "accentunder": "bool", "align": "align"},
    "mtable": _TABLE,
    "mtr": {"rowalign": "valign", "columnalign": "aligns"},
    "mlabeledtr": {"rowalign": "valign", "columnalign": "aligns"},
    "mtd": {"rowspan": "positive", "columnspan": "positive", "rowalign": "valign", "columnalign": "align"},
}
_INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064\u200b\u00a0"), None)


@dataclass
class Checked:
    """The outcome of :func:`check`: the (repaired) tree, or the reason it cannot be used."""

    element: ElementTree.Element | None
    repairs: list[str] = field(default_factory=list)
    problem: str | None = None

    def markup(self) -> str:
        assert self.element is not None
        return serialise(self.element)


class _Unusable(Exception):
    pass


def check(markup: str) -> Checked:
    """Parse ``markup`` (one ``<math>`` element), check it and repair it where possible."""
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError as err:
        return Checked(None, problem=f"the converter wrote malformed XML ({err})")
    _strip_namespace(root)
    if root.tag != "math":
        return Checked(None, problem=f"the converter wrote <{root.tag}>, not <math>")
    repairs: list[str] = []
    try:
        _check(root, repairs)
    except _Unusable as err:
        return Checked(None, repairs, str(err))
    return Checked(root, list(dict.fromkeys(repairs)))


def serialise(root: ElementTree.Element) -> str:
    """The tree as a ``<math>`` element in the MathML namespace."""
    attrib = root.attrib
    root.attrib = {"xmlns": NS, **attrib}
    try:
        return ElementTree.tostring(root, encoding="unicode", short_empty_elements=True)
    finally:
        root.attrib = attrib


def token_text(root: ElementTree.Element, *, lines: str = "") -> str:
    """The visible characters of every token (what a typesetter must draw): not spaces, not
    what an ``mphantom`` hides, nor the characters in ``lines`` inside ``mtext`` (drawn as
    rules, not glyphs)."""
    parts: list[str] = []

    def walk(el: ElementTree.Element) -> None:
        if el.tag == "mphantom":
            return
        if el.tag in TOKENS:
            text = el.text or ""
            parts.append(text.translate(dict.fromkeys(map(ord, lines))) if el.tag == "mtext" else text)
        for child in el:
            walk(child)

    walk(root)
    return re.sub(r"\s+", "", "".join(parts)).translate(_INVISIBLE)


def _strip_namespace(root: ElementTree.Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
        for key in [k for k in el.attrib if k.startswith("{")]:
            del el.attrib[key]


def _check(el: ElementTree.Element, repairs: list[str]) -> None:
    tag = el.tag
    if tag not in ELEMENTS:
        raise _Unusable(f"<{tag}> is not a MathML element EPUB allows")
    _check_attributes(el, repairs)
    if tag in TOKENS:
        _check_token(el, repairs)
        return
    if tag in EMPTY:
        if len(el) or (el.text or "").strip():
            repairs.append(f"<{tag}> emptied")
        for child in list(el):
            el.remove(child)
        el.text = None
        return
    if tag == "annotation":
        return
    if tag == "mstyle" and not el.attrib:
        el.tag = "mrow"  # the same thing, and ziamath cannot read an <mstyle> without attributes
    _wrap_text(el, repairs)
    if tag == "mtable":
        _check_table(el, repairs)
    elif tag in ("mtr", "mlabeledtr"):
        _wrap_children(el, lambda c: c.tag == "mtd", "mtd", repairs)
    elif tag in ARITY:
        _check_arity(el, ARITY[tag], repairs)
    elif tag == "semantics" and not len(el):
        raise _Unusable("<semantics> without content")
    for child in list(el):
        _check(child, repairs)
    _lift_tokens(el, repairs)


def _check_attributes(el: ElementTree.Element, repairs: list[str]) -> None:
    allowed = {**_COMMON, **_PRES, **ATTRIBUTES.get(el.tag, {})}
    for name, value in list(el.attrib.items()):
        kind = allowed.get(name)
        if kind is not None and V[kind].fullmatch(value):
            continue
        if kind in ("color", "background") and (fixed := _css_color(value)) is not None:
            el.set(name, fixed)
            repairs.append(f"colour {value!r} written as {fixed}")
            continue
        del el.attrib[name]
        repairs.append(f"attribute {name}={value!r} dropped from <{el.tag}>")


def _css_color(value: str) -> str | None:
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(value.strip())
    except ValueError:
        return None
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def _check_token(el: ElementTree.Element, repairs: list[str]) -> None:
    children = [c for c in el if c.tag not in ("mglyph", "malignmark")]
    if children:
        if all(d.tag in _FLAT for c in children for d in c.iter()):
            text = (el.text or "") + "".join(_flat_text(c) for c in children)
            for child in children:
                el.remove(child)
            el.text = text
            repairs.append(f"<{el.tag}> held markup; kept its text")
        else:
            el.set("data-lift", "1")  # the parent replaces it with an mrow of its children
            return
    text = el.text or ""
    command = re.search(r"\\[A-Za-z]+", text)
    if command:
        raise _Unusable(f"the command {command.group(0)} is unknown")
    if text.strip() == "&":
        raise _Unusable("an alignment '&' outside an alignment environment")


def _flat_text(el: ElementTree.Element) -> str:
    if el.tag == "mspace":
        return "\u2009" if el.get("width", "") not in ("", "0", "0em") else ""
    inner = (el.text or "") + "".join(_flat_text(c) for c in el)
    return inner + (el.tail or "").strip()


def _lift_tokens(el: ElementTree.Element, repairs: list[str]) -> None:
    """Replace tokens marked by :func:`_check_token` with an ``mrow`` of their children."""
    for index, child in enumerate(list(el)):
        if child.get("data-lift") is None:
            continue
        mrow = ElementTree.Element("mrow")
        if (child.text or "").strip():
            text = ElementTree.SubElement(mrow, child.tag)
            text.text = child.text.strip()  # type: ignore[union-attr]
        for grandchild in list(child):
            mrow.append(grandchild)
        mrow.tail = child.tail
        el.remove(child)
        el.insert(index, mrow)
        repairs.append(f"<{child.tag}> held structure; its content lifted into an <mrow>")
        for grandchild in mrow:
            _check(grandchild, repairs)


def _wrap_text(el: ElementTree.Element, repairs: list[str]) -> None:
    """Text directly inside a layout element goes into an ``mtext``."""
    pieces: list[tuple[int, str]] = []  # (index to insert at, text)
    if (el.text or "").strip():
        pieces.append((0, (el.text or "").strip()))
    for index, child in enumerate(el):
        if (child.tail or "").strip():
            pieces.append((index + 1, (child.tail or "").strip()))
        child.tail = None
    el.text = None
    for index, text in reversed(pieces):
        mtext = ElementTree.Element("mtext")
        mtext.text = text
        el.insert(index, mtext)
        repairs.append(f"text inside <{el.tag}> put in an <mtext>")


def _check_arity(el: ElementTree.Element, arity: int, repairs: list[str]) -> None:
    if len(el) > arity and el.tag == "mroot":
        # latex2mathml spreads a root's index over several parts (\sqrt[\binom{n}{k}]{x}):
        # the base comes first, everything after it is the index.
        children = list(el)
        index = ElementTree.Element("mrow")
        for child in children[1:]:
            el.remove(child)
            index.append(child)
        el.append(index)
        repairs.append(f"<mroot> had {len(children)} parts; those after the base made its index")
    if len(el) > arity:
        if el.tag == "mfrac":
            raise _Unusable(f"<{el.tag}> has {len(el)} parts where it takes {arity}")
        # latex2mathml gives a fenced matrix followed by a script (\end{pmatrix}^T) as
        # <msup>( table ) T</msup>: the parts before the scripts are the base.
        children = list(el)
        base = ElementTree.Element("mrow")
        for child in children[: len(children) - arity + 1]:
            el.remove(child)
            base.append(child)
        el.insert(0, base)
        repairs.append(f"<{el.tag}> had {len(children)} parts; the first ones made its base")
    while len(el) < arity:
        ElementTree.SubElement(el, "mrow")
        repairs.append(f"<{el.tag}> padded to {arity} parts")


def _wrap_children(
    el: ElementTree.Element, fits: Callable[[ElementTree.Element], bool], wrapper: str, repairs: list[str]
) -> None:
    for index, child in enumerate(list(el)):
        if fits(child):
            continue
        box = ElementTree.Element(wrapper)
        el.remove(child)
        box.append(child)
        el.insert(index, box)
        repairs.append(f"<{child.tag}> inside <{el.tag}> wrapped in <{wrapper}>")


def _check_table(table: ElementTree.Element, repairs: list[str]) -> None:
    _wrap_children(table, lambda c: c.tag in ("mtr", "mlabeledtr"), "mtr", repairs)
    for row in table:
        _wrap_children(row, lambda c: c.tag == "mtd", "mtd", repairs)
    rows = list(table)
    while rows and _blank_row(rows[-1]) and len(rows) > 1:
        table.remove(rows.pop())
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        for _ in range(width - len(row)):
            ElementTree.SubElement(row, "mtd")
        if row.tag == "mlabeledtr" and not len(row):
            ElementTree.SubElement(row, "mtd")


def _blank_row(row: ElementTree.Element) -> bool:
    return not any((d.text or "").strip() or d.tag in ("mspace", "mglyph") for d in row.iter())
