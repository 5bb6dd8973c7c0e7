"""TeX as MathJax reads it, rewritten into the subset every math renderer here shares.

MathJax is forgiving where latex2mathml and ziamath are not: it skips ``%`` comments, defines
``\\newcommand`` macros for the whole page, numbers ``align`` rows only on request, and knows
``aligned``, ``gathered`` and ``\\operatorname*``. :func:`normalise` turns such TeX into
what the renderers read the same way, so that each formula renders whole or not at all:

- comments go; ``\\\\\\\\`` (a row break escaped for Markdown) and ``\\\\[2em]`` become ``\\\\``;
- numbered and alignment environments become ``align*``/``matrix``/``array`` forms,
  labels and tags go, an unknown environment refuses the formula;
- MathJax's own extension commands keep only their math (``\\class{c}{x}`` → ``x``);
- macros defined with ``\\newcommand``, ``\\def``, ``\\DeclareMathOperator`` (and colours
  defined with ``\\definecolor``) are expanded, within a bounded budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_TEX = 4000  # what a formula may be as written
MAX_EXPANDED = 20000  # and after its macros are expanded
MAX_EXPANSIONS = 2000

_REFUSED = re.compile(r"\\(?:url|html\w*|input|include|mmlToken|mmlNode|require\s*\{\s*[^}]*\bhtml)\b")
_CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)", re.S)
_SPACE = re.compile(r"\s*")


class TexError(ValueError):
    """The formula cannot be brought into the shared subset; the message says why."""


# ------------------------------------------------------------------------ scanning helpers


def read_group(tex: str, start: int) -> tuple[str, int] | None:
    """The content of the brace group opening at ``tex[start]`` and the index after it."""
    if start >= len(tex) or tex[start] != "{":
        return None
    end = _closing(tex, start + 1, "}")
    return (tex[start + 1 : end], end + 1) if end is not None else None


def _closing(tex: str, start: int, close: str) -> int | None:
    """The index of the first ``close`` from ``start`` on that is outside every brace group
    opened after ``start`` (escaped characters skipped), or None."""
    depth = 0
    i = start
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            i += 2
            continue
        if char == close and depth == 0:
            return i
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        i += 1
    return None


def read_argument(tex: str, start: int) -> tuple[str, int] | None:
    """One TeX argument after optional spaces: a brace group's content or a single token."""
    i = _SPACE.match(tex, start).end()  # type: ignore[union-attr]
    if i >= len(tex) or tex[i] in "}":
        return None
    if tex[i] == "{":
        return read_group(tex, i)
    if tex[i] == "\\":
        m = _CONTROL.match(tex, i)
        assert m is not None
        return m.group(0), m.end()
    return tex[i], i + 1


def read_optional(tex: str, start: int) -> tuple[str | None, int]:
    """A ``[…]`` argument after optional spaces (brackets inside braces do not count)."""
    i = _SPACE.match(tex, start).end()  # type: ignore[union-attr]
    if i >= len(tex) or tex[i] != "[":
        return None, start
    end = _closing(tex, i + 1, "]")
    return (tex[i + 1 : end], end + 1) if end is not None else (None, start)


def _commands(tex: str, names: str) -> list[re.Match[str]]:
    """The control words ``\\name`` (from the ``|``-separated ``names``) that are not escaped."""
    pattern = re.compile(rf"\\(?:{names})(?![A-Za-z])")
    return [m for m in pattern.finditer(tex) if _unescaped(tex, m.start())]


def _unescaped(tex: str, index: int) -> bool:
    """Whether the backslash at ``index`` starts a command (is not the second half of ``\\\\``)."""
    count = 0
    while index - count - 1 >= 0 and tex[index - count - 1] == "\\":
        count += 1
    return count % 2 == 0


# ---------------------------------------------------------------------- comments and rows


