"""Vectorised reading of JSONL files of line-and-words responses (general, minorlanguage, local).

The common large input — thousands of saved general-OCR responses — is parsed by Arrow's JSON
reader, its inferred types held to the known shape, and flattened with Arrow compute and numpy,
with no Python loop per item or character. It takes only files it can read *exactly* as the
careful per-dict path would: any unknown key, wrong type, missing value or words that do not
spell the item's text makes :func:`read` return ``None``, and the caller falls back to the
careful path, which explains the problem with a precise error or records it. Scale decisions
(the real general service answers on 0–1) are made as the careful path makes them. A test
checks that both paths give equal tables on random responses.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from .. import formats, schema
from ..core import assemble
from ..core.json_depth import deepest
from ..formats.words import known_extra
from ..result import OcrResult

_INT = pa.int64()
_BOX = pa.struct([("x", _INT), ("y", _INT), ("width", _INT), ("height", _INT)])
_POINT = pa.struct([("x", _INT), ("y", _INT)])
_WORD = pa.struct([("character", pa.string()), ("confidence", pa.float64()), ("wordcoord", _BOX)])
_ITEM = pa.struct(
    [
        ("itemstring", pa.string()),
        ("itemcoord", _BOX),
        ("words", pa.list_(_WORD)),
        ("itempolygon", pa.list_(_POINT)),
        ("block", _INT),
    ]
)
_BLOCK = pa.struct([("blocktype", pa.string()), ("blockcoord", _BOX)])
_DATA = pa.struct(
    [
        ("items", pa.list_(_ITEM)),
        ("session_id", pa.string()),
        ("angle", pa.float64()),
        ("class", pa.list_(pa.string())),
        ("engine", pa.struct([("name", pa.string()), ("version", pa.string())])),
        ("image_width", _INT),
        ("image_height", _INT),
        ("recognize_warn_code", pa.list_(_INT)),
        ("recognize_warn_msg", pa.list_(pa.string())),
        ("blocks", pa.list_(_BLOCK)),
    ]
)
SCHEMA = pa.schema([("code", _INT), ("message", pa.string()), ("data", _DATA)])

_ENDPOINTS = (None, "general", "minorlanguage")
#: the deepest nesting of a line the fast path reads (its schema nests 7 deep); Arrow's JSON
#: reader parses recursively and crashes the process on lines nested some thousands deep, so a
#: deeper line goes to the careful path, which refuses it with an error
FAST_DEPTH = 16


class _NotExact(Exception):
    """This file needs the careful path."""


def read_file(path: str) -> pa.Buffer:
    """A file's bytes in Arrow's memory pool, which keeps and reuses its pages between reads."""
    with pa.OSFile(path, "rb") as f:
        return f.read_buffer()


def read(
    data: pa.Buffer | bytes, path: str, endpoint: str | None, notes: list[str] | None = None
) -> OcrResult | None:
    """The file's result, or ``None`` when it must go through the careful path. Scale
    decisions are appended to ``notes`` (for one warning per call)."""
    data = pa.py_buffer(data) if not isinstance(data, pa.Buffer) else data
    if endpoint not in _ENDPOINTS or not data.size:
        return None
    texts, numbers = _lines(data)  # views into data; RawResponses decodes on access
    if not numbers or not shallow(data, FAST_DEPTH):
        return None
    try:
        table = _parse(data)
        if table.num_rows != len(numbers) or not _compatible(table.schema, SCHEMA):
            return None
        found: list[str] = []
        cols = _columns(table.combine_chunks(), path, numbers, endpoint, found)
    except (pa.ArrowException, UnicodeDecodeError, _NotExact):  # invalid UTF-8 in a key, too
        return None
    if notes is not None:
        notes += found
    return OcrResult(texts, *assemble.tables(cols))


def _parse(data: pa.Buffer) -> pa.Table:
    # Inferring types is faster than an explicit schema here; _compatible() then holds the
    # inferred types to the known shape, and _flat() casts to it.
    return pj.read_json(pa.BufferReader(data), read_options=pj.ReadOptions(block_size=1 << 24))


def _lines(data: pa.Buffer) -> tuple[list[memoryview], list[int]]:
    """The non-blank lines (zero-copy views, without line ending) and their 1-based numbers."""
    view = memoryview(data)
    raw = np.frombuffer(data, dtype=np.uint8)
    # newline positions, found a block at a time so no file-sized temporary is made
    block = 1 << 20
    breaks = [np.flatnonzero(raw[k : k + block] == 10) + k for k in range(0, len(raw), block)]
    ends = np.concatenate([*breaks, [len(raw)]]).tolist()
    lines, numbers = [], []
    start = 3 if bytes(view[:3]) == b"\xef\xbb\xbf" else 0  # a BOM is no part of the text
    for number, end in enumerate(ends, start=1):
        stop = end - 1 if end > start and raw[end - 1] == 13 else end  # drop "\r"
        # only short lines can be blank; a longer all-whitespace line makes pyarrow's row
        # count differ, and the careful path takes the file
        if stop - start >= 8 or bytes(view[start:stop]).strip():
            lines.append(view[start:stop])
            numbers.append(number)
        start = end + 1
    return lines, numbers


def shallow(data: pa.Buffer | bytes, limit: int) -> bool:
    """Whether no line of JSONL ``data`` nests arrays and objects more than ``limit`` deep.

    Exact for the part of each line a JSON parser reads before an error: brackets in strings
    (escaped quotes told) do not count, and each line starts at depth 0.

    >>> shallow(b'{"a": [1, {"b": "]]]"}]}\\n[[[]]]', 3), shallow(b'{"a": "[", "b": [[[]]]}', 3)
    (True, False)
    """
    view = memoryview(data)
    block = 1 << 22
    start = 0
    while start < len(view):  # blocks of whole lines: no copy of the file's size
        stop = min(start + block, len(view))
        chunk = bytes(view[start:stop])
        end = chunk.rfind(b"\n") + 1
        if stop < len(view) and end:
            chunk, stop = chunk[:end], start + end
        elif stop < len(view):  # a line longer than a block: to its end
            raw = np.frombuffer(data, dtype=np.uint8)
            while stop < len(view) and raw[stop - 1] != 10:
                ahead = np.flatnonzero(raw[stop : stop + block] == 10)
                stop = min(stop + (int(ahead[0]) + 1 if len(ahead) else block), len(view))
            chunk = bytes(view[start:stop])
        if deepest(chunk) > limit:
            return False
        start = stop
    return True


def _require(condition: bool) -> None:
    if not condition:
        raise _NotExact


def _compatible(found: pa.Schema | pa.DataType, known: pa.Schema | pa.DataType) -> bool:
    """Whether inferred type ``found`` fits ``known``: no unknown keys, no other leaf types."""
    if isinstance(found, pa.Schema) or pa.types.is_struct(found):
        if not (isinstance(known, pa.Schema) or pa.types.is_struct(known)):
            return False
        known_fields = {f.name: f.type for f in known}
        return all(
            f.name in known_fields and _compatible(f.type, known_fields[f.name]) for f in found
        )
    if pa.types.is_null(found):
        return True
    if pa.types.is_list(known):
        return pa.types.is_list(found) and _compatible(found.value_type, known.value_type)
    if pa.types.is_floating(known):
        return pa.types.is_floating(found) or pa.types.is_integer(found)
    return found == known


def _flat(struct_arr: pa.Array, known: pa.DataType) -> dict[str, pa.Array]:
    """Every known field of a struct array, cast to its known type; null where absent or where
    the struct itself is null."""
    if pa.types.is_null(struct_arr.type):
        return {f.name: pa.nulls(len(struct_arr), f.type) for f in known}
    present = dict(zip([f.name for f in struct_arr.type], struct_arr.flatten()))
    out = {}
    for f in known:
        arr = present.get(f.name)
        if arr is None:
            out[f.name] = pa.nulls(len(struct_arr), f.type)
        elif arr.type != f.type:
            out[f.name] = arr.cast(f.type)
        else:
            out[f.name] = arr
    return out


def _list_parts(list_arr: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(flattened values, parent row of each value, values per row), as intp (numpy's index
    type). Parents are repeated row numbers: cheaper than Arrow's list_parent_indices, and a
    null list counts no values, as list_flatten skips them."""
    values = pc.list_flatten(list_arr)
    counts = pc.list_value_length(list_arr).fill_null(0).to_numpy(zero_copy_only=False)
    counts = counts.astype(np.intp, copy=False)
    return values, np.repeat(np.arange(len(list_arr), dtype=np.intp), counts), counts


