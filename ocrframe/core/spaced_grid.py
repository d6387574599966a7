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
from .table_picture import line_columns, line_height, line_rows
from .table_text import GridCell, nearest_cell, pieces, placed


def spaced_cells(lines: Sequence[Line]) -> list[GridCell] | None:
    """The cells (by rows, each left to right) of a table whose ``lines`` make a grid by
    themselves: two rows or more, each of two pieces or more (:func:`~.table_text.pieces`),
    every piece in a column of its own, two columns or more. A cell's box reaches halfway to
    its neighbours, so that every grid position has one. None where the text is no such grid
    (a wrapped cell's second line, a title over the columns, a piece across two columns)."""
    found = _piece_boxes(lines)
    if len(found) < 4:
        return None
    height = line_height(found)
    rows = line_rows(found)
    if len(rows) < 2 or any(len(row) < 2 for row in rows):
        return None
    columns = line_columns(found, list(range(len(found))), height)
    if len(columns) < 2:
        return None
    column_of = {k: c for c, members in enumerate(columns) for k in members}
    if any(len({column_of[k] for k in row}) < len(row) for row in rows):
        return None
    ys = _edges([(found[row, 1].min(), (found[row, 1] + found[row, 3]).max()) for row in rows])
    xs = _edges(
        [(found[list(c), 0].min(), (found[list(c), 0] + found[list(c), 2]).max()) for c in columns]
    )
    return [
        GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(len(rows))
        for c in range(len(columns))
    ]


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
