"""The ink of a photographed sheet of print: the light taken out, and the sheet seen square on.

A phone's photo of a printed table is lit unevenly (brighter on the side nearer the lamp or
window), held a degree or two askew, and taken at a slant, so that the sheet's far edge is
shorter and its columns lean in towards it. :func:`evened` divides each pixel by the
brightest near it, so that the paper reads as one grey level wherever it lies;
:func:`square_on` finds the perspective map under which the picture's dark pixels fall into
the sharpest rows and the sharpest columns (the projection profile that Tesseract's and
Leptonica's deskewing maximise, here for a slant that changes across the picture). The text
detector's boxes do not tell so small a turn: at 1-2 degrees most of its boxes come back
level, and a lean not at all.

>>> import numpy as np
>>> page = np.full((300, 600), 235, np.uint8)
>>> for top in range(40, 260, 40):  # rows of ink, each sinking 2 pixels every 100
...     for x in range(20, 580):
...         y = top + round(x * 0.02)
...         page[y : y + 12, x] = 40
>>> matrix = square_on(page, 12.0, 0.5)
>>> [round(float(v), 2) for v in matrix[1, :2]]  # y seen: y - 0.02 x, the rows level
[-0.02, 1.0]
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageFilter

#: the paper's grey once the light is taken out
PAPER = 230
#: a pixel this far darker than the paper around it is ink
INK_DEPTH = 60
#: slants sought, in degrees either way, first in steps of this many degrees
SLANT_LIMIT = 5.0
COARSE_STEP = 0.2
#: pictures are measured at most this many pixels across (the slant is the same smaller)
MEASURED_SIDE = 1200
#: ... from at most this many of their ink pixels, chosen at random (seeded); this many
#: for a first, coarse search
MEASURED_INK = 60_000
COARSE_INK = 15_000
#: a slant (as a tangent) changes by at most this much across a picture (a sheet
#: photographed at a slant, its far edge a tenth shorter: a table three times as wide as
#: high leans its side columns 0.15 each way, a change of 0.3)
SLOPE_CHANGE = 0.4


def square_on(gray: np.ndarray, reach: float, limit: float) -> np.ndarray | None:
    """The perspective map (a 3 x 3 matrix on ``(x, y, 1)``) that shows the greyscale
    picture ``gray`` of print, text about ``reach`` pixels high, square on: its rows of ink
    level and its columns upright, where a photo sees the sheet at a slant (the rows' slant
    changing down the picture, the columns' lean across it: a sheet's far edge shorter) and
    turned. None where the picture lies square already: no corner moves more than a turn of
    ``limit`` degrees would move it.

    The rows' slant is taken to change evenly from top to bottom, and the columns' lean from
    left to right; each pair is the one at which the ink falls into the sharpest rows (or
    columns). The map takes the picture's corners to where those rows and columns put them.

    >>> import numpy as np
    >>> page = np.full((400, 400), 235, np.uint8)
    >>> for top in range(40, 360, 30):  # rows of cells, the columns leaning in at the top
    ...     for left in (40, 160, 280):
    ...         lean = (left + 40 - 200) * (360 - top) / 4000
    ...         page[top : top + 14, round(left + lean) : round(left + lean) + 80] = 30
    >>> matrix = square_on(page, 14.0, 0.5)
    >>> def seen(x, y):
    ...     x, y, w = matrix @ [x, y, 1.0]
    ...     return round(x / w)
    >>> seen(30.4, 40.0) - seen(39.4, 354.0)  # the left column's edge, 9 pixels aslant
    1
    >>> square_on(np.full((400, 400), 235, np.uint8), 14.0, 0.5) is None
    True
    """
    factor = min(1.0, MEASURED_SIDE / max(gray.shape))
    small = _measured(gray, factor)
    ys, xs = np.nonzero(evened(small, max(reach * factor, 2.0)) < PAPER - INK_DEPTH)
    if len(xs) < 2:
        return None
    # a sample, in random order (seeded), tells the profile as well in a fraction of the time
    keep = np.random.default_rng(0).permutation(len(xs))[:MEASURED_INK]
    xs, ys = xs[keep], ys[keep]
    height, width = small.shape
    centre = np.array([width // 2, height // 2])  # whole pixels: each row of ink one count
    u, v = xs - centre[0], ys - centre[1]
    rows = _sharpest_pair(u, v, height)  # slant of the rows, and its change per pixel down
    cols = _sharpest_pair(v, u, width)  # lean of the columns, and its change per pixel across
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height)]) - centre
    cu, cv = corners[:, 0], corners[:, 1]
    moved = np.stack(
        [cu - cv * (cols[0] + cols[1] * cu), cv - cu * (rows[0] + rows[1] * cv)], axis=1
    )
    shift = np.abs(moved - corners).max() / factor
    if shift <= math.tan(math.radians(limit)) * max(gray.shape) / 2:
        return None
    return perspective((corners + centre) / factor, (moved + centre) / factor)


def perspective(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3 x 3 perspective matrix that takes each of four ``source`` points ``(x, y)`` to
    the ``target`` point at the same place.

    >>> import numpy as np
    >>> square = np.array([(0, 0), (10, 0), (10, 10), (0, 10)], float)
    >>> perspective(square, square * 2).round(6).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]
    """
    rows, values = [], []
    for (x, y), (u, w) in zip(source, target):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -w * x, -w * y])
        values += [u, w]
    solved = np.linalg.solve(np.array(rows, float), np.array(values, float))
    return np.append(solved, 1.0).reshape(3, 3)


