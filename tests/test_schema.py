"""The data contract: same columns and dtypes everywhere, concat and parquet keep them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from bundled import every_json, read

import ocrframe
from ocrframe import schema
from ocrframe.reading import jsonl

FILES = every_json()


def every_format() -> list[ocrframe.OcrResult]:
    results = [read(f) for f in FILES]
    results.append(ocrframe.OcrResult.empty())
    return results


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_format_and_empty_have_the_contract_dtypes(table):
    for res in every_format():
        schema.validate(table, getattr(res, table))


def test_formats_cover_all_five_endpoints():
    endpoints = {e for r in every_format() for e in r.images["endpoint"].dropna()}
    assert {"general", "minorlanguage", "idcard", "namecard", "drivinglicence"} <= endpoints


@pytest.mark.parametrize("table", ["images", "items", "chars"])
def test_pd_concat_of_all_formats_keeps_every_dtype(table):
    frames = [getattr(r, table) for r in every_format()]
    joined = pd.concat(frames, ignore_index=True)
    assert dict(joined.dtypes) == dict(frames[0].dtypes) == schema.dtypes(table)


def test_ocrframe_concat_renumbers_ids_and_keeps_raw():
    parts = every_format()
    res = ocrframe.concat(parts)
    assert res.images["image_id"].tolist() == list(range(sum(len(p) for p in parts)))
    assert len(res.raw) == sum(len(p.raw) for p in parts)
    # every image still points at the response it came from, and its items at the image
    expected_raw, expected_text = [], []
    for part in parts:
        expected_raw += [part.raw.texts[k] for k in part.images["response_id"]]
        expected_text += part.items["text"].tolist()
    assert [res.raw.texts[k] for k in res.images["response_id"]] == expected_raw
    assert res.items["text"].tolist() == expected_text
    items_per_image = [n for part in parts for n in part.images["n_items"]]
    assert (
        res.items.groupby("image_id").size().reindex(res.images["image_id"], fill_value=0).tolist()
        == items_per_image
    )
    for table in ("images", "items", "chars"):
        schema.validate(table, getattr(res, table))


def test_parquet_round_trip_is_exact(tmp_path):
    res = ocrframe.concat(every_format())
    back = ocrframe.read_parquet(res.to_parquet(tmp_path / "out"))
    for table in ("images", "items", "chars"):
        pd.testing.assert_frame_equal(getattr(back, table), getattr(res, table))
    assert back.raw.texts == res.raw.texts
    assert [json.loads(t) for t in back.raw.texts] == list(res.raw)


def test_parquet_round_trip_of_an_empty_result(tmp_path):
    empty = ocrframe.OcrResult.empty()
    back = ocrframe.read_parquet(empty.to_parquet(tmp_path / "empty"))
    for table in ("images", "items", "chars"):
        pd.testing.assert_frame_equal(getattr(back, table), getattr(empty, table))
    assert len(back.raw) == 0


def test_to_parquet_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ocrframe.OcrframeError, match="did not write"):
        ocrframe.OcrResult.empty().to_parquet(tmp_path)


def test_read_parquet_names_what_is_missing(tmp_path):
    with pytest.raises(ocrframe.OcrframeError, match="no such ocrframe parquet directory"):
        ocrframe.read_parquet(tmp_path / "nowhere")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "images.parquet").write_bytes(b"")
    with pytest.raises(ocrframe.OcrframeError, match="missing"):
        ocrframe.read_parquet(tmp_path / "half")


def test_select_keeps_tables_and_raw_consistent():
    res = ocrframe.read_json(ocrframe.data_path("responses/idcard_batch_failed.json"))
    sub = res.select([2])
    assert sub.images["source"].tolist() == ["image _3.jpg"]
    assert sub.images["image_id"].tolist() == [0]
    assert sub.images["response_id"].tolist() == [0]
    assert sub.items["image_id"].unique().tolist() == [0]
    assert sub.items["field"].tolist() == ["authority", "valid_date"]
    assert len(sub.raw) == 1 and sub.raw[0] == res.raw[0]
    assert len(sub.chars) == res.chars[res.chars["image_id"] == 2].shape[0]


def test_select_by_mask_and_head():
    res = ocrframe.concat(every_format())
    failed = res.select(~res.images["ok"])
    assert failed.images["code"].tolist() == [-1, 14, -5107]  # api3_error, signature, batch
    assert failed.items.empty
    head = res.head(3)
    assert head.images["image_id"].tolist() == [0, 1, 2]
    assert len(head.raw) == head.images["response_id"].nunique()


def test_select_rejects_unknown_ids_and_wrong_masks():
    res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
    with pytest.raises(ocrframe.OcrframeError, match="no image with id"):
        res.select([5])
    with pytest.raises(ocrframe.OcrframeError, match="boolean mask has 2 values"):
        res.select([True, False])


def test_fields_view_is_wide_per_card_image():
    res = ocrframe.read_json(ocrframe.data_path("responses/idcard_front_url.json"))
    fields = res.fields
    assert list(fields.columns) == [
        "image_id", "source", "name", "sex", "nation", "birth", "address", "id",
    ]  # fmt: skip
    assert fields["name"].tolist() == ["某某", "某某某"]
    assert fields["name"].dtype == schema.STRING


def test_conform_casts_and_validate_rejects():
    df = ocrframe.read_json(ocrframe.data_path("responses/general.json")).items
    loose = df.astype({"x": "float64", "text": object})
    with pytest.raises(ocrframe.OcrframeError, match="wrong dtypes"):
        schema.validate("items", loose)
    schema.validate("items", schema.conform("items", loose))
    with pytest.raises(ocrframe.OcrframeError, match="missing columns"):
        schema.conform("items", df.drop(columns=["x"]))


def test_fields_view_keeps_unknown_labels_and_renames_clashing_keys():
    card = {"result_list": [{"code": 0, "message": "OK", "filename": "a.jpg", "data": [
        {"item": "姓名", "value": "张三", "confidence": 0.9},
        {"item": "微信号", "value": "zhang_3", "confidence": 0.8},  # a label with no key
    ]}]}  # fmt: skip
    fields = ocrframe.from_response(card, endpoint="namecard").fields
    assert fields.loc[0, ["name", "微信号"]].tolist() == ["张三", "zhang_3"]
    idcard = {"result_list": [{"code": 0, "message": "OK", "filename": "b.jpg", "data": {
        "name": "李明", "source": "x", "name_confidence_all": [90, 91],
        "source_confidence_all": [80],
    }}]}  # fmt: skip
    fields = ocrframe.from_response(idcard, endpoint="idcard").fields
    assert list(fields.columns) == ["image_id", "source", "name", "source_field"]
    assert fields.loc[0, ["source", "source_field"]].tolist() == ["b.jpg", "x"]


def _settable_columns(res: ocrframe.OcrResult) -> list[str]:
    """Columns of ``res`` in which setting one cell fails: ``df.loc[row, col] = value``, or
    ``df.at`` for a list column (pandas 2.2's ``loc`` takes an array value for a row of values)."""
    failing = []
    for table in ("images", "items", "chars"):
        df = getattr(res, table)
        for col, spec in schema.columns(table).items():
            if len(df) == 0:
                continue
            setter = df.at if isinstance(spec, schema.ListColumn) else df.loc
            try:
                setter[df.index[0], col] = df[col].iloc[-1]
            except (ValueError, TypeError) as err:
                failing.append(f"{table}.{col}: {err}")
    return failing


def test_users_can_set_values_in_every_column(tmp_path):
    # the vectorised JSONL reader builds columns from Arrow buffers, which are read-only
    local = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))  # with boxes
    data = (json.dumps(local.raw[0], ensure_ascii=False) + "\n").encode() * 3
    fast = jsonl.read(data, "many.jsonl", None)
    assert fast is not None and fast.items["x"].notna().all()
    every = ocrframe.concat(every_format())
    for res in (fast, every, ocrframe.read_parquet(every.to_parquet(tmp_path / "pq"))):
        assert _settable_columns(res) == []


