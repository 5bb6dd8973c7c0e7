from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image, features

from export_post.diagnostics import Reporter, Severity
from export_post.resources import ResourcePolicy, ResourceResolver


def png(path: Path, size: tuple[int, int] = (4, 3), mode: str = "RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, "white").save(path, "PNG")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    site = tmp_path / "site"
    posts = site / "_posts"
    posts.mkdir(parents=True)
    secret = tmp_path / "secret"
    secret.mkdir()
    png(site / "assets" / "ok.png")
    png(secret / "canary.png")
    return site, posts, secret


def resolver(site: Path, posts: Path, **policy: object) -> tuple[ResourceResolver, Reporter]:
    reporter = Reporter()
    return (
        ResourceResolver(post_dir=posts, site_root=site, policy=ResourcePolicy(**policy), reporter=reporter),  # type: ignore[arg-type]
        reporter,
    )


def test_site_absolute_and_relative_paths(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    r, rep = resolver(site, posts)
    a = r.image("/assets/ok.png")
    b = r.image("../assets/ok.png")
    assert a is not None and b is not None and a.digest == b.digest
    assert (a.media_type, a.width, a.height) == ("image/png", 4, 3)
    assert a.name.endswith(".png") and "ok" not in a.name  # generated, not taken from the post
    assert rep.diagnostics == ()


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("/etc/passwd", "image-not-found"),  # site-root relative, so it is <site>/etc/passwd
        ("../../secret/canary.png", "image-outside-root"),
        ("%2e%2e/%2e%2e/secret/canary.png", "image-outside-root"),
        ("..%2f..%2fsecret%2fcanary.png", "image-outside-root"),
        ("%252e%252e/%252e%252e/secret/canary.png", "image-outside-root"),
        ("file:///etc/passwd", "image-refused"),
        ("C:\\Windows\\win.ini", "image-refused"),
        ("\\\\host\\share\\x.png", "image-refused"),
        ("https://example.com/x.png", "image-remote-disabled"),
        ("//example.com/x.png", "image-remote-disabled"),
        ("data:image/png;base64,AAAA", "image-corrupt"),
        ("data:text/html;base64,PHNjcmlwdD4=", "image-refused"),
        ("nope.png", "image-not-found"),
    ],
)
def test_refusals_are_coded_warnings(layout: tuple[Path, Path, Path], ref: str, code: str) -> None:
    site, posts, _ = layout
    r, rep = resolver(site, posts)
    assert r.image(ref, line=7) is None
    assert [(d.code, d.line) for d in rep.diagnostics] == [(code, 7)]


def test_symlinks_escaping_the_site_are_refused_in_tree_ones_work(layout: tuple[Path, Path, Path]) -> None:
    site, posts, secret = layout
    (site / "assets" / "logo.png").symlink_to(secret / "canary.png")
    (site / "assets" / "root").symlink_to("/")
    (site / "assets" / "alias.png").symlink_to(site / "assets" / "ok.png")
    r, rep = resolver(site, posts)
    assert r.image("/assets/logo.png") is None
    assert r.image("/assets/root/etc/hostname") is None
    assert r.image("/assets/alias.png") is not None
    assert [d.code for d in rep.diagnostics] == ["image-outside-root", "image-outside-root"]


