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

import sys

from . import analysis, dataset, errors, formats, plot, schema  # plot registers df.ocr
from .analysis import plot_calibration, read_truth
from .core import moved as _moved
from .core.version import __version__ as __version__
from .dataset import OcrDataset, read_parquet
from .engines.cloud import TencentCloud
from .engines.legacy import TencentLegacy
from .errors import (
    OcrDetectionError,
    OcrDpiWarning,
    OcrExportWarning,
    OcrFormatError,
    OcrframeError,
    OcrRequestError,
    OcrResendWarning,
    OcrScaleWarning,
)
from .export.csv import read_csv
from .reading import from_response, read_json, read_xml
from .recognize import recognize
from .result import OcrResult, RawResponses, concat
from .sample_images.bundled import data_path, samples
from .signature import legacy_signature

__all__ = [
    "OcrDataset",
    "OcrDetectionError",
    "OcrDpiWarning",
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


# Loaded on first use: the pictures need matplotlib, which ``import ocrframe`` does not load;
# ``ocrframe.dask`` needs the [dask] extra, ``ocrframe.widgets`` a notebook's ipywidgets.
_LAZY_NAMES = {
    "plot_boxes": "ocrframe.plot.boxes",
    "plot_confidence": "ocrframe.plot.boxes",
    "plot_lowest": "ocrframe.plot.boxes",
}
_LAZY_MODULES = {"dask": "ocrframe.dask", "widgets": "ocrframe.widgets"}

# The flat layout's module paths (``ocrframe.pages``, ``import ocrframe.synthetic``) give the
# module that now lives in its folder, with a DeprecationWarning: see ocrframe.core.moved.
# ``ocrframe.samples`` stays the function; only ``import ocrframe.samples`` is an old path.
_moved.install(sys.modules[__name__])


def __getattr__(name: str):
    import importlib

    if name in _LAZY_NAMES:
        value = globals()[name] = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
        return value
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    if name in _moved.MOVED:
        return _moved.module(name, stacklevel=2)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_NAMES, *_LAZY_MODULES})