LAYOUT = ocrframe.data_path("responses/general_layout.json")  # a two-column page, with blocks


def test_blocks_and_reading_order_have_the_contract_dtypes_everywhere():
    res = ocrframe.read_json(LAYOUT)
    schema.validate("blocks", res.blocks)
    assert res.blocks["type"].tolist() == ["title", "text", "text"]
    assert res.blocks["order"].tolist() == [0, 1, 2]
    assert res.items["block_id"].tolist() == [0, 1, 1, 1, 2, 2]
    assert res.items["order"].tolist() == list(range(6))
    # a response that says nothing of its layout: NA, and no blocks
    plain = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))
    assert plain.items[["block_id", "order"]].isna().all().all() and plain.blocks.empty


def test_text_reads_lines_in_order_with_blocks_apart():
    res = ocrframe.concat([ocrframe.read_json(LAYOUT), read(FILES[0])])
    text = res.text()
    assert text.index.tolist() == [0, 1] and text.dtype == schema.STRING
    assert text[0] == (
        "Two columns\n\nThe left column\nis read first,\ntop to bottom.\n\n"
        "Then the right\ncolumn follows."
    )
    assert res.text(0) == text[0]
    # order wins over item_id: the same page with its items listed backwards
    shuffled = ocrframe.read_json(LAYOUT)
    items = shuffled.items.iloc[::-1].reset_index(drop=True)
    items["item_id"] = pd.array(range(len(items)), dtype=schema.INT)
    again = ocrframe.OcrResult(shuffled.raw, shuffled.images, items, shuffled.chars)
    assert again.text(0) == text[0]
    # no text: an empty string, not a missing row
    failed = read(ocrframe.data_path("responses/error_signature.json"))
    assert failed.text().tolist() == [""]


