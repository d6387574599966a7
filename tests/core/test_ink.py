"""A photo of a printed sheet is lit unevenly and seen at a slant: the light comes out of it
and a perspective map shows it square on, its rows level and its columns upright."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocrframe.core.ink import PAPER, evened, perspective, square_on

#: the table's outer rule on the flat sheet: left, top, right, bottom
FRAME = (60, 50, 740, 450)


def sheet() -> Image.Image:
    """A ruled table of five columns and eight rows, each cell holding a dark bar of text."""
    page = Image.new("L", (800, 500), 240)
    pen = ImageDraw.Draw(page)
    left, top, right, bottom = FRAME
    pen.rectangle(FRAME, outline=20, width=2)
    for k in range(1, 8):
        pen.line([(left, top + 50 * k), (right, top + 50 * k)], fill=20, width=2)
    for k in range(1, 5):
        pen.line([(left + 136 * k, top), (left + 136 * k, bottom)], fill=20, width=2)
    for row in range(8):
        for col in range(5):
            x, y = left + 136 * col + 20, top + 50 * row + 18
            pen.rectangle([x, y, x + 70 + 10 * (row % 3), y + 14], fill=40)
    return page


def photographed(page: Image.Image, corners: list[tuple[float, float]]) -> Image.Image:
    """``page`` as a camera at a slant sees it: its corners at ``corners``, lit from the
    left."""
    w, h = page.size
    to_sheet = perspective(np.array(corners), np.array([(0, 0), (w, 0), (w, h), (0, h)]))
    seen = page.transform(
        page.size, Image.PERSPECTIVE, (to_sheet.ravel()[:8]).tolist(), Image.BICUBIC, fillcolor=90
    )
    light = np.linspace(0.7, 1.0, w)[None, :]
    return Image.fromarray((np.asarray(seen) * light).astype(np.uint8))


#: the sheet's far edge (its top) 10 % shorter, and the whole turned a little
SLANT = [(52, 18), (728, 4), (790, 492), (6, 498)]


def where(matrix: np.ndarray, points) -> np.ndarray:
    out = np.array([matrix @ (x, y, 1.0) for x, y in points])
    return out[:, :2] / out[:, 2:]


def test_a_sheet_photographed_at_a_slant_is_seen_square_on():
    w, h = 800, 500
    to_photo = perspective(np.array([(0, 0), (w, 0), (w, h), (0, h)], float), np.array(SLANT))
    left, top, right, bottom = FRAME
    frame = where(to_photo, [(left, top), (right, top), (right, bottom), (left, bottom)])
    photo = np.asarray(photographed(sheet(), SLANT))
    matrix = square_on(photo, 14.0, 0.5)
    assert matrix is not None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = where(matrix, frame)
    # in the photo the table's sides lean 10-20 pixels; seen square on, at most 3
    assert abs(frame[0, 0] - frame[3, 0]) > 10 and abs(frame[1, 0] - frame[2, 0]) > 10
    assert abs(x0 - x3) <= 3 and abs(x1 - x2) <= 3
    assert abs(y0 - y1) <= 3 and abs(y3 - y2) <= 3


def test_a_sheet_seen_square_on_needs_no_map():
    assert square_on(np.asarray(sheet()), 14.0, 0.5) is None
    # nor does a blank one, which has no ink to tell
    assert square_on(np.full((300, 300), 240, np.uint8), 14.0, 0.5) is None


def test_uneven_light_comes_out():
    lit = np.asarray(photographed(sheet(), [(0, 0), (800, 0), (800, 500), (0, 500)]))
    paper = lit[30:45, 100:700]  # a band of paper above the table, lit 0.7 to 1.0
    assert int(paper.max()) - int(paper.min()) > 50
    flat = evened(lit, 14.0)[30:45, 100:700]
    assert np.abs(flat.astype(int) - PAPER).max() <= 10


def test_perspective_takes_four_points_to_four():
    source = np.array([(0, 0), (10, 0), (10, 10), (0, 10)], float)
    target = np.array([(1, 2), (12, 0), (11, 13), (0, 9)], float)
    assert where(perspective(source, target), source) == pytest.approx(target)
