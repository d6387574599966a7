"""Lines a detector ran across the gutter between two columns, cut apart where the columns meet.

A text detector finds lines as bands of ink, and where two columns' lines stand level and the
gutter between them is narrow (a bilevel scan thickens the strokes, a magazine sets its columns
close), it can take the two for one line: ``"...the bearing is clamped  the most common
ranges..."``. Such a line belongs to neither column, and the page's reading order has no place
for it. :func:`apart_at_gutters` cuts it at the gutter, on two pieces of evidence:

- the page's: the line has a wide space there, and the lines near it end before that place
  or start after it, as a column's do (fewer run across it than stand on either side: a
  caption under a picture may reach over the gutter);
- the layout model's: one of its regions (a column's) starts or ends there.

A justified line's wide space or a table row's gap between cells has lines across it above or
below, or no region's edge in it, and stays.

>>> from ocrframe.core.geometry import Char, Line, rectangle
>>> def line(left, right, y):  # two words 40 pixels wide, 20 high, with a 30-pixel space
...     chars = [Char(c, 0.9, (10 * k, y, 10, 20)) for k, c in enumerate(left)]
...     chars += [Char(" ", 0.9, None)]
...     chars += [Char(c, 0.9, (70 + 10 * k, y, 10, 20)) for k, c in enumerate(right)]
...     return Line(rectangle((0, y, 110, 20)), f"{left} {right}", chars)
>>> def word(text, x, y):
...     chars = [Char(c, 0.9, (x + 10 * k, y, 10, 20)) for k, c in enumerate(text)]
...     return Line(rectangle((x, y, 10 * len(text), 20)), text, chars)
>>> page = [line("left", "right", 0), word("more", 0, 30), word("text", 70, 30)]
>>> columns = [("text", (0, 0, 40, 50)), ("text", (70, 0, 50, 50))]
>>> [part.text for part in apart_at_gutters(page, columns)]
['left', 'right', 'more', 'text']
>>> page[1:] = [word("one longer line", 0, 30)]  # a paragraph: a line below runs across
>>> [part.text for part in apart_at_gutters(page, columns)]
['left right', 'one longer line']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .geometry import Char, Line, bbox

#: a line is cut at a space at least this many line heights wide ...
GUTTER_GAP = 0.6
#: ... where a region of the layout model starts or ends within this many line heights of it
GUTTER_REACH = 1.0
#: ... and of the lines within this many line heights above or below, fewer run across it than
#: stand on either side
GUTTER_ROWS = 3.0


@dataclass(frozen=True)
class _Space:
    """A wide space of a line: the last character before it and the first after, where the
    words on either side end and start, and where the part before it ends (a speck in the
    space, read as a mark, stays with that part)."""

    before: int
    after: int
    end: float
    start: float
    kept: float

    @property
    def middle(self) -> float:
        return (self.end + self.start) / 2


def apart_at_gutters(
    lines: Sequence[Line], regions: Sequence[tuple[str, Sequence[float]]]
) -> list[Line]:
    """``lines`` with each line that runs across a gutter between columns cut into one line
    per column at the space between them; the other lines as they are, all in their order.

    ``regions`` are the layout model's ``(kind, (x, y, width, height))``. A line is cut at a
    space at least :data:`GUTTER_GAP` line heights wide (its characters' boxes show it) where a
    region that holds the line's middle height starts or ends (within :data:`GUTTER_REACH`
    line heights), where of the other lines within :data:`GUTTER_ROWS` line heights fewer run
    across it (a line with a wide space there does not count) than stand on either side.
    """
    boxes = np.array([bbox(line.polygon) for line in lines], dtype=np.float64).reshape(-1, 4)
    spaces = [_wide_spaces(line) for line in lines]
    edges = [tuple(float(v) for v in box) for _, box in regions]
    out: list[Line] = []
    for k, line in enumerate(lines):
        cuts = [s for s in spaces[k] if _is_gutter(k, s, boxes, spaces, edges)]
        out.extend(_cut(line, cuts))
    return out


def _wide_spaces(line: Line) -> list[_Space]:
    """The spaces of ``line`` at least :data:`GUTTER_GAP` line heights wide between boxed
    characters, not counting the marks standing alone in them (a scan's speck in the gutter,
    read as ``·``); none where the line is no quadrilateral or its characters do not spell
    it."""
    chars = line.chars
    if len(line.polygon) != 4 or "".join(c.text for c in chars) != line.text:
        return []
    boxed = [k for k, c in enumerate(chars) if c.box is not None and not c.text.isspace()]
    words = [k for k in boxed if not _lone_mark(chars, k)]
    out = []
    for a, b in itertools.pairwise(words):
        between = range(a + 1, b)
        if not any(chars[k].text.isspace() for k in between):
            continue
        if any(not chars[k].text.isspace() and chars[k].box is None for k in between):
            continue  # an unboxed character in the space: nowhere to place it
        marks = [k for k in between if not chars[k].text.isspace()]
        end, start = _right(chars[a].box), chars[b].box[0]
        clear = start - end - sum(chars[k].box[2] for k in marks)
        if clear >= GUTTER_GAP * _height(line):
            before = marks[-1] if marks else a
            out.append(_Space(before, b, end, start, _right(chars[before].box)))
    return out


def _lone_mark(chars: Sequence[Char], k: int) -> bool:
    """Whether character ``k`` is a mark standing alone between spaces (no letter or figure)."""
    alone = (k == 0 or chars[k - 1].text.isspace()) and (
        k + 1 == len(chars) or chars[k + 1].text.isspace()
    )
    return alone and not chars[k].text.isalnum()


def _is_gutter(
    k: int,
    space: _Space,
    boxes: np.ndarray,
    spaces: list[list[_Space]],
    regions: list[tuple[float, ...]],
) -> bool:
    """Whether the wide ``space`` of line ``k`` is a gutter: a region's edge there, and the
    lines near it standing on either side of it rather than across it."""
    x, y, width, height = boxes[k]
    reach = GUTTER_REACH * height
    middle = y + height / 2
    edge = any(
        r[1] <= middle <= r[1] + r[3]
        and x + height / 2 < side < x + width - height / 2
        and space.end - reach <= side <= space.start + reach
        for r in regions
        for side in (r[0], r[0] + r[2])
    )
    if not edge:
        return False
    near = np.abs(boxes[:, 1] + boxes[:, 3] / 2 - middle) <= GUTTER_ROWS * height
    near[k] = False
    x0, x1 = boxes[:, 0], boxes[:, 0] + boxes[:, 2]
    m = space.middle
    across = sum(
        not any(s.end < space.start and space.end < s.start for s in spaces[j])
        for j in np.flatnonzero(near & (x0 < m) & (m < x1))
    )
    left = int((near & (x1 <= m) & (x1 > x)).sum())
    right = int((near & (x0 >= m) & (x0 < x + width)).sum())
    return across < min(left, right)


def _cut(line: Line, spaces: list[_Space]) -> list[Line]:
    """``line`` cut at each of ``spaces`` (left to right; the spaces dropped), each part with
    its share of the polygon, reaching a quarter of the space (at most a quarter of a line
    height) into it."""
    if not spaces:
        return [line]
    tl, tr, br, bl = line.polygon[:4]
    pad = [max(min((s.start - s.kept) / 4, _height(line) / 4), 0.0) for s in spaces]
    firsts = [0, *(s.after for s in spaces)]
    lasts = [*(s.before for s in spaces), len(line.chars) - 1]
    lefts = [None, *(s.start - p for s, p in zip(spaces, pad))]
    rights = [*(s.kept + p for s, p in zip(spaces, pad)), None]
    parts = []
    for first, last, left, right in zip(firsts, lasts, lefts, rights):
        chars = line.chars[first : last + 1]
        top = [
            tl if left is None else _at(tl, tr, left),
            tr if right is None else _at(tl, tr, right),
        ]
        bottom = [
            br if right is None else _at(bl, br, right),
            bl if left is None else _at(bl, br, left),
        ]
        parts.append(Line([*top, *bottom], "".join(c.text for c in chars), chars, line.confidence))
    return parts


def _at(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    """The point of the edge from ``a`` to ``b`` at ``x`` (its end, where the edge is upright)."""
    run = b[0] - a[0]
    t = 0.0 if abs(run) < 1e-9 else min(max((x - a[0]) / run, 0.0), 1.0)
    return (a[0] + t * run, a[1] + t * (b[1] - a[1]))


def _height(line: Line) -> float:
    """The line's height: the length of its left edge."""
    (x0, y0), (x1, y1) = line.polygon[0], line.polygon[3]
    return max(math.hypot(x1 - x0, y1 - y0), 1.0)


def _right(box: tuple[int, int, int, int]) -> int:
    return box[0] + box[2]
