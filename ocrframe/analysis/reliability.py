"""Does confidence tell the truth, and what does a review threshold cost? Reliability tables,
ECE, the reliability diagram, review curves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OcrframeError

# -- calibration -------------------------------------------------------------------------------
#: the confidence columns a judged frame may be read by (``column=``)
CONFIDENCE_COLUMNS = ("confidence", "confidence_calibrated")


def _judged(frame: pd.DataFrame, column: str = "confidence") -> pd.DataFrame:
    """The rows of ``frame`` with a verdict and a value in ``column``, that column renamed to
    ``confidence`` (so the tables and curves below read one name)."""
    if "correct" not in frame or column not in frame:
        raise OcrframeError(
            f"needs {column!r} and 'correct' columns: use evaluate(...).items"
            + (" of a result a Calibration was applied to" if column != "confidence" else "")
        )
    judged = frame.dropna(subset=[column, "correct"])
    if column != "confidence":
        judged = judged.drop(columns="confidence").rename(columns={column: "confidence"})
    return judged


def item_scores(items: pd.DataFrame, chars: pd.DataFrame, how: str = "engine") -> pd.Series:
    """Each item's confidence, taken ``how``: ``"engine"`` (the item's own ``confidence``: the
    service's line score, else the mean of its characters'), or from its characters' confidences:
    ``"mean"``, ``"min"`` (an item is as doubtful as its worst character) or ``"geomean"`` (the
    chance that every character is right, per character). Items without character
    confidences keep their own. Indexed like ``items``.

    >>> import pandas as pd
    >>> items = pd.DataFrame({"image_id": [0], "item_id": [0], "confidence": [0.9]})
    >>> chars = pd.DataFrame({"image_id": [0, 0], "item_id": [0, 0], "confidence": [1.0, 0.25]})
    >>> [round(float(item_scores(items, chars, h).iloc[0]), 3) for h in ITEM_SCORES]
    [0.9, 0.625, 0.25, 0.5]
    """
    if how not in ITEM_SCORES:
        raise OcrframeError(f"item score {how!r}; use one of {', '.join(ITEM_SCORES)}")
    own = items["confidence"].astype("Float64")
    if how == "engine" or chars.empty:
        return own
    conf = chars["confidence"].to_numpy(dtype=float, na_value=np.nan)
    per = pd.DataFrame(
        {"image_id": chars["image_id"].to_numpy(), "item_id": chars["item_id"].to_numpy(),
         "value": np.log(np.clip(conf, 1e-9, 1.0)) if how == "geomean" else conf}
    ).dropna()  # fmt: skip
    agg = per.groupby(["image_id", "item_id"])["value"].agg("min" if how == "min" else "mean")
    if how == "geomean":
        agg = np.exp(agg)
    keys = pd.MultiIndex.from_arrays([items["image_id"].to_numpy(), items["item_id"].to_numpy()])
    from_chars = pd.Series(agg.reindex(keys).to_numpy(), index=items.index, dtype="Float64")
    return from_chars.fillna(own)


ITEM_SCORES = ("engine", "mean", "min", "geomean")


def calibration(
    frame: pd.DataFrame, bins: int = 10, by: str | None = None, column: str = "confidence"
) -> pd.DataFrame:
    """Confidence (``column``) against accuracy in ``bins`` equal-width bins of 0–1.

    Columns ``bin_low``, ``bin_high``, ``mean_confidence``, ``accuracy``, ``count`` (and ``by``);
    empty bins are left out. The last bin includes 1.0.
    """
    judged = _judged(frame, column)
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


def expected_calibration_error(
    frame: pd.DataFrame, bins: int = 10, column: str = "confidence"
) -> float:
    """ECE: the count-weighted mean gap between accuracy and confidence over the bins.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.95, 0.95, 0.15, 0.15], "correct": [True, False, False, False]})
    >>> round(expected_calibration_error(t), 3)  # (2 * |0.5 - 0.95| + 2 * |0 - 0.15|) / 4
    0.3
    """
    table = calibration(frame, bins, column=column)
    total = table["count"].sum()
    if not total:
        return float("nan")
    gaps = (table["accuracy"] - table["mean_confidence"]).abs()
    return float((gaps * table["count"]).sum() / total)


def plot_calibration(
    frame: pd.DataFrame,
    bins: int = 10,
    by: str | None = None,
    ax=None,
    column: str | list[str] = "confidence",
):
    """The reliability diagram: accuracy against confidence per bin (the diagonal is perfect),
    one line per value of ``by`` or per confidence ``column`` (give both columns to see a
    recalibration's effect), with the share of rows in each bin as bars on the right axis.
    Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    columns = [column] if isinstance(column, str) else list(column)
    groups = []
    for col in columns:
        judged = _judged(frame, col)
        suffix = f" [{col}]" if len(columns) > 1 else ""
        if by is None:
            groups.append(("all" + suffix, judged))
        else:
            groups += [(f"{key}{suffix}", g) for key, g in judged.groupby(by, dropna=False)]
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", linewidth=1, label="perfect")
    for name, group in groups:
        table = calibration(group, bins)
        ece = expected_calibration_error(group, bins)
        ax.plot(table["mean_confidence"], table["accuracy"], marker="o",
                label=f"{name} (ECE {ece:.3f}, n={int(table['count'].sum())})")  # fmt: skip
    share_ax = ax.twinx()  # the bars' own 0–1 axis: a share is drawn at its true height
    table = calibration(frame, bins, column=columns[0])
    share = table["count"] / max(table["count"].sum(), 1)
    share_ax.bar(table["bin_low"], share, width=1 / bins, align="edge", alpha=0.2,
                 color="tab:blue", label=f"share of rows per bin [{columns[0]}]")  # fmt: skip
    share_ax.set_ylim(0, 1.02 * 4)  # bars in the lower quarter, under the curves
    share_ax.set_yticks([0, 0.25, 0.5, 1.0])
    share_ax.set_ylabel("share of rows per bin (bars)")
    ax.set_zorder(share_ax.get_zorder() + 1)  # the curves over the bars
    ax.patch.set_visible(False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    handles, labels = ax.get_legend_handles_labels()
    bar_handles, bar_labels = share_ax.get_legend_handles_labels()
    ax.legend(handles + bar_handles, labels + bar_labels, fontsize=8, loc="upper left")
    return ax


# -- review threshold --------------------------------------------------------------------------
def review_curve(frame: pd.DataFrame, column: str = "confidence") -> pd.DataFrame:
    """For each threshold: the share of rows sent to review (``column`` below it) and the error
    rate left among the accepted rows. Thresholds are 0 (review nothing), the observed
    confidences and just above 1 (review everything)."""
    judged = _judged(frame, column)
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


def suggest_threshold(
    frame: pd.DataFrame, max_error: float = 0.01, column: str = "confidence"
) -> float:
    """The lowest threshold whose accepted rows (``column`` at or above it) have an error rate
    of at most ``max_error``: review everything below it.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.2, 0.5, 0.9, 0.95], "correct": [False, True, True, True]})
    >>> suggest_threshold(t, 0.0)  # review the 0.2 item, accept from 0.5 up
    0.5
    >>> suggest_threshold(t, 0.25)  # a quarter wrong is allowed: nothing to review
    0.0
    """
    curve = review_curve(frame, column)
    ok = curve[curve["residual_error"] <= max_error]
    return float(ok["threshold"].iloc[0])
