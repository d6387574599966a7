"""Tesseract's TSV keeps its page's structure: a block per paragraph (``block_num``,
``par_num``) with the paragraph row's box, and the rows' order as the reading order, read from
the TSV Tesseract wrote of a two-column page — the same structure as its hOCR of that page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import ocrframe

STRUCTURE = Path(__file__).resolve().parents[1] / "fixtures" / "structure"
TSV = (STRUCTURE / "tesseract_two_columns.tsv").read_text(encoding="utf-8")
HOCR = (STRUCTURE / "tesseract_two_columns.hocr").read_text(encoding="utf-8")


def _rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(TSV), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_each_paragraph_with_words_is_a_block_with_the_paragraph_row_s_box():
    res = ocrframe.from_response(TSV)
    rows = _rows()
    pars = [r for r in rows if r["level"] == "3"]
    worded = {(r["block_num"], r["par_num"]) for r in rows if r["level"] == "5" and r["text"]}
    expected = [r for r in pars if (r["block_num"], r["par_num"]) in worded]
    assert len(res.blocks) == len(expected) == 7
    boxes = [[int(r[k]) for k in ("left", "top", "width", "height")] for r in expected]
    assert res.blocks[["x", "y", "width", "height"]].values.tolist() == boxes
    assert res.blocks["order"].tolist() == list(range(7))
    # every line in the block of its own paragraph, in the table's order
    lines = [r for r in rows if r["level"] == "4"]
    numbering = {(r["block_num"], r["par_num"]): k for k, r in enumerate(expected)}
    assert res.items["block_id"].tolist() == [
        numbering[(r["block_num"], r["par_num"])] for r in lines
    ]
    assert res.items["order"].tolist() == list(range(len(lines)))


def test_tsv_and_hocr_of_one_page_give_the_same_layout():
    tsv, hocr = ocrframe.from_response(TSV), ocrframe.from_response(HOCR)
    columns = ["text", "block_id", "order", "x", "y", "width", "height"]
    assert tsv.items[columns].equals(hocr.items[columns])
    assert tsv.blocks.drop(columns="polygon").equals(hocr.blocks.drop(columns="polygon"))
    assert tsv.text().tolist() == hocr.text().tolist()


def test_the_dataframe_output_keeps_the_layout_too():
    import pandas as pd

    frame = pd.read_csv(io.StringIO(TSV), sep="\t", quoting=csv.QUOTE_NONE)
    res = ocrframe.from_response(frame.to_dict("list"))
    assert res.items["block_id"].tolist() == ocrframe.from_response(TSV).items["block_id"].tolist()


def test_rows_without_blocks_or_paragraphs_give_the_order_and_no_blocks():
    lines_only = "\n".join(
        line for line in TSV.splitlines() if line.split("\t", 1)[0] not in ("2", "3")
    )
    res = ocrframe.from_response(lines_only)
    assert res.blocks.empty and res.items["block_id"].isna().all()
    assert res.items["order"].tolist() == list(range(14))
