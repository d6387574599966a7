"""Recalibration fitted on labels: generated responses whose errors follow their confidence, read
by the real readers, judged against their truth, fitted, saved, loaded and applied elsewhere."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import ocrframe
from ocrframe import analysis, schema

ALPHABET = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地abcdefghijklmnop0123456789"


def generated_set(seed: int, pages: int, engine: str = "rapidocr", version: str = "1.4.4"):
    """Legacy-general responses of ``pages`` pages and their truth. Each character is misread
    with a chance that falls as its confidence rises, but the engine is over-confident: a
    character at confidence c is right with chance c**3 — what a recalibration must correct."""
    rng = random.Random(seed)
    records, truth = [], []
    for page in range(pages):
        items, lines = [], []
        for line in range(6):
            true = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 10)))
            words, read = [], []
            level = rng.uniform(0.75, 1.0)  # lines differ in how hard they are
            for k, ch in enumerate(true):
                conf = min(1.0, max(0.5, level + rng.uniform(-0.05, 0.05)))
                got = ch if rng.random() < conf**3 else rng.choice(ALPHABET.replace(ch, ""))
                read.append(got)
                words.append({"character": got, "confidence": round(conf * 100, 3),
                              "wordcoord": {"x": 10 + 20 * k, "y": 30 * line, "width": 18,
                                            "height": 24}})  # fmt: skip
            items.append({"itemstring": "".join(read), "words": words,
                          "itemcoord": {"x": 10, "y": 30 * line, "width": 20 * len(true),
                                        "height": 24}})  # fmt: skip
            lines.append(true)
        source = f"page_{seed}_{page:03d}.png"
        response = {"code": 0, "message": "OK",
                    "data": {"session_id": f"s{page}", "items": items,
                             "engine": {"name": engine, "version": version}}}  # fmt: skip
        records.append({"source": source, "endpoint": "general", "engine": engine,
                        "response": response})  # fmt: skip
        truth.append({"source": source, "lines": lines,
                      "boxes": [[10, 30 * k, 20 * len(t), 24] for k, t in enumerate(lines)]})  # fmt: skip
    return records, truth


def read_set(tmp_path, seed: int, pages: int, **kwargs):
    records, truth = generated_set(seed, pages, **kwargs)
    path = tmp_path / f"set{seed}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return ocrframe.read_json(path), truth


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cal")
    res, truth = read_set(tmp, seed=1, pages=60)
    return analysis.fit_calibration(analysis.evaluate(res, truth)), tmp


def test_fit_save_load_in_a_fresh_process_apply_elsewhere(fitted, tmp_path):
    cal, _ = fitted
    other, _ = read_set(tmp_path, seed=2, pages=40)
    path = cal.save(tmp_path / "cal.json")
    assert path.stat().st_size < 20_000  # a small file
    here = cal.apply(other)

    # the same calibration, loaded by another Python, on the same result
    other.to_parquet(tmp_path / "other")
    script = (
        "import sys, ocrframe\n"
        "from ocrframe import analysis\n"
        "cal = analysis.Calibration.load(sys.argv[1])\n"
        "res = cal.apply(ocrframe.read_parquet(sys.argv[2]))\n"
        "res.to_parquet(sys.argv[3])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path), str(tmp_path / "other"),
                    str(tmp_path / "there")], check=True)  # fmt: skip
    there = ocrframe.read_parquet(tmp_path / "there")
    for table in ("items", "chars"):
        mine = getattr(here, table)["confidence_calibrated"]
        theirs = getattr(there, table)["confidence_calibrated"]
        assert mine.notna().all() and mine.dtype == schema.FLOAT32
        pd.testing.assert_series_equal(mine, theirs)  # identical values
        # every other column as it was: the contract's columns untouched
        before = getattr(other, table).drop(columns="confidence_calibrated")
        pd.testing.assert_frame_equal(getattr(here, table).drop(columns="confidence_calibrated"),
                                      before)  # fmt: skip
        assert list(getattr(here, table).columns) == list(schema.columns(table))


def test_the_map_is_monotone_and_corrects_over_confidence(fitted, tmp_path):
    cal, _ = fitted
    grid = np.linspace(0, 1, 201)
    for table in ("items", "chars"):
        values = cal.map_for(table, "rapidocr 1.4.4").predict(grid)
        assert (np.diff(values) >= 0).all()
        assert values.min() >= 0 and values.max() <= 1
    other, truth = read_set(tmp_path, seed=3, pages=60)
    judged = analysis.evaluate(cal.apply(other), truth)
    before = analysis.expected_calibration_error(judged.chars)
    after = analysis.expected_calibration_error(judged.chars, column="confidence_calibrated")
    assert before > 0.1  # c**3: an engine that is sure of itself and wrong
    assert after < before / 3


def test_the_calibrated_value_survives_parquet_and_concat(fitted, tmp_path):
    cal, _ = fitted
    res, _ = read_set(tmp_path, seed=4, pages=3)
    applied = cal.apply(res)
    back = ocrframe.read_parquet(applied.to_parquet(tmp_path / "pq"))
    pd.testing.assert_series_equal(back.items["confidence_calibrated"],
                                   applied.items["confidence_calibrated"])  # fmt: skip
    both = ocrframe.concat([applied, res])  # calibrated and not: one column, NA where not applied
    assert both.items["confidence_calibrated"].dtype == schema.FLOAT32
    n = len(applied.items)
    assert both.items["confidence_calibrated"][:n].notna().all()
    assert both.items["confidence_calibrated"][n:].isna().all()


def test_parquet_written_before_the_column_reads_with_it_na(tmp_path):
    res, _ = read_set(tmp_path, seed=5, pages=2)
    res.to_parquet(tmp_path / "new")
    import pyarrow.parquet as pq

    for table in ("items", "chars"):  # what an older ocrframe wrote: no such column
        path = tmp_path / "new" / f"{table}.parquet"
        old = pq.read_table(path).drop_columns(["confidence_calibrated"])
        pq.write_table(old, path)
    back = ocrframe.read_parquet(tmp_path / "new")
    assert back.items["confidence_calibrated"].isna().all()
    assert back.chars["confidence_calibrated"].dtype == schema.FLOAT32


def test_one_map_per_engine_and_model(tmp_path):
    a, ta = read_set(tmp_path, seed=6, pages=30, engine="rapidocr", version="1.4.4")
    b, tb = read_set(tmp_path, seed=7, pages=30, engine="rapidocr", version="3.10")
    both = ocrframe.concat([a, b])
    cal = analysis.fit_calibration(analysis.evaluate(both, ta + tb))
    assert set(cal.maps["items"]) == {"rapidocr 1.4.4", "rapidocr 3.10"}
    c, _ = read_set(tmp_path, seed=8, pages=2, engine="tesseract", version="5.3")
    with pytest.warns(analysis.OcrCalibrationWarning, match="tesseract 5.3"):
        applied = cal.apply(c)  # an engine it was not fitted on: NA, said aloud
    assert applied.items["confidence_calibrated"].isna().all()


def test_all_right_warns_and_still_gives_a_monotone_map(tmp_path):
    records, truth = generated_set(9, 5)
    for rec, t in zip(records, truth):  # the truth is what was read: every item right
        t["lines"] = [item["itemstring"] for item in rec["response"]["data"]["items"]]
    path = tmp_path / "right.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    ev = analysis.evaluate(ocrframe.read_json(path), truth)
    with pytest.warns(
        analysis.OcrCalibrationWarning,
        match=r"every one of .* rows is right; the map is the constant 0\.9",
    ):
        cal = analysis.fit_calibration(ev)
    values = cal.map_for("items", "rapidocr 1.4.4").predict(np.linspace(0, 1, 11))
    n = int(ev.items["correct"].notna().sum())  # n right of n: Laplace's (n + 1) / (n + 2)
    assert (np.diff(values) >= 0).all() and (values == (n + 1) / (n + 2)).all()


def test_by_a_column_fits_each_value_and_falls_back_for_thin_ones(fitted, tmp_path):
    res, truth = read_set(tmp_path, seed=10, pages=60)
    res.items["half"] = np.where(res.items["image_id"] < 30, "first", "second")
    ev = analysis.evaluate(res, truth)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both halves have rows and errors enough
        cal = analysis.fit_calibration(ev, by="half")
    assert {"rapidocr 1.4.4 | first", "rapidocr 1.4.4 | second", "rapidocr 1.4.4 | *"} <= set(
        cal.maps["items"]
    )
    # each half's map refines the model's: chained the same way after a save and a load
    assert cal.maps["items"]["rapidocr 1.4.4 | first"].after == "rapidocr 1.4.4 | *"
    loaded = analysis.Calibration.load(cal.save(tmp_path / "by.json"))
    pd.testing.assert_series_equal(loaded.apply(res).items["confidence_calibrated"],
                                   cal.apply(res).items["confidence_calibrated"])  # fmt: skip
    first = res.items["half"] == "first"
    refined = cal.apply(res).items.loc[first, "confidence_calibrated"].to_numpy(dtype=float)
    pooled_only = cal.map_for("items", "rapidocr 1.4.4", "*").predict(
        res.items.loc[first, "confidence"].to_numpy(dtype=float)
    )
    assert not np.allclose(refined, pooled_only)  # the value's own map did something
    res.items["half"] = "unseen"  # a value never fitted: the model's map over all its rows
    applied = cal.apply(res)
    expected = cal.map_for("items", "rapidocr 1.4.4", "*").predict(
        res.items["confidence"].to_numpy(dtype=float)
    )
    np.testing.assert_allclose(applied.items["confidence_calibrated"].to_numpy(dtype=float),
                               expected.astype(np.float32), rtol=1e-6)  # fmt: skip
    with pytest.raises(ocrframe.OcrframeError, match="by='nope' is not a column"):
        analysis.fit_calibration(ev, by="nope")


def test_review_tools_take_either_confidence(fitted, tmp_path):
    cal, _ = fitted
    res, truth = read_set(tmp_path, seed=11, pages=30)
    ev = analysis.evaluate(cal.apply(res), truth)
    column = "confidence_calibrated"
    curve = analysis.review_curve(ev.items, column=column)
    assert curve["threshold"].isin([*ev.items[column].astype(float), 0.0]).sum() >= 2
    threshold = analysis.suggest_threshold(ev.items, 0.05, column=column)
    accepted = ev.items[ev.items[column] >= threshold]
    assert 1 - accepted["correct"].astype(bool).mean() <= 0.05
    low = ev.items.ocr.below(0.5, column=column)
    assert (low[column] < 0.5).all() and len(low) == int((ev.items[column] < 0.5).sum())
    with pytest.raises(ocrframe.OcrframeError, match="confidence_calibrated"):
        analysis.review_curve(analysis.evaluate(res, truth).items.drop(columns=column), column)


def test_a_bad_calibration_file_is_named(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text('{"maps": {}}', "utf-8")
    with pytest.raises(ocrframe.OcrframeError, match=r"cal\.json: not an ocrframe calibration"):
        analysis.Calibration.load(path)
    with pytest.raises(ocrframe.OcrframeError, match=r"nothing\.json: cannot read"):
        analysis.Calibration.load(tmp_path / "nothing.json")