def evened(gray: np.ndarray, reach: float) -> np.ndarray:
    """The greyscale picture ``gray`` with the light taken out: each pixel over the
    brightest within about ``reach`` pixels (a line height: every such window holds paper
    between the strokes), scaled so that paper reads :data:`PAPER`."""
    shrink = 4 if min(gray.shape) >= 64 else 1  # light changes slowly: find it small
    small = Image.fromarray(np.asarray(gray, dtype=np.uint8)).reduce(shrink)
    size = 2 * max(1, round(reach / shrink / 2)) + 1
    light = small.filter(ImageFilter.MaxFilter(size))
    light = light.filter(ImageFilter.GaussianBlur(reach / shrink / 2))
    light = np.maximum(np.asarray(light.resize(gray.shape[::-1]), dtype=np.float32), 1.0)
    return np.clip(gray / light * PAPER, 0, 255).astype(np.uint8)


def _measured(gray: np.ndarray, factor: float) -> np.ndarray:
    """``gray`` as an 8-bit picture scaled by ``factor`` (at most 1)."""
    gray = np.asarray(gray, np.uint8)
    if factor >= 1.0:
        return gray
    size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
    return np.asarray(Image.fromarray(gray).resize(size))


def _sharpest_pair(along: np.ndarray, across: np.ndarray, extent: int) -> tuple[float, float]:
    """The slope (a tangent) of rows of ink at ``along``, ``across`` (from the picture's
    middle; for columns, the roles swapped) and its change per pixel ``across``, whose rows
    are the sharpest: first on a coarse grid of both (from :data:`COARSE_INK` of the
    pixels; the change up to :data:`SLOPE_CHANGE` over the picture's ``extent``), then
    round the best, three times finer each time."""
    step, change = math.tan(math.radians(COARSE_STEP)), SLOPE_CHANGE / extent
    reach = round(math.tan(math.radians(SLANT_LIMIT)) / step)
    coarse = [(a * step, b * change / 8) for a in range(-reach, reach + 1) for b in range(-8, 9)]
    best = _best(along[:COARSE_INK], across[:COARSE_INK], coarse)
    step, change = step / 2, change / 16
    for _ in range(3):
        pairs = [
            (best[0] + a * step, best[1] + b * change) for a in range(-3, 4) for b in range(-3, 4)
        ]
        best = _best(along, across, pairs)
        step, change = step / 3, change / 3
    return best


def _best(along: np.ndarray, across: np.ndarray, pairs: list[tuple[float, float]]):
    """Of ``(slope, change)`` pairs, the one whose rows of ink are the sharpest (the largest
    sum of squared row counts); the first among equals."""
    table = np.asarray(pairs, dtype=np.float64)
    scores = np.concatenate(
        [_sharpness(along, across, part) for part in np.array_split(table, -(-len(table) // 32))]
    )
    return tuple(float(v) for v in table[int(np.argmax(scores))])


def _sharpness(along: np.ndarray, across: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """For each ``(slope, change)`` of ``pairs``, the sum of squared counts of the ink in each
    row the pair lays it in (all pairs counted at once)."""
    slopes = pairs[:, :1] + pairs[:, 1:] * across[None, :]
    rows = np.floor(across[None, :] - along[None, :] * slopes).astype(np.int64)
    rows -= rows.min(axis=1, keepdims=True)
    span = int(rows.max()) + 1
    rows += span * np.arange(len(pairs))[:, None]
    counts = np.bincount(rows.ravel(), minlength=span * len(pairs)).reshape(len(pairs), span)
    return (counts.astype(np.float64) ** 2).sum(axis=1)
