"""The embedded default engine: RapidOCR (PP-OCRv4 ONNX models shipped in its wheel), offline.

It answers all five endpoints in the pages' JSON shapes: ``general`` and ``minorlanguage``
(``language="zh"``: Chinese and English) with per-character boxes and confidences (RapidOCR's
``return_word_box``) and each line's quadrilateral as extension fields; ``idcard``,
``namecard`` and ``drivinglicence`` with the fields read from the lines
(:mod:`ocrframe.engines.cards`). The other minorlanguage languages (por, fre, ger, spa, jap,
kor, lat) are answered through the Tesseract engine, which has those packs.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from .. import codes
from ..errors import OcrframeError
from ..geometry import moved
from ..images import Loaded
from .base import ENDPOINTS, Engine, package_version
from .shape import Char, Line, bbox, respond
from .tiles import read_any_size
from .upright import Reading, read_upright

# a strip padded to a readable shape may not exceed this (about 120 MB of RGB)
MAX_PADDED_PIXELS = 40_000_000


class LocalEngine(Engine):
    """RapidOCR, loaded once and reused; thread-safe (one recognition at a time per engine).

    ``text_score`` is RapidOCR's threshold below which a line is dropped; keep it low, so that
    doubtful lines reach the tables with their low confidence rather than vanish. Detection
    sees the image with its longer side at most ``det_limit_side_len`` pixels.
    """

    name = "rapidocr"
    endpoints = ENDPOINTS

    def __init__(self, text_score: float = 0.3, det_limit_side_len: int = 1280) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as err:  # pragma: no cover - a core dependency
            raise OcrframeError(
                "the local engine needs rapidocr-onnxruntime: pip install rapidocr-onnxruntime"
            ) from err
        # RapidOCR's default scales the *shorter* side up to 736 px: a 30 px text line becomes
        # a huge picture and detection takes a second. Limiting the longer side instead (as
        # PaddleOCR does) keeps small images as they are and still shrinks large ones.
        self._ocr = RapidOCR(det_limit_type="max", det_limit_side_len=det_limit_side_len)
        self._det_limit = det_limit_side_len
        self.text_score = text_score
        self.version = package_version("rapidocr-onnxruntime")
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

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        self.check_endpoint(endpoint)
        if endpoint == "minorlanguage" and options.get("language", "zh") != "zh":
            # RapidOCR's models read Chinese and English; the other languages of the page are
            # Tesseract's, so the offline service answers them through it
            from . import get

            return get("tesseract").respond(image, endpoint, options)
        try:
            reading, turns, upright = read_upright(image.rgb, self.page_reading)
        except Exception as err:  # RapidOCR's failure on this image; the others go on
            return codes.error_response(
                codes.OCR_FAILED,
                f"{image.source}: recognition failed ({type(err).__name__}: {err})",
            )
        return respond(
            reading.lines,
            endpoint,
            image,
            options,
            self.name,
            self.version,
            reread=lambda box: self.lines_in(upright, box),
            turns=turns,
        )

    def page_reading(self, rgb: np.ndarray) -> Reading:
        """A page's reading at the resolution its text needs (large scans in tiles)."""
        return read_any_size(rgb, self.reading)

    def lines(self, rgb: np.ndarray) -> list[Line]:
        """The text lines RapidOCR finds in an RGB image (as it lies, not turned upright)."""
        return self.reading(rgb).lines

    def reading(self, rgb: np.ndarray) -> Reading:
        """The lines of an RGB image and which of them the direction classifier turned."""
        rgb = self._padded(rgb)
        bgr = np.ascontiguousarray(rgb[..., ::-1])  # RapidOCR reads arrays as OpenCV's BGR
        with self._lock:
            self._classified = []
            # text_score 0: every line comes back, in the classifier's order; ours is applied
            # below. RapidOCR resets the detector's thresholds to these unless they are given.
            result, _ = self._ocr(
                bgr, return_word_box=True, text_score=0.0, box_thresh=0.5, unclip_ratio=1.6
            )
            classified = self._classified
        lines, turned = [], []
        for k, res in enumerate(result or []):
            if float(res[2]) < self.text_score:
                continue
            lines.append(_line(res))
            label = classified[k][0] if k < len(classified) else "0"
            turned.append(str(label) == "180")
        return Reading(lines, turned)

    def _padded(self, rgb: np.ndarray) -> np.ndarray:
        """``rgb``, with a long thin strip padded so that no side shrinks below 32 px.

        RapidOCR scales the longer side down to its limits and rounds each side to a multiple
        of 32 px; a 3000 x 5 strip would round to nothing and fail. The padding goes below and
        to the right, in the strip's own median colour, so coordinates stay as they were.
        """
        h, w = rgb.shape[:2]
        limit = min(self._ocr.max_side_len, self._det_limit)
        if max(h, w) <= limit:
            return rgb
        least = math.ceil(32 * max(h, w) / limit)
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

    def lines_in(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> list[Line]:
        """The lines found inside ``box`` (x, y, width, height) of the image, in image
        coordinates (the box is clipped to the image)."""
        x, y, w, h = box
        x0, y0 = max(int(x), 0), max(int(y), 0)
        x1, y1 = min(int(x + w), rgb.shape[1]), min(int(y + h), rgb.shape[0])
        if x1 - x0 < 4 or y1 - y0 < 4:
            return []
        found = self.lines(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
        return [moved(line, x0, y0) for line in found]

    def raw(self, rgb: np.ndarray):
        """RapidOCR's own output for an RGB image (for comparison and benchmarks)."""
        with self._lock:
            return self._ocr(np.ascontiguousarray(rgb[..., ::-1]), return_word_box=True)


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
