"""Hostile inputs have bounded cost (issue #29): an image over ``max_pixels`` is a failed row
that says its size, read from its header before any pixel is decoded; a PDF page over it is
rendered at the highest dpi that fits; and a dataset run with such inputs in it finishes."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from bundled import sample_copies
from PIL import Image

import ocrframe
from ocrframe.core import codes
from ocrframe.engines.replay import ReplayEngine
from ocrframe.errors import OcrDpiWarning
from ocrframe.inputs import images, pages
from ocrframe.inputs.pages import MAX_PIXELS

SAMPLE = ocrframe.samples()[0]


def claimed_png(width: int, height: int) -> bytes:
    """A 70-byte PNG whose header says ``width`` × ``height`` (its data: 8 × 8 pixels)."""
    buf = io.BytesIO()
    Image.new("1", (8, 8), 1).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def poster_pdf(width_in: float = 200, height_in: float = 200) -> bytes:
    """A one-page PDF of ``width_in`` × ``height_in`` inches (a few hundred bytes)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width_in * 72, height_in * 72)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


@pytest.fixture
def nothing_recorded(tmp_path) -> ReplayEngine:
    """An engine that runs no model and answers every decoded image with code -13."""
    (tmp_path / "no-records").mkdir()
    return ReplayEngine(tmp_path / "no-records")


def test_the_default_limit_is_pillows_decompression_bomb_limit():
    assert MAX_PIXELS == Image.MAX_IMAGE_PIXELS == 89_478_485
    assert images.Input("x", b"").max_pixels == MAX_PIXELS


def test_an_image_over_max_pixels_is_a_failed_row_that_says_its_size(tmp_path, nothing_recorded):
    path = tmp_path / "huge.png"
    path.write_bytes(claimed_png(40_000, 40_000))
    res = ocrframe.recognize(path, engine=nothing_recorded, progress=False)
    row = res.images.iloc[0]
    assert row["code"] == codes.IMAGE_TOO_LARGE and not row["ok"]
    assert "40000 × 40000 pixels" in row["message"]
    assert "max_pixels=89,478,485" in row["message"]
    assert "damaged" not in row["message"]


def test_the_size_is_checked_before_any_pixel_is_decoded(monkeypatch):
    data = claimed_png(3000, 2000)  # under Pillow's limit: it would be decoded (and fail)
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    failure = images.load(images.expand(data, max_pixels=5_000_000)[0])
    assert failure.code == codes.IMAGE_TOO_LARGE, failure
    assert "3000 × 2000 pixels (6,000,000), more than max_pixels=5,000,000" in failure.detail
    assert decoded == []


def test_max_pixels_is_settable_for_every_kind_of_input(nothing_recorded):
    picture = Image.open(SAMPLE)
    width, height = picture.size
    given = [SAMPLE, Path(SAMPLE).read_bytes(), picture, np.asarray(picture.convert("RGB"))]
    small = ocrframe.recognize(
        given, engine=nothing_recorded, max_pixels=width * height - 1, progress=False
    )
    assert small.images["code"].tolist() == [codes.IMAGE_TOO_LARGE] * 4
    assert small.images["message"].str.contains(f"{width} × {height} pixels").all()
    fits = ocrframe.recognize(
        given, engine=nothing_recorded, max_pixels=width * height, progress=False
    )
    assert fits.images["code"].tolist() == [codes.NOT_RECORDED] * 4  # decoded, then asked
    unlimited = ocrframe.recognize(
        claimed_png(9000, 9000), engine=nothing_recorded, max_pixels=None, progress=False
    )
    assert unlimited.images["code"].tolist() == [codes.DECODE_FAILED]  # decoded: truncated


@pytest.mark.parametrize("bad", [0, -5, 1.5, "big", True])
def test_a_bad_max_pixels_is_an_error(bad, nothing_recorded):
    with pytest.raises(ocrframe.OcrframeError, match="max_pixels is a whole number"):
        ocrframe.recognize(SAMPLE, engine=nothing_recorded, max_pixels=bad)


