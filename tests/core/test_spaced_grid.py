"""A table set apart by space: its grid from its text, and a model's grid that breaks that
text is told apart from one that fits it."""

from __future__ import annotations

from ocrframe.core.geometry import Char, Line, rectangle
from ocrframe.core.spaced_grid import (
    is_stacked_table,
    misfits,
    spaced_cells,
    splits,
    stacked_cells,
)
from ocrframe.core.table_text import GridCell, placed


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


def contents(split_rows: set[int], count: int = 10) -> list[Line]:
    """A table of contents: titles and page numbers; in ``split_rows`` the title's last word
    set 30 pixels further right (as the reader cuts a title where it lost underscores)."""
    lines = []
    for r in range(count):
        title = f"{r + 1}.1 Security function QIBM{r}"
        entry = line(title, 0, 40 * r)
        if r in split_rows:
            cut = title.rindex(" ") + 1
            entry.chars[cut:] = [
                Char(c.text, 0.9, (c.box[0] + 30, c.box[1], 10, 20)) for c in entry.chars[cut:]
            ]
            entry = Line(rectangle((0, 40 * r, 10 * len(title) + 30, 20)), title, entry.chars)
        lines += [entry, line(str(3 * r + 1), 600, 40 * r)]
    return lines


def test_a_contents_entry_cut_in_two_stays_one_cell_beside_its_page_number():
    lines = contents({4})
    spaced = spaced_cells(lines)
    assert spaced is not None and grid_of(spaced) == (10, 2)
    words = [w for w in placed(spaced, lines) if w.text]
    cut = [spaced[w.cell] for w in words if w.y == 4 * 40 + 10 and w.x < 500]
    assert {(c.row, c.col) for c in cut} == {(4, 0)} and len(cut) >= 2  # both pieces, one cell
    # many rows so: two columns the text does not tell apart, left to the model
    assert spaced_cells(contents({1, 3, 5, 7})) is None


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


def spans(cells: list[GridCell]) -> list[tuple[int, int, int, int]]:
    return [(c.row, c.col, c.row_span, c.col_span) for c in cells]


BODY = [
    ["ViT", "0.05", "39.4", "374"],
    ["ResNet", "0.05", "6.3", "59"],
    ["DeiT", "0.1", "38", "46"],
]
XS = (0, 200, 300, 400)


def test_a_two_level_header_spans_its_group_heading_and_the_heading_beside_both_rows():
    # "Zero-shot runs" over F1 and mAP; "Method" and "Recall" level with the gap between
    lines = [line("Zero-shot runs", 205, 0), line("Method", 0, 20), line("Recall", 400, 20)]
    lines += [line("F1", 200, 40), line("mAP", 300, 40)]
    lines += table(BODY, XS, pitch=40)
    lines = [*lines[:5], *(moved(ln, 80) for ln in lines[5:])]
    cells = spaced_cells(lines)
    assert grid_of(cells) == (5, 4)
    head = [c for c in spans(cells) if c[0] < 2]
    assert head == [(0, 0, 2, 1), (0, 1, 1, 2), (0, 3, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1)]


def test_a_section_title_is_a_row_and_spans_the_columns_it_runs_over():
    lines = table([["Model", "F1", "mAP", "n"], *BODY[:1]], XS)
    lines += [line("Self-supervised methods", 0, 80)]  # 230 wide: over the first two columns
    lines += [moved(ln, 120) for ln in table(BODY[1:], XS)]
    cells = spaced_cells(lines)
    assert grid_of(cells) == (5, 4)
    assert (2, 0, 1, 2) in spans(cells)
    short = [*lines[:8], line("Others", 0, 80), *lines[9:]]
    assert (2, 0, 1, 1) in spans(spaced_cells(short))


