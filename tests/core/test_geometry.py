"""Lines moved and turned: what a crop, a tile or a table held askew does to their boxes."""

from __future__ import annotations

import numpy as np
import pytest

from ocrframe.core.geometry import Char, Line, moved, projected, turned, turned_points


def _line() -> Line:
    chars = [
        Char("a", 0.9, (10, 10, 8, 10)),
        Char(" ", None, None),
        Char("b", 0.8, (30, 10, 8, 10)),
    ]
    return Line([(10, 10), (38, 10), (38, 20), (10, 20)], "a b", chars, confidence=0.85)


def test_a_turn_and_its_opposite_give_the_points_back():
    points = [(10.0, 5.0), (-3.0, 40.0)]
    there = turned_points(points, 7.5, centre=(100, 50))
    back = turned_points(there, -7.5, centre=(100, 50))
    assert [v for p in back for v in p] == pytest.approx([v for p in points for v in p])
    # clockwise on a page whose y runs down: right of the centre goes down
    ((x, y),) = turned_points([(110, 50)], 90, centre=(100, 50))
    assert (x, y) == pytest.approx((100, 60))


def test_a_turned_line_keeps_its_text_confidence_and_character_sizes():
    line = turned(_line(), 3.0, centre=(0, 0))
    assert (line.text, line.confidence) == ("a b", 0.85)
    assert line.chars[1].box is None
    assert [c.box[2:] for c in line.chars if c.box] == [(8, 10), (8, 10)]
    # the second character, further right, went further down
    assert line.chars[2].box[1] - line.chars[0].box[1] == round(20 * 0.0523)
    back = turned(line, -3.0, centre=(0, 0)).polygon
    assert [v for p in back for v in p] == pytest.approx([v for p in _line().polygon for v in p])


def test_a_moved_line_keeps_its_confidence():
    line = moved(_line(), 5, -2)
    assert line.confidence == 0.85
    assert line.chars[0].box == (15, 8, 8, 10)


def test_a_line_seen_through_a_perspective_keeps_its_text_and_moves_its_characters():
    shift = np.array([[1.0, 0, 5], [0, 1, -2], [0, 0, 1]])
    seen = projected(_line(), shift)  # a perspective that only shifts is a move
    assert seen == moved(_line(), 5, -2)
    # a perspective whose far side lies down the page: at y = 20 a point is seen at two
    # thirds of its distance from the corner
    slant = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0.025, 1]])
    line = projected(_line(), slant)
    assert (line.text, line.confidence) == ("a b", 0.85)
    assert line.polygon[2] == pytest.approx((38 / 1.5, 20 / 1.5))
    assert [c.box[2:] for c in line.chars if c.box] == [(8, 10), (8, 10)]  # sizes kept
