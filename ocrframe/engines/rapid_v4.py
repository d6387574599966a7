"""PP-OCRv4 mobile, read by ``rapidocr-onnxruntime`` 1.4 (its wheel ships the models; offline).

The model ocrframe read with before v6-small, kept so that results stay comparable with data
read earlier and for Python 3.10-3.12 users who want it: ``pip install 'ocrframe[v4]'``.
It runs RapidOCR 1.4's own pipeline with the settings ocrframe always used.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from ..core.geometry import Char, Line, bbox
from ..errors import OcrframeError
from .upright import Reading

# a strip padded to a readable shape may not exceed this (about 120 MB of RGB)
MAX_PADDED_PIXELS = 40_000_000
#: strips longer than this are padded (RapidOCR 1.4 shrinks a longer side to 2000 px at most;
#: the margin keeps a strip safe from its rounding)
LONGEST_SIDE = 1280


class V4Reader:
    """RapidOCR 1.4 with its bundled PP-OCRv4 models, each run with ``threads`` intra-op
    threads (None: onnxruntime's choice); thread-safe."""

    model = "v4"
    package = "rapidocr-onnxruntime"

    def __init__(self, threads: int | None = None) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as err:
            raise OcrframeError(
                "the v4 model needs rapidocr-onnxruntime (Python 3.10-3.12): "
                "pip install 'ocrframe[v4]'"
            ) from err
        kept = (
            {} if threads is None else {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
        )
        self._ocr = RapidOCR(det_limit_type="max", **kept)
        self._lock = threading.Lock()
        # what the line direction classifier decided for each line of the last reading: the
        # page's orientation shows in it (engines.upright)
        self._classified: list = []
        classify = self._ocr.text_cls

        def remember(crops):
            found = classify(crops)
            self._classified = list(found[1] or [])
            return found

        self._ocr.text_cls = remember

    def reading(self, rgb: np.ndarray, text_score: float = 0.0) -> Reading:
        """The lines of an RGB image whose score is at least ``text_score``, and which of them
        the classifier turned."""
        bgr = np.ascontiguousarray(padded(rgb)[..., ::-1])  # RapidOCR reads OpenCV's BGR
        with self._lock:
            self._classified = []
            # text_score 0: every line comes back, in the classifier's order. RapidOCR resets
            # the detector's thresholds to these unless they are given.
            result, _ = self._ocr(
                bgr, return_word_box=True, text_score=0.0, box_thresh=0.5, unclip_ratio=1.6
            )
            classified = self._classified
        lines, turned = [], []
        for k, res in enumerate(result or []):
            if float(res[2]) < text_score:
                continue
            lines.append(_line(res))
            label = classified[k][0] if k < len(classified) else "0"
            turned.append(str(label) == "180")
        return Reading(lines, turned)

    def raw(self, rgb: np.ndarray):
        """RapidOCR's own output for an RGB image (for comparison and benchmarks)."""
        with self._lock:
            return self._ocr(np.ascontiguousarray(rgb[..., ::-1]), return_word_box=True)


def padded(rgb: np.ndarray) -> np.ndarray:
    """``rgb``, with a long thin strip padded so that no side shrinks below 32 px.

    RapidOCR scales the longer side down to its limit and rounds each side to a multiple of
    32 px; a 3000 x 5 strip would round to nothing and fail. The padding goes below and to the
    right, in the strip's own median colour, so coordinates stay as they were.
    """
    h, w = rgb.shape[:2]
    if max(h, w) <= LONGEST_SIDE:
        return rgb
    least = math.ceil(32 * max(h, w) / LONGEST_SIDE)
    if min(h, w) >= least:
        return rgb
    if max(h, w) * least > MAX_PADDED_PIXELS:
        raise OcrframeError(
            f"a {w} x {h} image is too elongated to read (padding it would take "
            f"{max(h, w) * least / 1e6:.0f} megapixels)"
        )
    colour = np.median(rgb.reshape(-1, rgb.shape[-1]), axis=0).astype(rgb.dtype)
    out = np.empty((max(h, least), max(w, least), rgb.shape[-1]), dtype=rgb.dtype)
    out[...] = colour
    out[:h, :w] = rgb
    return out


def _line(res: list) -> Line:
    polygon = [(float(x), float(y)) for x, y in res[0]]
    text = res[1]
    chars: list[Char] = []
    if len(res) >= 6 and res[3]:
        boxes, contents, confs = res[3], res[4], res[5]
        for quad, content, conf in zip(boxes, contents, confs):
            box = bbox([(float(x), float(y)) for x, y in quad])
            single = len(content) == 1  # a multi-character piece: no box for its characters
            chars += [Char(ch, float(conf), box if single else None) for ch in content]
    else:  # no per-character detail: the line score for each character, no boxes
        chars = [Char(ch, float(res[2]), None) for ch in text]
    return Line(polygon, text, chars)
