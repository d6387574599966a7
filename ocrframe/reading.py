"""Reading responses: one dict, JSON text, or files of saved responses, into an OcrResult.

A ``.json`` file holds one response (or a JSON array of responses); a ``.jsonl`` file one
response per line. A line may also be an ocrframe record, ``{"source": …, "endpoint": …,
"engine": …, "response": {…}}``, which is what ocrframe writes when it saves raw responses, so
the image a response belongs to is not lost.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import assemble, fastjsonl, files, formats
from .engines.base import BATCH_ENDPOINTS, batch_entry
from .errors import OcrFormatError, OcrframeError, OcrScaleWarning
from .result import OcrResult, concat

RECORD_KEYS = frozenset({"source", "endpoint", "engine", "response"})
#: the further keys of ocrframe.records files (recognize --save-raw, the legacy client's cache)
RECORD_FILE_KEYS = RECORD_KEYS | {"format", "options", "image_sha256", "url", "scope"}


def _decode(obj: object, where: str | None) -> tuple[object, str]:
    """(parsed value, original JSON text) from a dict, str, bytes or an API 3.0 SDK model."""
    if hasattr(obj, "to_json_string") and hasattr(obj, "_deserialize"):
        # tencentcloud-sdk-python's response models: their own JSON, field names as the API's
        obj = obj.to_json_string()
    if isinstance(obj, bytes | bytearray | memoryview):
        try:
            obj = bytes(obj).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise OcrFormatError(f"not UTF-8 text: {err}", source=where) from None
    if isinstance(obj, str):
        if _is_text_format(obj):  # Tesseract TSV or hOCR, kept as the text it came in
            return {formats.TEXT_KEY: obj}, obj
        try:
            value = json.loads(obj)
        except json.JSONDecodeError as err:
            raise OcrFormatError(f"invalid JSON: {err}", source=where) from None
        if _SURROGATE_ESCAPE.search(obj):  # rare: emoji written as escaped pairs, or a broken one
            _require_unicode(json.dumps(value, ensure_ascii=False), where)
        return value, obj
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # pytesseract's DataFrame output
        obj = {str(k): v for k, v in obj.to_dict(orient="list").items()}
    if isinstance(obj, list | tuple):  # PaddleOCR, EasyOCR, RapidOCR results
        obj = _plain(obj)
        return obj, json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, dict):
        obj = _plain(obj)
        try:
            text = json.dumps(obj, ensure_ascii=False)
        except (TypeError, ValueError) as err:
            raise OcrFormatError(f"not JSON-serialisable: {err}", source=where) from None
        _require_unicode(text, where)
        return obj, text
    raise OcrFormatError(
        f"expected a response as dict, JSON str or bytes, got {type(obj).__name__}", source=where
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _require_unicode(text: str, where: str | None) -> None:
    """Refuse text holding a lone surrogate (``"\\ud83d"`` without its pair): it is no
    character, and no table or file could store it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = err.object[err.start : err.end].encode("utf-8", "backslashreplace").decode()
        raise OcrFormatError(
            f"{bad} is half of a surrogate pair, not a character", source=where
        ) from None


def _is_text_format(text: str) -> bool:
    head = text.lstrip()[:400]
    return head.startswith("level\tpage_num") or (
        head.startswith(("<?xml", "<!DOCTYPE", "<html")) and "ocr" in text[:4000]
    )


