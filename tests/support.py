"""Helpers the tests share: reading outputs back as text, external tools, the sample site."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import mistune
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = ROOT / "samples" / "personal-growth"
SAMPLE_POST = SAMPLE_SITE / "_posts" / "2024-06-10-personal-growth.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REQUIRE_ALL = os.environ.get("EXPORT_POST_REQUIRE_ALL") == "1"


def require_tool(name: str) -> str:
    """The tool's path; skip (or, under EXPORT_POST_REQUIRE_ALL=1 as in CI, fail) without it."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install poppler-utils libreoffice-impress)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    return path


# The shared folders of real posts, by the variable that names each (default: ../shared/NAME).
CORPORA = {"EXPORT_POST_CORPUS": "corpus", "EXPORT_POST_CORPUS_MORE": "corpus-more"}


def corpus_roots() -> list[Path]:
    """Every corpus folder that exists: the variable's value, else ``../shared/NAME``."""
    roots = []
    for variable, name in CORPORA.items():
        value = os.environ.get(variable)
        path = Path(value) if value else ROOT.parent / "shared" / name
        if path.is_dir():
            roots.append(path)
    return roots


def corpus_posts() -> list[Path]:
    """Every post (``_posts/**/*.md`` or ``.markdown``) of every corpus, sorted."""
    return sorted(
        post
        for root in corpus_roots()
        for post in root.glob("*/_posts/**/*")
        if post.suffix in (".md", ".markdown") and post.is_file()
    )


def corpus_formulas() -> list[tuple[str, bool]]:
    """Every formula of every corpus post, as (TeX, display), sorted; posts the reader
    refuses have none."""
    from export_post import load_post
    from export_post.model.nodes import Math, MathBlock
    from export_post.model.walk import block_inlines, iter_blocks, iter_inlines

    formulas: set[tuple[str, bool]] = set()
    for post in corpus_posts():
        try:
            blocks = load_post(post).blocks
        except Exception:
            continue
        for block in iter_blocks(blocks):
            if isinstance(block, MathBlock):
                formulas.add((block.tex, True))
            for inlines in block_inlines(block):
                formulas.update((n.tex, False) for n in iter_inlines(inlines) if isinstance(n, Math))
    return sorted(formulas)


def corpus_id(post: Path | None) -> str:
    """A short test id: ``site/post-file``."""
    if post is None:
        return "no-corpus"
    site = next((post.relative_to(r).parts[0] for r in corpus_roots() if r in post.parents), "")
    return f"{site}/{post.name}"


def require_corpora() -> None:
    """Skip (or fail, when a variable names a missing folder) unless the corpora are there."""
    for variable, name in CORPORA.items():
        value = os.environ.get(variable)
        if value and not Path(value).is_dir():
            pytest.fail(f"{variable}={value} is not a folder")
        if not value and not (ROOT.parent / "shared" / name).is_dir():
            message = (
                f"corpus {name!r} not found at {ROOT.parent / 'shared' / name}; set {variable} "
                "to the folder of real posts"
            )
            if REQUIRE_ALL:
                pytest.fail(message)
            pytest.skip(message)


_BREAKING = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "td",
        "th",
        "table",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "header",
        "nav",
        "section",
        "dd",
        "dt",
        "sup",
        "sub",
    ]
)


class _Text(HTMLParser):
    """Text content: inline elements join (``<span>a</span>b`` is ``ab``), blocks separate."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        if tag in _BREAKING:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1
        if tag in _BREAKING:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return "".join(parser.parts)


# CJK scripts have no spaces between words: compare them character by character.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3040-\u30ff"
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+", re.UNICODE)
_FOLD = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def words(text: str) -> list[str]:
    # Joiners (ZWNJ/ZWJ) shape Persian/Indic words but are not kept in PDF text layers.
    text = text.translate(_FOLD).replace("\u200c", "").replace("\u200d", "")
    return [w.lower() for w in _WORD.findall(text)]


def source_words(post: Path) -> list[str]:
    """The words of a post's body, found independently of our reader (mistune's own HTML
    renderer, with front matter, kramdown attribute lines and the {:toc} stand-in removed)."""
    text = post.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("\n---", 1)[1].split("\n", 1)[1]
    text = re.sub(
        r"\$\$.*?\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]"
        r"|(?<![\\$])\$(?=[^\s$])(?:[^$\\\n]|\\.)+?(?<!\s)\$(?![$\d])",
        " ",
        text,
        flags=re.S,
    )  # math is not words (MathJax's \\( \\[ delimiters, and $…$ by pandoc's rules, too)
    text = re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", "", text)  # raw keeps its content, not its tags
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)  # Liquid markup is not text
    lines = text.split("\n")
    kept = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*\{:.*\}\s*$", line):
            continue
        if i + 1 < len(lines) and lines[i + 1].strip() == "{:toc}":
            continue  # the list kramdown replaces with the table of contents
        kept.append(line)
    text = re.sub(r"\{:[^}\n]*\}", "", "\n".join(kept))  # span IALs
    text = re.sub(r"(?m)^(#{1,6} .*?)\s*\{#[^}\n]*\}\s*$", r"\1", text)  # heading ids
    rendered = mistune.html(text)
    assert isinstance(rendered, str)
    return words(html.unescape(html_text(rendered)))


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return " ".join(
            html_text(z.read(n).decode("utf-8"))
            for n in z.namelist()
            if n.endswith(".xhtml") and not n.endswith("nav.xhtml")
        )


def pdf_text(path: Path) -> str:
    """The PDF's text, with words hyphenated at line ends (U+2010 from ``hyphens: auto``) rejoined."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\u2010\s*\n", "", text)


def pptx_text(path: Path, *, notes: bool = True) -> str:
    from pptx import Presentation

    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if notes and slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def missing_words(expected: list[str], text: str) -> list[str]:
    present = set(words(text))
    return sorted({w for w in expected if w not in present})


def epubcheck(path: Path) -> list[tuple[str, str, str]]:
    """EPUBCheck's messages as (level, id, message); skips without Java."""
    if shutil.which("java") is None:
        if REQUIRE_ALL:
            pytest.fail("java is not installed (EPUBCheck needs it)")
        pytest.skip("java is not installed (EPUBCheck needs it)")
    from .epubcheck_batch import check

    return check(path)


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def cli_json(argv: list[str]) -> tuple[int, list[dict[str, Any]]]:
    """The command's exit code and its ``--json`` lines, comparable between runs: no
    ``seconds``, each output by its file name."""
    from export_post.cli import main

    stdout = io.StringIO()
    code = main(argv, stdout=stdout, stderr=io.StringIO())
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    for line in lines:
        line.pop("seconds")
        line["output"] = line["output"] and Path(line["output"]).name
    return code, lines


def fresh_json(script: str, *args: str, stdin: str | None = None) -> Any:
    """The JSON ``script`` prints last, run in a fresh interpreter with ``args``: nothing
    typeset or installed by this one, no formula store, and a fixed build time."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "EXPORT_POST_CACHE_DIR": "off", "SOURCE_DATE_EPOCH": "1700000000"},
    )
    return json.loads(done.stdout.splitlines()[-1])
