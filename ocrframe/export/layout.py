"""A result's pages as the OCR file formats see them: pages of lines of words of glyphs.

Every writer (hOCR, ALTO, PAGE, the searchable PDF, Label Studio, text) works from this one
view, so they agree on what a word is (the characters between spaces; a line of Chinese without
spaces is one word), where it is (the union of its characters' boxes, else its line's box), how
sure (its line's confidence when it is the line's only word, else its characters' mean,
else its line's) and what a page's size is (the image's,
else the extent of its boxes, for results read from saved responses with no picture at hand).
A page also has its layout blocks (``blocks``), and :func:`regions` groups its lines into them
in reading order, as the layout formats write them.

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
    block_id: int | None = None  # the layout block it is in (``items.block_id``)
    order: int | None = None  # its place in the page's reading order (``items.order``)

    def corners(self) -> list[tuple[int, int]]:
        """The line's outline: its polygon, else its box's corners."""
        if self.polygon:
            return self.polygon
        x, y, w, h = self.box  # a line without a box has no outline: callers skip it
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


@dataclass
class LayoutBlock:
    """One layout block of a page (a ``blocks`` row)."""

    block_id: int
    kind: str
    order: int | None
    box: Box | None
    polygon: list[tuple[int, int]] | None
    confidence: float | None

    def corners(self, lines: list[TextLine]) -> list[tuple[int, int]] | None:
        """The block's outline: its polygon, else its box's corners, else those of the box
        around ``lines`` (its lines); ``None`` when none of them is known."""
        if self.polygon:
            return self.polygon
        box = self.box or union([line.box for line in lines if line.box is not None])
        if box is None:
            return None
        x, y, w, h = box
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


@dataclass
class Region:
    """What a layout format writes as one block: a layout block (``None`` for a line that
    belongs to none, or a page without blocks) and its placed lines, in reading order."""

    block: LayoutBlock | None
    lines: list[TextLine]


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
    blocks: list[LayoutBlock] = field(default_factory=list)  # by block_id


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
    block_ids = _ints(items["block_id"]) if "block_id" in items else [None] * len(items)
    orders = _ints(items["order"]) if "order" in items else [None] * len(items)
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
                item_conf[k], fields[k], labels[k], block_ids[k], orders[k],
            )
        )  # fmt: skip
    blocks = _layout_blocks(getattr(result, "blocks", None))
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
                blocks.get(image_id, []),
            )
        )  # fmt: skip
    return out


def _layout_blocks(frame: pd.DataFrame | None) -> dict[int, list[LayoutBlock]]:
    """image_id -> its layout blocks, by block_id."""
    if frame is None or frame.empty:
        return {}
    boxes = _boxes(frame)
    out: dict[int, list[LayoutBlock]] = {}
    for image_id, block_id, kind, order, box, polygon, conf in zip(
        _ints(frame["image_id"]), _ints(frame["block_id"]), frame["type"].tolist(),
        _ints(frame["order"]), boxes, frame["polygon"].tolist(), _floats(frame["confidence"]),
    ):  # fmt: skip
        corners = None
        if polygon is not None and len(polygon) >= 6:
            flat = [int(v) for v in polygon]
            corners = list(zip(flat[0::2], flat[1::2]))
        kind = _value(kind) or "text"
        out.setdefault(image_id, []).append(
            LayoutBlock(block_id, str(kind), order, box, corners, conf)
        )
    for found in out.values():
        found.sort(key=lambda b: b.block_id)
    return out


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """``lines`` in reading order: by ``order`` where the result says it, else by item_id
    (as :meth:`ocrframe.OcrResult.text` reads them)."""
    return sorted(lines, key=lambda line: (_place(line), line.item_id))


def _place(line: TextLine) -> int:
    return line.order if line.order is not None else line.item_id


def regions(page: PageLayout) -> list[Region]:
    """The page's placed lines grouped as the layout formats write them, in reading order.

    Without blocks, each line is a region of its own (what the writers always wrote). With
    them: each block (blocks in their ``order``, those without one after, by block_id) with
    its lines in reading order, and a line that belongs to no block a region of its own,
    right after the region of the line read before it. A block whose lines are not read one
    after another is written where its first line is read: its lines stay together.
    """
    lines = reading_order([line for line in page.lines if line.box is not None])
    if not page.blocks:
        return [Region(None, [line]) for line in lines]
    known = {b.block_id: b for b in page.blocks}
    held: dict[int, list[TextLine]] = {}
    for line in lines:
        if line.block_id in known:
            held.setdefault(line.block_id, []).append(line)
    ordered = sorted(
        page.blocks, key=lambda b: (b.order is None, b.order if b.order is not None else 0,
                                    b.block_id)
    )  # fmt: skip
    out = [Region(b, held.get(b.block_id, [])) for b in ordered]
    at = {b.block_id: k for k, b in enumerate(ordered)}
    strays: dict[int, list[Region]] = {}  # index of the region they follow (-1: the start)
    last = -1
    for line in lines:
        if line.block_id in known:
            last = at[line.block_id]
        else:
            strays.setdefault(last, []).append(Region(None, [line]))
    merged = strays.get(-1, [])
    for k, region in enumerate(out):
        merged += [region, *strays.get(k, [])]
    return merged


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
