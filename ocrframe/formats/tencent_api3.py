"""Tencent Cloud API 3.0 OCR actions: the raw HTTP body (``{"Response": {...}}``), its inner
dict, or the official SDK's response model objects (converted by the reader).

Text actions (GeneralBasicOCR, GeneralAccurateOCR, GeneralFastOCR, GeneralHandwritingOCR,
GeneralEfficientOCR): ``TextDetections[]`` become items — ``DetectedText``, ``Confidence`` on
0–100, ``ItemPolygon`` as the box, ``Polygon`` as the polygon — and ``Words[]`` (with
``WordCoordPoint`` boxes where GeneralAccurateOCR returns them) become chars. ``AdvancedInfo``
(a JSON string) gives each line's paragraph number, kept in ``images.extra["paragraphs"]``
aligned with ``item_id``. ``Angle`` (and the misspelled ``Angel``) is ``angle``, ``RequestId``
the ``session_id``.

Card actions (IDCardOCR, BusinessCardOCR, DriverLicenseOCR, VehicleLicenseOCR, MLIDPassportOCR,
PassportOCR): one item per field, ``label`` the action's own key (``IdNum``, ``FrontInfo.Vin``,
or the business card's ``姓名``) and ``field`` a snake_case key that lines up with the legacy
keys where the meaning is the same (:data:`FIELD_KEYS`: ``IdNum`` → ``id``, ``Birth`` →
``birth`` …). ``RecognizeWarnCode``/``RecognizeWarnMsg``, ``AdvancedInfo.WarnInfos`` and the
passport's ``Warn`` fill ``images.warn_codes``/``warn_messages``. Pictures the actions return
(base64 ``Image``, ``ResultImage``, ``Portrait`` …) stay in the raw response only.

``Response.Error`` (``{"Code": "FailedOperation.ImageDecodeFailed", "Message": …}``) is a
failed image with code -1, the error's code and message in ``message``, and
``extra["error_code"]``.

>>> from ocrframe import from_response
>>> body = {"Response": {"TextDetections": [{"DetectedText": "手机", "Confidence": 99,
...     "ItemPolygon": {"X": 1, "Y": 2, "Width": 30, "Height": 12}, "Polygon": [],
...     "AdvancedInfo": '{"Parag":{"ParagNo":1}}'}], "Angel": 0.5, "RequestId": "r-1"}}
>>> res = from_response(body)
>>> res.items[["text", "confidence", "x", "width"]].values.tolist()
[['手机', 0.9900000095367432, 1, 30]]
"""

from __future__ import annotations

import json
import re

from ..core import codes
from ._base import Adapter, Context, Reader, unknown_keys
from .namecard import LABELS

TEXT_ACTIONS = (
    "GeneralBasicOCR",
    "GeneralAccurateOCR",
    "GeneralFastOCR",
    "GeneralHandwritingOCR",
    "GeneralEfficientOCR",
)
#: API 3.0 key -> ``field``, where a legacy key has the same meaning or snake_case would mislead
FIELD_KEYS = {
    "Name": "name",
    "Sex": "sex",
    "Nation": "nation",
    "Birth": "birth",
    "DateOfBirth": "birth",
    "BirthDate": "birth",
    "Address": "address",
    "IdNum": "id",
    "Authority": "authority",
    "ValidDate": "valid_date",
    "CardCode": "license_no",
    "Nationality": "nationality",
    "DateOfFirstIssue": "first_issue_date",
    "Class": "vehicle_class",
    "StartDate": "start_date",
    "EndDate": "end_date",
    "PlateNo": "plate_no",
    "VehicleType": "vehicle_type",
    "Owner": "owner",
    "UseCharacter": "use_character",
    "Model": "model",
    "Vin": "vin",
    "EngineNo": "engine_no",
    "RegisterDate": "register_date",
    "IssueDate": "issue_date",
    "ID": "passport_no",
    "PassportNo": "passport_no",
    "DateOfExpiration": "expiry_date",
    "ExpiryDate": "expiry_date",
}
#: values that are pictures or bookkeeping, not fields
NOT_FIELDS = frozenset(
    {"RequestId", "Image", "ResultImage", "Portrait", "AdvancedInfo", "Warn", "RecognizeWarnCode",
     "RecognizeWarnMsg", "Angle", "Angel", "WarnCardInfos", "ReflectDetailInfos",
     "BusinessCardInfos", "FrontInfo", "BackInfo", "PassportRecognizeInfos", "CardImage",
     "PortraitImage", "HeadPortrait", "DriverLicenseType", "VehicleLicenseType", "Language",
     "PdfPageSize", "WarningCode", "WarnInfos"}
)  # fmt: skip
#: where the actions put their warning codes (the passport's ``WarnCardInfos``, the bank
#: card's ``WarningCode`` …; ``AdvancedInfo.WarnInfos`` is read from its JSON text)
WARNING_KEYS = ("RecognizeWarnCode", "Warn", "WarnCardInfos", "WarningCode", "WarnInfos")
CARD_SIGNS = {
    "IDCardOCR": ("IdNum", "Authority"),
    "BusinessCardOCR": ("BusinessCardInfos",),
    "DriverLicenseOCR": ("DateOfFirstIssue", "CardCode"),
    "VehicleLicenseOCR": ("FrontInfo", "BackInfo"),
    "MLIDPassportOCR": ("IssuingCountry", "PassportRecognizeInfos"),
    "PassportOCR": ("PassportNo",),
}


