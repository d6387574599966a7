"""A table's cell text comes from the characters read there, placed by the grid's row and column
bands: a line that runs over two cells is split, a cell's lines are read top to bottom."""

from __future__ import annotations

from ocrframe.core.geometry import Char, Line, rectangle
from ocrframe.core.table_text import GridCell, cell_texts, placed, reach_of


def line(text: str, x: float, y: float, width: float = 10, conf: float = 0.9) -> Line:
    """A line with a box per character (``width`` apart, spaces without one)."""
    chars = [
        Char(ch, conf, None if ch.isspace() else (round(x + k * width), round(y), round(width), 20))
        for k, ch in enumerate(text)
    ]
    return Line(rectangle((x, y, width * len(text), 20)), text, chars)


def grid_2x2(shift: float = 0) -> list[GridCell]:
    # boxes a little off, as a model gives them: the bands are their medians
    return [
        GridCell(0, 0, 1, 1, (0 + shift, 0, 90, 30)),
        GridCell(0, 1, 1, 1, (110, 0, 200, 30)),
        GridCell(1, 0, 1, 1, (0, 40, 90, 70)),
        GridCell(1, 1, 1, 1, (110, 40, 200, 70)),
    ]


def test_a_line_over_two_cells_is_split_at_the_space_between_them():
    texts = cell_texts(grid_2x2(), [line("Name      Total", 0, 5), line("ab        12", 0, 45)])
    assert [t for t, _ in texts] == ["Name", "Total", "ab", "12"]


def test_a_line_over_two_cells_without_a_space_is_split_at_the_gap():
    run = Line(
        rectangle((0, 5, 200, 20)),
        "ab12",
        [Char("a", 0.9, (10, 5, 10, 20)), Char("b", 0.9, (20, 5, 10, 20)),
         Char("1", 0.5, (150, 5, 10, 20)), Char("2", 0.7, (160, 5, 10, 20))],
    )  # fmt: skip
    texts = cell_texts(grid_2x2(), [run])
    assert texts[0] == ("ab", 0.9)
    assert texts[1][0] == "12" and abs(texts[1][1] - 0.6) < 1e-9
    assert texts[2:] == [("", None), ("", None)]  # empty cells stay, with no confidence


def test_a_cell_s_lines_read_top_to_bottom_whatever_order_they_come_in():
    cells = [GridCell(0, 0, 1, 1, (0, 0, 200, 100))]
    lines = [line("second", 0, 50), line("first", 0, 10)]
    assert cell_texts(cells, lines)[0][0] == "first second"
    wide = [line("合计", 0, 10, width=20), line("金额", 0, 50, width=20)]
    assert cell_texts(cells, wide)[0][0] == "合计金额"  # no space between CJK pieces


def test_a_spanning_cell_takes_what_lies_in_any_position_it_covers():
    cells = [
        GridCell(0, 0, 1, 2, (0, 0, 200, 30)),  # a header over both columns
        GridCell(1, 0, 1, 1, (0, 40, 90, 70)),
        GridCell(1, 1, 1, 1, (110, 40, 200, 70)),
    ]
    texts = cell_texts(cells, [line("Q1 sales", 120, 5), line("x  y", 20, 45, width=40)])
    assert [t for t, _ in texts] == ["Q1 sales", "x", "y"]


def test_characters_without_boxes_are_placed_by_their_share_of_the_line():
    bare = Line(rectangle((0, 5, 200, 20)), "ab  cd")  # no per-character boxes
    assert [t for t, _ in cell_texts(grid_2x2(), [bare])][:2] == ["ab", "cd"]


def test_no_cells_no_texts():
    assert cell_texts([], [line("a", 0, 0)]) == []


def test_a_cell_s_long_line_stays_whole_where_it_reaches_past_its_column_s_band():
    # the first column's band ends at 90; the cell's line runs on to 160, across the gap
    texts = cell_texts(grid_2x2(), [line("abcdefgh ijklmno", 0, 45)])
    assert [t for t, _ in texts] == ["", "", "abcdefgh ijklmno", ""]


