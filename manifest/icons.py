"""Lotsen's two Teams icons, drawn with Pillow so that they can be regenerated and reviewed as code.

The mark is a lighthouse whose tower is the stem of a bold "L" and whose quay is its foot: a pilot
("lots") light over the Öresund. Colours: a deep sea blue, the red and gold of Malmö's griffin arms.

* `color.png`   192×192, full colour, the mark on a solid sea-blue background (Teams rounds the corners).
* `outline.png` 32×32, the same silhouette in white on a fully transparent background; every pixel is
  white, only the alpha channel varies (anti-aliased edges), as Teams requires of outline icons.

Shapes are given in the icon's own unit grid (192 or 32 units) and drawn at a multiple of the final size,
then box-downsampled, so edges are smooth and the output is the same on every machine (no fonts used).

`python -m manifest icons` writes both files into `manifest/`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

MANIFEST_DIR = Path(__file__).resolve().parent
COLOR_FILE = "color.png"
OUTLINE_FILE = "outline.png"
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_COLOR_SCALE = 4
_OUTLINE_SCALE = 8

Point = tuple[float, float]

SEA = (0, 59, 111)  # background, also the manifest's accentColor #003B6F
SEA_LIGHT = (22, 104, 170)
SEA_FOAM = (120, 178, 222)
WHITE = (255, 255, 255)
GRIFFIN_RED = (213, 30, 50)
GOLD = (247, 185, 0)
LANTERN_GLASS = (255, 236, 150)
BEAM = (255, 214, 102)

ACCENT_COLOR = "#{:02X}{:02X}{:02X}".format(*SEA)


def _scaled(points: Iterable[Point], scale: float) -> list[Point]:
    return [(x * scale, y * scale) for x, y in points]


def _box(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _wave(y: float, amplitude: float, period: float, width: float, bottom: float) -> list[Point]:
    """A closed polygon: a sine-like wave line at height `y`, filled down to `bottom`."""
    steps = 96
    line = [
        (width * i / steps, y + amplitude * math.sin(2 * math.pi * (width * i / steps) / period))
        for i in range(steps + 1)
    ]
    return [*line, (width, bottom), (0.0, bottom)]


# --- the colour icon, in 192 units ---------------------------------------------------------------

# The "L": the tower (stem, slightly tapered) stands on the quay (foot), which runs to the right.
_TOWER = [(58.0, 146.0), (62.0, 72.0), (92.0, 72.0), (96.0, 146.0)]
_QUAY = _box(58.0, 120.0, 140.0, 146.0)
_BANDS = (_box(40.0, 86.0, 120.0, 99.0),)
_GALLERY = _box(56.0, 63.0, 98.0, 72.0)
_LANTERN = _box(65.0, 43.0, 89.0, 63.0)
_LANTERN_PANES = (_box(69.0, 46.0, 75.0, 60.0), _box(79.0, 46.0, 85.0, 60.0))
_ROOF = [(60.0, 44.0), (77.0, 27.0), (94.0, 44.0)]
_VANE = _box(75.5, 19.0, 78.5, 29.0)
_BEAMS = (
    [(92.0, 49.0), (176.0, 26.0), (176.0, 48.0), (92.0, 57.0)],
    [(62.0, 49.0), (18.0, 34.0), (18.0, 50.0), (62.0, 57.0)],
)


def render_color() -> Image.Image:
    """The 192×192 full-colour icon (opaque RGB)."""
    s = _COLOR_SCALE
    size = COLOR_SIZE * s
    image = Image.new("RGBA", (size, size), SEA + (255,))

    draw = ImageDraw.Draw(image)
    for beam in _BEAMS:
        draw.polygon(_scaled(beam, s), fill=BEAM)
    draw.polygon(_scaled(_wave(150.0, 3.0, 48.0, COLOR_SIZE, COLOR_SIZE), s), fill=SEA_LIGHT)
    draw.polygon(_scaled(_wave(166.0, 3.0, 40.0, COLOR_SIZE, COLOR_SIZE), s), fill=SEA_FOAM)
    draw.polygon(_scaled(_wave(178.0, 2.5, 56.0, COLOR_SIZE, COLOR_SIZE), s), fill=SEA_LIGHT)

    # The tower's red bands are clipped to the tower by drawing them through a mask of the tower.
    tower_mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(tower_mask).polygon(_scaled(_TOWER, s), fill=255)
    draw.polygon(_scaled(_TOWER, s), fill=WHITE)
    draw.polygon(_scaled(_QUAY, s), fill=WHITE)
    bands = Image.new("RGBA", image.size, (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(bands)
    for band in _BANDS:
        band_draw.polygon(_scaled(band, s), fill=GRIFFIN_RED + (255,))
    bands.putalpha(ImageChops.multiply(bands.getchannel("A"), tower_mask))
    image.alpha_composite(bands)

    draw.polygon(_scaled(_GALLERY, s), fill=GRIFFIN_RED)
    draw.polygon(_scaled(_LANTERN, s), fill=GOLD)
    for pane in _LANTERN_PANES:
        draw.polygon(_scaled(pane, s), fill=LANTERN_GLASS)
    draw.polygon(_scaled(_ROOF, s), fill=GRIFFIN_RED)
    draw.polygon(_scaled(_VANE, s), fill=GRIFFIN_RED)

    return image.reduce(s).convert("RGB")


# --- the outline icon, in 32 units --------------------------------------------------------------

_OUTLINE_SHAPES: Sequence[list[Point]] = (
    [(9.0, 27.0), (10.0, 13.0), (15.0, 13.0), (16.0, 27.0)],  # tower: the stem of the L
    _box(9.0, 22.0, 25.0, 27.0),  # quay: the foot of the L
    _box(8.0, 11.0, 17.0, 13.0),  # gallery
    _box(10.0, 7.0, 15.0, 11.0),  # lantern
    [(9.0, 7.0), (12.5, 3.5), (16.0, 7.0)],  # roof
    [(16.5, 8.0), (30.0, 3.0), (30.0, 8.0), (16.5, 10.0)],  # beam to the right
    [(8.5, 8.0), (2.0, 5.0), (2.0, 9.0), (8.5, 10.0)],  # beam to the left
)


def render_outline() -> Image.Image:
    """The 32×32 outline icon: white, transparent background, alpha carries the shape."""
    s = _OUTLINE_SCALE
    mask = Image.new("L", (OUTLINE_SIZE * s, OUTLINE_SIZE * s), 0)
    draw = ImageDraw.Draw(mask)
    for shape in _OUTLINE_SHAPES:
        draw.polygon(_scaled(shape, s), fill=255)
    alpha = mask.reduce(s)
    white = Image.new("L", alpha.size, 255)
    return Image.merge("RGBA", (white, white, white, alpha))


def write_icons(directory: Path = MANIFEST_DIR) -> list[Path]:
    """Draw both icons into `directory` and return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in ((COLOR_FILE, render_color()), (OUTLINE_FILE, render_outline())):
        path = directory / name
        image.save(path, format="PNG", optimize=True)
        written.append(path)
    return written
