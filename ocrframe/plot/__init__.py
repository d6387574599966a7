"""Pictures of results: boxes on the image, confidence distributions, the doubtful rows, and the
``df.ocr`` accessor. Takes frames (an OcrResult's tables); may import ``inputs`` and below.

Importing this package registers ``df.ocr`` and loads no matplotlib: the drawing functions
(:mod:`ocrframe.plot.boxes`) load it when first asked for.
"""

from __future__ import annotations

from ..inputs.images import image_array
from . import accessor  # noqa: F401 - registers the df.ocr accessor

__all__ = [
    "GID_PREFIX",
    "MISSING_COLOR",
    "image_array",
    "lowest",
    "plot_boxes",
    "plot_confidence",
    "plot_lowest",
]

#: names of :mod:`ocrframe.plot.boxes`, which imports matplotlib: loaded on first use
_FROM_BOXES = frozenset(__all__) - {"image_array"}


def __getattr__(name: str):
    if name in _FROM_BOXES:
        from . import boxes

        value = globals()[name] = getattr(boxes, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_FROM_BOXES})
