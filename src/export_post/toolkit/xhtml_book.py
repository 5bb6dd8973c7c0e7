"""The parts of a book around its chapters, as XHTML shared by the EPUB, PDF and HTML books:
the typeset cover, title page, copyright page, dedication, contents, part and chapter
openings, and the CSS that lays them out on top of the theme (its colours and fonts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from ..exporter import BookContext, ExportContext
from ..model import Heading, Image, plain_text
from ..model.book import Book, BookMeta, Chapter, Part
from ..resources import Resource
from .labels import label
from .markup import esc
from .xhtml import XhtmlRenderer, document_ids
from .xhtml_header import human_date


def reading_order(book: Book) -> Iterator[tuple[Part | None, Chapter]]:
    """Each chapter with the part it opens (``None`` for the preface and when the part is
    already open or untitled), in reading order."""
    if book.preface is not None:
        yield None, book.preface
    for part in book.parts:
        for number, chapter in enumerate(part.chapters):
            yield (part if part.title and number == 0 else None), chapter


def single_page_book(
    book: Book,
    context: BookContext,
    place: Callable[[Resource], str],
    generator: str,
    *,
    page_numbers: bool = False,
    **renderer: Any,
) -> str:
    """The body of a book as one page (HTML, and the page the PDF is printed from): cover,
    title, copyright and dedication pages, contents, then each part opening and chapter.
    ``place`` gives the URL a picture is shown with."""
    meta = book.meta
    cover = context.resources.image(meta.cover) if meta.cover else None
    body = [picture_cover(meta, place(cover)) if cover else typeset_cover(meta)]
    body += [title_page(meta), copyright_page(meta, generator), dedication_page(meta)]
    body.append(contents(book, lambda anchor: f"#{anchor}", page_numbers=page_numbers))
    known = book_ids(book)

    def url_for(resource: Resource, alt: str) -> str:
        return place(resource)

    for part, chapter in reading_order(book):
        if part is not None:
            body.append(part_opening(part))
        body.append(
            render_chapter(chapter, context.for_chapter(chapter), url_for, known, meta.lang, **renderer)
        )
    return "".join(body)


def book_ids(book: Book) -> frozenset[str]:
    """Every id a link in the book may point at: the chapters' own and their openings."""
    found: set[str] = set()
    for chapter in book.chapters:
        found |= document_ids(chapter.document)
        found.add(chapter.anchor)
    return frozenset(found)


def render_chapter(
    chapter: Chapter,
    context: ExportContext,
    url_for: Callable[[Resource, str], str],
    known_ids: frozenset[str],
    book_lang: str,
    **renderer: Any,
) -> str:
    """A chapter as a ``<section>``: its opening, its blocks rendered as a post's are (with
    the ``renderer`` options the format uses for posts), and its notes. ``url_for`` places a
    picture (given with its alt text) and gives the URL the markup uses."""
    resources = context.resources

    def image_url(image: Image) -> str | None:
        resource = resources.image(image.src, line=image.line)
        return url_for(resource, image.alt) if resource else None

    document = chapter.document
    writer = XhtmlRenderer(
        document,
        image_url=image_url,
        math_url=lambda image: url_for(image.resource(), "formula"),
        reporter=context.reporter,
        code_style=context.theme.code_style,
        known_ids=known_ids,
        note_prefix=f"{chapter.anchor}-",
        **renderer,
    )
    picture = resources.image(document.meta.image) if document.meta.image else None
    return (
        f'<section class="chapter"{chapter_lang(chapter, book_lang)}>\n'
        + chapter_opening(chapter, url_for(picture, document.meta.title) if picture else None)
        + writer.blocks(document.blocks)
        + writer.endnotes()
        + "</section>\n"
    )


class TocEntry(NamedTuple):
    anchor: str
    title: str
    children: tuple[TocEntry, ...] = ()


def contents_entries(book: Book) -> list[TocEntry]:
    """Parts, their chapters and each chapter's headings one level below its title."""
    entries: list[TocEntry] = []
    if book.preface is not None:
        entries.append(chapter_entry(book.preface))
    for part in book.parts:
        chapters = tuple(chapter_entry(c) for c in part.chapters)
        if part.title:
            entries.append(TocEntry(part.anchor, part.title, chapters))
        else:
            entries.extend(chapters)
    return entries


def chapter_entry(chapter: Chapter) -> TocEntry:
    level = chapter.level + 1
    sections = tuple(
        TocEntry(block.id, " ".join(plain_text(block.children).split()))
        for block in chapter.document.blocks
        if isinstance(block, Heading) and block.level == level and block.in_toc
    )
    return TocEntry(chapter.anchor, chapter.title, sections)


