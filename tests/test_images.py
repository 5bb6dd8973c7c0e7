"""Large pictures are scaled down once for EPUB and slides, never up; PDF keeps them whole."""

from __future__ import annotations

import io
import zipfile
from collections import OrderedDict
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from export_post import load_post, render
from export_post.resources import Resource, ResourceResolver
from export_post.resources import resolver as resolver_module
from export_post.resources.images import DownscalingResolver, downscale


def encoded(size: tuple[int, int], kind: str, **save: object) -> bytes:
    mode = "P" if kind == "GIF" else "RGB"
    image = Image.new("RGB", size, "white")
    for x in range(0, size[0], 7):  # detail, so that smaller really is smaller
        for y in range(0, size[1], 5):
            image.putpixel((x, y), (x % 256, y % 256, 90))
    out = io.BytesIO()
    image.convert(mode).save(out, kind, **save)
    return out.getvalue()


def resource(data: bytes) -> Resource:
    found = ResourceResolver(post_dir=Path.cwd()).inspect("pic", data, None)
    assert found is not None
    return found


def test_a_large_jpeg_stays_a_jpeg_with_its_exif() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the viewer still turns it
    big = resource(encoded((3000, 2000), "JPEG", exif=exif.tobytes()))
    small = downscale(big, 1700)
    assert (small.width, small.height, small.media_type) == (1700, 1133, "image/jpeg")
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.format == "JPEG" and image.size == (1700, 1133)
        assert image.getexif()[0x0112] == 6
    assert len(small.data) < len(big.data) and small.digest != big.digest
    assert small.name != big.name and small.ref == big.ref


@pytest.mark.parametrize(
    ("size", "max_px", "expected"),
    [
        ((3000, 2000), 1600, (1500, 1000)),  # decoded at half size: a sixteenth under the limit
        ((3300, 2200), 1600, (1600, 1067)),  # half size is over the limit: resampled from it
        ((2000, 3000), 1200, (800, 1200)),  # half size, then resampled
        ((3000, 2000), 1700, (1700, 1133)),  # half size would be too small: decoded whole
        ((6000, 1000), 800, (750, 125)),  # a quarter of the size
    ],
)
def test_a_jpeg_is_decoded_at_a_smaller_scale_within_a_sixteenth_of_the_limit(
    size: tuple[int, int], max_px: int, expected: tuple[int, int]
) -> None:
    small = downscale(resource(encoded(size, "JPEG")), max_px)
    assert (small.width, small.height) == expected
    assert max_px * 15 / 16 <= max(expected) <= max_px
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.size == expected


def test_a_large_png_stays_a_png_and_portrait_is_limited_by_its_height() -> None:
    small = downscale(resource(encoded((900, 2400), "PNG")), 1200)
    assert (small.width, small.height, small.media_type) == (450, 1200, "image/png")
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.format == "PNG"


@pytest.mark.parametrize("max_px", [0, 1500, 3000])
def test_never_upscaled_and_zero_keeps_everything(max_px: int) -> None:
    picture = resource(encoded((1500, 200), "PNG"))
    assert downscale(picture, max_px) is picture


