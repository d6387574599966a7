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

from . import analysis, dataset, errors, formats, plot, schema
from .analysis import plot_calibration, read_truth
from .core import assemble, codes, fonts, geometry
from .core.version import __version__ as __version__
from .dataset import OcrDataset, read_parquet
from .engines import records, signature
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
from .inputs import files, images, pages
from .plot import (  # importing plot registers df.ocr
    accessor,
    plot_boxes,
    plot_confidence,
    plot_lowest,
)
from .reading import from_response, jsonl, read_json, read_xml
from .recognize import recognize
from .result import OcrResult, RawResponses, concat
from .sample_images import bundled, hard_pages, synthetic
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


# The flat layout's module paths, kept: ``import ocrframe.pages`` and ``ocrframe.codes`` give the
# module that now lives in its folder (the very object, not a copy), as they did before the
# move. ``ocrframe.samples`` stays the function, as it always was; its module is the path only.
_OLD_PATHS = {
    "accessor": accessor, "assemble": assemble, "codes": codes, "fastjsonl": jsonl,
    "files": files, "fonts": fonts, "geometry": geometry, "hard_pages": hard_pages,
    "images": images, "pages": pages, "records": records, "samples": bundled,
    "signature": signature, "synthetic": synthetic,
}  # fmt: skip
for _name, _module in _OLD_PATHS.items():
    sys.modules.setdefault(f"{__name__}.{_name}", _module)
    if _name not in globals():
        globals()[_name] = _module

# Modules that load on first use: ``ocrframe.dask`` needs the [dask] extra, ``ocrframe.widgets``
# a notebook's ipywidgets.
_LAZY = {"dask": "ocrframe.dask", "widgets": "ocrframe.widgets"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
