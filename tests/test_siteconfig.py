"""A site's ``export_post:`` section of ``_config.yml``: the command line's defaults."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from export_post.cli import build_parser, main
from export_post.siteconfig import keys_table, settable_options

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts/2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nAlpha.\n")
    return site


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def configure(site: Path, section: str) -> None:
    (site / "_config.yml").write_text("title: Blog\nexport_post:\n" + section)


def test_the_section_gives_defaults_and_the_command_line_wins(
    blog: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    configure(blog, "  format: [pdf, html]\n  output: _site/downloads/\n  page_size: A5\n  slide-level: 2\n")
    monkeypatch.chdir(tmp_path)  # paths are the _config.yml's, wherever the command runs
    code, _out, err = run(str(blog), "-j", "1")
    assert (code, err) == (0, "")
    downloads = blog / "_site/downloads"
    assert sorted(p.name for p in downloads.glob("2024*")) == ["2024-01-01-a.html", "2024-01-01-a.pdf"]
    width, height = (float(v) for v in PdfReader(downloads / "2024-01-01-a.pdf").pages[0].mediabox[2:])
    assert (round(width), round(height)) == (420, 595)  # A5; slide-level is a pptx option: unused
    code, _out, err = run(str(blog), "-f", "epub", "-o", f"{tmp_path}/mine/")
    assert (code, err) == (0, "")
    assert [p.name for p in (tmp_path / "mine").glob("*.epub")] == ["2024-01-01-a.epub"]
    assert not list(downloads.glob("*.epub"))


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("  formt: [pdf]\n", "unknown key 'formt' (allowed: allow-http, allow-remote, book, book-config, "),
        ("  strict: 1\n", "strict: must be true or false, not 1"),
        ("  page-size: B5\n", "page-size: must be one of A4, letter, A5, not 'B5'"),
        ("  jobs: two\n", "jobs: must be a number, not 'two'"),
        ("  theme: [serif]\n", "theme: must be text, not a list"),
        ("  - pdf\n", "export_post: must be a mapping of option names to values"),
    ],
)
def test_a_wrong_key_or_value_is_one_line_naming_the_file_and_key(
    blog: Path, section: str, problem: str
) -> None:
    configure(blog, section)
    code, out, err = run(str(blog / "_posts/2024-01-01-a.md"), "-f", "html")
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert err.startswith(f"export-post: error: {blog.resolve() / '_config.yml'}: export_post: ")
    assert problem in err
    assert not list(blog.rglob("*.html"))


def test_every_long_option_is_a_key_and_docs_list_them() -> None:
    parser = build_parser()
    keys = set(settable_options(parser))
    assert {"format", "output", "theme", "page-size", "slide-level", "allow-remote", "links"} <= keys
    assert not keys & {
        "help",
        "version",
        "list-formats",
        "list-themes",
        "stop-servers",
        "allow-host",
        "watch",
    }
    assert keys_table(parser) in (DOCS / "cli.md").read_text(), "regenerate the table with keys_table()"
