"""Saved outputs of other engines: pytesseract, hOCR, RapidOCR, EasyOCR, PaddleOCR 2.x/3.x,
docTR, AWS Textract and Google Cloud Vision (fixtures written from their documentation)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import ocrframe

RESPONSES = Path(ocrframe.data_path("responses"))


def text(name: str) -> str:
    return (RESPONSES / name).read_text("utf-8")


def load(name: str):
    return json.loads(text(name))


def plain(values) -> list:
    """A column as Python values with None for NA (pandas' NA never equals None)."""
    return [None if pd.isna(v) else v for v in values]


def test_pytesseract_tsv_dict_and_dataframe_agree():
    tsv = text("tesseract_data.tsv")
    from_tsv = ocrframe.from_response(tsv)
    frame = pd.read_csv(RESPONSES / "tesseract_data.tsv", sep="\t", keep_default_na=False)
    as_dict = {c: frame[c].tolist() for c in frame.columns}
    for other in (ocrframe.from_response(as_dict), ocrframe.from_response(frame)):
        pd.testing.assert_frame_equal(other.items, from_tsv.items)
        pd.testing.assert_frame_equal(other.chars, from_tsv.chars)
    assert from_tsv.items["text"].tolist() == ["Small print", "LOT-2024"]
    assert from_tsv.items.loc[0, ["x", "y", "width", "height"]].tolist() == [20, 20, 420, 24]
    small = from_tsv.chars[from_tsv.chars["item_id"] == 0]
    assert plain(small["confidence_raw"])[:6] == [96.44] * 5 + [None]  # "Small", then the space
    assert from_tsv.images.loc[0, "endpoint"] == "tesseract"
    assert from_tsv.raw[0] == tsv  # the text as it came


def test_hocr_with_character_boxes():
    res = ocrframe.from_response(text("tesseract.hocr"))
    assert res.items["text"].tolist() == ["OK go"]
    assert res.chars["confidence_raw"].tolist()[:2] == pytest.approx([0.961, 0.937])
    assert res.chars.loc[1, ["x", "y", "width", "height"]].tolist() == [35, 10, 25, 30]


def test_rapidocr_result_and_its_elapse_pair():
    lines = load("rapidocr.json")
    plain = ocrframe.from_response(lines)
    paired = ocrframe.from_response((lines, [0.12, 0.0, 0.3]))  # what RapidOCR returns
    pd.testing.assert_frame_equal(plain.items, paired.items)
    assert plain.items["text"].tolist()[0] == "好又多超市HAOYOUDUO"
    assert plain.items["confidence_raw"].tolist() == [0.9873, 0.9641]
    assert list(plain.items.loc[1, "polygon"]) == [28, 81, 332, 81, 332, 104, 28, 104]
    nothing = ocrframe.from_response((None, [0.1, 0.0, 0.0]))  # RapidOCR found no text
    assert len(nothing.images) == 1 and nothing.items.empty


def test_easyocr_tuples_and_dicts():
    as_tuples = [
        ([[12, 8], [160, 8], [160, 40], [12, 40]], "Invoice", 0.998),
        ([[12, 50], [220, 50], [220, 80], [12, 80]], "Total 1,250.00", 0.874),
    ]
    a = ocrframe.from_response(as_tuples, endpoint="easyocr")
    b = ocrframe.from_response(load("easyocr_dict.json"))
    assert a.images.loc[0, "endpoint"] == b.images.loc[0, "endpoint"] == "easyocr"
    pd.testing.assert_frame_equal(a.items, b.items)
    assert a.items.loc[1, ["x", "y", "width", "height"]].tolist() == [12, 50, 208, 30]


def test_paddleocr_2_and_3():
    two = ocrframe.from_response(load("paddleocr2.json"))
    assert two.items["text"].tolist() == ["纯臻营养护发素", "产品信息/参数"]
    assert two.items["confidence"].tolist() == pytest.approx([0.9964, 0.9908])
    pages = ocrframe.from_response([load("paddleocr2.json")[0], None])  # a page with nothing
    assert len(pages.images) == 2 and pages.images["n_items"].tolist() == [2, 0]
    three = ocrframe.from_response(load("paddleocr3.json"))
    assert three.images.loc[0, "source"] == "general_ocr_002.png"
    assert three.items["text"].tolist() == ["登机牌", "BOARDING PASS"]
    assert three.items.loc[1, ["x", "width"]].tolist() == [400, 240]


def test_doctr_relative_geometry_in_pixels():
    res = ocrframe.from_response(load("doctr.json"))
    img = res.images.iloc[0]
    assert (img["image_width"], img["image_height"]) == (800, 1000)
    assert res.items["text"].tolist() == ["Hello world", "2024"]
    assert res.items.loc[0, ["x", "y", "width", "height"]].tolist() == [80, 50, 400, 30]
    assert plain(res.chars["confidence_raw"])[:6] == [0.99] * 5 + [None]


def test_textract_lines_words_and_optional_pixels():
    res = ocrframe.from_response(load("textract.json"))
    assert res.items["text"].tolist() == ["Amazon Textract"]
    assert res.items.loc[0, "confidence_raw"] == 99.2
    assert res.items["x"].isna().all()  # relative coordinates and no image size
    sized = ocrframe.from_response(load("textract.json"), image_size=(1000, 500))
    assert sized.items.loc[0, ["x", "y", "width", "height"]].tolist() == [100, 100, 500, 25]
    assert plain(sized.chars["confidence_raw"])[6:8] == [None, 98.9]  # space, then "Textract"


def test_cloud_vision_symbols_become_characters_with_boxes():
    res = ocrframe.from_response(load("cloud_vision.json"))
    assert res.items["text"].tolist() == ["Go ok", "42"]
    assert res.chars["char"].tolist()[:5] == ["G", "o", " ", "o", "k"]
    assert res.chars.loc[0, ["x", "y", "width", "height"]].tolist() == [10, 10, 9, 20]
    assert res.items.loc[1, "y"] == 40
    assert res.images.loc[0, ["image_width", "image_height"]].tolist() == [400, 200]


@pytest.mark.parametrize(
    "bad",
    [
        [[[[1, 2], [3, 4], [5, 6], [7, 8]], "x", "not a score"]],
        {"res": {"rec_texts": ["a", "b"], "rec_scores": [0.9], "rec_polys": [[[0, 0]] * 4] * 2}},
        {"pages": [{"dimensions": [10], "blocks": []}]},
        {"Blocks": [{"BlockType": "LINE", "Text": 3}]},
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n5\t1\tx\n",
    ],
)
def test_malformed_outputs_raise_the_format_error(bad):
    with pytest.raises(ocrframe.OcrFormatError):
        ocrframe.from_response(bad)


def test_every_format_concatenates_with_stable_dtypes():
    legacy = ocrframe.read_json(RESPONSES / "general.json")
    others = [ocrframe.from_response(text(p.name)) for p in sorted(RESPONSES.iterdir())
              if p.suffix in (".tsv", ".hocr")]  # fmt: skip
    others += [ocrframe.read_json(RESPONSES / n) for n in
               ("rapidocr.json", "easyocr_dict.json", "paddleocr2.json", "paddleocr3.json",
                "doctr.json", "textract.json", "cloud_vision.json")]  # fmt: skip
    both = ocrframe.concat([legacy, *others])
    for name in ("images", "items", "chars"):
        assert dict(getattr(both, name).dtypes) == dict(getattr(legacy, name).dtypes)
    assert both.chars["confidence"].dropna().between(0, 1).all()


def test_pages_listed_before_their_lines_keep_each_image_s_items_together():
    # Textract lists every PAGE block first; here page 2's lines come before page 1's
    def box():
        return {"BoundingBox": {"Left": 0.1, "Top": 0.1, "Width": 0.5, "Height": 0.1}}

    def line(n, page, text):
        return [
            {"BlockType": "LINE", "Id": f"l{n}", "Page": page, "Text": text, "Confidence": 90.0,
             "Geometry": box(), "Relationships": [{"Type": "CHILD", "Ids": [f"w{n}"]}]},
            {"BlockType": "WORD", "Id": f"w{n}", "Page": page, "Text": text, "Confidence": 80.0,
             "Geometry": box()},
        ]  # fmt: skip

    pages = [{"BlockType": "PAGE", "Id": f"p{k}", "Geometry": box()} for k in (1, 2)]
    blocks = pages + line(1, 2, "p2-a") + line(2, 2, "p2-b") + line(3, 1, "p1-a")
    res = ocrframe.from_response({"Blocks": blocks}, image_size=(100, 100))
    items = res.items[["image_id", "item_id", "text"]].values.tolist()
    assert items == [[0, 0, "p1-a"], [1, 0, "p2-a"], [1, 1, "p2-b"]]
    spelled = res.chars.groupby(["image_id", "item_id"])["char"].agg("".join).tolist()
    assert spelled == ["p1-a", "p2-a", "p2-b"]
    assert res.images["n_items"].tolist() == [1, 2]
