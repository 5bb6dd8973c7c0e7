"""Checks that a post's four outputs are valid and keep its text, run in batches.

:func:`validate` takes many posts' outputs at once because the external checkers start
slowly: one EPUBCheck JVM checks every book (:mod:`.epubcheck_batch`) and one LibreOffice
run renders every deck (:mod:`.slide_check`). Each post gets a list of :class:`Finding`;
an empty list means every check passed:

- ``export``: every format was written (no error);
- ``epubcheck``: EPUBCheck reports no error;
- ``pdf-text``: the PDF's text layer passes :func:`.pdf_extract.text_layer_problems` (pdfminer.six
  and pypdf read what poppler reads, no garbage, no font without a usable text map);
- ``pptx-open``: python-pptx opens the deck and reads every shape;
- ``slide-off``: LibreOffice draws no character outside the slide;
- ``html``: the page is well-formed XML, parses as HTML5 without an error and into the same
  tree, and holds only known HTML, MathML and SVG elements;
- ``words-FORMAT``: every word of the post's body is in that output (in the PDF: as poppler or
  pypdf reads it);
- ``images-html``: every picture file on disk the body shows is embedded in the page;
- ``markup-FORMAT``: no Markdown, kramdown or Liquid syntax (``**strong**``, images, IALs,
  extensions, tags, footnote and abbreviation markers) shows as text in that output, unless
  the post shows it as code.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .pdf_extract import extract_all, join_hyphenated, join_spaceless_lines, text_layer_problems
from .support import epub_text, html_text, pptx_text, source_words, words

XHTML = "http://www.w3.org/1999/xhtml"
MATHML = "http://www.w3.org/1998/Math/MathML"
SVG = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Finding:
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


@dataclass
class Outputs:
    """What exporting one post gave: ``files`` by format, or the format's ``errors``."""

    source: Path
    files: dict[str, Path] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- PDF text


# ---------------------------------------------------------------- HTML

HTML_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "main",
        "map",
        "mark",
        "menu",
        "meta",
        "meter",
        "nav",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "picture",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "search",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
    ]
)
MATHML_ELEMENTS = frozenset(
    [
        "math",
        "annotation",
        "annotation-xml",
        "maction",
        "menclose",
        "merror",
        "mfenced",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
        "semantics",
    ]
)


def _shape(root: object) -> list[str]:
    return [el.tag for el in root.iter() if isinstance(el.tag, str)]  # type: ignore[attr-defined]


def check_html(page: Path) -> list[Finding]:
    """Well-formed (it is written as polyglot XHTML), an HTML5 parse without errors giving the
    same element tree, and no element outside HTML, MathML and SVG."""
    from lxml import etree
    from tinyhtml5.parser import HTMLParser

    data = page.read_bytes()
    try:
        xml = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as err:
        return [Finding("html", f"not well-formed: {err}")]
    found = []
    parser = HTMLParser()
    tree = parser.parse(data)
    # The XML declaration of polyglot markup is the one thing an HTML parser complains about.
    errors = [e for e in parser.errors if e[1] != "expected-tag-name-but-got-question-mark"]
    if errors:
        found.append(Finding("html", f"HTML5 parse errors: {errors[:5]}"))
    if _shape(xml) != _shape(tree):
        xml_tags, html_tags = _shape(xml), _shape(tree)
        at = next((i for i, (a, b) in enumerate(zip(xml_tags, html_tags, strict=False)) if a != b), 0)
        found.append(
            Finding(
                "html",
                f"an HTML parser builds another tree: {xml_tags[at : at + 3]} vs {html_tags[at : at + 3]}",
            )
        )
    unknown = set()
    for tag in _shape(xml):
        namespace, _, name = tag[1:].partition("}")
        if (namespace == XHTML and name not in HTML_ELEMENTS) or (
            namespace == MATHML and name not in MATHML_ELEMENTS
        ):
            unknown.add(name)
        elif namespace not in (XHTML, MATHML, SVG):
            unknown.add(tag)
    if unknown:
        found.append(Finding("html", f"unknown elements: {sorted(unknown)}"))
    return found


# ---------------------------------------------------------------- words