def strip_comments(tex: str) -> str:
    """TeX without ``%`` comments (``\\%`` is a percent sign; TeX also drops the line end and
    the next line's indentation)."""
    if "%" not in tex:
        return tex
    out: list[str] = []
    i = 0
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            out.append(tex[i : i + 2])
            i += 2
            continue
        if char == "%":
            end = tex.find("\n", i)
            if end < 0:
                break
            i = _SPACE.match(tex, end + 1).end()  # type: ignore[union-attr]
            out.append(" " if out and out[-1][-1:].isalpha() else "")
            continue
        out.append(char)
        i += 1
    return "".join(out)


_BACKSLASH_RUN = re.compile(r"\\{4,}")
_ROW_SPACING = re.compile(
    r"(?<!\\)((?:\\\\)*)\\\\\s*(?:\*\s*)?\[\s*[-+]?\d*\.?\d+\s*(?:em|ex|pt|mm|cm|in|pc|bp|mu|px|sp|dd)\s*\]"
)
_ROW_STAR = re.compile(r"(?<!\\)((?:\\\\)*)\\\\\*")


def collapse_row_breaks(tex: str) -> str:
    """``\\\\\\\\`` (written so that Markdown leaves ``\\\\``) becomes one row break; the
    spacing in ``\\\\[2em]`` and the star of ``\\\\*`` go."""

    def run(m: re.Match[str]) -> str:
        count = len(m.group(0))
        return "\\\\" + ("\\" if count % 2 else "")

    tex = _BACKSLASH_RUN.sub(run, tex)
    tex = _ROW_SPACING.sub(r"\1\\\\ ", tex)
    return _ROW_STAR.sub(r"\1\\\\", tex)


# ----------------------------------------------------------------------------- environments

# What each environment becomes: the renderers both know align*, matrix, array, cases.
_ENV_TARGET = {
    "equation": "",
    "equation*": "",
    "displaymath": "",
    "math": "",
    "align": "align*",
    "align*": "align*",
    "aligned": "align*",
    "flalign": "align*",
    "flalign*": "align*",
    "alignat": "align*",
    "alignat*": "align*",
    "alignedat": "align*",
    "split": "align*",
    "eqnarray": "array",
    "eqnarray*": "array",
    "gather": "matrix",
    "gather*": "matrix",
    "gathered": "matrix",
    "multline": "matrix",
    "multline*": "matrix",
    "subarray": "smallmatrix",
    "dcases": "cases",
    "dcases*": "cases",
    "rcases": "rcases",
    "cases": "cases",
    "array": "array",
    "matrix": "matrix",
    "pmatrix": "pmatrix",
    "bmatrix": "bmatrix",
    "Bmatrix": "Bmatrix",
    "vmatrix": "vmatrix",
    "Vmatrix": "Vmatrix",
    "smallmatrix": "smallmatrix",
    "matrix*": "matrix",
    "pmatrix*": "pmatrix",
    "bmatrix*": "bmatrix",
    "Bmatrix*": "Bmatrix",
    "vmatrix*": "vmatrix",
    "Vmatrix*": "Vmatrix",
}
_BEGIN_END = re.compile(r"\\(?P<kind>begin|end)\s*\{(?P<name>[^{}]*)\}")


