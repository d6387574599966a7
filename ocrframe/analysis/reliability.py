"""Does confidence tell the truth, and what does a review threshold cost? Reliability tables,
ECE, the reliability diagram, review curves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OcrframeError


# -- calibration -------------------------------------------------------------------------------
def _judged(frame: pd.DataFrame) -> pd.DataFrame:
    if "correct" not in frame or "confidence" not in frame:
        raise OcrframeError("needs 'confidence' and 'correct' columns: use evaluate(...).items")
    return frame.dropna(subset=["confidence", "correct"])


def calibration(frame: pd.DataFrame, bins: int = 10, by: str | None = None) -> pd.DataFrame:
    """Confidence against accuracy in ``bins`` equal-width bins of 0–1.

    Columns ``bin_low``, ``bin_high``, ``mean_confidence``, ``accuracy``, ``count`` (and ``by``);
    empty bins are left out. The last bin includes 1.0.
    """
    judged = _judged(frame)
    if by is not None:
        parts = [
            calibration(group, bins).assign(**{by: key})
            for key, group in judged.groupby(by, dropna=False)
        ]
        return pd.concat(parts, ignore_index=True) if parts else calibration(judged.iloc[:0], bins)
    conf = judged["confidence"].to_numpy(dtype=float)
    right = judged["correct"].to_numpy(dtype=bool)
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            rows.append(
                (b / bins, (b + 1) / bins, conf[sel].mean(), right[sel].mean(), int(sel.sum()))
            )
    return pd.DataFrame(
        rows, columns=["bin_low", "bin_high", "mean_confidence", "accuracy", "count"]
    )


def expected_calibration_error(frame: pd.DataFrame, bins: int = 10) -> float:
    """ECE: the count-weighted mean gap between accuracy and confidence over the bins.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.95, 0.95, 0.15, 0.15], "correct": [True, False, False, False]})
    >>> round(expected_calibration_error(t), 3)  # (2 * |0.5 - 0.95| + 2 * |0 - 0.15|) / 4
    0.3
    """
    table = calibration(frame, bins)
    total = table["count"].sum()
    if not total:
        return float("nan")
    gaps = (table["accuracy"] - table["mean_confidence"]).abs()
    return float((gaps * table["count"]).sum() / total)


def plot_calibration(frame: pd.DataFrame, bins: int = 10, by: str | None = None, ax=None):
    """The reliability diagram: accuracy against confidence per bin (the diagonal is perfect),
    with the share of rows per bin below. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    groups = [(None, frame)] if by is None else list(_judged(frame).groupby(by, dropna=False))
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", linewidth=1, label="perfect")
    for key, group in groups:
        table = calibration(group, bins)
        ece = expected_calibration_error(group, bins)
        name = "all" if key is None else str(key)
        ax.plot(table["mean_confidence"], table["accuracy"], marker="o",
                label=f"{name} (ECE {ece:.3f}, n={int(table['count'].sum())})")  # fmt: skip
    table = calibration(frame, bins)
    share = table["count"] / max(table["count"].sum(), 1)
    ax.bar(table["bin_low"], share * 0.25, width=1 / bins, align="edge", alpha=0.25,
           color="tab:blue", label="share of rows (x4)")  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="upper left")
    return ax


# -- review threshold --------------------------------------------------------------------------
def review_curve(frame: pd.DataFrame) -> pd.DataFrame:
    """For each threshold: the share of rows sent to review (confidence below it) and the error
    rate left among the accepted rows. Thresholds are 0 (review nothing), the observed
    confidences and just above 1 (review everything)."""
    judged = _judged(frame)
    conf = judged["confidence"].to_numpy(dtype=float)
    wrong = ~judged["correct"].to_numpy(dtype=bool)
    order = np.argsort(conf, kind="stable")
    conf, wrong = conf[order], wrong[order]
    n = len(conf)
    cuts = np.unique(np.r_[0.0, conf, np.nextafter(1.0, 2.0)])  # 0: review nothing
    below = np.searchsorted(conf, cuts, side="left")  # rows with confidence < cut
    errors_below = np.r_[0, np.cumsum(wrong)][below]
    accepted = n - below
    residual = np.where(accepted > 0, (wrong.sum() - errors_below) / np.maximum(accepted, 1), 0.0)
    return pd.DataFrame(
        {
            "threshold": cuts,
            "reviewed_share": below / max(n, 1),
            "accepted": accepted,
            "residual_error": residual,
        }
    )


def suggest_threshold(frame: pd.DataFrame, max_error: float = 0.01) -> float:
    """The lowest threshold whose accepted rows (confidence at or above it) have an error rate
    of at most ``max_error``: review everything below it.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.2, 0.5, 0.9, 0.95], "correct": [False, True, True, True]})
    >>> suggest_threshold(t, 0.0)  # review the 0.2 item, accept from 0.5 up
    0.5
    >>> suggest_threshold(t, 0.25)  # a quarter wrong is allowed: nothing to review
    0.0
    """
    curve = review_curve(frame)
    ok = curve[curve["residual_error"] <= max_error]
    return float(ok["threshold"].iloc[0])
