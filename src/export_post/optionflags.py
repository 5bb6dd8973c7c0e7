"""Exporter options on the command line, built from what the installed exporters declare.

Each field of an exporter's ``Options`` made with :func:`~export_post.exporter.option` becomes
a flag in that exporter's argument group (``pdf options``); a plugin's options work the same
way. An option several exporters declare under one name (``max_image_px``) is one flag, shown
in the group of the first of them and owned by all. :func:`given_options` turns the flags
given back into the keyword options the library takes.
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from .errors import OptionError, PluginError
from .exporter import OptionSpec, option_kinds, option_specs
from .registry import installed_exporters


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionFlag:
    """One exporter option as a command-line flag."""

    name: str  # the keyword: the field of the Options dataclass
    spec: OptionSpec
    default: Any
    kinds: tuple[Any, ...]  # the types the field allows
    owners: tuple[str, ...]  # the formats that declare it

    @property
    def spelling(self) -> str:
        return self.spec.spelling(self.name)

    @property
    def dest(self) -> str:
        return f"exporter option {self.name}"  # apart from every other flag's dest

    def arguments(self) -> dict[str, Any]:
        """The keywords of ``add_argument``; an absent flag leaves ``None`` (not given)."""
        shown = {"dest": self.dest, "default": None, "help": self.spec.help}
        if bool in self.kinds:  # a switch: sets the opposite of the default
            return {**shown, "action": "store_const", "const": not self.default}
        kind = next((k for k in (int, float) if k in self.kinds), str)
        if self.spec.choices and self.spec.metavar is None:
            return {**shown, "type": kind, "choices": self.spec.choices}
        metavar = self.spec.metavar or self.spelling.lstrip("-").upper().replace("-", "_")
        return {**shown, "type": kind, "metavar": metavar}


def exporter_flags() -> dict[str, OptionFlag]:
    """Every declared option of the installed exporters by keyword, format by format."""
    flags: dict[str, OptionFlag] = {}
    for format_name, exporter in installed_exporters().items():
        cls = exporter.Options
        specs = option_specs(cls)
        if not specs:
            continue
        hints = typing.get_type_hints(cls)
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        for name, spec in specs.items():
            known = flags.get(name)
            if known is not None:
                flags[name] = dataclasses.replace(known, owners=(*known.owners, format_name))
                continue
            kinds = option_kinds(hints.get(name))
            flags[name] = OptionFlag(
                name=name, spec=spec, default=defaults[name], kinds=kinds, owners=(format_name,)
            )
    return flags


def add_exporter_options(parser: argparse.ArgumentParser) -> None:
    """One argument group per exporter that declares options, titled ``NAME options``."""
    groups: dict[str, Any] = {}
    for flag in exporter_flags().values():
        owner = flag.owners[0]
        if owner not in groups:
            groups[owner] = parser.add_argument_group(f"{owner} options")
        try:
            groups[owner].add_argument(flag.spelling, **flag.arguments())
        except (argparse.ArgumentError, ValueError, TypeError) as err:
            raise PluginError(f"format {owner!r}: option {flag.name} cannot be a flag: {err}") from None


def given_options(args: argparse.Namespace, formats: list[str]) -> dict[str, Any]:
    """The exporter options the flags set. A flag for a format that is not selected is a
    usage error (``--page-size`` with ``-f epub`` is a mistake, not something to ignore)."""
    options: dict[str, Any] = {}
    for flag in exporter_flags().values():
        value = getattr(args, flag.dest, None)
        if value is None:
            continue
        if not set(flag.owners) & set(formats):
            owner = " or ".join(flag.owners)
            article = "an" if owner[0] in "aeiou" else "a"
            raise OptionError(
                f"{flag.spelling} is {article} {owner} option, but {owner} is not among the formats (-f)"
            )
        options[flag.name] = value
    return options
