"""A1–A12: a post must not make any output carry a local file (or the environment)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .harness import (
    LINUX,
    Harness,
    Run,
    epub_images,
    k1_pdf_no_leak,
    k2_no_attachments,
    k3_pdf_images,
    k4_zip_no_leak,
    k5_zip_no_media,
    k6_no_hits,
    k7_writes,
    k10_epub_valid,
    k11_strict,
    k11_warned,
    output_texts,
    pdf_text,
    qdf_bytes,
    strace_lines,
    strace_prefix,
    zip_members,
    zip_text,
)

linux_only = pytest.mark.skipif(not LINUX, reason="strace and /proc checks are Linux-only")


def converted(run: Run, post: Path) -> tuple[Path, Path, Path]:
    """The PDF, EPUB and PPTX of a run that must succeed."""
    assert run.rc == 0, run.explain()
    return run.output(post, "pdf"), run.output(post, "epub"), run.output(post, "pptx")


def no_image_leak(h: Harness, pdf: Path, epub: Path, pptx: Path, *, images: int = 0) -> None:
    """K1, K3 (the expected count), K4 and K5 (the canary PNG) over the three outputs."""
    k1_pdf_no_leak(pdf)
    k3_pdf_images(pdf, images)
    for archive in (epub, pptx):
        k4_zip_no_leak(archive)
        k5_zip_no_media(archive, h.canary_sha)


def test_a01_absolute_filesystem_path(h: Harness) -> None:
    """A1: '/'-paths are site-root-relative, so /etc/passwd is not found: placeholder plus warning."""
    post = h.post("![xalt](/etc/passwd)\n\n![kalt](/proc/self/environ)\n")
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k2_no_attachments(pdf)
    k6_no_hits(h.server)
    k7_writes(h, run, [pdf, epub, pptx])
    k11_warned(run, "image-not-found", "/etc/passwd")
    k11_warned(run, "image-not-found", "/proc/self/environ")
    for fmt, text in output_texts(run, post).items():
        assert "xalt" in text and "kalt" in text, f"no placeholder with the alt text in {fmt}"
    assert "passwd" not in zip_text(epub, (".xhtml",))
    k10_epub_valid(epub)
    k11_strict(h, post)


def test_a02_relative_traversal(h: Harness) -> None:
    """A2: ../../secret/canary.png from _posts/ is outside the roots: refused, placeholder, warning."""
    post = h.post("![x](../../secret/canary.png)\n")
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k11_warned(run, "image-outside-root", "../../secret/canary.png")
    k11_strict(h, post)


def test_a03_file_url(h: Harness) -> None:
    """A3: file:// in Markdown and in raw HTML: both refused."""
    markdown, raw = f"file:///{h.secret}/canary.png", f"file://{h.secret}/canary.png"  # as the plan
    post = h.post(f'![x]({markdown})\n\n<img src="{raw}" alt="raw">\n')
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k6_no_hits(h.server)
    k11_warned(run, "image-refused", markdown)
    k11_warned(run, "image-refused", raw)


def test_a04_encoded_traversal(h: Harness) -> None:
    """A4: percent- and double-encoded traversal is refused (checked after full decoding)."""
    refs = [
        "%2e%2e/%2e%2e/secret/canary.png",
        "..%2f..%2fsecret%2fcanary.png",
        "%252e%252e/%252e%252e/secret/canary.png",
    ]
    post = h.post(f'<img src="{refs[0]}" alt="a">\n\n![b]({refs[1]})\n\n![c]({refs[2]})\n')
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    for ref in refs:
        assert any(ref in d["message"] for d in run.warnings() if d["code"].startswith("image-")), ref
    k11_warned(run, "image-outside-root", refs[0])


@linux_only
def test_a05_symlinks_in_post_tree(h: Harness) -> None:
    """A5: symlinks leading out of the site are refused; an in-tree alias still works (K3 = 1)."""
    (h.assets / "logo.png").symlink_to(h.secret / "canary.png")
    (h.assets / "root").symlink_to("/")
    (h.assets / "alias.png").symlink_to("ok.png")
    post = h.post("![a](/assets/logo.png) ![b](/assets/root/etc/hostname)\n\n![c](/assets/alias.png)\n")
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx, images=1)
    k11_warned(run, "image-outside-root", "/assets/logo.png")
    k11_warned(run, "image-outside-root", "/assets/root/etc/hostname")
    assert len(run.warnings()) == 2, run.diagnostics()


def test_a06_pdf_attachment_exfiltration(h: Harness) -> None:
    """A6: rel=attachment is stripped: no attachments at all, no canary of the file or the environment."""
    post = h.post(
        '<link rel="attachment" href="/proc/self/environ" title="notes.txt">\n'
        '<a rel="attachment" href="../../secret/canary.txt">x</a>\n'
        '<link rel="attachment" href="assets/ok.png">\n\n'
        "Some text.\n"
    )
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    k2_no_attachments(pdf)
    k1_pdf_no_leak(pdf)
    k7_writes(h, run, [pdf, epub, pptx])


