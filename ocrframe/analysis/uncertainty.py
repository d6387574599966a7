"""How sure is a figure measured on a few dozen images? Bootstrap intervals over images for CER,
WER, accuracy and ECE, and a paired bootstrap that says whether one engine beats another.

Images are the unit that is resampled: the lines of one picture share its blur, its font and its
light, so resampling lines would claim a certainty the data does not have.

>>> import pandas as pd
>>> from ocrframe import analysis
>>> images = pd.DataFrame({"image_id": [0, 1, 2, 3], "edits": [0, 1, 2, 1],
...                        "truth_chars": [10, 10, 10, 10]})
>>> ev = analysis.Evaluation(images, pd.DataFrame(), pd.DataFrame())
>>> row = analysis.intervals(ev, metrics=["cer"], seed=0).iloc[0]
>>> row["metric"], float(row["estimate"]), bool(row["low"] <= row["estimate"] <= row["high"])
('cer', 0.1, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OcrframeError
from .reliability import _judged

METRICS = ("cer", "cer_macro", "wer", "accuracy", "ece_items", "ece_chars")


def _weights(n_images: int, n_boot: int, seed: int | None) -> np.ndarray:
    """``n_boot`` bootstrap samples of ``n_images`` images, as how often each image is drawn."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_images, np.full(n_images, 1.0 / n_images), size=n_boot).astype(float)


def _ratio(w: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    total = w @ den
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w @ num) / total, np.nan)


def _positions(frame: pd.DataFrame, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's image as a position in ``ids``, and which rows have one."""
    pos = pd.Index(ids).get_indexer(frame["image_id"].to_numpy())
    return pos, pos >= 0


def _per_image(frame: pd.DataFrame, ids: np.ndarray, values: dict[str, np.ndarray]) -> dict:
    """Sums of ``values`` per image, in the order of ``ids`` (0 for images without rows)."""
    pos, keep = _positions(frame, ids)
    return {
        name: np.bincount(pos[keep], weights=np.asarray(v, dtype=float)[keep], minlength=len(ids))
        for name, v in values.items()
    }


def _ece_parts(frame: pd.DataFrame, ids: np.ndarray, bins: int, column: str):
    """Per image and bin: rows, confidence sums and right answers (ECE from any resample)."""
    judged = _judged(frame, column)
    conf = judged["confidence"].to_numpy(dtype=float)
    right = judged["correct"].to_numpy(dtype=bool).astype(float)
    b = np.minimum((conf * bins).astype(int), bins - 1)
    pos, keep = _positions(judged, ids)
    cell = pos[keep] * bins + b[keep]
    shape = (len(ids), bins)
    count = np.bincount(cell, minlength=len(ids) * bins).reshape(shape)
    conf_sum = np.bincount(cell, weights=conf[keep], minlength=len(ids) * bins).reshape(shape)
    right_sum = np.bincount(cell, weights=right[keep], minlength=len(ids) * bins).reshape(shape)
    return count, conf_sum, right_sum


def _ece(w: np.ndarray, parts) -> np.ndarray:
    count, conf_sum, right_sum = (w @ p for p in parts)  # (samples, bins)
    total = count.sum(axis=1)
    gaps = np.abs(right_sum - conf_sum)  # = count * |accuracy - mean confidence| per bin
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, gaps.sum(axis=1) / total, np.nan)


def metric_samples(
    evaluation,
    weights: np.ndarray,
    metrics=METRICS,
    *,
    bins: int = 10,
    column: str = "confidence",
) -> dict[str, np.ndarray]:
    """Each metric computed with the images weighted by each row of ``weights`` (one row per
    resample, one column per row of ``evaluation.images``; a row of ones is the data itself)."""
    images, items, chars = evaluation.images, evaluation.items, evaluation.chars
    ids = images["image_id"].to_numpy()
    out = {}
    for metric in metrics:
        if metric in ("cer", "cer_macro"):
            judged = images["truth_chars"].to_numpy(dtype=float, na_value=np.nan) > 0
            edits = images["edits"].to_numpy(dtype=float, na_value=np.nan)
            length = images["truth_chars"].to_numpy(dtype=float, na_value=np.nan)
            if metric == "cer":
                out[metric] = _ratio(
                    weights, np.where(judged, edits, 0), np.where(judged, length, 0)
                )
            else:
                rate = np.where(judged, edits / np.where(judged, length, 1), 0)
                out[metric] = _ratio(weights, rate, judged.astype(float))
        elif metric == "wer":
            has = items["wer"].notna().to_numpy() if "wer" in items else np.zeros(len(items), bool)
            words = np.array([len(str(t).split()) for t in items["truth"].fillna("")]) * has
            wrong = items["wer"].fillna(0).to_numpy(dtype=float) * words if has.any() else words
            sums = _per_image(items, ids, {"wrong": wrong, "words": words})
            out[metric] = _ratio(weights, sums["wrong"], sums["words"])
        elif metric == "accuracy":
            verdict = items["correct"].astype("boolean")
            sums = _per_image(items, ids, {"right": verdict.fillna(False).to_numpy(dtype=float),
                                           "judged": verdict.notna().to_numpy(dtype=float)})  # fmt: skip
            out[metric] = _ratio(weights, sums["right"], sums["judged"])
        elif metric in ("ece_items", "ece_chars"):
            frame = items if metric == "ece_items" else chars
            out[metric] = _ece(weights, _ece_parts(frame, ids, bins, column))
        else:
            raise OcrframeError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    return out


