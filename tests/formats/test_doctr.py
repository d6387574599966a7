"""docTR keeps its page's structure: each of its blocks is a block (its geometry the box, its
``objectness_score`` the confidence) and the export's order of blocks and lines is the
reading order (the bundled two-page export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ocrframe

PATH = ocrframe.data_path("responses/doctr_2pages.json")


def test_each_doctr_block_is_a_block_with_its_lines_in_export_order():
    export = json.loads(Path(PATH).read_text("utf-8"))
    res = ocrframe.read_json(PATH)
    expected_blocks, expected_lines = [], []
    for image_id, page in enumerate(export["pages"]):
        height, width = page["dimensions"]
        order = 0
        for b, block in enumerate(page["blocks"]):
            (x0, y0), (x1, y1) = block["geometry"]
            box = [round(x0 * width), round(y0 * height)]
            box += [round(x1 * width) - box[0], round(y1 * height) - box[1]]
            expected_blocks.append([image_id, b, "text", b, *box])
            for line in block["lines"]:
                words = " ".join(w["value"] for w in line["words"])
                expected_lines.append([image_id, words, b, order])
                order += 1
    columns = ["image_id", "block_id", "type", "order", "x", "y", "width", "height"]
    assert res.blocks[columns].values.tolist() == expected_blocks
    assert res.items[["image_id", "text", "block_id", "order"]].values.tolist() == expected_lines
    scores = [b["objectness_score"] for p in export["pages"] for b in p["blocks"]]
    assert res.blocks["confidence"].tolist() == pytest.approx(scores)
    assert res.text().tolist() == ["Quarterly report\n\nRevenue rose 12%\nyear-on-year.", "Page 2"]


def test_an_export_without_scores_has_blocks_without_confidence():
    res = ocrframe.read_json(ocrframe.data_path("responses/doctr.json"))
    assert len(res.blocks) == 1 and res.blocks["confidence"].isna().all()
    assert res.items["block_id"].tolist() == [0, 0]