_NOT_TEXT = [
    re.compile(r"\\{1,2}\((.*?)\\{1,2}\)", re.S),  # MathJax inline math
    re.compile(r"\\{1,2}\[(.*?)\\{1,2}\]", re.S),  # MathJax display math
    re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S),
    re.compile(r"\{::comment\}.*?\{:/(?:comment)?\}", re.S),
    re.compile(r"\{::\w+[^}]*\}|\{:/\w*\}"),  # extension markers
    re.compile(r"(?m)^\*\[[^\]\n]+\]:.*$"),  # abbreviation definitions
    re.compile(r"\[\^[^\]\s]+\]:?"),  # footnote labels: the outputs number the notes anew
    re.compile(r"<\w+[^>\n]*\smarkdown=\"(?:1|block|span)\"[^>\n]*>"),  # its content is Markdown
]
_LIQUID = re.compile(
    r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}|\{%(?!-?\s*(?:end)?highlight).*?%\}|\{\{.*?\}\}",
    re.S,
)
_TASK_BOX = re.compile(r"(?m)^(\s*(?:[-*+]|\d+\.)\s+)\[[ xX]\]")  # drawn as ☐/☑


def body_words(post: Path) -> list[str]:
    """The words of the post's body every output must keep: :func:`support.source_words`,
    without what kramdown and Jekyll never print (comments, abbreviation definitions, math)."""
    text = post.read_text(encoding="utf-8")
    # Liquid outside {% raw %} renders to nothing here (no loop has items): remove it without a
    # trace, or a line starting with a tag would read as indented code.
    parts = re.split(r"(\{%-?\s*raw\s*-?%\}.*?(?:\{%-?\s*endraw\s*-?%\}|$))", text, flags=re.S)
    text = "".join(p if i % 2 else _LIQUID.sub("", p) for i, p in enumerate(parts))
    for pattern in _NOT_TEXT:
        text = pattern.sub(" ", text)
    text = _TASK_BOX.sub(r"\1", text)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / post.name
        copy.write_text(text, encoding="utf-8")
        return source_words(copy)


_MARKUP = re.compile(
    r"\{:[^}\n]{0,80}\}|\{::\w+|\{:/\w*\}|\{%.{0,80}?%\}|\{\{.{0,80}?\}\}|\[\^[^\]\s]+\]|\*\[[A-Z0-9]+\]:"
    r"|\*\*[^*\s][^*\n]{0,40}\*\*|!\[[^\]\n]{0,80}\]\([^)\s]+\)"  # strong emphasis, images
)
_LITERAL = re.compile(
    r"(`+)(.+?)\1|\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}|\{%\s*highlight.*?%\}(.*?)\{%\s*endhighlight|"
    r"^(?: {4}|\t)([^\n]*)$",
    re.S | re.M,
)


_PICTURE = re.compile(r"!\[[^\]\n]*\]\(\s*([^)\s]+)|<img\s[^>]*?src=\"([^\"]+)\"")
_LIQUID_URL = re.compile(r"\{\{\s*site\.baseurl\s*\}\}|\{\{\s*'([^']*)'\s*\|\s*relative_url\s*\}\}")


def local_pictures(post: Path) -> set[Path]:
    """The picture files on disk that the post's body shows (Markdown images and ``<img>``;
    site-absolute, through ``site.baseurl`` or ``relative_url``, or relative to the post)."""
    from urllib.parse import unquote

    text = post.read_text(encoding="utf-8").split("\n---", 1)[-1]
    site = post.parent.parent
    found = set()
    for m in _PICTURE.finditer(text):
        ref = _LIQUID_URL.sub(lambda u: u.group(1) or "", m.group(1) or m.group(2))
        if "://" in ref or ref.startswith(("data:", "{")):
            continue
        path = unquote(ref.split("#")[0].split("?")[0])
        target = (site / path.lstrip("/")) if path.startswith("/") else (post.parent / path)
        if target.is_file():
            found.add(target.resolve())
    return found


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})  # typography


def literal_text(post: Path) -> str:
    """What the post shows literally (code and ``{% raw %}``), where markup may appear as text."""
    text = post.read_text(encoding="utf-8")
    code = ["".join(g or "" for g in m.groups()[1:]) for m in _LITERAL.finditer(text)]
    # Raw HTML is not Markdown (kramdown's parse_block_html is off): lines with a tag show as written.
    html = [line for line in text.splitlines() if re.search(r"<[A-Za-z]", line) and "markdown=" not in line]
    return "\n".join(code + html)


def leaked_markup(text: str, literal: str) -> list[str]:
    """kramdown or Liquid syntax shown as text in an output, where the post has no such literal."""
    literal = literal.translate(_QUOTES)
    return sorted({m for m in _MARKUP.findall(text) if m.translate(_QUOTES) not in literal})


def missing_words(expected: Iterable[str], text: str) -> list[str]:
    """The expected words not in ``text``. A word of the output made of several expected
    words (``H<sub>2</sub>O`` read as ``h2o``, a footnote call glued to its word) holds them."""
    wanted = set(expected)
    present = set(words(text))
    if wanted - present:
        for token in present - wanted:
            present.update(_split(token, wanted))
    return sorted(wanted - present)


