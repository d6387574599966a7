"""Every example of the five API pages parses to the values the page shows."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from strategies import fixture

import ocrframe


def test_general_example_values(load):
    res = load("general.json")
    img = res.images.iloc[0]
    assert (img["endpoint"], img["code"], img["message"], img["session_id"]) == (
        "general",
        0,
        "OK",
        "",
    )
    item = res.items.iloc[0]
    assert item["text"] == "手机"
    assert (item["x"], item["y"], item["width"], item["height"]) == (0, 100, 40, 20)
    assert pd.isna(item["confidence_raw"])  # the page gives no line confidence
    assert item["confidence"] == pytest.approx((0.909 + 0.939) / 2, abs=1e-6)
    chars = res.chars
    assert chars["char"].tolist() == ["手", "机"]
    assert chars["confidence_raw"].tolist() == [90.9, 93.9]  # untouched, 0-100 as documented
    assert chars["confidence"].tolist() == pytest.approx([0.909, 0.939], abs=1e-6)
    assert chars["x"].isna().all()  # the cloud gives no character boxes


def test_minorlanguage_example_values(load):
    # the page's example says nothing the general page's would not (class is empty): the
    # endpoint is told, as a user who called minorlanguage knows it
    res = load("minorlanguage.json", endpoint="minorlanguage")
    img = res.images.iloc[0]
    assert img["endpoint"] == "minorlanguage"
    assert img["angle"] == -1.65625
    assert img["session_id"] == "1000001162717723"
    assert json.loads(img["extra"]) == {"class": []}  # no column for it, so it is kept here
    assert res.items["text"].tolist() == ["かっこいい", "社名の由来"]
    assert res.items[["x", "y", "width", "height"]].values.tolist() == [
        [103, 19, 135, 29],
        [102, 51, 136, 27],
    ]
    first = res.chars.iloc[0]
    assert first["char"] == "か"
    assert first["confidence_raw"] == 0.9999997615814208  # 0-1 scale kept exactly
    assert first["confidence"] == pytest.approx(0.9999997615814208, abs=1e-6)
    assert res.chars.groupby("item_id").size().tolist() == [5, 5]


def test_drivinglicence_example_maps_labels_to_fields(load):
    res = load("drivinglicence.json")
    items = res.items
    assert items["label"].tolist() == ["姓名", "性别"]
    assert items["field"].tolist() == ["name", "sex"]
    assert items["text"].tolist() == ["张三", "男"]
    assert items["confidence_raw"].tolist() == [0.9, 0.8]
    assert items["confidence"].tolist() == pytest.approx([0.9, 0.8])
    assert items[["x", "y", "width", "height"]].values.tolist() == [
        [0, 100, 40, 20],
        [0, 80, 40, 20],
    ]
    # only an item confidence: every character row exists, with NA confidence
    assert res.chars["char"].tolist() == ["张", "三", "男"]
    assert res.chars["confidence"].isna().all()


def test_vehicle_licence_fields(load):
    res = load("drivinglicence_vehicle.json")
    assert res.items["field"].tolist() == ["plate_no", "vehicle_type", "owner", "register_date"]
    assert res.fields.loc[0, "plate_no"] == "京A12345"


def test_idcard_front_example(load):
    res = load("idcard_front_url.json")
    # the service echoes the URLs with a leading space: kept exactly
    assert res.images["source"].tolist() == [
        " http://www.test.com/aaa.jpg",
        " http://www.test.com/bbb.jpg",
    ]
    assert res.images["response_id"].tolist() == [0, 0]  # one batch response, two images
    first = res.items[res.items["image_id"] == 0]
    assert first["field"].tolist() == ["name", "sex", "nation", "birth", "address", "id"]
    assert first["text"].tolist() == ["某某", "男", "汉", "2000/1/1", "某地", "123456200001011234"]
    name = res.chars[(res.chars["image_id"] == 0) & (res.chars["item_id"] == 0)]
    assert name["confidence_raw"].tolist() == [38, 28]
    assert name["confidence"].tolist() == pytest.approx([0.38, 0.28])
    # birth "2000/1/1": six confidences cover the digits, the separators are NA
    birth = res.chars[(res.chars["image_id"] == 0) & (res.chars["item_id"] == 3)]
    assert birth["char"].tolist() == list("2000/1/1")
    raw = birth["confidence_raw"].tolist()
    assert [None if pd.isna(v) else v for v in raw] == [38, 38, 20, 46, None, 50, None, 49]
    ident = res.chars[(res.chars["image_id"] == 1) & (res.chars["item_id"] == 5)]
    assert len(ident) == 18 and ident["confidence"].notna().all()
    assert res.images["extra"].isna().all()  # nothing unaligned, nothing unknown


def test_idcard_back_example_aligns_valid_date_to_digits(load):
    res = load("idcard_back_file.json")
    assert res.images["source"].tolist() == ["1.jpg", "2.jpg"]
    assert (
        res.fields[["authority", "valid_date"]].values.tolist()
        == [["某市派出所", "2012.01.01-2022.01.01"]] * 2
    )
    vd = res.chars[(res.chars["image_id"] == 0) & (res.chars["item_id"] == 1)]
    assert len(vd) == 21
    digits = vd[vd["char"].str.isdigit()]
    assert digits["confidence_raw"].tolist() == [
        44, 50, 63, 44, 47, 42, 43, 53, 48, 52, 44, 47, 48, 45, 50, 58,
    ]  # fmt: skip
    assert vd[~vd["char"].str.isdigit()]["confidence"].isna().all()


def test_namecard_examples(load):
    for name, sources in [
        ("namecard_url.json", [" http://www.test.com/aaa.jpg", " http://www.test.com/bbb.jpg"]),
        ("namecard_file.json", ["1.jpg", "2.jpg"]),
    ]:
        res = load(name)
        assert res.images["source"].tolist() == sources
        assert res.images["endpoint"].unique().tolist() == ["namecard"]
        assert res.fields[["name", "phone", "uin"]].values.tolist() == [
            ["某某", "12345678998", "10000"],
            ["某某某", "12345678999", "10001"],
        ]
        assert res.items["confidence"].tolist() == pytest.approx([0.9] * 3 + [0.99] * 3)
        assert res.chars["confidence"].isna().all()  # item-level confidence only


def test_namecard_minus_one_is_missing_and_image_stays_raw(load):
    res = load("namecard_missing_field.json")
    phone = res.items[res.items["field"] == "phone"].iloc[0]
    assert phone["text"] == "" and phone["n_chars"] == 0
    assert pd.isna(phone["confidence"])
    assert phone["confidence_raw"] == -1  # untouched
    assert "image" not in res.items["field"].tolist()
    assert res.raw[0]["result_list"][0]["data"]["image"] == "iVBORw0KGgo="
    assert res.images.loc[0, "mean_confidence"] == pytest.approx((0.97 + 0.88) / 2)


def test_namecard_item_list_shape(load):
    res = load("namecard_items.json")
    assert res.items["label"].tolist() == ["姓名", "公司", "手机", "邮箱"]
    assert res.items["field"].tolist() == ["name", "company", "phone", "email"]
    assert res.items["confidence"].tolist() == pytest.approx([0.99, 0.95, 0.98, 0.9])


def test_batch_with_failed_image_keeps_every_image(load):
    res = load("idcard_batch_failed.json")
    imgs = res.images
    assert imgs["source"].tolist() == ["image _1.jpg", "image _2.jpg ", "image _3.jpg"]
    assert imgs["code"].tolist() == [0, -5107, 0]
    assert imgs["ok"].tolist() == [True, False, True]
    assert imgs.loc[1, "message"] == "提供的图片不是身份证"
    assert imgs["n_items"].tolist() == [6, 0, 2]
    assert set(res.items["image_id"]) == {0, 2}  # the failed image has no rows elsewhere


def test_error_body_is_a_failed_row(load):
    res = load("error_signature.json", endpoint="idcard")
    assert res.images[["endpoint", "code", "message", "ok"]].values.tolist() == [
        ["idcard", 14, "签名校验失败", False]
    ]
    assert res.items.empty and res.chars.empty


def test_empty_result_has_the_image_and_no_rows(load):
    res = load("general_empty.json")
    assert res.images[["ok", "n_items", "n_chars"]].values.tolist() == [[True, 0, 0]]
    assert pd.isna(res.images.loc[0, "mean_confidence"])


def test_local_engine_extensions_reach_the_tables(load):
    res = load("general_local.json")
    img = res.images.iloc[0]
    assert (img["engine"], img["image_width"], img["image_height"], img["angle"]) == (
        "rapidocr",
        320,
        120,
        0.0,
    )
    assert json.loads(img["extra"]) == {"engine_version": "1.4.4"}
    assert list(res.items.loc[0, "polygon"]) == [10, 20, 100, 20, 100, 50, 10, 50]
    assert res.chars[["x", "width"]].values.tolist() == [[10, 20], [32, 10], [44, 10], [60, 30]]


@pytest.mark.parametrize("kind", ["dict", "str", "bytes"])
def test_response_as_dict_str_or_bytes(kind):
    obj = fixture("general.json")
    value = {"dict": obj, "str": json.dumps(obj), "bytes": json.dumps(obj).encode()}[kind]
    res = ocrframe.from_response(value, source="photo.jpg")
    assert res.images.loc[0, "source"] == "photo.jpg"
    assert res.chars["char"].tolist() == ["手", "机"]
    assert res.raw[0] == obj
