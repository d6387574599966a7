"""A picture is a table alone when most of its rows hold pieces set in shared columns, one
of short cells, on a plain background: a crop or screenshot of a table, not a page of prose in
two columns, a receipt or a shop photo."""

from __future__ import annotations

import numpy as np

from ocrframe.core.table_picture import (
    PLAIN,
    columns,
    grid_part,
    headings,
    in_grid_rows,
    is_prose_columns,
    is_table_picture,
    plain_share,
    runs_on,
    sheet_share,
    table_runs,
)

HEIGHT = 20


def boxes(rows: list[list[tuple[float, float]]]) -> np.ndarray:
    """Line boxes from rows of ``(x, width)`` pieces, one line height apart."""
    out = [(x, 40 * r, width, HEIGHT) for r, row in enumerate(rows) for x, width in row]
    return np.array(out, dtype=np.float64)


def grid(rows: int = 6) -> np.ndarray:
    # a name, a long description and a short figure per row
    return boxes([[(10, 90), (140, 400), (600, 50)] for _ in range(rows)])


def test_rows_of_pieces_in_shared_columns_are_a_table():
    assert is_table_picture(grid(), plain=0.9)
    # the header's cells may be set differently, and a title may run over the columns
    header = [[(10, 60), (140, 120), (590, 70)]]
    assert is_table_picture(boxes([[(200, 300)], *header, *[[(10, 90), (600, 50)]] * 5]), 0.9)


def test_the_same_lines_on_a_photo_are_not():
    assert not is_table_picture(grid(), plain=PLAIN - 0.1)


def test_two_columns_of_prose_are_not_a_table():
    page = boxes([[(10, 560), (620, 560)] for _ in range(30)])  # 28 line heights each
    assert not is_table_picture(page, plain=0.95)


#: a newspaper's column, line by line: mid-sentence, most lines start in lower case
NEWS = [
    "The council voted on",
    "tuesday to build a new",
    "quay for the ferries, and",
    "residents asked for more",
    "trees along the road. Work",
    "starts in the spring and",
]


def test_narrow_columns_of_prose_are_not_a_table_when_their_text_is_known():
    # five columns 10 line heights wide: as narrow as a table's, as a newspaper sets them
    page = boxes([[(10 + 230 * c, 200) for c in range(5)] for _ in range(30)])
    texts = [NEWS[r % len(NEWS)] for r in range(30) for _ in range(5)]
    assert is_table_picture(page, plain=0.95)  # from the boxes alone: a table
    assert not is_table_picture(page, plain=0.95, texts=texts)
    assert is_prose_columns(page, texts) and not is_prose_columns(page)


def test_a_narrow_table_s_cells_do_not_read_as_prose():
    cells = ["Ferries", "12.50", "yes", "Quay 4", "08:15", "no"]
    page = grid()
    texts = [cells[(3 * r + k) % len(cells)] for r in range(6) for k in range(3)]
    assert is_table_picture(page, plain=0.9, texts=texts)
    assert not is_prose_columns(page, texts)


def test_lines_run_on_when_most_start_in_lower_case_and_hold_a_few_words():
    assert runs_on(NEWS)
    assert not runs_on([line.capitalize() for line in NEWS])  # a list of titles
    assert not runs_on(["yes", "no", "n/a", "yes"])  # lower case, but a word each
    assert not runs_on(["12 kg of fish", "3 kg of crab", "7 kg of cod", "1 kg of eel"])
    assert not runs_on([])


def test_a_two_page_spread_of_questions_over_a_grid_is_not_a_table_alone():
    # scanned, the realdev questionnaire's two pages: questions in rows that pair up across
    # the fold, then the grid of replies; no model framed a header to say it is a page
    questions = [[(10, 640), (800, 640)] for _ in range(6)] + [[(10, 640)] for _ in range(3)]
    grid_rows = [[(10, 200), (400, 40), (560, 40)] for _ in range(4)]
    assert is_table_picture(boxes(grid_rows), plain=0.9)
    assert not is_table_picture(boxes(questions + grid_rows), plain=0.9)


def test_a_receipt_with_its_heading_and_totals_is_not_a_table():
    heading = [[(150, 300)], [(120, 360)], [(180, 240)], [(100, 400)], [(160, 280)]]
    items = [[(20, 200 + 10 * k), (480, 80)] for k in range(4)]
    footer = [[(140, 320)], [(170, 260)]]
    assert not is_table_picture(boxes(heading + items + footer), plain=0.9)


def test_one_column_of_lines_and_too_few_rows_are_not_a_table():
    assert not is_table_picture(boxes([[(10, 300)] for _ in range(12)]), plain=0.9)
    assert not is_table_picture(grid(rows=2), plain=0.9)
    assert not is_table_picture(np.zeros((0, 4)), plain=0.9)


def test_plain_share_is_high_for_a_document_and_low_for_a_scene():
    page = np.full((200, 300), 250, dtype=np.uint8)
    page[50:60, 20:280] = 10  # a line of text
    assert plain_share(page) > 0.9
    scene = np.random.default_rng(0).integers(0, 256, (200, 300), dtype=np.uint8)
    assert plain_share(scene) < PLAIN
    assert plain_share(np.zeros((0, 0), dtype=np.uint8)) == 0.0


