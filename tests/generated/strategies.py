"""Hypothesis strategies that compose Jekyll posts the way real sites write them.

A :class:`Site` is one generated example: a ``_config.yml``, one post (front matter + kramdown
body) and the pictures the post refers to. Everything is text built from real-world shapes
(see :mod:`.fragments`); pictures are described (:class:`Picture`) and drawn when the site is
written (:mod:`.site`), so examples stay small and printable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from . import fragments as F


@dataclass(frozen=True)
class Picture:
    """A picture file the post refers to: ``kind`` is png, jpeg or svg."""

    kind: str
    width: int
    height: int
    colour: tuple[int, int, int]


@dataclass
class Site:
    slug: str  # the post's file name without date and extension
    date: str  # the file name's date prefix
    config: str
    front: str | None  # the YAML between the --- lines; None: no front matter at all
    body: str
    pictures: dict[str, Picture] = field(default_factory=dict)  # site-relative path -> picture

    @property
    def post_name(self) -> str:
        return f"{self.date}-{self.slug}.md"

    def text(self) -> str:
        if self.front is None:
            return self.body
        return f"---\n{self.front}---\n{self.body}"


# ---------------------------------------------------------------- text


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


prose = st.sampled_from(F.ENGLISH)
any_prose = st.sampled_from(F.ALL_PROSE)
sentence = st.one_of(prose, prose, prose, any_prose)


@st.composite
def paragraph_text(draw: st.DrawFn, max_sentences: int = 4) -> str:
    """Sentences, with now and then an inline construct spliced in between two of them."""
    parts = draw(st.lists(sentence, min_size=1, max_size=max_sentences))
    out: list[str] = []
    for part in parts:
        out.append(part)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(inline))
    return " ".join(out)


word = st.sampled_from(
    ["data", "model", "cache", "thread", "proof", "layer", "kernel", "token", "shader", "vector"]
)

inline = st.one_of(
    st.builds("*{}*".format, word),
    st.builds("**{}**".format, word),
    st.builds("_{}_".format, word),
    st.builds(
        "`{}`".format, st.sampled_from(["git rebase -i", "x += 1", "<div>", "O(n)", "{{ not liquid }}"])
    ),
    st.builds("[{}](https://example.com/{})".format, word, word),
    st.builds("[{}](#{})".format, word, st.sampled_from(["introduction", "results", "missing-anchor"])),
    st.builds("*{}*{{:.highlight}}".format, word),
    st.builds('[{}](https://example.org/){{:target="_blank" rel="noopener"}}'.format, word),
    st.builds("$${}$$".format, st.sampled_from(F.INLINE_TEX)),
    st.builds("\\\\({}\\\\)".format, st.sampled_from(F.INLINE_TEX)),
    st.builds("\\({}\\)".format, st.sampled_from(F.INLINE_TEX)),
    st.sampled_from(F.EMOJI),
    st.sampled_from(F.SHORTCODES),
    st.sampled_from(F.LONG_WORDS),
    st.sampled_from(F.CJK),
    st.sampled_from(F.RTL),
    st.just("{{ site.title }}"),
    st.just("{{ page.title }}"),
    st.builds("<kbd>{}</kbd>".format, st.sampled_from(["Ctrl", "Alt+F4", "⌘K"])),
    st.builds("H<sub>2</sub>O and x<sup>{}</sup>".format, st.integers(2, 9)),
    st.builds("~~{}~~".format, word),
    st.just("the HTML and CPU parts"),
    st.builds('<span style="color: red" onclick="x()">{}</span>'.format, word),
    st.builds('<abbr title="Application Programming Interface">API</abbr> {}'.format, word),
    st.just("costs $5 and $10 at most"),
    st.just("\"quoted\" and 'single' -- with dashes --- and dots..."),
    st.just("a line ending in two spaces  \nand a break"),
    st.just("see <https://jekyllrb.com/docs/> or <mailto:me@example.com>"),
    st.just("Copyright &copy; 2024&nbsp;Acme &mdash; &#x2603; &lt;tag&gt; &amp; more"),
    st.builds("[{}][ref-1] and [the docs][]".format, word),
    st.builds('![an inline icon](/assets/missing-icon.png "An icon") {}'.format, word),
    st.builds("{}<br>{}".format, word, word),
    st.builds("**{} `code` inside**".format, word),
)


# ---------------------------------------------------------------- pictures


@st.composite
def picture(draw: st.DrawFn, site: dict[str, Picture]) -> str:
    """A picture reference (an URL or path as the post writes it), adding any file to ``site``."""
    kind = draw(st.sampled_from(["png", "png", "jpeg", "svg", "missing", "remote", "remote-svg"]))
    index = len(site)
    if kind == "remote":
        return f"https://example.com/images/photo-{index}.jpg"
    if kind == "remote-svg":
        return f"https://img.shields.io/badge/build-passing-green-{index}.svg"
    folder = draw(st.sampled_from(["assets/img", "assets/images/posts", "images", "assets/2024/fig s"]))
    ext = {"png": "png", "jpeg": "jpg", "svg": "svg", "missing": "png"}[kind]
    path = f"{folder}/figure-{index}.{ext}"
    if kind != "missing":
        size = draw(st.sampled_from([(64, 48), (640, 360), (1600, 900), (300, 1200), (1, 1), (2400, 600)]))
        colour = draw(st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)))
        site[path] = Picture(kind, size[0], size[1], colour)
    url = path.replace(" ", "%20")
    return draw(
        st.sampled_from([f"/{url}", "{{ site.baseurl }}/" + url, "{{ '/" + url + "' | relative_url }}"])
    )


@st.composite
def image_block(draw: st.DrawFn, site: dict[str, Picture]) -> str:
    src = draw(picture(site))
    alt = draw(st.sampled_from(["A chart of the results", "", "Architecture diagram", "図1: 構成", "صورة"]))
    caption = draw(paragraph_text(max_sentences=1))
    shape = draw(st.integers(0, 7))
    if shape == 0:
        return f"![{alt}]({src})"
    if shape == 1:
        return f'![{alt}]({src}){{: width="50%" .center}}'
    if shape == 2:
        return f"![{alt}]({src})\n{{:.figcaption}}\n{caption}"
    if shape == 3:
        return f'<figure>\n  <img src="{src}" alt="{alt}">\n  <figcaption>{caption}</figcaption>\n</figure>'
    if shape == 4:
        return f'<p align="center">\n  <img src="{src}" width="400" alt="{alt}">\n</p>'
    if shape == 5:
        return f'{{% include figure.html image_path="{src}" alt="{alt}" caption="{caption[:40]}" %}}'
    if shape == 6:
        return f'<div class="figure" markdown="1">\n![{alt}]({src})\n\n*{caption}*\n</div>'
    return f"[![{alt}]({src})]({src})"


# ---------------------------------------------------------------- blocks

heading_text = st.one_of(
    st.sampled_from(F.SHORT_TITLES), st.sampled_from(["Introduction", "Results", "Discussion", "Setup"])
)


@st.composite
def heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 4))
    text = draw(heading_text)
    suffix = draw(st.sampled_from(["", "", " {#custom-id}", "\n{:.no_toc}", " {#section-é .anchor}"]))
    if level <= 2 and draw(st.booleans()):
        return f"{text}\n{'=' if level == 1 else '-' * 1 * 3}{'=' * 2 if level == 1 else ''}"
    return f"{'#' * level} {text}{suffix}"


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    text = draw(paragraph_text())
    ial = draw(st.sampled_from(["", "", "", "\n{: .lead}", '\n{: #para-id .note data-x="1"}', "\n{: note}"]))
    before = draw(st.sampled_from(["", "", "", "{: .notice--info}\n"]))
    return before + text + ial


@st.composite
def math_block(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 5))
    tex = draw(st.sampled_from(F.DISPLAY_TEX))
    if shape == 0:
        return f"$$\n{tex}\n$$"
    if shape == 1:
        return f"$${tex}$$"
    if shape == 2:
        env, content = draw(st.sampled_from(F.ENVIRONMENTS))
        return f"\\begin{{{env}}}\n{content}\n\\end{{{env}}}"
    if shape == 3:
        return f"\\\\[ {tex} \\\\]"
    if shape == 4:
        return f"\\[\n{tex}\n\\]"
    env, content = draw(st.sampled_from(F.ENVIRONMENTS))
    return f"$$\n\\begin{{{env}}}\n{content}\n\\end{{{env}}}\n$$"


cell = st.one_of(
    word, st.sampled_from(["1.5 ms", "**bold**", "`code`", "—", "", "東京", "عربي", "$$x_i$$", "✅"])
)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 6))
    rows = draw(st.integers(0, 8))
    header = "| " + " | ".join(draw(st.lists(word, min_size=cols, max_size=cols))) + " |"
    aligns = draw(st.lists(st.sampled_from(["---", ":--", ":-:", "--:"]), min_size=cols, max_size=cols))
    lines = [header, "|" + "|".join(aligns) + "|"]
    for _ in range(rows):
        lines.append("| " + " | ".join(draw(st.lists(cell, min_size=cols, max_size=cols))) + " |")
    if draw(st.booleans()):
        lines.append("|===")
        lines.append("| " + " | ".join(draw(st.lists(word, min_size=cols, max_size=cols))) + " |")
    if draw(st.integers(0, 3)) == 0:
        lines.append("{: .table .table-striped}")
    return "\n".join(lines)


@st.composite
def html_table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(1, 4))
    head = "".join(f"<th>{draw(word)}</th>" for _ in range(cols))
    body = "\n".join(
        "  <tr>" + "".join(f'<td align="right">{draw(cell)}</td>' for _ in range(cols)) + "</tr>"
        for _ in range(rows)
    )
    caption = draw(st.sampled_from(["", "<caption>Table 1: timings</caption>\n"]))
    return (
        f'<table class="data">\n{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )


@st.composite
def code_block(draw: st.DrawFn) -> str:
    lang, code = draw(st.sampled_from(sorted(F.CODE.items())))
    shape = draw(st.integers(0, 5))
    if lang == "liquid" and shape != 3:
        code = "{% raw %}\n" + code + "{% endraw %}\n"
    if shape == 0:
        return f"```{lang}\n{code}```"
    if shape == 1:
        return f"~~~ {lang}\n{code}~~~"
    if shape == 2:
        return "\n".join("    " + line for line in code.splitlines())
    if shape == 3:
        return f"```{lang}\n{code}```\n{{: .language-{lang or 'plain'} #code-id}}"
    if shape == 4:
        linenos = draw(st.sampled_from(["", " linenos"]))
        return f"{{% highlight {lang or 'text'}{linenos} %}}\n{code}{{% endhighlight %}}"
    long_line = "x = " + " + ".join(f"value_{i}" for i in range(40))
    return f"```{lang}\n{code}{long_line}\n```"


@st.composite
def nested_list(draw: st.DrawFn, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    items = draw(st.integers(1, 4))
    indent = "   " * depth if ordered else "  " * depth
    lines: list[str] = []
    for i in range(items):
        marker = f"{i + 1}." if ordered else draw(st.sampled_from(["*", "-", "+"]))
        task = draw(st.sampled_from(["", "", "[ ] ", "[x] "])) if not ordered else ""
        lines.append(f"{indent}{marker} {task}{draw(paragraph_text(max_sentences=2))}")
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            lines.append(draw(nested_list(depth + 1)).replace("\n", "\n"))
    return "\n".join(lines)


@st.composite
def definition_list(draw: st.DrawFn) -> str:
    terms = draw(st.lists(word, min_size=1, max_size=3, unique=True))
    return "\n\n".join(f"{t.capitalize()}\n: {draw(paragraph_text(max_sentences=2))}" for t in terms)


@st.composite
def blockquote(draw: st.DrawFn) -> str:
    text = draw(paragraph_text(max_sentences=3))
    extra = draw(st.sampled_from(["", "\n>\n> * a point\n> * another point", "\n>\n> -- Someone Famous"]))
    ial = draw(st.sampled_from(["", "\n{: .epigraph}"]))
    return "> " + text + extra + ial


@st.composite
def raw_html(draw: st.DrawFn) -> str:
    text = draw(paragraph_text(max_sentences=2))
    return draw(
        st.sampled_from(
            [
                f'<div class="notice--warning" markdown="1">\n**Note:** {text}\n</div>',
                f'<div markdown="1">\n\n## Inside a div\n\n* {text}\n\n</div>',
                f"<details>\n<summary>Show the details</summary>\n\n{text}\n\n</details>",
                f'<p class="lead" style="font-size: 2em">{text}</p>',
                f"<center>{text}</center>",
                f"<!-- a comment about {text[:20]} -->\n{text}",
                f'<section id="s1">\n<h3>Raw heading</h3>\n<p>{text}</p>\n</section>',
                f'<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>\n\n{text}',
                f'<script>console.log("tracking")</script>\n\n{text}',
                f"<blink>{text}</blink>",
                f"<dl><dt>Term</dt><dd>{text}</dd></dl>",
                f"<ul>\n<li>{text}</li>\n<li><em>second</em> item</li>\n</ul>",
                f'<span class="badge">new</span> {text}',
            ]
        )
    )


@st.composite
def liquid_block(draw: st.DrawFn) -> str:
    text = draw(paragraph_text(max_sentences=2))
    return draw(
        st.sampled_from(
            [
                "{% include toc.html %}",
                '{% include image.html url="/assets/x.png" description="A picture" %}',
                f"{{% if page.comments %}}\n{text}\n{{% endif %}}",
                "{% comment %}\nThis is a note to self that never shows.\n{% endcomment %}",
                "{% raw %}\nUse {{ page.title }} in your layout to print the title.\n{% endraw %}",
                f"[{text[:30]}]({{{{ site.baseurl }}}}{{% post_url 2020-01-01-hello %}})",
                f"[Download]({{{{ site.url }}}}{{{{ site.baseurl }}}}/assets/file.pdf) {text}",
                f"{{% for tag in page.tags %}}{{{{ tag }}}} {{% endfor %}}{text}",
                "{% gist 123456 %}",
                "{% capture note %}Captured text{% endcapture %}",
            ]
        )
    )


@st.composite
def mixed(draw: st.DrawFn) -> str:
    """Blocks inside blocks, as long posts nest them."""
    text = draw(paragraph_text(max_sentences=2))
    lang, code = draw(st.sampled_from(sorted(F.CODE.items())))
    code = code if "{%" not in code else "x = 1\n"
    indented = "".join("   " + line + "\n" for line in f"```{lang}\n{code}```".splitlines())
    return draw(
        st.sampled_from(
            [
                f"1. {text}\n\n   A second paragraph of the same item.\n\n{indented}\n2. {text}",
                f"* {text}\n\n  > {text}\n\n* last item {{: .last}}",
                f"> ## A heading in a quote\n>\n> {text}\n>\n"
                "> ```\n> quoted code\n> ```\n>\n> > nested quote",
                "| a | b |\n|---|---|\n| pipe \\| inside | line<br>break |\n| `x | y` | **b** *i* |",
                f"## Heading with a [link](https://example.com) and `code` 🚀\n\n{text}",
                f"### 見出し：日本語の章\n\n{text}",
                f"#### Notes[^h]\n\n{text}\n\n[^h]: A footnote called from a heading.",
                f"***bold italic*** and \\*not emphasis\\* and snake_case_name and 2*3*4 {text}",
                f'<div class="outer"><div class="inner"><p>{text}</p></div></div>',
                f"- {text}\n  | col | col |\n  |-----|-----|\n  | 1   | 2   |",
                f"Term with *emphasis*\n: {text}\n: A second definition.",
                '<div markdown="1">\n| x | y |\n|---|---|\n| 1 | 2 |\n</div>',
                f'{text}\n{{: style="color: red" onclick="evil()" .wide}}',
                f"Setext heading with *emphasis*\n-----------------------------\n\n{text}",
                f"1) {text}\n2) second\n\n10. ten\n11. eleven",
                f"{text}\n\n<hr/>\n\n<p>After a raw rule.</p>",
            ]
        )
    )


@st.composite
def toc(draw: st.DrawFn) -> str:
    marker = draw(st.sampled_from(["* TOC", "1. TOC", "- toc"]))
    return f"{marker}\n{{:toc}}"


block = st.one_of(
    paragraph(),
    paragraph(),
    paragraph(),
    heading(),
    heading(),
    math_block(),
    table(),
    html_table(),
    code_block(),
    nested_list(),
    definition_list(),
    blockquote(),
    raw_html(),
    liquid_block(),
    mixed(),
    mixed(),
    st.just("---"),
    st.just("* * *"),
    st.just("<!--more-->"),
    st.just("{::comment}\nkramdown comment that is never shown\n{:/comment}"),
    st.just("{::nomarkdown}\n<p>Raw <strong>nomarkdown</strong> paragraph.</p>\n{:/nomarkdown}"),
    st.builds(lambda s: " ".join([s] * 6), paragraph_text(max_sentences=4)),
)


@st.composite
def body(draw: st.DrawFn, site: dict[str, Picture]) -> str:
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from(["", "\n", "   \n\n"]))
    blocks: list[str] = []
    footnotes: list[str] = []
    abbreviations = False
    if draw(st.integers(0, 4)) == 0:
        blocks.append(draw(toc()))
    if draw(st.integers(0, 5)) == 0:
        blocks.append("{:note: .callout .callout-info}")
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            blocks.append(draw(image_block(site)))
        elif kind == 1:
            n = len(footnotes) + 1
            blocks.append(f"{draw(paragraph_text(max_sentences=2))}[^{n}] {draw(prose)}")
            footnotes.append(f"[^{n}]: {draw(paragraph_text(max_sentences=2))}")
        else:
            blocks.append(draw(block))
        if draw(st.integers(0, 12)) == 0:
            abbreviations = True
    blocks.extend(footnotes)
    if any("][ref-1]" in b or "[the docs][]" in b for b in blocks):
        blocks.append('[ref-1]: https://example.com/ref "A title"\n[the docs]: https://jekyllrb.com/docs/')
    if abbreviations:
        blocks.extend(f"*[{a}]: {b}" for a, b in F.ABBREVIATIONS)
    ending = draw(st.sampled_from(["\n", "\n", "", "\n\n\n"]))
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    return ("\n\n".join(blocks) + ending).replace("\n", newline)


# ---------------------------------------------------------------- front matter


long_text = st.lists(prose, min_size=3, max_size=8).map(" ".join)


@st.composite
def text_field(draw: st.DrawFn, key: str) -> str:
    """``key`` with a short, long or multi-line value, plain, quoted or as a block scalar."""
    value = draw(st.one_of(sentence, long_text))
    shape = draw(st.integers(0, 5))
    if shape == 0:
        return f"{key}: {_q(value)}\n"
    if shape == 1:
        return f"{key}: >\n  " + "\n  ".join(value.split(". ")) + "\n"
    if shape == 2:
        return f"{key}: |\n  " + "\n  ".join(value.split(". ")) + "\n"
    if shape == 3:
        return f"{key}: >-\n  " + "\n\n  ".join(value.split(". ")) + "\n"
    if shape == 4:
        return f"{key}: '" + value.replace("'", "''") + "'\n"
    return f"{key}: {_q(value)}\n" if ":" in value or value[:1] in "'\"[{&*!|>%@`#-?" else f"{key}: {value}\n"


@st.composite
def authors(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(F.NAMES), min_size=1, max_size=4, unique=True))
    shape = draw(st.integers(0, 5))
    if shape == 0:
        return f"author: {_q(names[0])}\n"
    if shape == 1:
        return f"author:\n  name: {_q(names[0])}\n  url: https://example.com/~me\n  twitter: '@me'\n"
    if shape == 2:
        return "authors: [" + ", ".join(_q(n) for n in names) + "]\n"
    if shape == 3:
        return f"author: {_q(', '.join(names))}\n"
    lines = ["authors:"]
    for n in names:
        lines.append(f"  - name: {_q(n)}")
        if draw(st.booleans()):
            lines.append(f"    url: https://example.org/{len(lines)}")
        affiliation = draw(st.sampled_from(F.AFFILIATIONS))
        if affiliation:
            lines.append(f"    affiliations:\n      name: {_q(affiliation)}")
    return "\n".join(lines) + "\n"


date_value = st.sampled_from(
    [
        "2024-03-05",
        "2024-03-05 10:20:30 +0100",
        "2024-03-05 10:20:30 -0800",
        "2024-03-05T10:20:30Z",
        "2024-03-05T10:20:30.123+05:30",
        "2024-03-05 10:20",
        "'2024-03-05'",
        "2024-3-5",
        "March 5, 2024",
        "1999-12-31 23:59:59 +1400",
    ]
)


@st.composite
def tags(draw: st.DrawFn, key: str) -> str:
    values = draw(st.lists(st.sampled_from(F.TAGS), min_size=1, max_size=5, unique=True))
    shape = draw(st.integers(0, 2))
    if shape == 0:
        return f"{key}: {' '.join(v.replace(' ', '-') for v in values)}\n"
    if shape == 1:
        return f"{key}: [" + ", ".join(_q(v) for v in values) + "]\n"
    return f"{key}:\n" + "".join(f"  - {_q(v)}\n" for v in values)


@st.composite
def cover(draw: st.DrawFn, site: dict[str, Picture]) -> str:
    src = draw(picture(site))
    if "{{" in src:  # front matter is not Liquid
        src = "/" + src.split("/", 1)[1].split("'", 1)[0].lstrip("/")
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return f"image: {_q(src)}\n"
    if shape == 1:
        return f"image:\n  path: {_q(src)}\n  thumbnail: {_q(src)}\n  alt: A cover\n"
    if shape == 2:
        return f"header:\n  image: {_q(src)}\n  teaser: {_q(src)}\n  caption: 'Photo credit: someone'\n"
    if shape == 3:
        return f"cover: {_q(src.lstrip('/'))}\n"
    return f"image:\n  feature: {_q(src)}\n  credit: Unsplash\n"


@st.composite
def front_matter(draw: st.DrawFn, site: dict[str, Picture]) -> str | None:
    if draw(st.integers(0, 40)) == 0:
        return None
    lines: list[str] = []
    if draw(st.integers(0, 2)):
        lines.append("layout: post\n")
    title = draw(st.integers(0, 8))
    if title == 0:
        pass  # no title
    elif title == 1:
        lines.append(f"title: {_q(draw(long_text))}\n")
    elif title == 2:
        lines.append("title: 2024\n")
    else:
        lines.append(f"title: {_q(draw(st.sampled_from(F.SHORT_TITLES)))}\n")
    if draw(st.booleans()):
        lines.append(f"date: {draw(date_value)}\n")
    if draw(st.integers(0, 3)):
        lines.append(draw(authors()))
    for key in ("description", "excerpt", "subtitle", "summary"):
        if draw(st.integers(0, 2)) == 0:
            lines.append(draw(text_field(key)))
    for key in ("tags", "categories"):
        if draw(st.booleans()):
            lines.append(draw(tags(key)))
    if draw(st.integers(0, 4)) == 0:
        lines.append(f"category: {draw(st.sampled_from(F.TAGS))}\n")
    if draw(st.integers(0, 2)) == 0:
        lines.append(draw(cover(site)))
    if draw(st.integers(0, 2)) == 0:
        lines.append(f"lang: {draw(st.sampled_from(F.LANGS))}\n")
    extras = draw(
        st.lists(
            st.sampled_from(
                [
                    "published: false\n",
                    "published: true\n",
                    "toc: true\ntoc_sticky: true\n",
                    "mathjax: true\n",
                    "comments: false\n",
                    "permalink: /blog/:year/:title/\n",
                    "redirect_from:\n  - /old-url/\n",
                    "last_modified_at: 2024-04-01T08:00:00-05:00\n",
                    "sitemap: false\n",
                    "og_image: /assets/og.png\n",
                    'excerpt_separator: "<!--more-->"\n',
                    "empty:\n",
                ]
            ),
            max_size=3,
            unique=True,
        )
    )
    lines.extend(extras)
    order = draw(st.permutations(lines))
    return "".join(order)


# ---------------------------------------------------------------- sites

CONFIG = st.sampled_from(
    [
        "title: Generated Blog\nurl: https://example.org\nmarkdown: kramdown\n",
        'title: "Notes & Thoughts"\nurl: https://blog.example.com\nbaseurl: /blog\n'
        "author: Site Owner\nlang: en\n",
        "title: مدونة\nlang: ar\nauthor:\n  name: Site Owner\n",
        "title: 技术博客\nurl: https://example.cn\nbaseurl: ''\nlang: zh-CN\ndescription: 一个技术博客\n",
        "title: Site\nkramdown:\n  math_engine: mathjax\n  input: GFM\n",
    ]
)

slug = st.one_of(
    st.sampled_from(
        ["hello-world", "notes", "speed-limits", "a post with spaces", "über-straße", "机器学习", "x"]
    ),
)


@st.composite
def sites(draw: st.DrawFn) -> Site:
    pictures: dict[str, Picture] = {}
    front = draw(front_matter(pictures))
    text = draw(body(pictures))
    if front is None and text.lstrip("\r\n").startswith("---"):
        text = "Notes without front matter.\n\n" + text  # else the rule would open front matter
    date = draw(st.sampled_from(["2024-03-05", "2019-06-11", "2024-6-1", "2001-01-01"]))
    return Site(draw(slug), date, draw(CONFIG), front, text, pictures)
