"""The cells an engine answers: a header set on two lines is one header row, a header cell
spanning two rows makes both header rows, a table model's empty rows and columns go, and a
heading or section title over empty cells spans them."""

from __future__ import annotations

from dataclasses import replace

from ocrframe.engines.shape import (
    TableCell,
    header_joined,
    header_spanned,
    spread_over_empty,
    without_empty_lines,
)


def table(rows: list[list[str]]) -> list[TableCell]:
    return [
        TableCell(r, c, 1, 1, "header" if r == 0 else "body", text, 0.9, (60 * c, 20 * r, 60, 20))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    ]


def shape(cells: list[TableCell]) -> list[list[str]]:
    rows = max(c.row for c in cells) + 1
    out = [[""] * (max(c.col for c in cells) + 1) for _ in range(rows)]
    for c in cells:
        out[c.row][c.col] = c.text
    return out


def test_a_header_s_second_line_joins_the_header():
    # the realdev questionnaire: "State funded" over "legal aid", the first column unheaded
    cells = header_joined(
        table([["", "State funded", "CSOs"], ["", "legal aid", ""], ["Children", "x", "x"]])
    )
    assert shape(cells) == [["", "State funded legal aid", "CSOs"], ["Children", "x", "x"]]
    joined = next(c for c in cells if c.text == "State funded legal aid")
    assert joined.box == (60, 0, 60, 40) and joined.kind == "header"


def test_body_rows_stay_rows():
    labelled = table([["Year", "Net income"], ["2019", "12"], ["2020", "14"]])
    assert header_joined(labelled) == labelled  # the first cell holds a label
    figures = table([["", "Net income"], ["", "12"], ["2020", "14"]])
    assert header_joined(figures) == figures  # a figure is data, not a header's words
    unheaded = table([["", "", "Total"], ["", "men", ""], ["Pay", "1", "2"]])
    assert header_joined(unheaded) == unheaded  # "men" stands under no header
    two_rows = table([["", "State funded"], ["", "legal aid"]])
    assert header_joined(two_rows) == two_rows


def spans(cells: list[TableCell]) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in cells)


def test_a_header_cell_spanning_two_rows_makes_both_header_rows():
    cells = table(
        [["Method", "Test", ""], ["", "F1", "Acc."], ["ViT", "1", "2"], ["Ours", "3", "4"]]
    )
    cells = [c for c in cells if (c.row, c.col) != (1, 0)]
    cells = [replace(c, row_span=2) if c.text == "Method" else c for c in cells]
    kinds = {(c.row, c.col): c.kind for c in header_spanned(cells)}
    assert [kinds[(1, 1)], kinds[(1, 2)], kinds[(2, 0)]] == ["header", "header", "body"]
    # a header cell reaching past half the table says nothing about the header
    tall = [replace(c, row_span=4) if c.text == "Method" else c for c in cells[:3]]
    assert header_spanned(tall) == tall


def test_rows_and_columns_the_model_left_empty_go_and_spans_shrink():
    cells = table([["Name", "", "Total"], ["", "", ""], ["Ann", "", "12"], ["Bo", "", "7"]])
    cells = [
        replace(c, col_span=3) if c.text == "Name" else c for c in cells if c.row or c.col == 0
    ]
    assert spans(without_empty_lines(cells)) == [
        (0, 0, 1, 2, "Name"),
        (1, 0, 1, 1, "Ann"),
        (1, 1, 1, 1, "12"),
        (2, 0, 1, 1, "Bo"),
        (2, 1, 1, 1, "7"),
    ]
    whole = table([["a", "b"], ["c", "d"]])
    assert without_empty_lines(whole) == whole
    blank = table([["", ""], ["", ""]])
    assert without_empty_lines(blank) == blank  # nothing to keep: left as read


def test_a_heading_over_empty_cells_spans_them_and_a_section_title_spans_its_row():
    cells = table([["", "Follow-up", "", "x"], ["Age", "1", "2", "3"], ["History", "", "", ""]])
    reach = [None] * len(cells)
    at = {(c.row, c.col): k for k, c in enumerate(cells)}
    reach[at[(0, 1)]] = (70, 170)  # over the next cell (from 120) by 50 of its 60 pixels
    reach[at[(0, 3)]] = (185, 195)
    reach[at[(1, 0)]] = (5, 55)
    reach[at[(2, 0)]] = (5, 80)  # a title running into the second column
    found = spans(spread_over_empty(cells, reach))
    assert (0, 1, 1, 2, "Follow-up") in found and (0, 3, 1, 1, "x") in found
    assert (2, 0, 1, 4, "History") in found
    assert (1, 0, 1, 1, "Age") in found and len(found) == 3 + 4 + 1
    # within its own cell, or barely over the next, a text spans nothing
    reach[at[(0, 1)]], reach[at[(2, 0)]] = (70, 125), (5, 55)
    assert spread_over_empty(cells, reach) == cells
