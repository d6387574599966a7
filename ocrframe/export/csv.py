"""CSV, one table as one file for spreadsheets; :func:`read_csv` gives the contract back.

A level's table (``items``, ``chars``, ``cells``, ``blocks`` or ``images``) is written with the image
columns a reader needs to group it (``source``, ``page``, ``endpoint``, ``engine``). The list
columns (``polygon``, ``warn_codes``, ``warn_messages``) are JSON text that ``json.loads``
reads; :func:`read_csv` gives the contract's dtypes back. (One table as a parquet file:
:mod:`ocrframe.export.parquet`.)

>>> import ocrframe, tempfile, json
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))
>>> path = write_csv(res, tempfile.mkdtemp() + "/items.csv")
>>> json.loads(open(path).read().splitlines()[1].split('"')[1])  # the polygon, as JSON
[10, 20, 100, 20, 100, 50, 10, 50]
>>> back = read_csv(path)
>>> back["polygon"].iloc[0].tolist(), str(back["x"].dtype), back["text"].iloc[0]
([10, 20, 100, 20, 100, 50, 10, 50], 'Int32', 'Hi 你')
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import OcrframeError, reading_file


def _list_columns(columns) -> list[str]:
    specs = {**schema.IMAGES, **schema.ITEMS, **schema.CHARS, **schema.CELLS}
    return [c for c in columns if isinstance(specs.get(c), schema.ListColumn)]


def write_csv(result: schema.Tables, path: str | os.PathLike, level: str = "items") -> Path:
    """The ``level`` table (with its image columns) as CSV, list columns as JSON text."""
    out = Path(path)
    frame = schema.with_image_columns(result, level).copy()
    for column in _list_columns(frame.columns):
        frame[column] = [_json_list(v) for v in frame[column]]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    return out


def _json_list(value) -> str | None:
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    return json.dumps(np.asarray(value).tolist(), ensure_ascii=False)


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """A table written by :func:`write_csv` (or ``ocrframe … -o x.csv``) with the contract's
    dtypes back: nullable integers, floats and strings, and the list columns as arrays. The
    table is told by its columns; columns the contract does not know are kept as read. A file
    that is not such a table is an :class:`~ocrframe.OcrFormatError` naming it."""
    with reading_file(path, "CSV table"):
        return _read_csv(path)


def _read_csv(path: str | os.PathLike) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    level = _level_of(frame.columns)
    specs = {**schema.IMAGES, **schema.columns(level)}
    out = {}
    for column in frame.columns:
        spec = specs.get(column)
        values = frame[column]
        if spec is None:
            out[column] = values
        elif isinstance(spec, schema.ListColumn):
            out[column] = schema.as_column([_parsed(v, path, column) for v in values], spec)
        elif spec is schema.BOOL:
            out[column] = values.map({"True": True, "False": False}).astype(bool)
        else:
            out[column] = values.astype("Float64" if spec != schema.STRING else spec).astype(spec)
    return pd.DataFrame(out)


def _parsed(text, path, column: str):
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise OcrframeError(f"{path}: {column} holds {text!r}, not a JSON list") from None


def _level_of(columns) -> str:
    names = set(columns)
    levels = (("chars", "char_id"), ("cells", "cell_id"), ("items", "item_id"), ("blocks", "type"))
    for level, key in levels:
        if key in names:
            return level
    if "response_id" in names:
        return "images"
    raise OcrframeError(f"not an ocrframe table: columns {sorted(names)[:8]}")
