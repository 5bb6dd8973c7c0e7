"""Generate the stand-in photographs used by the ``personal-growth`` sample site.

The seed post (``personal-growth/_posts/2024-06-10-personal-growth.md``)
references a cover image and five figures that were Unsplash photographs in
the original blog. Those photos are not available, so this script paints
calm, abstract, photo-like stand-ins instead
(gradient skies, soft glows, layered hills and dunes, blurred bokeh and a touch
of film grain). No text is drawn, so the images work behind titles on a PDF
cover, an EPUB cover and a full-bleed slide.

The output is deterministic: every scene uses a fixed random seed, so running
the script again produces byte-identical JPEG files. It only needs Pillow and
takes no arguments; paths are resolved relative to this file::

    python samples/make_sample_images.py

It writes six 1600x1067 baseline JPEGs (8-bit RGB, no EXIF) to
``personal-growth/assets/img/research/Personal_growth/``.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH = 1600
HEIGHT = 1067
BASE_SEED = 20240610
JPEG_QUALITY = 85
OUT_DIR = (
    Path(__file__).resolve().parent / "personal-growth" / "assets" / "img" / "research" / "Personal_growth"
)

# Low-resolution working grid for smooth fields (gradients, glows, vignette);
# they are upscaled with bicubic filtering, which keeps them perfectly smooth.
GRID_W = 320
GRID_H = 214

RGB = tuple[int, int, int]
Stops = tuple[tuple[float, RGB], ...]


@dataclass(frozen=True)
class Ridge:
    """One silhouette layer (hill, mountain range, dune or swell)."""

    base: float  # lowest point of the crest line, as a fraction of the height
    amplitude: float  # crest height above ``base``, as a fraction of the height
    roughness: float  # 0.2 = smooth dunes ... 0.6 = jagged mountains
    color: RGB  # colour at the crest
    mist: RGB  # colour the layer fades into towards its foot
    blur: float = 1.0  # edge softness in pixels (depth of field)
    features: float = 3.0  # number of major bumps across the width


@dataclass(frozen=True)
class Glow:
    """A soft radial light source (sun, moon or diffuse highlight)."""

    x: float
    y: float
    radius: float  # fraction of the image width
    color: RGB
    strength: float


@dataclass(frozen=True)
class Bokeh:
    """A family of defocused light discs."""

    count: int
    colors: tuple[RGB, ...]
    min_radius: float
    max_radius: float
    intensity: float
    region: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class Scene:
    """Everything needed to paint one image."""

    filename: str
    sky: Stops
    angle: float  # gradient direction in degrees (90 = straight down)
    glows: tuple[Glow, ...] = ()
    ridges: tuple[Ridge, ...] = ()
    bokeh: tuple[Bokeh, ...] = ()
    water: float | None = None  # horizon (fraction of height) for a reflection
    vignette: float = 0.3
    grain: float = 5.0


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _smooth(t: float) -> float:
    return t * t * (3.0 - 2.0 * t)


def _lerp(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _sample(stops: Stops, t: float) -> RGB:
    t = _clamp(t)
    for (p0, c0), (p1, c1) in itertools.pairwise(stops):
        if t <= p1:
            span = p1 - p0
            u = (t - p0) / span if span > 0 else 0.0
            return _lerp(c0, c1, _smooth(_clamp(u)))
    return stops[-1][1]


def _upscale(small: Image.Image) -> Image.Image:
    return small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)


def _gradient(stops: Stops, angle: float) -> Image.Image:
    """Multi-stop linear gradient along ``angle`` covering the whole frame."""
    rad = math.radians(angle)
    dx, dy = math.cos(rad), math.sin(rad)
    corners = [(0.0, 0.0), (WIDTH, 0.0), (0.0, HEIGHT), (WIDTH, HEIGHT)]
    proj = [x * dx + y * dy for x, y in corners]
    lo, hi = min(proj), max(proj)
    sx, sy = WIDTH / (GRID_W - 1), HEIGHT / (GRID_H - 1)
    pixels: list[RGB] = []
    for gy in range(GRID_H):
        for gx in range(GRID_W):
            t = (gx * sx * dx + gy * sy * dy - lo) / (hi - lo)
            pixels.append(_sample(stops, t))
    small = Image.new("RGB", (GRID_W, GRID_H))
    small.putdata(pixels)
    return _upscale(small)


def _screen_color(image: Image.Image, mask: Image.Image, color: RGB) -> Image.Image:
    """Screen-blend ``color`` onto ``image`` with per-pixel strength ``mask``."""
    bands = [mask.point([round(v * c / 255) for v in range(256)]) for c in color]
    return ImageChops.screen(image, Image.merge("RGB", bands))


def _add_glow(image: Image.Image, glow: Glow) -> Image.Image:
    values: list[int] = []
    aspect = HEIGHT / WIDTH
    for gy in range(GRID_H):
        for gx in range(GRID_W):
            ddx = gx / (GRID_W - 1) - glow.x
            ddy = (gy / (GRID_H - 1) - glow.y) * aspect
            d = math.hypot(ddx, ddy) / glow.radius
            values.append(round(255 * glow.strength * math.exp(-d * d * 2.2)))
    small = Image.new("L", (GRID_W, GRID_H))
    small.putdata(values)
    return _screen_color(image, _upscale(small), glow.color)


def _value_noise(rng: random.Random, samples: int, frequency: float) -> list[float]:
    """1-D smooth value noise in [0, 1] with cosine interpolation."""
    knots = [rng.random() for _ in range(int(frequency) + 3)]
    out: list[float] = []
    for i in range(samples):
        pos = i / (samples - 1) * frequency
        k = int(pos)
        f = (1.0 - math.cos((pos - k) * math.pi)) / 2.0
        out.append(knots[k] * (1.0 - f) + knots[k + 1] * f)
    return out


def _profile(rng: random.Random, samples: int, ridge: Ridge) -> list[float]:
    """Fractal crest line normalised to [0, 1] (1 = highest)."""
    total = [0.0] * samples
    amplitude, frequency = 1.0, ridge.features
    for _ in range(6):
        octave = _value_noise(rng, samples, frequency)
        total = [t + amplitude * o for t, o in zip(total, octave, strict=True)]
        amplitude *= ridge.roughness
        frequency *= 2.1
    lo, hi = min(total), max(total)
    return [(v - lo) / (hi - lo) for v in total]


def _add_ridge(image: Image.Image, ridge: Ridge, rng: random.Random) -> Image.Image:
    step = 4
    samples = WIDTH // step + 1
    crest = _profile(rng, samples, ridge)
    top = (ridge.base - ridge.amplitude) * HEIGHT
    points = [(i * step, (ridge.base - ridge.amplitude * c) * HEIGHT) for i, c in enumerate(crest)]
    points += [(WIDTH + 10, HEIGHT + 10), (-10, HEIGHT + 10)]
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(mask).polygon(points, fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(ridge.blur, 0.8)))

    # Atmospheric perspective: dense colour at the crest, fading into mist.
    foot = ridge.base * HEIGHT + 0.22 * HEIGHT
    column: list[RGB] = []
    for y in range(HEIGHT):
        t = _clamp((y - top) / (foot - top))
        column.append(_lerp(ridge.color, ridge.mist, t**1.6))
    fill = Image.new("RGB", (1, HEIGHT))
    fill.putdata(column)
    fill = fill.resize((WIDTH, HEIGHT), Image.Resampling.NEAREST)
    return Image.composite(fill, image, mask)


def _add_bokeh(image: Image.Image, bokeh: Bokeh, rng: random.Random) -> Image.Image:
    layer = Image.new("RGB", (WIDTH, HEIGHT), (0, 0, 0))
    x0, y0, x1, y1 = bokeh.region
    for _ in range(bokeh.count):
        radius = rng.uniform(bokeh.min_radius, bokeh.max_radius) * WIDTH
        cx = rng.uniform(x0, x1) * WIDTH
        cy = rng.uniform(y0, y1) * HEIGHT
        level = bokeh.intensity * rng.uniform(0.35, 1.0)
        base = bokeh.colors[rng.randrange(len(bokeh.colors))]
        color = _lerp((0, 0, 0), base, level)
        rim = _lerp((0, 0, 0), base, min(1.0, level * 1.35))
        blur = 2.0 + radius * 0.12
        pad = int(blur * 3 + 4)
        size = int(radius * 2) + 2 * pad
        disc = Image.new("RGB", (size, size), (0, 0, 0))
        box = (pad, pad, size - pad, size - pad)
        ImageDraw.Draw(disc).ellipse(box, fill=color, outline=rim, width=3)
        disc = disc.filter(ImageFilter.GaussianBlur(blur))
        left, upper = int(cx - size / 2), int(cy - size / 2)
        region = (left, upper, left + size, upper + size)
        layer.paste(ImageChops.add(layer.crop(region), disc), region)
    return ImageChops.screen(image, layer)


def _add_water(image: Image.Image, horizon: float, rng: random.Random) -> Image.Image:
    """Mirror the landscape below ``horizon`` as a calm, slightly rippled lake."""
    h = int(horizon * HEIGHT)
    depth = HEIGHT - h
    source = image.crop((0, h - depth, WIDTH, h))
    mirror = source.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    mirror = mirror.filter(ImageFilter.GaussianBlur(3.0))
    shade = Image.new("RGB", mirror.size, (20, 60, 70))
    mirror = Image.blend(mirror, shade, 0.16)
    # Ripples: thin, soft horizontal glints, denser and wider near the viewer.
    ripples = Image.new("L", mirror.size, 0)
    draw = ImageDraw.Draw(ripples)
    for _ in range(140):
        y = depth * rng.random() ** 0.7
        near = y / depth
        length = WIDTH * rng.uniform(0.03, 0.12) * (0.5 + near)
        x = rng.uniform(-0.1, 1.0) * WIDTH
        level = round(rng.uniform(12, 34))
        draw.line([(x, y), (x + length, y)], fill=level, width=1 + int(near * 2))
    ripples = ripples.filter(ImageFilter.GaussianBlur(1.2))
    mirror = _screen_color(mirror, ripples, (235, 248, 244))
    result = image.copy()
    result.paste(mirror, (0, h))
    line = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(line).line([(0, h), (WIDTH, h)], fill=60, width=2)
    line = line.filter(ImageFilter.GaussianBlur(1.5))
    return _screen_color(result, line, (255, 255, 255))


def _vignette(image: Image.Image, amount: float) -> Image.Image:
    values: list[int] = []
    for gy in range(GRID_H):
        for gx in range(GRID_W):
            ddx = gx / (GRID_W - 1) - 0.5
            ddy = gy / (GRID_H - 1) - 0.5
            d = _clamp(math.hypot(ddx, ddy) / 0.7071)
            values.append(round(255 * (1.0 - amount * d**2.2)))
    small = Image.new("L", (GRID_W, GRID_H))
    small.putdata(values)
    factor = _upscale(small)
    return ImageChops.multiply(image, Image.merge("RGB", [factor] * 3))


def _grain(image: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    """Fine monochrome film grain (also dithers away gradient banding)."""
    noise = Image.frombytes("L", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT))
    noise = noise.filter(ImageFilter.GaussianBlur(0.6))
    # The blur narrows the distribution; rescale it around mid-grey.
    gain = amount / 32.0
    up = noise.point([round(max(0.0, (v - 128) * gain)) for v in range(256)])
    down = noise.point([round(max(0.0, (128 - v) * gain)) for v in range(256)])
    image = ImageChops.add(image, Image.merge("RGB", [up] * 3))
    return ImageChops.subtract(image, Image.merge("RGB", [down] * 3))


def render(scene: Scene, seed: int) -> Image.Image:
    """Paint ``scene`` with a private RNG seeded by ``seed``."""
    rng = random.Random(seed)
    image = _gradient(scene.sky, scene.angle)
    for glow in scene.glows:
        image = _add_glow(image, glow)
    for bokeh in scene.bokeh:
        image = _add_bokeh(image, bokeh, rng)
    for ridge in scene.ridges:
        image = _add_ridge(image, ridge, rng)
    if scene.water is not None:
        image = _add_water(image, scene.water, rng)
    image = _vignette(image, scene.vignette)
    return _grain(image, scene.grain, rng)


SCENES: tuple[Scene, ...] = (
    # Cover: dusk over layered mountains; mid/dark tones for white title text.
    Scene(
        filename="Personal_growth_Cover.jpg",
        sky=(
            (0.0, (14, 18, 44)),
            (0.3, (36, 36, 86)),
            (0.55, (86, 66, 126)),
            (0.7, (162, 110, 146)),
            (0.85, (204, 140, 142)),
            (1.0, (214, 150, 140)),
        ),
        angle=86.0,
        glows=(Glow(0.64, 0.6, 0.5, (255, 168, 138), 0.4),),
        bokeh=(Bokeh(36, ((220, 214, 255), (255, 226, 236)), 0.0012, 0.0035, 0.6, (0.0, 0.02, 1.0, 0.36)),),
        ridges=(
            Ridge(0.62, 0.12, 0.5, (120, 92, 146), (156, 112, 148), 2.2, 4.0),
            Ridge(0.7, 0.15, 0.52, (82, 66, 122), (122, 94, 140), 1.6, 3.0),
            Ridge(0.8, 0.16, 0.5, (48, 42, 90), (78, 66, 114), 1.2, 3.5),
            Ridge(0.92, 0.15, 0.45, (22, 22, 52), (32, 30, 66), 1.0, 2.5),
        ),
        vignette=0.38,
        grain=3.5,
    ),
    # Fig 1: warm desert dunes under a hazy sun, sand and terracotta.
    Scene(
        filename="Personal_growth_fig1.jpg",
        sky=(
            (0.0, (236, 214, 190)),
            (0.45, (240, 200, 160)),
            (1.0, (228, 160, 118)),
        ),
        angle=100.0,
        glows=(Glow(0.3, 0.3, 0.3, (255, 246, 220), 0.7),),
        ridges=(
            Ridge(0.55, 0.1, 0.22, (222, 156, 112), (232, 176, 132), 2.0, 1.6),
            Ridge(0.66, 0.12, 0.22, (206, 128, 88), (222, 156, 114), 1.4, 1.8),
            Ridge(0.78, 0.13, 0.24, (176, 98, 66), (198, 124, 88), 1.1, 1.4),
            Ridge(0.92, 0.14, 0.22, (128, 66, 48), (146, 80, 58), 1.0, 1.2),
        ),
        vignette=0.3,
        grain=4.0,
    ),
    # Fig 2: misty sage-green hills receding into fog.
    Scene(
        filename="Personal_growth_fig2.jpg",
        sky=(
            (0.0, (206, 216, 204)),
            (0.5, (226, 230, 218)),
            (1.0, (236, 236, 224)),
        ),
        angle=90.0,
        glows=(Glow(0.72, 0.28, 0.35, (255, 252, 236), 0.5),),
        ridges=(
            Ridge(0.48, 0.1, 0.5, (178, 194, 172), (214, 222, 206), 2.4, 3.0),
            Ridge(0.58, 0.12, 0.5, (150, 172, 146), (200, 212, 192), 1.8, 3.5),
            Ridge(0.68, 0.13, 0.5, (118, 146, 118), (178, 196, 172), 1.4, 2.8),
            Ridge(0.79, 0.14, 0.5, (84, 112, 88), (140, 164, 136), 1.1, 3.2),
            Ridge(0.92, 0.14, 0.48, (50, 74, 58), (82, 106, 86), 1.0, 2.4),
        ),
        vignette=0.25,
        grain=3.5,
    ),
    # Fig 3: still teal lake reflecting soft hills.
    Scene(
        filename="Personal_growth_fig3.jpg",
        sky=(
            (0.0, (52, 110, 124)),
            (0.45, (118, 170, 170)),
            (0.62, (188, 214, 204)),
            (1.0, (206, 224, 214)),
        ),
        angle=92.0,
        glows=(Glow(0.5, 0.52, 0.35, (240, 250, 236), 0.45),),
        ridges=(
            Ridge(0.5, 0.1, 0.45, (104, 152, 152), (160, 196, 190), 2.0, 2.5),
            Ridge(0.56, 0.1, 0.45, (78, 130, 134), (124, 170, 168), 1.6, 3.0),
            Ridge(0.6, 0.09, 0.5, (40, 86, 96), (70, 116, 124), 1.2, 4.0),
        ),
        water=0.6,
        vignette=0.32,
        grain=3.5,
    ),
    # Fig 4: deep indigo abstract with warm and lavender bokeh lights.
    Scene(
        filename="Personal_growth_fig4.jpg",
        sky=(
            (0.0, (12, 14, 40)),
            (0.4, (30, 32, 82)),
            (0.75, (62, 50, 120)),
            (1.0, (92, 64, 138)),
        ),
        angle=35.0,
        glows=(Glow(0.78, 0.72, 0.45, (150, 110, 220), 0.35),),
        bokeh=(
            Bokeh(16, ((170, 160, 255), (210, 170, 255), (130, 190, 255)), 0.03, 0.08, 0.3),
            Bokeh(22, ((255, 168, 84), (255, 198, 120)), 0.01, 0.035, 0.8, (0.2, 0.15, 1.0, 1.0)),
        ),
        vignette=0.4,
        grain=4.0,
    ),
    # Fig 5: dawn swells in blush and gold, soft sun on the horizon.
    Scene(
        filename="Personal_growth_fig5.jpg",
        sky=(
            (0.0, (150, 128, 168)),
            (0.4, (222, 170, 170)),
            (0.7, (246, 206, 166)),
            (1.0, (250, 226, 186)),
        ),
        angle=90.0,
        glows=(Glow(0.5, 0.6, 0.28, (255, 236, 190), 0.75),),
        ridges=(
            Ridge(0.64, 0.035, 0.3, (196, 146, 158), (222, 178, 170), 1.6, 5.0),
            Ridge(0.72, 0.045, 0.3, (170, 120, 146), (204, 156, 162), 1.3, 4.0),
            Ridge(0.82, 0.055, 0.3, (136, 94, 130), (170, 124, 148), 1.1, 3.5),
            Ridge(0.94, 0.06, 0.3, (98, 66, 108), (120, 84, 122), 1.0, 3.0),
        ),
        vignette=0.3,
        grain=3.5,
    ),
)


def main() -> None:
    """Render every scene and save it as a baseline JPEG next to the sample post."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for index, scene in enumerate(SCENES):
        image = render(scene, BASE_SEED + index)
        path = OUT_DIR / scene.filename
        image.convert("RGB").save(
            path,
            "JPEG",
            quality=JPEG_QUALITY,
            optimize=True,
            progressive=False,
        )
        print(f"wrote {path.relative_to(Path(__file__).resolve().parent)}")


if __name__ == "__main__":
    main()
