"""The data contract: the canonical tables every OCR response turns into.

Three tables (and ``cells`` for the formats that find tables, ``blocks`` for those that find a
page's layout), the same columns and dtypes for every endpoint and engine, also when a result is empty, so frames from any source ``pd.concat`` cleanly and a parquet file's schema never drifts.
Every dtype is declared (nullable ``Int32``, ``Float32``/``Float64``, ``string[pyarrow]``), never
left to pandas' defaults, which differ between pandas 2 and 3.

``images`` — one row per input image, failures included
    ============== ========= =====================================================================
    image_id       Int32     dense 0..n-1 within one OcrResult (``concat`` renumbers)
    response_id    Int32     index into ``OcrResult.raw`` (a batch response covers several images)
    source         string    the input as the user gave it (path, URL, batch filename/url as sent)
    page           Int32     the page within its source, 1-based as PDF viewers show it (a PDF,
                             a multi-page TIFF, a multi-page response); NA for a single image.
                             ``groupby("source")`` is a document, ``(source, page)`` a page
    engine         string    what produced the response (``rapidocr``, ``tencent-legacy`` …); NA if unknown
    endpoint       string    ``general``, ``minorlanguage``, ``idcard``, ``namecard``, ``drivinglicence`` …
    code           Int32     the service's code for this image; 0 is success
    message        string    the service's message
    session_id     string    the service's session id, NA when none was given
    angle          Float64   rotation the service reports, in degrees
    image_width    Int32     pixels, when the engine reports it
    image_height   Int32     pixels, when the engine reports it
    dpi            Int32     the resolution ocrframe rendered the page at (a PDF page); NA for
                             pictures it did not render
    ok             bool      ``code == 0``
    n_items        Int32     rows of this image in ``items``
    n_chars        Int32     rows of this image in ``chars``
    mean_confidence Float32  mean of the image's item confidences (0–1)
    warn_codes     object    int32 arrays: the service's warnings about the picture (API 3.0 ``RecognizeWarnCode``,
                             ``AdvancedInfo.WarnInfos`` …: a copy, a photocopy, glare); NA when none given
    warn_messages  object    string arrays: their texts (``RecognizeWarnMsg``), where the service gives them
    extra          string    JSON of the response's fields that have no column; NA when none
    ============== ========= =====================================================================

``items`` — one row per line of text or per card field
    ============== ========= =====================================================================
    image_id       Int32     the image
    item_id        Int32     0.. within the image, in the service's order
    field          string    canonical key of a card field (``name``, ``id``, ``plate_no`` …); NA for free text
    label          string    the service's own label (``姓名``) where it gives one
    text           string    the recognised text
    confidence     Float32   0–1; the service's item confidence, else the mean of the characters'
    confidence_raw Float64   the service's item confidence untouched; NA when it gives none
    confidence_calibrated
                   Float32   0–1, ``confidence`` mapped by a fitted ``analysis.Calibration``
                             (``cal.apply(result)``); NA until one is applied
    x, y           Int32     top-left corner in pixels; NA when the endpoint gives no box
    width, height  Int32     box size in pixels; NA when the endpoint gives no box
    polygon        object    int32 arrays ``[x1, y1, x2, y2, …]`` where the engine gives a
                             quadrilateral (None where it does not); ``list<int32>`` in files
    n_chars        Int32     characters in ``text`` (= its rows in ``chars``)
    block_id       Int32     the block (``blocks``) the line belongs to; NA where no layout is known
    order          Int32     the line's place in its image's reading order, 0-based; NA where
                             unknown (``OcrResult.text()`` reads lines in this order)
    ============== ========= =====================================================================

``chars`` — one row per character of every item's text
    ============== ========= =====================================================================
    image_id       Int32     the image
    item_id        Int32     the item
    char_id        Int32     0.. within the item
    char           string    one character (a Unicode code point)
    confidence     Float32   0–1; NA where the service gives no per-character confidence
    confidence_raw Float64   the service's number untouched (namecard's -1 stays -1)
    confidence_calibrated
                   Float32   as in ``items``: NA until a calibration is applied
    x, y           Int32     character box where the engine gives one, else NA
    width, height  Int32
    ============== ========= =====================================================================

``cells`` — one row per cell of a table the service found (Textract ``TABLE``, API 3.0
``RecognizeTable*OCR``, PaddleX table recognition, the local engine's tables read from images);
empty for every other format
    ============== ========= =====================================================================
    image_id       Int32     the image
    table_id       Int32     0.. within the image, in the service's order
    cell_id        Int32     0.. within the table
    row, col       Int32     the cell's top-left position in the table's grid, 0-based
    row_span       Int32     rows the cell covers (a merged cell more than 1)
    col_span       Int32     columns the cell covers
    kind           string    ``header``, ``body``, ``footer``, ``title`` … where the service says
    text           string    the cell's text (``""`` for an empty cell)
    confidence     Float32   0–1
    confidence_raw Float64   the service's number untouched
    x, y           Int32     the cell's box in pixels; NA where the service gives none
    width, height  Int32
    ============== ========= =====================================================================

``blocks`` — one row per layout region of a page (a paragraph, a title, a table …): what the
local engine's layout analysis finds, and what hOCR, ALTO, PAGE, Tesseract, docTR, Textract and
Vision files carry; empty where no layout is known
    ============== ========= =====================================================================
    image_id       Int32     the image
    block_id       Int32     0.. within the image (``items.block_id`` points here)
    type           string    ``text``, ``title``, ``list``, ``table``, ``figure``, ``caption``,
                             ``header``, ``footer`` or ``other``
    order          Int32     the block's place in the image's reading order, 0-based; NA where
                             unknown
    x, y           Int32     the block's box in pixels
    width, height  Int32
    polygon        object    int32 arrays ``[x1, y1, …]`` where the source gives an outline
    confidence     Float32   0–1 where the source gives one (a layout model's score), else NA
    ============== ========= =====================================================================

Example::

    >>> from ocrframe import schema
    >>> list(schema.empty("chars").dtypes.astype(str))[:4]
    ['Int32', 'Int32', 'Int32', 'string']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import OcrframeError


class Tables(Protocol):
    """The tables of a result, as writers and views take them (an OcrResult is one)."""

    images: pd.DataFrame
    items: pd.DataFrame
    chars: pd.DataFrame
    cells: pd.DataFrame
    blocks: pd.DataFrame


STRING = pd.StringDtype("pyarrow")
INT = pd.Int32Dtype()
FLOAT32 = pd.Float32Dtype()
FLOAT64 = pd.Float64Dtype()
BOOL = np.dtype(bool)
OBJECT = np.dtype(object)


@dataclass(frozen=True)
class ListColumn:
    """A column of arrays: ``object`` in pandas, each value a numpy array (or None), and an
    Arrow list in files. (pandas' own ``ArrowDtype`` lists would be tidier in memory, but a
    parquet file pandas writes of one cannot be read back by ``pd.read_parquet``: its metadata
    names a dtype pandas cannot parse. Object columns of arrays are what every reader gives.)"""

    arrow: pa.DataType

    def __str__(self) -> str:
        return f"object ({self.arrow})"


POLYGON = ListColumn(pa.list_(pa.int32()))
CODES = POLYGON  # a list of int32 too: the same column kind
MESSAGES = ListColumn(pa.list_(pa.string()))

IMAGES: dict[str, object] = {
    "image_id": INT,
    "response_id": INT,
    "source": STRING,
    "page": INT,
    "engine": STRING,
    "endpoint": STRING,
    "code": INT,
    "message": STRING,
    "session_id": STRING,
    "angle": FLOAT64,
    "image_width": INT,
    "image_height": INT,
    "dpi": INT,
    "ok": BOOL,
    "n_items": INT,
    "n_chars": INT,
    "mean_confidence": FLOAT32,
    "warn_codes": CODES,
    "warn_messages": MESSAGES,
    "extra": STRING,
}

ITEMS: dict[str, object] = {
    "image_id": INT,
    "item_id": INT,
    "field": STRING,
    "label": STRING,
    "text": STRING,
    "confidence": FLOAT32,
    "confidence_raw": FLOAT64,
    "confidence_calibrated": FLOAT32,
    "x": INT,
    "y": INT,
    "width": INT,
    "height": INT,
    "polygon": POLYGON,
    "n_chars": INT,
    "block_id": INT,
    "order": INT,
}

CHARS: dict[str, object] = {
    "image_id": INT,
    "item_id": INT,
    "char_id": INT,
    "char": STRING,
    "confidence": FLOAT32,
    "confidence_raw": FLOAT64,
    "confidence_calibrated": FLOAT32,
    "x": INT,
    "y": INT,
    "width": INT,
    "height": INT,
}

CELLS: dict[str, object] = {
    "image_id": INT,
    "table_id": INT,
    "cell_id": INT,
    "row": INT,
    "col": INT,
    "row_span": INT,
    "col_span": INT,
    "kind": STRING,
    "text": STRING,
    "confidence": FLOAT32,
    "confidence_raw": FLOAT64,
    "x": INT,
    "y": INT,
    "width": INT,
    "height": INT,
}

#: the kinds of block (``blocks.type``)
BLOCK_TYPES = ("text", "title", "list", "table", "figure", "caption", "header", "footer", "other")

BLOCKS: dict[str, object] = {
    "image_id": INT,
    "block_id": INT,
    "type": STRING,
    "order": INT,
    "x": INT,
    "y": INT,
    "width": INT,
    "height": INT,
    "polygon": POLYGON,
    "confidence": FLOAT32,
}

TABLES: dict[str, dict[str, object]] = {
    "images": IMAGES,
    "items": ITEMS,
    "chars": CHARS,
    "cells": CELLS,
    "blocks": BLOCKS,
}
#: columns added to a table after files were first written: a file without them reads with
#: them NA (``from_arrow``), so parquet written by an older ocrframe still opens
ADDED: dict[str, frozenset[str]] = {
    "images": frozenset({"page", "dpi"}),
    "items": frozenset({"confidence_calibrated", "block_id", "order"}),
    "chars": frozenset({"confidence_calibrated"}),
}

KEYS: dict[str, tuple[str, ...]] = {
    "images": ("image_id",),
    "items": ("image_id", "item_id"),
    "chars": ("image_id", "item_id", "char_id"),
    "cells": ("image_id", "table_id", "cell_id"),
    "blocks": ("image_id", "block_id"),
}


def columns(table: str) -> dict[str, object]:
    """The ordered ``{column: dtype}`` of ``table`` (``images``, ``items``, ``chars``, ``cells``,
    ``blocks``)."""
    try:
        return TABLES[table]
    except KeyError:
        raise OcrframeError(
            f"unknown table {table!r}; the tables are {', '.join(TABLES)}"
        ) from None


#: the image columns a row of another table carries when the table stands alone (one file)
IMAGE_COLUMNS = ("source", "page", "endpoint", "engine")


def with_image_columns(
    tables: Tables, level: str = "items", image_columns: tuple[str, ...] = IMAGE_COLUMNS
) -> pd.DataFrame:
    """Table ``level`` with ``image_columns`` of each row's image after ``image_id``: to group
    it by source or engine, or to write it as one file (the ``images`` table as it is)."""
    if level not in TABLES:
        raise OcrframeError(f"level={level!r}; the tables are {', '.join(TABLES)}")
    rows = getattr(tables, level)
    if level == "images":
        return rows
    images = tables.images[["image_id", *image_columns]]
    out = rows.merge(images, on="image_id", how="left", sort=False)
    rest = [c for c in rows.columns if c != "image_id"]
    return out[["image_id", *image_columns, *rest]]


def dtypes(table: str) -> dict[str, object]:
    """The ordered ``{column: pandas dtype}`` of ``table``: what ``df.dtypes`` shows."""
    return {name: pandas_dtype(spec) for name, spec in columns(table).items()}


def pandas_dtype(spec: object) -> object:
    """The pandas dtype of a column of the contract (a list column is ``object``)."""
    return OBJECT if isinstance(spec, ListColumn) else spec


def empty(table: str) -> pd.DataFrame:
    """An empty frame of ``table`` with the contract's columns and dtypes."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=pandas_dtype(spec)) for name, spec in columns(table).items()}
    )


