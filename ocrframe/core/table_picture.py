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

A table on a page that the layout model did not frame is known the same way, row by row
(:func:`table_runs`): the grid of replies under a questionnaire's questions, which the model
took, with the whole page, for a picture (:func:`grid_part` where it framed the whole form as
one table).

>>> import numpy as np
>>> rows = [[(10, 10 + 40 * r, 80, 20), (200, 10 + 40 * r, 40, 20)] for r in range(5)]
>>> is_table_picture(np.array(rows, float).reshape(-1, 4), plain=0.9)
True
>>> is_table_picture(np.array(rows, float).reshape(-1, 4)[::2], plain=0.9)  # one column
False
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .geometry import union_box
from .ink import evened

#: rows with two pieces or more, at least this share of the rows and this many
GRID_SHARE = 0.45
GRID_ROWS = 3
#: a column counts when this share of those rows (and two at least) has a piece in it
COLUMN_SHARE = 0.3
#: the shortest column's median piece, at most this many line heights long
SHORT_CELLS = 12.0
#: the share of the picture's pixels within :data:`PLAIN_TONE` grey levels of its commonest
#: (or of its lines' part that is a sheet, :func:`sheet_share`: 30 drawn tables photographed
#: 0.66-0.91, median 0.87; the realdev shop photos whose lines stand in columns 0.0-0.55)
PLAIN = 0.65
PLAIN_TONE = 40
#: paper is nearly grey: its colour's spread at most this share of its brightest channel
#: (white paper under warm light about 0.2; a shop photo's brushed copper 0.35)
PAPER_TINT = 0.25
#: columns of lines lie this many line heights apart at least
COLUMN_GAP = 0.5
#: ... or this many, in a picture where :data:`DENSE_SHARE` of the rows or more hold two
#: pieces or more: the detector's boxes pad the text, and the columns of figures of a dense
#: table, set a space apart, come a quarter of a line height apart (a receipt, half of whose
#: rows are an item and its price, stays no table)
TIGHT_COLUMN_GAP = 0.2
DENSE_SHARE = 0.8
#: pieces of a row this many line heights apart or more are cells of their own
CELL_GAP = 2.0
#: rows of one table lie at most this many line heights apart
ROW_GAP = 2.5
#: a column of lines is prose however narrow (a newspaper's) when this share of them at least
#: starts in lower case, running on from the line above, and its median line holds
#: :data:`PROSE_CHARS` characters or more; a table's cells start with a capital or a figure
RUN_ON = 0.5
PROSE_CHARS = 12


@dataclass(frozen=True)
class Columns:
    """How lines stand in columns: the share of their rows with two pieces or more, how many
    such rows, how many columns those rows share, the median piece of the shortest of
    those columns, in line heights (infinite with none), and whether every one of those
    columns reads as prose (:func:`runs_on`; False where the lines' text is not given)."""

    share: float
    rows: int
    columns: int
    shortest: float
    prose: bool = False


def is_table_picture(boxes: np.ndarray, plain: float, texts: Sequence[str] | None = None) -> bool:
    """Whether lines with ``boxes`` (rows of ``x, y, width, height``, the page straight) and
    ``texts`` on a picture whose background takes ``plain`` of it (:func:`plain_share`) are a
    table alone: never columns of prose (:func:`is_prose_columns`)."""
    if plain < PLAIN or len(boxes) < 2 * GRID_ROWS:
        return False
    found = columns(boxes, texts)
    if found.columns < 2 and found.share >= DENSE_SHARE:
        found = columns(boxes, texts, TIGHT_COLUMN_GAP)
    return (
        found.rows >= GRID_ROWS
        and found.share >= GRID_SHARE
        and found.columns >= 2
        and found.shortest <= SHORT_CELLS
        and not found.prose
        and not _table_in_text(boxes)
    )


