"""ocrframe -> hOCR / ALTO / PAGE XML -> ocrframe keeps what each format can carry: every
placed item's text and box (and PAGE its polygon), word and line confidences to the format's
precision, character boxes and confidences where the format has them; the other writers
(text, searchable PDF, Label Studio) say what they hold. Third-party consumers check the same
files in tests/test_third_party.py."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest
from bundled import RESPONSES

import ocrframe
from ocrframe import analysis, schema

FORMATS = ("hocr", "alto", "page_xml")
#: how far a confidence written by each format comes back (hOCR writes word confidences as
#: whole percents, character ones with two decimals; ALTO and PAGE four decimals)
WORD_PRECISION = {"hocr": 0.005, "alto": 5e-5, "page_xml": 5e-5}
CHAR_PRECISION = 5e-5


def _response(name: str, image_size=None) -> ocrframe.OcrResult:
    text = (RESPONSES / name).read_text(encoding="utf-8")
    return ocrframe.from_response(text, image_size=image_size, source=name)


RESPONSE_CASES = {
    "api3 accurate": lambda: _response("api3_general_accurate.json"),
    "api3 basic": lambda: _response("api3_general_basic.json"),
    "api3 table": lambda: _response("api3_table.json"),
    "textract": lambda: _response("textract.json", image_size=(1000, 800)),
    "textract 2 pages": lambda: _response("textract_2pages.json", image_size=(1240, 1754)),
    "textract forms": lambda: _response("textract_analyze_document.json", image_size=(850, 1100)),
    "doctr": lambda: _response("doctr.json"),
    "doctr 2 pages": lambda: _response("doctr_2pages.json"),
    "layout": lambda: _response("general_layout.json"),
}


@pytest.fixture(params=["samples", *RESPONSE_CASES])
def result(request) -> ocrframe.OcrResult:
    if request.param == "samples":
        return request.getfixturevalue("samples_result")
    return RESPONSE_CASES[request.param]()


def _reading(items: pd.DataFrame) -> pd.DataFrame:
    """``items`` in reading order: by ``order`` where known, else item_id (as written)."""
    place = items["order"].fillna(items["item_id"]).to_numpy(dtype=np.int64)
    return items.iloc[np.lexsort((items["item_id"].to_numpy(dtype=np.int64), place))]


def _placed(res: ocrframe.OcrResult):
    """Per image (in order), its items that have a box, with their characters, in reading
    order (the order the layout formats write them in)."""
    out = []
    for image_id in res.images["image_id"]:
        items = _reading(res.items[(res.items["image_id"] == image_id) & res.items["x"].notna()])
        chars = res.chars[res.chars["image_id"] == image_id]
        out.append([(item, chars[chars["item_id"] == item.item_id]) for item in items.itertuples()])
    return out


def _expected_confidence(item, chars, fmt: str) -> float | None:
    """What a format can say of an item's confidence: PAGE its line's own; hOCR and ALTO have
    no line confidence: a one-word line's is its word's, else the mean of its words' (a word's
    the mean of its characters')."""
    own = _number(item.confidence)
    words = str(item.text).split()
    if fmt == "page_xml" or len(words) <= 1 or len(chars) != len(item.text):
        return own
    means, current = [], []
    for ch, c in zip(chars["char"], chars["confidence"]):
        if ch.isspace():
            means += [np.mean(current)] if current else []
            current = []
        elif _number(c) is not None:
            current.append(_number(c))
    means += [np.mean(current)] if current else []
    return float(np.mean(means)) if means else own


