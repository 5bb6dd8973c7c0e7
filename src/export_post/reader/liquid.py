"""The Liquid that appears in real posts, handled as data: never executed, never reading files.

A text pre-pass over the body, as Jekyll renders Liquid before Markdown:

* ``{% raw %}…{% endraw %}`` keeps its content literally;
* ``{% comment %}…{% endcomment %}`` disappears;
* ``{% highlight lang [linenos] %}…{% endhighlight %}`` becomes a fenced code block;
* ``{{ site.url }}``, ``{{ site.baseurl }}``, ``{{ site.title }}``, ``{{ page.title }}``… and the
  ``relative_url`` / ``absolute_url`` / ``prepend`` / ``append`` filters on a string or one of
  those variables are resolved from ``_config.yml`` (empty when unknown);
* ``{% post_url NAME %}`` and ``{% link _posts/… %}`` become the path of the post's source
  file (``/_posts/2024-06-10-name.md``): the link layer keeps it as the link's site target
  (see :mod:`.links`), which a book turns into a link to the chapter; ``{% link FILE %}`` of
  any other file that is not Markdown becomes its URL path (``/assets/x.pdf``);
* ``{% include %}``, ``{% include_relative %}``, control flow and any other tag or expression
  are removed with a warning naming them.

``<!--more-->`` excerpt markers are removed too.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from ..diagnostics import Reporter
from .site import SiteContext
from .source import POST_SUFFIXES

_TOKEN = re.compile(r"\{%-?\s*(?P<tag>.*?)\s*-?%\}|\{\{-?\s*(?P<expr>.*?)\s*-?\}\}", re.S)
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_COMMENT_END = re.compile(r"\{%-?\s*endcomment\s*-?%\}")
_HIGHLIGHT_END = re.compile(r"\{%-?\s*endhighlight\s*-?%\}")
_MORE = re.compile(r"<!--\s*more\s*-->")
_STRING = re.compile(r"""^(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')$""")
_FILTER_ARG = re.compile(r"""^(?P<name>[a-z_]+)(?:\s*:\s*(?P<arg>.+))?$""")


def render_liquid(
    text: str,
    site: SiteContext,
    page: Mapping[str, object],
    reporter: Reporter,
    line_of: Callable[[int], int],
) -> str:
    """``text`` with the Liquid subset resolved. ``line_of`` maps an offset to a file line."""
    out: list[str] = []
    pos = 0
    tokens = _Tokens(text)
    while True:
        m = tokens.search(pos)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos : m.start()])
        line = line_of(m.start())
        if m["expr"] is not None:
            out.append(_expression(m["expr"], site, page, reporter, line))
            pos = m.end()
            continue
        tag = m["tag"]
        name = tag.split(None, 1)[0] if tag else ""
        if name == "raw":
            end = _RAW_END.search(text, m.end())
            stop = end.start() if end else len(text)
            out.append(text[m.end() : stop])
            pos = end.end() if end else len(text)
        elif name == "comment":
            end = _COMMENT_END.search(text, m.end())
            pos = end.end() if end else len(text)
        elif name == "highlight":
            end = _HIGHLIGHT_END.search(text, m.end())
            stop = end.start() if end else len(text)
            words = tag.split()[1:]
            language = words[0] if words and "=" not in words[0] else ""
            code = text[m.end() : stop].strip("\n")
            fence = "~" * max(3, _longest_run(code, "~") + 1)
            out.append(f"{fence}{language}\n{code}\n{fence}")
            pos = end.end() if end else len(text)
        elif name in ("post_url", "link") and (target := _site_file(name, tag, site)) is not None:
            out.append(target)
            pos = m.end()
        else:
            reporter.warn(
                "liquid-tag-removed",
                f"Liquid tag '{{% {name} %}}' is not supported; removed",
                line=line,
            )
            pos = m.end()
    return _MORE.sub("", "".join(out))


class _Tokens:
    """``_TOKEN.search`` without its quadratic worst case: a ``{%`` (or ``{{``) that is never
    closed makes the regex scan to the end of the text, again for every later opener. Once no
    closer is left after an opener, no later opener of that kind can match either."""

    _OPENER = re.compile(r"\{(?=[%{])")

    def __init__(self, text: str) -> None:
        self.text = text
        self._closed = {"%": True, "{": True}  # may an opener of this kind still find its closer?

    def search(self, pos: int) -> re.Match[str] | None:
        text = self.text
        for opener in self._OPENER.finditer(text, pos):
            start = opener.start()
            kind = text[start + 1]
            if not self._closed[kind]:
                continue
            if text.find("%}" if kind == "%" else "}}", start + 2) < 0:
                self._closed[kind] = False
                continue
            m = _TOKEN.match(text, start)
            if m is not None:
                return m
        return None


