"""Reading a Jekyll post into a :class:`~export_post.model.Document`.

All Jekyll and kramdown knowledge lives in this package; the pipeline is:

1. ``source``      – read and decode the file (UTF-8, BOM, line ends, size cap);
2. ``frontmatter`` – split and safely load the YAML front matter;
3. ``site``        – find the site root and its ``_config.yml``;
4. ``liquid``      – resolve the Liquid subset as data (never executed);
5. ``kramdown``    – turn IAL/ALD/extension lines into markers mistune keeps in place;
6. mistune 3 parses the Markdown into tokens;
7. ``convert``     – the tokens (``tokens``) become model nodes; raw HTML split over
   tokens is stitched back into elements (``html_stitch``) and IALs are attached (``ials``);
8. ``typography``  – quotes and dashes as kramdown prints them;
9. ``meta``        – front matter fields become :class:`PostMeta`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import mistune

from ..diagnostics import Reporter
from ..model import Block, Document, PostMeta, iter_blocks, plain_text
from ..model.walk import block_inlines
from .context import ReaderContext
from .convert import Converter
from .emphasis import kramdown_emphasis_plugin
from .frontmatter import FieldReader, SplitPost, key_lines, load_front_matter, split_front_matter
from .kramdown import footnote_after_bang_plugin, kramdown_table_plugin, math_plugin, prepare, span_ial_plugin
from .languages import guess_language
from .liquid import render_liquid
from .mathpass import resolve_math
from .meta import build_meta
from .site import SiteContext, find_site_root, load_site
from .source import MAX_POST_BYTES, LineIndex, check_image_count, clean_text, read_post_text
from .tokens import Token
from .typography import smarten_blocks

__all__ = ["SiteContext", "find_site_root", "load_meta", "load_post", "parse_post", "warm"]


def _markdown(dollars: bool) -> Any:
    return mistune.create_markdown(
        renderer=None,
        plugins=[
            "strikethrough",
            "table",
            "task_lists",
            "footnotes",
            "def_list",
            "abbr",
            span_ial_plugin,
            footnote_after_bang_plugin,
            partial(math_plugin, dollars=dollars),
            kramdown_table_plugin,
            kramdown_emphasis_plugin,
        ],
    )


def warm() -> None:
    """Import the Markdown parser's plugins (for :mod:`export_post.warm.server`)."""
    _markdown(dollars=True)


def load_post(
    path: str | Path,
    *,
    site_root: str | Path | None = None,
    max_bytes: int = MAX_POST_BYTES,
    within: Path | None = None,
) -> Document:
    """Read the post at ``path``. Raises :class:`~export_post.errors.ReadError` if it cannot.

    ``site_root`` overrides where ``/``-absolute image paths resolve (default: walking up
    from the post, the first folder that has a ``_config.yml`` or holds the ``_posts/`` the
    post is in; the post's own folder when there is neither). Posts over ``max_bytes`` are
    refused before parsing. Problems the reader survives
    are in ``Document.diagnostics``. Only a regular file is read (a FIFO or device is
    refused without being opened); with ``within``, only one really inside that folder.
    """
    post = Path(path)
    text = read_post_text(post, max_bytes=max_bytes, within=within)
    return parse_post(text, post, site_root=Path(site_root) if site_root else None)


@dataclass(frozen=True, slots=True)
class _Head:
    """A post's text with what its front matter and its site say (the body not yet parsed)."""

    text: str
    split: SplitPost
    data: dict[str, Any]
    site: SiteContext
    meta: PostMeta


def _read_head(text: str, path: Path, site_root: Path | None, reporter: Reporter) -> _Head:
    text = clean_text(text)
    split = split_front_matter(text, path, reporter)
    data = load_front_matter(split.front, path, 2, reporter) if split.front is not None else {}
    fields = FieldReader(data, path, reporter, key_lines(split.front or "", 2))
    site = load_site(path, site_root, reporter)
    return _Head(text, split, data, site, build_meta(data, fields, path, site, reporter))


def load_meta(path: str | Path, *, site_root: str | Path | None = None) -> tuple[PostMeta, SiteContext]:
    """The metadata of the post at ``path`` and its site, without parsing its body (what it
    reports is dropped: the post's conversion reports it). Raises ``ReadError`` as
    :func:`load_post` does."""
    post = Path(path)
    head = _read_head(read_post_text(post), post, Path(site_root) if site_root else None, Reporter(post))
    return head.meta, head.site


def parse_post(text: str, path: Path, *, site_root: Path | None = None) -> Document:
    """Parse post ``text`` as if it were the file at ``path`` (which need not exist)."""
    reporter = Reporter(path)
    head = _read_head(text, path, site_root, reporter)
    text, split, data, site, meta = head.text, head.split, head.data, head.site, head.meta

    lines = LineIndex(text)
    body_offset = len(text) - len(split.body)
    page = {"title": meta.title}
    body = render_liquid(split.body, site, page, reporter, lambda offset: lines.line_at(body_offset + offset))
    check_image_count(body, path)
    prepared = prepare(body, split.body_line)
    dollars = site.math.inline_dollar is not False  # decided per post when the site is silent
    md = _markdown(dollars)
    tokens, state = md.parse(prepared.text)
    footnotes: dict[str, list[Token]] = {
        str(item["attrs"]["key"]): item["children"]
        for tok in tokens
        if tok["type"] == "footnotes"
        for item in tok["children"]
    }
    ctx = ReaderContext(
        reporter=reporter,
        lines=lines,
        site_url=meta.site_url,
        post_folder=_folder_in_site(path, site.root),
        dollar_math=dollars,
    )
    blocks = resolve_math(
        Converter(md, state.env, prepared, ctx, footnotes).blocks(tokens), site.math, reporter
    )
    blocks = smarten_blocks(blocks)
    if not any(data.get(k) for k in ("lang", "language", "locale")) and not site.setting("lang"):
        guessed = guess_language(meta.title + "\n" + plain_text_of(blocks))
        if guessed is not None and guessed != meta.lang:
            reporter.info(
                "lang-guessed",
                f"no 'lang' in the front matter or _config.yml; the text looks like '{guessed}'",
            )
            meta = replace(meta, lang=guessed)
    return Document(meta=meta, blocks=blocks, diagnostics=reporter.diagnostics)


def _folder_in_site(post: Path, root: Path) -> str | None:
    """The post's folder relative to the site root, as a URL path (``_posts``); ``None`` outside it."""
    try:
        folder = post.resolve().parent.relative_to(root)
    except ValueError:
        return None
    return "" if folder == Path() else folder.as_posix()


def plain_text_of(blocks: tuple[Block, ...]) -> str:
    return "\n".join(plain_text(i) for b in iter_blocks(blocks) for i in block_inlines(b))
