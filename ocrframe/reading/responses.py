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
from dataclasses import dataclass, replace
from pathlib import Path

from .. import formats
from ..core import assemble, codes, json_depth
from ..core.assemble import without_nulls
from ..core.json_depth import MAX_DEPTH
from ..endpoints import BATCH_ENDPOINTS, batch_entry
from ..errors import OcrFormatError, OcrframeError, OcrScaleWarning
from ..inputs import files
from ..result import OcrResult, concat
from . import jsonl

RECORD_KEYS = frozenset({"source", "endpoint", "engine", "response", "page", "dpi"})
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
            value = json_depth.loads(obj)
        except json_depth.TooDeep:
            raise _too_deep(where) from None
        except json.JSONDecodeError as err:
            raise OcrFormatError(f"invalid JSON: {err}", source=where) from None
        if _SURROGATE_ESCAPE.search(obj):  # rare: emoji written as escaped pairs, or a broken one
            _require_unicode(json.dumps(value, ensure_ascii=False), where)
        return value, obj
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # pytesseract's DataFrame output
        obj = {str(k): v for k, v in obj.to_dict(orient="list").items()}
    if isinstance(obj, list | tuple | dict):
        _check_depth(obj, where)
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


def _check_depth(value: object, where: str | None) -> None:
    """Refuse a value whose dicts and lists nest more than :data:`MAX_DEPTH` deep (walked
    without recursion)."""
    todo = [(value, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(where)
        inner = node.values() if isinstance(node, dict) else node
        todo += [(v, depth + 1) for v in inner if isinstance(v, dict | list | tuple)]


def _too_deep(where: str | None) -> OcrFormatError:
    return OcrFormatError(
        f"{json_depth.TOO_DEEP} (no response of any format is)",
        source=where,
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
    """Tesseract TSV, or XML of the OCR formats (hOCR, ALTO, PAGE): kept as text."""
    head = text.lstrip()[:400]
    return head.startswith("level\tpage_num") or (
        head.startswith(("<?xml", "<!DOCTYPE", "<html", "<alto", "<PcGts"))
        and any(mark in text[:4000] for mark in ("ocr", "standards/alto", "PcGts"))
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


def _record_number(rec: dict, key: str, where: str | None, default: int | None) -> int | None:
    """A record's ``page`` or ``dpi``: a positive whole number when given."""
    value = rec.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OcrFormatError(
            f"expected a positive int, got {value!r}", format="record", path=key, source=where
        )
    return value


@dataclass(frozen=True)
class Origin:
    """What is known of a response besides its body: the ``endpoint`` that answered (None: the
    format is detected), the image's ``source`` as the caller knows it (for a batch answer, a
    mapping from the name sent to the caller's source), the ``engine``, ``where`` it was read
    (named in errors), the image's size (turns relative coordinates into pixels), and the
    ``page`` and ``dpi`` of a document's page, for the rows whose response names none."""

    endpoint: str | None = None
    source: str | Mapping[str, str] | None = None
    engine: str | None = None
    where: str | None = None
    image_size: tuple[int, int] | None = None
    page: int | None = None
    dpi: int | None = None


def parse_into(
    cols: assemble.Columns, obj: object, text: str, origin: Origin, notes: list[str]
) -> str:
    """Parse one response, from ``origin``, into ``cols``, adding the scale decisions to
    ``notes``; returns the raw JSON text to keep for it."""
    added: dict = {}
    # null means what an absent key means, in every format and at any depth: the adapters read
    # a copy without nulls, the raw text keeps them
    value = without_nulls(obj) if "null" in text else obj
    if _is_record(value):
        value, text, origin, added = _unwrap_record(value, obj, origin)
    source, where = origin.source, origin.where
    ctx = formats.Context(
        columns=cols,
        response_id=cols.n_responses,
        source=source if isinstance(source, str) else None,
        sources={k.strip(): v for k, v in source.items()} if isinstance(source, Mapping) else None,
        engine=origin.engine,
        endpoint=origin.endpoint,
        notes=notes,
        image_size=origin.image_size,
    )
    first_row = cols.n_images
    try:
        formats.choose(value, origin.endpoint).parse(value, ctx)
    except OcrFormatError as err:
        raise err.located(where) if where else err from None
    if origin.page is not None or origin.dpi is not None:
        cols.set_page(first_row, origin.page, origin.dpi)
    if added:  # keys a user put beside a record's response: kept, not dropped
        cols.add_extra(first_row, {"record": added})
    cols.n_responses += 1
    return text


def _unwrap_record(rec: dict, obj: dict, origin: Origin) -> tuple[object, str, Origin, dict]:
    """A record's response (``rec`` without nulls, ``obj`` as read), its raw text, the origin
    with what the record names filled in, and the keys a user put beside the response."""
    where = origin.where
    rec_endpoint, rec_engine, rec_source = _record_fields(rec, where)
    origin = replace(
        origin,
        endpoint=rec_endpoint or origin.endpoint,
        engine=rec_engine or origin.engine,
        source=rec_source if rec_source is not None else origin.source,  # null: where it was read
        page=_record_number(rec, "page", where, origin.page),
        dpi=_record_number(rec, "dpi", where, origin.dpi),
    )
    added = {k: v for k, v in rec.items() if k not in RECORD_FILE_KEYS}
    value, raw = rec.get("response"), obj["response"]
    if (
        origin.endpoint in BATCH_ENDPOINTS
        and isinstance(value, dict)
        and "result_list" not in value
    ):
        # a record holds one image's own entry of a batch answer
        name = origin.source if isinstance(origin.source, str) else rec.get("url") or ""
        value = {"result_list": [batch_entry(value, name)]}
        raw = {"result_list": [batch_entry(raw, name)]}
    return value, json.dumps(raw, ensure_ascii=False), origin, added


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
    origin = Origin(endpoint, source, engine, image_size=image_size)
    kept = parse_into(cols, value, text, origin, notes)
    warn_scale_notes(notes)
    return OcrResult([kept], *assemble.tables(cols))


JSON_SUFFIXES = (".json", ".jsonl")
XML_SUFFIXES = (".xml", ".hocr", ".html", ".xhtml")


def expand_paths(
    paths: str | os.PathLike | Iterable[str | os.PathLike], suffixes: tuple = JSON_SUFFIXES
) -> list[Path]:
    """Files named by a path, a glob, a directory (its files ending in ``suffixes``,
    subdirectories included: a records directory nests them) or a list of those."""
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
        found = files.matching(text, suffixes, "/".join(suffixes), recursive=True)
        if found is None:
            if not Path(text).exists():
                raise OcrframeError(f"{text}: no such file")
            found = [Path(text)]
        out += found
    return out


ERRORS = ("raise", "row")


def read_json(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    endpoint: str | None = None,
    errors: str = "raise",
) -> OcrResult:
    """Read saved responses from ``.json``/``.jsonl`` files (paths, globs or directories).

    A bare response's ``source`` is ``file`` (``.json``) or ``file:line`` (``.jsonl``); a batch
    response's images keep the ``url``/``filename`` the service echoed; an ocrframe record keeps
    its own ``source``. ``errors`` says what a malformed response or file does, as in pandas:
    ``"raise"`` raises :class:`~ocrframe.OcrFormatError` naming the file, line and JSON path;
    ``"row"`` makes it a failed ``images`` row (code -9; ``source`` the file or ``file:line``,
    ``message`` the JSON path and the reason, ``extra["error"]`` both) and reads all the rest.

    >>> import ocrframe
    >>> res = ocrframe.read_json(ocrframe.data_path("responses/*card*.json"))
    >>> sorted(set(res.images["endpoint"].dropna()))
    ['BusinessCardOCR', 'IDCardOCR', 'idcard', 'namecard']
    """
    if errors not in ERRORS:
        raise OcrframeError(f"errors={errors!r}; use one of {ERRORS}")
    notes: list[str] = []
    parts = [_read_file(p, endpoint, notes, errors) for p in expand_paths(paths)]
    warn_scale_notes(notes)
    return concat(parts)


def read_xml(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    endpoint: str | None = None,
    errors: str = "raise",
) -> OcrResult:
    """Read hOCR, ALTO and PAGE XML files (``.xml``, ``.hocr``, ``.html``, ``.xhtml``: paths,
    globs or directories) — the output of Tesseract, OCR-D, Transkribus, eScriptorium or
    ocrframe's own writers. ``errors`` as in :func:`read_json`.

    >>> import ocrframe
    >>> res = ocrframe.read_xml(ocrframe.data_path("responses/tesseract.hocr"))
    >>> res.images[["endpoint", "image_width"]].values.tolist(), res.items["text"].tolist()
    ([['hocr', 300]], ['OK go'])
    """
    if errors not in ERRORS:
        raise OcrframeError(f"errors={errors!r}; use one of {ERRORS}")
    notes: list[str] = []
    parts = []
    for path in expand_paths(paths, XML_SUFFIXES):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise OcrframeError(f"{path}: cannot read it as UTF-8 text ({err})") from None
        parts.append(
            _parse_all([(str(path), {formats.TEXT_KEY: text}, text)], endpoint, notes, errors)
        )
    warn_scale_notes(notes)
    return concat(parts)


def _read_file(path: Path, endpoint: str | None, notes: list[str], errors: str) -> OcrResult:
    try:
        return _read_responses(path, endpoint, notes, errors)
    except OcrFormatError as err:  # the file as a whole: not UTF-8, not JSON
        if errors == "raise":
            raise
        cols = assemble.Columns()
        text = _failed(cols, str(path), err, endpoint, path.read_bytes())
        return OcrResult([text], *assemble.tables(cols))


def _read_responses(path: Path, endpoint: str | None, notes: list[str], errors: str):
    try:
        if path.suffix == ".jsonl":
            buffer = jsonl.read_file(str(path))
            fast = jsonl.read(buffer, str(path), endpoint, notes)
            if fast is not None:
                return fast
            return _read_lines(buffer.to_pybytes(), path, endpoint, notes, errors)
        data = path.read_bytes()
    except OSError as err:
        raise OcrframeError(f"{path}: cannot read ({err.strerror})") from None
    value, text = _decode(data, str(path))
    if value == []:  # a file's empty array: no responses (not one engine result without lines)
        return OcrResult.empty()
    if not isinstance(value, list) or _one_array_response(value, endpoint):
        return _parse_all([(str(path), value, text)], endpoint, notes, errors)
    return _parse_all(
        ((f"{path}[{k}]", obj, json.dumps(obj, ensure_ascii=False)) for k, obj in enumerate(value)),
        endpoint,
        notes,
        errors,
    )


def _one_array_response(value: list, endpoint: str | None) -> bool:
    """Whether a JSON array is one engine's result (RapidOCR, EasyOCR, PaddleOCR 2.x) rather
    than a list of responses."""
    if endpoint is not None:
        return any(a.shape == "array" for a in formats.candidates(endpoint))
    try:
        return formats.detect(without_nulls(value)).shape == "array"
    except OcrframeError:
        return False


def _read_lines(
    data: bytes, path: Path, endpoint: str | None, notes: list[str], errors: str
) -> OcrResult:
    """A JSONL file, one response at a time (the careful path)."""

    def responses():
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                where = f"{path}:{number}"
                try:
                    yield (where, *_decode(line.rstrip(b"\r"), where))
                except OcrFormatError as err:
                    if errors == "raise":
                        raise
                    yield where, err, line

    return _parse_all(responses(), endpoint, notes, errors)


def _parse_all(responses, endpoint: str | None, notes: list[str], errors: str) -> OcrResult:
    """Parse ``(where, value, text)`` triples; ``where`` is also each bare response's source.
    With ``errors="row"``, a response that cannot be read (``value`` may already be the error)
    becomes a failed row and the others are read."""
    cols = assemble.Columns()
    raw = []
    for where, value, text in responses:
        mark = cols.mark()
        try:
            if isinstance(value, OcrFormatError):
                raise value
            origin = Origin(endpoint, source=where, where=where)
            raw.append(parse_into(cols, value, text, origin, notes))
        except OcrFormatError as err:
            if errors == "raise":
                raise
            cols.rollback(mark)
            raw.append(_failed(cols, where, err, endpoint, text))
    return OcrResult(raw, *assemble.tables(cols))


def _failed(
    cols: assemble.Columns,
    where: str,
    err: OcrFormatError,
    endpoint: str | None,
    text: str | bytes,
) -> str:
    """A response (or file) that cannot be read, as a failed image row naming where it is,
    the JSON path and the reason; returns the raw text to keep (undecodable bytes replaced)."""
    detail = {"file": where, "format": err.format, "path": err.path or None, "reason": err.reason}
    message = "; ".join(
        part for part in (err.format, err.path and f"at {err.path}", err.reason) if part
    )
    cols.add_image(
        response_id=cols.n_responses,
        source=where,
        engine=None,
        endpoint=endpoint,
        code=codes.UNREADABLE_RESPONSE,
        message=f"{codes.describe(codes.UNREADABLE_RESPONSE)}: {message}",
        extra={"error": detail},
    )
    cols.n_responses += 1
    return text if isinstance(text, str) else text.decode("utf-8", "replace")
