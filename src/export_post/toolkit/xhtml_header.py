"""The post's title block and document info, as XHTML (the first thing every page shows)."""

from __future__ import annotations

import unicodedata

from ..metatext import ELLIPSIS, field_list, field_text
from ..model import PostMeta, text_direction
from .labels import label
from .markup import esc

SUBTITLE_CHARS = 240  # a longer description is an abstract, placed after the title block
LONG_TITLE_CHARS = 70  # a longer title is set smaller on the first page (.long-title)


def isolate(text: str, direction: str) -> str:
    """``text`` escaped, in a span of its own direction where that differs from the post's
    ``direction`` (a Latin title in an Arabic post keeps its punctuation; the block keeps the
    post's alignment)."""
    found = text_direction(text)
    if found is None or found == direction:
        return esc(text)
    return f'<span dir="{found}">{esc(text)}</span>'


def post_header(meta: PostMeta, cover_url: str | None) -> str:
    """The title block: cover image, title, description, author and date."""
    lang, direction = meta.lang, meta.direction
    parts = [f'<header class="post-header{" has-cover" if cover_url else ""}">\n']
    if cover_url:
        alt = esc(f"{label('cover', lang)}: {meta.title}")
        parts.append(f'<div class="cover"><img src="{esc(cover_url)}" alt="{alt}"/></div>\n')
    size = " long-title" if _text_length(meta.title) > LONG_TITLE_CHARS else ""
    parts.append(f'<h1 class="post-title{size}">{isolate(meta.title, direction)}</h1>\n')
    # A description longer than a subtitle is an abstract: it opens the text after the
    # title block (on a cover page it would crowd the title off the page).
    abstract = len(meta.description) > SUBTITLE_CHARS
    kind = "post-description post-abstract" if abstract else "post-description"
    description = f'<p class="{kind}">{isolate(meta.description, direction)}</p>\n'
    if meta.description and not abstract:
        parts.append(description)
    bits = []
    if meta.author:
        bits.append(f'<span class="post-author">{isolate(meta.author, direction)}</span>')
    if meta.date_text:
        # An ISO date reads left to right; after Arabic letters its digits would not.
        ltr = ' dir="ltr"' if direction == "rtl" else ""
        bits.append(f'<time datetime="{meta.date_text}"{ltr}>{esc(human_date(meta))}</time>')
    if bits:
        separator = ' <span class="sep">·</span> '
        parts.append(f'<p class="post-meta">{separator.join(bits)}</p>\n')
    parts.append("</header>\n")
    if abstract:
        parts.append(description)
    return "".join(parts)


def meta_tags(meta: PostMeta, generator: str, *, limit: int | None = None) -> str:
    """``<meta>`` elements for the document info (WeasyPrint copies them into the PDF's Info
    dictionary and XMP), one per author, each value one clean line and, when ``limit`` is
    given, shortened so that what the PDF joins (the authors, the keywords) fits it too."""
    tags = [("generator", generator)]
    tags += [("author", name) for name in field_list(meta.author_names, limit, overflow=ELLIPSIS)]
    if description := field_text(meta.description, limit):
        tags.append(("description", description))
    if keywords := field_list(meta.tags, limit):
        tags.append(("keywords", ", ".join(keywords)))
    if meta.date_text:
        tags.append(("dcterms.created", meta.date_text))
    links = "".join(
        f'<link rel="author" href="{esc(a.url)}"/>\n'
        for a in meta.authors
        if a.url.startswith(("https://", "http://"))
    )
    return "".join(f'<meta name="{name}" content="{esc(value)}"/>\n' for name, value in tags) + links


def human_date(meta: PostMeta) -> str:
    if meta.date is None:
        return ""
    if meta.lang.split("-")[0] == "en":
        return f"{meta.date.day} {meta.date.strftime('%B %Y')}"
    return meta.date_text


def _text_length(text: str) -> int:
    """Length in Latin letters: a Chinese, Japanese or Korean character is as wide as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
