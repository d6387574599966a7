"""A table set apart by space alone: its grid from where its text lies, and whether a table
model's grid fits that text.

A table with no rules, or rules only under its header (papers, web pages, spreadsheets
without borders), shows its structure in its text: each row a row of pieces, each column a
run of the width that pieces of several rows share. The table-structure model guesses that
structure from pixels, and on a small table it can guess badly: on three-row pictures of a
table (``documents.table_picture(rules="none")``) it gave four columns, one of them empty,
and a row with nothing in it; under a dark header band it ran two body rows into one. Where
every row is two pieces or more, each in a column of its own, :func:`spaced_cells` reads the
grid from the text, and :func:`misfits` tells when a model's grid breaks it: a row or a
column with no text, or a cell holding pieces of two rows or two pieces of one row.

>>> from ocrframe.core.geometry import Char, Line, rectangle
>>> def line(text, x, y):
...     chars = [Char(c, 0.9, (x + 10 * k, y, 10, 20)) for k, c in enumerate(text)]
...     return Line(rectangle((x, y, 10 * len(text), 20)), text, chars)
>>> lines = [line("Name", 0, 0), line("Age", 200, 0), line("Ann", 0, 40), line("41", 200, 40)]
>>> [(c.row, c.col) for c in spaced_cells(lines)]
[(0, 0), (0, 1), (1, 0), (1, 1)]
>>> misfits([GridCell(0, 0, 1, 2, (0, 0, 240, 60))], spaced_cells(lines), lines)  # one cell
True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from .geometry import Line
from .table_picture import line_columns, line_height, line_rows, row_gap
from .table_text import GridCell, nearest_cell, pieces, placed


def spaced_cells(lines: Sequence[Line]) -> list[GridCell] | None:
    """The cells (by rows, each left to right) of a table whose ``lines`` make a grid by
    themselves, None where they do not.

    The columns are those of the full rows (:func:`_full_rows`: two pieces or more, most of
    the most any row holds, each piece in a column of its own). Above the first full row, a
    heading spans the columns it lies over ("Follow-up" over "%" and "Median"), and a
    heading set between two rows, beside none of theirs ("Characteristic" level with the
    gap between a group heading and its columns' names), spans both. Below it, a row of one
    piece is a section title where it stands a row's height below the row above (spanning
    the columns it runs over), and a cell's next line where it stands closer (joining that
    cell). A cell's box reaches halfway to its neighbours, so that every grid position has
    one. None where the text is no such grid: a title over the whole table, a piece across
    two columns of a full row, half the rows or more of one piece.
    """
    found = _piece_boxes(lines)
    if len(found) < 4:
        return None
    height = line_height(found)
    rows = _level_joined(found, line_rows(found), height)
    full = _full_rows(rows)
    if len(full) < 2 or len(full) < 0.5 * len(rows):
        return None
    columns = line_columns(found, [k for r in full for k in rows[r]], height)
    if len(columns) < 2:
        return None
    extents = np.array(
        [(found[list(c), 0].min(), (found[list(c), 0] + found[list(c), 2]).max()) for c in columns]
    )
    placed = [[(*_columns_of(found[k], extents), k) for k in row] for row in rows]
    if any(len({p[0] for p in placed[r]}) < len(rows[r]) for r in full):
        return None  # two pieces of a full row in one column
    if any(p[1] > p[0] for r in full for p in placed[r] if len(rows[r]) > 1):
        return None  # a piece of a full row across two columns
    grid = _grid_rows(found, rows, placed, full[0], height)
    if grid is None:
        return None
    return _cells(found, grid, extents)


def _level_joined(found: np.ndarray, rows: list[list[int]], height: float) -> list[list[int]]:
    """``rows`` with each row joined to the row above where they overlap by a third of a line
    height or more and none of their pieces stand one above the other: the figures of a row
    set level with the middle of its label's two lines fall some to the first line's row,
    some to a row of their own."""
    out = [rows[0]]
    for row in rows[1:]:
        above = out[-1]
        beside = not any(
            found[a, 0] < found[b, 0] + found[b, 2] and found[b, 0] < found[a, 0] + found[a, 2]
            for a in above
            for b in row
        )
        if beside and row_gap(found, above, row) < -height / 3:
            out[-1] = [*above, *row]
        else:
            out.append(row)
    return out


def _full_rows(rows: list[list[int]]) -> list[int]:
    """The rows (indices into ``rows``) that hold two pieces or more, and at least 0.6 of the
    most pieces a row holds: a table's body rows and its columns' names, not its group
    headings."""
    most = max(len(row) for row in rows)
    return [r for r, row in enumerate(rows) if len(row) >= max(2, 0.6 * most)]


def _columns_of(box: np.ndarray, extents: np.ndarray) -> tuple[int, int]:
    """The first and last column a piece's box lies over (by overlap; the nearest column
    where it overlaps none)."""
    x0, x1 = box[0], box[0] + box[2]
    over = np.flatnonzero((extents[:, 0] < x1) & (extents[:, 1] > x0))
    if len(over) == 0:
        middle = (x0 + x1) / 2
        near = int(np.argmin(np.abs(extents.mean(axis=1) - middle)))
        return near, near
    return int(over[0]), int(over[-1])


def _grid_rows(
    found: np.ndarray,
    rows: list[list[int]],
    placed: list[list[tuple[int, int, int]]],
    first_full: int,
    height: float,
) -> list[list[tuple[int, int, int, list[int]]]] | None:
    """The table's rows, each a list of cells (first column, last column, rows spanned, the
    pieces in it): headings above the first full row spanning what they lie over, a heading
    between two rows spanning both, a cell's next line joined to it (a label wrapped onto two
    lines beside figures set level with its middle or its last line, too), a section title a
    row of its own.
    None where the rows make no table."""
    gaps = [row_gap(found, rows[r - 1], rows[r]) for r in range(1, len(rows))]
    pitch = float(np.median(gaps)) if gaps else height
    cells = [[(a, b, 1, [k]) for a, b, k in sorted(row)] for row in placed]
    near = [g < 0.6 * pitch for g in gaps]  # row r and r + 1 are lines of one row's cells
    joined: set[int] = set()
    for r in range(first_full, len(cells)):
        if len(rows[r]) < 2 or any(a == 0 for a, *_ in cells[r]):
            continue
        for other in (r - 1, r + 1):  # a label's lines above and below its row's figures
            if other < first_full or other >= len(cells) or other in joined:
                continue
            lone = cells[other]
            if len(lone) == 1 and lone[0][:2] == (0, 0) and near[min(r, other)]:
                label = next((c for c in cells[r] if c[0] == 0), None)
                if label is None:
                    cells[r] = [(0, 0, 1, []), *cells[r]]
                    label = cells[r][0]
                label[3].extend(lone[0][3])
                joined.add(other)
    out: list[list[tuple[int, int, int, list[int]]]] = []
    for r, row in enumerate(cells):
        if r in joined:
            continue
        if r < first_full and any(a == 0 and b > a for a, b, _, _ in row):
            return None  # a title over the whole table, not a heading of its columns
        if r > first_full and len(row) == 1 and out:
            a, _, _, pieces = row[0]
            below = cells[r + 1] if r + 1 < len(cells) and near[r] else []
            first = next((c for c in below if c[0] == a == 0), None)
            if len(below) > 1 and first is not None:  # a label's first line, the row below
                first[3][:0] = pieces
                continue
            if near[r - 1]:  # a cell's next line
                above = next((c for c in out[-1] if c[0] <= a <= c[1]), None)
                if above is None:
                    return None
                above[3].extend(pieces)
                continue
            if a != 0:
                return None  # one piece set apart, in no column a title stands in
        out.append(row)
    return _between_rows(out, first_full)


def _between_rows(
    rows: list[list[tuple[int, int, int, list[int]]]], first_full: int
) -> list[list[tuple[int, int, int, list[int]]]]:
    """``rows`` with each header row (up to the first full row) whose cells stand beside none
    of the cells of the rows above and below joined to the row above, its cells spanning
    both: a heading set level with the gap between two header rows."""

    def taken(row) -> set[int]:
        return {c for a, b, _, _ in row for c in range(a, b + 1)}

    out = list(rows)
    r = 1
    while r < min(first_full, len(out) - 1):
        mine = taken(out[r])
        if mine & taken(out[r - 1]) or mine & taken(out[r + 1]):
            r += 1
            continue
        out[r - 1] = sorted([*out[r - 1], *((a, b, 2, ks) for a, b, _, ks in out[r])])
        del out[r]
        first_full -= 1
    return out


def _cells(
    found: np.ndarray, grid: list[list[tuple[int, int, int, list[int]]]], extents: np.ndarray
) -> list[GridCell]:
    """The cells of ``grid`` with boxes reaching halfway to their neighbours, every position
    without a piece an empty cell of its own."""
    bands = []
    for r, row in enumerate(grid):
        pieces = [k for a, b, span, ks in row if span == 1 or r == 0 for k in ks] or [
            k for _, _, _, ks in row for k in ks
        ]
        bands.append((found[pieces, 1].min(), (found[pieces, 1] + found[pieces, 3]).max()))
    ys = _edges(bands)
    xs = _edges([tuple(e) for e in extents])
    out, taken = [], set()
    for r, row in enumerate(grid):
        for a, b, span, _ in row:
            out.append(GridCell(r, a, span, b - a + 1, (xs[a], ys[r], xs[b + 1], ys[r + span])))
            taken |= {(rr, c) for rr in range(r, r + span) for c in range(a, b + 1)}
    for r in range(len(grid)):
        for c in range(len(extents)):
            if (r, c) not in taken:
                out.append(GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1])))
    return sorted(out, key=lambda c: (c.row, c.col))


def misfits(cells: Sequence[GridCell], spaced: Sequence[GridCell], lines: Sequence[Line]) -> bool:
    """Whether a model's grid ``cells`` breaks the text of ``lines``, which make the grid
    ``spaced`` by themselves (:func:`spaced_cells`): a row or column of the model's grid with
    no text in it, or a cell holding the text of two of the spaced grid's cells (two rows run
    together, or two columns)."""
    if not cells or not spaced:
        return False
    held: dict[int, set[int]] = {}
    for word in placed(cells, lines):
        if word.text:
            held.setdefault(word.cell, set()).add(nearest_cell(spaced, word.x, word.y))
    if any(len(found) > 1 for found in held.values()):
        return True
    used_rows = {r for k in held for r in _spanned(cells[k], "row")}
    used_cols = {c for k in held for c in _spanned(cells[k], "col")}
    row_count = max(c.row + c.row_span for c in cells)
    col_count = max(c.col + c.col_span for c in cells)
    return len(used_rows) < row_count or len(used_cols) < col_count


def _piece_boxes(lines: Sequence[Line]) -> np.ndarray:
    """The boxes ``(x, y, width, height)`` of the lines' pieces that hold text, those of a
    row less than a line height apart joined (a cell's words that the reader set apart)."""
    boxes = [box for line in lines for text, box in pieces(line) if text]
    found = np.array(boxes, dtype=np.float64).reshape(-1, 4)
    if len(found) == 0:
        return found
    height = line_height(found)
    joined = []
    for row in line_rows(found):
        for k in sorted(row, key=lambda k: found[k, 0]):
            x0, y0, x1, y1 = found[k, 0], found[k, 1], *(found[k, :2] + found[k, 2:])
            last = joined[-1] if joined and joined[-1][4] is row else None
            if last is not None and x0 - last[2] < height:
                last[:4] = [last[0], min(last[1], y0), max(last[2], x1), max(last[3], y1)]
            else:
                joined.append([x0, y0, x1, y1, row])
    corners = np.array([j[:4] for j in joined], dtype=np.float64)
    return np.column_stack([corners[:, :2], corners[:, 2:] - corners[:, :2]])


def _edges(bands: list[tuple[float, float]]) -> list[float]:
    """The edges between bands in order (halfway across each gap) and the outer two."""
    inner = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(bands)]
    return [float(bands[0][0]), *map(float, inner), float(bands[-1][1])]


def _spanned(cell: GridCell, axis: str) -> range:
    start = cell.row if axis == "row" else cell.col
    return range(start, start + (cell.row_span if axis == "row" else cell.col_span))
