"""The embedded default: real OCR with RapidOCR on the bundled samples, offline."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import ocrframe
from ocrframe import analysis, engines
from ocrframe.engines.local import LocalEngine

pytestmark = pytest.mark.engine  # the local models, read for real


@pytest.fixture(scope="module")
def sample_run(samples_result):
    """The samples' truth and the run's one reading of them by the local engine."""
    records = ocrframe.samples(truth=True)
    assert samples_result.images["source"].tolist() == [r["source"] for r in records]
    return records, samples_result


def test_samples_are_found_from_any_working_directory(tmp_path):
    code = "import ocrframe, json; print(json.dumps([ocrframe.samples(), ocrframe.samples(truth=True)]))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    paths, truth = json.loads(out.stdout)
    assert len(paths) >= 8 and all(Path(p).is_file() for p in paths)
    assert [t["source"] for t in truth] == paths
    assert all(len(t["lines"]) == len(t["boxes"]) for t in truth)
    assert any("fields" in t for t in truth)


def test_character_error_rate_on_the_samples_is_at_most_two_percent(sample_run):
    records, res = sample_run
    edits = length = 0
    for img, rec in zip(res.images.itertuples(), records):
        errors = analysis.line_errors(
            res.chars[res.chars["image_id"] == img.image_id], rec["lines"], rec["boxes"]
        )
        edits += errors["edits"].sum()
        length += errors["length"].sum()
    assert length > 500  # a real amount of text
    assert edits / length <= 0.02, f"CER {edits / length:.3%}"


def test_almost_every_character_has_a_box_and_boxes_lie_on_the_text(sample_run):
    records, res = sample_run
    printed = res.chars["char"] != " "  # a space between words is a gap: no box of its own
    assert printed.mean() < 0.95 and res.chars.loc[printed, "x"].notna().mean() >= 0.95
    # every item's box overlaps the truth box of some line of its image
    for img, rec in zip(res.images.itertuples(), records):
        items = res.items[res.items["image_id"] == img.image_id]
        assert len(items) >= len(rec["lines"]) * 0.5
        for it in items.itertuples():
            assert any(_overlap((it.x, it.y, it.width, it.height), b) > 0.3 for b in rec["boxes"])


def _overlap(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    return w * h / min(aw * ah, bw * bh)


def test_local_answers_in_the_general_shape_with_extensions(sample_run):
    _, res = sample_run
    raw = res.raw[0]
    assert raw["code"] == 0 and set(raw["data"]) >= {"items", "session_id", "engine", "angle"}
    item = raw["data"]["items"][0]
    assert set(item) == {"itemstring", "itemcoord", "itempolygon", "words", "block"}
    assert {"blocktype", "blockcoord"} == set(raw["data"]["blocks"][item["block"]])
    assert all(0 <= w["confidence"] <= 100 for w in item["words"])  # the general page's scale
    assert {"x", "y", "width", "height"} == set(item["words"][0]["wordcoord"])
    # the saved raw response alone rebuilds this image's rows: nothing the tables hold is
    # missing from it, and select() keeps the rows of the image it picks
    again = ocrframe.from_response(raw, source=res.images.loc[0, "source"], engine="rapidocr")
    first = res.select([0])
    for table in ("items", "chars", "blocks"):
        pd.testing.assert_frame_equal(getattr(again, table), getattr(first, table))
    img = res.images.iloc[0]
    assert img["engine"] == "rapidocr" and img["endpoint"] == "general"
    assert (img["image_width"], img["image_height"]) == Image.open(img["source"]).size
    assert res.items["polygon"].notna().all()


def test_rotated_sample_reports_its_skew(sample_run):
    _, res = sample_run
    angle = res.images.set_index(res.images["source"].map(lambda s: Path(s).name))["angle"]
    assert angle["rotated.png"] == pytest.approx(-3.0, abs=1.0)  # drawn 3 degrees anticlockwise
    assert abs(angle["zh_document.png"]) < 0.5


def test_inputs_bytes_pil_array_glob_and_directory(tmp_path):
    path = ocrframe.samples()[1]
    data = Path(path).read_bytes()
    pil = Image.open(path)
    arr = np.asarray(pil.convert("RGB"))
    res = ocrframe.recognize([data, pil, arr], progress=False)
    assert res.images["source"].tolist() == ["<bytes #0>", "<PIL #1>", "<array #2>"]
    texts = [
        " ".join(res.items[res.items["image_id"] == k]["text"]) for k in range(3)
    ]  # the same picture, however it is passed
    assert texts[0] == texts[1] == texts[2] and "Optical" in texts[0]

    (tmp_path / "a.png").write_bytes(data)
    (tmp_path / "b.png").write_bytes(data)
    by_glob = ocrframe.recognize(str(tmp_path / "*.png"), progress=False)
    by_dir = ocrframe.recognize(tmp_path, progress=False)
    assert by_glob.images["source"].tolist() == [str(tmp_path / "a.png"), str(tmp_path / "b.png")]
    assert by_dir.images["source"].tolist() == by_glob.images["source"].tolist()


def test_engine_is_loaded_once():
    assert engines.get("local") is engines.get("local")


def test_options_are_checked_against_the_page():
    with pytest.raises(ocrframe.OcrframeError, match=r"unknown option\(s\) \['langauge'\]"):
        ocrframe.recognize(ocrframe.samples()[0], endpoint="minorlanguage", langauge="fre")
    with pytest.raises(ocrframe.OcrframeError, match="language='fr'; allowed"):
        ocrframe.recognize(ocrframe.samples()[0], endpoint="minorlanguage", language="fr")
    with pytest.raises(ocrframe.OcrframeError, match="unknown engine 'cloud'"):
        ocrframe.recognize(ocrframe.samples()[0], engine="cloud")
    with pytest.raises(ocrframe.OcrframeError, match="expected a path, URL"):
        ocrframe.recognize([3.5])


def test_minorlanguage_zh_runs_on_rapidocr_in_its_own_shape():
    res = ocrframe.recognize(ocrframe.samples()[0], endpoint="minorlanguage", progress=False)
    raw = res.raw[0]
    assert raw["data"]["class"] == []
    assert all(0 <= w["confidence"] <= 1 for it in raw["data"]["items"] for w in it["words"])
    assert res.images.loc[0, "endpoint"] == "minorlanguage"
    assert "通用文字识别" in "".join(res.items["text"])


def test_result_of_an_image_without_text(tmp_path):
    blank = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(blank, format="PNG")
    res = ocrframe.recognize(blank.getvalue(), progress=False)
    assert res.images[["code", "ok", "n_items"]].values.tolist() == [[0, True, 0]]


def test_transparent_png_is_read_on_white_paper(tmp_path):
    # black text on a fully transparent background whose hidden colour is black too
    src = Image.open(ocrframe.samples()[1]).convert("L")
    rgba = np.zeros((src.height, src.width, 4), np.uint8)
    rgba[..., 3] = 255 - np.asarray(src)  # ink is opaque, paper transparent
    path = tmp_path / "transparent.png"
    Image.fromarray(rgba, "RGBA").save(path)
    res = ocrframe.recognize(str(path), progress=False)
    assert "Optical character recognition" in " ".join(res.items["text"])
    from_array = ocrframe.recognize(rgba, progress=False)  # the same pixels as an array
    assert from_array.items["text"].tolist() == res.items["text"].tolist()


def test_long_thin_strip_is_read_where_its_text_is(tmp_path):
    from PIL import ImageDraw, ImageFont

    from ocrframe.sample_images import synthetic

    strip = Image.new("RGB", (4000, 60), "white")  # longer than the detector's 1280 px
    font = ImageFont.truetype(synthetic.font_path(), 40)
    ImageDraw.Draw(strip).text((3000, 8), "Hello strip 2026", fill="black", font=font)
    strip.save(tmp_path / "strip.png")
    Image.new("RGB", (3000, 5), "white").save(tmp_path / "thin.png")  # rounds to 0 px
    res = ocrframe.recognize([tmp_path / "thin.png", tmp_path / "strip.png"], progress=False)
    assert res.images["code"].tolist() == [0, 0]
    line = res.items.iloc[0]
    assert line["text"] == "Hello strip 2026"
    assert 2950 <= line["x"] <= 3050 and line["y"] < 30  # in the strip's own coordinates


def test_a_two_column_page_scanned_at_a_slant_reads_column_by_column():
    from PIL import ImageDraw, ImageFont

    from ocrframe.sample_images import synthetic

    # two columns of 20 lines set as closely as print sets them (lines 32 px apart), each
    # line starting with its column and row: "A00" ... "B19"
    font = ImageFont.truetype(synthetic.font_path(), 26)
    page = Image.new("RGB", (2200, 780), "white")
    draw = ImageDraw.Draw(page)
    words = [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "a",
        "lazy",
        "dog",
        "while",
        "seven",
        "wizards",
        "quietly",
        "judge",
    ]
    for column, x in enumerate((60, 1130)):
        for row in range(20):
            rest = " ".join(words[(row + k) % len(words)] for k in range(9))
            draw.text(
                (x, 60 + 32 * row), f"{'AB'[column]}{row:02d} {rest}", fill="black", font=font
            )
    by_column = [f"{c}{row:02d}" for c in "AB" for row in range(20)]
    for degrees in (3, -3):  # as a flatbed scan lies: the boxes of two rows overlap
        turned = page.rotate(degrees, expand=True, fillcolor="white", resample=Image.BICUBIC)
        text = ocrframe.recognize(turned, progress=False).text(0)
        marks = [w[:3] for w in text.split() if len(w) >= 3 and w[0] in "AB" and w[1:3].isdigit()]
        assert marks == by_column, degrees


@pytest.mark.parametrize("columns", [2, 3, 4, 5])
def test_a_magazine_page_reads_in_order_and_its_columns_are_no_table(columns):
    from rapidfuzz.distance import Levenshtein

    from ocrframe.engines import layout_model
    from ocrframe.sample_images import documents

    # a headline and standfirst over the columns, a picture over the last two with a caption,
    # a pull quote: the layout model called two of these columns a table (score 0.51), and
    # four or five narrow ones all one table (0.97), whose lines pair up row by row
    page = documents.magazine_page(seed=0, columns=columns)
    res = ocrframe.recognize(page.image, progress=False)
    truth = "".join("".join(page.blocks).split())
    text = "".join(res.text(0).split())
    assert Levenshtein.distance(truth, text) / len(truth) < 0.01
    assert res.tables() == []
    if layout_model.available():  # the model's caption: a block of its own, not text
        assert "caption" in set(res.blocks["type"])


def test_a_drop_cap_and_text_wrapped_round_a_picture_read_in_order():
    from rapidfuzz.distance import Levenshtein

    from ocrframe.sample_images import documents

    # a capital three lines high: the lines beside it were one row with it, read left to
    # right by where they start (1.3% CER); the lines beside an inset picture must be text
    page = documents.magazine_page(seed=0, columns=3, drop_cap=True, inset=True)
    res = ocrframe.recognize(page.image, progress=False)
    truth = "".join("".join(page.blocks).split())
    text = "".join(res.text(0).split())
    assert Levenshtein.distance(truth, text) / len(truth) < 0.005
    # the capital and the rest of its word read as one word, not two lines
    assert " ".join(page.blocks[2].split()[:2]) in res.text(0)


class _FailsOnSquares(LocalEngine):
    """RapidOCR failing on one kind of picture (stands in for an engine bug, not for
    recognize, which is what the test is about)."""

    def reading(self, rgb):
        if rgb.shape[0] == rgb.shape[1]:
            raise RuntimeError("engine bug on square images")
        return super().reading(rgb)


def test_an_engine_failure_on_one_image_keeps_the_others(tmp_path):
    Image.new("RGB", (64, 64), "white").save(tmp_path / "square.png")
    good = ocrframe.samples()[1]
    res = ocrframe.recognize(
        [good, tmp_path / "square.png", good], engine=_FailsOnSquares(), progress=False
    )
    assert res.images["code"].tolist() == [0, -9003, 0]
    assert "RuntimeError: engine bug on square images" in res.images.loc[1, "message"]
    assert res.images.loc[1, "source"] == str(tmp_path / "square.png")
    assert (res.items["image_id"].unique() == [0, 2]).all()
