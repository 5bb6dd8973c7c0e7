"""The SVG rewriter skips its walk of the elements only where the walk would change nothing.

``_may_need_a_visit`` looks in the markup for anything the walk changes; when it finds none,
the walk is skipped. Every SVG the fixtures and the corpora hold is rewritten both ways and
must come out the same, and each thing the walk changes, however it is written, is found.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from export_post.resources import svgrewrite

from .support import FIXTURES, corpus_roots

_PNG_URI = "data:image/png;base64,iVBORw0KGgo="


def _svgs() -> list[Path]:
    found = sorted((FIXTURES / "svg").glob("*.svg"))
    for root in corpus_roots():
        found += sorted(root.glob("*/**/*.svg"))
    return found


def _noting(asked: dict[str, None]) -> Callable[[str], None]:
    """An ``embed`` that notes each reference and refuses it, as the build cache's did."""

    def note(href: str) -> None:
        asked[href] = None

    return note


def test_the_pictures_an_svg_draws_are_those_the_rewriter_embeds() -> None:
    """The build cache's digest of an SVG covers the pictures it draws: found without
    rewriting it, they are the references a rewrite hands its ``embed``."""
    drawing = 0
    for path in _svgs():
        data = path.read_bytes()
        asked: dict[str, None] = {}
        svgrewrite.rewrite_svg(data, _noting(asked))
        assert svgrewrite.pictures_drawn(data) == list(asked), path
        drawing += bool(asked)
    assert drawing >= 2


def test_skipping_the_walk_changes_no_svg(monkeypatch: pytest.MonkeyPatch) -> None:
    svgs = _svgs()
    skipped = 0
    for path in svgs:
        data = path.read_bytes()
        quick = svgrewrite.rewrite_svg(data, lambda href: _PNG_URI)
        skipped += not svgrewrite._may_need_a_visit(data)
        with monkeypatch.context() as patch:
            patch.setattr(svgrewrite, "_may_need_a_visit", lambda text: True)
            walked = svgrewrite.rewrite_svg(data, lambda href: _PNG_URI)
        assert quick.data == walked.data, path
        assert (quick.changes, quick.problem) == (walked.changes, walked.problem), path
    assert len(svgs) >= 20 and 5 <= skipped < len(svgs)  # both ways taken


@pytest.mark.parametrize(
    "element",
    [
        '<g xml:base="http://x.org/"/>',
        "<script>alert(1)</script>",
        '<svg:script xmlns:svg="http://www.w3.org/2000/svg"/>',
        '<rect width="1" height="1" onclick="go()"/>',
        '<rect width="1" height="1"\n\tONLOAD = "go()"/>',
        '<a href="https://x.org/"><rect width="1" height="1"/></a>',
        '<a\nhref="https://x.org/"/>',
        '<image href="pic.png" width="1" height="1"/>',
        '<image xlink:href = \'pic.png\' width="1" height="1"/>',
        '<rect width="1" height="1" fill="URL(http://x.org/p.svg#g)"/>',
        '<rect width="1" height="1" fill="url( \'other.svg#g\')"/>',
        '<rect width="1" height="1" fill="&#117;rl(http://x.org/p.svg#g)"/>',
        '<foreignObject width="1" height="1"><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>',
        '<p xmlns="http://www.w3.org/1999/xhtml">stray</p>',
    ],
)
def test_whatever_the_walk_changes_is_found(element: str) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="10" height="10">{element}</svg>'
    ).encode()
    assert svgrewrite._may_need_a_visit(svg)
    assert svgrewrite.rewrite_svg(svg, lambda href: _PNG_URI).changes


def test_a_plain_plot_is_not_walked() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<defs><path id="m" d="M0 0h1"/><clipPath id="p"><rect width="9" height="9"/></clipPath></defs>'
        b'<g clip-path="url(#p)" style="fill: none"><use xlink:href="#m" x="1"/><use href = "#m"/></g></svg>'
    )
    assert not svgrewrite._may_need_a_visit(svg)
    assert svgrewrite.rewrite_svg(svg, lambda href: _PNG_URI).data == svg