@linux_only
def test_a07_css_channels(h: Harness) -> None:
    """A7: post <style>/<link> removed, inline url() dropped, and no file outside the roots is opened."""
    post = h.post(
        '<style>@import url("../../secret/x.css");</style>\n\n'
        '<link rel="stylesheet" href="file:///etc/passwd">\n\n'
        '<p style="background:url(../../secret/canary.png)">styled</p>\n\n'
        "<style>p::before{content:url(../../secret/canary.png)}</style>\n\n"
        "<style>@font-face{font-family:f;src:url(/etc/passwd)}p{font-family:f}</style>\n\n"
        "Plain text.\n"
    )
    trace = h.scratch / "strace-openat"
    run = h.run(post, args=["-v"], prefix=strace_prefix(trace, "openat,open,stat,newfstatat"))
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    assert [d for d in run.diagnostics() if d["code"].startswith("image-")] == []
    k11_warned(run, "html-removed")
    assert [line for line in strace_lines(trace) if str(h.secret) in line] == []


def test_a08_base_rebasing(h: Harness) -> None:
    """A8: <base> is stripped; canary.png resolves next to the post (not found): placeholder."""
    post = h.post(f'<base href="{h.secret.as_uri()}/">\n\n![x](canary.png)\n')
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k11_warned(run, "image-not-found", "canary.png")


def test_a09_embedded_content_tags(h: Harness) -> None:
    """A9: <object>, <embed> and <iframe> are stripped, each with a warning."""
    post = h.post(
        '<object data="../../secret/canary.png"></object>\n\n'
        '<embed src="../../secret/canary.png">\n\n'
        '<iframe src="../../secret/canary.txt"></iframe>\n\n'
        "After.\n"
    )
    run = h.run(post)
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k10_epub_valid(epub)
    assert not re.search(r"<(object|embed|iframe)\b", zip_text(epub, (".xhtml",)))
    for tag in ("object", "embed", "iframe"):
        named = [d for d in run.warnings() if f"<{tag}>" in d["message"]]
        assert named, f"no warning for <{tag}>: {run.diagnostics()}"


def test_a10_front_matter_resource_fields(h: Harness) -> None:
    """A10: image/cover/header.image go through the resolver; the cover is omitted with a warning."""
    posts = [
        h.post(
            "Body.\n",
            front="title: T\nimage: ../../secret/canary.png\ncover: /proc/self/environ\n"
            'header: {image: "file:///etc/passwd"}',
            name="2024-01-01-all.md",
        ),
        h.post("Body.\n", front="title: T\ncover: /proc/self/environ", name="2024-01-02-cover.md"),
        h.post("Body.\n", front='title: T\nheader: {image: "file:///etc/passwd"}', name="2024-01-03-hdr.md"),
    ]
    run = h.run(*posts)
    for post in posts:
        pdf, epub, pptx = converted(run, post)
        no_image_leak(h, pdf, epub, pptx)
        opf = "\n".join(d.decode() for n, d in zip_members(epub).items() if n.endswith(".opf"))
        assert "cover-image" not in opf
        assert not any(n.endswith("cover.xhtml") for n in zip_members(epub))
    k11_warned(run, "image-outside-root", "../../secret/canary.png")
    k11_warned(run, "image-not-found", "/proc/self/environ")
    k11_warned(run, "image-refused", "file:///etc/passwd")


@linux_only
def test_a11_template_and_include_directives(h: Harness) -> None:
    """A11: include/include_relative and template expressions are never evaluated nor read."""
    directives = [
        "{% include_relative ../../secret/canary.txt %}",
        "{% include ../../../../etc/passwd %}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    ]
    post = h.post("\n\n".join(directives) + "\n\nEnd.\n")
    trace = h.scratch / "strace-openat"
    run = h.run(post, prefix=strace_prefix(trace, "openat,open"))
    pdf, epub, pptx = converted(run, post)
    k1_pdf_no_leak(pdf)
    k4_zip_no_leak(epub)
    k4_zip_no_leak(pptx)
    texts = output_texts(run, post)
    raw = [qdf_bytes(pdf).decode("latin-1"), *texts.values()]
    assert not any("<class" in text for text in raw)
    messages = " ".join(d["message"] for d in run.warnings() if d["code"].startswith("liquid-"))
    named = ("{% include_relative %}", "{% include %}", "__subclasses__")
    for directive, word in zip(directives, named, strict=True):
        assert word in messages or directive in pdf_text(pdf), directive
    assert [line for line in strace_lines(trace) if "canary.txt" in line] == []


@linux_only
def test_a12_windows_and_remote_file_references(h: Harness) -> None:
    """A12: file://host, UNC and drive-letter paths are refused, with no DNS lookup or connection."""
    post = h.post(
        '<img src="file://attacker.example/share/x.png" alt="f">\n\n'
        "![u](\\\\attacker.example\\share\\x.png)\n\n"
        "![d](C:\\Windows\\win.ini)\n"
    )
    trace = h.scratch / "strace-connect"
    run = h.run(post, prefix=strace_prefix(trace, "connect,sendto"))
    pdf, epub, pptx = converted(run, post)
    no_image_leak(h, pdf, epub, pptx)
    k6_no_hits(h.server)
    inet = [line for line in strace_lines(trace) if "AF_INET" in line]
    assert inet == []
    refused = run.warnings("image-refused")
    assert len(refused) == 3, run.diagnostics()
    assert sum("attacker.example" in d["message"] for d in refused) == 2
    assert any("win.ini" in d["message"] for d in refused)
    assert epub_images(epub) == []