def rewrite_environments(tex: str) -> str:
    """Environments in the shared subset (see ``_ENV_TARGET``); raises :class:`TexError`
    for one no renderer knows."""
    out: list[str] = []
    pos = 0
    for m in _BEGIN_END.finditer(tex):
        if m.start() < pos or not _unescaped(tex, m.start()):
            continue
        name = m["name"].strip()
        target = _ENV_TARGET.get(name)
        if target is None:
            raise TexError(f"the environment {name!r} is not supported")
        out.append(tex[pos : m.start()])
        pos = m.end()
        begin = m["kind"] == "begin"
        if begin and name in ("alignat", "alignat*", "alignedat", "subarray"):
            arg = read_argument(tex, pos)  # the column count (or spec): not needed
            pos = arg[1] if arg else pos
        if begin and name in ("array", "matrix*", "pmatrix*", "bmatrix*", "Bmatrix*", "vmatrix*", "Vmatrix*"):
            _spec, after = read_optional(tex, pos)
            if name == "array":
                group = read_argument(tex, after)
                if group is None:
                    raise TexError("an array without its column specification")
                out.append(f"\\begin{{array}}{{{_columns(group[0])}}}")
                pos = group[1]
                continue
            pos = after
        if target == "":
            out.append(" ")
        elif target == "rcases":
            out.append("\\left.\\begin{array}{ll}" if begin else "\\end{array}\\right\\}")
        elif name.startswith("eqnarray"):
            out.append("\\begin{array}{rcl}" if begin else "\\end{array}")
        else:
            out.append(f"\\{m['kind']}{{{target}}}")
    out.append(tex[pos:])
    return "".join(out)


def _columns(spec: str) -> str:
    """An array column specification reduced to ``l c r |`` (``p{…}`` reads as ``l``;
    ``@{…}``, ``!{…}``, ``>{…}``, ``<{…}`` go; ``*{n}{…}`` is repeated)."""
    out: list[str] = []
    i = 0
    while i < len(spec):
        char = spec[i]
        if char in "lcr|":
            out.append(char)
            i += 1
        elif char in "pmbwX" and char != "X" and spec[i + 1 : i + 2] in ("{",):
            group = read_group(spec, i + 1)
            out.append("l")
            i = group[1] if group else len(spec)
        elif char == "X":
            out.append("l")
            i += 1
        elif char in "@!><":
            group = read_argument(spec, i + 1)
            i = group[1] if group else len(spec)
        elif char == "*":
            count = read_argument(spec, i + 1)
            body = read_argument(spec, count[1]) if count else None
            if count is None or body is None or not count[0].strip().isdigit():
                raise TexError("an array column specification TeX cannot read")
            out.append(_columns(body[0]) * min(int(count[0]), 50))
            i = body[1]
        else:
            i += 1
    return "".join(out) or "c"


# ------------------------------------------------------------------- commands MathJax adds

_DROPPED = re.compile(
    r"\\(?:label|tag\*?|eqref|ref|hypertarget|require)\s*\{[^{}]*\}|\\(?:nonumber|notag|displaybreak|allowbreak)(?![A-Za-z])"
)
# \name{drop}{keep}: MathJax HTML/extension commands whose first argument is not math.
_KEEP_SECOND = ("class", "cssId", "style", "href", "texttip", "mathtip")
_KEEP_ONLY = ("raisebox", "smash", "rlap", "llap", "mathrlap", "mathllap", "mathclap", "clap")
_RENAMED = {
    "textsc": "text",
    "textsl": "textit",
    "textup": "text",
    "textmd": "text",
    "mbox": "text",
    "textnormal": "text",
    "mathds": "mathbb",
    "mathbbm": "mathbb",
    "bm": "boldsymbol",
    "newline": "\\",
    "cr": "\\",
    "textbackslash": "backslash",
    "arg": "mathop{\\mathrm{arg}}",
    "P": "text{\u00b6}",
}


# (name, tex, index after the name) -> (replacement, index after what it replaces), or None
# when the command lacks its arguments.
Rewrite = Callable[[str, str, int], tuple[str, int] | None]


def _replace_commands(tex: str, names: tuple[str, ...] | dict[str, str], fn: Rewrite) -> str:
    """``tex`` with each unescaped ``\\name`` (one of ``names``) and what ``fn`` reads after
    it replaced by what ``fn`` returns. Right to left, so a command inside another's argument
    is rewritten first and every earlier position stays valid."""
    for m in reversed(_commands(tex, "|".join(names))):
        result = fn(m.group(0)[1:], tex, m.end())
        if result is None:
            raise TexError(f"{m.group(0)} without its arguments")
        text, end = result
        tex = tex[: m.start()] + text + tex[end:]
    return tex


