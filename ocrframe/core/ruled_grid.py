"""A table ruled round every cell, read from its rules.

Where a table draws a rule between every pair of cells (forms, invoices, spreadsheets printed
or screenshotted, most tables in Chinese documents), its rules are its structure: rows and
columns lie between them, and a cell spans where a rule stops. Read from the pixels, that
structure is exact, where the table-structure model guesses (on a realdev Redbook table ruled
round every cell it gave 9 rows and 4 columns for 5 and 3, depending on the crop).

Rules are long thin runs of ink: the pixels darker than the background (lighter, on a dark
background) in runs of at least :data:`RULE_LENGTH` line heights along a row (or a column).
The positions where rules run, across and down, make a grid; two neighbouring positions of
the grid are one cell where no rule runs between them. Where that does not give rectangles,
or the rules do not close round the table, it is not a table ruled round every cell and
``None`` says so.

>>> import numpy as np
>>> page = np.full((100, 200), 255, dtype=np.uint8)
>>> for y in (10, 50, 90): page[y, 10:191] = 0
>>> for x in (10, 100, 190): page[10:91, x] = 0
>>> page[50, 100:191] = 255  # the right column's two rows are one cell
>>> lines = np.array([(20, 25, 40, 10), (110, 45, 40, 10), (20, 65, 40, 10)], float)
>>> [(c.row, c.col, c.row_span, c.col_span) for c in ruled_cells(page, lines)]
[(0, 0, 1, 1), (0, 1, 2, 1), (1, 0, 1, 1)]
"""

from __future__ import annotations

import numpy as np

from .table_picture import line_height
from .table_text import GridCell
from .union_find import UnionFind

#: a rule is a run of ink at least this many line heights long
RULE_LENGTH = 2.5
#: ink is this many grey levels darker (or lighter) than the commonest level
INK = 50
#: two cells are apart where the rule between them covers at least this share of their side
CLOSED = 0.6
#: rules closer than this many pixels are one (a thick or doubled rule)
SAME_RULE = 4
#: at most this share of the text may lie outside the rules
OUTSIDE = 0.2
#: rules leave rows unparted where this many cells of a grid row (and half of them) hold
#: text rows at the same heights; columns likewise
UNPARTED_CELLS = 3


def ruled_cells(gray: np.ndarray, boxes: np.ndarray) -> list[GridCell] | None:
    """The cells of a greyscale picture of a table ruled round every cell, in its pixels, by
    rows; ``boxes`` are its text lines' ``(x, y, width, height)``. None where the rules do not
    make such a table: fewer than two rows or columns, text outside the rules, or rows (or
    columns) that the rules leave unparted (:func:`_unparted`)."""
    if gray.ndim != 2 or min(gray.shape) < 8 or len(boxes) == 0:
        return None
    height = line_height(boxes)
    length = max(8, int(RULE_LENGTH * height))
    ink = _ink(gray)
    across = _runs(ink, length)  # pixels on horizontal rules
    down = _runs(ink.T, length).T
    ys, xs = _positions(across.any(axis=1)), _positions(down.any(axis=0))
    if len(ys) < 3 or len(xs) < 3:
        return None
    # where each rule runs: along its band, with a few pixels' slack for a slant
    rows_ink = [_slack(across[a:b].any(axis=0)) for a, b in ys]
    cols_ink = [_slack(down[:, a:b].any(axis=1)) for a, b in xs]
    y = [(a + b) / 2 for a, b in ys]
    x = [(a + b) / 2 for a, b in xs]
    if not _closed(rows_ink, cols_ink, y, x):
        return None
    cells = _cells(rows_ink, cols_ink, y, x)
    if cells is None or _outside(boxes, x, y) > OUTSIDE or _unparted(cells, boxes, height):
        return None
    return cells


def _ink(gray: np.ndarray) -> np.ndarray:
    """Pixels that differ from the background (the commonest grey level) towards ink."""
    common = int(np.bincount(gray.ravel(), minlength=256).argmax())
    if common >= 128:
        return gray < common - INK
    return gray > common + INK


def _runs(ink: np.ndarray, length: int) -> np.ndarray:
    """The pixels of each row that lie in a run of ink at least ``length`` long."""
    height, width = ink.shape
    if width < length:
        return np.zeros_like(ink)
    sums = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(ink, axis=1, out=sums[:, 1:])
    full = (sums[:, length:] - sums[:, :-length]) == length  # [i, j]: run from j, length long
    # a pixel is on a rule when a full window starts within ``length`` before it
    starts = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1 : width - length + 2])
    starts[:, width - length + 2 :] = starts[:, width - length + 1 : width - length + 2]
    first = np.maximum(np.arange(width) - length + 1, 0)
    return (starts[:, 1:] - starts[:, first]) > 0


def _positions(on: np.ndarray) -> list[tuple[int, int]]:
    """The ``(start, stop)`` bands of neighbouring positions that are ``on`` (a rule's
    thickness), bands closer than :data:`SAME_RULE` joined."""
    found = np.flatnonzero(on)
    bands: list[list[int]] = []
    for k in found:
        if bands and k - bands[-1][1] <= SAME_RULE:
            bands[-1][1] = k + 1
        else:
            bands.append([int(k), int(k) + 1])
    return [(a, b) for a, b in bands]


