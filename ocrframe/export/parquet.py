"""Parquet, all of it: a result's directory of tables, and one table as one file.

A result directory (what ``OcrResult.to_parquet`` writes, and each part of a dataset) holds one
file per table of the contract and the raw responses, each readable on its own by any parquet
reader (pandas, polars, DuckDB, Arrow)::

    images.parquet  items.parquet  chars.parquet                 the tables, contract dtypes
    cells.parquet  blocks.parquet                                 (the tables of pages, their layout)
    raw.parquet                                                   response_id, json (the text)
    _ocrframe.json                                                {"format": "ocrframe", "layout": 1}

The marker file says ocrframe wrote the directory (so writing replaces only such a directory)
and which layout it has; ``cells.parquet`` and ``blocks.parquet``, added later, may be missing
and read as empty (and ``items`` written before ``block_id`` and ``order`` read them NA).
A dataset's part numbers its images from where the dataset was: read back alone they are
renumbered densely. One table as one file (``-o items.parquet``) carries its images'
``source``, ``page``, ``endpoint`` and ``engine`` after ``image_id``. Every file is written whole
or not at all (:mod:`ocrframe.core.atomic`). These functions take and give frames and the raw
texts; ``OcrResult.to_parquet`` and ``ocrframe.read_parquet`` make the result of them.

>>> import ocrframe, tempfile, pandas as pd
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
>>> folder = write_result(res, res.raw.texts, tempfile.mkdtemp() + "/res", image_ids=[7])
>>> sorted(p.name for p in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['_ocrframe.json', 'blocks.parquet', 'cells.parquet', 'chars.parquet', 'images.parquet',
 'items.parquet', 'raw.parquet']
>>> pd.read_parquet(folder / "items.parquet")["image_id"].unique().tolist()
[7]
>>> texts, frames = read_result(folder)  # dense again
>>> frames["items"].equals(res.items), texts == res.raw.texts
(True, True)
>>> one = write_parquet(res, tempfile.mkdtemp() + "/items.parquet")
>>> pd.read_parquet(one).columns[:6].tolist()
['image_id', 'source', 'page', 'endpoint', 'engine', 'item_id']
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema
from ..core import atomic
from ..errors import OcrframeError

#: the layout of a result directory, in its marker file; a new layout gets a new number
LAYOUT_VERSION = 1
#: the file that says ocrframe wrote the directory
MARKER = "_ocrframe.json"
#: table -> its file in a result directory
TABLE_FILES = {name: f"{name}.parquet" for name in schema.TABLES}
#: tables a directory written before they existed may lack: read as empty
OPTIONAL_FILES = frozenset({"cells.parquet", "blocks.parquet"})
#: the raw responses: ``response_id`` and the ``json`` text as the service sent it
RAW_FILE = "raw.parquet"


def write_result(
    tables: schema.Tables,
    raw_texts: Sequence[str],
    path: str | os.PathLike,
    image_ids: Sequence[int] | None = None,
) -> Path:
    """Write the tables and raw texts as result directory ``path``. ``image_ids[i]`` is what
    image ``i`` is numbered in the files (a dataset's part). An existing ocrframe directory is
    replaced; any other non-empty directory is refused."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise OcrframeError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OcrframeError(f"{out} is a non-empty directory that ocrframe did not write")
    files = {
        file: schema.arrow_table(_renumbered(getattr(tables, name), image_ids), name)
        for name, file in TABLE_FILES.items()
    }
    files[RAW_FILE] = pa.table(
        {
            "response_id": pa.array(np.arange(len(raw_texts)), type=pa.int32()),
            "json": pa.array(list(raw_texts), type=pa.string()),
        }
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
        for file, table in files.items():
            _write_table(table, out / file)
        marker = {"format": "ocrframe", "layout": LAYOUT_VERSION}
        atomic.write_text(out / MARKER, json.dumps(marker) + "\n")
    except OSError as err:
        raise OcrframeError(f"{out}: cannot write the result there ({err})") from None
    return out


def read_result(path: str | os.PathLike) -> tuple[list[str], dict[str, pd.DataFrame]]:
    """The raw texts (by ``response_id``) and the tables of result directory ``path``, images
    numbered 0..n-1. An unreadable file raises an error that names it."""
    src = Path(path)
    needed = [f for f in (*TABLE_FILES.values(), RAW_FILE) if f not in OPTIONAL_FILES]
    missing = [f for f in needed if not (src / f).exists()]
    if missing:
        raise OcrframeError(f"{src}: not an ocrframe parquet directory (missing {missing})")
    frames = {
        name: _read_table(src / file, name) if (src / file).exists() else schema.empty(name)
        for name, file in TABLE_FILES.items()
    }
    raw = _read_table(src / RAW_FILE, None).sort_by("response_id")
    return raw.column("json").to_pylist(), _dense(frames)


def write_parquet(tables: schema.Tables, path: str | os.PathLike, level: str = "items") -> Path:
    """One parquet file of the ``level`` table (with its image columns): what any parquet
    reader opens on its own."""
    frame = schema.with_image_columns(tables, level)
    return _write_table(schema.arrow_table(frame, level, _arrow_schema(level)), Path(path))


def _write_table(table: pa.Table, path: Path) -> Path:
    import pyarrow.parquet as pq  # loaded when a file is written, not with import ocrframe

    with atomic.replacing(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def _arrow_schema(level: str) -> pa.Schema:
    """The schema of one table as one file: the image columns after ``image_id``."""
    spec = schema.arrow_schema(level)
    if level == "images":
        return spec
    image = schema.arrow_schema("images")
    fields = [spec.field("image_id"), *(image.field(c) for c in schema.IMAGE_COLUMNS)]
    return pa.schema(fields + [f for f in spec if f.name != "image_id"])


def _renumbered(df: pd.DataFrame, image_ids: Sequence[int] | None) -> pd.DataFrame:
    if image_ids is None:
        return df
    ids = np.asarray(image_ids, dtype=np.int64)
    return df.assign(
        image_id=pd.array(ids[df["image_id"].to_numpy(dtype=np.int64)], dtype=schema.INT)
    )


def _dense(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables whose images are numbered 0..n-1 (a dataset's part numbers them from where the
    dataset was: in one result they are dense again)."""
    ids = frames["images"]["image_id"].to_numpy(dtype=np.int64)
    if np.array_equal(ids, np.arange(len(ids))):
        return frames
    order = np.argsort(ids)
    positions = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
    positions[ids[order]] = np.arange(len(ids))
    out = {}
    for name, df in frames.items():
        old = df["image_id"].to_numpy(dtype=np.int64)
        out[name] = df.assign(image_id=pd.array(positions[old], dtype=schema.INT))
    if not np.array_equal(order, np.arange(len(ids))):
        out["images"] = out["images"].iloc[order].reset_index(drop=True)
    return out


def _read_table(file: Path, name: str | None):
    """One parquet file of a result directory (as table ``name``'s frame when given); an error
    names the file."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file)
        if name is None:
            names = set(table.column_names)
            if {"response_id", "json"} - names or not (
                pa.types.is_integer(table.schema.field("response_id").type)
                and pa.types.is_string(table.schema.field("json").type)
            ):
                raise OcrframeError("expected the columns response_id (integer) and json (text)")
            return table
        return schema.from_arrow(name, table)
    except (OSError, pa.ArrowException, OcrframeError) as err:
        raise OcrframeError(
            f"{file}: cannot read it as ocrframe's {name or 'raw'} table: {err}"
        ) from None
