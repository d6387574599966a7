"""Responses as real services and engines send them: the shapes their documentation leaves out.

The fixtures (``data/responses``) were written from the vendors' references; what each service
itself would print (Vision's ``text``, Textract's LINE blocks, hOCR's chosen words) is the
expected text, written in the fixture or in ``tests/fixtures/*.expected.json``.
"""

from __future__ import annotations

import copy
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from bundled import RESPONSES, every_json, read
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import FORMATS, paths

import ocrframe

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = ("images", "items", "chars", "cells")


def expected(name: str) -> dict:
    return json.loads((EXPECTED / name).read_text(encoding="utf-8"))


def vision_texts(obj: dict) -> list[list[str]]:
    """Per image, the lines of Vision's own ``fullTextAnnotation.text``."""
    out = []
    for response in obj["responses"]:
        annotation = response.get("fullTextAnnotation") or {}
        out.append([line for line in annotation.get("text", "").split("\n") if line])
    return out


@pytest.mark.parametrize("name", ["cloud_vision_node_nulls.json", "cloud_vision_files_batch.json"])
def test_vision_lines_are_visions_own_text_nulls_read_as_absent(name):
    obj = json.loads((RESPONSES / name).read_text(encoding="utf-8"))
    res = read(RESPONSES / name)
    want = vision_texts(obj)
    got = [res.items.loc[res.items["image_id"] == k, "text"].tolist() for k in range(len(want))]
    assert got == want
    assert res.images["ok"].all() and len(res.images) == len(obj["responses"])


def test_vision_hyphen_break_keeps_the_hyphen_and_ends_the_line():
    res = read(RESPONSES / "cloud_vision_node_nulls.json")
    first = res.items[res.items["image_id"] == 0]["text"].tolist()
    assert first[0] == "Stay at Ini-" and first[1] == "Residence Kyoto."
    assert "Address: 2-25-" in first  # a real hyphen symbol stays too
    hyphen = res.chars[(res.chars["image_id"] == 0) & (res.chars["item_id"] == 0)].iloc[-1]
    assert hyphen["char"] == "-" and pd.isna(hyphen["confidence"]) and pd.isna(hyphen["x"])


def test_a_blank_vision_page_is_an_image_without_items():
    res = read(RESPONSES / "cloud_vision_node_nulls.json")
    blank = res.images.iloc[1]
    assert blank["ok"] and blank["n_items"] == 0


def test_vision_pdf_pages_scale_normalised_vertices_by_the_page_size():
    res = read(RESPONSES / "cloud_vision_files_batch.json")
    assert res.images[["image_width", "image_height"]].values.tolist() == [[612, 792]] * 2
    first = res.items.iloc[0]
    assert (first["x"], first["y"]) == (72, 72)  # 0.117647 x 612 points, 0.0909 x 792


def test_hocr_reads_the_chosen_reading_only_and_the_page_size():
    want = expected("tesseract_alternatives.expected.json")
    text = (RESPONSES / "tesseract_alternatives.hocr").read_text(encoding="utf-8")
    res = ocrframe.from_response(text)
    assert res.items["text"].tolist() == want["lines"]
    assert res.images[["image_width", "image_height"]].values.tolist() == [want["page_size"]]
    assert len(res.chars) == sum(len(line) for line in want["lines"])
    # the engine's own parser is the same reader
    from ocrframe.engines.tesseract import parse_hocr

    assert [line.text for line in parse_hocr(text)] == want["lines"]


def test_hocr_of_several_pages_is_one_image_per_page():
    text = (RESPONSES / "tesseract_alternatives.hocr").read_text(encoding="utf-8")
    start, end = text.index("<div class='ocr_page'"), text.rindex("</div>") + len("</div>")
    page = text[start:end]
    two = text[:start] + page + page.replace("ppageno 0", "ppageno 1") + text[end:]
    res = ocrframe.from_response(two)
    assert len(res.images) == 2 and res.images["n_items"].tolist() == [3, 3]


def test_api3_passport_warnings_reach_warn_codes():
    res = read(RESPONSES / "api3_passport.json")
    assert [list(codes) for codes in res.images["warn_codes"]] == [[-9109]]
    assert res.images["endpoint"].tolist() == ["MLIDPassportOCR"]


