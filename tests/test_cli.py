"""The ``ocrframe`` command, run as a user runs it: a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

import ocrframe
from ocrframe import analysis


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ocrframe", *args], capture_output=True, text=True, cwd=cwd
    )


def test_recognize_writes_parquet_that_reads_back_with_text_and_boxes(tmp_path):
    records = ocrframe.samples(truth=True)[:3]
    out = tmp_path / "res.parquet"
    done = run("recognize", *[r["source"] for r in records], "-o", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    res = ocrframe.read_parquet(out)
    assert res.images["source"].tolist() == [r["source"] for r in records]
    for img, rec in zip(res.images.itertuples(), records):
        chars = res.chars[res.chars["image_id"] == img.image_id]
        errors = analysis.line_errors(chars, rec["lines"], rec["boxes"])
        assert errors["edits"].sum() / errors["length"].sum() <= 0.02
        assert chars["x"].notna().mean() >= 0.95
    assert res.raw[0]["data"]["engine"]["name"] == "rapidocr"


def test_recognize_csv_jsonl_and_printing(tmp_path):
    sample = ocrframe.samples()[1]
    assert (
        run("recognize", sample, "-o", str(tmp_path / "c.csv"), "--level", "chars").returncode == 0
    )
    chars = pd.read_csv(tmp_path / "c.csv")
    assert {"char", "confidence", "x"} <= set(chars.columns) and len(chars) > 50
    assert run("recognize", sample, "-o", str(tmp_path / "r.jsonl")).returncode == 0
    again = ocrframe.read_json(tmp_path / "r.jsonl")
    assert again.items["text"].str.contains("Optical").any()
    printed = run("recognize", sample, "--no-progress")
    assert printed.returncode == 0 and "Optical character recognition" in printed.stdout


def test_failed_images_exit_1_with_one_line_and_still_write(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    done = run("recognize", ocrframe.samples()[0], str(bad), "-o", str(tmp_path / "o.parquet"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("ocrframe: 1 of 2 images failed")
    assert len(ocrframe.read_parquet(tmp_path / "o.parquet").images) == 2


def test_bad_arguments_exit_2_with_a_message(tmp_path):
    done = run("recognize", ocrframe.samples()[0], "-e", "minorlanguage", "--language", "fr")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ocrframe: error: minorlanguage: language='fr'; "
        "allowed: ['zh', 'por', 'fre', 'ger', 'spa', 'jap', 'kor', 'lat']"
    )
    assert run("convert", str(tmp_path / "none.json")).returncode == 2
    assert run("frobnicate").returncode == 2


def test_convert_saved_responses_to_parquet(tmp_path):
    out = tmp_path / "conv"
    done = run("convert", ocrframe.data_path("responses/*.json"), "-o", str(out))
    assert done.returncode == 1  # two bundled responses are failures, and say so
    res = ocrframe.read_parquet(out)
    assert len(res.images) == len(ocrframe.read_json(ocrframe.data_path("responses")).images)


def test_convert_to_jsonl_writes_one_line_per_response_that_reads_back(tmp_path):
    pretty = ocrframe.data_path("responses/general.json")  # indented over many lines
    batch = ocrframe.data_path("responses/idcard_back_file.json")
    out = tmp_path / "raw.jsonl"
    done = run("convert", pretty, batch, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    back, original = ocrframe.read_json(out), ocrframe.read_json([pretty, batch])
    assert list(back.raw) == list(original.raw)
    pd.testing.assert_frame_equal(back.chars, original.chars)
    tsv = run("convert", ocrframe.data_path("responses/tesseract_data.tsv"), "-o", str(out))
    assert tsv.returncode == 2 and "text format" in tsv.stderr and "Traceback" not in tsv.stderr


def test_demo_recognises_the_samples(tmp_path):
    done = run("demo", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "通用文字识别" in done.stdout and "Optical character recognition" in done.stdout
    res = ocrframe.read_parquet(tmp_path / "demo.parquet")
    assert len(res.images) == len(ocrframe.samples()) and res.images["ok"].all()
    from PIL import Image

    assert Image.open(tmp_path / "demo.png").size[0] > 600  # the annotated samples
