"""Textract keeps its page's structure: the ``LAYOUT_*`` blocks of AnalyzeDocument's LAYOUT
feature are blocks, their ``CHILD`` lines their items, and the response's order of layout
blocks is the reading order — read from a response Textract sent (the textractor project's
saved one, ``tests/fixtures/structure``) and from small ones made here for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import ocrframe

STRUCTURE = Path(__file__).resolve().parents[1] / "fixtures" / "structure"
RESPONSE = json.loads((STRUCTURE / "textract_layout_reading_order.json").read_text("utf-8"))
SIZE = (1700, 2200)


def test_layout_blocks_hold_their_lines_in_reading_order():
    res = ocrframe.from_response(RESPONSE, image_size=SIZE)
    layout = [b for b in RESPONSE["Blocks"] if b["BlockType"].startswith("LAYOUT_")]
    assert res.blocks[["block_id", "type", "order"]].values.tolist() == [
        [0, "text", 0],
        [1, "table", 1],
    ]
    confidences = [b["Confidence"] / 100 for b in layout]
    assert res.blocks["confidence"].tolist() == pytest.approx(confidences)
    for block, row in zip(layout, res.blocks.itertuples()):
        box = block["Geometry"]["BoundingBox"]
        assert (row.x, row.y) == (round(box["Left"] * SIZE[0]), round(box["Top"] * SIZE[1]))
        assert len(row.polygon) == 2 * len(block["Geometry"]["Polygon"])
    # each line in the layout block that lists it, in the order the blocks list them
    children = {i: k for k, b in enumerate(layout) for i in b["Relationships"][0]["Ids"]}
    lines = [b for b in RESPONSE["Blocks"] if b["BlockType"] == "LINE"]
    assert res.items["block_id"].tolist() == [children[b["Id"]] for b in lines] == [0] + [1] * 14
    assert res.items["order"].tolist() == list(range(15))
    assert (
        res.text()
        .iloc[0]
        .startswith("This is a sample test for the word ordering in Textract.\n\nAre those\n")
    )


def test_without_a_page_size_the_blocks_have_no_box():
    res = ocrframe.from_response(RESPONSE)
    assert len(res.blocks) == 2 and res.blocks["x"].isna().all()
    assert res.blocks["polygon"].isna().all()


def _block(kind: str, ident: str, top: float, children=(), text=None) -> dict:
    block = {
        "BlockType": kind,
        "Id": ident,
        "Confidence": 90.0,
        "Geometry": {"BoundingBox": {"Left": 0.1, "Top": top, "Width": 0.5, "Height": 0.02}},
    }
    if children:
        block["Relationships"] = [{"Type": "CHILD", "Ids": list(children)}]
    if text is not None:
        block["Text"] = text
    return block  # fmt: skip


def test_a_list_s_items_are_the_list_and_page_numbers_go_by_their_place():
    blocks = [
        {"BlockType": "PAGE", "Id": "page"},
        _block("LINE", "l1", 0.02, text="3"),
        _block("LINE", "l2", 0.3, text="- one"),
        _block("LINE", "l3", 0.33, text="- two"),
        _block("LINE", "l4", 0.96, text="4"),
        _block("LINE", "l5", 0.5, text="stray"),
        _block("LAYOUT_PAGE_NUMBER", "n1", 0.02, ["l1"]),
        _block("LAYOUT_TEXT", "t1", 0.3, ["l2"]),
        _block("LAYOUT_TEXT", "t2", 0.33, ["l3"]),
        _block("LAYOUT_LIST", "list", 0.3, ["t1", "t2"]),
        _block("LAYOUT_PAGE_NUMBER", "n2", 0.96, ["l4"]),
        _block("LAYOUT_SECTION_HEADER", "h", 0.1),
    ]
    res = ocrframe.from_response({"Blocks": blocks})
    assert res.blocks[["block_id", "type", "order"]].values.tolist() == [
        [0, "header", 0], [1, "list", 1], [2, "footer", 2], [3, "title", 3],
    ]  # fmt: skip
    got = [
        [None if pd.isna(v) else v for v in row] for row in res.items[["block_id", "order"]].values
    ]
    assert got == [[0, 0], [1, 1], [1, 2], [2, 3], [None, None]]  # a line in no block has none