def contents(book: Book, href: Callable[[str], str], *, page_numbers: bool = False) -> str:
    """The book's contents as a ``<nav>`` of nested lists (with ``page_numbers``, print CSS
    writes each entry's page after it)."""
    title = label("contents", book.meta.lang)
    kind = "book-toc with-pages" if page_numbers else "book-toc"
    return (
        f'<nav class="{kind}" id="book-contents" role="doc-toc" aria-labelledby="book-contents-title">\n'
        f'<h1 class="book-toc-title" id="book-contents-title">{esc(title)}</h1>\n'
        f"{_entries(contents_entries(book), href, 1)}</nav>\n"
    )


def _entries(entries: list[TocEntry] | tuple[TocEntry, ...], href: Callable[[str], str], depth: int) -> str:
    items = []
    for entry in entries:
        inner = _entries(entry.children, href, depth + 1) if entry.children else ""
        link = f'<a href="{esc(href(entry.anchor))}">{esc(entry.title)}</a>'
        items.append(f'<li class="toc-level-{depth}">{link}{inner}</li>\n')
    return "<ol>\n" + "".join(items) + "</ol>\n"


def typeset_cover(meta: BookMeta) -> str:
    """A cover made of the title, subtitle and author on the theme's colours (no picture)."""
    title = f'<p class="cover-title">{esc(meta.title)}</p>\n'
    byline = _byline(meta, "cover")
    return f'<section class="book-cover typeset" id="book-cover">\n{title}{byline}</section>\n'


def picture_cover(meta: BookMeta, url: str) -> str:
    alt = esc(f"{label('cover', meta.lang)}: {meta.title}")
    return (
        f'<section class="book-cover picture" id="book-cover"><img src="{esc(url)}" alt="{alt}"/></section>\n'
    )


def title_page(meta: BookMeta) -> str:
    title = f'<h1 class="book-title">{esc(meta.title)}</h1>\n'
    about = ""
    if meta.description and meta.description != meta.subtitle:
        about = f'<p class="book-description">{esc(meta.description)}</p>\n'
    byline = _byline(meta, "book")
    return f'<section class="book-title-page" id="book-title-page">\n{title}{byline}{about}</section>\n'


def _byline(meta: BookMeta, prefix: str) -> str:
    """The subtitle and the author, those the book has, as the cover or the title page shows them."""
    lines = [(f"{prefix}-subtitle", meta.subtitle), (f"{prefix}-author", meta.author)]
    return "".join(f'<p class="{cls}">{esc(text)}</p>\n' for cls, text in lines if text)


def copyright_page(meta: BookMeta, generator: str) -> str:
    years = ""
    if meta.first_date and meta.last_date:
        first, last = meta.first_date.year, meta.last_date.year
        years = str(first) if first == last else f"{first}\u2013{last}"
    holder = " ".join(part for part in (years, meta.author) if part)
    lines = []
    if holder:
        lines.append(f"\u00a9 {esc(holder)}")
    if meta.first_date and meta.last_date:
        lines.append(f"Posts from {meta.first_date.isoformat()} to {meta.last_date.isoformat()}")
    if meta.source_url:
        lines.append(f'First published at <a href="{esc(meta.source_url)}">{esc(meta.source_url)}</a>')
    lines.append(f"Made with {esc(generator)}")
    body = "".join(f"<p>{line}</p>\n" for line in lines)
    return f'<section class="book-copyright" id="book-copyright">\n{body}</section>\n'


def dedication_page(meta: BookMeta) -> str:
    if not meta.dedication:
        return ""
    return (
        f'<section class="book-dedication" id="book-dedication">\n<p>{esc(meta.dedication)}</p>\n</section>\n'
    )


def part_opening(part: Part, level: int = 1) -> str:
    return (
        f'<section class="book-part" id="{esc(part.anchor)}">\n'
        f'<h{level} class="part-title">{esc(part.title)}</h{level}>\n</section>\n'
    )


