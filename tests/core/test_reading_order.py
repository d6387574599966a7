"""Reading order from line boxes: columns read one after the other, spanning blocks separate."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ocrframe.core.geometry import bbox, rectangle
from ocrframe.core.reading_order import layout, straightened_layout


def column(x: int, top: int, lines: int, width: int = 140, pitch: int = 15) -> list[tuple]:
    return [(x, top + k * pitch, width, 10) for k in range(lines)]


def read(boxes: list[tuple]) -> list[int]:
    return layout(boxes).reading().tolist()


def test_two_columns_read_column_by_column_under_a_spanning_title():
    title = [(0, 0, 300, 30)]
    left, right = column(0, 50, 5), column(160, 50, 5)
    rows = [box for pair in zip(left, right) for box in pair]  # as a detector lists them
    page = layout(title + rows)
    reading = page.reading().tolist()
    assert reading == [0, 1, 3, 5, 7, 9, 2, 4, 6, 8, 10]
    assert [b.kind for b in page.blocks] == ["title", "text", "text"]
    assert page.block[reading].tolist() == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]


def test_a_spanning_paragraph_ends_the_columns_above_it():
    upper = [b for pair in zip(column(0, 0, 3), column(160, 0, 3)) for b in pair]
    middle = [(0, 60, 300, 10)]
    lower = [b for pair in zip(column(0, 90, 2), column(160, 90, 2)) for b in pair]
    reading = read(upper + middle + lower)
    # upper left, upper right, the spanning line, lower left, lower right
    assert reading == [0, 2, 4, 1, 3, 5, 6, 7, 9, 8, 10]


def test_lines_of_one_row_read_left_to_right():
    # a receipt: label and amount on each row, close enough to be one block
    boxes = [(0, 0, 60, 10), (70, 1, 30, 10), (0, 14, 60, 10), (70, 13, 30, 10)]
    assert read([boxes[1], boxes[0], boxes[3], boxes[2]]) == [1, 0, 3, 2]


def test_three_columns_and_a_ragged_last_line():
    cols = [column(x, 0, 4) for x in (0, 160, 320)]
    cols[0][-1] = (0, 45, 60, 10)  # a short last line
    boxes = [b for row in zip(*cols) for b in row]
    reading = read(boxes)
    assert reading == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]


def turned(box: tuple, degrees: float) -> list[tuple[float, float]]:
    """The corners of ``box`` turned clockwise by ``degrees`` about the page's origin."""
    x, y, w, h = box
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [(px * c - py * s, px * s + py * c) for px, py in rectangle((x, y, w, h))]


def test_a_page_scanned_at_a_slant_still_reads_column_by_column():
    # two columns of 20 lines 600 wide; turned 2 degrees, a line's box as it lies is 31
    # pixels high, over two lines' pitch, so the boxes' rows hold lines of three rows
    left, right = column(0, 0, 20, width=600, pitch=14), column(610, 0, 20, width=600, pitch=14)
    rows = [box for pair in zip(left, right) for box in pair]
    polygons = [turned(box, 2.0) for box in rows]
    by_column = [*range(0, 40, 2), *range(1, 40, 2)]
    # as they lie, a line's box reaches into the rows of both columns: no column holds
    assert len(layout([bbox(p) for p in polygons]).blocks) > 2
    page = straightened_layout(polygons, skew=2.0)
    assert page.reading().tolist() == by_column
    assert len(page.blocks) == 2
    # the blocks' boxes are the page's own pixels: each holds its lines' boxes as they lie
    for block in page.blocks:
        x, y, w, h = block.box
        for k in block.lines:
            bx, by, bw, bh = bbox(polygons[k])
            assert x <= bx and y <= by and bx + bw <= x + w and by + bh <= y + h
    # straight, it is the layout of the boxes
    straight = [rectangle(box) for box in rows]
    assert straightened_layout(straight).order.tolist() == layout(rows).order.tolist()