def snake(key: str) -> str:
    """``DateOfFirstIssue`` -> ``date_of_first_issue`` (the fallback for unmapped keys).

    >>> snake("TotalQuasiMass"), snake("ID")
    ('total_quasi_mass', 'id')
    """
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def field_key(key: str) -> str:
    return FIELD_KEYS.get(key, snake(key))


def inner(obj: dict) -> dict:
    """The action's own result: inside ``Response`` when the body has one."""
    response = obj.get("Response")
    return response if isinstance(response, dict) else obj


class _Api3(Adapter):
    """What the API 3.0 adapters share: the envelope and its Error."""

    scale = 100.0

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        body = r.get("Response") if isinstance(obj.get("Response"), dict) else r
        if body.has("Error"):
            _failed(self, body, ctx)
            return
        self.parse_body(body, ctx)

    def parse_body(self, body: Reader, ctx: Context) -> None:
        raise NotImplementedError

    def image(self, body: Reader, ctx: Context, extra: dict, **columns) -> int:
        angle = body.get("Angle", None) if body.has("Angle") else body.get("Angel", None)
        return ctx.columns.add_image(
            response_id=ctx.response_id,
            source=ctx.source,
            engine=ctx.engine,
            endpoint=self.endpoint_for(ctx),
            code=0,
            message="OK",
            session_id=body.get("RequestId", None).opt_str(),
            angle=angle.opt_number(),
            extra=extra or None,
            scale=self.scale,
            **columns,
        )


def _failed(adapter: Adapter, body: Reader, ctx: Context) -> None:
    error = body.get("Error")
    code = error.get("Code").str()
    message = error.get("Message", "").str()
    ctx.columns.add_image(
        response_id=ctx.response_id,
        source=ctx.source,
        engine=ctx.engine,
        endpoint=adapter.endpoint_for(ctx),
        code=codes.SERVICE_ERROR,
        message=f"{code}: {message}",
        session_id=body.get("RequestId", None).opt_str(),
        extra={"error_code": code},
    )


class _Api3Family(_Api3):
    """Actions that answer in one shape: registered once under the family's name (what a
    detected response is labelled) and once per action (``endpoint="GeneralAccurateOCR"``)."""

    family: str
    actions: tuple[str, ...]
    priorities: tuple[int, int]  # the family's adapter, an action's adapter

    def __init__(self, action: str | None = None) -> None:
        self.name = action or self.family
        self.endpoint = action
        self.priority = self.priorities[action is not None]

    def endpoint_for(self, ctx: Context) -> str | None:
        if ctx.endpoint in self.actions:
            return ctx.endpoint
        return self.endpoint or self.family