def test_a_label_on_two_lines_beside_figures_at_its_middle_is_one_row():
    lines = table([["Model", "F1", "mAP", "n"], *BODY[:1]], XS)
    lines += [line("Earnings per", 0, 80), line("share, diluted", 0, 102)]
    lines += [line(text, x, 91) for text, x in zip(("0.3", "12", "7"), XS[1:])]
    lines += [moved(ln, 140) for ln in table(BODY[1:], XS)]
    cells = spaced_cells(lines)
    assert grid_of(cells) == (5, 4)
    label = next(c for c in cells if (c.row, c.col) == (2, 0))
    assert label.box[1] <= 80 and label.box[3] >= 122  # both lines in the one cell
    # the figures level with the label's last line: its first line still joins that row
    last = [*lines[:8], line("Prior myocardial", 0, 80), line("infarction", 0, 102)]
    last += [line(text, x, 102) for text, x in zip(("0.3", "12", "7"), XS[1:])]
    last += [moved(ln, 140) for ln in table(BODY[1:], XS)]
    assert grid_of(spaced_cells(last)) == (5, 4)


def moved(ln: Line, dy: float) -> Line:
    """``ln`` moved ``dy`` pixels down."""
    x, y = ln.polygon[0]
    return line(ln.text, x, y + dy)


def manual(at_middle: bool) -> list[Line]:
    """A manual's table: a header, then names and defaults beside descriptions of one to four
    lines (22 pixels apart), the cells 20 pixels apart; names set at their cell's top or
    middle."""
    descriptions = [
        ["Sets the library list", "that jobs start with,", "in order."],
        ["Minimum length."],
        ["Days before a password", "expires and must be", "changed by its owner", "at sign-on."],
    ]
    out = [line("Name", 0, 0), line("Description", 150, 0), line("Default", 420, 0)]
    top = 40
    for k, lines in enumerate(descriptions):
        out += [line(text, 150, top + 22 * j) for j, text in enumerate(lines)]
        y = top + 11 * (len(lines) - 1) if at_middle else top
        out += [line(f"QSYS{k}", 0, y), line("*ALL", 420, y)]
        top += 22 * len(lines) + 20
    return out


def test_a_manual_s_table_of_descriptions_on_several_lines_is_one_row_per_name():
    for at_middle in (False, True):
        lines = manual(at_middle)
        assert spaced_cells(lines) is None  # half its rows are a description's next line
        cells = stacked_cells(lines)
        assert grid_of(cells) == (4, 3)
        words = placed(cells, lines)
        third = {w.text for w in words if w.cell == 10}  # row 3, the description
        assert third == {"Days before a password", "expires and must be", "changed by its owner",
                         "at sign-on."}  # fmt: skip
        assert {w.cell for w in words if w.text == "QSYS2"} == {9}


def test_columns_of_figures_close_together_are_no_stacked_table():
    # every row's figures 22 pixels below the last: no gap between cells to tell them apart
    figures = [[f"{r}.{c}" for c in range(3)] for r in range(6)]
    assert stacked_cells(table(figures, pitch=22)) is None


def test_a_model_grid_that_reads_a_description_s_lines_as_rows_splits_it():
    lines = manual(at_middle=False)
    stacked = stacked_cells(lines)
    assert not splits(stacked, stacked, lines)
    by_line = [GridCell(r, 0, 1, 3, (0, 22 * r, 600, 22 * r + 22)) for r in range(20)]
    assert splits(by_line, stacked, lines)


def test_a_manual_s_table_alone_is_a_table_and_two_columns_of_prose_are_not():
    assert is_stacked_table(manual(at_middle=True))
    # bullets beside paragraphs, lines evenly set: no gap between cells, no one-line column
    bullets = [line(f"point {k} of the brief", 0, 22 * k) for k in range(8)]
    prose = [line(f"running text line {k} goes", 300, 22 * k + 5) for k in range(12)]
    assert not is_stacked_table(bullets + prose)
    # figures of two rows beside a label wrapped onto two lines are rows, not stacked cells
    rows = [["Item", "2020", "2022"], ["Revenue", "68.1", "950"], ["Net income", "75.5", "994"]]
    assert stacked_cells(table(rows, pitch=22)) is None
