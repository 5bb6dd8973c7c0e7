from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from export_post import FrontMatterError, ReadError, load_post
from export_post.reader import parse_post


def post(tmp_path: Path, text: str, name: str = "2024-06-10-hello-world.md") -> Path:
    path = tmp_path / "_posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_fields_in_their_jekyll_shapes(tmp_path: Path) -> None:
    doc = load_post(
        post(
            tmp_path,
            "---\ntitle: Hello\ndescription: >\n  A folded\n  description\nauthor:\n  name: Ada\n"
            "tags: one two\ncategories: [a, b]\nlang: de\nheader:\n  overlay_image: /img/h.jpg\n"
            "custom: 1\n---\nBody\n",
        )
    )
    meta = doc.meta
    assert meta.title == "Hello"
    assert meta.description == "A folded description"
    assert meta.author_names == ("Ada",)
    assert meta.tags == ("one", "two")
    assert meta.categories == ("a", "b")
    assert meta.lang == "de"
    assert meta.image == "/img/h.jpg"
    assert meta.date == dt.date(2024, 6, 10)  # from the file name
    assert meta.slug == "hello-world"
    assert meta.extra == {"custom": 1}
    assert meta.site_root == tmp_path.resolve()


def test_image_mapping_and_jekyll_timestamp(tmp_path: Path) -> None:
    doc = load_post(
        post(tmp_path, "---\ntitle: T\nimage:\n  path: /a.jpg\ndate: 2024-02-03 10:00:00 +0100\n---\nx\n")
    )
    assert doc.meta.image == "/a.jpg"
    assert doc.meta.date == dt.datetime(2024, 2, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_missing_title_falls_back_to_the_slug_with_a_warning(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "No front matter at all.\n"))
    assert doc.meta.title == "Hello world"
    assert [d.code for d in doc.diagnostics] == ["title-missing"]


@pytest.mark.parametrize(
    ("front", "message", "line"),
    [
        ("title: ok\ndate: 2024-13-45\n", "front matter 'date': '2024-13-45' is not a valid date", 3),
        ("title: [a, b]\n", "front matter 'title': expected text, got a list", 2),
        ("a: &x [1]\ntitle: *x\n", "front matter 'title': expected text, got a list", 3),
        ("title: x\nx: !!python/object/apply:os.system ['true']\n", "front matter:", 3),
        ("- a\n- b\n", "must be a mapping", 2),
        ("title: 'unclosed\n", "front matter:", None),
    ],
)
def test_bad_front_matter_is_one_line_naming_file_field_and_line(
    tmp_path: Path, front: str, message: str, line: int | None
) -> None:
    path = post(tmp_path, f"---\n{front}---\nBody\n")
    with pytest.raises(FrontMatterError) as info:
        load_post(path)
    text = str(info.value)
    assert message in text
    assert text.startswith(str(path))
    assert "\n" not in text
    if line is not None:
        assert info.value.line == line


def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    path = post(tmp_path, "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\nx\n")
    with pytest.raises(FrontMatterError, match="nesting deeper"):
        load_post(path)


def test_scalars_are_coerced_to_text_with_a_warning(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "---\ntitle: 123\n---\nx\n"))
    assert doc.meta.title == "123"
    assert "front-matter-coerced" in [d.code for d in doc.diagnostics]


def test_unclosed_front_matter_is_body_with_a_warning(tmp_path: Path) -> None:
    doc = load_post(post(tmp_path, "---\ntitle: x\n\nBody text\n"))
    assert "front-matter-unclosed" in [d.code for d in doc.diagnostics]


def test_bom_crlf_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_bytes("\ufeff---\r\ntitle: Caf\u00e9\x00\r\n---\r\nText\x0c here\r\n".encode())
    doc = load_post(path)
    assert doc.meta.title == "Café"
    assert "\x0c" not in repr(doc.blocks)


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: x\n---\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(ReadError, match=r"latin1\.md:4: not valid UTF-8"):
        load_post(path)


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot read post"):
        load_post(tmp_path / "nope.md")


def test_site_config_supplies_liquid_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("url: https://blog.example\nbaseurl: /b\nlang: fr\nauthor: Zoé\n")
    doc = load_post(
        post(tmp_path, '---\ntitle: T\n---\n[home]({{ "/" | absolute_url }}) {{ site.baseurl }}\n')
    )
    assert doc.meta.lang == "fr"
    assert doc.meta.author_names == ("Zoé",)
    assert doc.meta.site_url == "https://blog.example/b"
    from export_post.model.dump import dump

    assert 'Link "https://blog.example/b/"' in dump(doc.blocks)


def test_parse_post_accepts_text(tmp_path: Path) -> None:
    doc = parse_post("---\ntitle: From text\n---\n# Hi\n", tmp_path / "x.md")
    assert doc.meta.title == "From text"
    assert doc.headings[0].id == "hi"


def test_anchors_aliases_and_merge_keys_of_real_themes(tmp_path: Path) -> None:
    front = (
        "title: Anchors\n"
        "header: &hdr\n  image: /assets/cover.jpg\n  teaser: /assets/teaser.jpg\n"
        "og_image: *hdr\n"
        "defaults: &d {lang: de, show: true}\n"
        "page: {<<: *d, extra: 1}\n"
        "tags: &t [a, b]\n"
        "keywords: *t\n"
    )
    doc = load_post(post(tmp_path, f"---\n{front}---\nBody\n"))
    assert doc.meta.image == "/assets/cover.jpg"
    assert doc.meta.tags == ("a", "b")
    assert doc.meta.extra["og_image"] == {"image": "/assets/cover.jpg", "teaser": "/assets/teaser.jpg"}
    assert doc.meta.extra["page"] == {"lang": "de", "show": True, "extra": 1}
    assert doc.meta.extra["keywords"] == ["a", "b"]


def _laughs(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"[: levels + 1]
    lines += [f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]" for a, b in itertools.pairwise(names)]
    return "\n".join([*lines, f"title: *{names[-1]}"]) + "\n"


@pytest.mark.parametrize(
    ("front", "problem", "line"),
    [
        (_laughs(8), "once aliases are expanded", 6),  # billion laughs: stops at *d
        ("title: x\nbig: &b '" + "y" * 100_000 + "'\nmore: [*b, *b, *b]\n", "once aliases are expanded", 4),
        ("title: x\nloop: &l [1, *l]\n", "alias *l refers to itself", 3),
        ("title: x\nd: &d " + "[" * 15 + "]" * 15 + "\nuse: [[[[[[[[*d]]]]]]]]\n", "nests deeper than 20", 4),
        ("title: *nowhere\n", "found undefined alias", 2),
    ],
)
def test_alias_expansion_is_bounded_while_loading(
    tmp_path: Path, front: str, problem: str, line: int
) -> None:
    path = post(tmp_path, f"---\n{front}---\nBody\n")
    with pytest.raises(FrontMatterError) as info:
        load_post(path)
    text = str(info.value)
    assert problem in text and text.startswith(str(path)) and "\n" not in text
    assert info.value.line == line


def test_aliases_expanding_within_the_bound_load(tmp_path: Path) -> None:
    front = _laughs(3).replace("title: *d", "title: Laughs\nlaughs: *d")  # 9**4 = 6,561 values
    doc = load_post(post(tmp_path, f"---\n{front}---\nBody\n"))
    laughs = doc.meta.extra["laughs"]
    assert isinstance(laughs, list) and len(laughs) == 9 and laughs[0][0][0][0] == "lol"
