"""``--links``: the site's data file lists each post's URL and the outputs written for it."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from export_post.batch.buildcache import MANIFEST_NAME
from export_post.cli import main
from export_post.reader import load_post

from .support import corpus_roots, require_corpora

SITE = "Elfsong__elfsong.github.io"  # two posts: a Japanese title, categories, dates with times


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.corpus
def test_the_links_of_a_corpus_site_match_the_outputs_written(tmp_path: Path) -> None:
    require_corpora()
    source = next((root / SITE for root in corpus_roots() if (root / SITE).is_dir()), None)
    if source is None:
        pytest.skip(f"{SITE} is not in the corpus")
    site = tmp_path / "site"
    shutil.copytree(source, site)
    (site / "_config.yml").write_text(
        "baseurl: /blog\npermalink: /:year/:title/\n"
        "export_post:\n  format: [html, epub]\n  output: _site/downloads/\n  links: _data/exports.json\n"
    )
    code, _out, err = run(str(site))
    assert code == 0, err
    links = json.loads((site / "_data/exports.json").read_text(encoding="utf-8"))
    posts = sorted((site / "_posts").glob("*.md"))
    assert sorted(links) == sorted(load_post(post).meta.url_path for post in posts)
    assert "/blog/2026/multi_head_attention/" in links
    downloads = site / "_site/downloads"
    listed = {}
    for url, entry in links.items():
        assert entry["url"] == url and entry["source"].startswith("_posts/")
        assert [o["format"] for o in entry["outputs"]] == ["html", "epub"]
        for output in entry["outputs"]:
            assert output["path"].startswith("/blog/downloads/")
            listed[unquote(output["path"].removeprefix("/blog/downloads/"))] = output["size"]
    written = {p.name: p.stat().st_size for p in downloads.iterdir() if p.name != MANIFEST_NAME}
    assert listed == written and len(written) == 2 * len(posts)


def test_yaml_links_an_output_outside_the_site_has_no_path(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: T\n")
    (site / "_posts/2024-06-10-a.md").write_text("---\ntitle: A\n---\n\nAlpha.\n")
    links = site / "_data/exports.yml"
    code, _out, err = run(str(site), "-f", "html", "-o", f"{tmp_path}/out/", "--links", str(links))
    assert code == 0, err
    document = yaml.safe_load(links.read_text(encoding="utf-8"))
    size = (tmp_path / "out/2024-06-10-a.html").stat().st_size
    assert document == {
        "/2024/06/10/a.html": {
            "title": "A",
            "url": "/2024/06/10/a.html",
            "source": "_posts/2024-06-10-a.md",
            "outputs": [{"format": "html", "media_type": "text/html", "size": size, "path": None}],
        }
    }


def test_a_links_file_jekyll_cannot_read_is_a_usage_error(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_text("---\ntitle: A\n---\n\nAlpha.\n")
    code, _out, err = run(str(post), "-f", "html", "--links", str(tmp_path / "links.txt"))
    assert code == 2 and "should end in .json, .yml or .yaml" in err
    assert not (tmp_path / "a.html").exists()
