"""``*`` emphasis as kramdown reads it: open where no space follows, close where none precedes."""

from __future__ import annotations

from pathlib import Path

import pytest

from export_post import load_post
from export_post.model import Code, Emph, Strong, Text
from export_post.model.walk import block_inlines, iter_blocks, iter_inlines
from tests.support import corpus_id, corpus_posts


def _inlines(path: Path) -> list[object]:
    blocks = iter_blocks(load_post(path).blocks)
    return [node for block in blocks for run in block_inlines(block) for node in iter_inlines(run)]


def _read(tmp_path: Path, body: str) -> list[object]:
    path = tmp_path / "post.md"
    path.write_text(f"---\ntitle: T\n---\n\n{body}\n", encoding="utf-8")
    return _inlines(path)


@pytest.mark.parametrize(
    ("body", "strong"),
    [
        ("위해 **인접행렬(Adjacency Matrix)**을 만들어야", "인접행렬(Adjacency Matrix)"),
        ("모니터 **[38GN950](https://example.com/)**을 살려고", "38GN950"),
        ("아이콘**⋯**을 클릭해", "⋯"),
        ("中文**（括号）**中文", "（括号）"),
        ("plain **bold** text", "bold"),
    ],
)
def test_bold_next_to_letters_and_punctuation(tmp_path: Path, body: str, strong: str) -> None:
    inlines = _read(tmp_path, body)
    bold = [node for node in inlines if isinstance(node, Strong)]
    words = ["".join(t.text for t in iter_inlines(b.children) if isinstance(t, Text)) for b in bold]
    assert words == [strong]
    assert not any("*" in node.text for node in inlines if isinstance(node, Text))


def test_what_kramdown_leaves_literal_stays_literal(tmp_path: Path) -> None:
    inlines = _read(tmp_path, r"a\*(b)*c, `x)**y` and 2 * 3 * 4")
    assert not any(isinstance(node, (Strong, Emph)) for node in inlines)
    text = "".join(node.text for node in inlines if isinstance(node, (Text, Code)))
    assert text == "a*(b)*c, x)**y and 2 * 3 * 4"


def test_single_star_emphasis_between_letters_and_brackets(tmp_path: Path) -> None:
    inlines = _read(tmp_path, "2*(a+b)*c")
    assert [type(node).__name__ for node in inlines if isinstance(node, (Strong, Emph))] == ["Emph"]


POSTS: list[Path | None] = [*corpus_posts()] or [None]


@pytest.mark.corpus
@pytest.mark.parametrize("post", POSTS, ids=[corpus_id(p) for p in POSTS])
def test_no_corpus_post_shows_a_pair_of_stars(post: Path | None) -> None:
    if post is None:
        pytest.skip("no corpus: set EXPORT_POST_CORPUS")
    texts = [n.text for n in _inlines(post) if isinstance(n, Text)]
    assert [t for t in texts if "**" in t] == []