class Api3Text(_Api3Family):
    """``TextDetections`` of the general text actions."""

    family, actions, priorities = "api3_text", TEXT_ACTIONS, (30, 31)

    def sniff(self, obj: dict) -> bool:
        return isinstance(inner(obj).get("TextDetections"), list)

    def parse_body(self, body: Reader, ctx: Context) -> None:
        rows, paragraphs = [], []
        for det in body.get("TextDetections").each():
            text = det.get("DetectedText").str()
            conf = det.get("Confidence", None).confidence(100.0)
            box = _box(det.get("ItemPolygon", None))
            polygon = _points(det.get("Polygon", None))
            chars = _words(det, text)
            paragraphs.append(_paragraph(det.get("AdvancedInfo", None)))
            rows.append((text, conf, box, polygon, chars))
        extra = unknown_keys(
            body.dict(), {"TextDetections", "Angle", "Angel", "RequestId", "PdfPageSize"}
        )
        if any(p is not None for p in paragraphs):
            extra["paragraphs"] = paragraphs
        image = self.image(body, ctx, extra)
        for text, conf, box, polygon, (confs, boxes) in rows:
            row = ctx.columns.add_item(image, text, confidence_raw=conf, box=box, polygon=polygon)
            ctx.columns.add_chars(row, text, confs, boxes)


def _box(r: Reader) -> tuple[int, int, int, int] | None:
    if r.value is None:
        return None
    return r.get("X").int(), r.get("Y").int(), r.get("Width").int(), r.get("Height").int()


def _points(r: Reader) -> list[int] | None:
    if not r.value:
        return None
    out: list[int] = []
    for p in r.each():
        out += (p.get("X").int(), p.get("Y").int())
    return out


def _words(det: Reader, text: str):
    """Per-character confidences and boxes when ``Words`` spell the line, else ``(None, None)``."""
    words = det.get("Words", None)
    if not words.value:
        return None, None
    chars = [
        (w.get("Character").str(), w.get("Confidence", None).confidence(100.0))
        for w in words.each()
    ]
    if "".join(c for c, _ in chars) != text or any(len(c) != 1 for c, _ in chars):
        return None, None
    confs = [c for _, c in chars]
    points = det.get("WordCoordPoint", None)
    boxes = None
    if points.value and len(points.list()) == len(chars):
        boxes = [_bbox(_points(p.get("WordCoordinate", None))) for p in points.each()]
    return confs, boxes


def _bbox(flat: list[int] | None) -> tuple[int, int, int, int] | None:
    if not flat:
        return None
    xs, ys = flat[0::2], flat[1::2]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _paragraph(r: Reader) -> int | None:
    if not r.value:
        return None
    try:
        info = json.loads(r.str())
    except json.JSONDecodeError:
        raise r.fail("AdvancedInfo is not JSON") from None
    parag = info.get("Parag") if isinstance(info, dict) else None
    return parag.get("ParagNo") if isinstance(parag, dict) else None


TABLE_ACTIONS = ("RecognizeTableOCR", "RecognizeTableAccurateOCR")
#: what the table actions say a cell is -> ``cells.kind``
CELL_KINDS = {"header": "header", "body": "body", "footer": "footer"}


class Api3Table(_Api3Family):
    """``TableDetections`` of RecognizeTableOCR and RecognizeTableAccurateOCR.

    Each detection of ``Type`` 1 or 2 (a ruled or unruled table) is a table of ``cells``:
    ``RowTl``/``ColTl`` its position and ``RowBr``/``ColBr`` (exclusive) its span, ``Type``
    (header, body, footer) its kind, ``Polygon`` its box. Every cell with text is also an item,
    and so are the texts of ``Type`` 0 detections (text that is no table). ``Data`` (the table
    as a base64 spreadsheet) stays in the raw response only.
    """

    family, actions, priorities = "api3_table", TABLE_ACTIONS, (32, 32)

    def sniff(self, obj: dict) -> bool:
        return isinstance(inner(obj).get("TableDetections"), list)

    def parse_body(self, body: Reader, ctx: Context) -> None:
        extra = unknown_keys(
            body.dict(), {"TableDetections", "Data", "Angle", "Angel", "RequestId", "PdfPageSize"}
        )
        image = self.image(body, ctx, extra)
        table = 0
        for det in body.get("TableDetections").each():
            is_table = det.get("Type", 1).int() != 0
            for cell in det.get("Cells", []).each():
                text = cell.get("Text", "").str()
                conf = cell.get("Confidence", None).confidence(100.0)
                box = _bbox(_points(cell.get("Polygon", None)))
                if is_table:
                    row, col = cell.get("RowTl").int(), cell.get("ColTl").int()
                    span = (cell.get("RowBr").int() - row, cell.get("ColBr").int() - col)
                    if min(row, col) < 0 or min(span) < 1:
                        raise cell.fail(
                            f"not a cell: rows {row}+{span[0]}, columns {col}+{span[1]}"
                        )
                    kind = cell.get("Type", None).opt_str()
                    ctx.columns.add_cell(
                        image, table, (row, col, *span), text,
                        kind=CELL_KINDS.get(kind, kind), confidence_raw=conf, box=box,
                    )  # fmt: skip
                if text:
                    item = ctx.columns.add_item(image, text, confidence_raw=conf, box=box)
                    ctx.columns.add_chars(item, text)
            table += is_table


