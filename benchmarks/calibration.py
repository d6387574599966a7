"""Does the local engine's confidence tell the truth, and does a fitted recalibration fix it?

Generates N hard pages with their truth (``ocrframe.sample_images.hard_pages``: the seven
conditions take turns), reads them with the local engine, splits them by image into a fit half
and a held-out half, and prints, on the held-out half:

* how well each way of taking an item's confidence ranks its errors (AUROC of "item is wrong"),
* the expected calibration error (ECE) of items and characters per condition, before and after
  recalibration, with 95% bootstrap intervals over images, for isotonic and Platt maps fitted
  per engine and per engine and condition,
* the review threshold chosen on the fit half for at most 1% wrong accepted items, and what it
  sends to review on the held-out half, before and after.

    python benchmarks/calibration.py [--images 2450] [--seed 3] [--cache out/bench-calibration]

2,450 pages (350 per condition, about 175 held out: 300 or more held-out items in every
condition, low contrast included, whose pages often yield one line or none) take about twenty
minutes to read on two cores;
``--cache DIR`` keeps the pages and their reading, so a second run reads only new pages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.metrics import roc_auc_score

import ocrframe
from ocrframe import analysis
from ocrframe.sample_images import hard_pages

CAL = "confidence_calibrated"


def read_pages(
    n: int, seed: int, cache: Path | None
) -> tuple[ocrframe.OcrResult, pd.DataFrame, float]:
    """The engine's reading of ``n`` hard pages and their manifest. With ``cache``, the pages
    and an ocrframe dataset of their reading stay there, and a later run resumes it: pages
    already read are not read again (the first pages of a seed are the same for any ``n``)."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) if cache is None else cache / f"seed-{seed}"
        manifest = hard_pages.write_set(where / "pages", n=n, seed=seed)
        start = time.perf_counter()
        data = ocrframe.recognize(manifest["source"].tolist(), out=where / "read", resume=True,
                                  progress=False)  # fmt: skip
        seconds = time.perf_counter() - start
        res = data.load()
    ours = set(manifest["source"])
    res = res.select(res.images.loc[res.images["source"].isin(ours), "image_id"])
    manifest["source"] = [Path(s).name for s in manifest["source"]]
    res.images["source"] = [Path(s).name for s in res.images["source"]]
    return res, manifest, seconds


def with_condition(ev: analysis.Evaluation, manifest: pd.DataFrame) -> analysis.Evaluation:
    condition = dict(zip(manifest["source"], manifest["condition"]))
    ev.images["condition"] = ev.images["source"].map(condition)
    by_image = dict(zip(ev.images["image_id"], ev.images["condition"]))
    for frame in (ev.items, ev.chars):
        frame["condition"] = frame["image_id"].map(by_image)
    return ev


def per_condition(ev: analysis.Evaluation):
    yield "all", ev
    for condition in hard_pages.CONDITIONS:
        ids = ev.images.loc[ev.images["condition"] == condition, "image_id"]
        yield condition, ev.select(ids)


def ece_cell(ev: analysis.Evaluation, metric: str, column: str) -> str:
    row = analysis.intervals(ev, [metric], column=column, n_boot=400).iloc[0]
    return f"{row['estimate']:.3f} [{row['low']:.3f}-{row['high']:.3f}]"


def auroc_table(ev: analysis.Evaluation) -> pd.DataFrame:
    judged = ev.items[ev.items["correct"].notna()]
    wrong = ~judged["correct"].astype(bool)
    rows = []
    for how in analysis.ITEM_SCORES:
        score = analysis.item_scores(judged, ev.chars, how).astype(float)
        rows.append({"item score": how, "AUROC (item is wrong)": roc_auc_score(wrong, -score)})
    return pd.DataFrame(rows)


def review(fit: analysis.Evaluation, held: analysis.Evaluation, column: str) -> dict:
    """The 1% threshold chosen on the fit half, and what it does on the held-out half."""
    threshold = analysis.suggest_threshold(fit.items, 0.01, column=column)
    judged = held.items.dropna(subset=[column, "correct"])
    sent = judged[column] < threshold
    accepted = judged[~sent]
    return {
        "column": column,
        "threshold": threshold,
        "held-out reviewed": sent.mean(),
        "held-out wrong accepted": 1 - accepted["correct"].astype(bool).mean(),
        "best on held-out (1%)": analysis.review_curve(held.items, column)
        .query("residual_error <= 0.01")["reviewed_share"]
        .iloc[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2450)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    res, manifest, seconds = read_pages(args.images, args.seed, args.cache)
    truth = [{"source": s, "lines": ln, "boxes": b}
             for s, ln, b in zip(manifest["source"], manifest["lines"], manifest["boxes"])]  # fmt: skip
    ev = with_condition(analysis.evaluate(res, truth), manifest)
    fit, held = ev.split(0.5, seed=args.seed)
    print(f"{args.images} generated pages, {len(ev.items)} items, {len(ev.chars)} characters; "
          f"{seconds:.0f} s reading (pages in the cache are not read again); fit on "
          f"{len(fit.images)} pages, held out {len(held.images)} ({len(held.items)} items)\n")  # fmt: skip

    print("how an item's confidence ranks its errors (all pages):")
    print(auroc_table(ev).to_string(index=False, float_format="{:.3f}".format), "\n")

    variants = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", analysis.OcrCalibrationWarning)
        for method in analysis.recalibration.METHODS:
            for by in (None, "condition"):
                cal = analysis.fit_calibration(fit, by=by, method=method)
                variants[(method, by)] = cal.apply(held)
    print("held-out ECE of items and characters, 95% intervals over images (per engine / per "
          "engine and condition):")  # fmt: skip
    rows = []
    for (method, by), calibrated in variants.items():
        for name, part in per_condition(calibrated):
            rows.append({"method": method, "by": by or "-", "condition": name,
                         "items": len(part.items),
                         "ECE items": analysis.expected_calibration_error(part.items, column=CAL),
                         "ECE chars": analysis.expected_calibration_error(part.chars, column=CAL)})  # fmt: skip
    methods = pd.DataFrame(rows)
    summary = methods.groupby(["method", "by"]).agg(
        ece_items_all=("ECE items", "first"), ece_items_worst=("ECE items", "max"),
        ece_chars_all=("ECE chars", "first"), ece_chars_worst=("ECE chars", "max"),
    )  # fmt: skip
    print(summary.to_string(float_format="{:.3f}".format), "\n")

    best = variants[("isotonic", "condition")]
    table = []
    for name, part in per_condition(best):
        table.append({"condition": name, "pages": len(part.images), "items": len(part.items),
                      "CER": part.cer,
                      "ECE items before": ece_cell(part, "ece_items", "confidence"),
                      "after": ece_cell(part, "ece_items", CAL),
                      "ECE chars before": ece_cell(part, "ece_chars", "confidence"),
                      "after ": ece_cell(part, "ece_chars", CAL)})  # fmt: skip
    print("held-out, isotonic per engine and condition (the documented default):")
    print(pd.DataFrame(table).to_string(index=False, float_format="{:.3f}".format), "\n")

    fitted = analysis.fit_calibration(fit, by="condition").apply(fit)
    reviews = pd.DataFrame([review(fit, held, "confidence"), review(fitted, best, CAL)])
    print("review at <= 1% wrong accepted items (threshold chosen on the fit half):")
    print(reviews.to_string(index=False, float_format="{:.3f}".format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
