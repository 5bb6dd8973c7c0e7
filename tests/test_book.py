"""Books of many posts (issue #16): book.yml, order and parts, cross-post links in EPUB, PDF
and HTML, the typeset cover, unique ids, footnotes per chapter, repeat builds."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from export_post.book import export_book, parse_book_config, read_book_config
from export_post.book.assemble import Source, assemble_book, read_documents
from export_post.cli import main
from export_post.errors import BookConfigError, ReadError
from export_post.model.book import Book

from .support import epub_text, epubcheck, html_text, missing_words, pdf_text, source_words

FIXTURE = Path(__file__).parent / "fixtures" / "book-site"
EPOCH = 1_700_000_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site, with the picture two posts share."""
    root = tmp_path_factory.mktemp("book") / "site"
    shutil.copytree(FIXTURE, root)
    (root / "assets").mkdir()
    Image.new("RGB", (64, 40), (200, 80, 40)).save(root / "assets" / "shared.png")
    return root


def _book(site: Path, config: dict[str, object] | None = None, order: str = "") -> Book:
    posts = sorted((site / "_posts").glob("*.md"))
    documents = read_documents(Source(p) for p in posts)
    return assemble_book(documents, parse_book_config(config or {}), order=order)


def _titles(book: Book) -> list[str]:
    return [c.title for c in book.chapters]


# ------------------------------------------------------------------ book.yml and order


def test_chapters_are_in_date_order_oldest_first_or_newest_first(site: Path) -> None:
    assert _titles(_book(site)) == ["Getting started", "Going deeper", "An aside"]
    assert _titles(_book(site, order="newest")) == ["An aside", "Going deeper", "Getting started"]
    assert _titles(_book(site, {"order": "newest"}, order="oldest")) == [
        "An aside",
        "Going deeper",
        "Getting started",
    ]


def test_posts_list_gives_the_order_and_parts_group_the_chapters(site: Path) -> None:
    book = _book(site, {"posts": ["aside", "2024-01-10-start.md"]})
    assert _titles(book) == ["An aside", "Getting started"]
    book = _book(
        site,
        {
            "preface": "aside",
            "parts": [
                {"title": "Basics", "posts": ["_posts/2024-02-20-deeper.md", "start"]},
            ],
        },
    )
    assert book.preface is not None and book.preface.title == "An aside"
    assert [(p.title, [c.title for c in p.chapters]) for p in book.parts] == [
        ("Basics", ["Going deeper", "Getting started"])
    ]
    chapter = book.parts[0].chapters[0]
    assert chapter.level == 2  # under a part title
    assert {b.level for b in chapter.document.blocks if hasattr(b, "level")} == {3}


def test_posts_are_selected_by_category_or_tag(site: Path) -> None:
    assert _titles(_book(site, {"categories": ["guide"]})) == ["Getting started", "Going deeper"]
    assert _titles(_book(site, {"tags": ["INTRO"]})) == ["Getting started", "An aside"]
    book = _book(
        site,
        {"parts": [{"title": "Notes", "categories": ["notes"]}, {"title": "Deep", "tags": ["advanced"]}]},
    )
    assert [[c.title for c in p.chapters] for p in book.parts] == [["An aside"], ["Going deeper"]]


