"""Build the five endpoints' responses from the lines a local engine found.

Local engines describe what they found as :class:`Line` objects. :func:`words_response` writes
them in the JSON of ``/ocr/general`` and ``/ocr/minorlanguage``, with the confidence scale of
its page (general 0–100, minorlanguage 0–1) and ocrframe's extension fields: ``data.engine``,
``data.image_width`` / ``image_height``, ``data.angle``, ``items[].itempolygon`` and
``words[].wordcoord``, and the page's layout (:mod:`ocrframe.core.reading_order`): the items
in reading order, each with the number of its block (``items[].block``), and ``data.blocks``
(``blocktype``, ``blockcoord``), the blocks in reading order, and where a table was read, its cells
(``data.tables``: per table its ``block`` and ``cells[]{row, col, rowspan, colspan, type, text,
confidence, cellcoord}``, in reading order). :func:`respond` answers any
endpoint: the card endpoints read their fields from the lines (:mod:`ocrframe.cards`) and
answer exactly in the pages' shapes.
For ``idcard`` and ``namecard`` it returns one ``result_list`` entry (without ``filename``,
which the caller knows).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import cards
from ..core import codes
from ..core.geometry import Char, Line, bbox
from ..core.reading_order import Layout, layout, straightened_layout
from ..inputs.images import Loaded, encode_png
from .base import Engine
from .upright import box_back, lines_back, vendor_angle

__all__ = ["Char", "Line", "TableCell", "bbox", "respond", "skew", "words_response"]

#: endpoint -> factor from a 0-1 probability to the page's scale
SCALES = {"general": 100.0, "minorlanguage": 1.0}


def skew(lines: list[Line]) -> float:
    """Median angle of the lines' top edges in degrees (positive: clockwise in the image)."""
    angles = []
    for line in lines:
        if len(line.polygon) >= 2:
            (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
            if x1 - x0 > 0:
                angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if not angles:
        return 0.0
    angles.sort()
    mid = len(angles) // 2
    value = angles[mid] if len(angles) % 2 else (angles[mid - 1] + angles[mid]) / 2
    return round(value, 2)


@dataclass(frozen=True)
class TableCell:
    """A cell of a table an engine read: grid position and spans, ``header`` or ``body``, its
    text and confidence (0-1, None when it has none), and its box (x, y, width, height)."""

    row: int
    col: int
    row_span: int
    col_span: int
    kind: str
    text: str
    confidence: float | None
    box: tuple[int, int, int, int]


def header_joined(cells: list[TableCell]) -> list[TableCell]:
    """``cells`` with the table's second row joined to its header row where it is the
    header's second line ("State funded" over "legal aid"): its first cell is empty, and each
    of its other cells with text lies under a header cell with text, and holds words, not
    figures. A table read from the page's lines (or by a model that sees each line of text as
    a row) otherwise gives a header of two lines as two rows.

    >>> cell = lambda r, c, text: TableCell(r, c, 1, 1, "body", text, 0.9, (c * 50, r * 20, 50, 20))
    >>> grid = [cell(0, 0, ""), cell(0, 1, "State funded"), cell(1, 0, ""), cell(1, 1, "legal aid")]
    >>> grid += [cell(2, 0, "Children"), cell(2, 1, "Yes")]
    >>> [(c.row, c.text) for c in header_joined(grid)]
    [(0, ''), (0, 'State funded legal aid'), (1, 'Children'), (1, 'Yes')]
    """
    first = {c.col: c for c in cells if c.row == 0}
    second = [c for c in cells if c.row == 1]
    if not second or max(c.row + c.row_span for c in cells) < 3:
        return cells
    if any(c.row_span != 1 for c in cells if c.row <= 1):
        return cells
    filled = [c for c in second if c.text.strip()]
    under = all(
        c.col in first
        and first[c.col].col_span == c.col_span
        and first[c.col].text.strip()
        and any(ch.isalpha() for ch in c.text)
        for c in filled
    )
    if not filled or not under or any(c.col == 0 and c.text.strip() for c in second):
        return cells
    below = {c.col: c for c in filled}
    out = []
    for c in cells:
        if c.row == 0 and c.col in below:
            more = below[c.col]
            confidences = [v for v in (c.confidence, more.confidence) if v is not None]
            union = bbox([*_corners(c.box), *_corners(more.box)])
            c = replace(
                c,
                text=f"{c.text} {more.text}",
                box=union,
                confidence=min(confidences, default=None),
            )
        elif c.row >= 1:
            if c.row == 1:
                continue
            c = replace(c, row=c.row - 1)
        out.append(c)
    return out


def _corners(box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    x, y, w, h = box
    return [(x, y), (x + w, y + h)]


#: what finds a page's tables: given its lines and layout, per table block its number and cells
TableReader = Callable[[list[Line], Layout], list[tuple[int, list[TableCell]]]]


def _coord(box: tuple[int, int, int, int]) -> dict:
    return {"x": box[0], "y": box[1], "width": box[2], "height": box[3]}


def _hull(lines: list[Line], which: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The box around lines ``which``, in the pixels the lines are given in."""
    return bbox([point for k in which for point in lines[k].polygon])


def words_response(
    lines: list[Line],
    endpoint: str,
    image: Loaded,
    engine: Engine,
    *,
    minor_class: list | None = None,
    angle: float | None = None,
    page: Layout | None = None,
    tables: list[tuple[int, list[TableCell]]] = (),
) -> dict:
    """The endpoint's response for ``lines`` found in ``image`` (``angle``: the page's
    rotation when known, else the lines' own slant; ``page``: the lines' layout, found on the
    page as it reads, when the lines are given in the pixels of a turned picture; ``tables``:
    per table block, its number and cells)."""
    scale = SCALES[endpoint]
    page = page or layout([bbox(line.polygon) for line in lines], texts=[x.text for x in lines])
    items = []
    for k in page.reading():
        line = lines[k]
        words = []
        for ch in line.chars:
            word = {
                "character": ch.text,
                "confidence": None if ch.confidence is None else ch.confidence * scale,
            }
            if ch.box is not None:
                word["wordcoord"] = _coord(ch.box)
            words.append(word)
        items.append(
            {
                "itemstring": line.text,
                "itemcoord": _coord(bbox(line.polygon)),
                "itempolygon": [{"x": round(x), "y": round(y)} for x, y in line.polygon],
                "words": words,
                "block": int(page.block[k]),
            }
        )
    data: dict = {}
    if endpoint == "minorlanguage":
        data["class"] = minor_class if minor_class is not None else []
    data.update(
        {
            "angle": skew(lines) if angle is None else angle,
            "items": items,
            "blocks": [
                {"blocktype": b.kind, "blockcoord": _coord(_hull(lines, b.lines))}
                for b in page.blocks
            ],
            **({"tables": _tables_json(tables, scale)} if tables else {}),
            "session_id": f"local-{image.sha256[:16]}",
            "engine": {"name": engine.name, "version": engine.version},
            "image_width": image.width,
            "image_height": image.height,
        }
    )
    return {"code": 0, "message": "OK", "data": data}


def _tables_json(tables: list[tuple[int, list[TableCell]]], scale: float) -> list[dict]:
    """``data.tables``: per table its block number and cells, confidences on ``scale``."""
    return [
        {
            "block": block,
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "rowspan": c.row_span,
                    "colspan": c.col_span,
                    "type": c.kind,
                    "text": c.text,
                    "confidence": None if c.confidence is None else c.confidence * scale,
                    "cellcoord": _coord(c.box),
                }
                for c in cells
            ],
        }
        for block, cells in tables
    ]


def respond(
    lines: list[Line],
    endpoint: str,
    image: Loaded,
    options: dict,
    engine: Engine,
    reread=None,
    turns: int = 0,
    regions: list[tuple[str, tuple[int, int, int, int]]] | None = None,
    tables: TableReader | None = None,
) -> dict:
    """The response of ``endpoint`` (one ``result_list`` entry for idcard/namecard).

    ``lines`` were read on the page turned upright by ``turns`` counter-clockwise quarter
    turns (:mod:`ocrframe.engines.upright`); boxes are answered in the pixels of ``image`` as
    given, with the page's rotation as ``angle``. ``reread(box)`` (optional) recognises the
    text inside a box of the upright page again; card reading uses it where a label has no
    value beside it. ``regions`` are the upright page's layout regions ``(kind, box)`` where a
    layout model found them (:func:`ocrframe.core.reading_order.layout`); ``tables(lines,
    page)`` reads the cells of the page's table blocks, in its pixels."""
    slant = skew(lines)
    angle = vendor_angle(turns, slant)
    if endpoint in SCALES:
        # as one reads: on the page turned upright and straight
        polygons, texts = [line.polygon for line in lines], [line.text for line in lines]
        page = straightened_layout(polygons, regions or (), slant, texts)
        mapped = lines_back(lines, turns, image.rgb.shape)
        found = [
            (block, [replace(c, box=box_back(c.box, turns, image.rgb.shape)) for c in cells])
            for block, cells in (tables(lines, page) if tables else [])
        ]
        return words_response(mapped, endpoint, image, engine, angle=angle, page=page, tables=found)
    if endpoint == "idcard":
        back = options.get("card_type") == 1
        read = cards.idcard_back if back else cards.idcard_front
        data = read(lines, reread)
        if data is None:
            side = "emblem (back)" if back else "photo (front)"
            return codes.error_response(codes.NOT_AN_ID_CARD, f"{image.source}: no {side} side")
        return {"code": 0, "message": "OK", "data": data}
    if endpoint == "namecard":
        if not lines:
            return codes.error_response(codes.CARD_OCR_FAILED, f"{image.source}: no text found")
        data = cards.namecard(lines)
        if options.get("ret_image") == 1:
            data["image"] = base64.b64encode(image.data or encode_png(image.rgb)).decode()
        return {"code": 0, "message": "OK", "data": data}
    if endpoint == "drivinglicence":
        kind = options.get("type", 0)
        items = cards.licence_items(lines, kind, reread)
        if items is None:
            what = "driver licence" if kind == 1 else "vehicle licence"
            return codes.error_response(codes.LICENCE_OCR_FAILED, f"{image.source}: no {what}")
        for item in items if turns else []:
            where = item.get("itemcoord")
            if where:
                box = (where["x"], where["y"], where["width"], where["height"])
                item["itemcoord"] = _coord(box_back(box, turns, image.rgb.shape))
        data = {"items": items, "session_id": f"local-{image.sha256[:16]}", "angle": angle}
        return {"code": 0, "message": "OK", "data": data}
    raise ValueError(f"unknown endpoint {endpoint!r}")
