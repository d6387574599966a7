"""Any orientation: a page scanned at 90, 180 or 270 degrees, or a phone photo turned by its
EXIF, is read upright with its boxes on the picture as given."""

from __future__ import annotations

import numpy as np
import pytest
from documents import SAMPLES, cer_of
from PIL import Image

import ocrframe
from ocrframe.engines.upright import turn_back

# -- any orientation ---------------------------------------------------------------------------


def _forward(point: tuple[float, float], k: int, shape) -> tuple[float, float]:
    """Where a point of an image lands when Pillow turns it ``rotate(90 * k, expand=True)``
    (counter-clockwise): one quarter turn of an image w wide takes (x, y) to (y, w - x)."""
    x, y = point
    h, w = shape[:2]
    for _ in range(k % 4):
        x, y = y, w - x
        h, w = w, h
    return x, y


def _mapped(box, k: int, shape) -> tuple[float, float, float, float]:
    """An upright box (x, y, w, h) where it lands on the page turned by ``k`` quarters."""
    x, y, w, h = box
    corners = [_forward(p, k, shape) for p in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def test_turning_back_undoes_a_turn():
    shape = (70, 50)
    for k in range(4):
        assert turn_back(_forward((12.0, 34.0), k, shape), k, shape) == pytest.approx((12.0, 34.0))


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_pages_turned_a_quarter_or_half_read_as_upright(name, samples_result):
    upright_img = Image.open(SAMPLES[name]).convert("RGB")
    shape = np.asarray(upright_img).shape
    # the run's reading of the upright sample (the same pixels, read from the file)
    upright = samples_result.select(samples_result.images["source"] == SAMPLES[name])
    base_cer = cer_of(upright, 0, name)
    for k in (1, 2, 3):
        turned = np.asarray(upright_img.rotate(90 * k, expand=True))
        res = ocrframe.recognize(turned, progress=False)
        assert cer_of(res, 0, name) <= base_cer + 0.01, (name, k)
        truth_angle = -90.0 * k  # Pillow turns counter-clockwise; the vendors count clockwise
        got = float(res.images.loc[0, "angle"])
        assert abs((got - truth_angle + 180) % 360 - 180) <= 5, (name, k, got)
        # every item where its upright box lands on the turned page (within 3 px)
        assert res.items["text"].tolist() == upright.items["text"].tolist(), (name, k)
        for a, b in zip(upright.items.itertuples(), res.items.itertuples()):
            want = _mapped((a.x, a.y, a.width, a.height), k, shape)
            assert max(abs(p - q) for p, q in zip(want, (b.x, b.y, b.width, b.height))) <= 3, (
                name,
                k,
            )


@pytest.mark.engine
@pytest.mark.parametrize("orientation", [6, 8])
def test_a_phone_photo_whose_exif_says_it_is_turned(tmp_path, orientation):
    upright_img = Image.open(SAMPLES["receipt.png"]).convert("RGB")
    # the camera stored the pixels turned and says so in EXIF: viewers show them upright
    stored = upright_img.rotate(90 if orientation == 6 else -90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"photo-{orientation}.jpg"
    # near-lossless, so that the upright reading compared with is of the same pixels
    stored.save(path, quality=100, subsampling=0, exif=exif)
    res = ocrframe.recognize(path, progress=False)
    upright = ocrframe.recognize(SAMPLES["receipt.png"], progress=False)
    assert cer_of(res, 0, "receipt.png") <= cer_of(upright, 0, "receipt.png") + 0.01
    assert abs(float(res.images.loc[0, "angle"])) <= 5
    assert (res.images.loc[0, "image_width"], res.images.loc[0, "image_height"]) == upright_img.size
    for a, b in zip(upright.items.itertuples(), res.items.itertuples()):
        assert (
            max(abs(a.x - b.x), abs(a.y - b.y), abs(a.width - b.width), abs(a.height - b.height))
            <= 6  # JPEG moves an edge by a few pixels; a box left in the turned frame, hundreds
        )
