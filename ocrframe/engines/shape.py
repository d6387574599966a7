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


def header_spanned(cells: list[TableCell]) -> list[TableCell]:
    """``cells`` with every row that a header cell reaches down into in the header too: a
    two-level header whose first cell ("Method") spans both its rows is two header rows,
    though the rules or the model marked only the first (at most half the table's rows).

    >>> cell = lambda r, c, kind, rows=1: TableCell(r, c, rows, 1, kind, "x", 0.9, (0, 0, 1, 1))
    >>> grid = [cell(0, 0, "header", 2), cell(0, 1, "header"), cell(1, 1, "body")]
    >>> grid += [cell(r, c, "body") for r in (2, 3) for c in (0, 1)]
    >>> [c.kind for c in header_spanned(grid)]
    ['header', 'header', 'header', 'body', 'body', 'body', 'body']
    """
    heads = [c.row + c.row_span for c in cells if c.kind == "header"]
    if not heads:
        return cells
    rows = max(c.row + c.row_span for c in cells)
    head = max(heads)
    if head > rows / 2:
        return cells
    return [replace(c, kind="header") if c.row < head else c for c in cells]


def spread_over_empty(
    cells: list[TableCell], reach: list[tuple[float, float] | None]
) -> list[TableCell]:
    """``cells`` with each cell whose text (``reach``: its left and right edges, per cell)
    runs on over an empty cell beside it in its row, by :data:`OVERRUN` of that cell's width
    or more, spanning it too: a group heading over two columns, a section title across the
    table, which a table model may have cut into a cell and its empty neighbours. A row
    left with one cell of text, the first, spanning a cell beside it is a section title:
    it spans the row.

    >>> cell = lambda c, text: TableCell(0, c, 1, 1, "body", text, 0.9, (c * 50, 0, 50, 20))
    >>> row = [cell(0, "Medical history"), cell(1, ""), cell(2, "")]
    >>> [(c.col, c.col_span) for c in spread_over_empty(row, [(5, 90), None, None])]
    [(0, 3)]
    """
    rows: dict[int, list[int]] = {}
    for k, c in enumerate(cells):
        if c.row_span == 1:
            rows.setdefault(c.row, []).append(k)
    merged: dict[int, list[int]] = {}  # a cell's index: the indices it takes in
    for members in rows.values():
        members.sort(key=lambda k: cells[k].col)
        taken: set[int] = set()
        for at, k in enumerate(members):
            if reach[k] is None or k in taken:
                continue
            left, right = reach[k]
            ahead = _overrun(cells, members[at + 1 :], taken, lambda b, right=right: right - b[0])
            behind = _overrun(
                cells, members[:at][::-1], taken, lambda b, left=left: b[0] + b[2] - left
            )
            if ahead or behind:
                merged[k] = ahead + behind
                taken.update(ahead + behind)
        texts = [k for k in members if cells[k].text.strip()]
        first = members[0]
        if texts == [first] and first in merged:
            merged[first] = members[1:]
    gone = {k for taken in merged.values() for k in taken}
    out = []
    for k, c in enumerate(cells):
        if k in gone:
            continue
        if k in merged:
            group = [c, *(cells[j] for j in merged[k])]
            start = min(g.col for g in group)
            stop = max(g.col + g.col_span for g in group)
            corners = [p for g in group for p in _corners(g.box)]
            c = replace(c, col=start, col_span=stop - start, box=bbox(corners))
        out.append(c)
    return out


#: a cell's text runs on over a neighbour when it covers this share of the neighbour's width
OVERRUN = 0.25


def _overrun(cells: list[TableCell], beside: list[int], taken: set[int], into) -> list[int]:
    """The empty cells of ``beside`` (nearest first) that a text runs on over: ``into`` says
    how far it reaches into a cell's box (x, y, width, height)."""
    out = []
    for j in beside:
        c = cells[j]
        if j in taken or c.text.strip() or into(c.box) < OVERRUN * c.box[2]:
            break
        out.append(j)
    return out


def without_empty_lines(cells: list[TableCell]) -> list[TableCell]:
    """``cells`` without the rows and columns where no cell holds text, a cell spanning
    across one losing it from its span: a table model's guess of a row or column that the
    picture does not have (PP-Structure's SLANet adds an empty row under a row of tall
    cells, and an empty column beside a narrow one). A table read from its rules keeps its
    empty rows: a form's blank lines are printed.

    >>> cell = lambda r, c, text: TableCell(r, c, 1, 1, "body", text, 0.9, (0, 0, 1, 1))
    >>> grid = [cell(0, 0, "a"), cell(0, 1, "b"), cell(1, 0, ""), cell(1, 1, "")]
    >>> grid += [cell(2, 0, "c"), cell(2, 1, "d")]
    >>> [(c.row, c.col, c.text) for c in without_empty_lines(grid)]
    [(0, 0, 'a'), (0, 1, 'b'), (1, 0, 'c'), (1, 1, 'd')]
    """
    for axis in ("row", "col"):
        cells = _without_empty(cells, axis)
    return cells


def _without_empty(cells: list[TableCell], axis: str) -> list[TableCell]:
    """``cells`` without the rows (``axis="row"``) or columns where no cell starting there
    holds text or spans further."""
    span = f"{axis}_span"
    count = max((getattr(c, axis) + getattr(c, span) for c in cells), default=0)
    full = {getattr(c, axis) for c in cells if c.text.strip() or getattr(c, span) > 1}
    empty = [k for k in range(count) if k not in full]
    if not empty or len(empty) == count:
        return cells
    out = []
    for c in cells:
        start, size = getattr(c, axis), getattr(c, span)
        if start in empty:
            continue
        inside = sum(1 for k in empty if start < k < start + size)
        before = sum(1 for k in empty if k < start)
        out.append(replace(c, **{axis: start - before, span: size - inside}))
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