def test_metadata_comes_from_book_yml_then_config_then_posts(site: Path) -> None:
    book = _book(site)
    assert (book.meta.title, book.meta.authors, book.meta.description) == (
        "The Example Blog",
        ("Ada Writer",),
        "Notes on examples, collected",
    )
    assert book.meta.source_url == "https://blog.example.com/blog"
    book = _book(site, {"title": "A Book", "author": ["Someone", "Else"], "language": "de"})
    assert (book.meta.title, book.meta.authors, book.meta.lang) == ("A Book", ("Someone", "Else"), "de")
    chapters = {c.title: c for c in book.chapters}
    assert chapters["An aside"].show_author  # a guest: named at the chapter


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: T\ncolour: red\n", "book.yml:2: unknown key 'colour'"),
        ("title: [a, b]\n", "book.yml:1: 'title' must be text, not a list"),
        ("posts: {a: 1}\n", "book.yml:1: 'posts' must be a list of text, not a mapping"),
        ("order: sideways\n", "book.yml:1: 'order' must be oldest or newest"),
        ("parts:\n  - posts: [start]\n", "book.yml:1: 'parts[1]' has no title"),
        ("parts:\n  - title: A\n    color: x\n", "book.yml:1: unknown key 'parts[1].color'"),
        ("title: [unclosed\n", "book.yml:"),
    ],
)
def test_a_bad_book_yml_is_one_line_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "book.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BookConfigError) as caught:
        read_book_config(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_post_named_in_book_yml_must_be_among_the_posts(site: Path) -> None:
    with pytest.raises(BookConfigError, match="'posts' names 'nowhere', which is not among the posts given"):
        _book(site, {"posts": ["nowhere"]})
    with pytest.raises(BookConfigError, match="twice"):
        _book(site, {"posts": ["start", "2024-01-10-start"]})


# ------------------------------------------------------------------ the three formats


@pytest.fixture(scope="module")
def built(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("book-out")
    results = export_book([site], ["epub", "pdf", "html"], out, source_date_epoch=EPOCH)
    assert [r.error for r in results] == [None, None, None]
    return {r.format: r.output for r in results if r.output is not None}


def _ids_and_hrefs(markup: str) -> tuple[list[str], list[str]]:
    return re.findall(r'\sid="([^"]+)"', markup), re.findall(r'\shref="([^"]+)"', markup)


def test_html_book_links_between_posts_become_links_to_chapters(built: dict[str, Path]) -> None:
    markup = built["html"].read_text(encoding="utf-8")
    ids, hrefs = _ids_and_hrefs(markup)
    assert len(ids) == len(set(ids))  # the two "Setup" headings and the two notes 1 do not collide
    internal = [h[1:] for h in hrefs if h.startswith("#")]
    assert [h for h in internal if h not in ids] == []  # 0 broken internal links
    start = markup.split('id="ch1"', 1)[1].split('id="ch2"', 1)[0]
    assert 'href="#ch2-details">next part' in start  # {% post_url %}#fragment
    assert 'href="#ch3">aside' in start  # the post's absolute URL on the site
    assert 'href="#ch1-setup">setup section' in start  # in-post link keeps its chapter
    assert 'href="https://example.org/"' in start
    deeper = markup.split('id="ch2"', 1)[1].split('id="ch3"', 1)[0]
    assert 'href="#ch1">back to the start' in deeper  # relative link to the post file
    assert 'href="#ch1">home' in deeper  # {% link _posts/… %} under baseurl
    assert 'href="#ch2-setup">back' in markup  # a site path under baseurl, with its heading
    assert {"ch1-fn-1", "ch2-fn-1"} <= set(ids)  # notes numbered per chapter
    assert markup.count("data:image/png;base64,") == 1  # the shared picture stored once


def test_links_to_posts_outside_the_book_stay_web_links(site: Path, tmp_path: Path) -> None:
    [result] = export_book([site], ["html"], tmp_path, config={"categories": ["guide"]})
    markup = result.output.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert 'href="https://blog.example.com/blog/notes/2024/03/05/aside.html">aside' in markup
    ids, hrefs = _ids_and_hrefs(markup)
    assert [h for h in hrefs if h.startswith("#") and h[1:] not in ids] == []


def test_epub_book_passes_epubcheck_and_links_resolve_across_files(built: dict[str, Path]) -> None:
    assert epubcheck(built["epub"]) == []
    with zipfile.ZipFile(built["epub"]) as z:
        files = {
            n.removeprefix("EPUB/"): z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")
        }
        pictures = [n for n in z.namelist() if n.startswith("EPUB/images/")]
    ids = {name: set(_ids_and_hrefs(text)[0]) for name, text in files.items()}
    broken = []
    for name, text in files.items():
        for href in _ids_and_hrefs(text)[1]:
            if href.startswith(("http", "mailto:", "../")) or href.endswith(".css"):
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            if target not in files or (fragment and fragment not in ids[target]):
                broken.append(f"{name}: {href}")
    assert broken == []
    assert 'href="ch2.xhtml#ch2-details"' in files["ch1.xhtml"]
    assert 'href="ch3.xhtml"' in files["ch1.xhtml"]
    nav = files["nav.xhtml"]
    assert all(title in nav for title in ("Getting started", "Going deeper", "An aside", "Details"))
    assert 'epub:type="landmarks"' in nav
    assert "cover-title" in files["cover.xhtml"]  # no cover picture: a typeset cover
    assert len(pictures) == 1  # the shared picture stored once


def _contents_numbers(pdf: Path) -> dict[str, int]:
    """Title -> the page number the contents pages print for it."""
    from pypdf import PdfReader

    found: dict[str, int] = {}
    for page in PdfReader(pdf).pages[:6]:
        for line in (page.extract_text() or "").splitlines():
            m = re.match(r"^(.+?)\s*(?:\.\s*){2,}(\d+)\s*$", line.strip())
            if m:
                found.setdefault(m[1].strip(), int(m[2]))
    return found


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark."""
    from pypdf import PdfReader
    from pypdf.generic import Destination

    reader = PdfReader(pdf)
    out: list[tuple[int, str, int]] = []

    def walk(items: Sequence[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item)
                out.append((depth, str(item.title), (page or 0) + 1))

    walk(reader.outline, 0)
    return out


def test_pdf_book_contents_page_numbers_match_the_outline(built: dict[str, Path]) -> None:
    numbers = _contents_numbers(built["pdf"])
    outline = _outline(built["pdf"])
    chapters = [(title, page) for depth, title, page in outline if depth == 0]
    assert [t for t, _ in chapters] == ["Getting started", "Going deeper", "An aside"]
    for title, page in chapters:
        assert numbers[title] == page, title
    nested = [(title, page) for depth, title, page in outline if depth == 1]
    assert ("Details", numbers["Details"]) in nested  # a post's heading under its chapter
    from pypdf import PdfReader

    first = PdfReader(built["pdf"]).pages[0].extract_text() or ""
    assert "The Example Blog" in first and "Ada Writer" in first  # the typeset cover


def test_pdf_book_cross_post_links_are_internal(built: dict[str, Path]) -> None:
    from pypdf import PdfReader

    uris, internal = [], 0
    for page in PdfReader(built["pdf"]).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
            elif annot.get_object().get("/Dest") is not None or action is not None:
                internal += 1
    assert "https://example.org/" in uris
    posts = [u for u in uris if u.startswith("https://blog.example.com/blog/")]
    assert posts == []  # every link to a post of the book is inside it (the site's home stays)
    assert internal >= 5 + 6  # contents entries and the cross-post links


def test_every_word_of_every_post_is_in_each_book(site: Path, built: dict[str, Path]) -> None:
    expected = [w for post in sorted((site / "_posts").glob("*.md")) for w in source_words(post)]
    assert missing_words(expected, epub_text(built["epub"])) == []
    assert missing_words(expected, pdf_text(built["pdf"])) == []
    assert missing_words(expected, html_text(built["html"].read_text(encoding="utf-8"))) == []


def test_a_book_yml_cover_picture_is_the_cover(site: Path, tmp_path: Path) -> None:
    config = {"title": "With a cover", "cover": "/assets/shared.png"}
    epub_result, html_result = export_book([site], ["epub", "html"], tmp_path, config=config)
    with zipfile.ZipFile(epub_result.output) as z:  # type: ignore[arg-type]
        cover = z.read("EPUB/cover.xhtml").decode("utf-8")
        opf = z.read("EPUB/content.opf").decode("utf-8")
    assert "<img" in cover and "cover-title" not in cover
    assert 'properties="cover-image"' in opf
    assert 'class="book-cover picture"' in html_result.output.read_text(encoding="utf-8")  # type: ignore[union-attr]


def test_a_repeat_build_is_byte_identical(site: Path, built: dict[str, Path], tmp_path: Path) -> None:
    again = export_book([site], ["epub", "pdf", "html"], tmp_path, source_date_epoch=EPOCH)
    for result in again:
        assert result.output is not None
        assert result.output.read_bytes() == built[result.format].read_bytes(), result.format


# ------------------------------------------------------------------ command line


def test_cli_book_of_slides_is_a_usage_error(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(site), "--book", "-f", "pptx", "-o", f"{tmp_path}/"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'pptx' cannot make a book" in err
    assert list(tmp_path.iterdir()) == []
    assert main([str(site), "--book-order", "newest"]) == 2
    assert main([str(site), "--book", "-f", "all", "-o", f"{tmp_path}/all/"]) == 0  # the book formats
    assert sorted(p.suffix for p in (tmp_path / "all").iterdir()) == [".epub", ".html", ".pdf"]


def test_cli_book_writes_one_file(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "my.html"
    assert main([str(site), "--book", "-f", "html", "-o", str(target), "--book-order", "newest"]) == 0
    text = html_text(target.read_text(encoding="utf-8"))
    assert text.index("An aside") < text.index("Getting started")
    assert f"wrote {target}" in capsys.readouterr().out


def test_a_bad_book_yml_next_to_the_posts_is_a_usage_error(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "book.yml").write_text("title: T\nchapters: [a]\n", encoding="utf-8")
    assert main([str(copy), "--book", "-f", "html", "-o", f"{tmp_path}/out/"]) == 2
    assert "book.yml:2: unknown key 'chapters'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_single_post_shows_the_text_of_a_link_to_another_post(site: Path) -> None:
    from export_post import load_post, render

    document = load_post(site / "_posts" / "2024-02-20-deeper.md")
    markup = render(document, "html").decode("utf-8")
    assert "Go back to the start or home." in html_text(markup)
    assert 'href=""' not in markup and "_posts" not in markup
    assert "liquid-tag-removed" not in {d.code for d in document.diagnostics}  # the post exists


def test_strict_fails_the_book_on_a_warning_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "_posts" / "2024-04-01-loose.md").write_text(
        "---\ntitle: Loose\n---\n{% include x.html %}\nText.\n"
    )
    out = tmp_path / "out"
    [result] = export_book([copy], ["html"], out, strict=True)
    assert (
        result.error is not None and "strict mode" in result.error and "2024-04-01-loose.md:4" in result.error
    )
    assert not out.exists() or list(out.iterdir()) == []
    [result] = export_book([copy], ["html"], out)
    assert result.ok and any(d.code == "liquid-tag-removed" for d in result.diagnostics)


def test_pdf_book_stores_a_shared_picture_once(built: dict[str, Path]) -> None:
    from pypdf import PdfReader

    images = set()
    for page in PdfReader(built["pdf"]).pages:
        resources: Any = page["/Resources"].get_object()
        for ref in resources.get("/XObject", {}).get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                images.add(ref.idnum)
    assert len(images) == 1  # shown by two chapters, stored once


def test_a_book_yml_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "book.yml"
    os.mkfifo(fifo)  # opening it would block
    with pytest.raises(ReadError, match=r"book\.yml: refused book file: not a regular file"):
        read_book_config(fifo)
    big = tmp_path / "big.yml"
    big.write_text("title: x\n" + "#" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(BookConfigError, match="larger than"):
        read_book_config(big)


def test_a_cover_outside_the_site_is_refused_and_the_cover_is_typeset(site: Path, tmp_path: Path) -> None:
    [result] = export_book([site], ["html"], tmp_path, config={"cover": "../../../../etc/passwd"})
    markup = result.output.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert 'class="book-cover typeset"' in markup and "root:" not in markup
    assert [(d.code, d.path) for d in result.diagnostics if d.code.startswith("image")] == [
        ("image-outside-root", site)
    ]