def _table_in_text(boxes: np.ndarray) -> bool:
    """Whether lines with ``boxes`` are a page with a table among its text, not a table: the
    tables :func:`table_runs` finds hold less than half of them, and :data:`GRID_ROWS` or
    more of the others are long lines (a questionnaire's questions over its grid of replies;
    the realdev questionnaire, scanned, is a two-page spread whose rows pair up across the
    fold)."""
    runs = table_runs(boxes)
    held = sum(len(run) for run in runs)
    if not runs or held >= 0.5 * len(boxes):
        return False
    others = np.setdiff1d(np.arange(len(boxes)), np.concatenate(runs))
    return int(np.sum(boxes[others, 2] >= SHORT_CELLS * line_height(boxes))) >= GRID_ROWS


def is_prose_columns(boxes: np.ndarray, texts: Sequence[str] | None = None) -> bool:
    """Whether lines with ``boxes`` and ``texts`` are columns of prose: rows of two pieces or
    more in shared columns, every column of long lines or (``texts`` given) of lines that run
    on like prose (:func:`runs_on`), as a newspaper's narrow columns do. The layout model
    calls the columns of a magazine page a table at times (``documents.magazine_page(0)``:
    score 0.51; five narrow columns: 0.97), and a table reads row by row across its columns.

    >>> import numpy as np
    >>> prose = [[(10, 30 * r, 500, 20), (560, 30 * r, 480, 20)] for r in range(8)]
    >>> is_prose_columns(np.array(prose, float).reshape(-1, 4))
    True
    >>> narrow = np.array([[(10, 30 * r, 200, 20), (260, 30 * r, 200, 20)] for r in range(8)])
    >>> is_prose_columns(narrow.reshape(-1, 4).astype(float))
    False
    >>> is_prose_columns(narrow.reshape(-1, 4).astype(float), ["ran on from the line"] * 16)
    True
    """
    found = columns(boxes, texts)
    long = found.shortest > SHORT_CELLS or found.prose
    return found.rows >= GRID_ROWS and found.columns >= 2 and long


def runs_on(texts: Sequence[str]) -> bool:
    """Whether lines with ``texts`` read as prose: :data:`RUN_ON` of them or more start in
    lower case, mid-sentence, and the median one holds :data:`PROSE_CHARS` characters or
    more. A table's cells start with a capital or a figure, or are a word or two ("yes").

    >>> runs_on(["The council voted on", "tuesday to approve the", "plan for a new quay"])
    True
    >>> runs_on(["Harbour", "12.5 kg of fish", "yes"])
    False
    """
    if not texts:
        return False
    firsts = [next((c for c in text if c.isalnum()), "") for text in texts]
    lower = sum(c.islower() for c in firsts) / len(texts)
    return lower >= RUN_ON and float(np.median([len(t) for t in texts])) >= PROSE_CHARS


def line_height(boxes: np.ndarray) -> float:
    """The median line height of ``boxes`` (rows of ``x, y, width, height``): the shorter
    side of each, so that a line set top to bottom counts by its width."""
    return float(np.median(np.minimum(boxes[:, 2], boxes[:, 3])))


def table_runs(boxes: np.ndarray, short: float = SHORT_CELLS) -> list[np.ndarray]:
    """The tables among lines with ``boxes`` (the page straight) that no layout model framed:
    runs of :data:`GRID_ROWS` or more rows, one below the next, each with two cells or more
    (pieces :data:`CELL_GAP` line heights apart or more), in columns that the rows share, one
    of short cells (its median piece at most ``short`` line heights long); a run takes the
    lines lying within it (a header's second line). Each table is an array of indices into
    ``boxes``, top to bottom.

    Meant for lines the model took for a picture: a questionnaire's grid of check boxes under
    a run of questions (``table_mislabeled_as_picture.pdf`` of the realdev documents).

    >>> import numpy as np
    >>> text = [(10, 30 * r, 600, 20) for r in range(4)]  # a paragraph, then a table
    >>> grid = [(10, 150 + 30 * r, 120, 20) for r in range(4)]
    >>> grid += [(400, 150 + 30 * r, 20, 20) for r in range(4)]
    >>> [run.tolist() for run in table_runs(np.array(text + grid, float))]
    [[4, 8, 5, 9, 6, 10, 7, 11]]
    """
    if len(boxes) < 2 * GRID_ROWS:
        return []
    height = line_height(boxes)
    rows = line_rows(boxes)
    found = []
    for run in _grid_runs(boxes, rows, height):
        grid = [row for row in run if _cells(boxes, row, height) >= 2]
        if len(grid) < GRID_ROWS or len(grid) < GRID_SHARE * len(run):
            continue
        lines = _within(boxes, [k for row in run for k in row])
        shape = columns(boxes[lines])
        if shape.columns >= 2 and shape.shortest <= short:
            found.append(lines)
    return found


