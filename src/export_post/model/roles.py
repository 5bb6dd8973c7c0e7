"""Roles blocks play by position, which several exporters need to agree on."""

from __future__ import annotations

from .nodes import Block, BlockQuote, TocPlaceholder


def epigraph(blocks: tuple[Block, ...]) -> BlockQuote | None:
    """The block quote that opens a post (before any other content), if there is one."""
    for block in blocks:
        if isinstance(block, TocPlaceholder):
            continue
        return block if isinstance(block, BlockQuote) else None
    return None
