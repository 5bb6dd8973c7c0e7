"""The shapes a slide has besides its text: background, pictures, the photo overlay and
band, the accent bar and the slide number."""

from __future__ import annotations

import io

from PIL import Image as PILImage
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from . import oxml
from .deck import Picture, Rect
from .geometry import INSET_X
from .units import emu, rgb

PHOTO_SHADE = "#0B1220"  # the overlay and caption band over photos
OVERLAY_STOPS = ((0, 25000), (45000, 55000), (100000, 85000))  # position, opacity (1/1000 %)


def background(slide: PptxSlide, color: str) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = rgb(color)


def bar(slide: PptxSlide, rect: Rect, color: str) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(color)
    shape.line.fill.background()
    shape.name = "Accent bar"


def picture(slide: PptxSlide, planned: Picture) -> None:
    data, _ = pptx_image(planned.resource.data, planned.resource.media_type)
    rect = planned.rect
    pic = slide.shapes.add_picture(io.BytesIO(data), emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
    left, top, right, bottom = planned.crop
    pic.crop_left, pic.crop_top, pic.crop_right, pic.crop_bottom = left, top, right, bottom
    oxml.describe_picture(pic, planned.alt, "Picture")


def overlay(slide: PptxSlide, full: Rect) -> None:
    """A dark gradient over the cover photo so white text stays legible."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), emu(full.w), emu(full.h))
    shape.line.fill.background()
    shape.name = "Overlay"
    oxml.gradient_fill(shape, PHOTO_SHADE, OVERLAY_STOPS, angle=5400000)


def band(slide: PptxSlide, rect: Rect) -> None:
    """A translucent dark band across a photo, under its title and caption."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
    shape.line.fill.background()
    shape.name = "Caption band"
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(PHOTO_SHADE)
    oxml.fill_alpha(shape, 72000)


def slide_number(
    slide: PptxSlide, rect: Rect, number: int, *, rtl: bool, look: tuple[str, str] | None
) -> None:
    box = slide.shapes.add_textbox(emu(rect.x), emu(rect.y), emu(rect.w), emu(rect.h))
    box.name = "Slide number"
    frame = box.text_frame
    frame.margin_left = frame.margin_right = emu(INSET_X)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT if rtl else PP_ALIGN.RIGHT
    oxml.slide_number_field(paragraph, number, look)


def pptx_image(data: bytes, media_type: str) -> tuple[bytes, str]:
    """Bytes python-pptx can embed: JPEG, PNG and GIF as they are, anything else as PNG."""
    if media_type in ("image/jpeg", "image/png", "image/gif"):
        return data, media_type
    with PILImage.open(io.BytesIO(data)) as img:
        out = io.BytesIO()
        img.save(out, "PNG")
    return out.getvalue(), "image/png"
