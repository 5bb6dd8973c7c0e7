"""The settings of a batch, defined once.

:class:`Settings` is the one list of them: each field carries, as a :class:`Setting`, the
name its errors show, the rule it is checked by (:mod:`export_post.checks`), whether it
shapes the outputs (the build cache records those) and how the command line spells it
(a :class:`Flag`). :func:`make_settings`, :func:`~export_post.batch.export_many` and the
command line take their keywords and options from these fields.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import checks
from ..api import check_options, environment_epoch, resolve_theme
from ..errors import OptionError
from ..exporter import Exporter, option_names
from ..registry import all_formats, exporter_class
from ..resources import ResourcePolicy


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """How the command line spells a setting (the ``argparse`` argument)."""

    name: str
    help: str
    metavar: str | None = None
    action: str = "store"

    def arguments(self, dest: str, default: Any) -> dict[str, Any]:
        """The keywords of ``add_argument`` for this flag, storing into ``dest``."""
        if self.action == "store_true":
            return {"dest": dest, "action": "store_true", "help": self.help}
        shown = {"metavar": self.metavar} if self.metavar else {}
        return {"dest": dest, "action": self.action, "default": default, "help": self.help, **shown}


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """What a :class:`Settings` field is, apart from its type and default."""

    label: str  # the name errors show in the library
    check: Callable[[Any, str], Any]  # (value, name shown) -> the value to use; OptionError
    flag: Flag | None = None  # not on the command line when None
    shapes_output: bool = False  # recorded by the build cache (theme and options are, apart)


def _theme(value: object, name: str) -> object:
    """A theme name is checked here; anything else, when the theme is loaded."""
    return checks.text(value, name) if isinstance(value, str) else value


def _folder(value: object, name: str) -> Path | None:
    return None if value is None else checks.folder(value, name)


def _options(value: object, name: str) -> dict[str, Any]:
    if value is not None and not isinstance(value, dict):
        raise OptionError(f"{name} must be a dict, not {type(value).__name__}")
    return dict(value or {})


def _about(check: Callable[[Any, str], Any], **facts: Any) -> dict[str, Setting]:
    """A :class:`Settings` field's metadata: its :class:`Setting`."""
    return {"setting": Setting(check=check, **facts)}


def _switch(flag: str, help: str, shapes_output: bool = False) -> dict[str, Setting]:
    """The metadata of a True/False setting that a flag turns on (named like the flag)."""
    label = flag.removeprefix("--").replace("-", "_")
    switch = Flag(name=flag, help=help, action="store_true")
    return _about(checks.flag, label=label, flag=switch, shapes_output=shapes_output)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything that shapes a conversion apart from the post and the format (the command
    line shows the flags in this order)."""

    theme: str | Path = field(
        default="default",
        metadata=_about(
            _theme,
            label="theme",
            flag=Flag(name="--theme", help="theme name or theme folder (default: default)"),
        ),
    )
    site_root: Path | None = field(
        default=None,
        metadata=_about(
            _folder,
            label="site root",
            flag=Flag(
                name="--site-root", metavar="DIR", help="folder that /-absolute image paths resolve against"
            ),
            shapes_output=True,
        ),
    )
    strict: bool = field(
        default=False, metadata=_switch("--strict", "fail (and write nothing) on any warning")
    )
    allow_remote: bool = field(
        default=False, metadata=_switch("--allow-remote", "fetch https:// images (public hosts only)", True)
    )
    allow_http: bool = field(
        default=False,
        metadata=_switch("--allow-http", "also fetch plain http:// images (implies --allow-remote)", True),
    )
    allowed_hosts: tuple[str, ...] = field(  # exempt from the public-address check (tests only)
        default=(),
        metadata=_about(
            checks.texts,
            label="allowed_hosts",
            flag=Flag(name="--allow-host", metavar="HOST", action="append", help=argparse.SUPPRESS),
            shapes_output=True,
        ),
    )
    options: dict[str, Any] = field(default_factory=dict, metadata=_about(_options, label="options"))
    # The build timestamp (seconds since 1970), travelling with the settings to wherever the
    # post runs. None: each post's date.
    source_date_epoch: int | None = field(
        default=None, metadata=_about(checks.epoch, label="source_date_epoch", shapes_output=True)
    )

    def policy(self) -> ResourcePolicy:
        return ResourcePolicy(
            allow_remote=self.allow_remote, allow_http=self.allow_http, allowed_hosts=self.allowed_hosts
        )


def settings_fields() -> dict[str, Setting]:
    """Every setting by its keyword, in order."""
    return {f.name: f.metadata["setting"] for f in dataclasses.fields(Settings)}


def default(name: str) -> Any:
    """The default of the setting ``name``."""
    return getattr(Settings(), name)


def checked(values: Mapping[str, Any], *, cli: bool = False) -> dict[str, Any]:
    """``values`` (a keyword each; the missing ones get their default) checked, each by its
    rule and under its name (the flag's with ``cli``)."""
    shown: dict[str, Any] = {}
    for name, setting in settings_fields().items():
        if name in values or not cli:
            label = setting.flag.name if cli and setting.flag else setting.label
            shown[name] = setting.check(values.get(name, default(name)), label)
    return shown


def make_settings(formats: Sequence[str], **keywords: Any) -> Settings:
    """Validate formats, theme, options and every setting once, up front (not once per post).

    The keywords are the fields of :class:`Settings`. ``source_date_epoch`` (seconds since
    1970) is the build timestamp; default ``SOURCE_DATE_EPOCH`` from the environment (read
    here, once), else each post's date."""
    unexpected = sorted(set(keywords) - set(settings_fields()))
    if unexpected:
        raise TypeError(f"make_settings() got an unexpected keyword argument {unexpected[0]!r}")
    for fmt in checks.texts(formats, "formats"):
        exporter_class(fmt)
    values = checked(keywords)
    check_options(formats, values["options"])
    resolve_theme(values["theme"])
    values["allow_remote"] = values["allow_remote"] or values["allow_http"]
    if values["source_date_epoch"] is None:
        values["source_date_epoch"] = environment_epoch()
    return Settings(**values)


def split_keywords(keywords: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``export_many``'s loose keywords: ``(settings, exporter options)``."""
    names = set(settings_fields()) - {"options"}  # the exporters' options come loose
    settings = {k: v for k, v in keywords.items() if k in names}
    return settings, {k: v for k, v in keywords.items() if k not in names}


def format_options(settings: Settings, exporter: type[Exporter]) -> dict[str, Any]:
    """The options of ``settings`` that ``exporter`` defines."""
    names = option_names(exporter.Options)
    return {k: v for k, v in settings.options.items() if k in names}


def settings_facts(settings: Settings) -> dict[str, Any]:
    """The settings that shape every output, as the build cache records them."""
    facts = {
        name: getattr(settings, name) for name, setting in settings_fields().items() if setting.shapes_output
    }
    epoch = settings.source_date_epoch
    # as the text of the environment variable it was before: recorded outputs stay valid
    facts["source_date_epoch"] = None if epoch is None else str(epoch)
    return facts


def expand_formats(names: Iterable[str]) -> list[str]:
    """Format names in order, case-folded and de-duplicated; ``all`` stands for the installed
    formats marked as part of it (:func:`~export_post.registry.all_formats`: the four
    built-ins), and names given next to it are kept (``["all", "txt"]``)."""
    names = [name.lower() for name in names]
    everything = all_formats() if "all" in names else []
    expanded = [f for name in names for f in (everything if name == "all" else [name])]
    return list(dict.fromkeys(expanded))