def test_the_legacy_general_service_as_it_really_answered():
    with pytest.warns(ocrframe.OcrScaleWarning, match="read on 0-1") as caught:
        res = ocrframe.read_json([RESPONSES / "general_real.json"] * 3)
    assert len(caught) == 1  # one warning per call, not per response
    assert res.images["endpoint"].tolist() == ["general"] * 3
    extra = json.loads(res.images.loc[0, "extra"])
    assert extra["endpoint_guess"] == "general" and extra["confidence_scale"] == 1
    assert list(res.images.loc[0, "warn_codes"]) == [] == list(res.images.loc[0, "warn_messages"])
    assert res.chars["confidence"].between(0.9, 1).all()
    # told the endpoint, it is no guess (the scale still follows the values)
    with pytest.warns(ocrframe.OcrScaleWarning):
        told = ocrframe.read_json(RESPONSES / "general_real.json", endpoint="general")
    assert "endpoint_guess" not in json.loads(told.images.loc[0, "extra"])


def test_a_response_naming_its_language_class_is_minorlanguage():
    obj = json.loads((RESPONSES / "minorlanguage.json").read_text(encoding="utf-8"))
    obj["data"]["class"] = ["jap"]
    assert ocrframe.from_response(obj).images["endpoint"].tolist() == ["minorlanguage"]


def test_textract_forms_queries_checkboxes_and_tables():
    want = expected("textract_analyze_document.expected.json")
    res = read(RESPONSES / "textract_analyze_document.json")
    items = res.items
    lines = items[items["field"].isna()]
    assert lines["text"].tolist() == want["lines"]  # one item per LINE, in the service's order
    forms = items[items["field"].notna() & (items["field"] != "selection")]
    pairs = [{"key": k, "value": v} for k, v in zip(forms["label"], forms["text"])]
    for pair in want["key_values"]:
        assert pair in pairs
    for query in want["queries"]:
        row = forms[forms["label"] == query["query"]].iloc[0]
        assert row["text"] == query["answer"] and row["field"] == query["alias"].lower()
    boxes = items[items["field"] == "selection"]
    got = [
        {"key": None if pd.isna(k) else k, "state": s}
        for k, s in zip(boxes["label"], boxes["text"])
    ]
    assert sorted(got, key=str) == sorted(want["checkboxes"], key=str)
    tables = res.tables()
    assert [t.to_numpy().tolist() for t in tables] == want["tables"]
    assert tables[0].attrs == {"image_id": 0, "table_id": 0, "header_rows": 1}  # COLUMN_HEADER
    merged = res.cells[res.cells["col_span"] > 1]
    assert merged[["row", "col", "row_span", "col_span"]].values.tolist() == [[2, 0, 1, 2]]


def test_tables_of_other_services_read_the_same_way():
    want = [
        ["Item", "Qty", "Amount"],
        ["Widget", "2", "40.00"],
        ["Total due", "Total due", "45.00"],
    ]
    assert read(RESPONSES / "paddlex_table.json").tables()[0].to_numpy().tolist() == want
    tencent = read(RESPONSES / "api3_table.json")
    assert tencent.tables()[0].to_numpy().tolist() == [
        ["项目", "数量", "金额"],
        ["办公用品", "2", "40.00"],
        ["合计", "合计", "45.00"],
    ]
    assert tencent.cells["kind"].tolist()[:4] == ["header", "header", "header", "body"]


def test_tables_named_by_their_header_rows():
    tencent = read(RESPONSES / "api3_table.json")
    (named,) = tencent.tables(header=True)
    assert named.columns.tolist() == ["项目", "数量", "金额"]
    assert named.to_numpy().tolist() == [["办公用品", "2", "40.00"], ["合计", "合计", "45.00"]]
    assert pd.to_numeric(named["金额"]).sum() == 85.0
    assert named.attrs == {"image_id": 0, "table_id": 0, "header_rows": 1}
    # no header cells (PaddleX does not tell): rows and numbered columns, as without header=
    paddlex = read(RESPONSES / "paddlex_table.json")
    pd.testing.assert_frame_equal(paddlex.tables(header=True)[0], paddlex.tables()[0])
    # two header rows, one cell spanning both and one without text: a MultiIndex
    cells = tencent.cells
    cells.loc[cells["row"] == 1, "kind"] = "header"
    cells.loc[(cells["row"] == 0) & (cells["col"] == 0), "row_span"] = 2
    cells.drop(cells[(cells["row"] == 1) & (cells["col"] == 0)].index, inplace=True)
    cells.loc[(cells["row"] == 1) & (cells["col"] == 1), "text"] = ""
    (two,) = tencent.tables(header=True)
    assert two.columns.tolist() == [
        ("项目", "项目"),
        ("数量", "Unnamed: 1_level_1"),
        ("金额", "40.00"),
    ]
    assert two.to_numpy().tolist() == [["合计", "合计", "45.00"]]
    cells["kind"] = "header"  # every row a header: nothing to name from
    assert tencent.tables(header=True)[0].shape == (3, 3)