def test_directories_and_fifos_are_not_images(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    os.mkfifo(site / "assets" / "pipe.png")
    r, rep = resolver(site, posts)
    assert r.image("/assets") is None
    assert r.image("/assets/pipe.png") is None
    assert {d.code for d in rep.diagnostics} == {"image-refused"}


def test_pixel_cap_refuses_decompression_bombs(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    png(site / "assets" / "bomb.png", (6000, 6000), mode="1")
    r, rep = resolver(site, posts, max_pixels=10_000_000)
    assert r.image("/assets/bomb.png") is None
    assert [d.code for d in rep.diagnostics] == ["image-too-large"]


def test_corrupt_and_fake_images(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    good = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(good, "JPEG")
    (site / "assets" / "trunc.jpg").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    (site / "assets" / "fake.png").write_text("not an image")
    r, rep = resolver(site, posts)
    assert r.image("/assets/trunc.jpg") is None
    assert r.image("/assets/fake.png") is None
    assert [d.code for d in rep.diagnostics] == ["image-corrupt", "image-corrupt"]


def test_bmp_becomes_png_and_svg_gets_its_size(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    Image.new("RGB", (5, 5)).save(site / "assets" / "a.bmp", "BMP")
    (site / "assets" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"/>')
    r, _ = resolver(site, posts)
    bmp, svg = r.image("/assets/a.bmp"), r.image("/assets/a.svg")
    assert bmp is not None and bmp.media_type == "image/png"
    assert svg is not None and (svg.media_type, svg.width, svg.height) == ("image/svg+xml", 200, 100)


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot decode AVIF")
def test_avif_becomes_jpeg_or_png_with_transparency(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    Image.effect_noise((64, 48), 40).convert("RGB").save(site / "assets" / "photo.avif")
    Image.new("RGBA", (8, 8), (255, 0, 0, 128)).save(site / "assets" / "clear.avif")
    r, rep = resolver(site, posts)
    photo, clear = r.image("/assets/photo.avif"), r.image("/assets/clear.avif")
    assert photo is not None and (photo.media_type, photo.width, photo.height) == ("image/jpeg", 64, 48)
    assert clear is not None and clear.media_type == "image/png"
    assert Image.open(io.BytesIO(clear.data)).mode == "RGBA"
    assert rep.diagnostics == ()


def test_each_reference_is_resolved_and_reported_once(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    r, rep = resolver(site, posts)
    for _ in range(3):
        r.image("missing.png")
    assert len(rep.diagnostics) == 1
    assert r.resources == ()


def test_site_url_prefix_maps_to_local_files(tmp_path: Path) -> None:
    png(tmp_path / "assets" / "x.png")
    r = ResourceResolver(post_dir=tmp_path, site_root=tmp_path, site_url="https://blog.example/base")
    assert r.image("https://blog.example/base/assets/x.png") is not None
    assert r.image("/base/assets/x.png") is not None


def test_reader_diagnostics_are_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from export_post import load_post, render

    post = tmp_path / "p.md"
    post.write_text("No title here.\n")
    with caplog.at_level("WARNING", logger="export_post"):
        render(load_post(post), "html")
    assert [r.getMessage().count("title-missing") for r in caplog.records] == [1]


def test_the_library_never_configures_the_host_logging(tmp_path: Path) -> None:
    import logging

    from export_post import load_post, render

    post = tmp_path / "m.md"
    post.write_text("Inline $$ x^2 $$.\n\n$$\n\\sum_{k=1}^n k\n$$\n")
    root = logging.getLogger()
    before = list(root.handlers)
    for fmt in ("pdf", "epub", "html", "pptx"):
        render(load_post(post), fmt)
    assert root.handlers == before


def test_data_uris_and_unsupported_formats(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2)).save(buffer, "PNG")
    import base64

    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    (site / "assets" / "a.eps").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")
    (site / "assets" / "a.avif").write_bytes(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf")
    r, rep = resolver(site, posts)
    embedded = r.image(uri)
    assert embedded is not None and (embedded.width, embedded.height) == (3, 2)
    assert r.image("/assets/a.eps") is None and r.image("/assets/a.avif") is None
    assert [(d.code, d.message.split(" is ")[1]) for d in rep.diagnostics] == [
        ("image-format", "PostScript/EPS; not supported"),
        ("image-format", "AVIF/HEIF; not supported"),
    ]


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        # Plain-text entities (as Illustrator declares) are expanded; these never are.
        (
            '<!DOCTYPE svg [<!ENTITY a "xx"><!ENTITY b "&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
            "XML entities",
        ),
        (
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "XML entities",
        ),
        ('<!DOCTYPE svg [<!ENTITY % p "x">]><svg xmlns="http://www.w3.org/2000/svg"/>', "XML entities"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><defs><g id="a0"><rect/></g>'
            + "".join(f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * 4 + "</g>" for i in range(1, 10))
            + '</defs><use href="#a9"/></svg>',
            "expand to more than",
        ),
    ],
)
def test_unsafe_svgs_are_refused(layout: tuple[Path, Path, Path], svg: str, reason: str) -> None:
    site, posts, _ = layout
    (site / "assets" / "x.svg").write_text(svg)
    r, rep = resolver(site, posts)
    assert r.image("/assets/x.svg") is None
    assert reason in rep.diagnostics[0].message


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><rect ONCLICK="x()" onmousemove="y()"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ev="http://www.w3.org/2001/xml-events">'
        '<ev:listener event="click" handler="#h"/><handler id="h">alert(1)</handler><rect/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml">'
        "<h:script>alert(1)</h:script><rect/></svg>",
    ],
)
def test_svg_scripts_and_event_handlers_are_removed(layout: tuple[Path, Path, Path], svg: str) -> None:
    """A picture never runs its scripts (gnuplot's interactive SVGs carry them): they are
    removed and the drawing kept; svg_problem still refuses any that would remain."""
    from export_post.resources.svgcheck import svg_problem

    assert svg_problem(svg.encode()) is not None
    site, posts, _ = layout
    (site / "assets" / "x.svg").write_text(svg)
    r, rep = resolver(site, posts)
    found = r.image("/assets/x.svg")
    assert found is not None and b"<rect" in found.data
    assert not re.search(rb"script|alert|handler|listener|\bon\w+=", found.data, re.I), found.data
    assert not rep.warnings


@pytest.mark.parametrize(
    ("svg", "warning"),
    [
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            "'file:' scheme",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="../../../etc/passwd"/></svg>',
            "outside the site",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/x.png"/></svg>', "remote"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>', None),
        ('<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>', None),
    ],
)
def test_svg_references_to_other_files_are_removed_not_followed(
    layout: tuple[Path, Path, Path], svg: str, warning: str | None
) -> None:
    """What an SVG would load from elsewhere is left out (a refused picture with a warning);
    the drawing itself is kept. (Before, the whole SVG was refused.)"""
    site, posts, _ = layout
    (site / "assets" / "x.svg").write_text(svg)
    r, rep = resolver(site, posts)
    found = r.image("/assets/x.svg")
    assert found is not None
    assert not re.search(rb"passwd|https:|x\.css|other\.svg", found.data), found.data
    warnings = [d.message for d in rep.warnings]
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warning in warnings[0] and "(in SVG '/assets/x.svg')" in warnings[0]
    assert [d.code for d in rep.diagnostics if d.severity is Severity.INFO] == ["svg-rewritten"]


def test_inline_svg_becomes_a_checked_figure(tmp_path: Path) -> None:
    from export_post import load_post, render
    from export_post.model import Figure

    post = tmp_path / "s.md"
    post.write_text('<svg viewBox="0 0 20 10"><title>A bar</title><rect width="20" height="10"/></svg>\n')
    doc = load_post(post)
    figure = doc.blocks[0]
    assert isinstance(figure, Figure) and figure.image.alt == "A bar"
    assert figure.image.src.startswith("data:image/svg+xml;base64,")
    from pptx import Presentation

    deck = Presentation(io.BytesIO(render(doc, "pptx")))
    assert any(sh.shape_type == 13 for slide in deck.slides for sh in slide.shapes)  # rasterised


@pytest.mark.parametrize(
    "ref",
    [
        "\\assets\\ok.png",  # backslashes are slashes in http(s) URLs
        "/assets\\ok.png",
        " /assets/ok.png\t",  # leading and trailing spaces and controls are dropped
        "/as\nsets/o\tk.png",  # tabs and newlines anywhere vanish
        "/assets/./sub/../ok.png",
        "/assets/%2e/ok.png",
        "/assets/%6Fk.png",
        "/assets/ok.png?v=3",  # query and fragment never name the file
        "/assets/ok.png#top",
        "/../../assets/ok.png",  # ".." stops at the site root, as it stops at a host's root
        "..\\assets\\ok.png",
        "../assets/./ok.png?x#y",
        "https://blog.example/base/assets/ok.png",  # the site's own address
        "HTTPS://BLOG.EXAMPLE/base/assets/ok.png",
        "http://blog.example/base/assets/ok.png",
        "/base/assets/ok.png",
    ],
)
def test_references_resolve_as_a_browser_resolves_them(layout: tuple[Path, Path, Path], ref: str) -> None:
    site, posts, _ = layout
    reporter = Reporter()
    r = ResourceResolver(
        post_dir=posts, site_root=site, site_url="https://blog.example/base", reporter=reporter
    )
    found = r.image(ref)
    assert reporter.diagnostics == ()
    assert found is not None and found.digest == r.image("/assets/ok.png").digest  # type: ignore[union-attr]


def test_file_names_with_spaces_and_other_scripts(layout: tuple[Path, Path, Path]) -> None:
    site, posts, _ = layout
    png(site / "assets" / "a b.png", (5, 5))
    png(site / "assets" / "日本 語.png", (6, 6))
    r, rep = resolver(site, posts)
    for ref in ("/assets/a b.png", "/assets/a%20b.png", "\\assets\\a b.png"):
        assert getattr(r.image(ref), "width", None) == 5, ref
    for ref in ("/assets/日本 語.png", "/assets/%E6%97%A5%E6%9C%AC%20%E8%AA%9E.png"):
        assert getattr(r.image(ref), "width", None) == 6, ref
    assert rep.diagnostics == ()


def test_backslash_paths_in_front_matter_and_raw_html(tmp_path: Path) -> None:
    from export_post import load_post, render

    png(tmp_path / "assets" / "fig" / "a.png", (7, 5))
    png(tmp_path / "assets" / "cover.png", (40, 20))
    post = tmp_path / "_posts" / "2024-01-02-paths.md"
    post.parent.mkdir()
    post.write_text(
        "---\ntitle: Paths\nimage: \\assets\\cover.png\n---\n"
        'Text.\n\n<p align="center"><img src="\\assets\\fig\\a.png" alt="A figure"></p>\n',
        encoding="utf-8",
    )
    doc = load_post(post)
    reporter = Reporter()
    html = render(doc, "html", reporter=reporter).decode()
    assert [d.code for d in (*doc.diagnostics, *reporter.diagnostics)] == []
    assert html.count("data:image/png;base64,") == 2  # the cover and the figure, both embedded


@pytest.mark.parametrize("limit", [1000, 4])
def test_reading_many_at_once_answers_and_reports_as_reading_one_by_one(
    layout: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    from export_post.resources import resolver as resolver_module

    monkeypatch.setattr(resolver_module, "MAX_IMAGES", limit)
    site, posts, _ = layout
    assets = site / "assets"
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(photo, "JPEG")
    (assets / "a.jpg").write_bytes(photo.getvalue())
    (assets / "trunc.jpg").write_bytes(photo.getvalue()[: len(photo.getvalue()) // 2])
    (assets / "fake.png").write_text("not an image")
    png(assets / "bomb.png", (6000, 6000), mode="1")
    Image.new("RGB", (8, 8), "blue").save(assets / "b.bmp", "BMP")
    (assets / "fig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<image href="ok.png" width="4" height="3"/><image href="gone.png"/></svg>'
    )
    names = ["a.jpg", "missing.jpg", "trunc.jpg", "fig.svg", "fake.png", "bomb.png", "b.bmp", "a.jpg"]
    names.append("ok.png")
    refs = [f"/assets/{name}" for name in names]
    refs.insert(-1, "https://example.org/x.png")
    wanted = [(ref, n + 1) for n, ref in enumerate(refs)]
    one, one_reporter = resolver(site, posts, max_pixels=10_000_000)
    expected = [one.image(ref, line=line) for ref, line in wanted]
    many, many_reporter = resolver(site, posts, max_pixels=10_000_000)
    given: list[str] = []
    many.read_many(wanted, threads=3, then=lambda found: given.append(found.ref))
    assert many_reporter.diagnostics == one_reporter.diagnostics
    assert [many.image(ref, line=line) for ref, line in wanted] == expected
    assert many_reporter.diagnostics == one_reporter.diagnostics  # nothing read twice
    assert sorted(given) == sorted({found.ref for found in expected if found is not None})
    codes = {d.code for d in one_reporter.diagnostics}
    if limit == 1000:
        assert {"image-not-found", "image-corrupt", "image-too-large", "image-remote-disabled"} <= codes
    else:
        assert "image-limit" in codes


@pytest.mark.parametrize("fmt", ["pdf", "html", "epub", "pptx"])
def test_every_format_reads_a_post_s_pictures_ahead_in_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import threading

    from export_post import load_post, render
    from export_post.resources import resolver as resolver_module

    monkeypatch.setattr(resolver_module, "cpu_count", lambda: 2)
    for name in ("a", "b", "c"):
        png(tmp_path / f"{name}.png", (40, 30))
    post = tmp_path / "2024-01-01-pictures.md"
    post.write_text("---\ntitle: Pictures\n---\n\n" + "".join(f"![{n}]({n}.png)\n\n" for n in "abc"))
    readers: set[str] = set()
    check = ResourceResolver._check

    def checking(self: ResourceResolver, *args: object) -> object:
        readers.add(threading.current_thread().name)
        return check(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ResourceResolver, "_check", checking)
    render(load_post(post), fmt)
    assert readers and all(name.startswith("read") for name in readers)
