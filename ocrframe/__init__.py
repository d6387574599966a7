"""ocrframe: OCR results from any endpoint as tidy pandas DataFrames.

>>> import ocrframe
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
>>> res.chars[["char", "confidence", "confidence_raw"]]
  char  confidence  confidence_raw
0    手       0.909            90.9
1    机       0.939            93.9
"""

from __future__ import annotations

from . import accessor, analysis, dataset, formats, schema  # noqa: F401 - accessor registers df.ocr
from .analysis import plot_calibration, read_truth
from .dataset import OcrDataset
from .engines.cloud import TencentCloud
from .engines.legacy import TencentLegacy
from .errors import (
    OcrDetectionError,
    OcrExportWarning,
    OcrFormatError,
    OcrframeError,
    OcrRequestError,
    OcrResendWarning,
    OcrScaleWarning,
)
from .export.tables import read_csv
from .plot import plot_boxes, plot_confidence, plot_lowest
from .reading import from_response, read_json, read_xml
from .recognize import recognize
from .result import OcrResult, RawResponses, concat, read_parquet
from .samples import data_path, samples
from .signature import legacy_signature

__all__ = [
    "OcrDataset",
    "OcrDetectionError",
    "OcrExportWarning",
    "OcrFormatError",
    "OcrRequestError",
    "OcrResendWarning",
    "OcrResult",
    "OcrScaleWarning",
    "OcrframeError",
    "RawResponses",
    "TencentCloud",
    "TencentLegacy",
    "analysis",
    "concat",
    "data_path",
    "dataset",
    "formats",
    "from_response",
    "legacy_signature",
    "plot_boxes",
    "plot_calibration",
    "plot_confidence",
    "plot_lowest",
    "read_csv",
    "read_json",
    "read_parquet",
    "read_truth",
    "read_xml",
    "recognize",
    "samples",
    "schema",
]

__version__ = "0.1.0"

# Submodules with heavy or optional dependencies load on first use: ``ocrframe.dask`` needs
# the [dask] extra, ``ocrframe.synthetic`` a CJK font.
_LAZY = ("dask", "synthetic", "widgets")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