def test_cells_survive_parquet_and_older_directories_read_with_none(tmp_path):
    res = read(RESPONSES / "textract_analyze_document.json")
    back = ocrframe.read_parquet(res.to_parquet(tmp_path / "new"))
    pd.testing.assert_frame_equal(back.cells, res.cells)
    (tmp_path / "new" / "cells.parquet").unlink()  # as written before cells existed
    old = ocrframe.read_parquet(tmp_path / "new")
    assert old.cells.empty and list(old.cells.dtypes) == list(res.cells.dtypes)
    both = ocrframe.concat([res, res])
    assert len(both.cells) == 2 * len(res.cells) and both.cells["image_id"].max() == 1
    assert both.select([1]).cells["text"].tolist() == res.cells["text"].tolist()


def test_one_damaged_file_does_not_sink_a_folder(tmp_path):
    good = ["general.json", "idcard_front_url.json", "api3_table.json"]
    for name in good:
        shutil.copy(RESPONSES / name, tmp_path)
    (tmp_path / "zz_damaged.json").write_text('{"code": 0, "data": {"items": [{"words": 3}]}}')
    expected_rows = sum(len(ocrframe.read_json(RESPONSES / n).images) for n in good)
    res = ocrframe.read_json(tmp_path, errors="row")
    assert len(res.images) == expected_rows + 1
    failed = res.images[~res.images["ok"]]
    assert failed["source"].tolist() == [str(tmp_path / "zz_damaged.json")]
    assert failed["code"].tolist() == [-9] and "data.items[0]" in failed["message"].iloc[0]
    assert json.loads(failed["extra"].iloc[0])["error"]["path"].startswith("data.items[0]")
    assert res.raw[int(failed["response_id"].iloc[0])]["data"]["items"] == [{"words": 3}]
    with pytest.raises(ocrframe.OcrFormatError, match=r"zz_damaged\.json"):
        ocrframe.read_json(tmp_path)
    with pytest.raises(ocrframe.OcrframeError, match="errors='skip'"):
        ocrframe.read_json(tmp_path, errors="skip")


def test_a_bad_line_of_a_jsonl_file_is_its_own_failed_row(tmp_path):
    good = json.dumps(json.loads((RESPONSES / "general.json").read_text(encoding="utf-8")))
    path = tmp_path / "saved.jsonl"
    path.write_text(f"{good}\n{{not json\n{good}\n")
    res = ocrframe.read_json(path, errors="row")
    assert res.images["code"].tolist() == [0, -9, 0]
    assert res.images["source"].tolist()[1] == f"{path}:2"
    assert "invalid JSON" in res.images["message"].iloc[1]


# -- null means absent, at any depth, in every format -----------------------------------------

JSON_FORMATS = [name for name in FORMATS if name not in ("tesseract_tsv", "hocr")]
BUNDLED = [p for p in every_json()]


def _key_paths(obj) -> list[tuple]:
    """Paths to the values of object keys (not list entries): what a client may write null."""
    out = []
    for path in paths(obj):
        if not path:
            continue
        parent = obj
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict):
            out.append(path)
    return out


@st.composite
def nulled(draw, responses):
    """A valid response with one key's value set to null, and the same with that key removed."""
    obj = draw(responses)
    keys = _key_paths(obj)
    if not keys:
        return obj, obj
    path = draw(st.sampled_from(keys))
    with_null, without = copy.deepcopy(obj), copy.deepcopy(obj)
    for target, action in ((with_null, "null"), (without, "remove")):
        parent = target
        for step in path[:-1]:
            parent = parent[step]
        if action == "null":
            parent[path[-1]] = None
        else:
            del parent[path[-1]]
    return with_null, without


def _outcome(obj, endpoint=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ocrframe.OcrScaleWarning)
        try:
            res = ocrframe.from_response(obj, endpoint=endpoint)
        except ocrframe.OcrFormatError:
            return None
    return res


def _same_as_absent(with_null, without, endpoint=None) -> None:
    absent = _outcome(without, endpoint)
    null = _outcome(with_null, endpoint)
    if absent is None:  # a required value: both are the format's error, never another
        assert null is None
        return
    assert null is not None
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(null, table), getattr(absent, table))


NULL_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_null_reads_like_an_absent_key_in_generated_responses(fmt):
    @NULL_SETTINGS
    @given(nulled(FORMATS[fmt]))
    def check(pair):
        _same_as_absent(*pair)

    check()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_null_reads_like_an_absent_key_in_the_bundled_responses(path):
    from bundled import ENDPOINTS

    obj = json.loads(path.read_text(encoding="utf-8"))

    @NULL_SETTINGS
    @given(nulled(st.just(obj)))
    def check(pair):
        _same_as_absent(*pair, endpoint=ENDPOINTS.get(path.name))

    check()