def chapter_opening(chapter: Chapter, cover_url: str | None) -> str:
    """The chapter's title, then its description, its date and author (when it differs from
    the book's) and its cover picture."""
    meta = chapter.document.meta
    level = min(chapter.level, 6)
    parts = ['<header class="chapter-header">\n']
    parts.append(f'<h{level} class="chapter-title" id="{esc(chapter.anchor)}">{esc(meta.title)}</h{level}>\n')
    bits = []
    if chapter.show_author and meta.author:
        bits.append(f'<span class="chapter-author">{esc(meta.author)}</span>')
    if meta.date_text:
        bits.append(f'<time datetime="{meta.date_text}">{esc(human_date(meta))}</time>')
    if meta.description:
        parts.append(f'<p class="chapter-description">{esc(meta.description)}</p>\n')
    if bits:
        parts.append(f'<p class="chapter-meta">{" · ".join(bits)}</p>\n')
    if cover_url:
        alt = esc(f"{label('cover', meta.lang)}: {meta.title}")
        parts.append(f'<figure class="chapter-cover"><img src="{esc(cover_url)}" alt="{alt}"/></figure>\n')
    parts.append("</header>\n")
    return "".join(parts)


def chapter_lang(chapter: Chapter, book_lang: str) -> str:
    """``lang`` attributes for a chapter written in another language than the book."""
    meta = chapter.document.meta
    if meta.lang == book_lang:
        return ""
    return f' lang="{esc(meta.lang)}" xml:lang="{esc(meta.lang)}" dir="{meta.direction}"'


# Laid over the theme: its custom properties give the colours and fonts.
BOOK_CSS = """
.book-cover.typeset { display: flex; flex-direction: column; justify-content: center;
  background: var(--color-accent); color: #fff; padding: 12% 10%; text-align: start; min-height: 90vh; }
.book-cover.typeset .cover-title { font-family: var(--font-heading); font-size: 2.4em; font-weight: 700;
  line-height: 1.15; margin: 0 0 0.5em; color: #fff; }
.book-cover.typeset .cover-subtitle { font-size: 1.3em; margin: 0 0 2em; color: #fff; }
.book-cover.typeset .cover-author { font-size: 1.1em; margin-top: auto; color: #fff;
  border-top: 2px solid #fff; padding-top: 0.6em; }
.book-cover.picture { text-align: center; margin: 0; }
.book-cover.picture img { max-width: 100%; max-height: 100vh; }
.book-title-page, .book-title-page p { text-align: center; }
.book-title-page { padding-top: 20%; }
.book-title-page .book-title { font-size: 2.2em; margin: 0 0 0.4em; }
.book-title-page .book-subtitle { font-size: 1.25em; color: var(--color-muted); }
.book-title-page .book-author { font-size: 1.15em; margin-top: 2em; }
.book-title-page .book-description { margin-top: 2em; color: var(--color-muted); }
.book-copyright { font-size: 0.85em; color: var(--color-muted); padding-top: 30%; }
.book-dedication { font-style: italic; padding-top: 30%; }
.book-dedication p { text-align: center; }
.book-toc ol { list-style: none; padding-inline-start: 0; margin: 0; }
.book-toc ol ol { padding-inline-start: 1.4em; }
.book-toc .toc-level-1 { margin-top: 0.5em; }
.book-toc a { color: var(--color-text); }
.book-part { text-align: center; padding-top: 30%; }
.book-part .part-title { font-size: 2em; color: var(--color-accent); }
.chapter-header { margin: 0 0 1.6em; }
.chapter-header .chapter-title { font-size: 1.9em; margin: 0 0 0.3em;
  color: var(--color-heading, var(--color-text)); }
.chapter-header .chapter-meta { color: var(--color-muted); font-size: 0.95em; }
.chapter-header .chapter-description { font-size: 1.1em; margin: 0 0 0.4em; }
.chapter-cover { margin: 1em 0 0; }
.chapter-cover img { max-width: 100%; max-height: 9cm; }
"""

# What paper adds: pages of their own, page numbers in the contents, notes counted per chapter.
BOOK_PRINT_CSS = """
.book-cover { page: cover; break-after: page; height: 100vh; box-sizing: border-box; min-height: 0; }
.book-cover.picture img { width: 100%; height: 100%; max-height: none; object-fit: cover; }
.book-title-page, .book-copyright, .book-dedication, .book-part { break-after: page; }
.book-title-page .book-title, .book-toc-title { bookmark-level: none; }
.book-toc { break-after: page; }
.book-toc-title { font-size: 1.6em; }
.book-toc.with-pages a { display: block; }
.book-toc.with-pages a::after { content: " " leader(". ") target-counter(attr(href), page);
  color: var(--color-muted); }
.book-part, section.chapter { break-before: page; }
section.chapter { counter-reset: footnote; }
.chapter-header .chapter-title, .book-part .part-title { string-set: post-title content(); }
.book-cover.typeset .cover-title { font-size: 34pt; }
.book-cover.typeset .cover-subtitle { font-size: 16pt; }
.book-cover.typeset .cover-author { font-size: 13pt; }
"""
