"""The EPUB 2 navigation file (``toc.ncx``), written in one pass.

ebooklib writes it too, but looks for a ``<content>`` among all the chapters already listed
before adding each one, so a post of n chapters cost n². This writes the same document (the
same ids, labels and targets) from the table of contents ebooklib is given for the EPUB 3 nav:
chapters as ``epub.Link``, chapters with sections as ``(epub.Section, [epub.Link, …])``, and
(in a book) parts as ``(epub.Section, [chapters…])``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ebooklib import epub
from lxml import etree

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
DOCTYPE = (
    '<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">'
)
MEDIA_TYPE = "application/x-dtbncx+xml"


def ncx_item(identifier: str, title: str, toc: Sequence[object]) -> epub.EpubItem:
    """A plain manifest item with the id ``ncx`` (the spine's ``toc`` attribute names it)."""
    return epub.EpubItem(
        uid="ncx", file_name="toc.ncx", media_type=MEDIA_TYPE, content=ncx(identifier, title, toc)
    )


def ncx(identifier: str, title: str, toc: Sequence[object]) -> bytes:
    root = etree.Element(f"{{{NCX_NS}}}ncx", nsmap={None: NCX_NS}, version="2005-1")
    head = etree.SubElement(root, "head")
    for name, content in (
        ("dtb:uid", identifier),
        ("dtb:depth", "0"),
        ("dtb:totalPageCount", "0"),
        ("dtb:maxPageNumber", "0"),
    ):
        etree.SubElement(head, "meta", content=content, name=name)
    etree.SubElement(etree.SubElement(root, "docTitle"), "text").text = title
    nav_map = etree.SubElement(root, "navMap")
    _points(nav_map, toc, [0])
    return bytes(etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True))


def _points(parent: etree._Element, toc: Sequence[object], separators: list[int]) -> None:
    """The entries of ``toc`` under ``parent``; a section's entries nest under it (a book's
    parts hold chapters, which hold sections)."""
    for entry in toc:
        if isinstance(entry, tuple):
            section, links = entry
            point = _point(parent, f"sep_{separators[0]}", section.title, section.href)
            separators[0] += 1
            _points(point, links, separators)
        elif isinstance(entry, epub.Link):
            _point(parent, entry.uid, entry.title, entry.href)
        else:
            raise TypeError(f"unexpected table of contents entry {entry!r}")


def _point(parent: etree._Element, ident: str, label: str, src: str) -> etree._Element:
    point = etree.SubElement(parent, "navPoint", id=ident)
    etree.SubElement(etree.SubElement(point, "navLabel"), "text").text = label
    etree.SubElement(point, "content", src=src)
    return point
