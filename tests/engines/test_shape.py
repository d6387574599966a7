"""The cells an engine answers: a header set on two lines is one header row."""

from __future__ import annotations

from ocrframe.engines.shape import TableCell, header_joined


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
