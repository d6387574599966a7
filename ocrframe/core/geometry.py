"""What engines and readers describe text with: lines of characters, with boxes and polygons.

Engines build :class:`Line` objects from what they found and readers of line-based formats
(hOCR) from what a file says; both then become rows of the tables.

>>> bbox([(10.2, 5.0), (40.0, 5.5), (40.0, 20.0), (10.0, 19.6)])
(10, 5, 30, 15)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass
class Char:
    text: str
    confidence: float | None  # 0-1
    box: tuple[int, int, int, int] | None  # x, y, width, height


@dataclass
class Line:
    polygon: list[tuple[float, float]]  # corners, clockwise from top-left
    text: str
    chars: list[Char] = field(default_factory=list)
    confidence: float | None = None  # the line's own, where its source says one (0-1)


def bbox(points: list[tuple[float, float]]) -> tuple[int, int, int, int]:
    """The integer rectangle ``(x, y, width, height)`` that holds ``points``."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, y0 = math.floor(min(xs)), math.floor(min(ys))
    return x0, y0, math.ceil(max(xs)) - x0, math.ceil(max(ys)) - y0


def rectangle(box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """The corners of ``(x, y, width, height)``, clockwise from the top-left."""
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def shifted(box: tuple[float, float, float, float], dx: float, dy: float) -> tuple:
    """A box ``(x, y, width, height)`` moved by ``(dx, dy)``.

    >>> shifted((10, 20, 5, 6), -10, 2)
    (0, 22, 5, 6)
    """
    return (box[0] + dx, box[1] + dy, *box[2:])


def overlap_area(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The area two boxes ``(x, y, width, height)`` share (0 when they do not meet)."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return float(max(w, 0) * max(h, 0))


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The intersection over union of two boxes ``(x, y, width, height)``.

    >>> iou((0, 0, 10, 10), (5, 0, 10, 10))
    0.3333333333333333
    """
    inter = overlap_area(a, b)
    return inter / max(a[2] * a[3] + b[2] * b[3] - inter, 1e-9)


def union_box(boxes: np.ndarray) -> tuple[float, float, float, float]:
    """The box ``(x, y, width, height)`` that holds the rows of ``boxes`` (each x, y, width,
    height), as the numbers they are."""
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = (boxes[:, 0] + boxes[:, 2]).max(), (boxes[:, 1] + boxes[:, 3]).max()
    return (x0, y0, x1 - x0, y1 - y0)


def turned_points(
    points: Sequence[tuple[float, float]], degrees: float, centre: tuple[float, float] = (0, 0)
) -> list[tuple[float, float]]:
    """``points`` turned by ``degrees`` about ``centre`` (positive: clockwise on a page, whose
    y runs down).

    >>> [(round(x), round(y)) for x, y in turned_points([(10, 0)], 90)]
    [(0, 10)]
    """
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    cx, cy = centre
    return [(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in points]


def turned(line: Line, degrees: float, centre: tuple[float, float]) -> Line:
    """``line`` turned by ``degrees`` about ``centre`` (:func:`turned_points`): its corners,
    and each character's box moved with its centre (a box keeps its size: the turns this is
    for, a page or table held askew, are of a few degrees)."""
    return _carried(line, lambda points: turned_points(points, degrees, centre))


def projected_points(
    points: Sequence[tuple[float, float]], matrix: np.ndarray
) -> list[tuple[float, float]]:
    """``points`` taken through the 3 x 3 perspective ``matrix`` (on ``(x, y, 1)``).

    >>> import numpy as np
    >>> projected_points([(10, 5)], np.array([[2, 0, 1], [0, 2, 0], [0, 0, 1]]))
    [(21.0, 10.0)]
    """
    out = []
    for x, y in points:
        u, v, w = (float(value) for value in matrix @ (x, y, 1.0))
        out.append((u / w, v / w))
    return out


def projected(line: Line, matrix: np.ndarray) -> Line:
    """``line`` taken through the perspective ``matrix`` (:func:`projected_points`): its
    corners, and each character's box moved with its centre (as :func:`turned` does)."""
    return _carried(line, lambda points: projected_points(points, matrix))


def _carried(line: Line, to: Callable[[list[tuple[float, float]]], list]) -> Line:
    """``line`` with its corners taken where ``to`` takes points, and each character's box
    moved with its centre, keeping its size."""
    chars = []
    for c in line.chars:
        box = c.box
        if box is not None:
            ((mx, my),) = to([(box[0] + box[2] / 2, box[1] + box[3] / 2)])
            box = (round(mx - box[2] / 2), round(my - box[3] / 2), box[2], box[3])
        chars.append(Char(c.text, c.confidence, box))
    return Line(to(line.polygon), line.text, chars, line.confidence)


def moved(line: Line, dx: float, dy: float) -> Line:
    """``line`` shifted by ``(dx, dy)``: a line read in a crop or tile, in the whole image."""
    polygon = [(x + dx, y + dy) for x, y in line.polygon]
    chars = [
        Char(
            c.text,
            c.confidence,
            None if c.box is None else shifted(c.box, dx, dy),
        )
        for c in line.chars
    ]
    return Line(polygon, line.text, chars, line.confidence)
