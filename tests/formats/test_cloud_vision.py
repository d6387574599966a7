"""Cloud Vision keeps its page's structure: each of Vision's blocks is a block (its type, box,
outline and confidence) and the order of blocks, paragraphs and lines is the reading order
(the bundled responses as the Node.js client and a files:annotate batch saved them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ocrframe

RESPONSES = ocrframe.data_path("responses")


def test_each_vision_block_is_a_block_with_its_outline_and_confidence():
    res = ocrframe.read_json(f"{RESPONSES}/cloud_vision_node_nulls.json")
    first = res.blocks[res.blocks["image_id"] == 0]
    assert first[["block_id", "type", "order"]].values.tolist() == [[0, "text", 0], [1, "text", 1]]
    assert first[["x", "y", "width", "height"]].values.tolist() == [
        [0, 20, 296, 92],
        [40, 180, 298, 92],
    ]
    assert list(first["polygon"].iloc[1]) == [40, 180, 338, 180, 338, 272, 40, 272]
    assert first["confidence"].tolist() == pytest.approx([0.98, 0.98])
    items = res.items[res.items["image_id"] == 0]
    assert items[["text", "block_id", "order"]].values.tolist() == [
        ["Stay at Ini-", 0, 0],
        ["Residence Kyoto.", 0, 1],
        ["Address: 2-25-", 1, 2],
        ["3 Shiba, Tokyo", 1, 3],
    ]
    # the blank page has no blocks
    assert (res.blocks["image_id"] == 1).sum() == 0


def test_normalised_vertices_of_a_pdf_page_give_the_block_s_box_in_points():
    res = ocrframe.read_json(f"{RESPONSES}/cloud_vision_files_batch.json")
    assert res.blocks[["image_id", "block_id"]].values.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert res.blocks[["x", "y"]].values.tolist()[0] == [72, 72]  # 0.117647 x 612, 0.0909 x 792
    assert res.items["block_id"].tolist() == [0, 1, 1, 0]


def test_vision_block_types():
    obj = json.loads(Path(RESPONSES, "cloud_vision_node_nulls.json").read_text("utf-8"))
    blocks = obj["responses"][0]["fullTextAnnotation"]["pages"][0]["blocks"]
    blocks[0]["blockType"], blocks[1]["blockType"] = "TABLE", "PICTURE"
    blocks.append({"blockType": "BARCODE", "paragraphs": []})
    res = ocrframe.from_response(obj)
    assert res.blocks.loc[res.blocks["image_id"] == 0, "type"].tolist() == [
        "table",
        "figure",
        "other",
    ]
