"""Whether a picture is a table alone: a crop, screenshot or photo of one table.

The layout model finds tables on pages; trained on whole pages, it often sees none in a
picture that is all table (half of the realdev documents' table crops at half resolution,
tight crops of a small table). A table alone is known by its lines: most rows hold two
pieces of text or more, set in columns that several rows share, at least one of them of
short cells (a two-column page of prose has long lines in both), on a plain background (a
shop photo with a grid of watermarks or a poster with a price block has none).

Measured on the realdev pictures (lines of the local engine): the 28 table crops of the
realdev documents (seven tables, each tight and with a margin, at full and half
resolution) give 25 tables; the 84 receipts, shop photos and signs, the documents' 30 pages
and their SQL listings give none.

>>> import numpy as np
>>> rows = [[(10, 10 + 40 * r, 80, 20), (200, 10 + 40 * r, 40, 20)] for r in range(5)]
>>> is_table_picture(np.array(rows, float).reshape(-1, 4), plain=0.9)
True
>>> is_table_picture(np.array(rows, float).reshape(-1, 4)[::2], plain=0.9)  # one column
False
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: rows with two pieces or more, at least this share of the rows and this many
GRID_SHARE = 0.45
GRID_ROWS = 3
#: a column counts when this share of those rows (and two at least) has a piece in it
COLUMN_SHARE = 0.3
#: the shortest column's median piece, at most this many line heights long
SHORT_CELLS = 12.0
#: the share of the picture's pixels within :data:`PLAIN_TONE` grey levels of its commonest
PLAIN = 0.65
PLAIN_TONE = 40


@dataclass(frozen=True)
class Columns:
    """How lines stand in columns: the share of their rows with two pieces or more, how many
    such rows, how many columns those rows share, and the median piece of the shortest of
    those columns, in line heights (infinite with none)."""

    share: float
    rows: int
    columns: int
    shortest: float


def is_table_picture(boxes: np.ndarray, plain: float) -> bool:
    """Whether lines with ``boxes`` (rows of ``x, y, width, height``, the page straight) on a
    picture whose background takes ``plain`` of it (:func:`plain_share`) are a table alone."""
    if plain < PLAIN or len(boxes) < 2 * GRID_ROWS:
        return False
    found = columns(boxes)
    return (
        found.rows >= GRID_ROWS
        and found.share >= GRID_SHARE
        and found.columns >= 2
        and found.shortest <= SHORT_CELLS
    )


def is_prose_columns(boxes: np.ndarray) -> bool:
    """Whether lines with ``boxes`` are columns of prose: rows of two pieces or more in shared
    columns, every column of long lines. The layout model calls two columns of a magazine
    page a table at times (``documents.magazine_page(0)``: score 0.51), and a table reads row
    by row across its columns.

    >>> import numpy as np
    >>> prose = [[(10, 30 * r, 500, 20), (560, 30 * r, 480, 20)] for r in range(8)]
    >>> is_prose_columns(np.array(prose, float).reshape(-1, 4))
    True
    """
    found = columns(boxes)
    return found.rows >= GRID_ROWS and found.columns >= 2 and found.shortest > SHORT_CELLS


def columns(boxes: np.ndarray) -> Columns:
    """How the lines with ``boxes`` stand in columns (:class:`Columns`)."""
    if len(boxes) == 0:
        return Columns(0.0, 0, 0, np.inf)
    rows = _rows(boxes)
    shared = [row for row in rows if len(row) >= 2]
    height = float(np.median(np.minimum(boxes[:, 2], boxes[:, 3])))
    found = _columns(boxes, [k for row in shared for k in row], height)
    used = [
        column
        for column in found
        if len({r for r, row in enumerate(shared) for k in row if k in column})
        >= max(2, COLUMN_SHARE * len(shared))
    ]
    shortest = min((float(np.median(boxes[list(c), 2])) for c in used), default=np.inf)
    return Columns(len(shared) / len(rows), len(shared), len(used), shortest / max(height, 1.0))


def plain_share(gray: np.ndarray) -> float:
    """The share of a greyscale picture's pixels near its commonest grey level: high for a
    scan or screenshot of a document, low for a photo of a scene."""
    if gray.size == 0:
        return 0.0
    levels = np.bincount(gray.ravel(), minlength=256)
    common = int(levels.argmax())
    near = levels[max(0, common - PLAIN_TONE) : common + PLAIN_TONE + 1].sum()
    return float(near / gray.size)


def _rows(boxes: np.ndarray) -> list[list[int]]:
    """The lines by row, top to bottom: a line joins the row above when their middles are
    less than half a line height apart."""
    middles = boxes[:, 1] + boxes[:, 3] / 2
    rows: list[list[int]] = []
    last, height = -np.inf, 0.0
    for k in np.argsort(middles, kind="stable"):
        if rows and middles[k] - last < 0.5 * min(boxes[k, 3], height):
            rows[-1].append(int(k))
        else:
            rows.append([int(k)])
            last, height = middles[k], boxes[k, 3]
    return rows


def _columns(boxes: np.ndarray, lines: list[int], height: float) -> list[set[int]]:
    """``lines`` grouped into columns: runs of the page's width that their boxes cover, apart
    where no box covers half a line height or more."""
    columns: list[set[int]] = []
    right = -np.inf
    for k in sorted(lines, key=lambda k: boxes[k, 0]):
        x0, x1 = boxes[k, 0], boxes[k, 0] + boxes[k, 2]
        if columns and x0 <= right + 0.5 * height:
            columns[-1].add(k)
            right = max(right, x1)
        else:
            columns.append({k})
            right = x1
    return columns
