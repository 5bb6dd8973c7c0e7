"""Finding exporters: entry points (``export_post.exporters``) plus runtime registrations.

Heavy libraries are imported by the exporter modules themselves, so listing formats only
imports the small plugin modules. What the core knows of the built-in exporters it learns
here, as of any other: ``-f all`` is the formats whose class says ``in_all = True``.
"""

from __future__ import annotations

import difflib
from importlib import metadata

from . import plugins
from .errors import PluginError, UnknownFormatError
from .exporter import Exporter

ENTRY_POINT_GROUP = "export_post.exporters"
EXPORTER_FACTS = ("name", "media_type", "file_extension", "description", "Options", "export")
# Optional members: in_all/all_order (part of -f all), export_book (can make a book of many posts).
BOOK_MEMBER = "export_book"
DEFAULT_ALL_ORDER = 100  # where a plugin's format marked in_all comes: after the built-ins
_registered: dict[str, type[Exporter]] = {}


def register_exporter(cls: type[Exporter], *, override: bool = False) -> None:
    """Make ``cls`` available under ``cls.name`` without packaging (tests, scripts)."""
    missing = [attr for attr in EXPORTER_FACTS if not hasattr(cls, attr)]
    if missing:
        raise PluginError(f"{cls!r} is not an exporter class (missing {', '.join(missing)})")
    if not override and cls.name in _entry_points():
        raise PluginError(f"format {cls.name!r} is already provided by {_entry_points()[cls.name].value}")
    _registered[cls.name] = cls


def unregister_exporter(name: str) -> None:
    _registered.pop(name, None)


def _entry_points() -> dict[str, metadata.EntryPoint]:
    try:
        return plugins.entry_points(ENTRY_POINT_GROUP)
    except ValueError as err:
        raise PluginError(f"format {err}") from None


def format_names() -> list[str]:
    return sorted(set(_entry_points()) | set(_registered))


def exporter_class(name: str) -> type[Exporter]:
    registered = _registered.get(name)  # one lookup: another thread may unregister it meanwhile
    if registered is not None:
        return registered
    ep = _entry_points().get(name)
    if ep is None:
        close = difflib.get_close_matches(name, format_names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; available: {', '.join(format_names())}"
        raise UnknownFormatError(f"unknown format {name!r}{hint}")
    try:
        cls = ep.load()
    except (ImportError, AttributeError) as err:
        raise PluginError(f"format {name!r} ({ep.value}) cannot be loaded: {err}") from err
    if not isinstance(cls, type) or not all(hasattr(cls, attr) for attr in EXPORTER_FACTS):
        missing = ", ".join(a for a in EXPORTER_FACTS if not hasattr(cls, a))
        raise PluginError(f"format {name!r} ({ep.value}) is not an exporter class (missing {missing})")
    return cls


def get_exporter(name: str) -> Exporter:
    return exporter_class(name)()


def installed_exporters() -> dict[str, type[Exporter]]:
    """Every format's exporter class by name, sorted; one that cannot be loaded is left out
    (naming it with ``-f`` reports why)."""
    found: dict[str, type[Exporter]] = {}
    for name in format_names():
        try:
            found[name] = exporter_class(name)
        except (PluginError, UnknownFormatError):  # unknown: unregistered meanwhile
            continue
    return found


def all_formats() -> list[str]:
    """What ``-f all`` stands for: the formats whose exporter sets ``in_all = True``, in the
    order of their ``all_order`` (then by name)."""
    marked = [
        (getattr(cls, "all_order", DEFAULT_ALL_ORDER), name)
        for name, cls in installed_exporters().items()
        if getattr(cls, "in_all", False) is True
    ]
    return [name for _, name in sorted(marked)]


def supports_book(cls: type[Exporter]) -> bool:
    """Whether the format can make one book of many posts (its class has ``export_book``)."""
    return callable(getattr(cls, BOOK_MEMBER, None))


def book_formats() -> list[str]:
    """The installed formats that can make a book."""
    return [name for name, cls in installed_exporters().items() if supports_book(cls)]
