"""Turn parsed columns into the canonical tables: one place for every derived value.

Format adapters (and the vectorised JSONL reader) only collect what the service said — raw
confidences, boxes, texts — into :class:`Columns`. Everything derived from that is computed here
and only here: the 0–1 confidence from the raw value and the response's scale, an item's confidence
from its characters where the service gives none, ids, counts and means. So two ways of reading
the same response cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema

# Intermediate columns. `*_row` columns are positional links: item -> image row, char -> item row.
IMAGE_COLUMNS = (
    "response_id",
    "source",
    "page",
    "engine",
    "endpoint",
    "code",
    "message",
    "session_id",
    "angle",
    "image_width",
    "image_height",
    "dpi",
    "warn_codes",
    "warn_messages",
    "extra",
    "scale",  # divisor that maps the response's raw confidences to 0-1
    "missing",  # raw value meaning "not recognised" (namecard's -1), NaN when none
)
ITEM_COLUMNS = (
    "image_row",
    "field",
    "label",
    "text",
    "confidence_raw",
    "x",
    "y",
    "width",
    "height",
    "polygon",
    "block",  # the item's block number within its image (a ``blocks`` row), None if unknown
    "order",  # the item's place in its image's reading order, None if unknown
)
CHAR_COLUMNS = ("item_row", "char", "confidence_raw", "x", "y", "width", "height")
CELL_COLUMNS = ("image_row", "table", "row", "col", "row_span", "col_span", "kind", "text",
                "confidence_raw", "x", "y", "width", "height")  # fmt: skip
BLOCK_COLUMNS = ("image_row", "block", "type", "order", "x", "y", "width", "height", "polygon",
                 "confidence_raw")  # fmt: skip


@dataclass
class Columns:
    """Column-wise accumulator that adapters append to, one response after another."""

    images: dict[str, list] = field(default_factory=lambda: {c: [] for c in IMAGE_COLUMNS})
    items: dict[str, list] = field(default_factory=lambda: {c: [] for c in ITEM_COLUMNS})
    chars: dict[str, list] = field(default_factory=lambda: {c: [] for c in CHAR_COLUMNS})
    cells: dict[str, list] = field(default_factory=lambda: {c: [] for c in CELL_COLUMNS})
    blocks: dict[str, list] = field(default_factory=lambda: {c: [] for c in BLOCK_COLUMNS})
    n_responses: int = 0  # responses parsed so far: the next one's response_id

    @property
    def n_images(self) -> int:
        return len(self.images["response_id"])

    def add_image(
        self,
        *,
        response_id: int,
        source: str | None,
        engine: str | None,
        endpoint: str | None,
        code: int,
        message: str | None,
        session_id: str | None = None,
        angle: float | None = None,
        image_width: int | None = None,
        image_height: int | None = None,
        extra: dict | None = None,
        scale: float = 1.0,
        missing: float = float("nan"),
        warn_codes: list[int] | None = None,
        warn_messages: list[str] | None = None,
        page: int | None = None,
        dpi: int | None = None,
    ) -> int:
        """Append one image row and return its row number."""
        values = locals()
        for name in IMAGE_COLUMNS:
            self.images[name].append(values[name])
        return self.n_images - 1

    def mark(self) -> tuple[int, ...]:
        """How many rows each table has: :meth:`rollback` returns to this."""
        return (
            self.n_images,
            len(self.items["text"]),
            len(self.chars["char"]),
            len(self.cells["text"]),
            len(self.blocks["block"]),
        )

    def rollback(self, mark: tuple[int, ...]) -> None:
        """Drop the rows added since ``mark`` (a response that failed halfway)."""
        for table, n in zip((self.images, self.items, self.chars, self.cells, self.blocks), mark):
            for values in table.values():
                del values[n:]

    def add_block(
        self,
        image_row: int,
        block: int,
        kind: str = "text",
        *,
        order: int | None = None,
        box: tuple[int, int, int, int] | None = None,
        polygon: list[int] | None = None,
        confidence_raw: float | None = None,
    ) -> None:
        """Append one layout block of an image: ``block`` numbers the image's blocks (the
        items that belong to it say so with ``add_item(block=...)``); ``kind`` is one of
        :data:`ocrframe.schema.BLOCK_TYPES` (anything else is kept as ``other``)."""
        b = self.blocks
        b["image_row"].append(image_row)
        b["block"].append(block)
        b["type"].append(kind if kind in schema.BLOCK_TYPES else "other")
        b["order"].append(order)
        x, y, w, h = box if box is not None else (None, None, None, None)
        for name, value in zip(("x", "y", "width", "height"), (x, y, w, h)):
            b[name].append(value)
        b["polygon"].append(polygon)
        b["confidence_raw"].append(confidence_raw)

    def add_cell(
        self,
        image_row: int,
        table: int,
        position: tuple[int, int, int, int],
        text: str,
        *,
        kind: str | None = None,
        confidence_raw: float | None = None,
        box: tuple[int, int, int, int] | None = None,
    ) -> None:
        """Append one table cell: ``position`` is ``(row, col, row_span, col_span)``, 0-based;
        ``table`` numbers the image's tables from 0."""
        c = self.cells
        c["image_row"].append(image_row)
        c["table"].append(table)
        for name, value in zip(("row", "col", "row_span", "col_span"), position):
            c[name].append(value)
        c["kind"].append(kind)
        c["text"].append(text)
        c["confidence_raw"].append(confidence_raw)
        x, y, w, h = box if box is not None else (None, None, None, None)
        for name, value in zip(("x", "y", "width", "height"), (x, y, w, h)):
            c[name].append(value)

    def set_page(self, first_row: int, page: int | None, dpi: int | None) -> None:
        """Give the image rows from ``first_row`` on (one response's) the page and resolution
        of the input they answer, where the response itself named no page."""
        for row in range(first_row, self.n_images):
            if self.images["page"][row] is None:
                self.images["page"][row] = page
            if self.images["dpi"][row] is None:
                self.images["dpi"][row] = dpi

    def add_extra(self, first_row: int, extra: dict) -> None:
        """Merge ``extra`` into ``images.extra`` of every image row from ``first_row`` on (the
        rows one response just added); its keys win over the format's own."""
        extras = self.images["extra"]
        for row in range(first_row, len(extras)):
            extras[row] = {**(extras[row] or {}), **extra}

    def add_item(
        self,
        image_row: int,
        text: str,
        *,
        field: str | None = None,
        label: str | None = None,
        confidence_raw: float | None = None,
        box: tuple[int, int, int, int] | None = None,
        polygon: list[int] | None = None,
        block: int | None = None,
        order: int | None = None,
    ) -> int:
        """Append one item row and return its row number (``block``: its layout block's
        number, ``order``: its place in the image's reading order, where the source says)."""
        it = self.items
        it["image_row"].append(image_row)
        it["field"].append(field)
        it["label"].append(label)
        it["text"].append(text)
        it["confidence_raw"].append(confidence_raw)
        x, y, w, h = box if box is not None else (None, None, None, None)
        it["x"].append(x)
        it["y"].append(y)
        it["width"].append(w)
        it["height"].append(h)
        it["polygon"].append(polygon)
        it["block"].append(block)
        it["order"].append(order)
        return len(it["text"]) - 1

    def add_chars(
        self,
        item_row: int,
        text: str,
        confidences: list[float | None] | None = None,
        boxes: list[tuple[int, int, int, int] | None] | None = None,
    ) -> None:
        """Append one row per character of ``text``; ``confidences``/``boxes`` align by position."""
        n = len(text)
        ch = self.chars
        ch["item_row"].extend([item_row] * n)
        ch["char"].extend(text)
        ch["confidence_raw"].extend(confidences if confidences is not None else [None] * n)
        if boxes is None:
            for name in ("x", "y", "width", "height"):
                ch[name].extend([None] * n)
        else:
            for k, name in enumerate(("x", "y", "width", "height")):
                ch[name].extend([b[k] if b is not None else None for b in boxes])


