"""The hard sample set: the same pages on every run, truth that fits them, and errors to show."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ocrframe
from ocrframe import analysis
from ocrframe.sample_images import hard_pages


def test_the_same_seed_draws_the_same_pages(tmp_path):
    first = hard_pages.write_set(tmp_path / "a", n=7, seed=4)
    second = hard_pages.write_set(tmp_path / "b", n=7, seed=4)
    other = hard_pages.write_set(tmp_path / "c", n=7, seed=5)
    for a, b, c in zip(first["source"], second["source"], other["source"]):
        assert Path(a).read_bytes() == Path(b).read_bytes()
        assert Path(a).read_bytes() != Path(c).read_bytes()
    assert first["condition"].tolist() == list(hard_pages.CONDITIONS)  # each condition in turn


def test_truth_fits_the_pictures_and_reads_as_truth(tmp_path):
    manifest = hard_pages.write_set(tmp_path, n=14, seed=0)
    records = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert [r["source"] for r in records] == [p.split("/")[-1] for p in manifest["source"]]
    for row in manifest.itertuples():
        with Image.open(row.source) as img:
            width, height = img.size
        for x, y, w, h in row.boxes:  # every line's box inside its picture, around ink
            assert min(x, y) >= 0 and x + w <= width and y + h <= height and min(w, h) > 0
        if row.condition in ("clean", "small"):  # no rotation or noise: the box holds the ink
            ink = np.asarray(Image.open(row.source).convert("L")) < 128
            x, y, w, h = row.boxes[0]
            assert ink[y : y + h, x : x + w].sum() > 0.9 * ink[: y + h + 2].sum()
    truth = analysis.read_truth(tmp_path / "truth.jsonl")
    assert len(truth) == sum(len(lines) for lines in manifest["lines"])


def test_an_unknown_condition_is_named():
    with pytest.raises(ocrframe.OcrframeError, match="unknown condition 'fog'"):
        hard_pages.make("fog", seed=0)


@pytest.mark.engine  # reads 14 pages with the local engine
def test_the_local_engine_makes_errors_to_learn_from(tmp_path):
    manifest = hard_pages.write_set(tmp_path, n=14, seed=0)  # two pages per condition
    res = ocrframe.recognize(manifest["source"].tolist(), progress=False)
    ev = analysis.evaluate(res, tmp_path / "truth.jsonl")
    assert ev.cer > 0.01  # unlike the bundled samples, read without an error
    assert len(analysis.calibration(ev.chars)) >= 3  # a reliability diagram with several bins
