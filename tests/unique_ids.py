"""Every id in every output is unique: a checker for EPUB, HTML and PPTX files.

An id names one element of one XML document; a repeated id is invalid (EPUBCheck RSC-005,
the HTML and OOXML schemas) and makes links and references ambiguous. The checker reads the
outputs back with lxml, independently of the code that wrote them, and returns each
repetition as ``"part: id 'x' appears N times"`` (empty when every id is unique).

- EPUB: every XML part (the OPF, the NCX, the navigation document, each XHTML content
  document, SVG images), each on its own; and the content documents together, because a
  link into the book (``section-02.xhtml#x``) and the reading system's search treat them
  as one text.
- HTML: the page, inline SVG included (it shares the page's id space).
- PPTX: the shape ids (``p:cNvPr/@id``) of each slide, layout, master and notes page; the
  slide, master and layout ids of the presentation, which share one id space; and the
  relationship ids of each ``.rels`` part.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from lxml import etree, html

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_XML_SUFFIXES = (".xhtml", ".html", ".opf", ".ncx", ".xml", ".svg", ".smil")


def _repeated(where: str, ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    return [f"{where}: id {ident!r} appears {n} times" for ident, n in counts.items() if n > 1]


def _element_ids(root: etree._Element) -> list[str]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        for name in ("id", XML_ID):
            value = element.get(name)
            if value is not None:
                found.append(value)
    return found


def _parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def epub_duplicate_ids(path: Path) -> list[str]:
    problems: list[str] = []
    content_ids: list[str] = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            if not name.endswith(_XML_SUFFIXES) or name.startswith("META-INF/"):
                continue
            ids = _element_ids(_parse_xml(book.read(name)))
            problems += _repeated(name, ids)
            if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
                content_ids += [f"{ident}" for ident in set(ids)]
    return problems + _repeated("content documents together", content_ids)


def html_duplicate_ids(path: Path) -> list[str]:
    root = html.document_fromstring(path.read_bytes())
    return _repeated(path.name, _element_ids(root))


def pptx_duplicate_ids(path: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as deck:
        names = sorted(deck.namelist())
        shared: list[str] = []  # sldId, sldMasterId and sldLayoutId share one id space
        for name in names:
            if not name.endswith((".xml", ".rels")):
                continue
            root = _parse_xml(deck.read(name))
            if name.endswith(".rels"):
                problems += _repeated(name, [r.get("Id", "") for r in root.iter(_REL)])
                continue
            problems += _repeated(name, [e.get("id", "") for e in root.iter(f"{_P}cNvPr")])
            for tag in ("sldId", "sldMasterId", "sldLayoutId"):
                shared += [e.get("id", "") for e in root.iter(f"{_P}{tag}")]
        problems += _repeated("slide, master and layout ids", shared)
    return problems


def duplicate_ids(path: Path) -> list[str]:
    """The repeated ids of an ``.epub``, ``.html`` or ``.pptx`` file."""
    checkers = {".epub": epub_duplicate_ids, ".html": html_duplicate_ids, ".pptx": pptx_duplicate_ids}
    return checkers[path.suffix](path)
