"""Themes: one palette and font set that styles every output.

A theme is a folder holding ``theme.yaml`` and CSS files, either an installed package
registered under the ``export_post.themes`` entry-point group (the built-ins are registered
that way too) or any directory given by path. ``extends: other`` inherits everything and
overrides what it sets; CSS layers stack base first. ``theme.yaml``::

    name: default
    description: Clean sans-serif with a teal accent
    extends: null                  # or the name/path of a parent theme
    colors: {text: "#1f2933", heading: "#102a43", background: "#ffffff", accent: "#0f766e",
             accent_light: "#e6f4f1", muted: "#52606d", rule: "#d9e2ec", code_background: "#f5f7f9"}
    fonts:  {body: [Noto Sans, DejaVu Sans, sans-serif], heading: [...], mono: [...]}
    css:    {common: [base.css], pdf: [print.css], epub: [epub.css], html: [screen.css]}
    code_style: friendly           # a Pygments style name
    slides: {font: Calibri, body_size: 24, template: null}   # an exporter's section (PPTX's)

Colours become CSS custom properties (``--color-accent``) and fonts ``--font-body``, so the
same values drive EPUB, PDF and HTML. Any other key is an exporter's section: an installed
exporter that names it as its ``theme_section`` checks it and builds its own style from the
theme's layers (:class:`ThemeLayer`, one per file, base first) when the theme is loaded, so
a bad section fails here, naming the file; a key no installed exporter reads is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from . import plugins
from .errors import ThemeError

ENTRY_POINT_GROUP = "export_post.themes"
THEME_FILE = "theme.yaml"
TARGETS = ("pdf", "epub", "html")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KNOWN = frozenset({"name", "description", "extends", "colors", "fonts", "css", "code_style"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeLayer:
    """One ``theme.yaml`` of a theme's ``extends`` chain, as an exporter's section reads it."""

    where: str  # the file, for error messages
    folder: Traversable  # its folder: files a section names are relative to it
    palette: Mapping[str, str]  # the colours as this file leaves them (inherited ones too)
    colors: Mapping[str, str]  # the colours this file sets
    sections: Mapping[str, Mapping[str, Any]]  # the exporters' sections it sets, as written


@dataclass(frozen=True, slots=True, kw_only=True)
class Theme:
    name: str
    description: str
    origin: str  # "entry point <module>" or the folder it was loaded from
    folders: tuple[Traversable, ...]  # base theme first
    colors: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    fonts: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    css_layers: Mapping[str, tuple[tuple[Traversable, str], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    code_style: str = "default"
    layers: tuple[ThemeLayer, ...] = ()  # base theme first
    # Each exporter's section (``slides``) as that exporter built it from the layers.
    sections: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def section(self, name: str) -> Any:
        """The style an exporter built from its section of the theme (``slides``: the PPTX
        exporter's); ``None`` when no installed exporter reads that section."""
        return self.sections.get(name)

    def __getattr__(self, name: str) -> Any:
        """``theme.slides``: an exporter's section, as :meth:`section` gives it."""
        if not name.startswith("_"):
            sections = object.__getattribute__(self, "sections")
            if name in sections:
                return sections[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def referenced_files(self) -> dict[str, Path]:
        """Files outside the theme's folders its sections read, by label (``template``)."""
        files: dict[str, Path] = {}
        for style in self.sections.values():
            files.update(getattr(style, "referenced_files", {}))
        return files

    def variables_css(self) -> str:
        """The palette and fonts as CSS custom properties on ``:root``."""
        lines = [f"  --color-{k.replace('_', '-')}: {v};" for k, v in self.colors.items()]
        for key, families in self.fonts.items():
            stack = ", ".join(f'"{f}"' if " " in f and f not in _GENERIC else f for f in families)
            lines.append(f"  --font-{key.replace('_', '-')}: {stack};")
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    def css(self, target: str) -> str:
        """All CSS for ``target`` (pdf, epub or html): variables, then each layer in order."""
        parts = [self.variables_css()]
        for folder, name in self.css_layers.get("common", ()) + self.css_layers.get(target, ()):
            parts.append(f"/* {name} */\n" + folder.joinpath(name).read_text(encoding="utf-8"))
        return "\n".join(parts)


_GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"})


def installed_themes() -> dict[str, metadata.EntryPoint]:
    try:
        return plugins.entry_points(ENTRY_POINT_GROUP)
    except ValueError as err:
        raise ThemeError(f"theme {err}") from None


def list_themes() -> list[Theme]:
    """Every installed theme, loaded (so a broken one raises here, not at export time)."""
    return [load_theme(name) for name in sorted(installed_themes())]


def load_theme(name_or_path: str | Path = "default") -> Theme:
    """A theme by installed name or by folder path, with its ``extends`` chain applied.

    A plain name means an installed theme; a :class:`~pathlib.Path`, or text containing a
    path separator or starting with ``.`` or ``~``, means a folder. ``extends`` paths in a
    theme folder are relative to that folder."""
    spec = str(name_or_path)
    if isinstance(name_or_path, Path) and not _looks_like_path(spec):
        spec = f"./{spec}"
    readers = section_readers()
    theme = _load(spec, seen=(), base=None, sections=frozenset(readers))
    built = {name: read(theme.layers) for name, read in readers.items()}
    return replace(theme, sections=MappingProxyType(built))


def section_readers() -> dict[str, Callable[[tuple[ThemeLayer, ...]], object]]:
    """The theme sections the installed exporters read, each with the function that checks
    it and builds the exporter's style from the layers (``theme_section`` and
    ``read_theme_section`` on the exporter class; the PPTX exporter reads ``slides``)."""
    from .registry import installed_exporters  # the registry's exporters need this module

    readers: dict[str, Callable[[tuple[ThemeLayer, ...]], object]] = {}
    for exporter in installed_exporters().values():
        name = getattr(exporter, "theme_section", None)
        if isinstance(name, str) and name not in _KNOWN:
            readers.setdefault(name, exporter.read_theme_section)  # type: ignore[attr-defined]
    return readers


def _looks_like_path(spec: str) -> bool:
    return "/" in spec or "\\" in spec or spec.startswith((".", "~"))


def _locate(spec: str, base: Path | None) -> tuple[Traversable, str]:
    path = Path(spec).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    available = installed_themes()
    if _looks_like_path(spec) or (path.is_dir() and spec not in available):
        if not path.is_dir():
            raise ThemeError(f"theme folder {path} does not exist")
        if not (path / THEME_FILE).is_file():
            raise ThemeError(f"theme folder {path} has no {THEME_FILE}")
        return path.resolve(), str(path.resolve())
    ep = available.get(spec)
    if ep is None:
        hint = ", ".join(sorted(available)) or "none"
        raise ThemeError(f"no theme named {spec!r}; installed themes: {hint}")
    try:
        folder = resources.files(ep.value)
    except (ImportError, TypeError) as err:
        raise ThemeError(f"theme {spec!r} ({ep.value}) cannot be imported: {err}") from err
    if not folder.joinpath(THEME_FILE).is_file():
        raise ThemeError(f"theme {spec!r} ({ep.value}) has no {THEME_FILE}")
    return folder, f"entry point {ep.value}"


def _load(spec: str, seen: tuple[str, ...], base: Path | None, sections: frozenset[str]) -> Theme:
    folder, origin = _locate(spec, base)
    if origin in seen:
        raise ThemeError(f"theme {spec!r} extends itself (via {' -> '.join(seen)})")
    where = f"{origin}/{THEME_FILE}"
    try:
        data = yaml.safe_load(folder.joinpath(THEME_FILE).read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as err:
        raise ThemeError(f"{where}: cannot be read: {err}") from err
    if not isinstance(data, dict):
        raise ThemeError(f"{where}: must be a mapping")
    unknown = set(data) - _KNOWN - sections
    if unknown:
        raise ThemeError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    parent_spec = data.get("extends")
    if parent_spec:
        parent_base = folder if isinstance(folder, Path) else None
        parent = _load(str(parent_spec), (*seen, origin), parent_base, sections)
    else:
        parent = Theme(name="", description="", origin="", folders=())
    return _merge(parent, data, folder, origin, where)


def _merge(parent: Theme, data: dict[str, Any], folder: Traversable, origin: str, where: str) -> Theme:
    colors = _colors(parent, data, where)
    fonts = _fonts(parent, data, where)
    layers = _css_layers(parent, data, folder, where)
    own = {key: _mapping(data, key, where) for key in data if key not in _KNOWN}
    layer = ThemeLayer(
        where=where,
        folder=folder,
        palette=MappingProxyType(colors),
        colors=MappingProxyType({key: colors[key] for key in _mapping(data, "colors", where)}),
        sections=MappingProxyType(own),
    )
    return Theme(
        name=str(data.get("name") or parent.name or "theme"),
        description=str(data.get("description") or parent.description or ""),
        origin=origin,
        folders=(*parent.folders, folder),
        colors=MappingProxyType(colors),
        fonts=MappingProxyType(fonts),
        css_layers=MappingProxyType({k: tuple(v) for k, v in layers.items()}),
        code_style=str(data.get("code_style") or parent.code_style),
        layers=(*parent.layers, layer),
    )


def _colors(parent: Theme, data: dict[str, Any], where: str) -> dict[str, str]:
    colors = dict(parent.colors)
    for key, value in _mapping(data, "colors", where).items():
        if not isinstance(value, str) or not COLOR.match(value):
            raise ThemeError(f"{where}: colors.{key} must be a colour like '#0f766e'")
        colors[str(key)] = value.lower()
    return colors


def _fonts(parent: Theme, data: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    fonts = dict(parent.fonts)
    for key, value in _mapping(data, "fonts", where).items():
        families = [value] if isinstance(value, str) else value
        if not isinstance(families, list) or not all(isinstance(f, str) for f in families):
            raise ThemeError(f"{where}: fonts.{key} must be a font name or a list of them")
        fonts[str(key)] = tuple(families)
    return fonts


def _css_layers(
    parent: Theme, data: dict[str, Any], folder: Traversable, where: str
) -> dict[str, list[tuple[Traversable, str]]]:
    layers = {k: list(v) for k, v in parent.css_layers.items()}
    for target, names in _mapping(data, "css", where).items():
        if target not in ("common", *TARGETS):
            raise ThemeError(f"{where}: css.{target} is not one of common, {', '.join(TARGETS)}")
        for name in [names] if isinstance(names, str) else names or []:
            if not folder.joinpath(str(name)).is_file():
                raise ThemeError(f"{where}: css file {name} not found")
            layers.setdefault(str(target), []).append((folder, str(name)))
    return layers


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ThemeError(f"{where}: {key} must be a mapping")
    return value