def _keep_second(name: str, tex: str, index: int) -> tuple[str, int] | None:
    if name == "texttip" or name == "mathtip":
        first = read_argument(tex, index)
        second = read_argument(tex, first[1]) if first else None
        return (f"{{{first[0]}}}", second[1]) if first and second else None
    first = read_argument(tex, index)
    second = read_argument(tex, first[1]) if first else None
    return (f"{{{second[0]}}}", second[1]) if first and second else None


def _keep_only(name: str, tex: str, index: int) -> tuple[str, int] | None:
    if name == "raisebox":
        lift = read_argument(tex, index)
        if lift is None:
            return None
        _, index = read_optional(tex, lift[1])
        _, index = read_optional(tex, index)
    else:
        _, index = read_optional(tex, index)
    body = read_argument(tex, index)
    return (f"{{{body[0]}}}", body[1]) if body else None


def _bbox(name: str, tex: str, index: int) -> tuple[str, int] | None:
    _, index = read_optional(tex, index)
    body = read_argument(tex, index)
    return (f"{{{body[0]}}}", body[1]) if body else None


def _operatorname(name: str, tex: str, index: int) -> tuple[str, int] | None:
    """``\\operatorname{name}`` as an upright operator; ``*`` puts limits under and over."""
    limits = tex.startswith("*", index)
    body = read_argument(tex, index + 1 if limits else index)
    if body is None:
        return None
    text = body[0].strip()
    plain = re.fullmatch(r"[A-Za-z](?:[A-Za-z.\- ]|\\[,;:! ]|~)*", text)
    op = f"\\mathop{{\\mathrm{{{text}}}}}" if plain else f"{{{text}}}"
    return op + ("\\limits" if limits else ""), body[1]


_TEXT = ("text", "textrm", "textit", "textbf", "textsf", "texttt", "hbox")


def _text(name: str, tex: str, index: int) -> tuple[str, int] | None:
    """Text arguments with TeX's escaped specials as the characters (the converters keep the
    backslash, and write a bare ``&`` into the XML)."""
    body = read_argument(tex, index)
    if body is None:
        return None
    text = re.sub(r"\\([&%$#_])", r"\1", body[0])
    return f"\\{name}{{{text}}}", body[1]


def _renamed(name: str, tex: str, index: int) -> tuple[str, int] | None:
    new = _RENAMED[name]
    if not new:
        return "", index
    if new == "\\":
        return "\\\\ ", index
    return f"\\{new}" + (" " if tex[index : index + 1].isalpha() else ""), index


# -------------------------------------------------------------------------------- macros


@dataclass(frozen=True, slots=True)
class Macro:
    params: int = 0
    default: str | None = None  # the first parameter's default when it is optional
    body: str = ""