def test_blocks_survive_select_concat_and_parquet(tmp_path):
    layout = ocrframe.read_json(LAYOUT)
    both = ocrframe.concat([read(FILES[0]), layout])
    assert both.blocks["image_id"].unique().tolist() == [1]
    assert both.select([1]).blocks["image_id"].unique().tolist() == [0]
    back = ocrframe.read_parquet(both.to_parquet(tmp_path / "out"))
    for table in ("items", "blocks"):
        pd.testing.assert_frame_equal(getattr(back, table), getattr(both, table))
    assert back.text().equals(both.text())


def test_parquet_written_before_blocks_reads_them_na(tmp_path):
    import pyarrow.parquet as pq

    folder = ocrframe.read_json(LAYOUT).to_parquet(tmp_path / "old")
    (folder / "blocks.parquet").unlink()
    items = pq.read_table(folder / "items.parquet")
    pq.write_table(items.drop_columns(["block_id", "order"]), folder / "items.parquet")
    back = ocrframe.read_parquet(folder)
    schema.validate("items", back.items)
    schema.validate("blocks", back.blocks)
    assert back.items[["block_id", "order"]].isna().all().all() and back.blocks.empty
    assert back.text(0).startswith("Two columns\nThe left column")  # item order, one block


def test_text_leaves_the_page_furniture_out_unless_asked():
    res = ocrframe.read_json(LAYOUT)
    blocks = res.blocks.copy()
    blocks.loc[blocks["block_id"] == 2, "type"] = "footer"  # as a layout model may say
    page = ocrframe.OcrResult(res.raw, res.images, res.items, res.chars, res.cells, blocks)
    assert "column follows." not in page.text(0)
    assert page.text(0, furniture=True) == res.text(0)
    assert len(page.items) == len(res.items)  # the rows stay
