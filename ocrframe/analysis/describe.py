"""Results described with or without truth: confidence statistics, failures, page text, two
engines side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OcrframeError
from .evaluation import evaluate
from .text import cer
from .uncertainty import cer_difference

DEFAULT_THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


# -- describing results ------------------------------------------------------------------------
def summary(
    result, by: str | None = "endpoint", thresholds=DEFAULT_THRESHOLDS, level: str = "items"
):
    """Confidence statistics per ``by`` (``endpoint``, ``engine``, ``field``, ``source``,
    ``image_id`` … or ``None``): count, mean, median, quantiles and the share below each
    threshold, with the number of images and of failed images where ``by`` is an image column."""
    frame = result.with_image_columns(level)
    if by is not None and by not in frame:
        raise OcrframeError(f"by={by!r} is not a column (have {list(frame.columns)})")
    groups = [("all", frame)] if by is None else list(frame.groupby(by, dropna=False))
    rows = []
    for key, group in groups:
        conf = group["confidence"].dropna().astype(float)
        row = {
            by or "group": key,
            "count": len(group),
            "with_confidence": len(conf),
            "mean": conf.mean(),
            "median": conf.median(),
            "q05": conf.quantile(0.05),
            "q25": conf.quantile(0.25),
            "min": conf.min(),
        }
        for t in thresholds:
            row[f"below_{t:g}"] = float((conf < t).mean()) if len(conf) else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    if by in ("endpoint", "engine", "source", "image_id"):
        imgs = result.images.groupby(by, dropna=False).agg(
            images=("image_id", "size"), failed=("ok", lambda s: int((~s).sum()))
        )
        table = table.merge(imgs, left_on=by, right_index=True, how="outer")
    return table


def failures(result) -> pd.DataFrame:
    """Failed images counted by endpoint, code and message."""
    failed = result.images[~result.images["ok"]]
    return (
        failed.groupby(["endpoint", "code", "message"], dropna=False)
        .size()
        .rename("images")
        .reset_index()
        .sort_values("images", ascending=False, ignore_index=True)
    )


def page_text(result, image_id: int) -> str:
    """The image's items in reading order (top to bottom, then left to right), joined."""
    items = result.items[result.items["image_id"] == image_id]
    if items[["x", "y"]].notna().all(axis=None):
        items = items.sort_values(["y", "x"])
    return "\n".join(items["text"].dropna())


def compare_engines(a, b, truth=None, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """The same images through two engines, side by side per source: how far their page texts
    agree (1 - CER between them) and, with ``truth``, each engine's CER against it.

    With ``truth``, ``table.attrs["difference"]`` says whether the engines' CERs differ on this
    data (:func:`cer_difference`: the difference ``a - b``, its 95% interval, ``p_value`` and
    ``significant``)."""
    na, nb = names
    rows = []
    ev_a = evaluate(a, truth) if truth is not None else None
    ev_b = evaluate(b, truth) if truth is not None else None
    b_by_source = dict(zip(b.images["source"], b.images["image_id"]))
    for img in a.images.itertuples():
        if img.source not in b_by_source:
            continue
        ta, tb = page_text(a, img.image_id), page_text(b, b_by_source[img.source])
        row = {"source": img.source, f"text_{na}": ta, f"text_{nb}": tb,
               "agreement": max(0.0, 1.0 - cer(ta, tb))}  # fmt: skip
        if truth is not None:
            row[f"cer_{na}"] = ev_a.images.loc[ev_a.images["image_id"] == img.image_id, "cer"].iloc[
                0
            ]
            row[f"cer_{nb}"] = ev_b.images.loc[
                ev_b.images["image_id"] == b_by_source[img.source], "cer"
            ].iloc[0]
        rows.append(row)
    table = pd.DataFrame(rows)
    if truth is not None and len(table):
        # is the difference real on this data? a paired bootstrap over the common sources
        table.attrs["difference"] = cer_difference(ev_a, ev_b)
    return table
