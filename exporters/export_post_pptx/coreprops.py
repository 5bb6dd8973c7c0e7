"""The deck's core properties (``docProps/core.xml``) from the post's metadata.

OOXML's schema sets no length on these Dublin Core values, but Office keeps at most 255
characters of each and python-pptx refuses a longer one (``ValueError: exceeded 255 char
limit``). Every value is therefore one clean line of at most 255 UTF-16 code units (Office's
count; never fewer than python-pptx's): texts shortened on a word boundary with an
ellipsis, lists (authors, keywords) cut after the last whole item that fits.
"""

from __future__ import annotations

from export_post.metatext import ELLIPSIS, field_list, field_text
from export_post.model import PostMeta

CORE_PROPERTY_UNITS = 255
CORE_TEXT_PROPERTIES = (
    "title",
    "author",
    "last_modified_by",
    "subject",
    "comments",
    "keywords",
    "category",
    "language",
)


def core_properties(meta: PostMeta) -> dict[str, str]:
    """Values for python-pptx's ``CoreProperties``, by its attribute names."""
    limit = CORE_PROPERTY_UNITS
    author = ", ".join(field_list(meta.author_names, limit, overflow=ELLIPSIS))
    description = field_text(meta.description, limit)
    return {
        "title": field_text(meta.title, limit),
        "author": author,
        "last_modified_by": author,
        "subject": description,
        "comments": description,  # dc:description
        "keywords": ", ".join(field_list(meta.tags, limit)),
        "category": ", ".join(field_list(meta.categories, limit)),
        "language": field_text(meta.lang, limit),
    }
