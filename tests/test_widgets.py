"""The notebook apps, driven from Python as a script would, with assertions on what they show."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import ocrframe
from ocrframe.widgets import Recognizer, Reviewer


def upload_value(*paths: str) -> tuple:
    now = datetime.datetime.now(datetime.timezone.utc)
    return tuple(
        {"name": Path(p).name, "type": "image/png", "size": Path(p).stat().st_size,
         "content": memoryview(Path(p).read_bytes()), "last_modified": now}
        for p in paths
    )  # fmt: skip


@pytest.fixture(scope="module")
def app_after_run(sample_reading):
    app = Recognizer(replay=sample_reading[0])
    paths = [p for p in ocrframe.samples() if p.endswith(("en_document.png", "receipt.png"))]
    app.upload.value = upload_value(*paths)
    app.run_button.click()
    return app


def test_run_shows_picture_table_and_result(app_after_run):
    app = app_after_run
    assert isinstance(app.result, ocrframe.OcrResult)
    assert app.result.images["source"].tolist() == ["en_document.png", "receipt.png"]
    assert "2 image(s)" in app.status.value
    assert app.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Optical character recognition turns images" in app.table.value
    assert app.progress.value == app.progress.max == 2


def test_slider_filters_the_table_and_redraws(app_after_run):
    app = app_after_run
    everything = len(app.visible_items())
    before = app.image.value
    items = app.result.items
    shown_image = items[items["image_id"] == app.image_choice.value]
    app.threshold.value = float(shown_image["confidence"].median())
    shown = app.visible_items()
    assert 0 < len(shown) < everything
    assert (shown["confidence"] <= app.threshold.value).all()
    assert f"{len(shown)} of" in app.table.value
    assert app.image.value != before  # thick boxes below the threshold
    app.threshold.value = 1.0
    app.image_choice.value = 1
    assert "好又多超市" in app.table.value


def test_errors_show_in_the_app_and_it_stays_usable(tmp_path, sample_reading):
    app = Recognizer(out_dir=tmp_path, replay=sample_reading[0])
    app.run_button.click()
    assert "upload an image or type a path" in app.status.value
    assert "Traceback" not in app.status.value
    assert app.engine.value == "replay"  # the recorded answers, chosen when given
    app.endpoint.value = "minorlanguage"
    assert app.language.layout.display is None  # the option appears for its endpoint
    app.paths.value = f"{ocrframe.samples()[1]}\n{tmp_path / 'missing.png'}"
    app.endpoint.value = "general"
    app.run_button.click()
    assert "missing.png: -6 no such file" in app.status.value  # the failure, readable
    assert "Optical" in app.table.value  # and the good image
    app.save_parquet.click()
    assert ocrframe.read_parquet(tmp_path / "ocrframe-result.parquet").images.shape[0] == 2
    app.save_csv.click()
    assert (tmp_path / "ocrframe-items.csv").read_text().startswith("image_id,item_id")
    assert "download" in app.export_status.value


def test_reviewer_pages_worst_first_and_records_decisions(tmp_path, replay):
    res = ocrframe.recognize(ocrframe.samples()[:4], engine=replay, progress=False)
    rev = Reviewer(res, truth=ocrframe.samples(truth=True), threshold=0.999)
    worst = res.items.groupby("image_id")["confidence"].min()
    assert rev.order == [int(i) for i in worst.sort_values().index]
    assert rev.image_id == rev.order[0]
    assert "image 1 of 4" in rev.where.value
    doubtful = rev.doubtful()
    assert len(rev.item_rows) == len(doubtful) > 0
    assert (doubtful["confidence"] < 0.999).all()

    assert len(rev.item_rows) >= 2  # the first image has several doubtful lines
    first, second = rev.item_rows[:2]
    first["accept"].click()
    second["text"].value = "fixed text"
    second["correct"].click()
    labels = rev.labels
    assert list(labels.columns) == [
        "source",
        "page",
        "item_id",
        "text",
        "corrected_text",
        "decided_at",
    ]
    assert labels.loc[0, "corrected_text"] == labels.loc[0, "text"]
    assert labels.loc[1, "corrected_text"] == "fixed text"
    rev.next_button.click()
    assert rev.position == 1 and "image 2 of 4" in rev.where.value
    rev.prev_button.click()
    # the page is rebuilt from the recorded decisions: the correction and both ticks come back
    again = rev.item_rows
    assert again[0]["text"].value == str(labels.loc[0, "text"])
    assert again[1]["text"].value == "fixed text"
    assert [r["box"].children[-1].value for r in again[:2]] == ["✓", "✓"]
    assert all(r["box"].children[-1].value == "" for r in again[2:])
    path = rev.save(tmp_path / "labels.jsonl")
    saved = [json.loads(line) for line in path.read_text().splitlines()]
    assert [s["item_id"] for s in saved] == labels["item_id"].tolist()
    assert all("truth:" in r["box"].children[2].value for r in rev.item_rows)


@pytest.mark.engine  # the PDF's rendered pages are read for real
def test_an_uploaded_pdf_is_read_page_by_page(tmp_path):
    from documents import image_pdf

    pdf = image_pdf(tmp_path / "scan.pdf", ["en_document.png", "receipt.png"])
    app = Recognizer(out_dir=tmp_path)
    app.upload.value = upload_value(str(pdf))
    app.run_button.click()
    assert app.result.images["source"].tolist() == ["scan.pdf", "scan.pdf"]
    assert app.result.images["page"].tolist() == [1, 2]
    assert [label for label, _ in app.image_choice.options] == ["scan.pdf p. 1", "scan.pdf p. 2"]
    app.image_choice.value = 1
    assert "好又多超市" in app.table.value  # the second page's table and picture
    assert app.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_reviewer_orders_and_picks_by_the_calibrated_confidence_when_told(replay):
    res = ocrframe.recognize(ocrframe.samples()[:3], engine=replay, progress=False)
    # a calibration that ranks the images the other way round than the engine does
    turned = res.items["image_id"].map({0: 0.2, 1: 0.6, 2: 0.95}).astype("Float32")
    res.items["confidence_calibrated"] = turned
    rev = Reviewer(res, column="confidence_calibrated", threshold=0.7)
    assert rev.order == [0, 1, 2]
    assert (rev.doubtful()["confidence_calibrated"] < 0.7).all()
    assert len(rev.item_rows) == int((res.items["image_id"] == 0).sum())
    rev.go(2)
    assert rev.item_rows == []  # 0.95 is above the threshold: nothing to review there
    with pytest.raises(ocrframe.OcrframeError, match="column='nope'"):
        Reviewer(res, column="nope")
