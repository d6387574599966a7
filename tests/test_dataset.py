"""Datasets: recognitions streamed to parquet parts that survive crashes and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bundled import sample_copies

import ocrframe
from ocrframe.core import codes
from ocrframe.dataset import COMMITS, OcrDataset
from ocrframe.engines.base import Engine
from ocrframe.engines.replay import ReplayEngine


class Counting(ReplayEngine):
    """This run's readings of the samples, replayed, counting the calls per source; ``fail``
    answers those sources with an error once; ``stop_after`` raises KeyboardInterrupt at that
    call (a user's Ctrl-C)."""

    def __init__(self, replay: ReplayEngine, fail=(), stop_after=None) -> None:
        super().__init__(replay.index)
        self.calls: list[str] = []
        self.fail = set(fail)
        self.stop_after = stop_after

    def respond(self, image, endpoint, options):
        if self.stop_after is not None and len(self.calls) == self.stop_after:
            raise KeyboardInterrupt
        self.calls.append(image.source)
        if image.source in self.fail:
            self.fail.discard(image.source)
            return codes.error_response(codes.OCR_FAILED, "flaky")
        return super().respond(image, endpoint, options)

    def answer_all(self, inputs, endpoint, options, session=None):
        return Engine.answer_all(self, inputs, endpoint, options, session)  # respond per image


def test_dataset_reads_back_like_an_in_memory_run(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 7)
    ds = ocrframe.recognize(paths, engine=replay, out=tmp_path / "ds", batch_size=3, progress=False)
    assert isinstance(ds, OcrDataset) and len(ds) == 7
    assert len(list((tmp_path / "ds" / COMMITS).glob("*.json"))) == 3  # 3 + 3 + 1
    back = ocrframe.read_parquet(tmp_path / "ds")
    direct = ocrframe.recognize(paths, engine=replay, progress=False)
    assert back.images["source"].tolist() == paths
    assert back.images["image_id"].tolist() == list(range(7))
    assert back.items["text"].tolist() == direct.items["text"].tolist()
    assert back.chars["confidence"].tolist() == direct.chars["confidence"].tolist()


def test_an_existing_dataset_needs_resume(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 2)
    ocrframe.recognize(paths, engine=replay, out=tmp_path / "ds", progress=False)
    with pytest.raises(ocrframe.OcrframeError, match="resume"):
        ocrframe.recognize(paths, engine=replay, out=tmp_path / "ds", progress=False)
    with pytest.raises(ocrframe.OcrframeError, match="endpoint"):
        ocrframe.recognize(
            paths, "namecard", engine=replay, out=tmp_path / "ds", resume=True, progress=False
        )


def test_retry_failed_reruns_only_the_failures(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 5)
    engine = Counting(replay, fail={paths[1], paths[3]})
    first = ocrframe.recognize(paths, engine=engine, out=tmp_path / "ds", progress=False)
    assert sorted(e["ok"] for e in first.entries()) == [False, False, True, True, True]
    engine.calls.clear()
    again = ocrframe.recognize(
        paths, engine=engine, out=tmp_path / "ds", resume=True, progress=False
    )
    assert engine.calls == []  # resume alone: nothing is missing
    ocrframe.recognize(paths, engine=engine, out=tmp_path / "ds", retry_failed=True, progress=False)
    assert engine.calls == [paths[1], paths[3]]
    res = again.load()
    assert res.images["source"].tolist() == [paths[0], paths[2], paths[4], paths[1], paths[3]]
    assert res.images["ok"].all() and len(res.images) == 5


def test_changed_file_is_recognised_again(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 2)
    engine = Counting(replay)
    ocrframe.recognize(paths, engine=engine, out=tmp_path / "ds", progress=False)
    Path(paths[0]).write_bytes(Path(ocrframe.samples()[2]).read_bytes())  # new content, same name
    engine.calls.clear()
    ds = ocrframe.recognize(paths, engine=engine, out=tmp_path / "ds", resume=True, progress=False)
    assert engine.calls == [paths[0]]
    assert len(ds.load().images) == 2


def test_ctrl_c_keeps_what_was_answered(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 6)
    with pytest.raises(KeyboardInterrupt):
        ocrframe.recognize(
            paths, engine=Counting(replay, stop_after=4), out=tmp_path / "ds", progress=False
        )
    assert len(OcrDataset(tmp_path / "ds")) == 4
    engine = Counting(replay)
    ds = ocrframe.recognize(paths, engine=engine, out=tmp_path / "ds", resume=True, progress=False)
    assert engine.calls == paths[4:]
    assert ds.load().images["source"].tolist() == paths


CRASHING_RUN = textwrap.dedent(
    """
    import sys
    import time
    import ocrframe
    from ocrframe.engines.base import Engine
    from ocrframe.engines.replay import ReplayEngine

    class Counting(ReplayEngine):
        def respond(self, image, endpoint, options):
            with open(sys.argv[3], "a") as log:
                log.write(image.source + "\\n")
            time.sleep(0.02)  # a reading takes a moment: the kill lands in the middle
            return super().respond(image, endpoint, options)

        def answer_all(self, inputs, endpoint, options, session=None):
            return Engine.answer_all(self, inputs, endpoint, options, session)

    ocrframe.recognize(sys.argv[1], out=sys.argv[2], resume=True, batch_size=5,
                       engine=Counting(sys.argv[4]), progress=False)
    """
)


def test_sigkill_midway_then_resume_gives_every_image_once(tmp_path, sample_reading):
    paths = sample_copies(tmp_path / "img", 60)
    out, calls = tmp_path / "ds", tmp_path / "calls.txt"
    script = tmp_path / "run.py"
    script.write_text(CRASHING_RUN)
    records = str(sample_reading[0])
    command = [sys.executable, str(script), str(tmp_path / "img"), str(out), str(calls), records]
    first = subprocess.Popen(command)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if calls.exists() and len(calls.read_text().splitlines()) >= 23:
            break
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)  # midway, possibly while writing a part
    first.wait()
    committed = {e["source"] for e in OcrDataset(out).entries()}
    calls_first = calls.read_text().splitlines()
    assert 0 < len(committed) < 60
    calls.unlink()
    subprocess.run(command, check=True, timeout=1200)
    calls_second = calls.read_text().splitlines()
    res = ocrframe.read_parquet(out)
    assert sorted(res.images["source"]) == sorted(paths)  # every image exactly once
    assert res.images["ok"].all()
    assert not committed & set(calls_second)  # finished ones were not recognised again
    assert set(calls_second) == set(paths) - committed
    assert len(calls_first) >= len(committed)


def test_a_commit_record_cut_short_by_a_kill_is_removed_on_resume(tmp_path, replay):
    paths = sample_copies(tmp_path / "img", 2)
    ocrframe.recognize(paths[:1], engine=replay, out=tmp_path / "ds", progress=False)
    half = tmp_path / "ds" / COMMITS / ".tmp-part-00001.json-0123456789ab"
    half.write_text('[{"source": ')  # what a kill in the middle of writing leaves
    ds = ocrframe.recognize(paths, engine=replay, out=tmp_path / "ds", resume=True)
    assert not half.exists() and len(ds) == 2
    assert sorted(p.name for p in (tmp_path / "ds" / COMMITS).iterdir()) == [
        "part-00000.json",
        "part-00001.json",
    ]
