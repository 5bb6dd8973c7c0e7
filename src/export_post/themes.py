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
    slides: {font: Calibri, heading_font: Calibri, mono_font: Consolas,
             body_size: 24, min_size: 16, caption_size: 14, template: null}

Colours become CSS custom properties (``--color-accent``) and fonts ``--font-body``, so the
same values drive EPUB, PDF and HTML; the palette's text, heading, background, accent and
muted colours colour the deck too, unless ``slides`` sets its own (a dark deck for a light
book, say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KNOWN = frozenset({"name", "description", "extends", "colors", "fonts", "css", "code_style", "slides"})


@dataclass(frozen=True, slots=True, kw_only=True)
class SlideStyle:
    font: str = "Calibri"
    heading_font: str = "Calibri"
    mono_font: str = "Consolas"
    background: str = "#FFFFFF"
    text: str = "#1F2933"
    title: str = "#102A43"
    accent: str = "#0F766E"
    muted: str = "#52606D"
    body_size: float = 24.0
    min_size: float = 16.0
    caption_size: float = 14.0
    template: Path | None = None  # a reference .pptx whose masters and layouts are used


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
    slides: SlideStyle = field(default_factory=SlideStyle)

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
    return _load(spec, seen=(), base=None)


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


def _load(spec: str, seen: tuple[str, ...], base: Path | None) -> Theme:
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
    unknown = set(data) - _KNOWN
    if unknown:
        raise ThemeError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    parent_spec = data.get("extends")
    if parent_spec:
        parent = _load(str(parent_spec), (*seen, origin), folder if isinstance(folder, Path) else None)
    else:
        parent = Theme(name="", description="", origin="", folders=())
    return _merge(parent, data, folder, origin, where)


def _merge(parent: Theme, data: dict[str, Any], folder: Traversable, origin: str, where: str) -> Theme:
    colors = dict(parent.colors)
    for key, value in _mapping(data, "colors", where).items():
        if not isinstance(value, str) or not _COLOR.match(value):
            raise ThemeError(f"{where}: colors.{key} must be a colour like '#0f766e'")
        colors[str(key)] = value.lower()
    fonts = dict(parent.fonts)
    for key, value in _mapping(data, "fonts", where).items():
        families = [value] if isinstance(value, str) else value
        if not isinstance(families, list) or not all(isinstance(f, str) for f in families):
            raise ThemeError(f"{where}: fonts.{key} must be a font name or a list of them")
        fonts[str(key)] = tuple(families)
    layers = {k: list(v) for k, v in parent.css_layers.items()}
    for target, names in _mapping(data, "css", where).items():
        if target not in ("common", *TARGETS):
            raise ThemeError(f"{where}: css.{target} is not one of common, {', '.join(TARGETS)}")
        for name in [names] if isinstance(names, str) else names or []:
            if not folder.joinpath(str(name)).is_file():
                raise ThemeError(f"{where}: css file {name} not found")
            layers.setdefault(str(target), []).append((folder, str(name)))
    own_slides = _mapping(data, "slides", where)
    slides = _slides(parent.slides, own_slides, folder, where)
    slides = _palette_slides(slides, colors, _mapping(data, "colors", where), own_slides)
    return Theme(
        name=str(data.get("name") or parent.name or "theme"),
        description=str(data.get("description") or parent.description or ""),
        origin=origin,
        folders=(*parent.folders, folder),
        colors=MappingProxyType(colors),
        fonts=MappingProxyType(fonts),
        css_layers=MappingProxyType({k: tuple(v) for k, v in layers.items()}),
        code_style=str(data.get("code_style") or parent.code_style),
        slides=slides,
    )


# Palette colours that also colour the deck, unless the theme sets the slide colour itself.
PALETTE_TO_SLIDES = {"text": "text", "background": "background", "accent": "accent", "muted": "muted"}


def _palette_slides(
    slides: SlideStyle,
    colors: Mapping[str, str],
    own_colors: Mapping[str, Any],
    own_slides: Mapping[str, Any],
) -> SlideStyle:
    """The deck in this theme's palette: each palette colour the theme sets carries over to
    the slides (``heading``, or failing that ``text``, to slide titles)."""
    derived = {
        slide_key: colors[color_key].upper()
        for color_key, slide_key in PALETTE_TO_SLIDES.items()
        if color_key in own_colors and slide_key not in own_slides
    }
    title_from = "heading" if "heading" in colors else "text"
    if title_from in own_colors and "title" not in own_slides:
        derived["title"] = colors[title_from].upper()
    return replace(slides, **derived)  # type: ignore[arg-type]  # colour fields only


def _slides(parent: SlideStyle, data: Mapping[str, Any], folder: Traversable, where: str) -> SlideStyle:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in SlideStyle.__dataclass_fields__:
            raise ThemeError(f"{where}: unknown key slides.{key}")
        if key == "template":
            values[key] = None  # `template: null` clears an inherited template
            if value:
                template = folder.joinpath(str(value))
                if not template.is_file() or not isinstance(template, Path):
                    raise ThemeError(f"{where}: slides.template {value} not found")
                values[key] = template
            continue
        default = getattr(parent, key)
        if isinstance(default, float):
            if not isinstance(value, int | float) or value <= 0:
                raise ThemeError(f"{where}: slides.{key} must be a positive number")
            values[key] = float(value)
        elif key in ("background", "text", "title", "accent", "muted"):
            if not isinstance(value, str) or not _COLOR.match(value):
                raise ThemeError(f"{where}: slides.{key} must be a colour like '#0f766e'")
            values[key] = value.upper()
        else:
            values[key] = str(value)
    merged = {name: getattr(parent, name) for name in SlideStyle.__dataclass_fields__}
    merged.update(values)
    style = SlideStyle(**merged)
    if style.min_size > style.body_size:
        raise ThemeError(f"{where}: slides.min_size is larger than slides.body_size")
    return style


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ThemeError(f"{where}: {key} must be a mapping")
    return value
