"""hOCR keeps its page's structure: a block per ``ocr_par`` (per ``ocr_carea`` where there is
no paragraph), tables and pictures, and the document's order as the reading order, read from
the hOCR Tesseract wrote of a two-column page (``tests/fixtures/structure``)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import ocrframe
from ocrframe.formats import hocr

STRUCTURE = Path(__file__).resolve().parents[1] / "fixtures" / "structure"
HOCR = (STRUCTURE / "tesseract_two_columns.hocr").read_text(encoding="utf-8")

#: the lines of the page, by the paragraph Tesseract put them in (its reading order)
PARAGRAPHS = [
    ["Reading in Columns"],
    ["The left column starts here and", "runs down the page line by line",
     "until it reaches its end, where", "the reader turns to the right."],
    ["A second paragraph follows in", "the same column after a gap."],
    ["Page 7"],
    ["The right column is read only", "after the left one is finished,"],
    ["even though its lines sit level", "with those of the left column."],
    ["Its last paragraph closes the", "page at the bottom right."],
]  # fmt: skip


def _bboxes(text: str, kind: str) -> list[list[int]]:
    """The ``bbox`` of every element of class ``kind``, as x, y, width, height."""
    out = []
    for x0, y0, x1, y1 in re.findall(rf"class='{kind}'[^>]*?bbox (\d+) (\d+) (\d+) (\d+)", text):
        out.append([int(x0), int(y0), int(x1) - int(x0), int(y1) - int(y0)])
    return out


def text_count(text: str, kind: str) -> int:
    return len(re.findall(rf"class='{kind}'", text))


def test_tesseract_hocr_gives_a_block_per_paragraph_in_reading_order():
    res = ocrframe.from_response(HOCR)
    items, blocks = res.items, res.blocks
    assert items["text"].tolist() == [line for par in PARAGRAPHS for line in par]
    assert items["block_id"].tolist() == [k for k, par in enumerate(PARAGRAPHS) for _ in par]
    assert items["order"].tolist() == list(range(len(items)))
    # the file's 7 paragraphs (two of them share the right column's area) with their boxes
    assert text_count(HOCR, "ocr_par") == len(PARAGRAPHS) == len(blocks)
    assert blocks[["x", "y", "width", "height"]].values.tolist() == _bboxes(HOCR, "ocr_par")
    assert blocks["order"].tolist() == list(range(len(PARAGRAPHS)))
    assert set(blocks["type"]) == {"text"} and blocks["confidence"].isna().all()
    assert blocks["block_id"].tolist() == list(range(len(PARAGRAPHS)))


def test_the_page_text_reads_the_left_column_before_the_right_paragraph_by_paragraph():
    page = ocrframe.from_response(HOCR).text().iloc[0]
    assert page == "\n\n".join("\n".join(par) for par in PARAGRAPHS)
    assert page.index("the reader turns to the right.") < page.index("The right column")


def test_without_paragraphs_each_content_area_is_a_block():
    areas_only = re.sub(r"</?p\b[^>]*>", "", HOCR)
    res = ocrframe.from_response(areas_only)
    assert len(res.blocks) == text_count(HOCR, "ocr_carea") == 6
    # the right column's two paragraphs are one area
    assert res.items["block_id"].tolist() == [0, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 4, 5, 5]
    assert res.blocks[["x", "y", "width", "height"]].values.tolist() == _bboxes(HOCR, "ocr_carea")


def test_headings_captions_tables_and_pictures_are_told_apart():
    page = (
        "<html><body><div class='ocr_page' title='bbox 0 0 400 300'>"
        "<div class='ocr_carea' title='bbox 0 0 200 20'><p class='ocr_par'>"
        "<span class='ocr_header' title='bbox 0 0 200 20'>Title</span></p></div>"
        "<div class='ocr_photo' title='bbox 0 30 200 100'></div>"
        "<div class='ocr_carea' title='bbox 0 110 200 130'><p class='ocr_par'>"
        "<span class='ocr_caption' title='bbox 0 110 200 130'>A picture</span></p></div>"
        "<div class='ocr_table' title='bbox 0 140 300 200'><p class='ocr_par'>"
        "<span class='ocr_line' title='bbox 0 140 100 160'>a b</span>"
        "<span class='ocr_line' title='bbox 0 170 100 190'>c d</span></p></div>"
        "<span class='ocr_line' title='bbox 0 210 90 230'>loose</span>"
        "</div></body></html>"
    )
    parsed = hocr.parse(page)[0]
    assert [b.kind for b in parsed.blocks] == ["title", "figure", "caption", "table"]
    assert parsed.line_blocks == [0, 2, 3, 3, None]  # a line in no block has none
    res = ocrframe.from_response(page)
    assert res.blocks["type"].tolist() == ["title", "figure", "caption", "table"]
    assert res.blocks[["x", "y", "width", "height"]].values.tolist()[1] == [0, 30, 200, 70]
    assert pd.isna(res.items["block_id"].iloc[-1]) and res.items["order"].tolist() == [
        0,
        1,
        2,
        3,
        4,
    ]


def test_the_bundled_tesseract_page_is_one_block():
    res = ocrframe.read_xml(ocrframe.data_path("responses/tesseract.hocr"))
    assert res.blocks[["block_id", "type", "order"]].values.tolist() == [[0, "text", 0]]
    assert res.items[["block_id", "order"]].values.tolist() == [[0, 0]]
