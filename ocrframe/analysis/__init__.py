"""Is the confidence telling the truth, where are the errors, and where to set the review
threshold? Analysis may import the contract, the result and the readers, never engines or apps.

Ground truth in, judged tables out: :func:`read_truth` reads lines, card fields, a Reviewer's
labels or a Label Studio export; :func:`evaluate` aligns every recognised item with its true
text and every character with the truth, so ``correct`` sits next to ``confidence``;
:func:`calibration` / :func:`expected_calibration_error` / :func:`plot_calibration` say how far
confidence is from accuracy; :func:`review_curve` / :func:`suggest_threshold` say what a review
threshold costs and buys; :func:`summary`, :func:`failures` and :func:`compare_engines` describe
results with or without truth.

>>> from ocrframe import analysis
>>> analysis.cer("ＯＣＲ 识别", "OCR识別")  # NFKC folds full-width forms; whitespace is ignored
0.2
"""

from __future__ import annotations

from .describe import DEFAULT_THRESHOLDS, compare_engines, failures, page_text, summary
from .evaluation import Evaluation, evaluate, line_errors
from .reliability import (
    calibration,
    expected_calibration_error,
    plot_calibration,
    review_curve,
    suggest_threshold,
)
from .text import cer, char_correct, normalize, wer
from .truth import TRUTH_COLUMNS, read_truth

__all__ = [
    "DEFAULT_THRESHOLDS",
    "TRUTH_COLUMNS",
    "Evaluation",
    "calibration",
    "cer",
    "char_correct",
    "compare_engines",
    "evaluate",
    "expected_calibration_error",
    "failures",
    "line_errors",
    "normalize",
    "page_text",
    "plot_calibration",
    "read_truth",
    "review_curve",
    "suggest_threshold",
    "summary",
    "wer",
]
