"""The node types of the document model.

Every node is a frozen, slotted, keyword-only dataclass whose children are tuples, so a
parsed post is immutable, hashable and safe to share between exporters and processes.
``Block`` and ``Inline`` are closed unions: exporters dispatch with ``match`` and end with
``assert_never``, so adding a node type makes mypy point at every exporter that forgot it.

No node knows about Markdown, kramdown or HTML syntax. The reader lifts raw HTML figures
into :class:`Figure`, IALs into :class:`Attr`, ``{:toc}`` into :class:`TocPlaceholder`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, slots=True, kw_only=True)
class Attr:
    """Identifier, classes and key/value pairs: what a kramdown IAL carries."""

    id: str = ""
    classes: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        for name, value in reversed(self.pairs):
            if name == key:
                return value
        return None

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def merged(self, other: Attr) -> Attr:
        """``other`` applied on top of ``self``: classes accumulate, id and pairs override."""
        classes = self.classes + tuple(c for c in other.classes if c not in self.classes)
        keys = {k for k, _ in other.pairs}
        pairs = tuple(p for p in self.pairs if p[0] not in keys) + other.pairs
        return Attr(id=other.id or self.id, classes=classes, pairs=pairs)

    def __bool__(self) -> bool:
        return bool(self.id or self.classes or self.pairs)


NO_ATTR = Attr()


# ----------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Strikethrough:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Superscript:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """Generic inline container: a span IAL target or an HTML span-level wrapper."""

    children: tuple[Inline, ...]
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    text: str
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A hyperlink. ``url`` is ``http(s):``, ``mailto:`` or an in-document ``#id``.

    ``site_target`` says where in the post's own site a link points, when the reader can tell:
    a post's source file relative to the site root (``_posts/2024-06-10-name.md``, from
    ``{% post_url %}``, ``{% link %}`` or a relative link to the file) or a path on the site
    (``/2024/06/10/name.html``), with its ``#fragment``. A book turns such links into links to
    its chapters. ``url`` is then empty when the site's address is unknown: formats of a single
    post show the text only."""

    children: tuple[Inline, ...]
    url: str
    title: str = ""
    attr: Attr = NO_ATTR
    site_target: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image reference as written in the post (resolved later by the resource resolver).

    ``attr`` may carry ``width``/``height`` pairs as CSS lengths (``480px``, ``50%``).
    ``line`` is the 1-based line of the reference in the post file, for diagnostics.
    """

    src: str
    alt: str = ""
    title: str = ""
    attr: Attr = NO_ATTR
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Math:
    """Inline TeX math (kramdown ``$$…$$`` inside a paragraph)."""

    tex: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A footnote, placed where it is cited. ``label`` is its number, in order of citation."""

    children: tuple[Block, ...]
    label: str


Inline = (
    Text
    | Emph
    | Strong
    | Strikethrough
    | Superscript
    | Subscript
    | Span
    | Code
    | Link
    | Image
    | LineBreak
    | Math
    | Note
)

InlineContainer = Emph | Strong | Strikethrough | Superscript | Subscript | Span | Link
"""The inlines whose children are inlines (a :class:`Note`'s are blocks). Walk them with
:func:`~export_post.model.walk.inline_children` and
:func:`~export_post.model.walk.map_inline_children`."""

# ------------------------------------------------------------------------------ blocks


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    children: tuple[Inline, ...]
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A section heading. ``attr.id`` is always set (unique within the document)."""

    level: int
    children: tuple[Inline, ...]
    attr: Attr = NO_ATTR

    @property
    def id(self) -> str:
        return self.attr.id

    @property
    def in_toc(self) -> bool:
        """False for headings a post excluded from its table of contents (``{:.no_toc}``)."""
        return not self.attr.has_class("no_toc")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListItem:
    children: tuple[Block, ...]
    checked: bool | None = None  # task-list state; None for an ordinary item


@dataclass(frozen=True, slots=True, kw_only=True)
class BulletList:
    items: tuple[ListItem, ...]
    tight: bool = True
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1
    tight: bool = True
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockQuote:
    children: tuple[Block, ...]
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBlock:
    text: str
    language: str = ""
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """An image shown as a block, with an optional caption (credit lines included)."""

    image: Image
    caption: tuple[Inline, ...] = ()
    attr: Attr = NO_ATTR


class Align(Enum):
    DEFAULT = ""
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True, kw_only=True)
class TableCell:
    children: tuple[Inline, ...]
    align: Align = Align.DEFAULT


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A table; ``head`` may be empty (an HTML table without header cells)."""

    head: tuple[TableCell, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    caption: tuple[Inline, ...] = ()
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class ThematicBreak:
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class TocPlaceholder:
    """Where the post asked for a table of contents (kramdown ``{:toc}``)."""

    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class MathBlock:
    """Display TeX math: kramdown ``$$…$$`` as a paragraph of its own, or a bare
    ``begin{equation}`` (or ``align``…) environment."""

    tex: str
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class DefinitionItem:
    term: tuple[Inline, ...]
    definitions: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DefinitionList:
    items: tuple[DefinitionItem, ...]
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True, kw_only=True)
class Div:
    """A generic block container: an HTML wrapper (``<div class="note">``) kept for its content."""

    children: tuple[Block, ...]
    attr: Attr = NO_ATTR


Block = (
    Paragraph
    | Heading
    | BulletList
    | OrderedList
    | BlockQuote
    | CodeBlock
    | Figure
    | Table
    | ThematicBreak
    | TocPlaceholder
    | Div
    | MathBlock
    | DefinitionList
)