def test_a_vertical_line_goes_whole_to_the_cell_at_its_middle():
    # a header set top to bottom: its characters' boxes say nothing of where it stands
    chars = [Char(ch, 0.9, (10 + 25 * k, 0, 10, 10)) for k, ch in enumerate("TOTAL")]
    upright = Line(rectangle((150, 0, 12, 30)), "TOTAL", chars)
    assert [t for t, _ in cell_texts(grid_2x2(), [upright])] == ["", "TOTAL", "", ""]


def spaced(words: list[tuple[str, float]], y: float) -> Line:
    """A line of ``words`` starting at the given x, characters 10 wide, spaces without a box."""
    chars, text = [], ""
    for word, x in words:
        if text:
            chars.append(Char(" ", 0.9, None))
            text += " "
        chars += [Char(ch, 0.9, (round(x + 10 * k), round(y), 10, 20)) for k, ch in enumerate(word)]
        text += word
    right = words[-1][1] + 10 * len(words[-1][0])
    return Line(rectangle((words[0][1], y, right - words[0][1], 20)), text, chars)


def test_wide_even_word_spaces_do_not_cut_a_cell_s_line_but_a_far_wider_gap_does():
    # a wide face: each word space 13-17 pixels, over half the line's height of 20
    long_name = spaced([("ab", 0), ("cd", 33), ("ef", 66), ("gh", 103)], 5)
    cells = [
        GridCell(0, 0, 1, 1, (0, 0, 60, 30)),  # the model's column band stops short
        GridCell(0, 1, 1, 1, (100, 0, 200, 30)),
    ]
    assert [t for t, _ in cell_texts(cells, [long_name])] == ["ab cd ef gh", ""]
    # the detector ran the name into the next cell's "No": cut at that gap only
    merged = spaced([("ab", 0), ("cd", 33), ("ef", 66), ("No", 170)], 5)
    cells[1] = GridCell(0, 1, 1, 1, (150, 0, 200, 30))
    assert [t for t, _ in cell_texts(cells, [merged])] == ["ab cd ef", "No"]


def test_a_line_run_across_three_cells_is_cut_into_three():
    # the gaps between cells are the line's only spaces: none of them is a word space
    figures = spaced([("2019", 0), ("41", 200), ("7.5", 400)], 5)
    cells = [GridCell(0, c, 1, 1, (200 * c, 0, 200 * c + 150, 30)) for c in range(3)]
    assert [t for t, _ in cell_texts(cells, [figures])] == ["2019", "41", "7.5"]
    replies = spaced([("Yes", 0), ("No", 150), ("Yes", 270)], 5)
    cells = [GridCell(0, c, 1, 1, (x, 0, x + 100, 30)) for c, x in enumerate((0, 140, 260))]
    assert [t for t, _ in cell_texts(cells, [replies])] == ["Yes", "No", "Yes"]


def test_a_figure_run_into_a_label_at_a_word_space_goes_to_its_own_cell():
    # "Systolic blood pressure, mmHg (562)": the columns stand close, the detector ran the
    # label and the figure into one line, one word space apart; the label reaches past its
    # column's band, the figure lies in the next column's
    row = spaced([("Systolic", 0), ("mmHg", 90), ("(562)", 140)], 5)
    cells = [GridCell(0, 0, 1, 1, (0, 0, 80, 30)), GridCell(0, 1, 1, 1, (135, 0, 200, 30))]
    assert [t for t, _ in cell_texts(cells, [row])] == ["Systolic mmHg", "(562)"]
    # a heading's words over two columns are no figure: the line stays whole
    heading = spaced([("Follow", 60), ("up", 130)], 5)
    assert sorted(t for t, _ in cell_texts(cells, [heading])) == ["", "Follow up"]
    # nor is a figure that lies in the cell most of the words before it do
    age = spaced([("Age", 0), ("45", 40)], 5)
    assert [t for t, _ in cell_texts(cells, [age])] == ["Age 45", ""]


def test_each_cell_says_how_far_across_its_text_reaches():
    row = spaced([("Medical", 0), ("history", 80)], 5)
    cells = [GridCell(0, 0, 1, 1, (0, 0, 100, 30)), GridCell(0, 1, 1, 1, (110, 0, 200, 30))]
    assert reach_of(placed(cells, [row]), len(cells)) == [(0.0, 150.0), None]
