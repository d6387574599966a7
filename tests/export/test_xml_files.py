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
from ocrframe import analysis

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
}


@pytest.fixture(params=["samples", *RESPONSE_CASES])
def result(request) -> ocrframe.OcrResult:
    if request.param == "samples":
        return request.getfixturevalue("samples_result")
    return RESPONSE_CASES[request.param]()


def _placed(res: ocrframe.OcrResult):
    """Per image (in order), its items that have a box, with their characters."""
    out = []
    for image_id in res.images["image_id"]:
        items = res.items[(res.items["image_id"] == image_id) & res.items["x"].notna()]
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
        items = result.items[result.items["image_id"] == image_id]
        assert path.read_text(encoding="utf-8").splitlines() == items["text"].tolist()


def test_items_without_a_box_are_left_out_of_layout_formats_with_a_warning(tmp_path):
    card = _response("namecard_items.json")
    with pytest.warns(ocrframe.OcrExportWarning, match="no box"):
        (path,) = card.to_page_xml(tmp_path)
    assert ocrframe.read_xml(path).items.empty
    (text,) = card.to_text(tmp_path / "text")  # the text has them all
    assert text.read_text(encoding="utf-8").splitlines() == card.items["text"].tolist()


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