def frame(table: str, data: Mapping[str, object]) -> pd.DataFrame:
    """Build ``table`` from column data (lists, numpy or arrow arrays) with the contract's dtypes.

    Every column of the table must be present in ``data``; extra keys are an error, because a
    silently dropped column is lost data.
    """
    spec = columns(table)
    missing = [c for c in spec if c not in data]
    unknown = [c for c in data if c not in spec]
    if missing or unknown:
        raise OcrframeError(f"{table}: missing columns {missing}, unknown columns {unknown}")
    cols = {name: as_column(data[name], dtype) for name, dtype in spec.items()}
    return pd.DataFrame(cols, copy=False)


def as_column(values: object, dtype: object) -> object:
    """Convert one column's values (list, numpy, arrow) to an array of ``dtype``."""
    if isinstance(dtype, ListColumn):
        if not isinstance(values, pa.ChunkedArray | pa.Array):
            values = pa.array(values, type=dtype.arrow)
        elif values.type != dtype.arrow:
            values = values.cast(dtype.arrow)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        # each value a numpy array of its list (or None): Arrow builds them in C++
        return values.to_numpy(zero_copy_only=False)
    if isinstance(values, pa.ChunkedArray | pa.Array):
        if dtype is BOOL:
            return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)
        return dtype.__from_arrow__(values)  # exact, no round trip through Python objects
    if dtype is BOOL:
        return np.asarray(values, dtype=bool)
    return pd.array(values, dtype=dtype, copy=False)


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the contract's columns, in order, cast to the contract's dtypes.

    Raises :class:`OcrframeError` naming the missing columns. Use it on frames that came from
    elsewhere (an older file, a user's edit) before handing them to ocrframe.
    """
    spec = columns(table)
    added = ADDED.get(table, frozenset())
    missing = [c for c in spec if c not in df.columns and c not in added]
    if missing:
        raise OcrframeError(f"{table}: missing columns {missing}")
    out = {}
    for name, dtype in spec.items():
        if name not in df.columns:  # a frame made before the column existed
            out[name] = as_column([None] * len(df), dtype)
            continue
        col = df[name]
        if isinstance(dtype, ListColumn):  # any lists or arrays (an ArrowDtype list too)
            values = (
                col.array.__arrow_array__()
                if isinstance(col.dtype, pd.ArrowDtype)
                else [
                    None if v is None or (np.ndim(v) == 0 and pd.isna(v)) else list(v) for v in col
                ]
            )
            out[name] = as_column(values, dtype)
        else:
            out[name] = col.array if col.dtype == dtype else col.astype(dtype).array
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def validate(table: str, df: pd.DataFrame) -> None:
    """Raise :class:`OcrframeError` unless ``df`` has the contract's columns, order and dtypes."""
    spec = columns(table)
    if list(df.columns) != list(spec):
        raise OcrframeError(f"{table}: columns {list(df.columns)} differ from {list(spec)}")
    wrong = {c: str(df[c].dtype) for c, d in spec.items() if df[c].dtype != pandas_dtype(d)}
    if wrong:
        raise OcrframeError(f"{table}: wrong dtypes {wrong}")
    if "confidence" in df:
        conf = df["confidence"].dropna()
        if len(conf) and (conf.min() < 0 or conf.max() > 1):
            raise OcrframeError(f"{table}: confidence outside [0, 1]")


def arrow_schema(table: str) -> pa.Schema:
    """The parquet/arrow schema of ``table`` (what ``to_parquet`` writes)."""
    return pa.schema([(name, _arrow_type(dtype)) for name, dtype in columns(table).items()])


def arrow_table(df: pd.DataFrame, name: str, arrow: pa.Schema | None = None) -> pa.Table:
    """``df`` (table ``name``) as Arrow with the contract's Arrow types (or ``arrow``), and
    pandas' metadata, which gives pandas back the nullable dtypes, without ``df.attrs`` (a link
    to a live result means nothing in a file)."""
    import json

    table = pa.Table.from_pandas(df, schema=arrow or arrow_schema(name), preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    if b"pandas" in metadata:
        pandas_meta = json.loads(metadata[b"pandas"])
        pandas_meta.pop("attributes", None)
        metadata[b"pandas"] = json.dumps(pandas_meta).encode()
    return table.replace_schema_metadata(metadata)


def _arrow_type(dtype: object) -> pa.DataType:
    if dtype is BOOL:
        return pa.bool_()
    if isinstance(dtype, ListColumn):
        return dtype.arrow
    return {STRING: pa.string(), INT: pa.int32(), FLOAT32: pa.float32(), FLOAT64: pa.float64()}[
        dtype
    ]


def from_arrow(table: str, data: pa.Table) -> pd.DataFrame:
    """Read an arrow table (for example from parquet) back into the contract's dtypes."""
    schema = arrow_schema(table)
    added = ADDED.get(table, frozenset())
    missing = [n for n in schema.names if n not in data.column_names and n not in added]
    if missing:
        raise OcrframeError(f"{table}: missing columns {missing}")
    cols = {}
    for fld in schema:
        if fld.name not in data.column_names:  # written before the column existed
            cols[fld.name] = as_column(pa.nulls(data.num_rows, fld.type), columns(table)[fld.name])
            continue
        col = data.column(fld.name)
        if col.type != fld.type:
            col = col.cast(fld.type)
        cols[fld.name] = as_column(col, columns(table)[fld.name])
    return pd.DataFrame(cols, index=pd.RangeIndex(data.num_rows))
