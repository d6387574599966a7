"""The replay engine: recorded answers again, found by bytes or URL, with no model and no
network; what it lacks is a failed row that says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from serving import StaticFiles

import ocrframe
from ocrframe.engines.base import Engine
from ocrframe.engines.replay import ReplayEngine


def test_a_replay_gives_the_tables_of_the_reading_it_recorded(sample_reading, replay):
    _, read = sample_reading
    again = ocrframe.recognize(ocrframe.samples(), engine=replay, progress=False)
    for table in ("items", "chars"):
        pd.testing.assert_frame_equal(getattr(again, table), getattr(read, table))
    assert again.raw.texts == read.raw.texts
    assert again.images["engine"].tolist() == read.images["engine"].tolist()  # who answered


def test_an_image_is_found_by_its_bytes_whatever_its_name(tmp_path, replay):
    copy = tmp_path / "renamed.png"
    shutil.copy(ocrframe.samples()[0], copy)
    by_path = ocrframe.recognize(copy, engine=replay, progress=False)
    by_bytes = ocrframe.recognize(copy.read_bytes(), engine=replay, progress=False)
    assert by_path.images["ok"].all() and by_bytes.images["ok"].all()
    assert by_path.items["text"].tolist() == by_bytes.items["text"].tolist()


def test_what_no_record_answers_is_a_failed_row_and_the_run_goes_on(tmp_path, replay):
    other = tmp_path / "other.png"
    other.write_bytes(Path(ocrframe.samples()[1]).read_bytes()[:-1] + b"\0")  # not recorded
    res = ocrframe.recognize([other, ocrframe.samples()[1]], engine=replay, progress=False)
    assert res.images["code"].tolist() == [-13, 0]
    assert res.images["message"][0] == f"no recorded response (replay): {other} as general {{}}"
    # another endpoint or other options are another question
    minor = ocrframe.recognize(
        ocrframe.samples()[1], "minorlanguage", engine=replay, progress=False
    )
    assert minor.images["code"].tolist() == [-13]


def test_card_answers_replay_in_their_batch_shape(replay):
    card = next(p for p in ocrframe.samples() if p.endswith("idcard_front.png"))
    res = ocrframe.recognize(card, "idcard", engine=replay, card_type=0, progress=False)
    assert res.raw[0]["result_list"][0]["filename"] == card
    assert res.fields.loc[0, "id"] == "110108199003151234"


def test_urls_are_looked_up_as_asked_before_anything_is_fetched(tmp_path, replay):
    with StaticFiles(Path(ocrframe.samples()[0]).parent) as files:
        url = f"{files.url}/en_document.png"
        folder = tmp_path / "records"
        first = ocrframe.recognize(url, engine=replay, save_raw=folder, progress=False)
        assert first.images["ok"].all()
    # the server is gone: the record of the URL answers, nothing is fetched
    again = ocrframe.recognize(url, engine=ReplayEngine(folder), progress=False)
    assert again.images["ok"].all() and again.items.equals(first.items)
    saved = [json.loads(p.read_text()) for p in folder.rglob("*.json")]
    assert [s["url"] for s in saved] == [url] and saved[0]["engine"] == "rapidocr"


def test_a_folder_that_holds_no_records_is_named(tmp_path):
    with pytest.raises(ocrframe.OcrframeError, match="no such directory of recorded responses"):
        ReplayEngine(tmp_path / "missing")


def test_a_fallback_reads_what_no_record_answers_and_save_raw_keeps_it(tmp_path, replay):
    from ocrframe import engines

    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("RGB", (60, 30), "white").save(blank)
    local, asked = engines.get("local"), []

    class Counting(Engine):  # the local engine, its calls counted
        name, endpoints = local.name, local.endpoints

        def respond(self, image, endpoint, options):
            asked.append(image.source)
            return local.respond(image, endpoint, options)

    both = ReplayEngine(replay.index, fallback=Counting())
    res = ocrframe.recognize(
        [ocrframe.samples()[1], blank, blank], engine=both, save_raw=tmp_path / "new"
    )
    assert asked == [str(blank)]  # only what no record answers, and only once
    assert res.images["code"].tolist() == [0, 0, 0]
    assert res.images["engine"].tolist() == ["rapidocr"] * 3
    again = ocrframe.recognize(blank, engine=ReplayEngine(tmp_path / "new"), progress=False)
    assert again.images["code"].tolist() == [0]  # what the fallback read was recorded
