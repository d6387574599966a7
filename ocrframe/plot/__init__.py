"""Pictures of results: boxes on the image, confidence distributions, the doubtful rows, and the
``df.ocr`` accessor. Takes frames (an OcrResult's tables); may import ``inputs`` and below.
"""

from ..inputs.images import image_array
from . import accessor  # noqa: F401 - registers the df.ocr accessor
from .boxes import GID_PREFIX, MISSING_COLOR, lowest, plot_boxes, plot_confidence, plot_lowest

__all__ = [
    "GID_PREFIX",
    "MISSING_COLOR",
    "image_array",
    "lowest",
    "plot_boxes",
    "plot_confidence",
    "plot_lowest",
]