def _slack(on: np.ndarray, pixels: int = 2) -> np.ndarray:
    """``on`` grown by ``pixels`` either side: a rule's ink may shift a pixel along a slant."""
    grown = on.copy()
    for k in range(1, pixels + 1):
        grown[k:] |= on[:-k]
        grown[:-k] |= on[k:]
    return grown


def _covers(on: np.ndarray, start: float, stop: float) -> bool:
    """Whether the rule ``on`` runs over at least :data:`CLOSED` of ``start`` to ``stop``."""
    a, b = round(start), round(stop)
    return b > a and on[a:b].mean() >= CLOSED


def _closed(rows_ink: list, cols_ink: list, y: list[float], x: list[float]) -> bool:
    """Whether the outer rules run round the whole grid."""
    return (
        _covers(rows_ink[0], x[0], x[-1])
        and _covers(rows_ink[-1], x[0], x[-1])
        and _covers(cols_ink[0], y[0], y[-1])
        and _covers(cols_ink[-1], y[0], y[-1])
    )


def _cells(rows_ink: list, cols_ink: list, y: list[float], x: list[float]) -> list[GridCell] | None:
    """The grid's positions joined into cells where no rule parts them; None where a cell
    would not be a rectangle."""
    n_rows, n_cols = len(y) - 1, len(x) - 1
    sets = UnionFind(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not _covers(cols_ink[c + 1], y[r], y[r + 1]):
                sets.join(here, here + 1)
            if r + 1 < n_rows and not _covers(rows_ink[r + 1], x[c], x[c + 1]):
                sets.join(here, here + n_cols)
    cells = []
    for group in sets.groups():
        where = [divmod(k, n_cols) for k in group]
        r0, c0 = min(r for r, _ in where), min(c for _, c in where)
        r1, c1 = max(r for r, _ in where) + 1, max(c for _, c in where) + 1
        if len(where) != (r1 - r0) * (c1 - c0):
            return None  # rules that stop mid-cell: not a grid
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, (x[c0], y[r0], x[c1], y[r1])))
    if len(cells) < 2:
        return None
    return sorted(cells, key=lambda c: (c.row, c.col))


def _outside(boxes: np.ndarray, x: list[float], y: list[float]) -> float:
    """The share of the lines whose middle lies outside the outer rules."""
    mx, my = boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2
    inside = (mx > x[0]) & (mx < x[-1]) & (my > y[0]) & (my < y[-1])
    return float(1 - inside.mean())


def _unparted(cells: list[GridCell], boxes: np.ndarray, line_height: float) -> bool:
    """Whether the rules leave rows or columns unparted: in one grid row, several cells whose
    text stands in the same two or more rows (a table ruled only round groups of rows, its
    rows apart by space alone), or in one grid column, several cells with pieces side by
    side at the same places."""
    mx, my = boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2
    by_row: dict[int, list[tuple[float, ...]]] = {}
    by_col: dict[int, list[tuple[float, ...]]] = {}
    counts_row: dict[int, int] = {}
    counts_col: dict[int, int] = {}
    for cell in cells:
        x0, y0, x1, y1 = cell.box
        mine = np.flatnonzero((mx > x0) & (mx < x1) & (my > y0) & (my < y1))
        counts_row[cell.row] = counts_row.get(cell.row, 0) + 1
        counts_col[cell.col] = counts_col.get(cell.col, 0) + 1
        rows = _levels(my[mine] - y0, line_height)
        if len(rows) >= 2 and cell.row_span == 1:
            by_row.setdefault(cell.row, []).append(rows)
        cols = _levels(boxes[mine, 0] - x0, line_height)
        if len(cols) >= 2 and cell.col_span == 1 and len(rows) < len(mine):
            by_col.setdefault(cell.col, []).append(cols)
    return any(
        _aligned(found, counts[k], line_height)
        for groups, counts in ((by_row, counts_row), (by_col, counts_col))
        for k, found in groups.items()
    )


def _levels(values: np.ndarray, line_height: float) -> tuple[float, ...]:
    """The distinct levels of ``values`` (text rows by their middles, or pieces by their left
    edges), those less than half a line height apart taken for one."""
    levels: list[float] = []
    for v in np.sort(values):
        if not levels or v - levels[-1] >= line_height / 2:
            levels.append(float(v))
    return tuple(levels)


def _aligned(found: list[tuple[float, ...]], cells: int, line_height: float) -> bool:
    """Whether at least :data:`UNPARTED_CELLS` (and half) of a grid row's ``cells`` hold text at
    the same levels."""
    need = max(UNPARTED_CELLS, cells / 2)
    for levels in found:
        same = sum(
            len(other) == len(levels)
            and all(abs(a - b) < line_height / 2 for a, b in zip(levels, other))
            for other in found
        )
        if same >= need:
            return True
    return False
