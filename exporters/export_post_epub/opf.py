"""The package document's descriptive metadata: title, creators with their roles, and the rest.

EPUB sets no length limit on these (the full description is kept), but each value must be
non-empty XML text and every ``id`` unique, so the authors are numbered
``creator-1``, ``creator-2``, … in their order, each refined with its MARC relator role:

    <dc:creator id="creator-2">Charles Babbage</dc:creator>
    <meta refines="#creator-2" property="role" scheme="marc:relators">aut</meta>
"""

from __future__ import annotations

from ebooklib import epub

from export_post import __version__
from export_post.metatext import field_text
from export_post.model import Author, PostMeta

# Roles written in front matter, as MARC relator codes (https://id.loc.gov/vocabulary/relators).
RELATORS = {
    "author": "aut",
    "writer": "aut",
    "co-author": "aut",
    "coauthor": "aut",
    "editor": "edt",
    "translator": "trl",
    "illustrator": "ill",
    "photographer": "pht",
    "designer": "dsr",
    "contributor": "ctb",
    "reviewer": "rev",
    "narrator": "nrt",
    "compiler": "com",
}
_CODES = frozenset(RELATORS.values()) | {"oth"}


def relator(author: Author) -> str:
    """The author's MARC relator code: ``aut`` when no role is given, ``oth`` for a role
    this table does not know."""
    role = author.role.strip().lower()
    if not role:
        return "aut"
    return role if role in _CODES else RELATORS.get(role, "oth")


def add_metadata(book: epub.EpubBook, meta: PostMeta, identifier: str) -> None:
    book.set_identifier(identifier)
    book.set_title(field_text(meta.title) or meta.slug or "Untitled")
    book.set_language(meta.lang)
    if meta.direction == "rtl":
        book.set_direction("rtl")
    number = 0
    for author in meta.authors:
        name = field_text(author.name)
        if not name:
            continue
        number += 1
        book.add_author(name, role=relator(author), uid=f"creator-{number}")
    if description := field_text(meta.description):
        book.add_metadata("DC", "description", description)
    if meta.date_text:
        book.add_metadata("DC", "date", meta.date_text)
    for tag in dict.fromkeys(field_text(t) for t in meta.tags):
        if tag:
            book.add_metadata("DC", "subject", tag)
    # ebooklib names itself the generator; the book is ours.
    book.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
        ("", {"name": "generator", "content": f"export-post {__version__}"})
    ]
