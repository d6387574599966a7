"""Bad input gives an ocrframe error that names the format, the JSON path and the file/line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from strategies import fixture

import ocrframe

GENERAL = fixture("general.json")


def general_with(n_items: int) -> dict:
    obj = copy.deepcopy(GENERAL)
    obj["data"]["items"] = [copy.deepcopy(GENERAL["data"]["items"][0]) for _ in range(n_items)]
    return obj


def test_wrong_type_names_the_json_path():
    obj = general_with(4)
    obj["data"]["items"][3]["itemcoord"]["x"] = "oops"
    with pytest.raises(ocrframe.OcrFormatError) as info:
        ocrframe.from_response(obj)
    assert str(info.value) == "general: data.items[3].itemcoord.x: expected int, got 'oops'"
    assert info.value.path == "data.items[3].itemcoord.x" and info.value.format == "general"


def test_missing_key_names_the_json_path():
    obj = general_with(2)
    del obj["data"]["items"][1]["words"][0]["character"]
    with pytest.raises(
        ocrframe.OcrFormatError, match=r"data\.items\[1\]\.words\[0\]\.character: missing key"
    ):
        ocrframe.from_response(obj)


def test_bool_is_not_an_int():
    obj = general_with(1)
    obj["data"]["items"][0]["itemcoord"]["width"] = True
    with pytest.raises(ocrframe.OcrFormatError, match="expected int, got True"):
        ocrframe.from_response(obj)


def test_truncated_json_and_unknown_shape():
    with pytest.raises(ocrframe.OcrFormatError, match="invalid JSON"):
        ocrframe.from_response(json.dumps(GENERAL)[:40])
    with pytest.raises(ocrframe.OcrDetectionError, match=r"no known format.*got \['foo'\]"):
        ocrframe.from_response({"foo": 1})
    with pytest.raises(ocrframe.OcrFormatError, match="expected a response as dict"):
        ocrframe.from_response(42)


def test_unknown_endpoint_lists_the_known_ones():
    with pytest.raises(ocrframe.OcrframeError, match=r"unknown endpoint 'genral'.*general"):
        ocrframe.from_response(GENERAL, endpoint="genral")


def test_jsonl_error_names_file_and_line(tmp_path):
    bad = general_with(1)
    bad["data"]["items"][0]["words"][1]["confidence"] = "high"
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(GENERAL) + "\n\n" + json.dumps(bad) + "\n")
    with pytest.raises(ocrframe.OcrFormatError) as info:
        ocrframe.read_json(path)
    assert str(info.value) == (
        f"{path}:3: general: data.items[0].words[1].confidence: expected number, got 'high'"
    )


def test_truncated_line_in_jsonl(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_text(json.dumps(GENERAL) + "\n" + json.dumps(GENERAL)[:50] + "\n")
    with pytest.raises(ocrframe.OcrFormatError, match=rf"{path}:2: invalid JSON"):
        ocrframe.read_json(path)


GOOD_LINE = json.dumps(GENERAL, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("name", "line", "error"),
    [
        ("latin-1", GOOD_LINE.replace("手".encode(), b"\xe9"), r":2: not UTF-8 text"),
        (
            "latin-1 in a failed response",  # its items make no rows, but its raw text stays
            GOOD_LINE.replace("手".encode(), b"\xe9").replace(b'"code": 0', b'"code": 5'),
            r":2: not UTF-8 text",
        ),
        ("NaN", GOOD_LINE.replace(b"90.9", b"NaN", 1), r":2: general: .*expected number, got nan"),
        ("Infinity", GOOD_LINE.replace(b"90.9", b"Infinity", 1), r":2: .*got inf"),
        ("lone surrogate", GOOD_LINE.replace("手".encode(), b"\\ud83d", 1), r":2: \\ud83d is half"),
    ],
)
def test_jsonl_lines_that_only_look_like_json(tmp_path, name, line, error):
    # the vectorised reader would take these; the careful path names the line and the problem
    path = tmp_path / "odd.jsonl"
    path.write_bytes(GOOD_LINE + b"\n" + line + b"\n")
    with pytest.raises(ocrframe.OcrFormatError, match=error):
        ocrframe.read_json(path)


def test_jsonl_with_a_byte_order_mark_reads_as_without(tmp_path):
    plain, marked = tmp_path / "plain.jsonl", tmp_path / "marked.jsonl"
    plain.write_bytes(GOOD_LINE + b"\n" + GOOD_LINE + b"\n")
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    a, b = ocrframe.read_json(plain), ocrframe.read_json(marked)
    pd.testing.assert_frame_equal(a.items, b.items)
    assert b.raw.texts == a.raw.texts and b.raw[0] == GENERAL


def test_missing_file_and_empty_glob(tmp_path):
    with pytest.raises(ocrframe.OcrframeError, match="no such file"):
        ocrframe.read_json(tmp_path / "none.json")
    with pytest.raises(ocrframe.OcrframeError, match="matches no"):
        ocrframe.read_json(str(tmp_path / "*.jsonl"))


def test_out_of_range_confidence_is_an_error():
    obj = general_with(1)
    obj["data"]["items"][0]["words"][0]["confidence"] = 150
    with pytest.raises(ocrframe.OcrFormatError, match=r"confidence 150\.0 outside"):
        ocrframe.from_response(obj)


def test_scale_contradicting_the_page_is_decided_per_response_and_recorded():
    obj = general_with(1)
    for word, conf in zip(obj["data"]["items"][0]["words"], [0.5, 0.75]):
        word["confidence"] = conf  # a "0-100" endpoint answering on 0-1
    with pytest.warns(ocrframe.OcrScaleWarning, match="read on 0-1"):
        res = ocrframe.from_response(obj)
    assert res.chars["confidence"].tolist() == [0.5, 0.75]
    assert json.loads(res.images.loc[0, "extra"])["confidence_scale"] == 1

    minor = fixture("minorlanguage.json")
    minor["data"]["items"][0]["words"][0]["confidence"] = 95.0
    with pytest.warns(ocrframe.OcrScaleWarning, match="read on 0-100"):
        res = ocrframe.from_response(minor, endpoint="minorlanguage")
    # the whole response is read on 0-100, never value by value
    assert res.chars["confidence"].iloc[:2].tolist() == pytest.approx([0.95, 0.0099997], abs=1e-6)


def test_idcard_mismatched_confidences_keep_every_char_and_are_recorded():
    obj = {"result_list": [{"code": 0, "message": "OK", "filename": "a.jpg", "data": {
        "name": "张三丰", "name_confidence_all": [90, 80],
        "address": "北京市", "address_confidence_all": [70, 71, 72]}}]}  # fmt: skip
    res = ocrframe.from_response(obj)
    name = res.chars[res.chars["item_id"] == 0]
    assert name["char"].tolist() == ["张", "三", "丰"] and name["confidence"].isna().all()
    assert res.chars[res.chars["item_id"] == 1]["confidence_raw"].tolist() == [70, 71, 72]
    extra = json.loads(res.images.loc[0, "extra"])
    assert extra["unaligned"] == [{"field": "name", "chars": 3, "confidences": 2}]


def test_words_that_skip_spaces_align_to_the_text():
    obj = general_with(1)
    obj["data"]["items"][0] = {
        "itemstring": "to be",
        "itemcoord": {"x": 0, "y": 0, "width": 50, "height": 10},
        "words": [{"character": c, "confidence": 90} for c in "tobe"],
    }
    res = ocrframe.from_response(obj)
    assert res.chars["char"].tolist() == list("to be")
    conf = res.chars["confidence"]
    assert conf.isna().tolist() == [False, False, True, False, False]
    extra = json.loads(res.images.loc[0, "extra"])
    assert extra["alignment"] == [{"item_id": 0, "unmatched_words": 0, "no_word": 1}]


def test_unknown_fields_go_to_extra_not_lost():
    obj = copy.deepcopy(GENERAL)
    obj["warning"] = [101]
    obj["data"]["request_id"] = "r-1"
    obj["data"]["items"][0]["itemtype"] = "handwriting"
    extra = json.loads(ocrframe.from_response(obj).images.loc[0, "extra"])
    assert extra == {"warning": [101], "request_id": "r-1", "item_keys": ["itemtype"]}


def test_batch_sources_map_echoed_names_back_to_the_users_inputs():
    obj = fixture("idcard_batch_failed.json")
    mapping = {"image _1.jpg": "/data/a.png", "image _2.jpg": "/data/b.png"}
    res = ocrframe.from_response(obj, source=mapping)
    # names are compared with surrounding whitespace stripped ("image _2.jpg " was echoed)
    assert res.images["source"].tolist() == ["/data/a.png", "/data/b.png", "image _3.jpg"]


def test_ocrframe_records_keep_source_and_endpoint(tmp_path):
    path = tmp_path / "saved.jsonl"
    rec = {"source": "scan-001.png", "endpoint": "general", "engine": "tencent-legacy",
           "response": GENERAL}  # fmt: skip
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n")
    res = ocrframe.read_json(path)
    assert res.images[["source", "engine", "endpoint"]].values.tolist() == [
        ["scan-001.png", "tencent-legacy", "general"]
    ]
    assert res.raw[0] == GENERAL  # the response itself, not the record


def test_json_array_file_and_directory(tmp_path):
    (tmp_path / "two.json").write_text(json.dumps([GENERAL, GENERAL]))
    (tmp_path / "one.jsonl").write_text(json.dumps(GENERAL) + "\n")
    (tmp_path / "notes.txt").write_text("ignored")
    res = ocrframe.read_json(tmp_path)
    assert res.images["source"].tolist() == [
        f"{tmp_path / 'one.jsonl'}:1", f"{tmp_path / 'two.json'}[0]", f"{tmp_path / 'two.json'}[1]",
    ]  # fmt: skip
    assert pd.Series(res.images["response_id"]).tolist() == [0, 1, 2]


@pytest.mark.parametrize("endpoint", ["idcard", "namecard"])
def test_an_answer_of_another_endpoint_is_an_error_not_an_empty_batch(endpoint):
    with pytest.raises(ocrframe.OcrFormatError, match=f"{endpoint}: result_list: missing key"):
        ocrframe.from_response(GENERAL, endpoint=endpoint)
    # while the service's error body is still that request's failed image
    failed = ocrframe.from_response({"code": 14, "message": "签名校验失败"}, endpoint=endpoint)
    assert failed.images[["code", "ok"]].values.tolist() == [[14, False]]


def test_an_empty_path_is_an_error_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps(GENERAL))
    with pytest.raises(ocrframe.OcrframeError, match="empty path"):
        ocrframe.read_json("")
    with pytest.raises(ocrframe.OcrframeError, match="empty path"):
        ocrframe.recognize(["", str(tmp_path / "a.json")], progress=False)


def test_a_records_directory_that_cannot_be_one_fails_before_any_recognition(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    with pytest.raises(ocrframe.OcrframeError, match=f"{blocker}: cannot save records"):
        ocrframe.recognize(ocrframe.samples()[0], save_raw=blocker, progress=False)


def _record_file(tmp_path, **record):
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps({"response": GENERAL, **record}, ensure_ascii=False) + "\n")
    return path


def test_record_fields_are_checked_and_located(tmp_path):
    bad_endpoint = _record_file(tmp_path, source="a.png", endpoint="nosuch")
    with pytest.raises(
        ocrframe.OcrFormatError, match=r"records.jsonl:1: record: endpoint: unknown"
    ):
        ocrframe.read_json(bad_endpoint)
    bad_source = _record_file(tmp_path, source=5, endpoint="general")
    with pytest.raises(
        ocrframe.OcrFormatError, match=r"records.jsonl:1: record: source: expected str"
    ):
        ocrframe.read_json(bad_source)


def test_a_records_own_keys_are_kept_and_a_null_source_is_where_it_was_read(tmp_path):
    path = _record_file(tmp_path, source=None, endpoint="general", saved_at="2026-11-22")
    res = ocrframe.read_json(path)
    assert res.images["source"].tolist() == [f"{path}:1"]
    assert json.loads(res.images.loc[0, "extra"]) == {"record": {"saved_at": "2026-11-22"}}
    assert res.items["text"].tolist() == ["手机"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.select(None), "select takes image ids or a boolean mask"),
        (lambda r: r.select(slice(0, 2)), "select takes image ids or a boolean mask"),
        (lambda r: r.select([1.5]), "image ids are integers"),
        (lambda r: r.select(["a"]), "image ids are integers"),
        (lambda r: r.select(pd.array([True, None] * 2, dtype="boolean")), "missing values"),
        (lambda r: r.head(-1), "head takes a number of images"),
        (lambda r: r.head(None), "head takes a number of images"),
        (lambda r: ocrframe.concat(r), "concat takes a list of OcrResults"),
        (lambda r: ocrframe.concat([r, None]), "also holds \\['NoneType'\\]"),
        (lambda r: ocrframe.read_json(None), "expected paths"),
        (lambda r: ocrframe.recognize(r.images, endpoint="idcard", card_type=True), "card_type"),
        (lambda r: ocrframe.recognize(r, endpoint="idcard", card_type=np.True_), "card_type"),
        (lambda r: ocrframe.recognize(r, endpoint="GeneralAccurateOCR", IsWords=1), "IsWords"),
    ],
)
def test_misuse_of_the_api_is_named(call, message):
    res = ocrframe.concat([ocrframe.from_response(GENERAL)] * 4)
    with pytest.raises(ocrframe.OcrframeError, match=message):
        call(res)


def test_damaged_parquet_files_are_named(tmp_path):
    res = ocrframe.from_response(GENERAL)
    out = res.to_parquet(tmp_path / "res")
    (out / "items.parquet").write_bytes(b"garbage")
    with pytest.raises(ocrframe.OcrframeError, match=r"items.parquet: cannot read it"):
        ocrframe.read_parquet(out)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ocrframe.OcrframeError, match="cannot write the result there"):
        res.to_parquet(blocker / "res")


def test_a_json_file_with_an_empty_array_holds_no_responses(tmp_path):
    (tmp_path / "none.json").write_text("[]")
    (tmp_path / "one.json").write_text(json.dumps(GENERAL))
    res = ocrframe.read_json(tmp_path)
    assert res.images["source"].tolist() == [str(tmp_path / "one.json")]


def test_option_values_are_sent_as_the_pages_own_values():
    from ocrframe.endpoints import endpoint_options

    options = endpoint_options("idcard", {"card_type": np.int64(1)})
    assert options == {"card_type": 1} and type(options["card_type"]) is int
    assert endpoint_options("GeneralAccurateOCR", {"IsWords": np.True_})["IsWords"] is True


def test_unreadable_inputs_get_a_code_and_message_that_say_what_happened(tmp_path):
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(Path(ocrframe.samples()[0]).read_bytes()[:400])
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.png"
    res = ocrframe.recognize([missing, text, truncated, empty], progress=False)
    got = list(zip(res.images["code"], res.images["message"]))
    assert got[0] == (-6, f"no such file: {missing}")
    assert got[1][0] == -1102 and "not an image" in got[1][1]
    assert got[2][0] == -1102 and "damaged" in got[2][1]
    assert got[3][0] == -1300 and "0 bytes" in got[3][1]
    # and the others that a file system can say, by their own code
    from ocrframe.inputs import images

    assert images.file_failure("a.png", PermissionError(13, "Permission denied")).code == -7
    failure = images.file_failure("d.png", IsADirectoryError(21, "Is a directory"))
    assert failure.response() == {
        "code": -8,
        "message": "cannot read the file: d.png (Is a directory)",
    }


def test_dataset_settings_without_a_dataset_are_an_error_not_ignored(tmp_path):
    sample = ocrframe.samples()[0]
    for settings in ({"batch_size": 5}, {"resume": True}, {"retry_failed": True}):
        with pytest.raises(ocrframe.OcrframeError, match="need out=DIR"):
            ocrframe.recognize(sample, **settings)
    for size in (0, -3, 2.5, True):
        with pytest.raises(ocrframe.OcrframeError, match="batch_size is a number of images"):
            ocrframe.recognize(sample, out=tmp_path / "ds", batch_size=size)
