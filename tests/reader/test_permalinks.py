"""Where Jekyll publishes a post (``page.url``), as the reader records it in ``meta.url_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from export_post.reader import load_post
from export_post.reader.permalinks import slugify


def _site(tmp_path: Path, config: str, post: str, front: str = "") -> Path:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    path = tmp_path / post
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: T\n{front}---\n\nText.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("config", "post", "front", "expected"),
    [
        ("", "_posts/2024-06-10-first-post.md", "", "/2024/06/10/first-post.html"),
        (
            "",
            "blog/_posts/2024-06-10-a.md",
            "categories: [Notes, notes, Web Dev]\n",
            "/blog/notes/web%20dev/2024/06/10/a.html",
        ),
        ("permalink: pretty\n", "_posts/2024-06-10-a.md", "category: Rust\n", "/rust/2024/06/10/a/"),
        ("permalink: none\n", "_posts/2024-06-10-a.md", "", "/a.html"),
        ("permalink: ordinal\n", "_posts/2024-02-01-a.md", "", "/2024/032/a.html"),
        ("permalink: /:year/:i_month/:title/\n", "_posts/2024-06-01-a.md", "", "/2024/6/a/"),
        (
            "permalink: /:title:output_ext\n",
            "_posts/2024-06-10-a.md",
            "slug: Other_Name\n",
            "/Other_Name.html",
        ),
        ("", "_posts/2024-06-10-a.md", "permalink: /about/:year/x\n", "/about/2024/x"),
        ("baseurl: /blog/\n", "_posts/2024-06-10-a.md", "", "/blog/2024/06/10/a.html"),
        ("", "_posts/2024-06-10-a.md", "date: 2024-07-01 10:00:00\n", "/2024/07/01/a.html"),
        (
            "",
            "_posts/2020-06-28-키보드 입력.md",
            "",
            "/2020/06/28/%ED%82%A4%EB%B3%B4%EB%93%9C-%EC%9E%85%EB%A0%A5.html",
        ),
        (
            "permalink: date\ncollections:\n  posts:\n    permalink: /c/:name/\n",
            "_posts/2024-06-10-My_Post.md",
            "",
            "/c/my-post/",
        ),
        (
            "defaults:\n  - scope: {path: ''}\n    values: {permalink: /all/:title/}\n"
            "  - scope: {path: 'guides', type: posts}\n    values: {permalink: /g/:title/}\n",
            "guides/_posts/2024-06-10-a.md",
            "",
            "/g/a/",
        ),
        ("", "about.md", "", "/about.html"),
        ("permalink: pretty\n", "docs/index.md", "", "/docs/"),
    ],
)
def test_url_path_follows_jekyll_permalink_rules(
    tmp_path: Path, config: str, post: str, front: str, expected: str
) -> None:
    # The site root is given: found from the post, it would stop at the folder above _posts/.
    document = load_post(_site(tmp_path, config, post, front), site_root=tmp_path)
    assert document.meta.url_path == expected


def test_slugify_keeps_what_each_jekyll_mode_keeps() -> None:
    assert slugify("Hello_World, ça va?") == "hello-world-ça-va"
    assert slugify("Hello_World, ça va?", pretty=True, cased=True) == "Hello_World,-ça-va"
    assert slugify("ไทย ภาษา") == "ไทย-ภาษา"  # combining marks stay inside words