def test_animated_gifs_and_svg_are_left_alone() -> None:
    frames = [Image.new("RGB", (2400, 100), colour).convert("P") for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    animated = resource(out.getvalue())
    assert downscale(animated, 800) is animated
    svg = resource(b'<svg xmlns="http://www.w3.org/2000/svg" width="5000" height="100"/>')
    assert downscale(svg, 800) is svg


def test_a_still_gif_is_scaled_as_a_gif() -> None:
    small = downscale(resource(encoded((2400, 300), "GIF")), 800)
    assert (small.width, small.media_type) == (800, "image/gif")


def test_each_picture_is_scaled_once_per_size() -> None:
    big = resource(encoded((2500, 1000), "JPEG"))
    assert downscale(big, 1000) is downscale(big, 1000)
    assert downscale(big, 900).width == 900


def test_the_view_shares_the_resolver_and_its_cache(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(encoded((2000, 1000), "PNG"))
    resolver = ResourceResolver(post_dir=tmp_path)
    view = DownscalingResolver(resolver, 500)
    scaled = view.image("big.png")
    assert scaled is not None and scaled.width == 500
    original = resolver.image("big.png")
    assert original is not None and original.width == 2000  # the PDF's: untouched
    assert view.image("missing.png") is None
    assert [d.code for d in resolver.reporter.diagnostics] == ["image-not-found"]


def test_pictures_scaled_ahead_in_threads_are_the_ones_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from export_post.model import Image as Picture
    from export_post.resources import images

    for index in range(4):
        (tmp_path / f"big{index}.jpg").write_bytes(encoded((1800 + index, 1200), "JPEG"))
    (tmp_path / "small.png").write_bytes(encoded((300, 200), "PNG"))
    threads: set[str] = set()
    real = images._scaled

    def scaled(*args: object) -> Resource | None:
        import threading

        threads.add(threading.current_thread().name)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(images, "_scaled", scaled)
    monkeypatch.setattr(resolver_module, "cpu_count", lambda: 2)
    resolver = ResourceResolver(post_dir=tmp_path)
    view = DownscalingResolver(resolver, 900)
    refs = ["big0.jpg", "missing.jpg", "small.png", "big1.jpg", "big2.jpg", "big3.jpg", "big0.jpg"]
    view.scale_ahead(Picture(src=ref, line=n + 1) for n, ref in enumerate(refs))
    # Read in order and reported as when shown; scaled by two threads, each picture once.
    assert [(d.code, d.line) for d in resolver.reporter.diagnostics] == [("image-not-found", 2)]
    assert len(threads) == 2 and all(name.startswith("read") for name in threads)
    threads.clear()
    shown = [view.image(f"big{index}.jpg") for index in range(4)]
    assert threads == set()  # showing them scales nothing again
    assert [p.width for p in shown if p is not None] == [900] * 4
    small = view.image("small.png")
    assert small is not None and small.width == 300
    assert len(resolver.reporter.diagnostics) == 1


@pytest.fixture
def big_picture_post(tmp_path: Path) -> Path:
    (tmp_path / "photo.jpg").write_bytes(encoded((2400, 1600), "JPEG"))
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Big\nimage: photo.jpg\n---\nIntro.\n\n## One\n\n![A photo](photo.jpg)\n")
    return post


def zipped_pictures(data: bytes, folder: str) -> list[tuple[int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith(folder) and n.endswith(".jpg")]
        return [Image.open(io.BytesIO(archive.read(n))).size for n in names]


def test_the_epub_holds_the_scaled_picture_once_cover_included(big_picture_post: Path) -> None:
    document = load_post(big_picture_post)
    assert zipped_pictures(render(document, "epub"), "EPUB/images/") == [(1600, 1067)]
    assert zipped_pictures(render(document, "epub", max_image_px=800), "EPUB/images/") == [(800, 533)]
    assert zipped_pictures(render(document, "epub", max_image_px=0), "EPUB/images/") == [(2400, 1600)]


def test_the_deck_holds_scaled_pictures(big_picture_post: Path) -> None:
    sizes = zipped_pictures(render(load_post(big_picture_post), "pptx", max_image_px=1000), "ppt/media/")
    assert sizes and set(sizes) == {(1000, 667)}


def test_the_pdf_keeps_full_resolution(big_picture_post: Path) -> None:
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(render(load_post(big_picture_post), "pdf")))
    sizes = {image.image.size for page in pdf.pages for image in page.images if image.image is not None}
    assert (2400, 1600) in sizes


def test_the_cache_of_scaled_pictures_keeps_to_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    import export_post.resources.images as images

    monkeypatch.setattr(images, "_cache", type(images._cache)())
    pictures = [resource(encoded((1200, 300 + i), "PNG")) for i in range(3)]
    one = len(downscale(pictures[0], 600).data)
    monkeypatch.setattr(images, "_CACHE_BYTES", int(one * 2.5))
    for picture in pictures[1:]:
        downscale(picture, 600)
    assert [digest for digest, _ in images._cache] == [p.digest for p in pictures[1:]]


def _opens_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    opened = [0]
    real = Image.open

    def counting(*args: object, **kwargs: object) -> Image.Image:
        opened[0] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "open", counting)
    return opened


@pytest.mark.parametrize("ahead", [False, True])
def test_a_large_picture_is_decoded_once_for_the_door_and_the_downscaler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> None:
    from export_post.model import Image as Picture
    from export_post.resources import decoded, images

    (tmp_path / "big.png").write_bytes(encoded((2000, 1000), "PNG"))
    (tmp_path / "photo.jpg").write_bytes(encoded((2000, 1000), "JPEG"))
    monkeypatch.setattr(resolver_module, "cpu_count", lambda: 2)
    monkeypatch.setattr(images, "_cache", OrderedDict())  # nothing scaled by an earlier test
    opened = _opens_counted(monkeypatch)
    view = DownscalingResolver(ResourceResolver(post_dir=tmp_path), 500)
    if ahead:
        view.scale_ahead([Picture(src="big.png"), Picture(src="photo.jpg")])
    png, jpeg = view.image("big.png"), view.image("photo.jpg")
    assert png is not None and jpeg is not None and png.width == jpeg.width == 500
    # Each once, at the door, which decodes the JPEG at the scale the downscaler would.
    assert opened[0] == 2
    assert not decoded._kept


@pytest.mark.parametrize(
    ("size", "scaled"), [((1920, 1080), False), ((1080, 1920), False), ((1921, 100), True)]
)
def test_a_picture_at_most_a_fifth_over_the_limit_is_kept_as_it_is(
    tmp_path: Path, size: tuple[int, int], scaled: bool
) -> None:
    from export_post.resources import decoded

    (tmp_path / "shot.png").write_bytes(encoded(size, "PNG"))
    view = DownscalingResolver(ResourceResolver(post_dir=tmp_path), 1600)
    shown = view.image("shot.png")  # read by the downscaler: its decoding kept only to be scaled
    assert not decoded._kept
    original = view.resolver.image("shot.png")
    assert original is not None and shown is not None
    assert (shown is original) is not scaled
    assert max(shown.width, shown.height) == (1600 if scaled else 1920)


def test_nothing_is_kept_for_a_format_that_does_not_scale(tmp_path: Path) -> None:
    from export_post.resources import decoded

    (tmp_path / "big.png").write_bytes(encoded((2000, 1000), "PNG"))
    found = ResourceResolver(post_dir=tmp_path).image("big.png")
    assert found is not None and found.width == 2000
    assert not decoded._kept


def _rgba_png(alpha: int) -> bytes:
    rgb = Image.open(io.BytesIO(encoded((2400, 1200), "PNG"))).convert("RGB")
    rgba = rgb.convert("RGBA")
    rgba.putalpha(alpha)
    out = io.BytesIO()
    rgba.save(out, "PNG")
    return out.getvalue()


def test_an_opaque_alpha_channel_is_dropped_and_the_pixels_are_the_same() -> None:
    data = _rgba_png(255)
    small = downscale(resource(data), 600)
    expected = Image.open(io.BytesIO(data))
    expected.thumbnail((600, 600), Image.Resampling.LANCZOS)  # resampled with its alpha
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.format == "PNG" and image.mode == "RGB" and image.size == (600, 300)
        difference = ImageChops.difference(image, expected.convert("RGB"))
    bands = difference.getextrema()  # one (low, high) pair per band
    assert all(high <= 1 for _, high in bands)  # type: ignore[misc]


def test_a_translucent_picture_keeps_its_alpha() -> None:
    small = downscale(resource(_rgba_png(128)), 600)
    with Image.open(io.BytesIO(small.data)) as image:
        assert image.mode == "RGBA" and image.getchannel("A").getextrema() == (128, 128)


def test_a_scaled_png_is_deflated_at_a_fast_level() -> None:
    small = downscale(resource(encoded((2400, 1200), "PNG")), 600)
    at = small.data.index(b"IDAT") + 4  # the first IDAT chunk's data: a zlib stream
    assert small.data[at + 1] >> 6 == 1  # FLEVEL 1, "fast": zlib levels 2 to 5 (6 is 2)
