"""``df.ocr``: ocrframe's functions straight from a (filtered) items or chars frame.

>>> import ocrframe
>>> items = ocrframe.read_json(ocrframe.data_path("responses/drivinglicence.json")).items
>>> items.ocr.lowest(1)["text"].tolist()
['男']
>>> len(items.ocr.below(0.85))
1

The accessor is registered by ``import ocrframe`` and loads no matplotlib: the drawing methods
import :mod:`ocrframe.plot.boxes` (and with it matplotlib) when called.
"""

from __future__ import annotations

import pandas as pd


@pd.api.extensions.register_dataframe_accessor("ocr")
class OcrAccessor:
    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def plot_boxes(self, image=None, **kwargs):
        """:func:`ocrframe.plot_boxes` of this frame on ``image`` (only the rows of that image;
        ``image=None``: on the picture of the result the frame comes from)."""
        from .boxes import plot_boxes

        return plot_boxes(image, self._frame, **kwargs)

    def plot_confidence(self, by: str | None = None, kind: str = "hist", **kwargs):
        """:func:`ocrframe.plot_confidence` of this frame."""
        from .boxes import plot_confidence

        return plot_confidence(self._frame, by=by, kind=kind, **kwargs)

    def lowest(self, n: int = 10, column: str = "confidence") -> pd.DataFrame:
        """The ``n`` rows with the lowest ``column`` (rows without one are left out), as
        :func:`ocrframe.plot.lowest` gives them, without loading matplotlib."""
        return self._frame.dropna(subset=[column]).nsmallest(n, column)

    def below(self, threshold: float, column: str = "confidence") -> pd.DataFrame:
        """The rows whose ``column`` (``confidence``, or ``confidence_calibrated`` after a
        recalibration) is below ``threshold`` (NA is not below anything)."""
        conf = self._frame[column]
        return self._frame[(conf < threshold).fillna(False)]
