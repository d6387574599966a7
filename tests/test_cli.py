"""The ``ocrframe`` command, run as a user runs it: a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import ocrframe
from ocrframe import analysis


@pytest.fixture(scope="module")
def replaying(sample_reading) -> tuple[str, str]:
    """``ocrframe recognize`` arguments that answer the samples with this run's readings."""
    return "--replay", str(sample_reading[0])


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ocrframe", *args], capture_output=True, text=True, cwd=cwd
    )


def test_recognize_writes_parquet_that_reads_back_with_text_and_boxes(tmp_path, replaying):
    records = ocrframe.samples(truth=True)[:3]
    out = tmp_path / "res"
    sources = [r["source"] for r in records]
    done = run("recognize", *sources, "-o", str(out), "--no-progress", *replaying)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    res = ocrframe.read_parquet(out)
    assert res.images["source"].tolist() == [r["source"] for r in records]
    for img, rec in zip(res.images.itertuples(), records):
        chars = res.chars[res.chars["image_id"] == img.image_id]
        errors = analysis.line_errors(chars, rec["lines"], rec["boxes"])
        assert errors["edits"].sum() / errors["length"].sum() <= 0.02
        printed = chars[chars["char"] != " "]  # a space between words has no box
        assert printed["x"].notna().mean() >= 0.95
    assert res.raw[0]["data"]["engine"]["name"] == "rapidocr"


def test_recognize_csv_jsonl_and_printing(tmp_path, replaying):
    sample = ocrframe.samples()[1]
    csv = run("recognize", sample, "-o", str(tmp_path / "c.csv"), "--level", "chars", *replaying)
    assert csv.returncode == 0
    chars = pd.read_csv(tmp_path / "c.csv")
    assert {"char", "confidence", "x"} <= set(chars.columns) and len(chars) > 50
    assert run("recognize", sample, "-o", str(tmp_path / "r.jsonl"), *replaying).returncode == 0
    again = ocrframe.read_json(tmp_path / "r.jsonl")
    assert again.items["text"].str.contains("Optical").any()
    printed = run("recognize", sample, "--no-progress", *replaying)
    assert printed.returncode == 0 and "Optical character recognition" in printed.stdout


def test_failed_images_exit_1_with_one_line_and_still_write(tmp_path, replaying):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    done = run("recognize", ocrframe.samples()[0], str(bad), "-o", str(tmp_path / "o"), *replaying)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("ocrframe: 1 of 2 images failed")
    assert len(ocrframe.read_parquet(tmp_path / "o").images) == 2


def test_bad_arguments_exit_2_with_a_message(tmp_path):
    done = run("recognize", ocrframe.samples()[0], "-e", "minorlanguage", "--language", "fr")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ocrframe: error: argument --language: invalid choice: 'fr' (choose from 'zh', 'por', "
        "'fre', 'ger', 'spa', 'jap', 'kor', 'lat') (see ocrframe recognize --help)"
    )
    assert run("convert", str(tmp_path / "none.json")).returncode == 2
    assert run("frobnicate").returncode == 2


def one_line_exit_2(done: subprocess.CompletedProcess, says: str) -> None:
    """What every bad argument gives: exit 2, nothing on stdout, one line on stderr."""
    assert done.returncode == 2, done
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ocrframe: error: "), done.stderr
    assert says in lines[0]


def test_a_missing_file_is_named_as_missing_with_exit_2(tmp_path):
    one_line_exit_2(run("recognize", "missing.png", cwd=tmp_path), "no such file: missing.png")
    # among good files too: said before any recognition
    good = ocrframe.samples()[0]
    one_line_exit_2(run("recognize", good, "gone.png", cwd=tmp_path), "no such file: gone.png")


