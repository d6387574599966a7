"""ocrframe: OCR results from any endpoint as tidy pandas DataFrames.

The public API, gathered from the folders that hold it (README: "How it fits together").

>>> import ocrframe
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
>>> res.chars[["char", "confidence", "confidence_raw"]]
  char  confidence  confidence_raw
0    手       0.909            90.9
1    机       0.939            93.9
"""

from __future__ import annotations

from . import analysis, dataset, errors, formats, plot, schema
from .analysis import plot_calibration, read_truth
from .core.version import __version__ as __version__
from .dataset import OcrDataset, read_parquet
from .engines.cloud import TencentCloud
from .engines.legacy import TencentLegacy
from .engines.signature import legacy_signature
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
from .plot import plot_boxes, plot_confidence, plot_lowest  # importing plot registers df.ocr
from .reading import from_response, read_json, read_xml
from .recognize import recognize
from .result import OcrResult, RawResponses, concat
from .sample_images.bundled import data_path, samples

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
    "errors",
    "formats",
    "from_response",
    "legacy_signature",
    "plot",
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


# Modules that load on first use: ``ocrframe.dask`` needs the [dask] extra and
# ``ocrframe.widgets`` a notebook; the pictures to try things on need a CJK font. Each name is
# where the README points users (``ocrframe.hard_pages``); the value, the module to import.
_LAZY = {
    "dask": "ocrframe.dask",
    "widgets": "ocrframe.widgets",
    "synthetic": "ocrframe.synthetic",
    "hard_pages": "ocrframe.hard_pages",
    "records": "ocrframe.records",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