def _box(struct_arr: pa.Array) -> dict[str, pa.Array]:
    """x/y/width/height of a box column; a box that is present must be complete."""
    if struct_arr.null_count == len(struct_arr):  # no boxes at all: the common cloud case
        return {f.name: pa.nulls(len(struct_arr), pa.int32()) for f in _BOX}
    parts = _flat(struct_arr, _BOX)
    for arr in parts.values():
        if arr.null_count != struct_arr.null_count:  # flatten() nulls absent boxes' fields
            _require(not pc.any(pc.and_(struct_arr.is_valid(), arr.is_null())).as_py())
    return {k: v.cast(pa.int32()) for k, v in parts.items()}


def _columns(
    table: pa.Table, path: str, numbers: list[int], endpoint: str | None, notes: list[str]
) -> dict:
    n = table.num_rows
    if "code" not in table.column_names:
        raise _NotExact
    code = table.column("code").chunk(0).cast(_INT)
    _require(code.null_count == 0)
    code_np = code.to_numpy(zero_copy_only=False)
    data = table.column("data").chunk(0) if "data" in table.column_names else pa.nulls(n)
    d = _flat(data, _DATA)
    message = table.column("message") if "message" in table.column_names else pa.nulls(n)
    ok = code_np == 0
    _require(not (ok & ~np.asarray(d["items"].is_valid())).any())

    # the format of each response, as detection would choose it (words.says_minorlanguage)
    has_class = np.asarray(d["class"].is_valid())
    named_class = np.asarray(pc.fill_null(pc.list_value_length(d["class"]), 0)) > 0
    minor = named_class | (has_class & np.asarray(d["engine"].is_valid()))
    guessed = (~minor & has_class) if endpoint is None else np.zeros(n, dtype=bool)
    if endpoint == "minorlanguage":
        minor = np.ones(n, dtype=bool)
    elif endpoint == "general":
        minor = np.zeros(n, dtype=bool)
    general, minorlanguage = formats.get("general"), formats.get("minorlanguage")
    # detection reads a failed response without data.items as a bare error body: no endpoint
    has_items = np.asarray(d["items"].is_valid())
    named = has_items if endpoint is None else np.ones(n, dtype=bool)
    endpoints = np.where(
        named, np.where(minor, minorlanguage.endpoint, general.endpoint), None
    ).tolist()

    # items of successful responses only: a failed response keeps no rows elsewhere, but its
    # raw text is kept, so its strings must be valid UTF-8 too
    if not ok.all():
        dropped = _flat(pc.list_flatten(_only(~ok, d["items"])), _ITEM)
        _require_utf8(
            dropped["itemstring"], _flat(pc.list_flatten(dropped["words"]), _WORD)["character"]
        )
    items, item_resp, _ = _list_parts(_only(ok, d["items"]))
    it = _flat(items, _ITEM)
    _require(it["itemstring"].null_count == 0)
    words, word_item, words_per_item = _list_parts(it["words"])
    w = _flat(words, _WORD)
    _require(w["character"].null_count == 0)
    # Arrow's JSON reader does not check UTF-8. Every string of the file is in these columns,
    # the engine's, the failed responses' texts (above) and the texts, whose check is
    # _spelled()'s (_compatible() admitted no other key), so the raw texts are valid too
    _require_utf8(message, d["session_id"], d["class"], d["recognize_warn_msg"])
    _require(_spelled(it["itemstring"], w["character"], words_per_item))

    conf = np.asarray(w["confidence"].to_numpy(zero_copy_only=False), dtype=np.float64)
    # Arrow reads NaN and Infinity literals, which are not JSON: the careful path names them
    _require(np.count_nonzero(np.isnan(conf)) == w["confidence"].null_count)
    _require(pc.all(pc.is_finite(d["angle"].cast(pa.float64()))).as_py() is not False)
    word_resp = np.repeat(item_resp, words_per_item)  # words follow their items in order
    declared = np.where(minor, minorlanguage.scale, general.scale)
    scale = _scales(conf, word_resp, n, declared)
    decided = scale != declared
    names = np.where(minor, minorlanguage.name, general.name)
    for k in np.flatnonzero(decided):  # as effective_scale says it, for the one warning per call
        notes.append(
            f"{names[k]} response {k}: confidences read on 0-{scale[k]:g}, "
            f"not the documented 0-{declared[k]:g}"
        )

    engine = _flat(d["engine"], _DATA.field("engine").type)
    _require_utf8(engine["name"], engine["version"])
    engine_name = engine["name"].to_pylist()
    versions = engine["version"]
    if d["class"].null_count == n and versions.null_count == n and not decided.any():
        extras = [None] * n  # saved cloud responses of the documented shape
    else:
        found = zip(d["class"].to_pylist(), versions.to_pylist(), guessed, ok)
        extras = [known_extra(c, v, bool(g)) if good else None for c, v, g, good in found]
        for k in np.flatnonzero(decided & ok):
            extras[k]["confidence_scale"] = float(scale[k])

    points, point_item, _ = _list_parts(it["itempolygon"])
    pts = _flat(points, _POINT)
    _require(points.null_count == 0 and pts["x"].null_count == 0 and pts["y"].null_count == 0)
    xy = np.column_stack(
        [pts["x"].to_numpy(zero_copy_only=False), pts["y"].to_numpy(zero_copy_only=False)]
    ).ravel()
    polygon = pa.ListArray.from_arrays(
        pa.array(2 * _offsets(point_item, len(items)).to_numpy(), pa.int32()),
        pa.array(xy, pa.int64()).cast(pa.int32()),
        mask=it["itempolygon"].is_null(),
    )

    box = _box(it["itemcoord"])
    wbox = _box(w["wordcoord"])
    n_items = len(items)
    item_block, item_order, blocks = _layout(d["blocks"], ok, it["block"], item_resp)
    na = pa.nulls(n_items, pa.string())
    sources = [f"{path}:{k}" for k in numbers]
    return {
        "images": {
            "response_id": np.arange(n),
            "source": sources,
            "page": pa.nulls(n, pa.int32()),
            "engine": [name or None if good else None for name, good in zip(engine_name, ok)],
            "endpoint": endpoints,
            "code": code.cast(pa.int32()),
            "message": message,
            "session_id": pc.if_else(pa.array(ok), d["session_id"], pa.nulls(n, pa.string())),
            "angle": _when(ok, d["angle"]),
            "image_width": _when(ok, d["image_width"]).cast(pa.int32()),
            "image_height": _when(ok, d["image_height"]).cast(pa.int32()),
            "dpi": pa.nulls(n, pa.int32()),
            "warn_codes": _when(ok, d["recognize_warn_code"]).cast(pa.list_(pa.int32())),
            "warn_messages": _when(ok, d["recognize_warn_msg"]),
            "extra": extras,
            "scale": scale,
            "missing": np.full(n, np.nan),
        },
        "items": {
            "image_row": item_resp,
            "field": na,
            "label": na,
            "text": it["itemstring"],
            "confidence_raw": np.full(n_items, np.nan),
            **box,
            "polygon": polygon,
            "block": item_block,
            "order": item_order,
        },
        "blocks": blocks,
        "chars": {
            "item_row": word_item,
            "char": w["character"],
            "confidence_raw": conf,
            **wbox,
        },
    }


