"""Hypothesis strategies: random *valid* responses of every format, and corruptions of them."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from ocrframe.formats.drivinglicence import FIELDS as LICENCE_LABELS
from ocrframe.formats.namecard import LABELS as CARD_LABELS

TEXT_CHARS = st.sampled_from(list("手机社名の由来かっこいいABCxyz0123456789 -/.,，。京沪粤"))
texts = st.text(TEXT_CHARS, min_size=0, max_size=12)
coord = st.integers(0, 5000)
box = st.fixed_dictionaries({"x": coord, "y": coord, "width": coord, "height": coord})


@st.composite
def words_item(draw, scale: float, extensions: bool):
    text = draw(texts)
    conf = st.floats(1.0, 100.0) if scale == 100 else st.floats(0.0, 1.0)
    words = []
    for ch in text:
        word = {"character": ch, "confidence": draw(conf)}
        if extensions and draw(st.booleans()):
            word["wordcoord"] = draw(box)
        words.append(word)
    item = {"itemstring": text, "itemcoord": draw(box), "words": words}
    if extensions and draw(st.booleans()):
        item["itempolygon"] = [{"x": draw(coord), "y": draw(coord)} for _ in range(4)]
    return item


@st.composite
def general(draw, extensions: bool = True):
    data = {"items": draw(st.lists(words_item(100, extensions), max_size=6)), "session_id": "s"}
    if draw(st.integers(0, 9)) == 0:
        failed = {"code": draw(st.sampled_from([-1102, -1300, 3, 15])), "message": "failed"}
        if draw(st.booleans()):  # some services still send the data of a failed image
            failed["data"] = data
        return failed
    if extensions and draw(st.booleans()):
        data["engine"] = {"name": "rapidocr", "version": "1.4.4"}
        data["image_width"] = draw(coord)
        data["image_height"] = draw(coord)
        data["angle"] = draw(st.sampled_from([0.0, 90.0, -1.5]))
        if draw(st.booleans()):  # the local engine's layout: blocks, items in reading order
            n = draw(st.integers(1, 3))
            kinds = st.sampled_from(["text", "title", "table", "sidebar", None])
            data["blocks"] = [{"blocktype": draw(kinds), "blockcoord": draw(box)} for _ in range(n)]
            for item in data["items"]:
                item["block"] = draw(st.integers(0, n - 1))
    return {"code": 0, "message": "OK", "data": data}


@st.composite
def minorlanguage(draw):
    items = draw(st.lists(words_item(1, False), max_size=6))
    # a class names the response as minorlanguage's (an empty one would read as general)
    cls = draw(st.sampled_from([["jap"], ["fre"], ["kor"]]))
    data = {"class": cls, "angle": draw(st.floats(-10, 10)), "items": items, "session_id": "m"}
    return {"code": 0, "message": "OK", "data": data}


@st.composite
def general_real(draw):
    """/ocr/general as the service really answered: class, warnings, confidences on 0-1."""
    items = draw(st.lists(words_item(1, False), max_size=6))
    warned = draw(st.booleans())
    data = {"recognize_warn_msg": ["WARN_COPY"] if warned else [],
            "recognize_warn_code": [-9102] if warned else [], "items": items,
            "session_id": "1252842119-952963242", "angle": draw(st.floats(-5, 5)), "class": []}  # fmt: skip
    return {"code": 0, "message": "OK", "data": data}


@st.composite
def drivinglicence(draw):
    labels = st.sampled_from([*LICENCE_LABELS, "未知字段"])
    items = [
        {"item": draw(labels), "itemstring": draw(texts), "itemconf": draw(st.floats(0, 1)),
         "itemcoord": draw(box)}
        for _ in range(draw(st.integers(1, 8)))
    ]  # fmt: skip
    return {"code": 0, "message": "OK", "data": {"items": items, "session_id": ""}}


def _entry(draw, data, k):
    if draw(st.integers(0, 5)) == 0:
        return {"code": -5107, "message": "not a card", "filename": f"image_{k}.jpg"}
    return {"code": 0, "message": "OK", "filename": f"image_{k}.jpg", "data": data}


@st.composite
def idcard(draw):
    entries = []
    for k in range(draw(st.integers(1, 5))):
        data = {}
        for key in draw(st.sampled_from([("name", "sex", "nation", "birth", "address", "id"),
                                          ("authority", "valid_date")])):  # fmt: skip
            text = draw(texts)
            data[key] = text
            data[key + "_confidence_all"] = [draw(st.integers(0, 100)) for _ in text]
        entries.append(_entry(draw, data, k))
    return {"result_list": entries}


@st.composite
def namecard(draw):
    entries = []
    for k in range(draw(st.integers(1, 5))):
        data = {}
        for key in ("name", "phone", "uin"):
            data[key] = draw(texts)
            data[key + "_confidence"] = draw(st.one_of(st.just(-1), st.floats(0, 1)))
        entries.append(_entry(draw, data, k))
    return {"result_list": entries}


@st.composite
def namecard_items(draw):
    entries = []
    for k in range(draw(st.integers(1, 4))):
        data = [
            {"item": draw(st.sampled_from([*CARD_LABELS, "其他"])), "value": draw(texts),
             "confidence": draw(st.floats(0, 1))}
            for _ in range(draw(st.integers(0, 6)))
        ]  # fmt: skip
        entries.append(_entry(draw, data, k))
    return {"result_list": entries}


@st.composite
def api3_text(draw):
    """A GeneralBasicOCR/GeneralAccurateOCR body: lines, sometimes with Words and their boxes."""
    if draw(st.integers(0, 9)) == 0:
        return {"Response": {"Error": {"Code": "FailedOperation.OcrFailed", "Message": "x"},
                             "RequestId": "e"}}  # fmt: skip
    detections = []
    for _ in range(draw(st.integers(0, 5))):
        text = draw(texts)
        det = {
            "DetectedText": text,
            "Confidence": draw(st.integers(0, 100)),
            "ItemPolygon": {"X": draw(coord), "Y": draw(coord), "Width": draw(coord),
                            "Height": draw(coord)},
            "Polygon": [{"X": draw(coord), "Y": draw(coord)} for _ in range(4)],
            "AdvancedInfo": json.dumps({"Parag": {"ParagNo": draw(st.integers(1, 9))}}),
        }  # fmt: skip
        if draw(st.booleans()):
            det["Words"] = [
                {"Character": ch, "Confidence": draw(st.integers(0, 100))} for ch in text
            ]
            det["WordCoordPoint"] = [
                {"WordCoordinate": [{"X": draw(coord), "Y": draw(coord)} for _ in range(4)]}
                for _ in text
            ]
        detections.append(det)
    angle = {draw(st.sampled_from(["Angle", "Angel"])): draw(st.floats(-10, 10))}
    inner = {"TextDetections": detections, **angle, "RequestId": "r"}
    return {"Response": inner} if draw(st.booleans()) else inner


@st.composite
def api3_card(draw):
    """An IDCardOCR, DriverLicenseOCR, VehicleLicenseOCR or BusinessCardOCR body."""
    kind = draw(st.sampled_from(["id", "driver", "vehicle", "business"]))
    if kind == "vehicle":
        front = {k: draw(texts) for k in ("PlateNo", "VehicleType", "Owner", "Vin")}
        return {"Response": {"FrontInfo": front, "BackInfo": None, "RecognizeWarnCode": [],
                             "RecognizeWarnMsg": [], "RequestId": "c"}}  # fmt: skip
    if kind == "business":
        infos = [{"Name": draw(st.sampled_from(["姓名", "手机", "公司", "未知"])), "Value": draw(texts),
                  "ItemCoord": {"X": draw(coord), "Y": draw(coord), "Width": draw(coord),
                                "Height": draw(coord)}}
                 for _ in range(draw(st.integers(0, 4)))]  # fmt: skip
        return {"Response": {"BusinessCardInfos": infos, "RequestId": "c"}}
    if kind == "id":
        fields = {k: draw(texts) for k in ("Name", "Sex", "Nation", "Birth", "Address", "IdNum")}
        fields["AdvancedInfo"] = json.dumps(
            {"WarnInfos": draw(st.lists(st.integers(-9110, -9100), max_size=3))}
        )
    else:
        fields = {k: draw(texts) for k in ("Name", "CardCode", "DateOfFirstIssue", "Class")}
        fields["RecognizeWarnCode"] = draw(st.lists(st.integers(-9110, -9100), max_size=3))
        fields["RecognizeWarnMsg"] = ["WARN"] * len(fields["RecognizeWarnCode"])
    return {"Response": {**fields, "RequestId": "c"}}


quad = st.lists(st.tuples(coord, coord).map(list), min_size=4, max_size=4)
scores = st.floats(0.0, 1.0)


@st.composite
def rapidocr(draw):
    """RapidOCR / EasyOCR lines: [[box, text, score], ...]."""
    return [[draw(quad), draw(texts), draw(scores)] for _ in range(draw(st.integers(0, 5)))]


@st.composite
def paddleocr3(draw):
    n = draw(st.integers(0, 5))
    return {"res": {"input_path": "p.png", "rec_texts": [draw(texts) for _ in range(n)],
                    "rec_scores": [draw(scores) for _ in range(n)],
                    "rec_polys": [draw(quad) for _ in range(n)]}}  # fmt: skip


@st.composite
def tesseract_dict(draw):
    """pytesseract image_to_data(output_type=Output.DICT) with a line row before its words."""
    cols = {c: [] for c in ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                            "left", "top", "width", "height", "conf", "text")}  # fmt: skip

    def row(level, line, word, conf, text):
        for c, v in zip(cols, (level, 1, 1, 1, line, word, draw(coord), draw(coord), draw(coord),
                               draw(coord), conf, text)):  # fmt: skip
            cols[c].append(v)

    for line in range(1, draw(st.integers(1, 4)) + 1):
        row(4, line, 0, -1, "")
        for word in range(1, draw(st.integers(0, 4)) + 1):
            row(
                5,
                line,
                word,
                draw(st.floats(0, 100)),
                draw(st.text(TEXT_CHARS.filter(str.strip), min_size=1, max_size=6)),
            )
    return cols


@st.composite
def doctr(draw):
    rel = st.floats(0.0, 1.0)

    def geometry():
        return [[draw(rel), draw(rel)], [draw(rel), draw(rel)]]

    lines = [
        {"geometry": geometry(), "words": [
            {"value": draw(st.text(TEXT_CHARS.filter(str.strip), min_size=1, max_size=6)),
             "confidence": draw(scores), "geometry": geometry()}
            for _ in range(draw(st.integers(1, 3)))]}
        for _ in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    return {"pages": [{"page_idx": 0, "dimensions": [draw(coord), draw(coord)],
                       "blocks": [{"geometry": geometry(), "lines": lines}]}]}  # fmt: skip


@st.composite
def paddleocr2(draw):
    def page():
        return [[draw(quad), [draw(texts), draw(scores)]] for _ in range(draw(st.integers(1, 4)))]

    return [page() for _ in range(draw(st.integers(1, 2)))]


@st.composite
def easyocr_dict(draw):
    return [{"boxes": draw(quad), "text": draw(texts), "confident": draw(scores)}
            for _ in range(draw(st.integers(1, 4)))]  # fmt: skip


WORDS = st.text(TEXT_CHARS.filter(str.strip), min_size=1, max_size=6)


@st.composite
def textract(draw):
    blocks = [{"BlockType": "PAGE", "Id": "p", "Page": 1}]
    for k in range(draw(st.integers(0, 4))):
        words = [draw(WORDS) for _ in range(draw(st.integers(1, 3)))]
        ids = [f"w{k}-{j}" for j in range(len(words))]
        blocks.append({"BlockType": "LINE", "Id": f"l{k}", "Page": 1, "Text": " ".join(words),
                       "Confidence": draw(st.floats(0, 100)),
                       "Relationships": [{"Type": "CHILD", "Ids": ids}]})  # fmt: skip
        blocks += [{"BlockType": "WORD", "Id": i, "Page": 1, "Text": w,
                    "Confidence": draw(st.floats(0, 100))} for i, w in zip(ids, words)]  # fmt: skip
    return {"Blocks": blocks}


@st.composite
def cloud_vision(draw):
    words = []
    for _ in range(draw(st.integers(1, 5))):
        symbols = [{"text": ch, "confidence": draw(scores),
                    "boundingBox": {"vertices": [{"x": draw(coord), "y": draw(coord)} for _ in range(4)]}}
                   for ch in draw(WORDS)]  # fmt: skip
        symbols[-1]["property"] = {
            "detectedBreak": {"type": draw(st.sampled_from(["SPACE", "LINE_BREAK"]))}
        }
        words.append({"symbols": symbols})
    page = {"width": 100, "height": 100, "blocks": [{"paragraphs": [{"words": words}]}]}
    return {"fullTextAnnotation": {"pages": [page], "text": ""}}


@st.composite
def tesseract_tsv(draw):
    cols = draw(tesseract_dict())
    rows = ["\t".join(cols)] + [
        "\t".join(str(cols[c][k]) for c in cols) for k in range(len(cols["level"]))
    ]
    return "\n".join(rows) + "\n"


@st.composite
def hocr(draw):
    """Tesseract hOCR with character boxes: lines of words of symbols."""
    lines = []
    for k in range(draw(st.integers(0, 3))):
        words = []
        for j in range(draw(st.integers(1, 3))):
            cinfo = "".join(
                f"<span class='ocrx_cinfo' title='x_bboxes 1 2 3 4; x_conf {draw(st.floats(0, 100)):.2f}'>"
                f"{ch}</span>"
                for ch in draw(st.text(st.sampled_from(list("abcXYZ0123")), min_size=1, max_size=4))
            )
            words.append(
                f"<span class='ocrx_word' id='w{k}_{j}' title='bbox 1 2 3 4; x_wconf 90'>{cinfo}</span>"
            )
        lines.append(
            f"<span class='ocr_line' id='l{k}' title='bbox 0 {k * 20} 100 {k * 20 + 18}'>{''.join(words)}</span>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            "<body><div class='ocr_page' title='bbox 0 0 100 100'>" + "".join(lines) + "</div></body></html>")  # fmt: skip


FORMATS = {
    "general": general(),
    "minorlanguage": minorlanguage(),
    "drivinglicence": drivinglicence(),
    "idcard": idcard(),
    "namecard": namecard(),
    "namecard_v2": namecard_items(),
    "api3_text": api3_text(),
    "api3_card": api3_card(),
    "rapidocr": rapidocr(),
    "paddleocr3": paddleocr3(),
    "tesseract_dict": tesseract_dict(),
    "doctr": doctr(),
    "paddleocr2": paddleocr2(),
    "easyocr_dict": easyocr_dict(),
    "textract": textract(),
    "cloud_vision": cloud_vision(),
    "tesseract_tsv": tesseract_tsv(),
    "hocr": hocr(),
}


# The CJK characters of TEXT_CHARS: engines split them into words that the text does not
# separate, so no space goes between two of them. Listed by hand so that the expected text
# does not come from the code under test.
CJK_CHARS = frozenset("手机社名の由来かっこい，。京沪粤")


def _joined(words: list[str]) -> str:
    """A line's text from its words: a space between words unless both sides are CJK."""
    text = ""
    for word in filter(None, words):
        if text and not (text[-1] in CJK_CHARS and word[0] in CJK_CHARS):
            text += " "
        text += word
    return text