def test_bad_ports_and_counts_are_refused_in_one_line_before_any_work(tmp_path):
    for port in ("99999999", "-5", "http"):
        one_line_exit_2(run("serve", "--no-auth", "--port", port), "is not a port (0-65535)")
    for size in ("0", "-3"):
        done = run("recognize", ocrframe.samples()[0], "-o", str(tmp_path / "d"),
                   "--batch-size", size)  # fmt: skip
        one_line_exit_2(done, "is not a count (1 or more)")
    assert not (tmp_path / "d").exists()  # nothing was started
    alone = run("recognize", ocrframe.samples()[0], "--batch-size", "5")
    one_line_exit_2(alone, "need -o DIR")
    for flag, value in (("--workers", "0"), ("--queue", "0"), ("--latency-ms", "-1")):
        one_line_exit_2(run("serve", "--no-auth", flag, value), f"argument {flag}")
    one_line_exit_2(
        run("serve", "--no-auth", "--replay", str(tmp_path / "no")), "no such directory"
    )
    one_line_exit_2(run("recognize", ocrframe.samples()[0], "-o", "x.txt"), "unknown output type")
    one_line_exit_2(run("recognize", ocrframe.samples()[0], "--card-type", "2"), "--card-type")


def test_a_port_in_use_is_said_in_one_line(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        one_line_exit_2(run("serve", "--no-auth", "--port", port), "address already in use")


def test_convert_saved_responses_to_parquet(tmp_path):
    out = tmp_path / "conv"
    done = run("convert", ocrframe.data_path("responses/*.json"), "-o", str(out))
    assert done.returncode == 1  # two bundled responses are failures, and say so
    res = ocrframe.read_parquet(out)
    with pytest.warns(ocrframe.OcrScaleWarning):  # the real general service answers on 0-1
        everything = ocrframe.read_json(ocrframe.data_path("responses"))
    assert len(res.images) == len(everything.images) and res.cells.equals(everything.cells)


def test_convert_makes_a_damaged_file_a_failed_row_and_reads_the_rest(tmp_path):
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"code": 0, "data": {"items": [{"itemstring": 5}]}}')
    good = ocrframe.data_path("responses/general.json")
    done = run("convert", good, str(damaged), "-o", str(tmp_path / "out.csv"), "--level", "images")
    assert done.returncode == 1 and "1 of 2 images failed" in done.stderr
    images = pd.read_csv(tmp_path / "out.csv")
    assert images["code"].tolist() == [0, -9]
    assert "data.items[0].itemstring" in images.loc[1, "message"]


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


@pytest.mark.engine  # the demo reads the samples with the local engine
def test_demo_recognises_the_samples(tmp_path):
    done = run("demo", "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "通用文字识别" in done.stdout and "Optical character recognition" in done.stdout
    # an 80-column terminal or a log shows every table whole (a CJK character takes two)
    from ocrframe.cli import display_width

    tables = [line for line in done.stdout.splitlines() if str(tmp_path) not in line]
    widest = max(tables, key=display_width)
    assert display_width(widest) <= 80, widest
    header = next(line for line in tables if "file" in line).split()
    assert header == ["image", "file", "code", "items", "chars", "mean", "conf", "min", "conf"]
    res = ocrframe.read_parquet(tmp_path / "demo")
    assert len(res.images) == len(ocrframe.samples()) and res.images["ok"].all()
    from PIL import Image

    assert Image.open(tmp_path / "demo.png").size[0] > 600  # the annotated samples


def test_files_for_other_tools_from_recognize_and_back_through_convert(tmp_path, replay, replaying):
    sample = next(s for s in ocrframe.samples() if s.endswith("en_document.png"))
    alto = tmp_path / "alto"
    done = run("recognize", sample, "--to", "alto", "-o", str(alto), "--no-progress", *replaying)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in alto.iterdir()] == ["en_document.xml"]
    back = run("convert", str(alto), "-o", str(tmp_path / "back.parquet"))  # a folder of XML
    assert back.returncode == 0, back.stderr
    table = pd.read_parquet(tmp_path / "back.parquet")
    res = ocrframe.recognize(sample, engine=replay, progress=False)
    assert table["text"].tolist() == res.items["text"].tolist()
    assert set(table["endpoint"]) == {"alto"}
    pdf = run("recognize", sample, "-o", str(tmp_path / "en.pdf"), "--no-progress", *replaying)
    assert pdf.returncode == 0, pdf.stderr
    import pypdfium2

    text = pypdfium2.PdfDocument(tmp_path / "en.pdf")[0].get_textpage().get_text_range()
    assert text.split() == " ".join(res.items["text"]).split()


