"""Pages in any orientation: how a page is turned, read upright, boxes back where they were.

A page scanned at 90°, 180° or 270° is told by what one reading of it already shows: text lines
on a sideways page are taller than wide, and the line direction classifier of the OCR models
(PP-OCR's ``cls``) says which lines it had to turn upside down. Weighted by their characters:
mostly tall lines, mostly turned → the page was turned a quarter counter-clockwise; mostly tall,
not turned → clockwise; mostly wide and turned → upside down. The page is then read again
upright and kept only if that reading reads about as much as the first did (the check a
classifier's verdict needs: upright vertical Chinese writing also shows tall lines). Every box and polygon is mapped back into the pixels of the image as given, so
a plot of the original still puts each box on its text, and characters follow their line.

``angle`` is reported as the vendors report it (API 3.0's ``Angle``): degrees, clockwise
positive — a page Pillow turned with ``rotate(90)`` (counter-clockwise) is -90.

>>> turn_back((10.0, 20.0), 1, (100, 50))  # a point of np.rot90(img, 1), in img's pixels
(30.0, 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.geometry import Char, Line, bbox

#: the share (by characters) of lines that must agree before a page is called turned
MAJORITY = 0.6
#: an upright reading is kept when it reads at least this share of what the reading as given
#: did (characters x mean confidence). Measured: pages turned a quarter or half read 0.95-1.30
#: of it upright; upright pages of vertical Chinese writing, which look turned, read 0.77
KEEP_RATIO = 0.9


@dataclass
class Reading:
    """Lines found in an image and, per line, whether the direction classifier turned it;
    ``dropped``: how many lines the detector found whose recognition scored too low to keep
    (most of them, on a page in a script the recogniser does not know)."""

    lines: list[Line]
    turned: list[bool]
    dropped: int = 0

    def confidence(self) -> float:
        """Mean character confidence (0 when nothing was read)."""
        values = [
            c.confidence for line in self.lines for c in line.chars if c.confidence is not None
        ]
        return float(np.mean(values)) if values else 0.0

    def characters(self) -> int:
        return sum(len(line.text.strip()) for line in self.lines)

    def score(self) -> float:
        """About how many characters were read right: characters x mean confidence."""
        return self.characters() * self.confidence()


def quarter_turns(reading: Reading) -> int:
    """How many quarter turns counter-clockwise (``np.rot90``'s ``k``) make the page upright."""
    tall = flipped = wide_flipped = total = wide = 0
    for line, turned in zip(reading.lines, reading.turned):
        n = len(line.text.strip())
        if n < 2 or len(line.polygon) < 4:
            continue  # one character says nothing of a direction
        *_, w, h = bbox(line.polygon)
        total += n
        if h > 1.5 * w:
            tall += n
            flipped += n * turned
        else:
            wide += n
            wide_flipped += n * turned
    if not total:
        return 0
    if tall >= MAJORITY * total:
        # the crops of tall lines are turned a quarter counter-clockwise before they are read:
        # upright then (not flipped) means the text ran down, i.e. the page was turned clockwise
        return 3 if flipped >= MAJORITY * tall else 1
    if wide and wide_flipped >= MAJORITY * wide:
        return 2
    return 0


def read_upright(
    rgb: np.ndarray, read: Callable[[np.ndarray], Reading]
) -> tuple[Reading, int, np.ndarray]:
    """Read ``rgb``; when the page looks turned, read it again upright and keep that reading
    unless it reads clearly less. Returns (reading of the upright page, its quarter
    turns from ``rgb``, the upright pixels)."""
    first = read(rgb)
    k = quarter_turns(first)
    if k == 0:
        return first, 0, rgb
    upright = np.ascontiguousarray(np.rot90(rgb, k))
    second = read(upright)
    if second.score() < KEEP_RATIO * first.score():
        return first, 0, rgb
    return second, k, upright


def turn_back(point: tuple[float, float], k: int, shape: tuple[int, ...]) -> tuple[float, float]:
    """A point of ``np.rot90(img, k)`` in the pixels of ``img`` (``shape`` is img's (h, w))."""
    widths = [shape[1] if i % 2 == 0 else shape[0] for i in range(k % 4)]
    x, y = point
    for width in reversed(widths):  # undo the last counter-clockwise quarter turn first
        # an image of width W turned ccw: its point (x, y) was the image's (W - y, x)
        x, y = width - y, x
    return x, y


def lines_back(lines: list[Line], k: int, shape: tuple[int, ...]) -> list[Line]:
    """Lines read on ``np.rot90(img, k)`` in the pixels of ``img`` (shape ``(h, w)``): polygons
    keep their corner order (the first is the text's top-left as read), character boxes are
    the boxes of their turned corners."""
    if k % 4 == 0:
        return lines
    out = []
    for line in lines:
        polygon = [turn_back(p, k, shape) for p in line.polygon]
        chars = [Char(c.text, c.confidence, box_back(c.box, k, shape)) for c in line.chars]
        out.append(Line(polygon, line.text, chars))
    return out


def box_back(box, k: int, shape: tuple[int, ...]):
    """A box ``(x, y, w, h)`` of ``np.rot90(img, k)`` as the box of its corners in ``img``."""
    if box is None:
        return None
    x, y, w, h = box
    corners = [turn_back(p, k, shape) for p in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]
    return bbox(corners)


def vendor_angle(k: int, skew: float) -> float:
    """The page's rotation as the vendors report it (degrees, clockwise positive, -180..180):
    ``k`` counter-clockwise quarter turns made it upright, so it had been turned ``k`` quarters
    clockwise; ``skew`` is the upright lines' own slant."""
    angle = (90.0 * k + skew + 180.0) % 360.0 - 180.0
    return 180.0 if math.isclose(angle, -180.0) else round(angle, 2)