def tables(cols: Columns | dict) -> tuple[pd.DataFrame, ...]:
    """Build ``(images, items, chars, cells, blocks)`` from accumulated columns.

    ``cols`` is a :class:`Columns` or a dict with the same mappings whose values may be Python
    lists, numpy arrays or arrow arrays (the vectorised reader's output, which has no cells,
    no blocks and no item ``block``/``order``).
    """
    img = cols.images if isinstance(cols, Columns) else cols["images"]
    itm = cols.items if isinstance(cols, Columns) else cols["items"]
    chr_ = cols.chars if isinstance(cols, Columns) else cols["chars"]
    cel = cols.cells if isinstance(cols, Columns) else cols.get("cells")
    blk = cols.blocks if isinstance(cols, Columns) else cols.get("blocks")

    n_images = len(img["response_id"])
    # row links as intp: numpy converts any other integer type on every bincount and gather
    item_image = _ints(itm["image_row"])[0].astype(np.intp, copy=False)
    char_item = _ints(chr_["item_row"])[0].astype(np.intp, copy=False)
    n_items = len(item_image)
    if n_items > 1 and (np.diff(item_image) < 0).any():
        # a format that lists pages first and lines after (Textract, multi-page Tesseract)
        itm, chr_, item_image, char_item = _by_image(itm, chr_, item_image, char_item)

    scale = _floats(img["scale"])
    missing = _floats(img["missing"])

    # chars follow their items in order (and items their images), so a per-item value spreads
    # to the chars by repeating it: cheaper than gathering by char_item
    chars_per_item = np.bincount(char_item, minlength=n_items)
    char_image = np.repeat(item_image, chars_per_item)

    # characters: normalise with their image's scale; "missing" sentinels become NA
    char_raw = _floats(chr_["confidence_raw"])
    char_conf = _normalise(char_raw, scale, missing, char_image)

    # items: the service's own confidence, else the mean of the characters that have one
    item_raw = _floats(itm["confidence_raw"])
    item_conf = _normalise(item_raw, scale, missing, item_image)
    has = ~np.isnan(char_conf)
    if has.all():  # the common case: skip two copies of the largest arrays
        sums = np.bincount(char_item, weights=char_conf, minlength=n_items)
        counts = chars_per_item
    else:
        sums = np.bincount(char_item[has], weights=char_conf[has], minlength=n_items)
        counts = np.bincount(char_item[has], minlength=n_items)
    from_chars = np.isnan(item_raw) & (counts > 0)
    item_conf[from_chars] = sums[from_chars] / counts[from_chars]

    item_ids = ranks(item_image, np.bincount(item_image, minlength=n_images))
    char_ids = ranks(char_item, chars_per_item)

    items_per_image = np.bincount(item_image, minlength=n_images)
    chars_per_image = np.bincount(item_image, weights=chars_per_item, minlength=n_images)
    has_item = ~np.isnan(item_conf)
    conf_sum = np.bincount(item_image[has_item], weights=item_conf[has_item], minlength=n_images)
    conf_n = np.bincount(item_image[has_item], minlength=n_images)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.where(conf_n > 0, conf_sum / np.maximum(conf_n, 1), np.nan)

    code = _ints(img["code"])
    images = schema.frame(
        "images",
        {
            "image_id": _ids(np.arange(n_images)),
            "response_id": _ids(img["response_id"]),
            "source": _strings(img["source"]),
            "page": _int_array(*_ints(img["page"])),
            "engine": _strings(img["engine"]),
            "endpoint": _strings(img["endpoint"]),
            "code": _int_array(*code),
            "message": _strings(img["message"]),
            "session_id": _strings(img["session_id"]),
            "angle": _float_array(_floats(img["angle"]), schema.FLOAT64),
            "image_width": _int_array(*_ints(img["image_width"])),
            "image_height": _int_array(*_ints(img["image_height"])),
            "dpi": _int_array(*_ints(img["dpi"])),
            "ok": (code[0] == 0) & ~code[1],
            "n_items": _ids(items_per_image),
            "n_chars": _ids(chars_per_image.astype(np.int64)),
            "mean_confidence": _float_array(mean_conf, schema.FLOAT32),
            "warn_codes": _lists(img["warn_codes"], schema.CODES),
            "warn_messages": _lists(img["warn_messages"], schema.MESSAGES),
            "extra": _strings([dump_extra(e) for e in _pylist(img["extra"])]),
        },
    )
    items = schema.frame(
        "items",
        {
            "image_id": _ids(item_image),
            "item_id": _ids(item_ids),
            "field": _strings(itm["field"]),
            "label": _strings(itm["label"]),
            "text": _strings(itm["text"]),
            "confidence": _float_array(item_conf, schema.FLOAT32),
            "confidence_raw": _float_array(item_raw, schema.FLOAT64),
            "confidence_calibrated": _float_array(np.full(n_items, np.nan), schema.FLOAT32),
            "x": _int_array(*_ints(itm["x"])),
            "y": _int_array(*_ints(itm["y"])),
            "width": _int_array(*_ints(itm["width"])),
            "height": _int_array(*_ints(itm["height"])),
            "polygon": _polygons(itm["polygon"]),
            "n_chars": _ids(chars_per_item),
            "block_id": _int_array(*_optional_ints(itm.get("block"), n_items)),
            "order": _int_array(*_optional_ints(itm.get("order"), n_items)),
        },
    )
    chars = schema.frame(
        "chars",
        {
            "image_id": _ids(char_image),
            "item_id": _ids(np.repeat(item_ids, chars_per_item)),
            "char_id": _ids(char_ids),
            "char": _strings(chr_["char"]),
            "confidence": _float_array(char_conf, schema.FLOAT32),
            "confidence_raw": _float_array(char_raw, schema.FLOAT64),
            "confidence_calibrated": _float_array(np.full(len(char_raw), np.nan), schema.FLOAT32),
            "x": _int_array(*_ints(chr_["x"])),
            "y": _int_array(*_ints(chr_["y"])),
            "width": _int_array(*_ints(chr_["width"])),
            "height": _int_array(*_ints(chr_["height"])),
        },
    )
    return images, items, chars, _cells(cel, scale, missing), _blocks(blk, scale, missing)