class Api3Card(_Api3):
    """The card actions: each string value of the result is a field."""

    scale = 100.0

    def __init__(self, action: str) -> None:
        self.name = action
        self.endpoint = action
        self.priority = 35

    def sniff(self, obj: dict) -> bool:
        body = inner(obj)
        return any(key in body for key in CARD_SIGNS[self.name])

    def parse_body(self, body: Reader, ctx: Context) -> None:
        obj = body.dict()
        rows: list[tuple[str | None, str, str, tuple | None]] = []
        if self.name == "BusinessCardOCR":
            for info in body.get("BusinessCardInfos").each():
                label = info.get("Name").str()
                rows.append(
                    (
                        LABELS.get(label),
                        label,
                        info.get("Value").str(),
                        _box(info.get("ItemCoord", None)),
                    )
                )
        for key in obj:
            if key in NOT_FIELDS or not isinstance(obj[key], str) or not obj[key]:
                continue
            rows.append((field_key(key), key, obj[key], None))
        for section in ("FrontInfo", "BackInfo", "PassportRecognizeInfos"):
            part = body.get(section, None)
            if isinstance(part.value, dict):
                for key, value in part.value.items():
                    if isinstance(value, str) and value and key not in NOT_FIELDS:
                        rows.append((field_key(key), f"{section}.{key}", value, None))
        codes, messages, extra = _warnings(body)
        extra.update(
            (k, v)
            for k, v in obj.items()
            if k not in NOT_FIELDS
            and not isinstance(v, str)
            and k not in CARD_SIGNS.get(self.name, ())
        )
        image = self.image(body, ctx, extra, warn_codes=codes, warn_messages=messages)
        for key, label, text, box in rows:
            row = ctx.columns.add_item(image, text, field=key, label=label, box=box)
            ctx.columns.add_chars(row, text)


def _warnings(body: Reader) -> tuple[list[int] | None, list[str] | None, dict]:
    """Warning codes and messages from wherever the action puts them, and what else
    ``AdvancedInfo`` says (for ``extra``; pictures left out)."""
    obj = body.dict()
    codes: list[int] = []
    messages: list[str] = []
    extra: dict = {}
    for key in WARNING_KEYS:
        value = body.get(key, None)
        if isinstance(value.value, list):
            codes += [c.int() for c in value.each()]
        elif value.value is not None:  # a single code
            codes.append(value.int())
    if isinstance(obj.get("RecognizeWarnMsg"), list):
        messages += [m.str() for m in body.get("RecognizeWarnMsg").each()]
    info = obj.get("AdvancedInfo")
    if isinstance(info, str) and info:
        try:
            parsed = json.loads(info)
        except json.JSONDecodeError:
            raise body.get("AdvancedInfo").fail("AdvancedInfo is not JSON") from None
        if isinstance(parsed, dict):
            warn = Reader(parsed.get("WarnInfos") or [], body.format, "AdvancedInfo.WarnInfos")
            codes += [c.int() for c in warn.each()]
            keep = {k: v for k, v in parsed.items() if k != "WarnInfos" and not _picture(v)}
            if keep:
                extra["advanced_info"] = keep
    return codes or None, messages or None, extra


def _picture(value: object) -> bool:
    return isinstance(value, str) and len(value) > 256  # base64 crops of the card or portrait


class Api3Error(Adapter):
    """An API 3.0 error body whose action is not known."""

    name = "api3_error"
    endpoint = None
    priority = 85

    def sniff(self, obj: dict) -> bool:
        return isinstance(inner(obj).get("Error"), dict)

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        _failed(self, r.get("Response") if isinstance(obj.get("Response"), dict) else r, ctx)


ADAPTERS: list[Adapter] = [
    Api3Text(),
    *(Api3Text(action) for action in TEXT_ACTIONS),
    Api3Table(),
    *(Api3Table(action) for action in TABLE_ACTIONS),
    *(Api3Card(action) for action in CARD_SIGNS),
    Api3Error(),
]