def _number(value) -> float | None:
    return None if value is pd.NA or value is None or value != value else float(value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_text_boxes_and_confidences(result, fmt, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ocrframe.OcrExportWarning)  # card fields have no box
        paths = getattr(result, f"to_{fmt}")(tmp_path)
    assert len(paths) == len(result.images)
    back = ocrframe.read_xml(paths)
    assert set(back.images["endpoint"]) == {fmt}
    assert back.images["image_width"].tolist() == [
        w if w is not pd.NA else back.images["image_width"][k]
        for k, w in enumerate(result.images["image_width"])
    ]
    for k, (want, got) in enumerate(zip(_placed(result), _placed(back))):
        assert [i.text for i, _ in got] == [i.text for i, _ in want], f"image {k}"
        for (a, a_chars), (b, b_chars) in zip(want, got):
            where = f"image {k} item {a.text!r}"
            for side in ("x", "y", "width", "height"):
                assert abs(getattr(a, side) - getattr(b, side)) <= 1, where
            expected = _expected_confidence(a, a_chars, fmt)
            if expected is None:
                assert _number(b.confidence) is None, where
            else:
                assert abs(_number(b.confidence) - expected) <= WORD_PRECISION[fmt] + 1e-6, where
            if fmt == "page_xml" and a.polygon is not None:
                assert list(b.polygon) == list(a.polygon), where
            _same_characters(a_chars, b_chars, where)


def _same_characters(want, got, where: str) -> None:
    """Characters that had a box come back with it and with their confidence."""
    if len(want) != len(got):
        return  # an item whose characters are not one per letter: only the text is compared
    for a, b in zip(want.itertuples(), got.itertuples()):
        if a.char.isspace() or a.x is pd.NA:
            continue
        assert b.char == a.char, where
        assert (b.x, b.y, b.width, b.height) == (a.x, a.y, a.width, a.height), where
        if _number(a.confidence) is not None:
            # float32 values on a written 4-decimal boundary (0.99995) differ by a hair more
            assert abs(_number(b.confidence) - _number(a.confidence)) <= CHAR_PRECISION + 1e-6, (
                where
            )


def test_formats_are_detected_and_tesseract_still_reads_hocr(samples_result, tmp_path):
    for fmt in FORMATS:
        (path,) = getattr(samples_result.select([0]), f"to_{fmt}")(tmp_path / fmt)
        text = path.read_text(encoding="utf-8")
        assert ocrframe.from_response(text).images["endpoint"].tolist() == [fmt]
    hocr = (RESPONSES / "tesseract.hocr").read_text(encoding="utf-8")
    as_tesseract = ocrframe.from_response(hocr, endpoint="tesseract")
    assert as_tesseract.images["endpoint"].tolist() == ["tesseract"]
    assert (
        as_tesseract.items["text"].tolist() == ocrframe.from_response(hocr).items["text"].tolist()
    )


def test_file_names_follow_the_sources(samples_result, tmp_path):
    paths = samples_result.to_alto(tmp_path / "alto")
    stems = [p.stem for p in paths]
    assert stems == [
        s.rsplit("/", 1)[-1].rsplit(".", 1)[0] for s in samples_result.images["source"]
    ]
    two = _response("textract_2pages.json", image_size=(1240, 1754))
    pages = two.to_page_xml(tmp_path / "page")
    assert [p.name for p in pages] == ["0000-textract_2pages.xml", "0001-textract_2pages.xml"]


def test_text_files_hold_every_item_in_reading_order(result, tmp_path):
    paths = result.to_text(tmp_path)
    for path, image_id in zip(paths, result.images["image_id"]):
        items = _reading(result.items[result.items["image_id"] == image_id])
        assert path.read_text(encoding="utf-8").splitlines() == items["text"].tolist()


def test_items_without_a_box_are_left_out_of_layout_formats_with_a_warning(tmp_path):
    card = _response("namecard_items.json")
    with pytest.warns(ocrframe.OcrExportWarning, match="no box"):
        (path,) = card.to_page_xml(tmp_path)
    assert ocrframe.read_xml(path).items.empty
    (text,) = card.to_text(tmp_path / "text")  # the text has them all
    assert text.read_text(encoding="utf-8").splitlines() == card.items["text"].tolist()


# -- layout: blocks and reading order --------------------------------------------------------------

#: what each format keeps of a block's type (hOCR: tables and pictures, the rest is text)
KEEPS_TYPE = {"hocr": {"table", "figure"}, "alto": set(schema.BLOCK_TYPES),
              "page_xml": set(schema.BLOCK_TYPES)}  # fmt: skip


def _layout(res: ocrframe.OcrResult, image_id: int = 0):
    """An image's lines in reading order as (text, block_id, order), and its blocks by
    block_id as (type, order, box)."""
    items = _reading(res.items[res.items["image_id"] == image_id])
    lines = [
        (t, None if pd.isna(b) else int(b), None if pd.isna(o) else int(o))
        for t, b, o in zip(items["text"], items["block_id"], items["order"])
    ]
    blocks = res.blocks[res.blocks["image_id"] == image_id].sort_values("block_id")
    found = {
        int(b.block_id): (b.type, None if pd.isna(b.order) else int(b.order),
                          (b.x, b.y, b.width, b.height))
        for b in blocks.itertuples()
    }  # fmt: skip
    return lines, found


def _written_and_read(res: ocrframe.OcrResult, fmt: str, tmp_path) -> ocrframe.OcrResult:
    return ocrframe.read_xml(getattr(res, f"to_{fmt}")(tmp_path / fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_blocks_reading_order_and_the_types_the_format_can_say(fmt, tmp_path):
    res = ocrframe.read_json(ocrframe.data_path("responses/general_layout.json"))  # two columns
    back = _written_and_read(res, fmt, tmp_path)
    (want_lines, want_blocks), (lines, blocks) = _layout(res), _layout(back)
    assert lines == want_lines  # text, block and place in the reading order of every line
    assert [(o, box) for _, o, box in blocks.values()] == [
        (o, box) for _, o, box in want_blocks.values()
    ]
    assert [t for t, _, _ in blocks.values()] == [
        t if t in KEEPS_TYPE[fmt] else "text" for t, _, _ in want_blocks.values()
    ]
    assert back.text().tolist() == res.text().tolist()


def _renumbered() -> ocrframe.OcrResult:
    """The two-column page with its blocks numbered out of reading order, read right column
    first, of other types (a list, a caption, confidences), and a picture and a table without
    lines (the table of no known place in the reading order)."""
    res = ocrframe.read_json(ocrframe.data_path("responses/general_layout.json"))
    items, blocks = res.items.copy(), res.blocks.copy()
    number = {0: 2, 1: 0, 2: 1}  # title, left, right -> 2, 0, 1
    items["block_id"] = pd.array([number[int(b)] for b in items["block_id"]], dtype=schema.INT)
    items["order"] = pd.array([0, 3, 4, 5, 1, 2], dtype=schema.INT)
    rows = {c: blocks[c].tolist() for c in blocks.columns}
    rows["block_id"] = [number[int(b)] for b in rows["block_id"]]
    rows["order"] = [0, 2, 1]
    rows["type"] = ["title", "list", "caption"]
    rows["confidence"] = [0.5, 0.75, None]
    for name, values in (("image_id", [0, 0]), ("block_id", [3, 4]), ("type", ["figure", "table"]),
                         ("order", [3, None]), ("x", [40, 400]), ("y", [170, 150]),
                         ("width", [100, 100]), ("height", [25, 40]), ("polygon", [None, None]),
                         ("confidence", [0.9, None])):  # fmt: skip
        rows[name] = rows[name] + values
    frame = schema.frame("blocks", rows).sort_values("block_id", ignore_index=True)
    return ocrframe.OcrResult(res.raw, res.images, items, res.chars, res.cells, frame)


def test_page_xml_keeps_block_numbers_types_confidences_and_blocks_without_lines(tmp_path):
    res = _renumbered()
    back = _written_and_read(res, "page_xml", tmp_path)
    assert _layout(back) == _layout(res)
    confidences = back.blocks["confidence"].to_numpy(dtype=float, na_value=np.nan)
    assert confidences.tolist() == pytest.approx([0.75, np.nan, 0.5, 0.9, np.nan], nan_ok=True)
    assert back.text().tolist() == res.text().tolist()


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_hocr_and_alto_keep_the_reading_order_and_which_lines_share_a_block(fmt, tmp_path):
    """They have no reading order but the document's: the blocks come back numbered in
    reading order; a table without lines is not written, a picture is."""
    res = _renumbered()
    back = _written_and_read(res, fmt, tmp_path)
    (want_lines, want_blocks), (lines, blocks) = _layout(res), _layout(back)
    assert [(t, o) for t, _, o in lines] == [(t, o) for t, _, o in want_lines]
    placed = [b for b, (_, order, _) in want_blocks.items() if order is not None]
    renumber = {b: k for k, b in enumerate(sorted(placed, key=lambda b: want_blocks[b][1]))}
    assert [b for _, b, _ in lines] == [renumber[b] for _, b, _ in want_lines]
    assert list(blocks) == sorted(renumber.values())  # not the table
    for old, new in renumber.items():
        kind, _, box = want_blocks[old]
        assert blocks[new] == (kind if kind in KEEPS_TYPE[fmt] else "text", new, box)
    assert back.blocks["confidence"].isna().all()


def test_a_result_without_blocks_is_written_a_region_per_line(tmp_path):
    res = _response("api3_general_accurate.json")
    assert res.blocks.empty
    for fmt in FORMATS:
        back = _written_and_read(res, fmt, tmp_path)
        n = len(back.items)
        assert back.items["text"].tolist() == res.items["text"].tolist(), fmt
        assert back.items["block_id"].tolist() == list(range(n)), fmt
        assert back.items["order"].tolist() == list(range(n)), fmt
        assert set(back.blocks["type"]) == {"text"}, fmt
    (page,) = (tmp_path / "page_xml").iterdir()
    assert "ReadingOrder" not in page.read_text("utf-8")  # as it was written before blocks


# -- the searchable PDF ---------------------------------------------------------------------------


def _iou(a, b) -> float:
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    w = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    h = max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = w * h
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union else 0.0


def _pdf_words(page, scale: float):
    """Each word of a PDF page's text layer with its box in image pixels (top-left origin):
    the union of its characters' loose boxes, as a viewer's selection covers them."""
    text = page.get_textpage()
    height = page.get_height()
    words, current, box = [], "", None
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch.isspace() or not ch:
            if current:
                words.append((current, box))
            current, box = "", None
            continue
        left, bottom, right, top = text.get_charbox(i, loose=True)
        rect = (left / scale, (height - top) / scale, right / scale, (height - bottom) / scale)
        box = rect if box is None else (
            min(box[0], rect[0]), min(box[1], rect[1]), max(box[2], rect[2]), max(box[3], rect[3])
        )  # fmt: skip
        current += ch
    if current:
        words.append((current, box))
    return words


def test_searchable_pdf_text_is_the_recognised_text_on_its_boxes(samples_result, tmp_path):
    path = samples_result.to_pdf(tmp_path / "samples.pdf")
    pdf = pdfium.PdfDocument(path)
    assert len(pdf) == len(samples_result.images)
    ious = []
    for page, image in zip(pdf, samples_result.images.itertuples()):
        items = samples_result.items[samples_result.items["image_id"] == image.image_id]
        text = page.get_textpage().get_text_range().replace("\r\n", "\n")
        assert text.split() == " ".join(items["text"]).split(), image.source
        scale = page.get_width() / image.image_width  # points per pixel
        words = iter(_pdf_words(page, scale))
        for item in items.itertuples():
            chars = samples_result.chars[
                (samples_result.chars["image_id"] == image.image_id)
                & (samples_result.chars["item_id"] == item.item_id)
            ]
            for word_text, word_box in _expected_words(item, chars):
                got_text, got_box = next(words)
                assert got_text == word_text, image.source
                ious.append(_iou(got_box, word_box))
    assert min(ious) >= 0.8, f"worst word IoU {min(ious):.2f}"


def _expected_words(item, chars):
    """(text, box as x0, y0, x1, y1) of each word of an item: its characters' boxes' union,
    else the item's box."""
    words, current = [], []
    rows = list(chars.itertuples()) if len(chars) == len(item.text) else []
    for ch in rows:
        if ch.char.isspace():
            words.append(current) if current else None
            current = []
        else:
            current.append(ch)
    words.append(current) if current else None
    if not rows:
        x, y, w, h = item.x, item.y, item.width, item.height
        return [(t, (x, y, x + w, y + h)) for t in str(item.text).split()]
    out = []
    for word in words:
        if any(c.x is pd.NA for c in word):
            x, y, w, h = item.x, item.y, item.width, item.height
            box = (x, y, x + w, y + h)
        else:
            box = (
                min(c.x for c in word), min(c.y for c in word),
                max(c.x + c.width for c in word), max(c.y + c.height for c in word),
            )  # fmt: skip
        out.append(("".join(c.char for c in word), box))
    return out


def test_pdf_of_saved_responses_uses_blank_pages_of_the_boxes_extent(tmp_path):
    res = _response("doctr.json")
    res.images["image_width"] = pd.NA
    res.images["image_height"] = pd.NA
    with pytest.warns(ocrframe.OcrExportWarning, match="blank"):
        path = res.to_pdf(tmp_path / "doctr.pdf")
    pdf = pdfium.PdfDocument(path)
    text = pdf[0].get_textpage().get_text_range()
    assert text.split() == " ".join(res.items["text"]).split()
    right = int((res.items["x"] + res.items["width"]).max())
    bottom = int((res.items["y"] + res.items["height"]).max())
    points = 72 / 150  # a picture's pixel at the layout's 150 dpi
    assert pdf[0].get_size() == pytest.approx((right * points, bottom * points))


# -- Label Studio ---------------------------------------------------------------------------------


def test_label_studio_tasks_carry_regions_text_and_scores(samples_result, tmp_path):
    path = samples_result.to_label_studio(tmp_path / "tasks.json")
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert len(tasks) == len(samples_result.images)
    first = tasks[0]
    (prediction,) = first["predictions"]
    texts = [r for r in prediction["result"] if r["type"] == "textarea"]
    items = samples_result.items[samples_result.items["image_id"] == 0]
    assert [r["value"]["text"] for r in texts] == [[t] for t in items["text"]]
    scores = [r["score"] for r in texts]
    assert scores == pytest.approx(items["confidence"].astype(float).tolist(), abs=1e-6)
    assert prediction["score"] == pytest.approx(float(items["confidence"].mean()), abs=1e-6)


def _export_with_corrections(tasks: list[dict], corrected: dict[int, str]) -> list[dict]:
    """What Label Studio exports after a reviewer accepted the predictions of every task and
    typed over two regions of the first: the predictions become annotations."""
    out = []
    for k, task in enumerate(tasks):
        result = json.loads(json.dumps(task["predictions"][0]["result"]))
        if k == 0:
            texts = [r for r in result if r["type"] == "textarea"]
            for index, text in corrected.items():
                texts[index]["value"]["text"] = [text]
        out.append(
            {
                "id": k + 1,
                "data": task["data"],
                "annotations": [{"id": 100 + k, "result": result, "was_cancelled": False}],
                "predictions": task["predictions"],
            }
        )
    return out


def test_a_label_studio_export_is_ground_truth(samples_result, tmp_path):
    tasks = json.loads(samples_result.to_label_studio(tmp_path / "t.json").read_text("utf-8"))
    items = samples_result.items[samples_result.items["image_id"] == 0]
    # the reviewer accepts everything: truth == prediction, no error
    same = analysis.read_truth(_export_with_corrections(tasks, {}))
    assert analysis.evaluate(samples_result, same).images["cer"].max() == 0
    first, second = items["text"].iloc[0], items["text"].iloc[1]
    assert len(second) >= 2
    fixed = {0: first + "XY", 1: second[:-1]}  # two insertions and one deletion: three edits
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_export_with_corrections(tasks, fixed)), encoding="utf-8")
    truth = analysis.read_truth(export)
    assert len(truth[truth["source"] == samples_result.images["source"][0]]) == len(items)
    scores = analysis.evaluate(samples_result, truth).images
    changed = scores[scores["cer"] > 0]
    assert changed["source"].tolist() == [samples_result.images["source"][0]]
    lines = [first + "XY", second[:-1], *items["text"].iloc[2:]]
    expected = 3 / sum(len(analysis.normalize(t)) for t in lines)
    assert changed["cer"].iloc[0] == pytest.approx(expected)