def _optional_ints(values, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``_ints`` of a column a reader may not fill at all (all missing then)."""
    return _all_missing(n) if values is None else _ints(values)


def _blocks(blk: dict | None, scale: np.ndarray, missing: np.ndarray) -> pd.DataFrame:
    """The blocks table, in image order (each image's blocks as the source listed them)."""
    if not blk or not blk["block"]:
        return schema.empty("blocks")
    image = np.asarray(blk["image_row"], dtype=np.intp)
    order = np.argsort(image, kind="stable")
    blk = {k: [v[i] for i in order] for k, v in blk.items()}
    raw = _floats(blk["confidence_raw"])
    return schema.frame(
        "blocks",
        {
            "image_id": _ids(image[order]),
            "block_id": _ids(np.asarray(blk["block"])),
            "type": _strings(blk["type"]),
            "order": _int_array(*_ints(blk["order"])),
            **{k: _int_array(*_ints(blk[k])) for k in ("x", "y", "width", "height")},
            "polygon": _polygons(blk["polygon"]),
            "confidence": _float_array(
                _normalise(raw, scale, missing, image[order]), schema.FLOAT32
            ),
        },
    )


def _cells(cel: dict | None, scale: np.ndarray, missing: np.ndarray) -> pd.DataFrame:
    """The cells table: each image's tables, cells numbered within their table."""
    if not cel or not cel["text"]:
        return schema.empty("cells")
    image = np.asarray(cel["image_row"], dtype=np.intp)
    table = np.asarray(cel["table"], dtype=np.int64)
    order = np.lexsort((table, image))  # stable: the service's order within a table
    cel = {k: [v[i] for i in order] for k, v in cel.items()}
    image, table = image[order], table[order]
    starts = np.r_[True, (image[1:] != image[:-1]) | (table[1:] != table[:-1])]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    raw = _floats(cel["confidence_raw"])
    return schema.frame(
        "cells",
        {
            "image_id": _ids(image),
            "table_id": _ids(table),
            "cell_id": _ids(np.arange(len(image)) - first[group]),
            **{k: _ids(np.asarray(cel[k])) for k in ("row", "col", "row_span", "col_span")},
            "kind": _strings(cel["kind"]),
            "text": _strings(cel["text"]),
            "confidence": _float_array(_normalise(raw, scale, missing, image), schema.FLOAT32),
            "confidence_raw": _float_array(raw, schema.FLOAT64),
            **{k: _int_array(*_ints(cel[k])) for k in ("x", "y", "width", "height")},
        },
    )


def _by_image(itm: dict, chr_: dict, item_image: np.ndarray, char_item: np.ndarray):
    """Items (and their chars, which follow each item) reordered so that each image's items
    are together, in image order; within an image the order stays as parsed."""
    order = np.argsort(item_image, kind="stable")
    counts = np.bincount(char_item, minlength=len(item_image))
    starts = np.cumsum(counts) - counts
    new_counts = counts[order]
    new_starts = np.cumsum(new_counts) - new_counts
    char_order = np.repeat(starts[order] - new_starts, new_counts) + np.arange(len(char_item))
    items = {k: _take(v, order) for k, v in itm.items()}
    chars = {k: _take(v, char_order) for k, v in chr_.items()}
    new_char_item = np.repeat(np.arange(len(order)), new_counts)
    items["image_row"], chars["item_row"] = item_image[order], new_char_item
    return items, chars, item_image[order], new_char_item


def _take(values, positions: np.ndarray):
    """``values`` (a list, numpy or Arrow array) at ``positions``."""
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.take(pa.array(positions))
    if isinstance(values, np.ndarray):
        return values[positions]
    return [values[k] for k in positions]


def dump_extra(extra: dict | None) -> str | None:
    """The JSON text stored in ``images.extra`` (NA for nothing). ``null`` values at any depth
    are left out: they mean what an absent key means (the raw response keeps them).

    >>> dump_extra({"a": None, "b": {"c": None, "d": [1, None]}})
    '{"b":{"d":[1,null]}}'
    """
    extra = without_nulls(extra) if extra else None
    if not extra:
        return None
    return json.dumps(extra, ensure_ascii=False, separators=(",", ":"))


def without_nulls(value):
    """``value`` without the ``null`` values of its objects, at any depth: a key whose value is
    ``null`` means what an absent key means (list entries stay in place).

    >>> without_nulls({"a": None, "b": [None, {"c": None}]})
    {'b': [None, {}]}
    """
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _normalise(
    raw: np.ndarray, scale: np.ndarray, missing: np.ndarray, image: np.ndarray
) -> np.ndarray:
    """0-1 confidences of rows belonging to ``image``, given each image's scale and sentinel."""
    if len(scale) and (scale == scale[0]).all():  # one scale for all: no gather needed
        conf = raw / scale[0]
    else:
        conf = raw / scale[image]
    if not np.isnan(missing).all():
        conf[raw == missing[image]] = np.nan
    return conf


def ranks(groups: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Position of each row within its group; rows of one group are contiguous and ordered."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int32)
    starts = (np.cumsum(counts) - counts).astype(np.int32)
    return np.arange(len(groups), dtype=np.int32) - np.repeat(starts, counts)


def _pylist(values) -> list:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.to_pylist()
    return list(values)


def _floats(values) -> np.ndarray:
    """float64 values with NaN for missing (JSON has no NaN, so NaN cannot be a real value)."""
    if isinstance(values, np.ndarray):
        return values.astype(np.float64, copy=False)
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.array(values, dtype=np.float64)


def _ints(values) -> tuple[np.ndarray, np.ndarray]:
    """(integer values, missing mask); arrays keep their integer width."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values, np.zeros(len(values), dtype=bool)
    if isinstance(values, pa.ChunkedArray | pa.Array):
        if values.null_count == 0:
            return values.to_numpy(zero_copy_only=False), np.zeros(len(values), dtype=bool)
        if values.null_count == len(values):
            return _all_missing(len(values))
        mask = np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        return values.fill_null(0).to_numpy(zero_copy_only=False), mask
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    if mask.any():
        return np.array([0 if v is None else v for v in values], dtype=np.int64), mask
    return np.array(values, dtype=np.int64), mask


def _all_missing(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(zeros, all-True mask) for a column with no value: the column's own arrays, writable,
    so that users may set values in it."""
    return np.zeros(n, dtype=np.int32), np.ones(n, dtype=bool)


def _ids(values) -> pd.api.extensions.ExtensionArray:
    """Integers with no missing value (ids, counts) as an ``Int32`` array."""
    values = np.asarray(values)
    return pd.arrays.IntegerArray(_int32(values), np.zeros(len(values), bool))


def _int_array(values: np.ndarray, mask: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.arrays.IntegerArray(_int32(values), mask)


def _int32(values: np.ndarray) -> np.ndarray:
    """``values`` as a writable int32 array: a zero-copy view of an Arrow buffer is read-only,
    and a column users cannot set values in (``df.loc[i, "x"] = 5``) would be a trap."""
    out = values.astype(np.int32, copy=False)
    return out if out.flags.writeable else out.copy()


def _float_array(values: np.ndarray, dtype) -> pd.api.extensions.ExtensionArray:
    np_type = np.float32 if dtype == schema.FLOAT32 else np.float64
    mask = np.isnan(values)
    data = values.astype(np_type, copy=True)  # callers' arrays stay untouched
    if mask.any():
        data[mask] = 0.0  # masked slots hold 0, as pandas itself would
    return pd.arrays.FloatingArray(data, mask)


def _strings(values) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    return pa.array(values, type=pa.string())


def _lists(values, column: schema.ListColumn) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.cast(column.arrow)
    return pa.array(values, type=column.arrow)


def _polygons(values) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.cast(pa.list_(pa.int32()))
    return pa.array(values, type=pa.list_(pa.int32()))