def count_items(name: str, obj) -> tuple[int, int]:
    """(items, characters) a valid response of format ``name`` must give."""
    if name == "rapidocr":
        return len(obj), sum(len(line[1]) for line in obj)
    if name == "paddleocr3":
        texts = obj["res"]["rec_texts"]
        return len(texts), sum(len(t) for t in texts)
    if name == "tesseract_dict":
        lines: dict[int, list[str]] = {}
        for level, line, text in zip(obj["level"], obj["line_num"], obj["text"]):
            if level == 5 and text.strip():
                lines.setdefault(line, []).append(text.strip())
        return len(lines), sum(len(_joined(w)) for w in lines.values())
    if name == "paddleocr2":
        lines = [line for page in obj for line in page]
        return len(lines), sum(len(line[1][0]) for line in lines)
    if name == "easyocr_dict":
        return len(obj), sum(len(x["text"]) for x in obj)
    if name == "textract":
        words = {b["Id"]: b["Text"] for b in obj["Blocks"] if b["BlockType"] == "WORD"}
        lines = [[words[i] for i in b["Relationships"][0]["Ids"]] for b in obj["Blocks"]
                 if b["BlockType"] == "LINE"]  # fmt: skip
        return len(lines), sum(len(_joined(w)) for w in lines)
    if name == "cloud_vision":
        text, lines = "", 0
        for word in obj["fullTextAnnotation"]["pages"][0]["blocks"][0]["paragraphs"][0]["words"]:
            for sym in word["symbols"]:
                text += sym["text"]
                brk = sym.get("property", {}).get("detectedBreak", {}).get("type")
                if brk == "SPACE":
                    text += " "
                elif brk == "LINE_BREAK":
                    text += "\n"
        found = [ln.rstrip(" ") for ln in text.split("\n") if ln]
        return len(found), sum(len(ln) for ln in found)
    if name == "tesseract_tsv":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(obj), delimiter="\t", quoting=csv.QUOTE_NONE))
        cols = {c: [r[k] for r in rows[1:]] for k, c in enumerate(rows[0])}
        cols["level"] = [int(v) for v in cols["level"]]
        cols["line_num"] = [int(v) for v in cols["line_num"]]
        return count_items("tesseract_dict", cols)
    if name == "hocr":
        import re

        found = []
        for line in re.findall(
            r"<span class='ocr_line'.*?</span></span></span>|<span class='ocr_line'[^>]*></span>",
            obj,
        ):
            words = ["".join(re.findall(r"x_conf [0-9.]+'>(.)</span>", w))
                     for w in re.findall(r"<span class='ocrx_word'.*?</span></span>", line)]  # fmt: skip
            if words:
                found.append(" ".join(words))
        return len(found), sum(len(t) for t in found)
    if name == "doctr":
        found = [ln for b in obj["pages"][0]["blocks"] for ln in b["lines"]]
        return len(found), sum(len(_joined([w["value"] for w in ln["words"]])) for ln in found)
    if "result_list" in obj:
        items = chars = 0
        for e in obj["result_list"]:
            if e["code"] != 0:
                continue
            data = e["data"]
            if isinstance(data, list):
                values = [d["value"] for d in data]
            else:
                values = [v for k, v in data.items() if not k.endswith(("_confidence", "_all"))]
            items += len(values)
            chars += sum(len(v) for v in values)
        return items, chars
    if "Response" in obj or "TextDetections" in obj:
        inner = obj.get("Response", obj)
        if "Error" in inner:
            return 0, 0
        if "TextDetections" in inner:
            values = [d["DetectedText"] for d in inner["TextDetections"]]
        elif "BusinessCardInfos" in inner:
            values = [i["Value"] for i in inner["BusinessCardInfos"]]
        elif "FrontInfo" in inner:
            values = [v for v in inner["FrontInfo"].values() if v]
        else:
            values = [v for k, v in inner.items() if k not in ("RequestId", "AdvancedInfo")
                      and isinstance(v, str) and v]  # fmt: skip
        return len(values), sum(len(v) for v in values)
    if obj.get("code", 0) != 0:
        return 0, 0
    its = obj["data"]["items"]
    return len(its), sum(len(i["itemstring"]) for i in its)


# -- corruption -------------------------------------------------------------------------
WRONG = st.sampled_from(["oops", None, True, 3.5, -7, [], {}, [1, "a"], {"x": 1}])


def paths(obj, prefix=()):
    """Every path to a value inside ``obj``."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, (*prefix, i))


@st.composite
def corrupted(draw, fmt):
    """A response of ``fmt`` with one value replaced, one key deleted, or its JSON truncated."""
    obj = draw(FORMATS[fmt])
    kind = draw(st.sampled_from(["replace", "delete", "truncate"]))
    if kind == "truncate":
        text = json.dumps(obj, ensure_ascii=False)
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    all_paths = [p for p in paths(obj) if p]
    if not all_paths:
        return json.dumps(draw(WRONG))
    path = draw(st.sampled_from(all_paths))
    parent = obj
    for step in path[:-1]:
        parent = parent[step]
    if kind == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(WRONG)
    return obj


def fixture(name: str) -> dict:
    """A bundled response file (``ocrframe/data/responses/NAME``) as a dict."""
    from pathlib import Path

    import ocrframe

    return json.loads(Path(ocrframe.data_path("responses"), name).read_text(encoding="utf-8"))