@dataclass
class Macros:
    """Macros and colours a post defines, as MathJax keeps them: for the rest of the page."""

    commands: dict[str, Macro] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Macros:
        return Macros(dict(self.commands), dict(self.colors))

    def take_definitions(self, tex: str) -> str:
        """Record the definitions in ``tex`` and return ``tex`` without them."""
        pattern = (
            r"newcommand|renewcommand|providecommand|DeclareMathOperator|DeclareRobustCommand|"
            r"def|gdef|edef|xdef|let|definecolor"
        )
        for _ in range(1000):
            found = _commands(tex, pattern)
            if not found:
                return tex
            m = found[0]
            end = self._define(m.group(0)[1:], tex, m.end())
            if end is None:
                raise TexError(f"a {m.group(0)} definition TeX cannot read")
            tex = tex[: m.start()] + " " + tex[end:]
        raise TexError("too many definitions")

    def _define(self, kind: str, tex: str, index: int) -> int | None:
        if kind == "definecolor":
            parts = []
            for _ in range(3):
                arg = read_argument(tex, index)
                if arg is None:
                    return None
                parts.append(arg[0].strip())
                index = arg[1]
            color = _color_value(parts[1], parts[2])
            if color is not None:
                self.colors[parts[0]] = color
            return index
        star = tex.startswith("*", index)
        index += 1 if star else 0
        name_arg = read_argument(tex, index)
        if name_arg is None:
            return None
        name = name_arg[0].strip()
        if not re.fullmatch(r"\\(?:[A-Za-z]+|.)", name):
            return None
        index = name_arg[1]
        if kind == "let":
            equals = re.compile(r"\s*=?").match(tex, index)
            target = read_argument(tex, equals.end() if equals else index)
            if target is None:
                return None
            known = self.commands.get(target[0][1:]) if target[0].startswith("\\") else None
            self.commands[name[1:]] = known or Macro(body=target[0])
            return target[1]
        if kind.endswith("def"):
            params = re.compile(r"(?:#\d)*").match(tex, index)
            assert params is not None
            count = len(params.group(0)) // 2
            body = read_group(tex, params.end())
            if body is None:
                return None
            self.commands[name[1:]] = Macro(params=count, body=body[0])
            return body[1]
        if kind == "DeclareMathOperator":
            body = read_argument(tex, index)
            if body is None:
                return None
            text = body[0].strip()
            plain = re.fullmatch(r"[A-Za-z][A-Za-z .\-]*", text)
            op = f"\\mathop{{\\mathrm{{{text}}}}}" if plain else f"\\mathop{{{text}}}"
            self.commands[name[1:]] = Macro(body=op + ("\\limits" if star else ""))
            return body[1]
        count_text, index = read_optional(tex, index)
        default, index = read_optional(tex, index)
        body = read_argument(tex, index)
        if body is None or (count_text is not None and not count_text.strip().isdigit()):
            return None
        if kind == "providecommand" and name[1:] in self.commands:
            return body[1]
        count = int(count_text) if count_text is not None else 0
        self.commands[name[1:]] = Macro(params=min(count, 9), default=default, body=body[0])
        return body[1]

    def expand(self, tex: str) -> str:
        """``tex`` with every defined macro expanded (and defined colours as ``#rrggbb``)."""
        if self.commands:
            tex = self._expand_commands(tex)
        return _replace_colors(tex, self.colors) if self.colors else tex

    def _expand_commands(self, tex: str) -> str:
        i = 0
        expansions = 0
        while True:
            m = _CONTROL.search(tex, i)
            if m is None:
                return tex
            name = m.group(0)[1:]
            macro = self.commands.get(name)
            if macro is None:
                i = m.end() if name != "\\" else m.start() + 2
                continue
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                raise TexError("its macros expand too often (a macro that calls itself?)")
            args: list[str] = []
            end = m.end()
            first = 0
            if macro.default is not None and macro.params:
                optional, end = read_optional(tex, end)
                args.append(macro.default if optional is None else optional)
                first = 1
            for _ in range(first, macro.params):
                arg = read_argument(tex, end)
                if arg is None:
                    raise TexError(f"the macro \\{name} lacks an argument")
                args.append(arg[0])
                end = arg[1]
            body = _substitute(macro.body, args)
            if re.search(r"\\[A-Za-z]+$", body) and tex[end : end + 1].isalpha():
                body += " "
            tex = tex[: m.start()] + body + tex[end:]
            if len(tex) > MAX_EXPANDED:
                raise TexError("its macros expand to too much TeX")
            i = m.start()


def _substitute(body: str, args: list[str]) -> str:
    """The macro body with ``#1``…``#9`` replaced by the arguments and ``##`` by ``#``."""

    def arg(m: re.Match[str]) -> str:
        if m.group(1) == "#":
            return "#"
        index = int(m.group(1)) - 1
        return args[index] if 0 <= index < len(args) else ""

    return re.sub(r"#(\d|#)", arg, body)