_VARIABLES: dict[str, Callable[[SiteContext, Mapping[str, object]], str]] = {
    "site.url": lambda s, p: s.url,
    "site.baseurl": lambda s, p: s.baseurl,
    "site.title": lambda s, p: s.setting("title"),
    "site.description": lambda s, p: s.setting("description"),
    "site.github.url": lambda s, p: s.url + s.baseurl,
    "page.title": lambda s, p: str(p.get("title") or ""),
    "page.url": lambda s, p: "",
}


def _expression(
    expr: str, site: SiteContext, page: Mapping[str, object], reporter: Reporter, line: int
) -> str:
    head, *filters = (part.strip() for part in expr.split("|"))
    value = _value(head, site, page)
    if value is None:
        reporter.warn(
            "liquid-expression-removed",
            f"Liquid expression '{{{{ {expr.strip()} }}}}' cannot be resolved; removed",
            line=line,
        )
        return ""
    for spec in filters:
        fm = _FILTER_ARG.match(spec)
        name = fm["name"] if fm else spec
        arg = _value(fm["arg"].strip(), site, page) if fm and fm["arg"] else None
        if name == "relative_url":
            value = _join(site.baseurl, value)
        elif name == "absolute_url":
            value = site.url + _join(site.baseurl, value)
        elif name == "prepend" and arg is not None:
            value = arg + value
        elif name == "append" and arg is not None:
            value = value + arg
        elif name in ("escape", "strip", "xml_escape", "uri_escape", "url_encode"):
            value = value.strip()
        else:
            reporter.warn(
                "liquid-filter-ignored",
                f"Liquid filter '{name}' is not supported; ignored",
                line=line,
            )
    return value


def _value(term: str, site: SiteContext, page: Mapping[str, object]) -> str | None:
    literal = _STRING.match(term)
    if literal:
        return literal["dq"] if literal["dq"] is not None else literal["sq"]
    resolve = _VARIABLES.get(term)
    if resolve is not None:
        return resolve(site, page)
    if term.startswith("site."):
        setting = site.config.get(term[5:])
        return setting if isinstance(setting, str) else None
    return None


def _join(base: str, path: str) -> str:
    if not path or path.startswith(("http://", "https://", "//", "#", "mailto:")):
        return path
    return f"{base}/{path.lstrip('/')}"


def _site_file(name: str, tag: str, site: SiteContext) -> str | None:
    """What ``{% post_url NAME %}`` or ``{% link PATH %}`` stands for: the site-root path of
    the post's file (a book links the chapter), or for ``link`` to a file that is not a post
    or page, its URL path; ``None`` when the file is not found or is a page."""
    words = tag.split()
    if len(words) != 2 or "{" in words[1] or "\\" in words[1]:
        return None
    ref = words[1].strip("'\"").strip("/")
    parts = ref.split("/")
    if not ref or ".." in parts or any(part.startswith(".") for part in parts):
        return None
    if name == "post_url":
        found = _post_file(site.root / "_posts", ref)
        return "/" + found if found else None
    if not (site.root / ref).is_file():
        return None
    if ref.startswith("_posts/") and ref.lower().endswith(POST_SUFFIXES):
        return "/" + ref
    if ref.lower().endswith((*POST_SUFFIXES, ".html")) or ref.startswith("_"):
        return None  # a page: its URL is its permalink, which only Jekyll knows
    return f"{site.baseurl}/{ref}"


def _post_file(posts: Path, name: str) -> str | None:
    """``_posts/…/NAME.md`` (any post suffix, in a subfolder too, as Jekyll finds it)."""
    folder, _, stem = name.rpartition("/")
    for suffix in POST_SUFFIXES:
        candidate = posts / folder / (stem + suffix)
        if candidate.is_file():
            return f"_posts/{folder + '/' if folder else ''}{stem}{suffix}"
    if not folder and posts.is_dir():
        for candidate in sorted(posts.glob(f"*/{glob.escape(stem)}.*")):
            if candidate.suffix.lower() in POST_SUFFIXES and candidate.is_file():
                return candidate.relative_to(posts.parent).as_posix()
    return None


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)