def _plain(value):
    """Tuples, numpy arrays and numbers as JSON's lists and numbers (engines' native outputs)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    return value


def _is_record(obj: object) -> bool:
    """An ocrframe record: a ``response`` with at least its endpoint or source beside it (any
    further keys a user added are kept in ``images.extra``)."""
    return (
        isinstance(obj, dict)
        and "response" in obj
        and ("endpoint" in obj or "source" in obj or obj.get("format") == "ocrframe.record")
    )


def _record_fields(rec: dict, where: str | None) -> tuple[str | None, str | None, object]:
    """(endpoint, engine, source) of a record, each checked: an error names the key."""
    values = []
    for key in ("endpoint", "engine", "source"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise OcrFormatError(
                f"expected str, got {value!r}", format="record", path=key, source=where
            )
        values.append(value)
    endpoint = values[0]
    if endpoint is not None and endpoint not in formats.endpoints():
        raise OcrFormatError(
            f"unknown endpoint {endpoint!r}", format="record", path="endpoint", source=where
        )
    return values[0], values[1], values[2]


def parse_into(
    cols: assemble.Columns,
    obj: object,
    text: str,
    *,
    endpoint: str | None,
    source: str | Mapping[str, str] | None,
    engine: str | None,
    where: str | None,
    notes: list[str],
    image_size: tuple[int, int] | None = None,
) -> str:
    """Parse one response into ``cols``; returns the raw JSON text to keep for it."""
    added: dict = {}
    if _is_record(obj):
        rec = obj
        obj = rec["response"]
        rec_endpoint, rec_engine, rec_source = _record_fields(rec, where)
        endpoint = rec_endpoint or endpoint
        engine = rec_engine or engine
        source = rec_source if rec_source is not None else source  # null: where it was read
        added = {k: v for k, v in rec.items() if k not in RECORD_FILE_KEYS}
        if endpoint in BATCH_ENDPOINTS and isinstance(obj, dict) and "result_list" not in obj:
            # a record holds one image's own entry of a batch answer
            name = source if isinstance(source, str) else rec.get("url") or ""
            obj = {"result_list": [batch_entry(obj, name)]}
        text = json.dumps(obj, ensure_ascii=False)
    ctx = formats.Context(
        columns=cols,
        response_id=cols.n_responses,
        source=source if isinstance(source, str) else None,
        sources={k.strip(): v for k, v in source.items()} if isinstance(source, Mapping) else None,
        engine=engine,
        endpoint=endpoint,
        notes=notes,
        image_size=image_size,
    )
    first_row = cols.n_images
    try:
        formats.choose(obj, endpoint).parse(obj, ctx)
    except OcrFormatError as err:
        raise err.located(where) if where else err from None
    if added:  # keys a user put beside a record's response: kept, not dropped
        cols.add_extra(first_row, {"record": added})
    cols.n_responses += 1
    return text


def warn_scale_notes(notes: list[str]) -> None:
    """One OcrScaleWarning for all scale decisions of a call (the first, and how many more)."""
    if notes:
        more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
        warnings.warn(notes[0] + more, OcrScaleWarning, stacklevel=3)


def from_response(
    obj: object,
    endpoint: str | None = None,
    source: str | Mapping[str, str] | None = None,
    engine: str | None = None,
    image_size: tuple[int, int] | None = None,
) -> OcrResult:
    """Turn one response into an :class:`OcrResult`.

    ``obj`` is a dict, a list, JSON text or bytes, an API 3.0 SDK model, Tesseract TSV or hOCR
    text, or pytesseract's DataFrame. ``endpoint`` names the format (detected when omitted).
    ``source`` is what the image was to the caller (a path or URL); for a batch response it may
    be a mapping from the ``filename``/``url`` sent to the caller's own source.
    ``image_size=(width, height)`` turns relative coordinates (AWS Textract) into pixels.

    >>> import ocrframe
    >>> res = ocrframe.from_response('{"code": 14, "message": "签名校验失败"}', endpoint="idcard")
    >>> res.images[["endpoint", "code", "ok"]].values.tolist()
    [['idcard', 14, False]]
    """
    value, text = _decode(obj, None)
    cols = assemble.Columns()
    notes: list[str] = []
    kept = parse_into(
        cols,
        value,
        text,
        endpoint=endpoint,
        source=source,
        engine=engine,
        where=None,
        notes=notes,
        image_size=image_size,
    )
    warn_scale_notes(notes)
    return OcrResult([kept], *assemble.tables(cols))


def expand_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Files named by a path, a glob, a directory (its ``*.json``/``*.jsonl``, subdirectories
    included: a records directory nests them) or a list of those."""
    if isinstance(paths, str | os.PathLike):
        items = [paths]
    elif isinstance(paths, Iterable) and not isinstance(paths, bytes | dict):
        items = list(paths)
    else:
        raise OcrframeError(f"expected paths, a glob or a directory, got {paths!r}")
    out: list[Path] = []
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise OcrframeError(f"expected a path, got {item!r}")
        text = os.fspath(item)
        found = files.matching(text, (".json", ".jsonl"), ".json/.jsonl", recursive=True)
        if found is None:
            if not Path(text).exists():
                raise OcrframeError(f"{text}: no such file")
            found = [Path(text)]
        out += found
    return out