def _layout(blocks_arr: pa.Array, ok: np.ndarray, block: pa.Array, item_resp: np.ndarray):
    """The items' block numbers and reading order, and the blocks' columns, as the careful
    path reads ``data.blocks`` and ``items[].block`` (:class:`~ocrframe.formats.words.WordsAdapter`):
    a response that lists blocks lists its items in reading order."""
    found, block_resp, per_resp = _list_parts(_only(ok, blocks_arr))
    numbers = block.fill_null(-1).to_numpy(zero_copy_only=False)
    _require(((numbers == -1) | ((numbers >= 0) & (numbers < per_resp[item_resp]))).all())
    position = assemble.ranks(item_resp, np.bincount(item_resp, minlength=len(ok)))
    order = pa.array(position, pa.int64(), mask=per_resp[item_resp] == 0)
    b = _flat(found, _BLOCK)
    _require_utf8(b["blocktype"])
    number = assemble.ranks(block_resp, per_resp)
    kinds = [k or "text" for k in b["blocktype"].to_pylist()]
    box = _box(b["blockcoord"])
    columns = {
        "image_row": block_resp.tolist(),
        "block": number.tolist(),
        "type": [k if k in schema.BLOCK_TYPES else "other" for k in kinds],
        "order": number.tolist(),
        **{k: v.to_pylist() for k, v in box.items()},
        "polygon": [None] * len(found),
        "confidence_raw": [None] * len(found),
    }
    return block, order, columns