def test_a_pdf_page_over_max_pixels_is_rendered_at_the_highest_dpi_that_fits(nothing_recorded):
    poster = poster_pdf()  # 200 × 200 inches: 60,000 × 60,000 pixels at 300 dpi
    with pytest.warns(OcrDpiWarning, match=r"page 1 is 200 × 200 in.*rendered at 47 dpi"):
        (page,) = images.expand(poster)  # the default limit: not rendered here (88 MP)
    assert page.dpi == 47 and page.value.dpi == 47
    with pytest.warns(OcrDpiWarning, match="max_pixels=1,000,000; rendered at 5 dpi"):
        res = ocrframe.recognize(
            poster, engine=nothing_recorded, max_pixels=1_000_000, progress=False
        )
    assert res.images["dpi"].tolist() == [5] and res.images["page"].tolist() == [1]
    with pytest.warns(OcrDpiWarning):
        (page,) = images.expand(poster, max_pixels=1_000_000)
    loaded = images.load(page)
    assert (loaded.width, loaded.height) == (1000, 1000)


def test_a_pdf_page_too_large_even_at_1_dpi_is_a_failed_row(nothing_recorded):
    with pytest.warns(OcrDpiWarning, match="2 × 1 in: .* rendered at 22 dpi"):
        res = ocrframe.recognize(
            [poster_pdf(), poster_pdf(2, 1)], engine=nothing_recorded, max_pixels=1000,
            progress=False,
        )  # fmt: skip
    assert res.images["code"].tolist() == [codes.IMAGE_TOO_LARGE, codes.NOT_RECORDED]
    assert "even at 1 dpi 200 × 200 pixels" in res.images.loc[0, "message"]
    assert res.images.loc[1, "dpi"] == 22  # 2 × 1 inches: 44 × 22 pixels at 22 dpi
    page = pages.DocumentPage(poster_pdf(), 0, 300, max_pixels=1000)  # made elsewhere: refused
    assert images.load(images.Input("p", page)).code == codes.IMAGE_TOO_LARGE


def test_a_tiff_frame_over_max_pixels_is_a_failed_row(tmp_path, nothing_recorded):
    path = tmp_path / "two.tiff"
    small, large = Image.new("L", (50, 40), 255), Image.new("L", (400, 300), 255)
    small.save(path, save_all=True, append_images=[large])
    res = ocrframe.recognize(path, engine=nothing_recorded, max_pixels=10_000, progress=False)
    assert res.images["page"].tolist() == [1, 2]
    assert res.images["code"].tolist() == [codes.NOT_RECORDED, codes.IMAGE_TOO_LARGE]
    assert "frame 2: 400 × 300 pixels" in res.images.loc[1, "message"]


def test_a_dataset_run_survives_hostile_inputs_and_answers_all_the_others(tmp_path, replay):
    first, last = sample_copies(tmp_path / "img", 2)
    huge = tmp_path / "huge.png"
    huge.write_bytes(claimed_png(40_000, 40_000))
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(poster_pdf(8.5, 11)[:300])
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(poster_pdf())
    given = [first, huge, truncated, poster, last]
    with pytest.warns(OcrDpiWarning, match="rendered at 7 dpi"):
        ds = ocrframe.recognize(
            given, engine=replay, out=tmp_path / "ds", batch_size=2, max_pixels=2_000_000,
            progress=False,
        )  # fmt: skip
    res = ds.load()
    assert res.images["source"].tolist() == [str(p) for p in given]
    assert res.images["code"].tolist() == [
        0, codes.IMAGE_TOO_LARGE, codes.DAMAGED_DOCUMENT, codes.NOT_RECORDED, 0
    ]  # fmt: skip
    assert res.images.loc[3, "dpi"] == 7  # the poster: rendered, 1400 × 1400 pixels
    direct = ocrframe.recognize([first, last], engine=replay, progress=False)
    assert res.items["text"].tolist() == direct.items["text"].tolist()  # nothing else lost
