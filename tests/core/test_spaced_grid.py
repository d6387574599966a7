"""A table set apart by space: its grid from its text, and a model's grid that breaks that
text is told apart from one that fits it."""

from __future__ import annotations

from ocrframe.core.geometry import Char, Line, rectangle
from ocrframe.core.spaced_grid import misfits, spaced_cells
from ocrframe.core.table_text import GridCell


def line(text: str, x: float, y: float) -> Line:
    """A line with a 10-pixel box per character (spaces without one), 20 high."""
    chars = [
        Char(ch, 0.9, None if ch == " " else (round(x + 10 * k), round(y), 10, 20))
        for k, ch in enumerate(text)
    ]
    return Line(rectangle((x, y, 10 * len(text), 20)), text, chars)


def table(rows: list[list[str]], xs=(0, 200, 400), pitch: int = 40) -> list[Line]:
    return [
        line(text, x, pitch * r) for r, row in enumerate(rows) for x, text in zip(xs, row) if text
    ]


ROWS = [["Name", "Role", "Since"], ["Ann", "Editor", "2019"], ["Bo", "Writer", ""]]


def grid_of(cells: list[GridCell]) -> tuple[int, int]:
    return max(c.row for c in cells) + 1, max(c.col for c in cells) + 1


def test_rows_of_pieces_in_shared_columns_are_the_grid_every_position_a_cell():
    cells = spaced_cells(table(ROWS))
    assert grid_of(cells) == (3, 3)
    assert len(cells) == 9  # the empty position too
    # a cell's box reaches halfway to its neighbours and holds its text
    name = cells[0].box
    assert name[0] <= 0 and 40 <= name[2] < 200 and name[3] < 40
    assert cells[-1].box[0] > 200  # Bo's "Since" position, empty, still has a box


def test_a_cell_s_words_the_reader_set_apart_stay_one_cell():
    lines = table(ROWS)
    lines[3] = line("Ann Lee", 0, 40)
    lines[3].chars[4:] = [Char(c.text, 0.9, (c.box[0] + 5, 40, 10, 20)) for c in lines[3].chars[4:]]
    spaced = spaced_cells(lines)
    assert grid_of(spaced) == (3, 3)
    # and a grid that holds the two words in one cell fits the text
    assert not misfits(spaced, spaced, lines)


def test_text_that_is_no_grid_by_itself_gives_none():
    wrapped = [*table(ROWS), line("continued", 200, 60)]  # a cell's second line
    assert spaced_cells(wrapped) is None
    title = [line("Staff of the magazine", 0, -40), *table(ROWS)]
    assert spaced_cells(title) is None
    across = table(ROWS)
    across[1] = line("Role in the team since then", 200, 0)  # reaches into the next column
    assert spaced_cells(across) is None
    assert spaced_cells(table(ROWS[:1])) is None  # one row


def model(rows: list[tuple[float, float]], cols: list[tuple[float, float]]) -> list[GridCell]:
    return [
        GridCell(r, c, 1, 1, (x0, y0, x1, y1))
        for r, (y0, y1) in enumerate(rows)
        for c, (x0, x1) in enumerate(cols)
    ]


def test_a_model_grid_that_fits_the_text_is_kept_one_that_breaks_it_is_not():
    lines = table(ROWS)
    spaced = spaced_cells(lines)
    columns = [(0, 150), (190, 350), (390, 500)]
    fitting = model([(0, 30), (35, 70), (75, 110)], columns)
    assert not misfits(fitting, spaced, lines)
    merged_rows = model([(0, 30), (35, 110)], columns)
    assert misfits(merged_rows, spaced, lines)
    empty_row = model([(0, 30), (35, 50), (55, 70), (75, 110)], columns)
    assert misfits(empty_row, spaced, lines)
    empty_column = model([(0, 30), (35, 70), (75, 110)], [*columns[:2], (370, 380), (390, 500)])
    assert misfits(empty_column, spaced, lines)
    merged_columns = model([(0, 30), (35, 70), (75, 110)], [(0, 350), (390, 500)])
    assert misfits(merged_columns, spaced, lines)
