"""A book as one self-contained HTML page: cover, title page, contents, then each chapter
rendered by the same renderer as a post (its notes at its end, its ids prefixed)."""

from __future__ import annotations

from export_post import __version__
from export_post.exporter import BookContext
from export_post.metatext import field_text
from export_post.model.book import Book
from export_post.toolkit.highlight import highlight_css
from export_post.toolkit.xhtml import XhtmlRenderer, document_ids, page
from export_post.toolkit.xhtml_book import (
    BOOK_CSS,
    chapter_lang,
    chapter_opening,
    contents,
    copyright_page,
    dedication_page,
    part_opening,
    picture_cover,
    title_page,
    typeset_cover,
)
from export_post.toolkit.xhtml_header import meta_tags

from .embedding import Embedder


def build_html_book(book: Book, context: BookContext) -> bytes:
    meta = book.meta
    embedder = Embedder()
    cover = context.resources.image(meta.cover) if meta.cover else None
    body = [picture_cover(meta, embedder.url(cover)) if cover else typeset_cover(meta)]
    body += [title_page(meta), copyright_page(meta, f"export-post {__version__}"), dedication_page(meta)]
    body.append(contents(book, lambda anchor: f"#{anchor}"))
    known = frozenset().union(*(document_ids(c.document) for c in book.chapters)) | {
        c.anchor for c in book.chapters
    }
    chapters = [(None, book.preface)] if book.preface else []
    chapters += [(part, chapter) for part in book.parts for chapter in part.chapters]
    opened = set()
    for part, chapter in chapters:
        if part is not None and part.title and part.anchor not in opened:
            opened.add(part.anchor)
            body.append(part_opening(part))
        chapter_context = context.for_chapter(chapter)
        resources = chapter_context.resources

        def image_url(image, resources=resources):  # type: ignore[no-untyped-def]
            resource = resources.image(image.src, line=image.line)
            return embedder.url(resource) if resource else None

        document = chapter.document
        renderer = XhtmlRenderer(
            document,
            image_url=image_url,
            math_url=lambda image: embedder.url(image.resource()),
            reporter=chapter_context.reporter,
            code_style=context.theme.code_style,
            known_ids=known,
            note_prefix=f"{chapter.anchor}-",
        )
        picture = resources.image(document.meta.image) if document.meta.image else None
        body.append(
            f'<section class="chapter"{chapter_lang(chapter, meta.lang)}>\n'
            + chapter_opening(chapter, embedder.url(picture) if picture else None)
            + renderer.blocks(document.blocks)
            + renderer.endnotes()
            + "</section>\n"
        )
    markup = embedder.embed("".join(body))
    css = context.theme.css("html") + highlight_css(context.theme.code_style) + BOOK_CSS + embedder.css()
    post_meta = meta.as_post_meta()
    html = page(
        markup,
        title=field_text(meta.title),
        lang=meta.lang,
        direction=post_meta.direction,
        css=css,
        head_extra='<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        + meta_tags(post_meta, f"export-post {__version__}"),
    )
    return html.encode("utf-8")
