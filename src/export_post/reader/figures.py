"""Turning images that stand alone into figures, and credit lines into their captions.

Rules (the same for Markdown and raw HTML):

* a paragraph whose only content is images (and line breaks/space) becomes one
  :class:`Figure` per image; the paragraph's attributes go to the (last) figure;
* a paragraph of one image followed only by emphasised text (``![..](..)`` then
  ``*caption*``, the usual Jekyll caption) becomes a figure with that caption;
* a paragraph tagged ``figcaption`` (``{:.figcaption}`` or an HTML ``<figcaption>``)
  right after a figure without a caption becomes that figure's caption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import NO_ATTR, Attr, Block, Emph, Figure, Image, Inline, LineBreak, Paragraph, Text
from .context import trim_inlines

CAPTION_CLASSES = ("figcaption", "caption", "image-caption")


def paragraph_or_figures(inlines: Sequence[Inline], attr: Attr = NO_ATTR) -> list[Block]:
    """A paragraph, or the figures it really is; nothing for an empty paragraph."""
    content = trim_inlines(inlines)
    if not content:
        return []
    images = [node for node in content if isinstance(node, Image)]
    rest = [
        node
        for node in content
        if not isinstance(node, Image | LineBreak) and not (isinstance(node, Text) and not node.text.strip())
    ]
    if images and not rest:
        figures: list[Block] = [Figure(image=image) for image in images]
        figures[-1] = Figure(image=images[-1], attr=attr)
        return figures
    lone_image = len(images) == 1 and content[0] is images[0]
    if lone_image and len(rest) == 1 and isinstance(rest[0], Emph) and rest[0] is content[-1]:
        return [Figure(image=images[0], caption=rest[0].children, attr=attr)]
    return [Paragraph(children=content, attr=attr)]


def is_caption(block: Block) -> bool:
    return isinstance(block, Paragraph) and any(block.attr.has_class(c) for c in CAPTION_CLASSES)


def attach_captions(blocks: Sequence[Block]) -> list[Block]:
    """Merge caption paragraphs into the captionless figure right before them."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            isinstance(block, Paragraph)
            and is_caption(block)
            and isinstance(previous, Figure)
            and not previous.caption
        ):
            classes = tuple(c for c in block.attr.classes if c not in CAPTION_CLASSES)
            extra = Attr(id=block.attr.id, classes=classes, pairs=block.attr.pairs)
            out[-1] = replace(previous, caption=block.children, attr=previous.attr.merged(extra))
        else:
            out.append(block)
    return out