def _only(ok: np.ndarray, lists: pa.Array) -> pa.Array:
    """``lists`` with the entries of failed responses nulled (a failed image has no rows);
    :func:`_list_parts` counts a null entry as no values."""
    if ok.all():
        return lists
    keep = ok & np.asarray(lists.is_valid())
    return pa.ListArray.from_arrays(lists.offsets, lists.values, mask=pa.array(~keep))


def _string_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes (all values joined) and the byte offsets of a string array."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    data = arr.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return raw[offsets[0] : offsets[-1]], offsets


def _spelled(texts: pa.Array, chars: pa.Array, words_per_item: np.ndarray) -> bool:
    """True when each item's words are single characters that spell its text exactly.

    Every word is one valid code point (each is non-empty, starts a UTF-8 character, all of
    them joined are valid UTF-8 and hold as many code points as there are words), each text has
    as many code points as its item has words, and all texts joined equal all characters
    joined: together, every text equals its own words joined (and is valid UTF-8, which Arrow's
    JSON reader does not check).
    """
    char_bytes, char_offsets = _string_bytes(chars)
    if len(chars) and np.diff(char_offsets).min() < 1:
        return False
    starts = char_bytes[char_offsets[:-1] - char_offsets[0]]
    if ((starts & 0xC0) == 0x80).any() or not _is_utf8(char_bytes):
        return False
    code_points = len(char_bytes) - np.count_nonzero((char_bytes & 0xC0) == 0x80)
    if code_points != len(chars):
        return False
    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False)
    if not np.array_equal(lengths, words_per_item):
        return False
    return np.array_equal(_string_bytes(texts)[0], char_bytes)


