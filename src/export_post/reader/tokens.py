"""The shape of mistune's tokens, as the reader reads them.

mistune 3 (``renderer=None``) returns plain dicts: every token has a ``type``, and the other
keys depend on it. One ``TypedDict`` with all of them optional describes them all; the
comments say which token types carry each key. mistune's own AST has no schema to import.
"""

from __future__ import annotations

from typing import Required, TypedDict


class TokenAttrs(TypedDict, total=False):
    """A token's ``attrs``: which keys are set depends on the token type."""

    level: int  # heading
    info: str  # block_code: the fence's info string (``python``, ``{.ruby}``)
    ordered: bool  # list
    start: int  # list, when ordered and not starting at 1
    depth: int  # list
    checked: bool  # task_list_item
    align: str | None  # table_cell: "left", "center", "right" or None
    head: bool  # table_cell
    url: str  # link, image
    title: str | None  # link, image, abbr
    key: str  # footnote_item
    index: int  # footnote_ref, footnote_item


class Token(TypedDict, total=False):
    """One mistune token, block or inline."""

    type: Required[str]
    raw: str  # text, codespan, block_code, block_html, inline_html, math_*, span_ial, footnote_ref
    children: list[Token]  # containers: paragraph, heading, list, emphasis, link, table parts…
    attrs: TokenAttrs
    tight: bool  # list
    bullet: str  # list
    style: str  # heading ("atx"/"setext"), block_code ("fenced"/"indent")
    marker: str  # block_code: the fence
    # kramdown_table (this package's plugin, ``kramdown.kramdown_table_plugin``): cell sources
    head: list[str]
    rows: list[list[str]]
    aligns: list[str]
