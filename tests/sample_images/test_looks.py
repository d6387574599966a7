"""The looks a picture is kept in (a scan, a small JPEG, a phone's photo): the benchmarks' pages
and drawn tables take them, so each must be the same for a seed and look as named."""

import random

import numpy as np
import pytest
from PIL import Image

from ocrframe.sample_images.looks import LOOKS, looked


def _page() -> Image.Image:
    page = Image.new("RGB", (300, 200), "white")
    page.paste((0, 0, 0), (40, 90, 260, 100))  # a black bar: ink to follow through the look
    return page


@pytest.mark.parametrize("look", LOOKS)
def test_a_look_is_the_same_for_the_same_seed(look):
    first = looked(_page(), look, random.Random(7))
    again = looked(_page(), look, random.Random(7))
    assert first.tobytes() == again.tobytes()


def test_a_scan_keeps_the_size_with_specks_and_the_ink():
    scan = np.asarray(looked(_page(), "scan", random.Random(1)).convert("L"), int)
    assert scan.shape == (200, 300)
    assert scan[95, 60:240].mean() < 60  # the bar, softened
    paper = scan[:80]
    assert (paper < 235).any() and np.median(paper) > 245  # specks on white paper


def test_a_photo_lies_on_a_darker_desk_lit_from_one_side():
    photo = np.asarray(looked(_page(), "photo", random.Random(3)).convert("L"), float)
    height, width = photo.shape
    assert width > 300 and height > 200  # the sheet with the desk round it
    assert photo[:5, :].mean() < 110  # the desk at the edges
    middle = photo[height // 2 - 40 : height // 2 - 20, width // 4 : 3 * width // 4]
    left, right = middle[:, :20].mean(), middle[:, -20:].mean()
    assert abs(left - right) > 10  # the light falls off across the sheet


def test_a_bilevel_scan_is_black_and_white_with_the_ink_and_specks():
    scan = looked(_page(), "bilevel", random.Random(2))
    assert scan.mode == "1" and scan.size == (300, 200)
    pixels = np.asarray(scan.convert("L"))
    assert set(np.unique(pixels)) == {0, 255}
    assert (pixels[93:98, 60:240] == 0).all()  # the bar, black
    assert 0 < (pixels[:80] == 0).sum() < 80 * 300 / 1000  # a few specks on white paper


def test_an_unknown_look_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"choose of .*photo"):
        looked(_page(), "fax", random.Random(0))