def questionnaire() -> tuple[np.ndarray, list[int]]:
    """A question, its answers (each behind a check box), a second question, and a grid of
    check boxes under a header of two lines; the indices of the grid's lines."""
    question = [[(10, 900)], [(60, 700)]]
    answers = [[(60, 20), (100, 400)] for _ in range(4)]  # a box close to its answer
    second = [[(10, 880)], [(60, 500)]]
    header = [[(600, 140), (800, 60)], [(620, 100)]]  # "State funded / legal aid", "CSOs"
    rows = [[(60, 250), (640, 20), (810, 20)] for _ in range(6)]
    rows[2] = [(60, 90), (810, 20)]  # a box the reader missed
    page = boxes(question + answers + second + header + rows)
    first = sum(len(row) for row in question + answers + second)
    return page, list(range(first, len(page)))


def test_a_grid_under_a_run_of_questions_is_a_table_with_its_header():
    page, grid_lines = questionnaire()
    found = table_runs(page)
    assert len(found) == 1
    assert sorted(found[0].tolist()) == grid_lines
    # read in rows, top to bottom, each left to right
    tops = page[found[0], 1]
    assert (np.diff(tops) >= 0).all()


def test_answers_behind_check_boxes_prose_and_a_receipt_are_no_table():
    page, grid_lines = questionnaire()
    assert table_runs(page[: grid_lines[0]]) == []
    assert table_runs(boxes([[(10, 560), (620, 560)] for _ in range(30)])) == []
    heading = [[(150, 300)], [(120, 360)], [(180, 240)], [(100, 400)], [(160, 280)]]
    items = [[(20, 200 + 10 * k), (480, 80)] for k in range(2)]
    assert table_runs(boxes(heading + items + [[(140, 320)], [(170, 260)]])) == []


def test_rows_far_apart_or_broken_by_two_lines_of_text_are_separate():
    row = [(10, 90), (300, 50)]
    apart = boxes([row, row, [], [], [], row, row])  # two rows, a gap, two rows
    assert table_runs(apart) == []
    broken = boxes([row, row, [(10, 600)], [(10, 600)], row, row])
    assert table_runs(broken) == []
    assert len(table_runs(boxes([row, row, [(10, 600)], row, row]))) == 1  # a wrapped cell


def test_a_form_framed_whole_as_a_table_is_cut_down_to_its_grid():
    page, grid_lines = questionnaire()
    assert sorted(grid_part(page).tolist()) == grid_lines
    # a running title beside the page number, well below the grid, is one of the others
    footer = boxes([[]] * 22 + [[(10, 200), (900, 20)]])
    assert sorted(grid_part(np.vstack([page, footer])).tolist()) == grid_lines
    # a table alone stays whole, and so does one with a line set top to bottom among the
    # others (a table's turned column header)
    assert grid_part(page[grid_lines]) is None
    turned = np.array([[1000, 0, 20, 120]], dtype=np.float64)
    assert grid_part(np.vstack([page, turned])) is None


def test_a_dense_table_whose_columns_nearly_touch_is_a_table():
    # figures a space apart: the detector's padded boxes come a quarter line height apart
    dense = [[(10, 180)] + [(195 + 60 * c, 55) for c in range(6)] for _ in range(7)]
    assert columns(boxes(dense)).columns == 1  # at the usual gap, one run of boxes
    assert is_table_picture(boxes(dense), plain=0.9)
    # half the rows a single line (a receipt's heading, its items and prices): no table
    lines = [[(10, 300)] for _ in range(7)]
    assert not is_table_picture(boxes(lines + dense), plain=0.9)


def test_a_heading_over_a_table_s_columns_is_no_title_but_a_title_across_the_page_is():
    # "Year ended" over two columns, "Item" level with the gap under it, then the rows
    page = boxes(
        [[(200, 100)], [(10, 60)], [(180, 50), (280, 50)]] + [[(10, 120), (180, 50), (280, 50)]] * 3
    )
    grid = in_grid_rows(page, gap=1.0)
    assert headings(page, grid).tolist()[:2] == [True, True]
    assert not headings(page, grid)[2:].any()  # the rows themselves are no headings
    # a title as wide as the table, or far above it, heads nothing
    wide = boxes([[(10, 320)], *[[(10, 120), (180, 50), (280, 50)]] * 3])
    assert not headings(wide, in_grid_rows(wide, gap=1.0)).any()
    far = np.vstack([page[:1] - (0, 200, 0, 0), page[2:]])
    assert not headings(far, in_grid_rows(far, gap=1.0))[0]


def test_a_photographed_table_lies_on_a_sheet_and_a_tinted_scene_does_not():
    from ocrframe.sample_images.tables import drawn_table

    photo = np.asarray(drawn_table(11, look="photo").image)  # on a desk, lit from one side
    gray = photo.mean(axis=2).astype(np.uint8)
    # the text's part of the photo: the sheet, inside the desk round it
    h, w = gray.shape
    lines = np.array([(0.2 * w, 0.2 * h + 40 * k, 0.6 * w, 20) for k in range(8)])
    assert plain_share(gray) < PLAIN <= sheet_share(photo, lines)
    copper = (photo * np.array([1.0, 0.72, 0.6])).astype(np.uint8)  # a shop photo's hue
    assert sheet_share(copper, lines) < PLAIN
    assert sheet_share(photo, np.zeros((0, 4))) == 0.0
