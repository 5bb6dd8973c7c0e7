"""The deck's type and colours, read from the ``slides`` section of the theme files.

The theme keeps each ``theme.yaml``'s ``slides`` mapping as written (a
:class:`~export_post.themes.ThemeLayer` per file, base theme first); this module checks it
and builds the :class:`SlideStyle` the planner measures with and the renderer draws with.
Each layer overrides what it sets, and each palette colour a layer sets carries over to the
slides unless that layer sets the slide colour itself (a dark deck for a light book, say).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from export_post.errors import ThemeError
from export_post.themes import COLOR, Theme, ThemeLayer

SECTION = "slides"
# Palette colours that also colour the deck, unless the theme sets the slide colour itself.
PALETTE_TO_SLIDES = {"text": "text", "background": "background", "accent": "accent", "muted": "muted"}
_COLOR_KEYS = ("background", "text", "title", "accent", "muted")


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

    @property
    def referenced_files(self) -> dict[str, Path]:
        """Files outside the theme's folders the deck reads (the build cache digests them)."""
        return {"template": self.template} if self.template is not None else {}


def slide_style(theme: Theme) -> SlideStyle:
    """The theme's slide style, as it was checked when the theme was loaded."""
    style = theme.section(SECTION)
    return style if isinstance(style, SlideStyle) else read_slide_style(theme.layers)


def read_slide_style(layers: Sequence[ThemeLayer]) -> SlideStyle:
    """The ``slides`` sections of a theme's files, base first, checked and merged; a problem
    is a :class:`ThemeError` naming the file."""
    style = SlideStyle()
    for layer in layers:
        own = layer.sections.get(SECTION, {})
        style = _slides(style, own, layer)
        style = _palette_slides(style, layer, own)
    return style


def _palette_slides(slides: SlideStyle, layer: ThemeLayer, own_slides: Mapping[str, Any]) -> SlideStyle:
    """The deck in this layer's palette: each palette colour the layer sets carries over to
    the slides (``heading``, or failing that ``text``, to slide titles)."""
    colors, own_colors = layer.palette, layer.colors
    derived = {
        slide_key: colors[color_key].upper()
        for color_key, slide_key in PALETTE_TO_SLIDES.items()
        if color_key in own_colors and slide_key not in own_slides
    }
    title_from = "heading" if "heading" in colors else "text"
    if title_from in own_colors and "title" not in own_slides:
        derived["title"] = colors[title_from].upper()
    return replace(slides, **derived)  # type: ignore[arg-type]  # colour fields only


def _slides(parent: SlideStyle, data: Mapping[str, Any], layer: ThemeLayer) -> SlideStyle:
    where = layer.where
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in SlideStyle.__dataclass_fields__:
            raise ThemeError(f"{where}: unknown key slides.{key}")
        if key == "template":
            values[key] = _template(value, layer)
            continue
        default = getattr(parent, key)
        if isinstance(default, float):
            if not isinstance(value, int | float) or value <= 0:
                raise ThemeError(f"{where}: slides.{key} must be a positive number")
            values[key] = float(value)
        elif key in _COLOR_KEYS:
            if not isinstance(value, str) or not COLOR.match(value):
                raise ThemeError(f"{where}: slides.{key} must be a colour like '#0f766e'")
            values[key] = value.upper()
        else:
            values[key] = str(value)
    style = replace(parent, **values)
    if style.min_size > style.body_size:
        raise ThemeError(f"{where}: slides.min_size is larger than slides.body_size")
    return style


def _template(value: object, layer: ThemeLayer) -> Path | None:
    """``template: deck.pptx``, relative to the theme's folder; ``template: null`` clears an
    inherited one."""
    if not value:
        return None
    template = layer.folder.joinpath(str(value))
    if not template.is_file() or not isinstance(template, Path):
        raise ThemeError(f"{layer.where}: slides.template {value} not found")
    return template