def test_narrow_columns_of_prose_read_column_by_column_when_their_text_is_known():
    # four newspaper columns whose lines (7 heights) are as short as a table's cells: from
    # the boxes alone they pair up row by row; their text runs on from line to line
    words = ["the quay for", "ferries and a", "road along it", "was voted on"]
    cols = [column(x, 0, 8, width=70) for x in (0, 85, 170, 255)]
    rows = [box for row in zip(*cols) for box in row]
    texts = [words[(k // 4) % 4] for k in range(len(rows))]
    by_column = [r * 4 + c for c in range(4) for r in range(8)]
    assert layout(rows).reading().tolist() != by_column
    page = layout(rows, texts=texts)
    assert page.reading().tolist() == by_column
    assert len(page.blocks) == 4


def test_a_caption_across_two_columns_does_not_tie_them_together():
    # a caption under a picture over two columns, the first line of one column just close
    # enough to join it and of the other just too far
    caption = [(0, 0, 260, 10)]
    left, right = column(0, 19, 6), column(160, 21, 6)
    rows = [box for pair in zip(left, right) for box in pair]
    page = layout(caption + rows)
    assert page.reading().tolist() == [0, *range(1, 13, 2), *range(2, 13, 2)]
    assert page.block[0] not in set(page.block[1:].tolist())


def test_a_line_of_code_over_a_row_of_two_pieces_is_no_heading_across_columns():
    # THEN c.login_id / ELSE '*****' / END: the row's right piece heads no column
    listing = [(0, 0, 300, 10), (0, 15, 40, 10), (200, 15, 60, 10), (0, 30, 30, 10)]
    assert read(listing) == [0, 1, 2, 3]


def test_a_figure_box_over_a_paragraph_s_lines_gives_them_back():
    # the model's picture box bleeds over the last two lines of the paragraph under it
    text = column(0, 0, 8)
    page = layout(text, regions=[("figure", (-5, 100, 200, 40))])
    assert [b.kind for b in page.blocks] == ["text"]
    assert page.reading().tolist() == list(range(8))
    # a label inside the picture, apart from the text, stays the figure's
    page = layout([*text, (20, 200, 60, 10)], regions=[("figure", (0, 180, 200, 60))])
    assert [b.kind for b in page.blocks] == ["text", "figure"]


WRAPPED = [
    "The harbour and",
    "to harbour trees",
    "walk boats while",
    "quieter on the",
    "tuesday the city",
    "council on for",
    "the council while",
    "the residents asked",
]


def test_text_wrapped_round_a_picture_is_read_as_text():
    # a magazine's paragraph set beside a picture in its column, one line running on under
    # it; the model framed the lines beside the picture as a figure of their own (as it did
    # on a drawn magazine page)
    above = [(0, 32 * k, 450, 24) for k in range(3)]
    beside = [(0, 100 + 32 * k, 200, 24) for k in range(8)]
    under = [(0, 100 + 32 * 8, 440, 24)]
    regions = [("figure", (-3, 97, 210, 256)), ("figure", (225, 100, 225, 250))]
    texts = ["The council voted on", "tuesday to expand the", "harbour for ferries."]
    texts += [*WRAPPED, "with harbour morning a more past."]
    page = layout(above + beside + under, regions, texts)
    assert "figure" not in {b.kind for b in page.blocks}
    assert page.reading().tolist() == list(range(12))
    # a picture's labels, stacked in it, stay the figure's
    labels = ["Outer race", "Rolling element", "Inner race"]
    page = layout(above + beside[:3], regions, texts[:3] + labels)
    assert [b.kind for b in page.blocks] == ["text", "figure"]


def test_a_drop_cap_keeps_the_lines_beside_it_in_their_rows():
    # a capital three lines high, the lines beside it indented and starting a pixel or two
    # apart: as one row, they were read left to right, the third line before the second
    cap = [(0, 0, 40, 95)]
    beside = [(52, 0, 300, 28), (50, 33, 300, 28), (51, 66, 300, 28)]
    under = [(0, 99, 352, 28), (0, 132, 352, 28)]
    texts = ["T", "he council voted on", "tuesday to expand the", "harbour with a new"]
    texts += ["quay for ferries and the", "fishing boats."]
    page = layout(cap + beside + under, texts=texts)
    assert page.reading().tolist() == [0, 1, 2, 3, 4, 5]
    assert len(page.blocks) == 1


def test_columns_set_closer_than_a_cut_line_s_gap_stay_apart():
    # a gutter of 2 pixels on lines 10 high: as narrow as the cut inside a line on one row
    left, right = column(0, 0, 6, width=150), column(152, 0, 6, width=150)
    rows = [box for pair in zip(left, right) for box in pair]
    assert read(rows) == [*range(0, 12, 2), *range(1, 12, 2)]
    # one line cut in two on its own row (a text layer at a fraction) is still one line
    cut = [(0, 0, 150, 10), (152, 0, 60, 10), (0, 15, 212, 10), (0, 30, 200, 10)]
    assert [b.lines for b in layout(cut).blocks] == [(0, 1, 2, 3)]


def test_no_lines_and_one_line():
    assert read([]) == []
    assert read([(5, 5, 0, 0)]) == [0]


boxes = st.lists(
    st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 400), st.integers(0, 80)),
    max_size=60,
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(boxes)
def test_any_boxes_get_a_complete_order_and_consistent_blocks(found):
    page = layout(found)
    assert sorted(page.order.tolist()) == list(range(len(found)))
    assert sorted(k for b in page.blocks for k in b.lines) == list(range(len(found)))
    for number, block in enumerate(page.blocks):
        assert all(page.block[k] == number for k in block.lines)
        orders = [int(page.order[k]) for k in block.lines]
        assert orders == list(range(orders[0], orders[0] + len(orders)))  # a block is read whole


def test_lines_inside_a_model_s_region_are_its_block_of_its_kind():
    lines = [*column(0, 0, 3), (0, 200, 40, 10), (60, 200, 40, 10)]  # a paragraph, two labels
    regions = [("figure", (-5, 190, 120, 30)), ("text", (-5, -5, 150, 50))]
    page = layout(lines, regions)
    assert [b.kind for b in page.blocks] == ["text", "figure"]
    assert [b.lines for b in page.blocks] == [(0, 1, 2), (3, 4)]
    # a "figure" holding much of the page's text is text the model took for a picture
    many = column(0, 0, 12)
    assert {b.kind for b in layout(many, [("figure", (-5, -5, 200, 400))]).blocks} == {"text"}


def test_a_grid_in_text_the_model_took_for_a_picture_is_a_table():
    questions = column(0, 0, 10, width=600)
    grid = [(x, 200 + 15 * r, width, 10) for r in range(4) for x, width in ((0, 90), (300, 10))]
    number = [(600, 320, 20, 10)]
    figure = [("figure", (-5, -5, 700, 300)), ("footer", (595, 315, 30, 20))]
    page = layout(questions + grid + number, figure)
    assert [b.kind for b in page.blocks] == ["text", "table", "footer"]
    assert page.blocks[1].lines == tuple(range(10, 18))
    # geometry alone calls nothing a table, nor a picture with no page around it (a receipt
    # the model takes for a picture): their items and prices stay text
    assert {b.kind for b in layout(questions + grid).blocks} == {"text"}
    assert {b.kind for b in layout(questions + grid, figure[:1]).blocks} == {"text"}
    # a screenshot's two columns of menu entries have no column of short cells: no table
    menus = [(x, 200 + 15 * r, 90, 10) for r in range(4) for x in (0, 300)]
    assert "table" not in {b.kind for b in layout(questions + menus + number, figure).blocks}
    # a running title level with the page number, just under the grid, is footer, not a row
    foot = [(0, 262, 90, 10), (300, 262, 10, 10), (600, 262, 20, 10)]
    page = layout(questions + grid + foot, [figure[0], ("footer", (595, 257, 30, 20))])
    assert [b.kind for b in page.blocks] == ["text", "table", "footer"]
    assert page.blocks[1].lines == tuple(range(10, 18))
    assert sorted(k for b in page.blocks for k in b.lines) == list(range(21))


def test_a_running_title_on_the_footer_s_row_is_footer_too():
    body = column(0, 0, 10, width=600)
    title, number = (0, 400, 300, 10), (580, 400, 20, 10)
    footer = [("footer", (575, 396, 30, 18))]  # the model framed the page number only
    page = layout([*body, title, number], footer)
    kinds = {k: page.blocks[page.block[k]].kind for k in (10, 11)}
    assert kinds == {10: "footer", 11: "footer"}
    # a line of the body that ends level with the footer's row stays text
    beside = [*body, (0, 398, 300, 10), number]
    tall_column = column(320, 0, 30, width=200)  # runs down past the footer's row
    page = layout([*beside, *tall_column], footer)
    assert page.blocks[page.block[10]].kind == "text"


def test_a_line_in_nested_regions_belongs_to_the_smallest():
    # the model framed a form's grid as a table inside the picture it took the page for
    questions = column(0, 0, 10, width=600)
    grid = [(x, 200 + 15 * r, width, 10) for r in range(4) for x, width in ((0, 90), (300, 10))]
    regions = [("figure", (-5, -5, 700, 300)), ("table", (-5, 195, 400, 70))]
    page = layout(questions + grid, regions)
    assert [b.kind for b in page.blocks] == ["text", "table"]
    assert page.blocks[1].lines == tuple(range(10, 18))
    # two regions framing the same lines: the first the model gave holds them
    same = [("figure", (-5, -5, 700, 300)), ("table", (-4, -4, 698, 298))]
    assert {b.kind for b in layout(questions + grid, same).blocks} == {"text"}


def test_two_frames_of_one_thing_hold_its_lines_together():
    # a contents page the model called a figure and text at once, the text's box a little
    # higher: its first row used to fall to the text, the rest to the table in the figure
    grid = [(x, 200 + 15 * r, width, 10) for r in range(6) for x, width in ((0, 200), (300, 10))]
    number = [(600, 320, 20, 10)]
    frames = [("figure", (-5, 203, 320, 200)), ("text", (-5, 198, 320, 204))]
    page = layout(grid + number, [*frames, ("footer", (595, 315, 30, 20))])
    assert [b.kind for b in page.blocks] == ["table", "footer"]
    assert page.blocks[0].lines == tuple(range(12))
    # a frame a row lower is another thing: the row above it is not its
    lower = [("figure", (-5, 212, 320, 190)), ("text", (-5, 198, 320, 204))]
    page = layout(grid + number, [*lower, ("footer", (595, 315, 30, 20))])
    assert page.blocks[page.block[0]].kind == "text"


def test_a_check_box_belongs_to_the_line_it_marks():
    boxes = [(0, 2, 14, 14), (24, 0, 300, 18), (0, 42, 14, 14), (24, 40, 280, 18)]
    assert read(boxes) == [0, 1, 2, 3]  # box, its line, box, its line: not the boxes first


def test_a_figure_inside_a_running_sentence_is_read_after_the_paragraph():
    # a column ends above a figure and its caption, mid-sentence; the next column goes on
    left, right = column(0, 0, 4), column(160, 0, 4)
    figure, caption = [(10, 80, 120, 10)], [(0, 110, 140, 10)]
    texts = ["Nuts come in three", "styles. The wing", "type is made of", "steel, the type that is"]
    texts += [
        "the most common, in",
        "sizes up to one inch.",
        "Stainless nuts are",
        "spun on by hand.",
    ]
    texts += ["Elastic stop nut", "Figure 7-26. Nuts."]
    regions = [("figure", (5, 75, 130, 20)), ("caption", (-2, 105, 145, 20))]
    page = layout(left + right + figure + caption, regions, texts)
    assert page.reading().tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert [b.kind for b in page.blocks] == ["text", "text", "figure", "caption"]
    # where the column ends its sentence, the figure stays where it stands
    texts[3] = "steel, or aluminium."
    page = layout(left + right + figure + caption, regions, texts)
    assert page.reading().tolist() == [0, 1, 2, 3, 8, 9, 4, 5, 6, 7]
    # without the texts, geometry alone decides
    assert layout(left + right + figure + caption, regions).reading().tolist()[4:6] == [8, 9]
