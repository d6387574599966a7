"""A table ruled round every cell is read from its rules: rows and columns between them, a
cell spanning where a rule stops. Anything else (rules only across, rows the rules leave
unparted, text outside the rules) is left to the table model."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ocrframe.core.ruled_grid import ruled_cells

ROW, COL = 40, 120
DOWN = np.array([0.0, 16.0, 0.0, 0.0])  # a text row below


def drawn(
    rows: int = 4,
    cols: int = 3,
    open_at: tuple[tuple[str, int, int], ...] = (),
    across_only: bool = False,
    ink: int = 0,
    paper: int = 255,
    slant: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """A greyscale table of ``rows`` x ``cols`` cells ruled round every cell, a text line
    (a dark bar, as far as rules go) in each; ``open_at`` leaves out the rule piece
    ``("down", row, col)`` left of a cell or ``("across", row, col)`` above it."""
    picture = Image.new("L", (cols * COL + 40, rows * ROW + 40), paper)
    draw = ImageDraw.Draw(picture)
    for r in range(rows + 1):
        for c in range(cols):
            if ("across", r, c) not in open_at and (not across_only or r in (0, 1, rows)):
                draw.line(
                    [(20 + c * COL, 20 + r * ROW), (20 + (c + 1) * COL, 20 + r * ROW)], ink, 2
                )
    for c in range(cols + 1):
        for r in range(rows):
            if ("down", r, c) not in open_at and not across_only:
                draw.line(
                    [(20 + c * COL, 20 + r * ROW), (20 + c * COL, 20 + (r + 1) * ROW)], ink, 2
                )
    lines = []
    for r in range(rows):
        for c in range(cols):
            box = (30 + c * COL, 32 + r * ROW, 50, 14)
            draw.rectangle([box[0], box[1], box[0] + 6, box[1] + box[3]], fill=ink)  # a letter
            lines.append(box)
    if slant:
        picture = picture.rotate(slant, resample=Image.BICUBIC, fillcolor=paper)
    return np.asarray(picture), np.array(lines, dtype=np.float64)


def shape(cells) -> tuple[int, int, int]:
    return (
        max(c.row + c.row_span for c in cells),
        max(c.col + c.col_span for c in cells),
        len(cells),
    )


def test_a_grid_ruled_round_every_cell_gives_its_cells_and_their_boxes():
    gray, lines = drawn()
    cells = ruled_cells(gray, lines)
    assert shape(cells) == (4, 3, 12)
    first = cells[0]
    assert (first.row, first.col) == (0, 0)
    assert np.allclose(first.box, (20.5, 20.5, 140.5, 60.5), atol=1.5)


def test_a_rule_that_stops_makes_a_spanning_cell():
    # the header's first two cells are one, and the last column's last two rows are one
    gray, lines = drawn(open_at=(("down", 0, 1), ("across", 3, 2)))
    cells = ruled_cells(gray, lines)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in cells}
    assert spans[(0, 0)] == (1, 2) and (0, 1) not in spans
    assert spans[(2, 2)] == (2, 1) and (3, 2) not in spans
    assert shape(cells) == (4, 3, 10)


def test_white_rules_on_a_dark_picture_and_a_slight_slant_read_the_same():
    assert shape(ruled_cells(*drawn(ink=250, paper=30))) == (4, 3, 12)
    assert shape(ruled_cells(*drawn(slant=0.3))) == (4, 3, 12)


def test_tables_not_ruled_round_every_cell_are_left_to_the_model():
    assert ruled_cells(*drawn(across_only=True)) is None  # rules across only, as papers set them
    gray, lines = drawn()
    beyond = np.array([(30 + 12 * k, 5, 10, 10) for k in range(20)], dtype=np.float64)
    assert ruled_cells(gray, np.vstack([lines, beyond])) is None  # most text outside: a page
    assert ruled_cells(gray, lines[:0]) is None


def test_rows_the_rules_leave_unparted_are_left_to_the_model():
    # ruled round groups of two rows, as papers group rows: each cell holds two text rows at
    # the same heights as its neighbours'
    gray, lines = drawn(rows=2, cols=4)
    assert ruled_cells(gray, np.vstack([lines - DOWN * 0.4, lines + DOWN])) is None
    # one cell's text wrapping onto a second line is a cell's text, not a row
    wrapped = np.vstack([lines, lines[:1] + DOWN])
    assert shape(ruled_cells(gray, wrapped)) == (2, 4, 8)