def intervals(
    evaluation,
    metrics=None,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int | None = 0,
    column: str = "confidence",
    bins: int = 10,
) -> pd.DataFrame:
    """Each metric with a bootstrap percentile interval over images.

    ``cer`` is micro-averaged (all edits over all true characters: long pages weigh more),
    ``cer_macro`` the mean of the images' CERs (every image weighs the same); ``wer`` and
    ``accuracy`` (share of exactly right items) are over judged items, ``ece_items`` /
    ``ece_chars`` the expected calibration error of ``column``. Columns: ``metric``,
    ``estimate``, ``low``, ``high``, ``images``. A fixed ``seed`` gives the same interval.
    """
    metrics = _available(evaluation, metrics)
    images = evaluation.images
    n = len(images)
    if not n:
        raise OcrframeError("no images to resample")
    point = metric_samples(evaluation, np.ones((1, n)), metrics, bins=bins, column=column)
    boot = metric_samples(evaluation, _weights(n, n_boot, seed), metrics, bins=bins, column=column)
    alpha = (1 - level) / 2
    rows = []
    for metric in metrics:
        low, high = np.nanquantile(boot[metric], [alpha, 1 - alpha])
        rows.append((metric, float(point[metric][0]), float(low), float(high), n))
    return pd.DataFrame(rows, columns=["metric", "estimate", "low", "high", "images"])


def _available(evaluation, metrics) -> list[str]:
    """``metrics``, or every metric the evaluation's columns allow."""
    if metrics is not None:
        return list(metrics)
    needs = {"cer": (evaluation.images, "edits"), "cer_macro": (evaluation.images, "edits"),
             "wer": (evaluation.items, "wer"), "accuracy": (evaluation.items, "correct"),
             "ece_items": (evaluation.items, "correct"),
             "ece_chars": (evaluation.chars, "correct")}  # fmt: skip
    return [m for m in METRICS if needs[m][1] in needs[m][0]]


def cer_difference(
    a, b, *, n_boot: int = 2000, level: float = 0.95, seed: int | None = 0
) -> dict[str, float]:
    """Is engine ``a``'s CER different from ``b``'s on the same images? A paired bootstrap over
    the sources both evaluations judged: ``difference`` is ``cer_a - cer_b`` (micro), with its
    interval and a two-sided ``p_value``; ``significant`` when the interval leaves out 0.
    ``a`` and ``b`` are :class:`Evaluation` objects of the same truth."""
    cols = ["source", "edits", "truth_chars"]
    left = a.images[cols].dropna().groupby("source").sum()
    right = b.images[cols].dropna().groupby("source").sum()
    both = left.add_suffix("_a").join(right.add_suffix("_b"), how="inner")
    both = both[both["truth_chars_a"] > 0]
    if both.empty:
        raise OcrframeError("the two evaluations judged no source in common")
    n = len(both)
    weights = np.vstack([np.ones(n), _weights(n, n_boot, seed)])
    cer_a = _ratio(weights, both["edits_a"].to_numpy(float), both["truth_chars_a"].to_numpy(float))
    cer_b = _ratio(weights, both["edits_b"].to_numpy(float), both["truth_chars_b"].to_numpy(float))
    diff = cer_a - cer_b
    alpha = (1 - level) / 2
    low, high = np.quantile(diff[1:], [alpha, 1 - alpha])
    below, above = np.mean(diff[1:] <= 0), np.mean(diff[1:] >= 0)
    return {
        "sources": n,
        "cer_a": float(cer_a[0]),
        "cer_b": float(cer_b[0]),
        "difference": float(diff[0]),
        "low": float(low),
        "high": float(high),
        "p_value": float(min(1.0, 2 * min(below, above))),
        "significant": bool(low > 0 or high < 0),
    }
