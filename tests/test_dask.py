"""ocrframe.dask on a real distributed.LocalCluster with two worker processes."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import distributed
import pandas as pd
import pytest
from bundled import sample_copies

import ocrframe
import ocrframe.dask as ocrdask
from ocrframe.engines.replay import ReplayEngine


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def assert_same(a: ocrframe.OcrResult, b: ocrframe.OcrResult) -> None:
    for name in ("images", "items", "chars"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.raw.texts == b.raw.texts


@pytest.fixture(scope="module")
def replaying(replay):
    """Each worker's engine: this run's readings of the samples, replayed (picklable)."""
    return functools.partial(ReplayEngine, replay.index.root)


def test_recognize_bag_equals_the_single_process_path(client, tmp_path, replay, replaying):
    paths = sample_copies(tmp_path / "img", 10)
    tables = ocrdask.recognize_bag(paths, "general", engine_factory=replaying, partition_size=3)
    assert tables.images["image_id"].compute().tolist() == list(range(10))
    low = tables.chars.groupby("image_id")["confidence"].min().compute()
    assert len(low) == 10
    ds = tables.to_parquet(tmp_path / "ds", progress=False)
    single = ocrframe.recognize(paths, engine=replay, progress=False)
    assert_same(ocrframe.read_parquet(ds.path), single)
    assert_same(tables.compute(), single)


def _count_calls(method: str, forget_engines: bool = False) -> None:
    """In a worker: count the calls of ``ReplayEngine.<method>`` from now on (and, with
    ``forget_engines``, drop the engines the worker has made)."""
    from ocrframe import dask

    if forget_engines:
        dask._ENGINES.clear()
    counts = ReplayEngine.__dict__.get("calls")
    if counts is None:
        ReplayEngine.calls = counts = {}
    if method not in counts:
        plain = getattr(ReplayEngine, method)

        def counted(self, *args, **kwargs):
            ReplayEngine.calls[method] += 1
            return plain(self, *args, **kwargs)

        setattr(ReplayEngine, method, counted)
    counts[method] = 0


def _calls(method: str) -> int:
    return ReplayEngine.calls[method]


def test_each_worker_loads_its_engine_once(client, tmp_path, replaying):
    paths = sample_copies(tmp_path / "img", 8)
    client.run(_count_calls, "__init__", True)
    for _ in range(2):  # 8 partitions in all, spread over the two workers
        ocrdask.recognize_bag(paths, engine_factory=replaying, partition_size=2).compute()
    loads = client.run(_calls, "__init__")
    assert len(loads) == 2
    assert all(n <= 1 for n in loads.values()), loads  # a worker reuses its engine
    assert sum(loads.values()) >= 1


def test_persisted_tables_are_read_once_however_often_they_are_used(client, tmp_path, replaying):
    paths = sample_copies(tmp_path / "img", 6)
    client.run(_count_calls, "_answer")
    tables = ocrdask.recognize_bag(paths, engine_factory=replaying, partition_size=2).persist()
    assert tables.items["image_id"].nunique().compute() == 6
    assert len(tables.compute()) == 6
    tables.to_parquet(tmp_path / "ds", progress=False)
    assert sum(client.run(_calls, "_answer").values()) == 6  # each once, not once per use
    client.run(_count_calls, "_answer")
    ocrdask.recognize_bag(paths, engine_factory=replaying, partition_size=2).compute()
    assert sum(client.run(_calls, "_answer").values()) == 6  # the count sees every reading


def test_read_json_bag_converts_thousands_of_saved_responses(client, tmp_path):
    template = json.loads(Path(ocrframe.data_path("responses/general.json")).read_text("utf-8"))
    files = []
    for f in range(6):
        path = tmp_path / f"batch{f}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for k in range(500):
                template["data"]["items"][0]["itemstring"] = f"行{f}-{k}"
                template["data"]["items"][0]["words"] = [
                    {"character": ch, "confidence": 50 + (k % 50)} for ch in f"行{f}-{k}"
                ]
                out.write(json.dumps(template, ensure_ascii=False) + "\n")
        files.append(path)
    tables = ocrdask.read_json_bag(str(tmp_path / "*.jsonl"))
    assert tables.images["image_id"].compute().is_unique
    ds = tables.to_parquet(tmp_path / "ds", progress=False)
    single = ocrframe.read_json(str(tmp_path / "*.jsonl"))
    back = ocrframe.read_parquet(ds.path)
    assert len(back.images) == 3000
    assert_same(back, single)
