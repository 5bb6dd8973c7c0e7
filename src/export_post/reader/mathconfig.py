"""Whether a site writes inline math between single dollars, read from its own configuration.

MathJax and KaTeX take ``\\(…\\)`` and ``\\[…\\]`` by default; single dollars are math only
where the site's configuration says so. That configuration is in the pages the site's
layouts and includes produce, so we read ``_includes/`` and ``_layouts/`` (and the site's
own scripts they load whose names mention math) for:

- MathJax 2: ``MathJax.Hub.Config({tex2jax: {inlineMath: [['$','$'], …]}})``;
- MathJax 3/4: ``window.MathJax = {tex: {inlineMath: [['$', '$'], …]}}`` (or ``{'[+]': …}``);
- KaTeX auto-render: ``renderMathInElement(…, {delimiters: [{left: "$", right: "$",
  display: false}, …]})``.

``export_post: {math: {inline_dollar: true|false}}`` in ``_config.yml`` overrides what is
found. The files read are bounded in number and size and stay inside the site root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Reporter

FOLDERS = ("_includes", "_layouts")
SUFFIXES = frozenset({".html", ".htm", ".liquid", ".js", ".md", ".markdown"})
MAX_FILES = 300
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 6


@dataclass(frozen=True, slots=True)
class MathSyntax:
    """What the site declares about single-dollar inline math.

    ``inline_dollar`` is ``None`` when the site says nothing (no math configuration found):
    the reader then decides per post (see :mod:`export_post.reader.mathpass`)."""

    inline_dollar: bool | None = None
    source: str = ""  # the file (relative to the site root) or setting that decided it


_INLINE_MATH = re.compile(r"\binlineMath\s*:\s*")
_DELIMITERS = re.compile(r"\bdelimiters\s*:\s*")
_STRING_PAIR = re.compile(r"""\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*,\s*(['"])((?:\\.|(?!\3).)*)\3\s*\]""")
_OBJECT = re.compile(r"\{[^{}]*\}")
_ENGINE_SCRIPT = re.compile(r"""src\s*=\s*["'][^"']*(?:mathjax|katex)[^"']*["']""", re.I)
_LOCAL_SCRIPT = re.compile(r"""["']((?:/|\./)?[\w./-]*(?:math|katex)[\w.-]*\.js)["']""", re.I)


def site_math_syntax(root: Path, config: Mapping[str, Any], reporter: Reporter) -> MathSyntax:
    setting = _setting(config, reporter)
    if setting is not None:
        return MathSyntax(setting, "export_post.math.inline_dollar in _config.yml")
    found: MathSyntax | None = None
    for path in config_files(root):
        verdict = _declares_dollar(_read(path))
        if verdict is None:
            continue
        source = path.relative_to(root).as_posix()
        if verdict:
            return MathSyntax(True, source)
        found = found or MathSyntax(False, source)
    return found or MathSyntax()


def _setting(config: Mapping[str, Any], reporter: Reporter) -> bool | None:
    section = config.get("export_post")
    math = section.get("math") if isinstance(section, Mapping) else None
    value = math.get("inline_dollar") if isinstance(math, Mapping) else None
    if value is None or isinstance(value, bool):
        return value
    reporter.warn(
        "math-setting-invalid",
        f"_config.yml: export_post.math.inline_dollar must be true or false, not {value!r}; ignored",
    )
    return None


def config_files(root: Path) -> list[Path]:
    """The files that may hold the site's math configuration, in a fixed order: layouts and
    includes, then the site's own math scripts they name. Bounded, inside ``root``."""
    root = root.resolve()
    files: list[Path] = []
    for folder in FOLDERS:
        files.extend(_walk(root, root / folder))
    scripts: list[Path] = []
    for path in files:
        for m in _LOCAL_SCRIPT.finditer(_read(path)):
            candidate = _inside(root, root / m.group(1).lstrip("./"))
            if candidate is not None and candidate not in files and candidate not in scripts:
                scripts.append(candidate)
    return (files + scripts)[:MAX_FILES]


def watched_paths(root: Path) -> list[Path]:
    """What an incremental build must watch: the folders (for added files) and the files."""
    root = root.resolve()
    folders = [root / folder for folder in FOLDERS]
    for folder in list(folders):
        for current, dirs, _ in _bounded_walk(folder):
            folders.extend(Path(current) / d for d in sorted(dirs))
    return [*dict.fromkeys(folders), *config_files(root)]


def _bounded_walk(folder: Path) -> list[tuple[str, list[str], list[str]]]:
    out = []
    base = len(folder.parts)
    for current, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if len(Path(current).parts) - base >= MAX_DEPTH:
            dirs[:] = []
        out.append((current, dirs, sorted(names)))
    return out


def _walk(root: Path, folder: Path) -> list[Path]:
    out: list[Path] = []
    for current, _dirs, names in _bounded_walk(folder):
        for name in names:
            path = Path(current) / name
            if path.suffix.lower() in SUFFIXES:
                inside = _inside(root, path)
                if inside is not None:
                    out.append(inside)
            if len(out) >= MAX_FILES:
                return out
    return out


def _inside(root: Path, path: Path) -> Path | None:
    """``path`` if it is a regular file whose real location is inside ``root``."""
    try:
        real = path.resolve()
        if not real.is_relative_to(root) or not real.is_file():
            return None
        if real.stat().st_size > MAX_FILE_BYTES:
            return None
    except (OSError, RuntimeError):
        return None
    return real


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _declares_dollar(text: str) -> bool | None:
    """True if ``text`` configures ``$…$`` as inline math, False if it configures MathJax or
    KaTeX without it (their defaults leave dollars alone), None if it says nothing."""
    declared = False
    for m in _INLINE_MATH.finditer(text):
        block = _balanced(text, m.end())
        if block is None:
            continue
        declared = True
        pairs = [(_js(p[1]), _js(p[3])) for p in _STRING_PAIR.findall(block)]
        if ("$", "$") in pairs:
            return True
    for m in _DELIMITERS.finditer(text):
        block = _balanced(text, m.end())
        if block is None:
            continue
        declared = True
        for item in _OBJECT.findall(block):
            left = re.search(r"""left\s*:\s*(['"])(.*?)\1""", item)
            right = re.search(r"""right\s*:\s*(['"])(.*?)\1""", item)
            display = re.search(r"display\s*:\s*(true|false|!0|!1)", item)
            inline = display is not None and display.group(1) in ("false", "!1")
            if left and right and _js(left.group(2)) == "$" and _js(right.group(2)) == "$" and inline:
                return True
    if declared or _ENGINE_SCRIPT.search(text):
        return False
    return None


def _balanced(text: str, start: int) -> str | None:
    """The ``[…]`` or ``{…}`` literal starting at ``start`` (brackets inside strings count;
    configuration literals do not nest strings with brackets that matter)."""
    if start >= len(text) or text[start] not in "[{":
        return None
    depth = 0
    for index in range(start, min(len(text), start + 4000)):
        char = text[index]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def _js(literal: str) -> str:
    """A JavaScript string literal's value (only the escapes delimiters use)."""
    return re.sub(r"\\(.)", r"\1", literal)
