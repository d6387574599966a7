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

A manual's table (a name, a description wrapped onto several lines, a default) leaves most
of its rows one line each, the description's next lines: :func:`stacked_cells` reads its
grid from the space between cells, wider than the space between a cell's lines, and
:func:`splits` tells when a model's grid reads a description's lines as rows of their own
(``sample_images.tables.drawn_table(seed, kind="prose")`` without rules, told they are
tables: TEDS 0.76 with the model's grid alone). :func:`breaks` asks the one question or
both, the words placed in the model's grid once.

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

from .geometry import Line, union_box
from .table_picture import (
    GRID_ROWS,
    TIGHT_COLUMN_GAP,
    line_columns,
    line_height,
    line_rows,
    row_gap,
)
from .table_text import GridCell, Word, nearest_cell, pieces, placed
from .union_find import UnionFind


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
    merged = _words_set_apart(found, rows, placed, full)
    if merged is None:
        return None  # two pieces of full rows in one column: columns the grid cannot tell
    found, rows = merged
    placed = [[(*_columns_of(found[k], extents), k) for k in row] for row in rows]
    full = _full_rows(rows)
    if len(full) < 2 or len(full) < 0.5 * len(rows):
        return None
    if any(p[1] > p[0] for r in full for p in placed[r] if len(rows[r]) > 1):
        return None  # a piece of a full row across two columns
    grid = _grid_rows(found, rows, placed, full[0], height)
    if grid is None:
        return None
    return _cells(found, grid, extents)


#: a cell's lines stand this many line heights apart at most (on average), and the gaps
#: between a table's cells in one column are wider than those by this many line heights at
#: least (on average: the cells' padding), the two groups this far apart at least; gaps of
#: CELL_GAPS line heights or more (a name column's, beside descriptions of several lines) are
#: no evidence
LINE_GAP = 0.6
CELL_PADDING = 0.25
SPLIT = 0.08
CELL_GAPS = 2.0
#: words of a stacked cell's line stand less than this many line heights apart (a short
#: description's last line may end a line height from the next column's value)
WORD_GAP = 0.6
#: a share of a table's full rows that may hold a cell's words set apart, as two pieces in
#: one column (more: two columns the text does not tell apart)
WORDS_APART = 0.2
#: a table of stacked cells has a column where this share of the body's cells at least is one
#: line (the names its descriptions describe)
ONE_LINE_CELLS = 0.6


def stacked_cells(lines: Sequence[Line]) -> list[GridCell] | None:
    """The cells (by rows, each left to right) of a table whose cells hold lines stacked one
    under the other (a manual's table: a name, a description wrapped onto several lines, a
    default), None where ``lines`` make no such table.

    The columns are the runs of the width that the pieces of the full rows cover (as for
    :func:`spaced_cells`), and every piece lies in one of them. In each column, lines a
    line's gap apart are one cell, and cells lie further apart than that: the gaps between a
    column's lines fall in two groups, the smaller a cell's next lines (at most
    :data:`LINE_GAP` line heights), the larger the space between cells
    (:data:`CELL_PADDING` line heights more at least). Cells of different columns that stand
    beside each other (their heights overlap) are one row, however their text is set in the
    cell (at its top, its middle or its foot). None where a piece lies across two columns or
    the first row leaves columns empty (a heading over its columns, a header of two rows:
    spans, which :func:`spaced_cells` and the model read), where the gaps fall in no
    two such groups, where the rows are fewer than two, where no cell below the first row
    holds two lines (a grid of one-line cells is :func:`spaced_cells`'s to read), or where
    no column has mostly cells of one line: columns of figures run into one cell each, their
    rows too close to tell apart.
    """
    found = _piece_boxes(lines, join=WORD_GAP)
    stacked = _stacked_grid(found)
    return None if stacked is None else _cells(found, *stacked)


def is_stacked_table(lines: Sequence[Line]) -> bool:
    """Whether ``lines`` are a table of stacked cells alone (:func:`stacked_cells`) of
    :data:`~ocrframe.core.table_picture.GRID_ROWS` rows at least: most of its rows are a
    description's next line, so :func:`~ocrframe.core.table_picture.is_table_picture`,
    which asks most rows to hold two pieces, does not see it; a page of two columns of text
    has no column of one-line cells beside its paragraphs' gaps."""
    stacked = _stacked_grid(_piece_boxes(lines, join=WORD_GAP))
    return stacked is not None and len(stacked[0]) >= GRID_ROWS


def _stacked_grid(
    found: np.ndarray,
) -> tuple[list[list[tuple[int, int, int, list[int]]]], np.ndarray] | None:
    """The rows of stacked cells (:func:`stacked_cells`) that pieces with boxes ``found``
    make, and the columns' extents; None where they make none."""
    if len(found) < 4:
        return None
    height = line_height(found)
    rows = line_rows(found)
    full = [k for r in _full_rows(rows) for k in rows[r]]
    # a description wrapped to its column's width comes close to the next column
    columns = line_columns(found, full, height, TIGHT_COLUMN_GAP)
    if len(columns) < 2:
        return None
    extents = np.array(
        [(found[list(c), 0].min(), (found[list(c), 0] + found[list(c), 2]).max()) for c in columns]
    )
    spans = [_columns_of(box, extents) for box in found]
    if any(a != b for a, b in spans):
        return None  # a heading over columns, a title: no manual's table
    stacks = [
        sorted((k for k in range(len(found)) if spans[k][0] == c), key=lambda k: found[k, 1])
        for c in range(len(columns))
    ]
    gaps = [row_gap(found, [a], [b]) / height for st in stacks for a, b in itertools.pairwise(st)]
    limit = _line_gap(gaps)
    if limit is None:
        return None
    paragraphs = [
        (c, run) for c, st in enumerate(stacks) for run in _runs_apart(found, st, limit * height)
    ]
    bands = _beside(found, [run for _, run in paragraphs], height)
    if len(bands) < 2 or any(_rows_run_together(found, paragraphs, band) for band in bands):
        return None
    grid = []
    for band in bands:
        cells: dict[int, list[int]] = {}
        for p in band:
            c, run = paragraphs[p]
            cells.setdefault(c, []).extend(run)
        grid.append(
            [(c, c, 1, sorted(ks, key=lambda k: found[k, 1])) for c, ks in sorted(cells.items())]
        )
    if len(grid[0]) < max(2, 0.6 * len(columns)):
        return None  # headings over their columns, a header on two rows: spans to read
    stacked = any(len(ks) > 1 for row in grid[1:] for *_, ks in row)
    if not stacked or not _one_line_column(grid[1:], len(columns)):
        return None  # no cell of two lines, or columns of figures run together
    return grid, extents


def _line_gap(gaps: list[float]) -> float | None:
    """The gap (in line heights) below which lines of a column are one cell's, from the gaps
    between a table's lines in its columns below :data:`CELL_GAPS` line heights: those fall
    in groups (a cell's next lines; the space between cells; a name column's pitch beside
    descriptions of two lines). Split in two where the between-group variance is widest
    (Otsu's split), two groups count where the larger is :data:`CELL_PADDING` wider on
    average and apart from the smaller by :data:`SPLIT` at least, and the smaller is split
    again while it splits so; the smallest group that does not is a cell's lines (on average
    at most :data:`LINE_GAP`), and the gap is halfway between it and the next. None where
    the gaps make no two groups (a column of one-line cells, rows set evenly)."""
    ordered = np.sort([g for g in gaps if 0 <= g < CELL_GAPS])
    found = None
    while len(ordered) >= 3:
        k = _otsu_split(ordered)
        low, high = ordered[:k], ordered[k:]
        if high[0] - low[-1] < SPLIT or high.mean() - low.mean() < CELL_PADDING:
            break
        found, ordered = (low[-1] + high[0]) / 2, low
    return found if found is not None and ordered.mean() <= LINE_GAP else None


def _otsu_split(ordered: np.ndarray) -> int:
    """Where sorted values split in two with the widest between-group variance (Otsu's
    split): the first index of the upper group (the groups' sums by prefix sums)."""
    n = len(ordered)
    k = np.arange(1, n)
    below = np.cumsum(ordered)[:-1]
    gap = (ordered.sum() - below) / (n - k) - below / k  # the groups' means apart
    return int(np.argmax(k * (n - k) * gap**2)) + 1


def _runs_apart(found: np.ndarray, stack: list[int], gap: float) -> list[list[int]]:
    """A column's pieces (top to bottom) in runs whose pieces stand less than ``gap`` apart."""
    runs = [[stack[0]]]
    for k in stack[1:]:
        if row_gap(found, runs[-1], [k]) < gap:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _beside(found: np.ndarray, runs: list[list[int]], height: float) -> list[list[int]]:
    """The runs (indices into ``runs``) grouped into rows, top to bottom: runs whose heights
    overlap by a third of a line height are of one row."""
    spans = [(found[r, 1].min(), (found[r, 1] + found[r, 3]).max()) for r in runs]
    sets = UnionFind(len(runs))
    for a, b in itertools.combinations(range(len(runs)), 2):
        if min(spans[a][1], spans[b][1]) - max(spans[a][0], spans[b][0]) > height / 3:
            sets.join(a, b)
    return sorted(sets.groups(), key=lambda g: min(spans[k][0] for k in g))


def _rows_run_together(
    found: np.ndarray, paragraphs: list[tuple[int, list[int]]], band: list[int]
) -> bool:
    """Whether a row of stacked cells (``band``: indices into ``paragraphs``, each a column
    and its pieces) is rows run together: a column holds two cells in it (a label wrapped
    onto two lines beside figures of two rows), or every line of its pieces has pieces in two
    columns or more, and there are two such lines or more (figures level with every line of
    the label beside them). A description's next line stands alone, or beside another
    wrapped description's."""
    columns = [paragraphs[p][0] for p in band]
    if len(set(columns)) < len(columns):
        return True
    column = {}  # each piece's column
    for p in band:
        c, run = paragraphs[p]
        column.update(dict.fromkeys(run, c))
    keys = list(column)
    rows = line_rows(found[keys])
    return len(rows) >= 2 and all(len({column[keys[k]] for k in row}) >= 2 for row in rows)


def _one_line_column(rows: list[list[tuple[int, int, int, list[int]]]], count: int) -> bool:
    """Whether one of ``count`` columns has, among the ``rows`` that fill it, at least
    :data:`ONE_LINE_CELLS` cells of one piece."""
    for c in range(count):
        sizes = [len(ks) for row in rows for a, _, _, ks in row if a == c]
        if len(sizes) >= 2 and sum(n == 1 for n in sizes) >= ONE_LINE_CELLS * len(sizes):
            return True
    return False


def splits(cells: Sequence[GridCell], stacked: Sequence[GridCell], lines: Sequence[Line]) -> bool:
    """Whether a model's grid ``cells`` cuts a cell of the grid ``stacked`` that ``lines``
    make by themselves (:func:`stacked_cells`) across its rows: a description's lines read as
    rows of their own."""
    return bool(cells and stacked) and _splits(cells, stacked, _words(cells, lines))


def _splits(cells: Sequence[GridCell], stacked: Sequence[GridCell], words: list[Word]) -> bool:
    rows: dict[int, set[int]] = {}
    for word in words:
        rows.setdefault(nearest_cell(stacked, word.x, word.y), set()).add(cells[word.cell].row)
    return any(len(found) > 1 for found in rows.values())


def breaks(
    cells: Sequence[GridCell], own: Sequence[GridCell], lines: Sequence[Line], stacked: bool
) -> bool:
    """Whether a model's grid ``cells`` breaks the grid ``own`` that ``lines`` make by
    themselves: it :func:`misfits` it, or (``stacked``: ``own`` is :func:`stacked_cells`')
    it :func:`splits` a cell of it; the words placed in the model's grid once for both."""
    if not cells or not own:
        return False
    words = _words(cells, lines)
    return _misfits(cells, own, words) or (stacked and _splits(cells, own, words))


def _words_set_apart(
    found: np.ndarray,
    rows: list[list[int]],
    placed: list[list[tuple[int, int, int]]],
    full: list[int],
) -> tuple[np.ndarray, list[list[int]]] | None:
    """``found`` and ``rows`` (placed in columns: ``placed``) with the pieces that one full
    row holds in one column joined into one, where few full rows (:data:`WORDS_APART` of them at most) do
    so: a cell's words the reader set apart (a contents entry's title cut where its
    underscores were lost), in a column whose other cells show it is one. None where more
    rows do: two columns the grid cannot tell apart."""
    crowded = []
    for r in full:
        by_column: dict[int, list[int]] = {}
        for first, _, k in placed[r]:
            by_column.setdefault(first, []).append(k)
        crowded += [(r, ks) for ks in by_column.values() if len(ks) > 1]
    if not crowded:
        return found, rows
    if len({r for r, _ in crowded}) > WORDS_APART * len(full):
        return None
    found, rows = found.copy(), [list(row) for row in rows]
    for r, ks in crowded:
        found[ks[0]] = union_box(found[ks])
        rows[r] = [k for k in rows[r] if k not in ks[1:]]
    return found, rows


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
    return bool(cells and spaced) and _misfits(cells, spaced, _words(cells, lines))


def _misfits(cells: Sequence[GridCell], spaced: Sequence[GridCell], words: list[Word]) -> bool:
    held: dict[int, set[int]] = {}
    for word in words:
        held.setdefault(word.cell, set()).add(nearest_cell(spaced, word.x, word.y))
    if any(len(found) > 1 for found in held.values()):
        return True
    used_rows = {r for k in held for r in _spanned(cells[k], "row")}
    used_cols = {c for k in held for c in _spanned(cells[k], "col")}
    row_count = max(c.row + c.row_span for c in cells)
    col_count = max(c.col + c.col_span for c in cells)
    return len(used_rows) < row_count or len(used_cols) < col_count


def _words(cells: Sequence[GridCell], lines: Sequence[Line]) -> list[Word]:
    """The pieces of ``lines`` that hold text, placed in the grid ``cells``."""
    return [word for word in placed(cells, lines) if word.text]


def _piece_boxes(lines: Sequence[Line], join: float = 1.0) -> np.ndarray:
    """The boxes ``(x, y, width, height)`` of the lines' pieces that hold text, those of a
    row less than ``join`` line heights apart joined (a cell's words that the reader set
    apart)."""
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
            if last is not None and x0 - last[2] < join * height:
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