def _is_utf8(data: np.ndarray) -> bool:
    """Whether the bytes ``data`` are valid UTF-8 (Arrow's vectorised check, no copy)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    joined = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        joined.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _require_utf8(*arrays: pa.Array | pa.ChunkedArray) -> None:
    """Every string in ``arrays`` (lists of strings included) is valid UTF-8."""
    for arr in arrays:
        if pa.types.is_list(arr.type):
            arr = pc.list_flatten(arr)
        try:
            arr.validate(full=True)
        except pa.ArrowInvalid:
            raise _NotExact from None


def _when(ok: np.ndarray, arr: pa.Array) -> pa.Array:
    """The value for successful responses; a failed response reports none."""
    return pc.if_else(pa.array(ok), arr, pa.nulls(len(arr), arr.type))


def _offsets(parents: np.ndarray, n_groups: int) -> pa.Array:
    counts = np.bincount(parents, minlength=n_groups)
    return pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int32())


def _scales(conf: np.ndarray, resp: np.ndarray, n: int, declared: np.ndarray) -> np.ndarray:
    """The scale of each response, decided as :func:`formats._base.effective_scale` decides it:
    the documented one, unless a response's values contradict it (a "0-1" response with values
    above 1 is on 0-100; a "0-100" response whose values are all fractions is on 0-1).

    ``resp`` (the response of each value) is sorted, so per-response maxima are a reduceat.
    """
    if not len(conf) or np.isnan(conf).all():
        return declared
    _require(np.nanmin(conf) >= 0 and np.nanmax(conf) <= 100)
    counts = np.bincount(resp, minlength=n)
    filled = counts > 0
    starts = (np.cumsum(counts) - counts)[filled]
    high = np.full(n, -np.inf)
    high[filled] = np.fmax.reduceat(conf, starts)  # NaN (no confidence) is ignored
    fraction = (conf > 0) & (conf < 1)
    has_fraction = np.zeros(n, dtype=bool)
    has_fraction[filled] = np.logical_or.reduceat(fraction, starts)
    scale = declared.astype(np.float64, copy=True)
    scale[(declared == 1.0) & (high > 1.0)] = 100.0
    scale[(declared == 100.0) & (high <= 1.0) & has_fraction] = 1.0
    return scale
