from __future__ import annotations

from pathlib import Path

from export_post.reader import find_site_root


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