def read_json(
    paths: str | os.PathLike | Iterable[str | os.PathLike], endpoint: str | None = None
) -> OcrResult:
    """Read saved responses from ``.json``/``.jsonl`` files (paths, globs or directories).

    A bare response's ``source`` is ``file`` (``.json``) or ``file:line`` (``.jsonl``); a batch
    response's images keep the ``url``/``filename`` the service echoed; an ocrframe record keeps
    its own ``source``. A malformed response raises :class:`~ocrframe.OcrFormatError` naming the
    file, line and JSON path.

    >>> import ocrframe
    >>> res = ocrframe.read_json(ocrframe.data_path("responses/*.json"))
    >>> {"drivinglicence", "general", "idcard", "IDCardOCR"} <= set(res.images["endpoint"].dropna())
    True
    """
    notes: list[str] = []
    parts = [_read_file(p, endpoint, notes) for p in expand_paths(paths)]
    warn_scale_notes(notes)
    return concat(parts)


def _read_file(path: Path, endpoint: str | None, notes: list[str]) -> OcrResult:
    try:
        if path.suffix == ".jsonl":
            buffer = fastjsonl.read_file(str(path))
            fast = fastjsonl.read(buffer, str(path), endpoint)
            if fast is not None:
                return fast
            return _read_lines(buffer.to_pybytes(), path, endpoint, notes)
        data = path.read_bytes()
    except OSError as err:
        raise OcrframeError(f"{path}: cannot read ({err.strerror})") from None
    value, text = _decode(data, str(path))
    if value == []:  # a file's empty array: no responses (not one engine result without lines)
        return OcrResult.empty()
    if not isinstance(value, list) or _one_array_response(value, endpoint):
        return _parse_all([(str(path), value, text)], endpoint, notes)
    return _parse_all(
        ((f"{path}[{k}]", obj, json.dumps(obj, ensure_ascii=False)) for k, obj in enumerate(value)),
        endpoint,
        notes,
    )


def _one_array_response(value: list, endpoint: str | None) -> bool:
    """Whether a JSON array is one engine's result (RapidOCR, EasyOCR, PaddleOCR 2.x) rather
    than a list of responses."""
    if endpoint is not None:
        return any(a.shape == "array" for a in formats.candidates(endpoint))
    try:
        return formats.detect(value).shape == "array"
    except OcrframeError:
        return False


def _read_lines(data: bytes, path: Path, endpoint: str | None, notes: list[str]) -> OcrResult:
    """A JSONL file, one response at a time (the careful path)."""

    def responses():
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                where = f"{path}:{number}"
                yield (where, *_decode(line.rstrip(b"\r"), where))

    return _parse_all(responses(), endpoint, notes)


def _parse_all(responses, endpoint: str | None, notes: list[str]) -> OcrResult:
    """Parse ``(where, value, text)`` triples; ``where`` is also each bare response's source."""
    cols = assemble.Columns()
    raw = [
        parse_into(
            cols, value, text, endpoint=endpoint, source=where, engine=None, where=where,
            notes=notes,
        )
        for where, value, text in responses
    ]  # fmt: skip
    return OcrResult(raw, *assemble.tables(cols))
