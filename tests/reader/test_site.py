from __future__ import annotations

from pathlib import Path

from export_post.reader import find_site_root, load_post


def test_config_folder_wins(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: x\n")
    post = tmp_path / "_posts" / "sub" / "p.md"
    post.parent.mkdir(parents=True)
    post.write_text("x")
    assert find_site_root(post) == tmp_path.resolve()


def test_posts_parent_without_config(tmp_path: Path) -> None:
    post = tmp_path / "site" / "_posts" / "p.md"
    post.parent.mkdir(parents=True)
    post.write_text("x")
    assert find_site_root(post) == (tmp_path / "site").resolve()


def test_nearest_rule_wins_over_a_config_further_up(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: outer\n")
    post = tmp_path / "inner" / "_posts" / "p.md"
    post.parent.mkdir(parents=True)
    post.write_text("x")
    assert find_site_root(post) == (tmp_path / "inner").resolve()


def test_loose_post_uses_its_folder(tmp_path: Path) -> None:
    post = tmp_path / "notes" / "p.md"
    post.parent.mkdir()
    post.write_text("x")
    assert find_site_root(post) == post.parent.resolve()


def test_a_relative_cover_path_is_the_sites_as_themes_print_it(tmp_path: Path) -> None:
    """``image: assets/x.jpg`` goes through ``relative_url`` in Jekyll themes: the site's
    file (as in the minimal-mistakes corpus post); a cover beside the post stays the post's."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "x.jpg").write_bytes(b"jpeg")
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "beside.jpg").write_bytes(b"jpeg")
    cases = {
        "assets/x.jpg": "/assets/x.jpg",
        "beside.jpg": "beside.jpg",
        "missing.jpg": "missing.jpg",
        "/assets/x.jpg": "/assets/x.jpg",
        "https://example.org/x.jpg": "https://example.org/x.jpg",
        "../assets/x.jpg": "../assets/x.jpg",
    }
    for index, (given, expected) in enumerate(cases.items()):
        post = posts / f"2024-01-0{index + 1}-p.md"
        post.write_text(f"---\ntitle: T\nimage: {given}\n---\nText.\n")
        assert load_post(post).meta.image == expected, given
