"""The local engine's answer carries the tables it read (``data.tables``): they fill ``cells`` in
the order given, saved answers read back the same through JSON and JSONL, and a table that does
not fit its answer is an error naming where."""

from __future__ import annotations

import json

import pytest

import ocrframe
from ocrframe.errors import OcrFormatError


def answer(tables: list[dict]) -> dict:
    item = {"itemstring": "a", "itemcoord": {"x": 0, "y": 0, "width": 9, "height": 9},
            "words": [{"character": "a", "confidence": 90.0}], "block": 0}  # fmt: skip
    return {
        "code": 0,
        "message": "OK",
        "data": {
            "angle": 0.0,
            "items": [item],
            "blocks": [
                {"blocktype": "table", "blockcoord": {"x": 0, "y": 0, "width": 9, "height": 9}}
            ],
            "tables": tables,
            "session_id": "s",
            "engine": {"name": "rapidocr", "version": "x"},
        },
    }


def cell(row, col, text, **more) -> dict:
    return {"row": row, "col": col, "text": text, "confidence": 80.0,
            "cellcoord": {"x": col * 10, "y": row * 10, "width": 10, "height": 10}, **more}  # fmt: skip


TWO = [
    {"block": 0, "cells": [cell(0, 0, "Name", type="header", colspan=2), cell(1, 0, "a"),
                           cell(1, 1, "")]},
    {"cells": [cell(0, 0, "second")]},
]  # fmt: skip


def test_the_answer_s_tables_fill_cells_in_its_order(tmp_path):
    res = ocrframe.from_response(answer(TWO), endpoint="general")
    cells = res.cells
    assert cells["table_id"].tolist() == [0, 0, 0, 1]
    assert cells[["row", "col", "row_span", "col_span"]].values.tolist()[0] == [0, 0, 1, 2]
    assert cells["kind"].iloc[0] == "header" and cells["kind"].iloc[1:].isna().all()
    assert cells["confidence"].astype(float).round(2).tolist() == [0.8] * 4  # 0-100 scale
    assert cells[["x", "y", "width", "height"]].values.tolist()[1] == [0, 10, 10, 10]
    tables = res.tables()
    assert tables[0].values.tolist() == [["Name", "Name"], ["a", ""]]
    assert tables[1].values.tolist() == [["second"]]
    # saved and read back, one answer per file or per JSONL line, the cells stay
    (tmp_path / "one.json").write_text(json.dumps(answer(TWO)))
    (tmp_path / "many.jsonl").write_text(
        json.dumps(answer(TWO)) + "\n" + json.dumps(answer([])) + "\n"
    )
    for name in ("one.json", "many.jsonl"):
        again = ocrframe.read_json(tmp_path / name, endpoint="general")
        assert again.cells[cells.columns.drop("image_id")].equals(
            cells[cells.columns.drop("image_id")]
        )


@pytest.mark.parametrize(
    ("tables", "where", "what"),
    [
        ([{"block": 3, "cells": []}], "data.tables[0]", "block 3: data.blocks has 1"),
        ([{"cells": [cell(-1, 0, "x")]}], "data.tables[0].cells[0]", "not a cell"),
        ([{"cells": [cell(0, 0, "x", rowspan=0)]}], "data.tables[0].cells[0]", "not a cell"),
        ([{"cells": [{"col": 0, "text": "x"}]}], "data.tables[0].cells[0].row", "missing key"),
        ([{"cells": [cell(0, 0, "x", colour="red")]}], "data.tables[0].cells[0]", "colour"),
        ([{"cells": [cell(0, 0, "x", confidence=180)]}], "confidence", "outside 0-100"),
    ],
)
def test_a_table_that_does_not_fit_its_answer_is_an_error_naming_where(tables, where, what):
    with pytest.raises(OcrFormatError) as caught:
        ocrframe.from_response(answer(tables), endpoint="general")
    assert where in str(caught.value) and what in str(caught.value)