def _split(token: str, vocabulary: set[str], most: int = 4) -> list[str]:
    """``token`` as a concatenation of at most ``most`` words of ``vocabulary`` (else [])."""
    if most == 0:
        return []
    if token in vocabulary:
        return [token]
    for end in range(len(token) - 1, 0, -1):
        if token[:end] in vocabulary or token[:end].isdigit():
            rest = _split(token[end:], vocabulary, most - 1)
            if rest:
                return [token[:end], *rest]
    # digits no word explains: a footnote call glued to its word (after x<sup>9</sup>, "91")
    return [token] if token.isdigit() else []


# ---------------------------------------------------------------- the batch

_LOCATION = re.compile(r"^.*?:-?\d+:-?\d+: ")  # EPUBCheck's "file:line:column: "


def validate(batch: list[Outputs], work: Path, *, render: bool = True) -> dict[Path, list[Finding]]:
    """Every check on every post of ``batch``; ``work`` is a scratch folder.
    ``render=False`` leaves out the LibreOffice render (the slowest check)."""
    from .epubcheck_batch import check as epubcheck

    report: dict[Path, list[Finding]] = {item.source: [] for item in batch}
    decks: dict[Path, Path] = {}
    for item in batch:
        found = report[item.source]
        found.extend(Finding("export", f"{fmt}: {error}") for fmt, error in item.errors.items())
        expected = body_words(item.source)
        texts: dict[str, str] = {}
        if "epub" in item.files:
            messages = epubcheck(item.files["epub"])
            errors = [(ident, text) for level, ident, text in messages if level in ("ERROR", "FATAL")]
            kinds = {ident + " " + _LOCATION.sub("", text): None for ident, text in errors}
            found.extend(Finding("epubcheck", kind) for kind in list(kinds)[:10])
            texts["epub"] = epub_text(item.files["epub"])
        if "pdf" in item.files:
            layer = extract_all(item.files["pdf"])
            found.extend(Finding("pdf-text", p) for p in text_layer_problems(item.files["pdf"], layer))
            # Read by poppler or by pypdf: each misreads words the other reads, by defects of
            # their own (docs/upstream/poppler-rtl-ligatures-thai-marks.md); pdf-text above
            # holds pypdf and pdfminer.six to what poppler reads.
            # (each also with the lines of Thai or Chinese that end inside a word joined)
            read = [join_hyphenated(layer[name].text) for name in ("poppler", "pypdf")]
            texts["pdf"] = "\n".join([*read, *map(join_spaceless_lines, read)])
        if "pptx" in item.files:
            try:
                texts["pptx"] = pptx_text(item.files["pptx"])
            except Exception as err:
                found.append(Finding("pptx-open", f"{type(err).__name__}: {err}"))
            else:
                decks[item.source] = item.files["pptx"]
        if "html" in item.files:
            found.extend(check_html(item.files["html"]))
            page = item.files["html"].read_text(encoding="utf-8")
            texts["html"] = html_text(page)
            pictures = local_pictures(item.source)
            embedded = page.count('src="data:image/')
            if embedded < len(pictures):
                names = sorted(p.name for p in pictures)
                found.append(
                    Finding("images-html", f"{embedded} of {len(pictures)} pictures embedded: {names}")
                )
        literal = literal_text(item.source)
        for fmt, text in texts.items():
            leaked = leaked_markup(text, literal)
            if leaked:
                found.append(Finding(f"markup-{fmt}", f"shown as text: {leaked[:6]}"))
            lost = missing_words(expected, text)
            if lost:
                found.append(
                    Finding(f"words-{fmt}", f"{len(lost)} of {len(set(expected))} missing: {lost[:12]}")
                )
    if render and decks:
        for source, problem in check_decks(decks, work).items():
            report[source].append(problem)
    return report


def check_decks(decks: dict[Path, Path], work: Path) -> dict[Path, Finding]:
    """Off-slide text of every deck, all rendered in one LibreOffice run."""
    from .slide_check import check_rendered, render_pdfs

    folder = work / "slides"
    folder.mkdir(parents=True, exist_ok=True)
    copies = {}
    for index, (source, deck) in enumerate(decks.items()):
        copies[source] = folder / f"deck-{index:05d}.pptx"
        shutil.copyfile(deck, copies[source])
    pdfs = render_pdfs(list(copies.values()), folder)
    found = {}
    for source, copy in copies.items():
        report = check_rendered(copy, pdfs[copy])
        if report.off_slide:
            sample = ", ".join(f"p{c.page} {c.text!r}" for c in report.off_slide[:8])
            found[source] = Finding(
                "slide-off", f"{len(report.off_slide)} characters off the slide, e.g. {sample}"
            )
    return found