def grid_part(boxes: np.ndarray) -> np.ndarray | None:
    """Where lines with ``boxes`` that a layout model framed as one table are a form, not a
    table: the one run of them that is a table (:func:`table_runs`), when the others lie
    above or below it, not beside it, in :data:`GRID_ROWS` rows or more of a single piece of
    text each, bar one row (a running title beside a page number the model did not frame):
    questions and their answers over a grid of replies. The others are set across (lines set
    top to bottom are a table's turned column headers), and one at least is a question: a
    line at least :data:`SHORT_CELLS` line heights long. None where the lines are the table
    the model framed.

    >>> import numpy as np
    >>> questions = [(10, 30 * r, 400, 20) for r in range(4)]
    >>> grid = [(x, 150 + 30 * r, 90, 20) for r in range(4) for x in (10, 300)]
    >>> grid_part(np.array(questions + grid, float)).tolist()
    [4, 5, 6, 7, 8, 9, 10, 11]
    >>> grid_part(np.array(grid, float)) is None
    True
    """
    runs = table_runs(boxes)
    if len(runs) != 1:
        return None
    run = runs[0]
    others = boxes[np.setdiff1d(np.arange(len(boxes)), run)]
    if len(others) == 0:
        return None
    height = line_height(boxes)
    rows = line_rows(others)
    if len(rows) < GRID_ROWS or sum(_cells(others, row, height) > 1 for row in rows) > 1:
        return None
    turned = others[:, 3] > 1.5 * others[:, 2]  # a square box is a check box, not turned text
    if turned.any() or others[:, 2].max() < SHORT_CELLS * height:
        return None
    top, bottom = boxes[run, 1].min(), (boxes[run, 1] + boxes[run, 3]).max()
    beside = (others[:, 1] + others[:, 3] > top) & (others[:, 1] < bottom)
    return None if beside.any() else run


def in_grid_rows(boxes: np.ndarray, gap: float = CELL_GAP) -> np.ndarray:
    """Per line with ``boxes``, whether its row holds two cells or more (pieces ``gap`` line
    heights apart): a table's cell, not a heading or a page number set alone on its row."""
    out = np.zeros(len(boxes), dtype=bool)
    if len(boxes) == 0:
        return out
    height = line_height(boxes)
    for row in line_rows(boxes):
        out[row] = _cells(boxes, row, height, gap) >= 2
    return out


