"""A26–A32: malformed and unsupported inputs give valid outputs, placeholders or clean errors."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image, features

from .harness import (
    LINUX,
    Harness,
    Run,
    epub_images,
    epubcheck_many,
    k3_pdf_images,
    k10_epub_valid,
    k11_strict,
    k11_warned,
    output_texts,
    strace_lines,
    strace_prefix,
    zip_members,
    zip_text,
)


def opf(epub: Path) -> str:
    return "\n".join(d.decode() for n, d in zip_members(epub).items() if n.endswith(".opf"))


def pictures(pptx: Path) -> int:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(str(pptx))
    return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in deck.slides for shape in slide.shapes)


def make_formats(assets: Path) -> list[str]:
    """The A26 matrix: WebP, SVG, EPS, AVIF, animated GIF, a truncated JPEG and a fake PNG."""
    Image.new("RGB", (40, 30), (1, 2, 200)).save(assets / "a.webp", "WEBP")
    (assets / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
        '<rect width="40" height="30" fill="#c00"/></svg>'
    )
    (assets / "a.eps").write_text(
        "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\n"
        "showpage\n%%EOF\n"
    )
    if features.check("avif"):
        Image.new("RGB", (40, 30), (9, 200, 9)).save(assets / "a.avif", "AVIF")
    else:  # an ISO-BMFF 'avif' brand header is enough for sniffing
        (assets / "a.avif").write_bytes(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64))
    frames = [Image.new("P", (40, 30), i * 80) for i in range(3)]
    frames[0].save(assets / "a.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    jpeg = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(jpeg, "JPEG")
    (assets / "trunc.jpg").write_bytes(jpeg.getvalue()[: len(jpeg.getvalue()) // 2])
    (assets / "fake.png").write_text("this is not a png\n")
    return ["a.webp", "a.svg", "a.eps", "a.avif", "a.gif", "trunc.jpg", "fake.png"]


def alt(name: str) -> str:
    return "alt-" + name.replace(".", "-")


@pytest.mark.skipif(not LINUX, reason="strace is Linux-only")
def test_a26_image_format_matrix(h: Harness) -> None:
    """A26: WebP/SVG/GIF kept (PPTX: PNG); EPS, corrupt files (and AVIF unless supported) get
    placeholders; Ghostscript never runs."""
    names = make_formats(h.assets)
    post = h.post("".join(f"![{alt(n)}](/assets/{n})\n\n" for n in names))
    trace = h.scratch / "strace-execve"
    run = h.run(post, prefix=strace_prefix(trace, "execve"))
    assert run.rc == 0, run.explain()
    pdf, epub, pptx = (run.output(post, f) for f in ("pdf", "epub", "pptx"))
    avif = not [d for d in run.warnings() if "/assets/a.avif" in d["message"]]  # explicitly supported
    k3_pdf_images(pdf, 2 + avif)  # WebP, the GIF's first frame (and AVIF); the SVG is drawn as vectors
    k10_epub_valid(epub)
    media = [Path(n).suffix for n in zip_members(epub) if n.startswith("EPUB/images/")]
    assert sorted(set(media) & {".gif", ".svg", ".webp"}) == [".gif", ".svg", ".webp"]
    assert len(media) == 3 + avif and ".avif" not in media  # AVIF, if supported, is converted
    manifest = opf(epub)
    for kind in ("image/webp", "image/svg+xml", "image/gif"):
        assert f'media-type="{kind}"' in manifest, kind
    assert not any(n.endswith((".webp", ".avif")) for n in zip_members(pptx))
    assert pictures(pptx) - avif in (2, 3)  # WebP as PNG, the GIF, the SVG rasterised (or a placeholder)
    texts = output_texts(run, post)
    for name in ("a.eps", "trunc.jpg", "fake.png", *([] if avif else ["a.avif"])):
        for fmt, text in texts.items():
            assert alt(name) in text, f"no placeholder for {name} in {fmt}"
    k11_warned(run, "image-corrupt", "/assets/trunc.jpg")
    k11_warned(run, "image-corrupt", "/assets/fake.png")
    assert [d for d in run.warnings() if "/assets/a.eps" in d["message"]]
    assert [line for line in strace_lines(trace) if re.search(r'execve\("[^"]*/gs[^/"]*"', line)] == []


def test_a27_missing_images(h: Harness) -> None:
    """A27: missing images become placeholders with the alt text; the EPUB has no dangling <img>."""
    post = h.post('![missing](nope.png)\n\n<img src="/assets/nope.png" alt="n-missing">\n')
    run = h.run(post)
    assert run.rc == 0, run.explain()
    epub = run.output(post, "epub")
    k10_epub_valid(epub)
    members = zip_members(epub)
    for src in epub_images(epub):
        assert f"EPUB/{src}" in members, f"dangling <img src={src!r}>"
    for fmt, text in output_texts(run, post).items():
        assert "missing" in text and "n-missing" in text, fmt
    k11_warned(run, "image-not-found", "nope.png")
    k11_warned(run, "image-not-found", "/assets/nope.png")
    k11_strict(h, post)


def test_a28_control_characters_and_encodings(h: Harness) -> None:
    """A28: control characters are stripped consistently, BOM/CRLF front matter found, bad UTF-8 clear."""
    valid = {
        "title": h.post(
            "Body.\n", front='title: "bad\\u0000\\u001b[31mtitle"\nlang: "x\\e[31m"', name="1-title.md"
        ),
        "body": h.post("form\x0cfeed and nul\x00byte and more\n", name="2-body.md"),
        "u2028": h.post("line\u2028separator\n", front="title: Sep\u2028arator", name="3-u2028.md"),
    }
    (h.posts / "4-bom.md").write_bytes("\ufeff---\ntitle: BOM title\n---\n\nBody.\n".encode())
    (h.posts / "5-crlf.md").write_bytes(b"---\r\ntitle: CRLF title\r\n---\r\n\r\nBody.\r\n")
    valid |= {"bom": h.posts / "4-bom.md", "crlf": h.posts / "5-crlf.md"}
    (h.posts / "6-latin1.md").write_bytes("---\ntitle: Caf\u00e9\n---\n\nCaf\u00e9.\n".encode("latin-1"))
    (h.posts / "7-surrogate.md").write_bytes(
        "---\ntitle: S\n---\n\nx\udcffy\n".encode("utf-8", "surrogateescape")
    )
    undecodable = [h.posts / "6-latin1.md", h.posts / "7-surrogate.md"]
    run = h.run(*valid.values(), *undecodable)
    assert "\x1b" not in run.stderr
    assert "Traceback" not in run.stderr, run.explain()
    epubs = [run.output(post, "epub") for post in valid.values()]
    for epub, messages in epubcheck_many(epubs).items():
        k10_epub_valid(epub, messages)
    from pptx import Presentation

    for post in valid.values():
        Presentation(str(run.output(post, "pptx")))
        assert run.output(post, "pdf").read_bytes().startswith(b"%PDF-")
    for key, title in (("bom", "BOM title"), ("crlf", "CRLF title")):
        assert f">{title}</dc:title>" in opf(run.output(valid[key], "epub")), key
    assert not [d for d in run.diagnostics("title-missing") if "4-bom" in d["path"] or "5-crlf" in d["path"]]
    for post in undecodable:
        results = [r for r in run.results if Path(r["source"]).name == post.name]
        if any(not r["ok"] for r in results):  # a clear error naming the file, and nothing written
            lines = [line for line in run.error_lines() if post.name in line]
            assert lines and all("UTF-8" in line for line in lines), run.explain()
            assert not list(h.out.glob(f"{post.stem}.*"))
        else:  # or a documented fallback, with a warning
            assert [d for d in run.warnings() if post.name in (d["path"] or "")], run.explain()


def test_a29_front_matter_type_confusion(h: Harness) -> None:
    """A29: front matter is schema-checked: coercions warn, bad fields fail naming field and line."""
    pwned = h.root / "pwned"
    accepted = {
        "t123": ("title: 123", "front-matter-coerced"),
        "tyes": ("title: yes", "front-matter-coerced"),
        "tzdate": ("title: T\ndate: 2024-02-03 10:00:00 +0100", None),
        "dup": ("title: A\ntitle: B", "front-matter-duplicate-key"),
    }
    rejected = {
        "tlist": ("title: [a, b]", "title"),
        "baddate": ("title: T\ndate: 2024-13-45", "date"),
        "pytag": (f'title: T\nx: !!python/object/apply:os.system ["touch {pwned}"]', "python"),
        "listfm": ("- a", "mapping"),
    }
    posts = {
        k: h.post("Body text.\n", front=f, name=f"2024-01-01-{k}.md")
        for k, (f, _) in (accepted | rejected).items()
    }
    posts["binary"] = h.post(
        "Body.\n", front="title: T\ntags: !!binary aGVsbG8=", name="2024-01-01-binary.md"
    )
    posts["unclosed"] = h.post("---\ntitle: T\n\nUnclosed body.\n", front=None, name="2024-01-01-unclosed.md")
    run = h.run(*posts.values())
    assert not pwned.exists()
    assert "Traceback" not in run.stderr, run.explain()
    for key, (_, code) in accepted.items():
        assert all(run.result(posts[key], f)["ok"] for f in ("epub", "pdf", "pptx")), run.explain()
        if code:
            assert [d for d in run.warnings(code) if posts[key].name in d["path"]], (key, run.diagnostics())
    assert not [d for d in run.warnings() if "tzdate" in d["path"]], run.diagnostics()
    for key, (_, word) in rejected.items():
        lines = [line for line in run.error_lines() if posts[key].name in line]
        assert lines, f"{key} was not rejected:\n{run.explain()}"
        assert all(word in line and re.search(rf"{posts[key].name}:\d+:", line) for line in lines), lines
        assert not list(h.out.glob(f"{posts[key].stem}.*"))
    binary_ok = run.result(posts["binary"], "epub")["ok"]
    assert binary_ok or any("tags" in line for line in run.error_lines() if "binary" in line), run.explain()
    assert all(run.result(posts["unclosed"], f)["ok"] for f in ("epub", "pdf", "pptx"))
    assert [d for d in run.warnings("front-matter-unclosed") if "unclosed" in d["path"]]
    assert "Unclosed body" in output_texts(run, posts["unclosed"], ["pdf"])["pdf"]


def nav_entries(epub: Path) -> int:
    nav = next(d.decode() for n, d in zip_members(epub).items() if n.endswith("nav.xhtml"))
    toc = re.search(r'<nav[^>]*epub:type="toc".*?</nav>', nav, re.S)
    return len(re.findall(r"<a\b", toc.group(0))) if toc else 0


def test_a30_empty_and_degenerate_posts(h: Harness) -> None:
    """A30: empty posts give a valid EPUB with a nav entry, a one-page PDF and a title-only deck."""
    (h.posts / "2024-01-01-empty.md").write_bytes(b"")
    posts = {
        "empty": h.posts / "2024-01-01-empty.md",
        "front": h.post("", front="title: Only front matter", name="2024-01-01-front.md"),
        "comment": h.post("<!-- comment -->\n", name="2024-01-01-comment.md"),
        "plain": h.post("Just a paragraph, no heading.\n", name="2024-01-01-plain.md"),
        "images": h.post("![a](/assets/ok.png)\n\n![b](/assets/ok.png)\n", name="2024-01-01-images.md"),
    }
    run = h.run(*posts.values())
    assert "Traceback" not in run.stderr, run.explain()
    from pptx import Presentation
    from pypdf import PdfReader

    ok = {k: p for k, p in posts.items() if all(run.result(p, f)["ok"] for f in ("epub", "pdf", "pptx"))}
    for key, post in posts.items():
        if key not in ok:  # a clear error, and no file
            assert [line for line in run.error_lines() if post.name in line], run.explain()
            assert not list(h.out.glob(f"{post.stem}.*"))
    epubs = {k: run.output(p, "epub") for k, p in ok.items()}
    checks = epubcheck_many(list(epubs.values()))
    for key, post in ok.items():
        epub, pdf, pptx = epubs[key], run.output(post, "pdf"), run.output(post, "pptx")
        k10_epub_valid(epub, checks[epub])
        assert nav_entries(epub) >= 1, key
        chapters = [d for n, d in zip_members(epub).items() if n.endswith(".xhtml") and "nav" not in n]
        assert all(re.search(rb"<body[^>]*>\s*\S", c) for c in chapters), key
        with zipfile.ZipFile(pptx) as deck:
            assert deck.testzip() is None
        pages, slides = len(PdfReader(pdf).pages), len(Presentation(str(pptx)).slides)
        if key in ("empty", "front", "comment"):  # nothing but a title
            assert (pages, slides) == (1, 1), f"{key}: {pages} PDF pages, {slides} slides"


def test_a31_active_content_and_dangerous_links(h: Harness) -> None:
    """A31: scripts, handlers and iframes removed; only http(s)/mailto/#id links survive."""
    post = h.post(
        "<script>alert(1)</script>\n\n"
        '<p onclick="x()">click</p>\n\n'
        '<iframe src="https://example.com"></iframe>\n\n'
        "[a](javascript:alert(1)) and "
        '<a href="JaVaScRiPt:alert(1)">b</a> and '
        '<a href="file:///etc/passwd">c</a> and '
        '<a href="\\\\attacker\\share">d</a> and '
        '<a href="https://example.com/ok">ok</a>\n\n'
        '<img src="https://example.com/x.png">\n'
    )
    run = h.run(post, formats="epub,pdf,pptx,html")
    assert run.rc == 0, run.explain()
    epub, pdf, pptx = (run.output(post, f) for f in ("epub", "pdf", "pptx"))
    k10_epub_valid(epub)
    assert not re.search(r'properties="[^"]*(scripted|remote-resources)', opf(epub))
    assert not re.search(r"javascript:|onclick|<script", zip_text(epub, (".xhtml",)), re.I)
    html = run.output(post, "html").read_text()
    assert not re.search(r"javascript:|onclick|<script|<iframe|file:", html, re.I)
    rels = "\n".join(d.decode() for n, d in zip_members(pptx).items() if n.endswith(".rels"))
    assert not re.search(r'Target="(javascript|file):|Target="\\\\', rels, re.I)
    from pypdf import PdfReader

    uris = [
        str(a.get_object().get("/A", {}).get("/URI", ""))
        for page in PdfReader(pdf).pages
        for a in page.get("/Annots", [])
    ]
    assert "https://example.com/ok" in uris
    assert [u for u in uris if u.lower().startswith(("javascript:", "file:"))] == []
    k11_warned(run, "link-unsafe", count=3)


def test_a32_inline_svg(h: Harness) -> None:
    """A32: inline <svg> gives a valid EPUB (svg property, or an image file); PDF and PPTX are written."""
    post = h.post(
        'Before.\n\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>\n\nAfter.\n'
    )
    run: Run = h.run(post)
    assert run.rc == 0, run.explain()
    epub = run.output(post, "epub")
    k10_epub_valid(epub)
    if re.search(r"<svg\b", zip_text(epub, (".xhtml",))):
        assert re.search(r'properties="[^"]*svg', opf(epub))
    pptx = run.output(post, "pptx")
    assert pictures(pptx) == 1 or "Image unavailable" in output_texts(run, post, ["pptx"])["pptx"]
