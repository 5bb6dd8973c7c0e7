"""toolkit.svgraster: an SVG drawn as a PNG of the asked size, from any thread, or None."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from export_post.toolkit.svgraster import svg_to_png

SQUARE = b"""<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">
<rect x="0" y="0" width="20" height="20" fill="#ff0000"/></svg>"""


def _image(png: bytes | None) -> Image.Image:
    assert png is not None and png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).convert("RGBA")


def test_drawn_as_wide_as_asked_with_its_proportions() -> None:
    image = _image(svg_to_png(SQUARE, width=400))
    assert image.size == (400, 200)
    assert image.getpixel((100, 100)) == (255, 0, 0, 255)  # the left half is the red square
    right = image.getpixel((300, 100))  # the right half is transparent
    assert isinstance(right, tuple) and right[3] == 0


def test_zoom_scales_its_own_size() -> None:
    assert _image(svg_to_png(SQUARE, zoom=2.5)).size == (100, 50)
    assert _image(svg_to_png(SQUARE)).size == (40, 20)


def test_points_are_css_points() -> None:
    # matplotlib sizes every SVG in pt: 30pt is 40 px at CSS's 96 dpi
    svg = SQUARE.replace(b'width="40" height="20"', b'width="30pt" height="15pt"')
    assert _image(svg_to_png(svg)).size == (40, 20)


def test_what_resvg_cannot_draw_is_none() -> None:
    assert svg_to_png(b"<svg") is None
    assert svg_to_png(b"not an svg at all") is None
    assert svg_to_png(SQUARE.replace(b'width="40" height="20"', b'width="0" height="0"')) is None
    assert svg_to_png("<svg>\u00e9</svg>".encode("latin-1")) is None  # not UTF-8


def test_threads_each_draw_with_their_own_options() -> None:
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda width: svg_to_png(SQUARE, width=width), range(100, 140)))
    assert [_image(png).size for png in drawn] == [(w, -(-w // 2)) for w in range(100, 140)]


def test_markup_it_cannot_read_leaves_nothing_on_standard_error() -> None:
    import subprocess
    import sys

    code = "from export_post.toolkit.svgraster import svg_to_png as f; print(f(b'<svg'), f(b'<html/>'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("None None\n", "")


def test_a_raster_too_large_is_not_drawn() -> None:
    tall = SQUARE.replace(b'width="40" height="20" viewBox="0 0 40 20"', b'width="1" height="100000"')
    assert svg_to_png(tall, width=1920) is None