def _color_value(model: str, spec: str) -> str | None:
    """``\\definecolor`` colours as ``#rrggbb`` (rgb, RGB, HTML and gray models)."""
    try:
        values = [float(v) for v in spec.split(",")] if model in ("rgb", "RGB", "gray") else []
    except ValueError:
        return None
    if model == "rgb" and len(values) == 3 and all(0 <= v <= 1 for v in values):
        return "#" + "".join(f"{round(v * 255):02x}" for v in values)
    if model == "RGB" and len(values) == 3 and all(0 <= v <= 255 for v in values):
        return "#" + "".join(f"{round(v):02x}" for v in values)
    if model == "gray" and len(values) == 1 and 0 <= values[0] <= 1:
        return "#" + f"{round(values[0] * 255):02x}" * 3
    if model == "HTML" and re.fullmatch(r"[0-9A-Fa-f]{6}", spec.strip()):
        return "#" + spec.strip().lower()
    return None


def _replace_colors(tex: str, colors: dict[str, str]) -> str:
    def swap(m: re.Match[str]) -> str:
        name = m.group(2).strip()
        return f"{m.group(1)}{{{colors.get(name, name)}}}"

    return re.sub(r"(\\(?:color|textcolor|colorbox|fcolorbox)\s*)\{([^{}]*)\}", swap, tex)


# ------------------------------------------------------------------------------ normalise


def is_blank(tex: str) -> bool:
    """Whether ``tex`` draws nothing (only spaces, ``\\require`` and the like)."""
    return not re.sub(r"\\require\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])|\s", "", tex)


def normalise(tex: str, macros: Macros | None = None) -> str:
    """``tex`` in the subset the renderers share. Raises :class:`TexError` (with the reason)
    when it cannot be: too long, a refused command, an unknown environment, a runaway macro.

    ``macros`` are those defined earlier on the page; definitions in ``tex`` itself are
    applied to it (and not kept)."""
    tex = tex.strip()
    if not tex:
        raise TexError("the formula is empty")
    if len(tex) > MAX_TEX:
        raise TexError(f"the formula is longer than {MAX_TEX} characters")
    if _REFUSED.search(tex):
        raise TexError("it uses a command that carries links or markup")
    tex = strip_comments(tex)
    local = macros.copy() if macros is not None else Macros()
    tex = local.take_definitions(tex)
    tex = local.expand(tex)
    tex = collapse_row_breaks(tex)
    tex = _DROPPED.sub(" ", tex)
    tex = rewrite_environments(tex)
    tex = _replace_commands(tex, _KEEP_SECOND, _keep_second)
    tex = _replace_commands(tex, _KEEP_ONLY, _keep_only)
    tex = _replace_commands(tex, ("bbox",), _bbox)
    tex = _replace_commands(tex, _RENAMED, _renamed)
    # \color{c}{x} as \textcolor{c}{x}, as MathJax 2 read it: latex2mathml would colour the
    # rest of the row, swallowing the & after it. A bare switch (\color{c} x) stays.
    for m in reversed(_commands(tex, r"color(?=\s*\{[^{}]*\}\s*\{)")):
        tex = tex[: m.start()] + "\\textcolor" + tex[m.end() :]
    tex = _replace_commands(tex, _TEXT, _text)
    # latex2mathml lets a bare \substack swallow the rest of its table cell
    for m in reversed(_commands(tex, "substack")):
        group = read_argument(tex, m.end())
        if group is not None:
            tex = tex[: m.start()] + f"{{\\substack{{{group[0]}}}}}" + tex[group[1] :]
    tex = _replace_commands(tex, ("operatorname",), _operatorname)
    tex = re.sub(r"\\mathrm\s*\{", r"\\mathrm {", tex)  # latex2mathml sets \mathrm{d} italic otherwise
    tex = tex.strip()
    if re.search(r"(?<!\\)(?:\\\\)*\\$", tex):
        tex = tex[:-1].rstrip()  # a control space (``\ ``) the strip cut in half
    if not tex:
        raise TexError("the formula holds only definitions")
    return tex
