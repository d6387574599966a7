"""Every parquet file ocrframe writes opens in the tools people already use: pandas with its
default arguments (pandas 2.2 and 3.x: make test runs this in both), polars, DuckDB and Arrow
datasets — and ``ocrframe.read_parquet`` still gives back exactly the contract's dtypes."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as pads
import pytest
from bundled import every_json, read

import ocrframe
from ocrframe import schema

TABLES = ("images", "items", "chars", "cells")


@pytest.fixture(scope="module")
def every_format() -> ocrframe.OcrResult:
    """Every bundled response format in one result (tables, warnings, cells, pages)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ocrframe.OcrScaleWarning)
        return ocrframe.concat([read(p) for p in every_json()])


def _same_values(plain: pd.DataFrame, ours: pd.DataFrame) -> None:
    """A frame read by a default reader holds the same values as ours (dtypes may differ)."""
    assert list(plain.columns) == list(ours.columns)
    for column in ours.columns:
        for a, b in zip(plain[column], ours[column]):
            if isinstance(b, object) and hasattr(b, "__len__") and not isinstance(b, str):
                assert list(a) == list(b), column
            elif pd.isna(b):
                assert pd.isna(a), column
            else:
                assert a == pytest.approx(b) if isinstance(b, float) else a == b, column


@pytest.mark.parametrize("which", ["samples", "every format"])
def test_default_pandas_polars_and_arrow_read_every_table(which, request, tmp_path):
    result = request.getfixturevalue("samples_result" if which == "samples" else "every_format")
    out = result.to_parquet(tmp_path / "all")
    back = ocrframe.read_parquet(out)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(back, table), getattr(result, table))
        path = out / f"{table}.parquet"
        if not path.exists():  # cells.parquet only where there are cells
            assert getattr(result, table).empty
            continue
        _same_values(pd.read_parquet(path), getattr(result, table))
        # the columns asked for alone, too (the failure users met first)
        assert len(pd.read_parquet(path, columns=["image_id"])) == len(getattr(result, table))
        polars = pl.read_parquet(path)
        assert polars.columns == list(getattr(result, table).columns)
        assert polars.height == len(getattr(result, table))
        assert pl.scan_parquet(path).select(pl.len()).collect().item() == polars.height
        assert pads.dataset(path).count_rows() == polars.height
        rows = duckdb.connect().execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
        assert rows == polars.height
    texts = pl.read_parquet(out / "items.parquet")["text"].to_list()
    assert texts == result.items["text"].tolist()
    polygons = pl.read_parquet(out / "items.parquet")["polygon"].to_list()
    expected = [None if p is None else list(p) for p in result.items["polygon"]]
    assert polygons == expected


def test_a_tables_own_to_parquet_opens_in_default_pandas(every_format, tmp_path):
    items = ocrframe.read_parquet(every_format.to_parquet(tmp_path / "all")).items
    items.to_parquet(tmp_path / "items.parquet")  # pandas writing our frame
    plain = pd.read_parquet(tmp_path / "items.parquet")
    _same_values(plain, items)
    # pandas gives back our dtypes; pandas 2.2 keeps no string storage in its metadata and
    # reads strings back as its default ``string[python]``: the same dtype family, same values
    assert _storage_aside(plain.dtypes.to_dict()) == _storage_aside(schema.dtypes("items"))


def _storage_aside(dtypes: dict[str, object]) -> dict[str, object]:
    """``dtypes`` with every string dtype as plain ``pd.StringDtype`` (the storage left out)."""
    return {k: "string" if isinstance(v, pd.StringDtype) else v for k, v in dtypes.items()}


def test_a_dataset_is_one_table_per_kind_with_a_glob(tmp_path, replay):
    import shutil

    inputs = []
    for k, sample in enumerate(ocrframe.samples()[:5]):
        inputs.append(tmp_path / f"scan-{k}.png")
        shutil.copy(sample, inputs[-1])
    inputs[3].write_text("not an image")  # fails, then is retried once mended
    out = tmp_path / "ds"
    ocrframe.recognize(inputs, engine=replay, out=out, batch_size=2, progress=False)
    shutil.copy(ocrframe.samples()[3], inputs[3])
    again = {"retry_failed": True, "progress": False}
    ocrframe.recognize(inputs, engine=replay, out=out, batch_size=2, **again)
    res = ocrframe.read_parquet(out)
    assert len(res.images) == 5 and res.images["ok"].all()
    sql = duckdb.connect()
    parts = f"'{out}/parts/*/{{}}.parquet'"
    images, items = parts.format("images"), parts.format("items")
    # every input once (the failed answer was superseded), image_id unique across the parts
    assert sql.execute(f"SELECT count(*), count(DISTINCT image_id) FROM {images}").fetchone() == (
        5,
        5,
    )
    joined = sql.execute(
        f"SELECT m.source, i.text FROM {items} i JOIN {images} m USING (image_id) "
        "ORDER BY m.source, i.item_id"
    ).fetchall()
    expected = (
        res.with_image_columns()[["source", "text"]]
        .sort_values(["source"], kind="stable")
        .itertuples(index=False, name=None)
    )
    assert joined == list(expected)
    assert pl.read_parquet(f"{out}/parts/*/items.parquet").height == len(res.items)


def _recognize(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ocrframe", "recognize", *args]
    return subprocess.run(command, capture_output=True, text=True)


def test_the_clis_one_table_file_and_csv_read_back(tmp_path, replay):
    sample = ocrframe.samples()[2]
    replaying = ("--replay", str(replay.index.root))
    done = _recognize(sample, "-o", str(tmp_path / "x.parquet"), "--no-progress", *replaying)
    assert done.returncode == 0, done.stderr
    plain = pd.read_parquet(tmp_path / "x.parquet")  # one file, not a directory
    assert (tmp_path / "x.parquet").is_file()
    assert list(plain.columns[:5]) == ["image_id", "source", "page", "endpoint", "engine"]
    assert plain["source"].tolist() == [sample] * len(plain)
    res = ocrframe.recognize(sample, engine=replay, progress=False)
    assert plain["text"].tolist() == res.items["text"].tolist()
    assert pl.read_parquet(tmp_path / "x.parquet").height == len(res.items)
    csv = _recognize(sample, "-o", str(tmp_path / "x.csv"), "--no-progress", *replaying)
    assert csv.returncode == 0, csv.stderr
    raw = pd.read_csv(tmp_path / "x.csv")
    assert [json.loads(p) for p in raw["polygon"]] == [list(p) for p in res.items["polygon"]]
    back = ocrframe.read_csv(tmp_path / "x.csv")
    pd.testing.assert_frame_equal(
        back[list(res.items.columns)], res.items, check_exact=False, rtol=1e-6
    )


def test_dataset_options_need_a_directory_not_a_parquet_file(tmp_path):
    done = _recognize(ocrframe.samples()[0], "-o", str(tmp_path / "x.parquet"), "--resume")
    assert done.returncode == 2 and "need -o DIR" in done.stderr
