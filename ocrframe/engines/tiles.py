"""Pages of any size: small print on a large scan is read at the scan's own resolution.

OCR detectors see a large image shrunk to about 2000 px (RapidOCR's limit): a 5000 x 7000 scan
is read at 0.29x, where 12 px print becomes 3 px and vanishes. So a large image whose first
reading found no clear text, or only text too small to trust at that scale, is read again in tiles at
its own resolution — overlapping, so that a line cut by one tile is whole in another — and the
tiles' lines are merged: a line that another, larger line covers is the same text read twice
and is dropped. Text the first reading found large and clear keeps it: a scan of large print
costs one reading, not dozens.

>>> merged = merge([_line((0, 0, 100, 20)), _line((10, 2, 40, 16)), _line((0, 50, 80, 20))])
>>> [bbox(line.polygon) for line in merged]
[(0, 0, 100, 20), (0, 50, 80, 20)]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.geometry import Char, Line, bbox, moved, overlap_area, rectangle
from .upright import Reading

#: the longer side detection works at: larger images are shrunk to it
DETECTION_SIDE = 2000
#: tiles are read as they are (RapidOCR does not shrink an image under 1500 px)
TILE = 1400
OVERLAP = 240
#: a line this short (px) at detection scale is too small to trust: read the page in tiles
SMALLEST_LINE = 14
#: lines read with less mean confidence than this say nothing about the size of the print: a
#: sensitive detector finds shapes in 3 px text and reads them as garbage
CLEAR = 0.8
#: a line covered this much (share of its own area) by a larger one is the same text again
COVERED = 0.5
#: a tile whose grey levels all lie this close together holds no print (blank paper, a margin):
#: it is not read. Scanner noise stays within it; the faintest print read here does not
BLANK_RANGE = 16


def read_any_size(rgb: np.ndarray, read: Callable[[np.ndarray], Reading]) -> Reading:
    """``read(rgb)``, and for a large image whose text is small at detection scale, its tiles
    read at full resolution and merged with what the first reading found."""
    first = read(rgb)
    scale = DETECTION_SIDE / max(rgb.shape[:2])
    if scale >= 1.0:
        return first
    heights = [bbox(line.polygon)[3] for line in first.lines if _clear(line)]
    if heights and scale * float(np.median(heights)) >= SMALLEST_LINE:
        return first
    return _tiled(rgb, read, first)


def _clear(line: Line) -> bool:
    confidences = [c.confidence for c in line.chars]
    return len(line.polygon) >= 3 and bool(confidences) and float(np.mean(confidences)) >= CLEAR


def tile_origins(length: int, tile: int = TILE, overlap: int = OVERLAP) -> list[int]:
    """Where tiles of ``tile`` px start along a side of ``length`` px, overlapping by at
    least ``overlap``; the last ends at the edge.

    >>> tile_origins(3000)
    [0, 1160, 1600]
    """
    if length <= tile:
        return [0]
    step = tile - overlap
    starts = list(range(0, length - tile, step))
    return [*starts, length - tile]


def _tiled(rgb: np.ndarray, read: Callable[[np.ndarray], Reading], first: Reading) -> Reading:
    height, width = rgb.shape[:2]
    # what the first reading found unclear at its scale is read again, better, in the tiles
    found = [(line, turned) for line, turned in zip(first.lines, first.turned) if _clear(line)]
    for y in tile_origins(height):
        for x in tile_origins(width):
            tile = np.ascontiguousarray(rgb[y : y + TILE, x : x + TILE])
            if not has_ink(tile):
                continue  # most of a large scan is margin: nothing to read there
            part = read(tile)
            found += [(moved(line, x, y), turned) for line, turned in zip(part.lines, part.turned)]
    kept = merge([line for line, _ in found])
    turned = {id(line): t for line, t in found}
    kept.sort(key=lambda line: (bbox(line.polygon)[1], bbox(line.polygon)[0]))
    return Reading(kept, [turned[id(line)] for line in kept], first.dropped)


def has_ink(tile: np.ndarray) -> bool:
    """Whether a tile holds anything darker or lighter than its paper (more than
    :data:`BLANK_RANGE` grey levels apart).

    >>> page = np.full((50, 80, 3), 250, np.uint8)
    >>> printed = page.copy()
    >>> printed[20:28, 10:60] = 30  # a word
    >>> has_ink(page), has_ink(printed)
    (False, True)
    """
    grey = tile.min(axis=2) if tile.ndim == 3 else tile  # ink of any colour is dark somewhere
    return int(grey.max()) - int(grey.min()) > BLANK_RANGE


def merge(lines: list[Line]) -> list[Line]:
    """Lines read more than once (in overlapping tiles, or at two scales) once each: larger
    lines first, a line mostly covered by one already kept is dropped."""
    boxed = [(line, bbox(line.polygon)) for line in lines if len(line.polygon) >= 3]
    boxed.sort(key=lambda pair: pair[1][2] * pair[1][3], reverse=True)
    kept: list[tuple[Line, tuple]] = []
    for line, box in boxed:
        area = max(box[2] * box[3], 1)
        if all(overlap_area(box, other) < COVERED * area for _, other in kept):
            kept.append((line, box))
    order = {id(line): k for k, line in enumerate(lines)}
    return [line for line, _ in sorted(kept, key=lambda pair: order[id(pair[0])])]


def _line(box: tuple[int, int, int, int]) -> Line:
    """A line with only a box (for examples)."""
    return Line([(float(x), float(y)) for x, y in rectangle(box)], "x", [Char("x", 1.0, box)])