def headings(boxes: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per line with ``boxes``, whether it heads columns of a table: a line alone on its row
    (``grid`` False), the row below it within :data:`HEADING_GAP` line heights a row of cells
    (``grid`` True: :func:`in_grid_rows`) or of headings, the line within the cells' width
    and narrower than :data:`HEADING_WIDTH` of it (a group heading over two columns, the label column's
    name set level with the gap between two header rows), not a title across the page.

    >>> import numpy as np
    >>> rows = [(200, 0, 100, 20), (10, 25, 60, 20), (180, 50, 50, 20), (280, 50, 50, 20)]
    >>> rows += [(10, 80, 120, 20), (180, 80, 50, 20), (280, 80, 50, 20)]
    >>> boxes = np.array(rows, float)
    >>> headings(boxes, in_grid_rows(boxes, gap=1.0)).tolist()
    [True, True, False, False, False, False, False]
    """
    out = np.zeros(len(boxes), dtype=bool)
    if not grid.any():
        return out
    height = line_height(boxes)
    left = boxes[grid, 0].min() - height
    right = (boxes[grid, 0] + boxes[grid, 2]).max() + height
    rows = line_rows(boxes)
    for r in range(len(rows) - 2, -1, -1):  # from the foot: a heading over a heading
        row, below = rows[r], rows[r + 1]
        if grid[row].any() or not (grid[below].any() or out[below].any()):
            continue
        near = row_gap(boxes, row, below) <= HEADING_GAP * height
        for k in row:
            inside = boxes[k, 0] >= left and boxes[k, 0] + boxes[k, 2] <= right
            out[k] = near and inside and boxes[k, 2] <= HEADING_WIDTH * (right - left)
    return out


#: a heading stands at most this many line heights above the row below it ...
HEADING_GAP = 1.5
#: ... and is at most this share of the cells' width wide
HEADING_WIDTH = 0.6


def _grid_runs(boxes: np.ndarray, rows: list[list[int]], height: float) -> list[list[list[int]]]:
    """``rows`` in runs that begin and end with a row of two cells or more, rows at most
    :data:`ROW_GAP` line heights apart, never two rows of one cell in a row (the second line
    of a header or of a wrapped cell stays in)."""
    runs: list[list[list[int]]] = []
    current: list[list[int]] = []
    single: list[list[int]] = []
    for k, row in enumerate(rows):
        if k and row_gap(boxes, rows[k - 1], row) > ROW_GAP * height:
            runs.append(current)
            current, single = [], []
        if _cells(boxes, row, height) >= 2:
            current += [*single, row]
            single = []
        elif current and not single:
            single = [row]
        else:
            runs.append(current)
            current, single = [], []
    runs.append(current)
    return [run for run in runs if run]


def columns(
    boxes: np.ndarray, texts: Sequence[str] | None = None, gap: float = COLUMN_GAP
) -> Columns:
    """How the lines with ``boxes`` (and ``texts``) stand in columns (:class:`Columns`),
    columns ``gap`` line heights apart at least."""
    if len(boxes) == 0:
        return Columns(0.0, 0, 0, np.inf)
    rows = line_rows(boxes)
    shared = [row for row in rows if len(row) >= 2]
    height = line_height(boxes)
    found = line_columns(boxes, [k for row in shared for k in row], height, gap)
    used = [
        column
        for column in found
        if len({r for r, row in enumerate(shared) for k in row if k in column})
        >= max(2, COLUMN_SHARE * len(shared))
    ]
    shortest = min((float(np.median(boxes[list(c), 2])) for c in used), default=np.inf)
    prose = texts is not None and bool(used)
    prose = prose and all(runs_on([texts[k] for k in sorted(c)]) for c in used)
    return Columns(
        len(shared) / len(rows), len(shared), len(used), shortest / max(height, 1.0), prose
    )


def sheet_share(rgb: np.ndarray, boxes: np.ndarray) -> float:
    """The share of the part of an RGB picture that holds lines with ``boxes`` (rows of
    ``x, y, width, height``) that is paper under uneven light: a photo of a printed page
    or table (the sheet on a desk, lit from one side) is no plain picture as a whole
    (:func:`plain_share` 0.3-0.46 on 30 drawn tables so photographed), but its text lies on
    a sheet. The light is taken out (each pixel over the brightest near it, about a line
    height round); paper is then within :data:`PLAIN_TONE` of the commonest level and
    nearly grey (:data:`PAPER_TINT`: a shop photo's brushed copper flattens as evenly).

    >>> import numpy as np
    >>> lit = np.linspace(150, 245, 400)[None, :, None].repeat(200, 0).repeat(3, 2)
    >>> page = lit.astype(np.uint8)
    >>> page[40:60, 20:380:6] //= 3  # two lines of text: strokes dark on the sheet
    >>> page[100:120, 20:380:6] //= 3
    >>> boxes = np.array([[20.0, 40.0, 360.0, 20.0], [20.0, 100.0, 360.0, 20.0]])
    >>> round(plain_share(page[..., 0]), 2), round(sheet_share(page, boxes), 2)
    (0.42, 0.83)
    >>> copper = page * np.array([1.0, 0.75, 0.65])  # the same, in a shop photo's copper
    >>> round(sheet_share(copper.astype(np.uint8), boxes), 2)
    0.0
    """
    if len(boxes) == 0:
        return 0.0
    x, y, width, height = union_box(boxes)
    x0, y0, x1, y1 = int(max(x, 0)), int(max(y, 0)), int(x + width), int(y + height)
    # every other pixel each way tells the share as well, in a quarter of the time
    part = rgb[y0:y1:2, x0:x1:2, :3].astype(np.float32)
    if part.shape[0] < 2 or part.shape[1] < 2:
        return 0.0
    even = evened(part.mean(axis=2).astype(np.uint8), float(np.median(boxes[:, 3])) / 2)
    levels = np.bincount(even.ravel(), minlength=256)
    common = int(levels.argmax())
    near = np.abs(even.astype(int) - common) <= PLAIN_TONE
    tint = (part.max(axis=2) - part.min(axis=2)) / np.maximum(part.max(axis=2), 1.0)
    return float(np.mean(near & (tint <= PAPER_TINT)))


def plain_share(gray: np.ndarray) -> float:
    """The share of a greyscale picture's pixels near its commonest grey level: high for a
    scan or screenshot of a document, low for a photo of a scene."""
    if gray.size == 0:
        return 0.0
    levels = np.bincount(gray.ravel(), minlength=256)
    common = int(levels.argmax())
    near = levels[max(0, common - PLAIN_TONE) : common + PLAIN_TONE + 1].sum()
    return float(near / gray.size)


def line_rows(boxes: np.ndarray) -> list[list[int]]:
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


def _cells(boxes: np.ndarray, row: list[int], height: float, gap: float = CELL_GAP) -> int:
    """How many cells the lines of ``row`` make: pieces less than ``gap`` line heights apart
    (a check box and its label) are one."""
    spans = sorted((boxes[k, 0], boxes[k, 0] + boxes[k, 2]) for k in row)
    count, right = 0, -np.inf
    for x0, x1 in spans:
        count += x0 > right + gap * height
        right = max(right, x1)
    return count


def row_gap(boxes: np.ndarray, above: list[int], below: list[int]) -> float:
    """The space between two rows of lines, from the bottom of one to the top of the next."""
    return float(boxes[below, 1].min() - (boxes[above, 1] + boxes[above, 3]).max())


def _within(boxes: np.ndarray, lines: list[int]) -> np.ndarray:
    """``lines`` and every other line whose middle lies inside their box, in rows top to
    bottom, each left to right."""
    x0, y0 = boxes[lines, 0].min(), boxes[lines, 1].min()
    x1 = (boxes[lines, 0] + boxes[lines, 2]).max()
    y1 = (boxes[lines, 1] + boxes[lines, 3]).max()
    middles = boxes[:, :2] + boxes[:, 2:] / 2
    inside = (middles[:, 0] > x0) & (middles[:, 0] < x1)
    inside &= (middles[:, 1] > y0) & (middles[:, 1] < y1)
    held = np.flatnonzero(inside)
    return np.array(
        [k for row in line_rows(boxes[held]) for k in sorted(held[row], key=lambda k: boxes[k, 0])],
        np.intp,
    )


def line_columns(
    boxes: np.ndarray, lines: list[int], height: float, gap: float = COLUMN_GAP
) -> list[set[int]]:
    """``lines`` grouped into columns: runs of the page's width that their boxes cover, apart
    where no box covers ``gap`` line heights or more."""
    columns: list[set[int]] = []
    right = -np.inf
    for k in sorted(lines, key=lambda k: boxes[k, 0]):
        x0, x1 = boxes[k, 0], boxes[k, 0] + boxes[k, 2]
        if columns and x0 <= right + gap * height:
            columns[-1].add(k)
            right = max(right, x1)
        else:
            columns.append({k})
            right = x1
    return columns
