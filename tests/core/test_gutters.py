from __future__ import annotations

from ocrframe.core.geometry import Char, Line, bbox, rectangle
from ocrframe.core.gutters import apart_at_gutters

#: characters 10 pixels wide on lines 20 high; columns at x 0-190, 220-410 and 440-630
WIDTH, HEIGHT = 10, 20
COLUMNS = [("text", (0, 0, 190, 400)), ("text", (220, 0, 190, 400)), ("text", (440, 0, 190, 400))]


def line(*pieces: tuple[str, int], y: int = 0, boxes: bool = True) -> Line:
    """A line of ``pieces`` (text, x where it starts) on row ``y``, a space between pieces."""
    chars = []
    for n, (text, x) in enumerate(pieces):
        if n:
            chars.append(Char(" ", 0.9, None))
        for k, c in enumerate(text):
            box = (x + WIDTH * k, y, WIDTH, HEIGHT) if boxes and c != " " else None
            chars.append(Char(c, 0.8 if n else 0.9, box))
    x0 = pieces[0][1]
    x1 = pieces[-1][1] + WIDTH * len(pieces[-1][0])
    return Line(rectangle((x0, y, x1 - x0, HEIGHT)), " ".join(p[0] for p in pieces), chars)


def column_rows(first: int, rows: int = 4) -> list[Line]:
    """Rows under the first line: each column's line apart, as a detector finds them."""
    return [line((f"row {r} left text", 0), y=first + 30 * r) for r in range(rows)] + [
        line((f"row {r} right words", 220), y=first + 30 * r) for r in range(rows)
    ]


def texts(lines: list[Line]) -> list[str]:
    return [one.text for one in lines]


def test_a_line_across_the_gutter_is_cut_into_one_per_column():
    merged = line(("the bearing is", 0), ("the most common", 230))
    cut = apart_at_gutters([merged, *column_rows(30)], COLUMNS[:2])
    assert texts(cut[:2]) == ["the bearing is", "the most common"]
    assert texts(cut[2:]) == texts(column_rows(30))
    left, right = cut[:2]
    # each keeps its characters (with their confidences) and a polygon round them alone
    assert [c.confidence for c in left.chars] == [0.9] * len("the bearing is")
    assert {c.confidence for c in right.chars} == {0.8}
    assert bbox(left.polygon)[0] == 0 and sum(bbox(left.polygon)[::2]) <= 220 + 10
    assert bbox(right.polygon)[0] >= 220 - 10 and sum(bbox(right.polygon)[::2]) == 230 + 150
    assert bbox(left.polygon)[1::2] == bbox(merged.polygon)[1::2]


def test_a_line_across_two_gutters_is_cut_into_three():
    merged = line(("first column", 0), ("second column", 225), ("third", 445))
    rows = column_rows(30) + [line((f"row {r} far", 440), y=30 + 30 * r) for r in range(4)]
    cut = apart_at_gutters([merged, *rows], COLUMNS)
    assert texts(cut[:3]) == ["first column", "second column", "third"]


def test_a_slanted_line_is_cut_along_its_edges():
    merged = line(("the bearing is", 0), ("the most common", 230))
    tilted = [(x, y + x * 0.02) for x, y in merged.polygon]  # its right end 12 pixels lower
    cut = apart_at_gutters([Line(tilted, merged.text, merged.chars), *column_rows(30)], COLUMNS)
    left, right = cut[:2]
    (_, top_end), (_, top_start) = left.polygon[1], right.polygon[0]
    assert 0 < top_end < top_start < 0.02 * 380  # each corner on the slanted top edge


def test_a_paragraph_s_wide_space_is_no_gutter():
    # a justified line with a wide space where a region ends: the lines below run across it
    wide = line(("the bearing is", 0), ("the most common", 230))
    below = [
        line(("a paragraph line that runs on over the space", 0), y=30 + 30 * r) for r in range(3)
    ]
    assert texts(apart_at_gutters([wide, *below], COLUMNS[:2])) == texts([wide, *below])


def test_without_a_region_s_edge_at_the_space_the_line_stays_whole():
    merged = line(("the bearing is", 0), ("the most common", 230))
    page = [merged, *column_rows(30)]
    whole = [("text", (0, 0, 420, 400))]  # one region holds both: a table's row, say
    assert texts(apart_at_gutters(page, whole)) == texts(page)
    assert texts(apart_at_gutters(page, [])) == texts(page)


def test_rows_merged_alike_are_cut_each():
    # two rows running across the gutter: neither counts as a line across the other's space
    first = line(("the bearing is", 0), ("the most common", 230))
    second = line(("to the supporting", 0), ("ranges in size", 225), y=30)
    cut = apart_at_gutters([first, second, *column_rows(60)], COLUMNS[:2])
    assert texts(cut[:4]) == [
        "the bearing is",
        "the most common",
        "to the supporting",
        "ranges in size",
    ]


def test_a_line_without_character_boxes_stays_whole():
    merged = line(("the bearing is", 0), ("the most common", 230), boxes=False)
    page = [merged, *column_rows(30)]
    assert texts(apart_at_gutters(page, COLUMNS[:2])) == texts(page)


def test_a_speck_in_the_gutter_does_not_hide_it():
    # a scan's speck in the gutter, read as a mark: the spaces either side of it are narrow
    # (8 pixels), the gutter without it is as wide as ever (16)
    speck = line(("the bearing is", 0), ("·", 148), ("the most common", 166))
    below = line(("to the", 0), ("ranges in size", 166), y=30)
    rows = [line(("row left", 0), y=60), line(("row right", 166), y=60)]
    close = [("text", (0, 0, 150, 400)), ("text", (160, 0, 200, 400))]
    cut = apart_at_gutters([speck, below, *rows], close)
    assert texts(cut) == [
        "the bearing is ·",
        "the most common",
        "to the",
        "ranges in size",
        "row left",
        "row right",
    ]
    assert sum(bbox(cut[0].polygon)[::2]) >= 158  # the mark inside its part's polygon
