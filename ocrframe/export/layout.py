"""A result's pages as the OCR file formats see them: pages of lines of words of glyphs.

Every writer (hOCR, ALTO, PAGE, the searchable PDF, Label Studio, text) works from this one
view, so they agree on what a word is (the characters between spaces; a line of Chinese without
spaces is one word), where it is (the union of its characters' boxes, else its line's box), how
sure (its line's confidence when it is the line's only word, else its characters' mean,
else its line's) and what a page's size is (the image's,
else the extent of its boxes, for results read from saved responses with no picture at hand).

>>> import ocrframe
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))
>>> page = pages(res)[0]
>>> (page.width, page.height), [w.text for w in page.lines[0].words], page.lines[0].words[0].box
((320, 120), ['Hi', '你'], (10, 20, 32, 30))
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass
class Glyph:
    text: str
    confidence: float | None
    box: Box | None


@dataclass
class Word:
    text: str
    glyphs: list[Glyph]
    box: Box | None
    confidence: float | None


@dataclass
class TextLine:
    item_id: int
    text: str
    words: list[Word]
    box: Box | None
    polygon: list[tuple[int, int]] | None
    confidence: float | None
    field: str | None = None
    label: str | None = None

    def corners(self) -> list[tuple[int, int]]:
        """The line's outline: its polygon, else its box's corners."""
        if self.polygon:
            return self.polygon
        x, y, w, h = self.box  # a line without a box has no outline: callers skip it
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


@dataclass
class PageLayout:
    image_id: int
    source: str | None
    page: int | None
    width: int
    height: int
    size_from_boxes: bool  # the image's size was not known: the extent of its boxes
    lines: list[TextLine] = field(default_factory=list)
    unplaced: int = 0  # items with no box (card fields): not in the formats that need one
    angle: float | None = None
    confidence: float | None = None
    dpi: int | None = None  # the resolution a PDF page was rendered at


def _value(v):
    return None if v is None or (not isinstance(v, str | list | np.ndarray) and pd.isna(v)) else v


def union(boxes: list[Box]) -> Box | None:
    """The box that holds ``boxes`` (None for none)."""
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _words(glyphs: list[Glyph], line_confidence: float | None) -> list[Word]:
    """Glyphs cut at spaces into words."""
    words: list[list[Glyph]] = [[]]
    for glyph in glyphs:
        if glyph.text.isspace():
            if words[-1]:
                words.append([])
        else:
            words[-1].append(glyph)
    words = [w for w in words if w]
    out = []
    for word in words:
        confs = [g.confidence for g in word if g.confidence is not None]
        boxes = [g.box for g in word if g.box is not None]
        # a line of one word is that word: the line's own confidence, which formats with
        # no line confidence (hOCR, ALTO) then carry exactly
        alone = len(words) == 1 and line_confidence is not None
        out.append(
            Word(
                "".join(g.text for g in word),
                word,
                union(boxes) if len(boxes) == len(word) else None,
                line_confidence if alone or not confs else _mean(confs),
            )
        )
    return out


def _ints(series: pd.Series) -> list[int | None]:
    values = series.to_numpy(dtype=np.int64, na_value=-(2**62))
    return [None if v == -(2**62) else int(v) for v in values]


def _floats(series: pd.Series) -> list[float | None]:
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return [None if v != v else float(v) for v in values]


def _boxes(frame: pd.DataFrame) -> list[Box | None]:
    columns = [_ints(frame[c]) for c in ("x", "y", "width", "height")]
    return [None if None in box else box for box in zip(*columns)]


def pages(result) -> list[PageLayout]:
    """One :class:`PageLayout` per image of ``result`` (failed images too: empty pages).

    Columns are taken out of the frames once, as Python lists: the tables' rows are in order
    (an image's items together, an item's characters together), so each item's characters
    are a slice."""
    items, chars = result.items, result.chars
    char_text = chars["char"].tolist()
    char_conf = _floats(chars["confidence"])
    char_box = _boxes(chars)
    item_image = _ints(items["image_id"])
    item_ids = _ints(items["item_id"])
    item_text = items["text"].tolist()
    item_conf = _floats(items["confidence"])
    item_box = _boxes(items)
    fields = [_value(v) for v in items["field"].tolist()]
    labels = [_value(v) for v in items["label"].tolist()]
    polygons = items["polygon"].tolist()
    ends = np.cumsum(items["n_chars"].to_numpy(dtype=np.int64))
    by_image: dict[int, list[TextLine]] = {}
    unplaced: Counter = Counter()
    for k, image_id in enumerate(item_image):
        start = int(ends[k - 1]) if k else 0
        glyphs = [
            Glyph(char_text[i], char_conf[i], char_box[i]) for i in range(start, int(ends[k]))
        ]
        box, polygon = item_box[k], polygons[k]
        corners = None
        if polygon is not None and len(polygon) >= 6:
            flat = [int(v) for v in polygon]
            corners = list(zip(flat[0::2], flat[1::2]))
            if box is None:
                xs, ys = flat[0::2], flat[1::2]
                box = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        if box is None:
            unplaced[image_id] += 1
        by_image.setdefault(image_id, []).append(
            TextLine(
                item_ids[k], str(item_text[k]), _words(glyphs, item_conf[k]), box, corners,
                item_conf[k], fields[k], labels[k],
            )
        )  # fmt: skip
    out = []
    for img in result.images.itertuples():
        image_id = int(img.image_id)
        lines = by_image.get(image_id, [])
        width, height = _value(img.image_width), _value(img.image_height)
        from_boxes = width is None or height is None
        if from_boxes:
            extent = union([line.box for line in lines if line.box is not None])
            width = (extent[0] + extent[2]) if extent else 1
            height = (extent[1] + extent[3]) if extent else 1
        confidence = _value(img.mean_confidence)
        out.append(
            PageLayout(
                image_id, _value(img.source), _value(img.page), int(width), int(height), from_boxes,
                lines, unplaced[image_id], _value(img.angle),
                None if confidence is None else float(confidence), _value(img.dpi),
            )
        )  # fmt: skip
    return out


_UNSAFE = re.compile(r"[^\w.\-]+")


def file_names(result, suffix: str) -> dict[int, str]:
    """image_id -> the file name of its page: the source's file name with ``suffix``; the
    image_id first where sources repeat (pages of a document), are missing or are URLs.

    >>> import ocrframe
    >>> res = ocrframe.read_json(ocrframe.data_path("responses/textract_2pages.json"))
    >>> file_names(res, ".xml")
    {0: '0000-textract_2pages.xml', 1: '0001-textract_2pages.xml'}
    """
    sources = [_value(s) for s in result.images["source"]]
    counts = Counter(sources)
    out = {}
    for image_id, source in zip(result.images["image_id"], sources):
        stem = None
        if source is not None and "://" not in source and not source.startswith("<"):
            stem = os.path.splitext(os.path.basename(source))[0]
        stem = _UNSAFE.sub("_", stem).strip("._") if stem else ""
        unique = stem and counts[source] == 1 and "://" not in (source or "")
        name = stem if unique else f"{int(image_id):04d}" + (f"-{stem}" if stem else "")
        out[int(image_id)] = name + suffix
    taken = Counter(out.values())  # two sources with one file name: keep both
    return {k: (v if taken[v] == 1 else f"{k:04d}-{v}") for k, v in out.items()}


def page_number(page: PageLayout) -> int:
    """The page's number within its document, 1 for a single image."""
    return int(page.page) if page.page is not None else 1


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value
