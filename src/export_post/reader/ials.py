"""Attaching kramdown attribute lists (IALs) to the nodes they follow or precede.

``kramdown.prepare`` turned every block IAL line into a marker comment, which mistune keeps
in place. Block assembly (``html_stitch``) hands this pass each container's items in order:
blocks, the markers, and the blank lines between them. A marker applies to the block right
before it, else to the block right after it; a blank line on both sides leaves it unattached.
A span IAL (``*x*{:.u}``) applies to the inline right before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import (
    Block,
    BulletList,
    Code,
    Emph,
    Heading,
    Image,
    Inline,
    Link,
    OrderedList,
    Span,
    Strikethrough,
    Strong,
    TocPlaceholder,
)
from .context import ReaderContext
from .figures import attach_captions
from .kramdown import Ial, Prepared, parse_ial


@dataclass(eq=False)
class Blank:
    """A blank line between blocks: it keeps an IAL from reaching across."""


@dataclass(eq=False)
class Marker:
    """Where a block IAL line stood; ``key`` names it in ``Prepared.markers``."""

    key: str


BLANK = Blank()
Item = Block | Blank | Marker


class IalAttacher:
    """Applies the IALs of one post; one instance per post (only its first ``{:toc}`` counts)."""

    def __init__(self, prepared: Prepared, ctx: ReaderContext) -> None:
        self.prepared = prepared
        self.ctx = ctx
        self._has_toc = False

    def attach(self, items: Sequence[Item]) -> list[Block]:
        """Apply IAL markers to the block directly before them (else directly after)."""
        out: list[Block] = []
        pending: Ial | None = None
        after_blank = True
        for index, item in enumerate(items):
            if isinstance(item, Blank):
                if pending is not None:
                    self._unattached(pending)
                    pending = None
                after_blank = True
            elif isinstance(item, Marker):
                ial = self.prepared.markers[item.key]
                nxt = items[index + 1] if index + 1 < len(items) else None
                if out and not after_blank:
                    applied = self._apply(out[-1], ial, item.key)
                    if applied is None:
                        out.pop()
                        after_blank = True  # nothing left for a further marker to attach to
                    else:
                        out[-1] = applied
                elif nxt is not None and not isinstance(nxt, Blank):
                    pending = (
                        ial
                        if pending is None
                        else Ial(pending.attr.merged(ial.attr), pending.refs + ial.refs)
                    )
                else:
                    self._unattached(ial, item.key)
            else:
                if pending is not None:
                    applied = self._apply(item, pending, None)
                    pending = None
                    if applied is None:
                        after_blank = True
                        continue
                    item = applied
                out.append(item)
                after_blank = False
        return attach_captions(out)

    def span(self, raw: str, siblings: list[Inline]) -> None:
        """Apply the span IAL ``{:raw}`` to the last of ``siblings`` (in place)."""
        attr = parse_ial(raw, self.prepared.alds).attr
        previous = siblings[-1] if siblings else None
        if isinstance(previous, Image | Link | Code | Span):
            siblings[-1] = replace(previous, attr=previous.attr.merged(attr))
        elif isinstance(previous, Emph | Strong | Strikethrough):
            siblings[-1] = Span(children=(previous,), attr=attr)
        else:
            self.ctx.reporter.info(
                "ial-unattached", f"span attribute list {{:{raw}}} follows no element; ignored"
            )

    def _apply(self, block: Block, ial: Ial, key: str | None) -> Block | None:
        """``block`` with the attribute list applied; None when it is to go (a repeated toc)."""
        line = self.prepared.marker_lines.get(key or "")
        for ref in ial.refs:
            if ref == "toc":
                if isinstance(block, BulletList | OrderedList):
                    if self._has_toc:  # each would list every heading: n tocs of n headings is n²
                        self.ctx.reporter.info(
                            "toc-repeated", "only the first {:toc} is a table of contents; removed", line=line
                        )
                        return None
                    self._has_toc = True
                    return TocPlaceholder(attr=ial.attr)
                self.ctx.reporter.warn("toc-not-on-list", "{:toc} must follow a list; ignored", line=line)
            else:
                self.ctx.reporter.info(
                    "ial-unknown-reference",
                    f"attribute list reference '{ref}' is not defined",
                    line=line,
                )
        if isinstance(block, Heading) and ial.attr.id:
            ial = Ial(replace(ial.attr, id=self.ctx.ids.claim(ial.attr.id)), ial.refs)
        return replace(block, attr=block.attr.merged(ial.attr))

    def _unattached(self, ial: Ial, key: str | None = None) -> None:
        line = self.prepared.marker_lines.get(key or "")
        self.ctx.reporter.info("ial-unattached", "attribute list has no block next to it; ignored", line=line)