def test_convert_writes_every_format_of_saved_responses(tmp_path):
    response = ocrframe.data_path("responses/api3_general_basic.json")
    for fmt, name in [("hocr", "api3_general_basic.hocr"), ("page_xml", "api3_general_basic.xml"),
                      ("text", "api3_general_basic.txt"), ("label_studio", "tasks.json")]:  # fmt: skip
        done = run("convert", response, "--to", fmt, "-o", str(tmp_path / fmt))
        assert done.returncode == 0, done.stderr
        assert [p.name for p in (tmp_path / fmt).iterdir()] == [name]
    pdf = run("convert", response, "-o", str(tmp_path / "x.pdf"))
    # no picture at hand: the text layer lies on blank pages, and the user is told
    assert pdf.returncode == 0 and "blank pages" in pdf.stderr
    one_line_exit_2(
        run("convert", response, "--to", "alto", "-o", str(tmp_path / "a.xml")), "-o DIR"
    )


def test_replay_answers_from_saved_records_and_names_what_it_lacks(tmp_path, replaying):
    from PIL import Image

    sample, other = ocrframe.samples()[1], tmp_path / "other.png"
    Image.new("RGB", (40, 20), "white").save(other)  # a picture no record answers
    done = run("recognize", sample, str(other), "-o", str(tmp_path / "r"), *replaying)
    assert done.returncode == 1, done.stderr
    res = ocrframe.read_parquet(tmp_path / "r")
    assert res.images["code"].tolist() == [0, -13]
    assert res.images["engine"].tolist() == ["rapidocr", "replay"]
    assert "no recorded response (replay)" in res.images.loc[1, "message"]
    assert res.images.loc[1, "message"].endswith("other.png as general {}")
    assert res.items["text"].str.contains("Optical").any()
    one_line_exit_2(run("recognize", sample, "--engine", "local", *replaying), "--replay")
    one_line_exit_2(
        run("recognize", sample, "--replay", str(tmp_path / "none")), "no such directory"
    )


def test_max_pixels_and_text_layer_options_reach_the_reading(tmp_path, replaying):
    sample = ocrframe.samples()[0]  # zh_document.png, 700 x 300 or so: over 1,000 pixels
    out = tmp_path / "limited.parquet"
    done = run("recognize", sample, "--max-pixels", "1000", "-o", str(out), *replaying)
    assert done.returncode == 1
    row = pd.read_parquet(tmp_path / "limited.parquet")  # items: none; the failure is said
    assert row.empty and "more than max_pixels=1,000" in done.stderr
    from documents import born_digital_pdf

    pdf = born_digital_pdf(tmp_path / "report.pdf")
    layer = tmp_path / "layer.parquet"
    done = run("recognize", str(pdf), "--text-layer", "only", "-o", str(layer), "--level", "images")
    assert done.returncode == 0, done.stderr
    assert pd.read_parquet(layer)["engine"].tolist() == ["pdf-text", "pdf-text"]


def test_the_workers_flag_reads_as_one_process_does(tmp_path):
    from documents import born_digital_pdf

    pdf = str(born_digital_pdf(tmp_path / "born.pdf"))
    other = str(born_digital_pdf(tmp_path / "other.pdf", title="Another report"))
    for flags, name in (((), "alone"), (("--workers", "2"), "two")):
        done = run("recognize", pdf, other, "--engine", "pdf-text", "--no-progress", *flags,
                   "-o", str(tmp_path / f"{name}.parquet"))  # fmt: skip
        assert done.returncode == 0, done.stderr
    two = pd.read_parquet(tmp_path / "two.parquet")
    pd.testing.assert_frame_equal(two, pd.read_parquet(tmp_path / "alone.parquet"))
    assert len(two) == 12  # three lines on each of two pages, of two files
    assert two["text"].iloc[[0, 6]].tolist() == [
        "Quarterly report, page 1",
        "Another report, page 1",
    ]
    for flag in ("--workers", "--threads"):
        one_line_exit_2(run("recognize", pdf, flag, "0"), "is not a count (1 or more)")
    pdf_text_threads = run("recognize", pdf, "--engine", "pdf-text", "--threads", "1")
    one_line_exit_2(pdf_text_threads, "engine 'pdf-text' has none")
