"""Any size: small print on a very large scan is read in tiles at full resolution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

import ocrframe
from ocrframe import analysis

# -- any size -----------------------------------------------------------------------------------


@pytest.mark.engine
def test_small_print_on_a_very_large_scan_is_read():
    from PIL import ImageDraw, ImageFont

    from ocrframe.core import fonts

    lines = [
        "Small print on a very large scan must still be read.",
        "Invoice 2024-0917 total EUR 1,250.00 due 15 March",
    ]
    page = Image.new("RGB", (5000, 7000), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(fonts.font_path_for("".join(lines)), 12)
    for k, text in enumerate(lines):
        draw.text((3100, 4200 + 30 * k), text, fill="black", font=font)
    res = ocrframe.recognize(np.asarray(page), progress=False)
    assert analysis.cer(" ".join(lines), " ".join(res.items["text"])) <= 0.05
    first = res.items.iloc[0]
    assert abs(int(first["x"]) - 3100) <= 4 and abs(int(first["y"]) - 4200) <= 6
    assert math.isfinite(float(res.images.loc[0, "angle"]))


def test_only_the_tiles_that_hold_print_are_read_again():
    from ocrframe.engines.tiles import read_any_size
    from ocrframe.engines.upright import Reading

    page = np.full((7000, 5000, 3), 255, np.uint8)
    page[4200:4230, 3100:3600] = 0  # one mark of print in a large white page
    asked = []

    def read(rgb):  # what the detector is asked: it finds nothing, so the page is tiled
        asked.append(rgb.shape)
        return Reading([], [])

    read_any_size(page, read)
    # the whole page once, then the two overlapping tiles that hold the mark; not the 28 blank
    assert asked == [page.shape, (1400, 1400, 3), (1400, 1400, 3)]
