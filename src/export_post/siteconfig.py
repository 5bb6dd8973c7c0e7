"""A site's own defaults for the command line: the ``export_post:`` section of ``_config.yml``.

The keys are the command line's long option names (``page-size``, or ``page_size``), found
on the parser itself, so every option (a plugin's too) can be given a default and none is
listed twice. Values take the YAML types the option takes (``format: [pdf, epub]``,
``strict: true``, ``slide-level: 2``); paths are relative to the ``_config.yml`` they are
in. Options given on the command line win. A key that is no option, or a value the option
cannot take, is a usage error naming the file and the key.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .batch.settings import expand_formats
from .diagnostics import Reporter, printable
from .errors import ExportPostError, OptionError
from .optionflags import exporter_flags
from .reader.frontmatter import MAX_FRONT_MATTER_BYTES, load_front_matter
from .reader.site import CONFIG_NAME, find_site_root
from .resources.safefile import read_regular

SECTION = "export_post"
# Acts, not settings (a site that set watch: true would make every build, CI's too, run for ever).
NOT_DEFAULTS = frozenset({"help", "version", "list-formats", "list-themes", "stop-servers", "watch"})
PATH_METAVARS = frozenset({"PATH", "DIR", "FILE"})  # relative to the _config.yml they are in


def settable_options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option a site may give a default to, by its long name without ``--``."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:  # argparse has no public list of its actions
        longs = [s for s in action.option_strings if s.startswith("--")]
        if not longs or action.help == argparse.SUPPRESS:
            continue
        key = longs[0].removeprefix("--")
        if key not in NOT_DEFAULTS:
            found[key] = action
    return found


def config_file(inputs: Iterable[str], site_root: str | None) -> Path | None:
    """The ``_config.yml`` with an ``export_post:`` section that the inputs' site has (one
    site: the inputs of several sites with such sections are a usage error)."""
    if site_root is not None:
        candidates = [Path(site_root) / CONFIG_NAME]
    else:
        candidates = [_site_folder(Path(value)) / CONFIG_NAME for value in inputs]
    found = list(dict.fromkeys(Path(os.path.realpath(c)) for c in candidates if _section(c) is not None))
    if len(found) > 1:
        listed = ", ".join(printable(str(f)) for f in found)
        raise OptionError(
            f"the inputs belong to sites with different export_post settings ({listed}); "
            "convert each site on its own"
        )
    return found[0] if found else None


def _site_folder(path: Path) -> Path:
    if path.is_dir():
        return path.parent if path.resolve().name == "_posts" else path
    return find_site_root(path)


def _section(path: Path) -> object | None:
    """The ``export_post:`` section of a ``_config.yml`` (``None``: none, or the file cannot be
    read: the reader reports a broken ``_config.yml`` with each post)."""
    try:  # as the reader reads it: a regular file only (never a FIFO), with its YAML limits
        text = read_regular(path, max_bytes=MAX_FRONT_MATTER_BYTES).decode("utf-8-sig")
        data = load_front_matter(text, path, 1, Reporter(path))
    except (OSError, UnicodeDecodeError, ExportPostError):
        return None
    return data.get(SECTION)


def site_defaults(parser: argparse.ArgumentParser, path: Path) -> dict[str, Any]:
    """The section of ``path`` as argparse destinations and values, each checked."""
    section = _section(path)
    where = f"{printable(str(path))}: {SECTION}"
    if not isinstance(section, Mapping):
        raise OptionError(f"{where}: must be a mapping of option names to values")
    options = settable_options(parser)
    values: dict[str, Any] = {}
    for raw_key, value in section.items():
        key = str(raw_key).replace("_", "-")
        action = options.get(key)
        if action is None:
            allowed = ", ".join(sorted(options))
            raise OptionError(f"{where}: unknown key {printable(str(raw_key))!r} (allowed: {allowed})")
        values[action.dest] = _value(action, value, path.parent, f"{where}: {key}")
    return values


def _value(action: argparse.Action, value: object, folder: Path, where: str) -> Any:
    """``value`` as the command line would have given it for ``action``."""
    if action.nargs == 0:  # a switch
        if not isinstance(value, bool):
            raise OptionError(f"{where}: must be true or false, not {_shown(value)}")
        return action.const if value else action.default
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [_scalar(action, item, folder, where) for item in items]
    return _scalar(action, value, folder, where)


def _scalar(action: argparse.Action, value: object, folder: Path, where: str) -> Any:
    kind: Any = action.type if callable(action.type) else str
    allowed = "a number" if kind in (int, float) else "text"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise OptionError(f"{where}: must be {allowed}, not {_shown(value)}")
    if kind is str and not isinstance(value, str):
        raise OptionError(f"{where}: must be text, not {_shown(value)}")
    try:
        converted = kind(value) if kind is not str else value
    except (TypeError, ValueError):
        raise OptionError(f"{where}: must be {allowed}, not {_shown(value)}") from None
    if action.choices is not None and converted not in action.choices:
        listed = ", ".join(map(str, action.choices))
        raise OptionError(f"{where}: must be one of {listed}, not {_shown(value)}")
    if isinstance(converted, str) and _is_path(action, converted):
        joined = str(folder / Path(converted).expanduser())
        return joined + "/" if converted.endswith(("/", os.sep)) else joined  # "/" means a folder
    return converted


def _is_path(action: argparse.Action, value: str) -> bool:
    if action.metavar in PATH_METAVARS:
        return True
    return action.dest == "theme" and (os.sep in value or value.startswith((".", "~")))


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(value)


def given_on_command_line(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> set[str]:
    """The destinations ``argv`` sets (parsed with every default hidden)."""
    saved = {action: action.default for action in parser._actions}
    try:
        for action in saved:
            action.default = argparse.SUPPRESS
        return set(vars(parser.parse_args(argv)))
    finally:
        for action, default in saved.items():
            action.default = default


def apply_site_defaults(
    parser: argparse.ArgumentParser, args: argparse.Namespace, argv: Sequence[str] | None
) -> Path | None:
    """Fill in what the command line left out from the inputs' ``_config.yml``; the file
    used, if any."""
    path = config_file(getattr(args, "inputs", []) or [], getattr(args, "site_root", None))
    if path is None:
        return None
    defaults = site_defaults(parser, path)
    given = given_on_command_line(parser, argv)
    for dest, value in defaults.items():
        if dest not in given:
            setattr(args, dest, value)
    unused = _other_formats_options(args.format)
    for dest in set(defaults) - given:  # a site's default for a format not made this time
        if dest in unused:
            setattr(args, dest, None)
    return path


def _other_formats_options(values: Sequence[str] | None) -> set[str]:
    """The destinations of the exporter options that none of the formats ``values`` name has."""
    names = [part.strip() for value in values or ["pdf"] for part in value.split(",") if part.strip()]
    formats = set(expand_formats(names))
    return {flag.dest for flag in exporter_flags().values() if not formats & set(flag.owners)}


def keys_table(parser: argparse.ArgumentParser) -> str:
    """The keys as a Markdown table (docs/cli.md shows it; a test keeps it current)."""
    rows = ["| Key | Value | Option |", "|-----|-------|--------|"]
    for key, action in sorted(settable_options(parser).items()):
        rows.append(f"| `{key}` | {_value_kind(action)} | `--{key}` |")
    return "\n".join(rows) + "\n"


def _value_kind(action: argparse.Action) -> str:
    if action.nargs == 0:
        return "`true` / `false`"
    if action.choices is not None:
        return " / ".join(f"`{c}`" for c in action.choices)
    if action.dest == "theme":
        return "a theme name, or a path"
    kind = (
        "a number" if action.type in (int, float) else "a path" if action.metavar in PATH_METAVARS else "text"
    )
    return f"{kind}, or a list" if isinstance(action, argparse._AppendAction) else kind
