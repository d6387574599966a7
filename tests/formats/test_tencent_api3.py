"""Tencent Cloud API 3.0 responses: raw bodies, inner dicts and the official SDK's models."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from bundled import read
from tencentcloud.ocr.v20181119 import models

import ocrframe

RESPONSES = Path(ocrframe.data_path("responses"))


def body(name: str) -> dict:
    return json.loads((RESPONSES / f"api3_{name}.json").read_text("utf-8"))


def test_general_basic_lines_paragraphs_and_misspelled_angle():
    res = ocrframe.from_response(body("general_basic"), endpoint="GeneralBasicOCR")
    img = res.images.iloc[0]
    assert (img["endpoint"], img["angle"], img["session_id"]) == (
        "GeneralBasicOCR", 0.0, "c3a1a4b8-0000-4d2c-9d8a-1a2b3c4d5e6f")  # fmt: skip
    assert res.items["text"].tolist() == ["腾讯云", "文字识别"]
    assert res.items["confidence_raw"].tolist() == [99, 87]
    assert res.items.loc[1, ["x", "y", "width", "height"]].tolist() == [20, 50, 120, 30]
    assert list(res.items.loc[0, "polygon"]) == [20, 10, 110, 10, 110, 40, 20, 40]
    assert json.loads(img["extra"])["paragraphs"] == [1, 2]
    assert res.chars["confidence"].isna().all()  # no Words: no per-character numbers


def test_general_accurate_words_and_their_boxes():
    res = ocrframe.from_response(body("general_accurate"), endpoint="GeneralAccurateOCR")
    assert res.images.loc[0, "angle"] == 1.5
    assert res.chars["char"].tolist() == ["O", "C", "R"]
    assert res.chars["confidence_raw"].tolist() == [99, 97, 96]
    assert res.chars["confidence"].tolist() == pytest.approx([0.99, 0.97, 0.96])
    assert res.chars.loc[1, ["x", "y", "width", "height"]].tolist() == [25, 6, 19, 20]


def test_inner_dict_and_raw_body_give_the_same_tables():
    a = ocrframe.from_response(body("general_accurate"))
    b = ocrframe.from_response(body("general_accurate")["Response"])
    pd.testing.assert_frame_equal(a.items, b.items)


def test_idcard_fields_line_up_with_the_legacy_keys_and_warnings():
    res = ocrframe.from_response(body("idcard"))
    fields = res.fields.iloc[0]
    assert (fields["name"], fields["id"], fields["birth"]) == (
        "李明",
        "440524198701010014",
        "1987/1/1",
    )
    assert "authority" not in res.fields  # empty on the photo side: not a field
    assert list(res.images.loc[0, "warn_codes"]) == [-9103]
    assert res.items.loc[res.items["field"] == "id", "label"].tolist() == ["IdNum"]


def test_driver_licence_warnings_and_keys():
    res = ocrframe.from_response(body("driver_license"))
    assert list(res.images.loc[0, "warn_codes"]) == [-9102]
    assert list(res.images.loc[0, "warn_messages"]) == ["WARN_DRIVER_LICENSE_COPY_CARD"]
    got = dict(zip(res.items["field"], res.items["text"]))
    assert got["license_no"] == "440301198807226512" and got["first_issue_date"] == "2010-05-18"
    assert got["vehicle_class"] == "C1"


def test_vehicle_licence_front_info():
    res = ocrframe.from_response(body("vehicle_license"))
    got = dict(zip(res.items["field"], res.items["text"]))
    assert got["plate_no"] == "京A12345" and got["vin"] == "LSVAA4187E2123456"
    assert "FrontInfo.Vin" in set(res.items["label"])


def test_business_card_labels_and_boxes():
    res = ocrframe.from_response(body("business_card"))
    assert res.items["field"].tolist() == ["name", "phone", "company"]
    assert res.items["label"].tolist() == ["姓名", "手机", "公司"]
    assert res.items.loc[1, ["x", "y"]].tolist() == [10, 80]


def test_error_is_a_failed_image():
    res = ocrframe.from_response(body("error"), endpoint="GeneralBasicOCR")
    img = res.images.iloc[0]
    assert (img["ok"], img["code"], img["endpoint"]) == (False, -1, "GeneralBasicOCR")
    assert img["message"].startswith("FailedOperation.ImageDecodeFailed")


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("general_basic", "GeneralBasicOCRResponse"),
        ("general_accurate", "GeneralAccurateOCRResponse"),
        ("idcard", "IDCardOCRResponse"),
        ("business_card", "BusinessCardOCRResponse"),
        ("driver_license", "DriverLicenseOCRResponse"),
        ("vehicle_license", "VehicleLicenseOCRResponse"),
    ],
)
def test_sdk_models_parse_like_their_bodies(name, model):
    obj = getattr(models, model)()
    obj._deserialize(body(name)["Response"])
    from_model = ocrframe.from_response(obj)
    from_body = ocrframe.from_response(body(name))
    pd.testing.assert_frame_equal(from_model.items, from_body.items)
    pd.testing.assert_frame_equal(from_model.chars, from_body.chars)
    assert from_model.images.loc[0, "session_id"] == from_body.images.loc[0, "session_id"]


def test_all_formats_concatenate_without_dtype_changes():
    legacy = ocrframe.read_json(RESPONSES / "general.json")
    parts = [legacy] + [read(p) for p in sorted(RESPONSES.glob("api3_*.json"))]
    both = ocrframe.concat(parts)
    for name in ("images", "items", "chars"):
        assert dict(getattr(both, name).dtypes) == dict(getattr(legacy, name).dtypes)
    assert both.chars["confidence"].dropna().between(0, 1).all()
