"""Is the confidence telling the truth, where are the errors, and where to set the review
threshold? Analysis may import ``dataset``, ``reading``, ``result`` and below, never apps.

Ground truth in, judged tables out: :func:`read_truth` reads lines, card fields, a Reviewer's
labels or a Label Studio export; :func:`evaluate` aligns every recognised item with its true
text and every character with the truth, so ``correct`` sits next to ``confidence``.

- ``text``: :func:`cer`, :func:`wer`, :func:`graphemes` — distances as readers count them;
- ``reliability``: :func:`calibration`, :func:`expected_calibration_error`,
  :func:`plot_calibration`, :func:`review_curve`, :func:`suggest_threshold`,
  :func:`item_scores` — how far confidence is from accuracy and what a threshold costs;
- ``recalibration``: :func:`fit_calibration` → :class:`Calibration` (``apply``, ``save``,
  ``load``) — confidence mapped to the share of right answers, as ``confidence_calibrated``;
- ``mistakes``: :func:`confusions`, :func:`errors_by_class`, :func:`diff_html`,
  :func:`show_diffs` — which characters go wrong, and each wrong item next to its crop;
- ``uncertainty``: :func:`intervals`, :func:`cer_difference` — bootstrap intervals over images;
- ``describe``: :func:`summary`, :func:`failures`, :func:`compare_engines` — results described
  with or without truth.

>>> from ocrframe import analysis
>>> analysis.cer("ＯＣＲ 识别", "OCR识別")  # NFKC folds full-width forms; whitespace is ignored
0.2
"""

from __future__ import annotations

from .describe import DEFAULT_THRESHOLDS, compare_engines, failures, page_text, summary
from .evaluation import Evaluation, evaluate, line_errors
from .mistakes import (
    CLASSES,
    DiffView,
    char_class,
    confusions,
    diff_html,
    edit_ops,
    errors_by_class,
    show_diffs,
)
from .recalibration import (
    Calibration,
    ConfidenceMap,
    OcrCalibrationWarning,
    fit_calibration,
    model_of,
)
from .reliability import (
    ITEM_SCORES,
    calibration,
    expected_calibration_error,
    item_scores,
    plot_calibration,
    review_curve,
    suggest_threshold,
)
from .text import cer, char_correct, edits, graphemes, length, normalize, wer
from .truth import TRUTH_COLUMNS, read_truth
from .uncertainty import METRICS, cer_difference, intervals

__all__ = [
    "CLASSES",
    "DEFAULT_THRESHOLDS",
    "ITEM_SCORES",
    "METRICS",
    "TRUTH_COLUMNS",
    "Calibration",
    "ConfidenceMap",
    "DiffView",
    "Evaluation",
    "OcrCalibrationWarning",
    "calibration",
    "cer",
    "cer_difference",
    "char_class",
    "char_correct",
    "compare_engines",
    "confusions",
    "diff_html",
    "edit_ops",
    "edits",
    "errors_by_class",
    "evaluate",
    "expected_calibration_error",
    "failures",
    "fit_calibration",
    "graphemes",
    "intervals",
    "item_scores",
    "length",
    "line_errors",
    "model_of",
    "normalize",
    "page_text",
    "plot_calibration",
    "read_truth",
    "review_curve",
    "show_diffs",
    "suggest_threshold",
    "summary",
    "wer",
]
