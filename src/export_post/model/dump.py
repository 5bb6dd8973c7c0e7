"""A compact, readable text form of the model, one node per line (pandoc's "native" idea).

Used by the reader fixtures in ``tests/reader/fixtures``::

    Paragraph .lead
      Text "Some "
      Strong
        Text "bold"
    Figure .align-center
      Image src="/a.png" alt="A" width=480px
      caption
        Text "Photo by me"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from .nodes import (
    Attr,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Image,
    Inline,
    InlineContainer,
    LineBreak,
    Link,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Span,
    Table,
    Text,
    ThematicBreak,
    TocPlaceholder,
)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attr_text(attr: Attr) -> str:
    parts = [f"#{attr.id}"] if attr.id else []
    parts += [f".{c}" for c in attr.classes]
    parts += [f"{k}={_q(v)}" for k, v in attr.pairs]
    return (" " + " ".join(parts)) if parts else ""


def dump(blocks: Iterable[Block]) -> str:
    lines: list[str] = []
    _blocks(blocks, 0, lines)
    return "\n".join(lines)


def _blocks(blocks: Iterable[Block], depth: int, out: list[str]) -> None:
    for block in blocks:
        _block(block, depth, out)


def _block(block: Block, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    match block:
        case Paragraph(children=kids, attr=attr):
            out.append(f"{pad}Paragraph{attr_text(attr)}")
            _inlines(kids, depth + 1, out)
        case Heading(level=level, children=kids, attr=attr):
            out.append(f"{pad}Heading {level}{attr_text(attr)}")
            _inlines(kids, depth + 1, out)
        case BulletList(items=items, attr=attr) | OrderedList(items=items, attr=attr):
            head = "BulletList" if isinstance(block, BulletList) else f"OrderedList start={block.start}"
            out.append(f"{pad}{head}{attr_text(attr)}")
            for item in items:
                state = "" if item.checked is None else (" [x]" if item.checked else " [ ]")
                out.append(f"{pad}  Item{state}")
                _blocks(item.children, depth + 2, out)
        case BlockQuote(children=kids, attr=attr):
            out.append(f"{pad}BlockQuote{attr_text(attr)}")
            _blocks(kids, depth + 1, out)
        case CodeBlock(text=text, language=language, attr=attr):
            out.append(f"{pad}CodeBlock{' ' + language if language else ''}{attr_text(attr)} {_q(text)}")
        case Figure(image=image, caption=caption, attr=attr):
            out.append(f"{pad}Figure{attr_text(attr)}")
            _inlines((image,), depth + 1, out)
            if caption:
                out.append(f"{pad}  caption")
                _inlines(caption, depth + 2, out)
        case Table(head=head, rows=rows, caption=caption, attr=attr):
            out.append(f"{pad}Table{attr_text(attr)}")
            for label, row in [("head", head), *(("row", r) for r in rows)]:
                if not row:
                    continue
                out.append(f"{pad}  {label}")
                for cell in row:
                    align = f" {cell.align.value}" if cell.align.value else ""
                    out.append(f"{pad}    Cell{align}")
                    _inlines(cell.children, depth + 3, out)
            if caption:
                out.append(f"{pad}  caption")
                _inlines(caption, depth + 2, out)
        case ThematicBreak(attr=attr) | TocPlaceholder(attr=attr):
            out.append(f"{pad}{type(block).__name__}{attr_text(attr)}")
        case Div(children=kids, attr=attr):
            out.append(f"{pad}Div{attr_text(attr)}")
            _blocks(kids, depth + 1, out)
        case MathBlock(tex=tex, attr=attr):
            out.append(f"{pad}MathBlock{attr_text(attr)} {_q(tex)}")
        case DefinitionList(items=items, attr=attr):
            out.append(f"{pad}DefinitionList{attr_text(attr)}")
            for entry in items:
                out.append(f"{pad}  Term")
                _inlines(entry.term, depth + 2, out)
                for definition in entry.definitions:
                    out.append(f"{pad}  Definition")
                    _blocks(definition, depth + 2, out)
        case _:
            assert_never(block)


def _inlines(inlines: Iterable[Inline], depth: int, out: list[str]) -> None:
    pad = "  " * depth
    for node in inlines:
        match node:
            case Text(text=text):
                out.append(f"{pad}Text {_q(text)}")
            case Code(text=text, attr=attr):
                out.append(f"{pad}Code{attr_text(attr)} {_q(text)}")
            case Span(children=kids, attr=attr):
                out.append(f"{pad}Span{attr_text(attr)}")
                _inlines(kids, depth + 1, out)
            case Link(children=kids, url=url, title=title, attr=attr):
                extra = f" title={_q(title)}" if title else ""
                extra += f" site_target={_q(node.site_target)}" if node.site_target else ""
                out.append(f"{pad}Link {_q(url)}{extra}{attr_text(attr)}")
                _inlines(kids, depth + 1, out)
            case Image(src=src, alt=alt, title=title, attr=attr):
                extra = f" title={_q(title)}" if title else ""
                out.append(f"{pad}Image src={_q(src)} alt={_q(alt)}{extra}{attr_text(attr)}")
            case LineBreak():
                out.append(f"{pad}LineBreak")
            case Math(tex=tex):
                out.append(f"{pad}Math {_q(tex)}")
            case Note(children=kids, label=label):
                out.append(f"{pad}Note {label}")
                _blocks(kids, depth + 1, out)
            case _ if isinstance(node, InlineContainer):  # Emph, Strong…: the name says it all
                out.append(f"{pad}{type(node).__name__}")
                _inlines(node.children, depth + 1, out)
            case _:
                assert_never(node)
