"""The table-structure model's tokens become a grid as a browser lays out HTML: spans, the
header, and the positions rows spanned from above leave free."""

from __future__ import annotations

from ocrframe.engines.table_model import _vocabulary, grid


def positions(tokens):
    return [(c.row, c.col, c.row_span, c.col_span, c.header) for c in grid(tokens)]


def test_cells_take_the_first_free_position_of_their_row():
    tokens = ["<thead>", "<tr>", "<td", ' rowspan="2"', ">", "</td>", "<td", ' colspan="2"',
              ">", "</td>", "</tr>", "<tr>", "<td></td>", "<td></td>", "</tr>", "</thead>",
              "<tbody>", "<tr>", "<td></td>", "<td></td>", "<td></td>", "</tr>", "</tbody>"]  # fmt: skip
    assert positions(tokens) == [
        (0, 0, 2, 1, True),
        (0, 1, 1, 2, True),
        (1, 1, 1, 1, True),  # column 0 of row 1 belongs to the cell spanning from above
        (1, 2, 1, 1, True),
        (2, 0, 1, 1, False),
        (2, 1, 1, 1, False),
        (2, 2, 1, 1, False),
    ]


def test_a_broken_sequence_still_places_every_cell():
    # a cell before any <tr>, a cell never closed, and a cell left open at the end
    tokens = ["<td></td>", "<td", ' colspan="3"', "<td></td>", "<tr>", "<td", ' rowspan="0"']
    assert positions(tokens) == [
        (0, 0, 1, 1, False),
        (0, 1, 1, 3, False),
        (0, 4, 1, 1, False),
        (1, 0, 1, 1, False),  # a span of 0 is read as 1
    ]


def test_each_cell_keeps_the_box_and_score_of_the_token_that_opened_it():
    tokens = ["<tr>", "<td></td>", "<td", ' colspan="2"', ">", "</td>", "</tr>"]
    boxes = [(0, 0, 0, 0), (1, 2, 3, 4), (5, 6, 7, 8), (0,) * 4, (0,) * 4, (0,) * 4, (0,) * 4]
    scores = [1, 0.9, 0.8, 1, 1, 1, 1]
    cells = grid(tokens, boxes, scores)
    assert [(c.box, c.score) for c in cells] == [((1, 2, 3, 4), 0.9), ((5, 6, 7, 8), 0.8)]


def test_the_vocabulary_merges_an_unspanned_cell_and_adds_start_and_end():
    words = _vocabulary('<thead>\n<tr>\n<td>\n</td>\n<td\n colspan="2"\n>')
    assert words == [
        "sos",
        "<thead>",
        "<tr>",
        "</td>",
        "<td",
        ' colspan="2"',
        ">",
        "<td></td>",
        "eos",
    ]
