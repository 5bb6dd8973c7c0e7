"""Front-matter metadata in every shape real themes write it: authors, and text fields that
arrive as lists, mappings, block scalars, numbers or with control characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from export_post import load_post
from export_post.model import Author


def post(tmp_path: Path, front: str, name: str = "2024-06-10-shapes.md") -> Path:
    path = tmp_path / "_posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\nBody text.\n", encoding="utf-8")
    return path


def names(count: int) -> list[str]:
    return [f"Author{i} Surname{i}" for i in range(1, count + 1)]


def list_of_strings(count: int) -> str:
    return "authors:\n" + "".join(f"  - {n}\n" for n in names(count))


def list_of_maps(count: int) -> str:
    return "authors:\n" + "".join(
        f"  - name: {n}\n    url: https://example.org/{i}\n    affiliations:\n      name: Univ {i}\n"
        for i, n in enumerate(names(count), start=1)
    )


def map_of_maps(count: int) -> str:
    return "author:\n" + "".join(f"  id{i}:\n    name: {n}\n" for i, n in enumerate(names(count), start=1))


def inline_list(count: int) -> str:
    return "author: [" + ", ".join(names(count)) + "]\n"


@pytest.mark.parametrize("count", [1, 3, 12])
@pytest.mark.parametrize("shape", [list_of_strings, list_of_maps, map_of_maps, inline_list])
def test_authors_keep_their_order_in_every_shape(tmp_path: Path, shape: object, count: int) -> None:
    assert callable(shape)
    doc = load_post(post(tmp_path, "title: T\n" + shape(count)))
    assert doc.meta.author_names == tuple(names(count))
    assert doc.meta.author == ", ".join(names(count))
    assert not [d for d in doc.diagnostics if d.code.startswith("front-matter")]


def test_one_author_as_text_or_mapping(tmp_path: Path) -> None:
    assert load_post(post(tmp_path, "title: T\nauthor: Ada Lovelace\n")).meta.authors == (
        Author(name="Ada Lovelace"),
    )
    doc = load_post(
        post(tmp_path, "title: T\nauthor:\n  name: Ada\n  url: https://ada.example\n  role: Editor\n")
    )
    assert doc.meta.authors == (Author(name="Ada", url="https://ada.example", role="Editor"),)


def test_author_details_are_kept_and_markup_removed(tmp_path: Path) -> None:
    front = (
        "title: T\nauthors:\n"
        "  - name: Andreas Kirsch\n    url: 'https://www.blackhc.net'\n"
        "    affiliations:\n      name: University of Oxford<sup>–2023</sup>\n"
        "  - name: Ada <ada@example.org>\n    affiliation: [Analytical Society, {name: Royal Society}]\n"
        "  - {given: Charles, family: Babbage}\n"
    )
    doc = load_post(post(tmp_path, front))
    assert doc.meta.authors == (
        Author(name="Andreas Kirsch", url="https://www.blackhc.net", affiliation="University of Oxford–2023"),
        Author(name="Ada", affiliation="Analytical Society; Royal Society"),
        Author(name="Charles Babbage"),
    )


def test_unusable_author_entries_are_left_out_with_a_warning(tmp_path: Path) -> None:
    front = "title: T\nauthors:\n  - Ada\n  - {url: https://x.example}\n  - [nested]\n  - 42\n  - null\n"
    doc = load_post(post(tmp_path, front))
    assert doc.meta.author_names == ("Ada", "42")
    codes = [d.code for d in doc.diagnostics]
    assert codes.count("front-matter-ignored") == 2 and codes.count("front-matter-coerced") == 1
    assert all(d.line == 3 for d in doc.diagnostics)


def test_an_empty_author_falls_back_to_authors_then_the_site(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("author:\n  name: Site Owner\n  email: o@example.org\n")
    assert load_post(post(tmp_path, "title: T\nauthor: ''\nauthors: [Bo]\n")).meta.author_names == ("Bo",)
    assert load_post(post(tmp_path, "title: T\nauthor: false\n")).meta.author_names == ("Site Owner",)


@pytest.mark.parametrize("key", ["description", "excerpt", "summary", "subtitle"])
def test_a_list_where_text_belongs_is_joined_with_a_warning(tmp_path: Path, key: str) -> None:
    doc = load_post(post(tmp_path, f"title: T\n{key}: [First part, second part]\n"))
    assert doc.meta.description == "First part second part"
    assert [(d.code, d.line) for d in doc.diagnostics] == [("front-matter-coerced", 3)]


def test_a_mapping_where_text_belongs_is_ignored_with_a_warning(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "title: T\ndescription: {a: 1}\nexcerpt: The excerpt\nlang: {code: en}\n"))
    assert doc.meta.description == "The excerpt"
    assert doc.meta.lang == "en"
    assert [d.code for d in doc.diagnostics] == ["front-matter-ignored", "front-matter-ignored"]


def test_excerpt_false_means_none(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "title: T\nexcerpt: false\n"))
    assert doc.meta.description == "" and not doc.diagnostics


def test_tags_as_a_mapping_are_ignored_with_a_warning(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "title: T\ntags: {a: 1}\n"))
    assert doc.meta.tags == () and [d.code for d in doc.diagnostics] == ["front-matter-ignored"]


def test_block_scalars_and_control_characters_become_one_clean_line(tmp_path: Path) -> None:
    front = (
        "title: |\n  A title\n  over two lines\n"
        'description: "Tab\\there, NEL\\x85, bell\\x07, \\u202eforced RTL"\n'
        'tags: ["a\\nb", "\\x7f"]\n'
    )
    meta = load_post(post(tmp_path, front)).meta
    assert meta.title == "A title over two lines"
    assert meta.description == "Tab here, NEL , bell, \u202eforced RTL\u202c"
    assert meta.tags == ("a b",)


def test_description_markdown_and_html_become_plain_text(tmp_path: Path) -> None:
    front = (
        "title: T\nsummary: |\n  [Hinge](http://hinge.co/) is *another* app.\n"
        "  Read <i>Transformers</i> & more.\n"
    )
    assert load_post(post(tmp_path, front)).meta.description == (
        "Hinge is another app. Read Transformers & more."
    )
