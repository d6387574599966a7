"""``ocrframe serve`` speaking Tencent Cloud API 3.0: ``POST /`` with ``X-TC-Action``.

The official SDK (``tencentcloud-sdk-python-ocr``) can be pointed at the server for offline
development. Requests are checked with TC3-HMAC-SHA256 using the configured SecretId/SecretKey
(the SDK's own ``Sign.sign_tc3`` computes the expected signature) and answered from the local
engine in the actions' shapes: the engine answers the matching legacy endpoint and the answer
is rewritten. As the real API does, every answer is HTTP 200 with ``Content-Type:
application/json``, errors as ``Response.Error``.

| action | answered from |
| --- | --- |
| GeneralBasicOCR, GeneralFastOCR, GeneralHandwritingOCR, GeneralEfficientOCR | general lines |
| GeneralAccurateOCR | general lines; ``Words`` and ``WordCoordPoint`` when ``IsWords`` |
| IDCardOCR (``CardSide`` FRONT/BACK) | idcard, ``card_type`` 0/1 |
| DriverLicenseOCR, VehicleLicenseOCR | drivinglicence, ``type`` 1/0 |
| BusinessCardOCR | namecard |

Passport actions need machine-readable-zone reading, which the local engine does not do: they
answer ``UnsupportedOperation``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
import uuid
from datetime import datetime, timezone

from starlette.requests import Request

from ..core import codes, json_depth
from ..inputs import images
from ..inputs.pages import page_count
from .answer import Answerer, document_page
from .bodies import BadRequest, read_body
from .config import ServerConfig
from .fetch import FetchError
from .reply import Reply

TEXT_ACTIONS = {"GeneralBasicOCR", "GeneralFastOCR", "GeneralHandwritingOCR", "GeneralEfficientOCR",
                "GeneralAccurateOCR"}  # fmt: skip
CARD_ACTIONS = {"IDCardOCR", "DriverLicenseOCR", "VehicleLicenseOCR", "BusinessCardOCR"}
KNOWN = TEXT_ACTIONS | CARD_ACTIONS | {"MLIDPassportOCR", "PassportOCR"}
SKEW = 300  # seconds a signature's timestamp may differ from the server's clock
AUTH = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[^/]+)"
    r"/tc3_request, SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})"
)
#: driver licence item labels (legacy page) -> DriverLicenseOCR keys
DRIVER_KEYS = {"姓名": "Name", "性别": "Sex", "国籍": "Nationality", "住址": "Address",
               "出生日期": "DateOfBirth", "领证日期": "DateOfFirstIssue", "准驾车型": "Class",
               "起始日期": "StartDate", "有效日期": "EndDate", "证号": "CardCode"}  # fmt: skip
VEHICLE_KEYS = {"车牌号码": "PlateNo", "车辆类型": "VehicleType", "所有人": "Owner",
                "住址": "Address", "使用性质": "UseCharacter", "品牌型号": "Model",
                "识别代码": "Vin", "发动机号": "EngineNo", "注册日期": "RegisterDate",
                "发证日期": "IssueDate"}  # fmt: skip
IDCARD_KEYS = {"name": "Name", "sex": "Sex", "nation": "Nation", "birth": "Birth",
               "address": "Address", "id": "IdNum", "authority": "Authority",
               "valid_date": "ValidDate"}  # fmt: skip


class Api3Error(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def reply(body: dict, request_id: str) -> Reply:
    # Reply's type is exactly application/json: the SDK checks errors only then
    return Reply({"Response": {**body, "RequestId": request_id}})


async def handle(request: Request, answerer: Answerer, config: ServerConfig) -> Reply:
    request_id = str(uuid.uuid4())
    try:
        body = await _read(request, config.body_limit(api3=True))
        if config.auth:
            verify(request, body, config)
        action = request.headers.get("x-tc-action", "")
        if action not in KNOWN:
            raise Api3Error("InvalidAction", f"unknown action {action!r}")
        if action in ("MLIDPassportOCR", "PassportOCR"):
            raise Api3Error("UnsupportedOperation", f"{action}: the local engine reads no MRZ")
        params = _params(body)
        result = await _answer(action, params, answerer)
        return reply(result, request_id)
    except Api3Error as err:
        return reply({"Error": {"Code": err.code, "Message": err.message}}, request_id)


async def _read(request: Request, limit: int) -> bytes:
    try:
        return await read_body(request, limit)
    except BadRequest as err:  # the platform's common code for a request over its size
        raise Api3Error("RequestSizeLimitExceeded", err.detail) from None


def verify(request: Request, body: bytes, config: ServerConfig, now: float | None = None) -> None:
    """TC3-HMAC-SHA256: the SDK's signature over method, path, signed headers and payload."""
    from tencentcloud.common.sign import Sign

    match = AUTH.fullmatch(request.headers.get("authorization", "").strip())
    if match is None:
        raise Api3Error("AuthFailure.SignatureFailure", "missing or malformed TC3 Authorization")
    if match["id"] != config.secret_id:
        raise Api3Error("AuthFailure.SecretIdNotFound", "unknown SecretId")
    stamp = request.headers.get("x-tc-timestamp", "")
    if not stamp.isdigit():
        raise Api3Error("AuthFailure.SignatureFailure", "X-TC-Timestamp missing")
    names = match["headers"].split(";")
    canonical_headers = "".join(f"{n}:{request.headers.get(n, '').strip()}\n" for n in names)
    payload = body
    if request.headers.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD":
        payload = b"UNSIGNED-PAYLOAD"
    query = request.url.query
    canonical = "\n".join(
        [request.method, request.url.path, query, canonical_headers, match["headers"],
         hashlib.sha256(payload).hexdigest()]
    )  # fmt: skip
    scope = f"{match['date']}/{match['service']}/tc3_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = f"TC3-HMAC-SHA256\n{stamp}\n{scope}\n{digest}"
    expected = Sign.sign_tc3(config.secret_key or "", match["date"], match["service"], to_sign)
    if not hmac.compare_digest(expected, match["sig"]):
        raise Api3Error("AuthFailure.SignatureFailure", "the signature does not match")
    now = time.time() if now is None else now
    day = datetime.fromtimestamp(int(stamp), tz=timezone.utc).strftime("%Y-%m-%d")
    if abs(now - int(stamp)) > SKEW or day != match["date"]:
        raise Api3Error("AuthFailure.SignatureExpire", "the signature's time is too far off")


def _params(body: bytes) -> dict:
    try:
        params = json_depth.loads(body or b"{}")
    except json_depth.TooDeep as err:
        raise Api3Error("InvalidParameter", f"the body has {err}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Api3Error("InvalidParameter", "the body is not JSON") from None
    if not isinstance(params, dict):
        raise Api3Error("InvalidParameter", "the body must be a JSON object")
    return params


async def _answer(action: str, params: dict, answerer: Answerer) -> dict:
    if not answerer.capacity.try_take(1):
        # the SDK's retryer and ocrframe's TencentCloud client both retry this code
        raise Api3Error("RequestLimitExceeded", "the recognition queue is full; retry later")
    try:
        return await _answer_one(action, params, answerer)
    finally:
        answerer.capacity.give_back(1)


async def _answer_one(action: str, params: dict, answerer: Answerer) -> dict:
    inp, pages = _image(params)
    try:
        loaded = await answerer.load(inp)
    except FetchError as err:
        raise Api3Error(err.api3, err.detail) from None
    if isinstance(loaded, dict):
        raise Api3Error(*_image_error(loaded))
    legacy, options = _legacy(action, params)
    response = await answerer.respond(loaded, legacy, options)
    if response.get("code", 0) != 0:
        raise Api3Error(*_image_error(response, action))
    data = response.get("data", {})
    if action in TEXT_ACTIONS:
        words = action == "GeneralAccurateOCR" and bool(params.get("IsWords"))
        found = text_detections(data, words, action == "GeneralAccurateOCR")
        return {**found, "PdfPageSize": pages} if pages is not None else found
    if action == "IDCardOCR":
        return {**dict.fromkeys(IDCARD_KEYS.values(), ""),
                **{IDCARD_KEYS[k]: v for k, v in data.items() if k in IDCARD_KEYS},
                "AdvancedInfo": "{}"}  # fmt: skip
    if action == "BusinessCardOCR":
        infos = [{"Name": label, "Value": data[key]}
                 for key, label in (("name", "姓名"), ("phone", "手机"), ("uin", "QQ"))
                 if data.get(key)]  # fmt: skip
        return {"BusinessCardInfos": infos, "ResultImage": "", "Angle": 0.0}
    items = {i["item"]: i["itemstring"] for i in data.get("items", [])}
    if action == "DriverLicenseOCR":
        fields = {DRIVER_KEYS[k]: v for k, v in items.items() if k in DRIVER_KEYS}
        return {**dict.fromkeys(DRIVER_KEYS.values(), ""), **fields,
                "RecognizeWarnCode": [], "RecognizeWarnMsg": [], "DriverLicenseType": "FRONT"}  # fmt: skip
    front = {**dict.fromkeys(VEHICLE_KEYS.values(), ""),
             **{VEHICLE_KEYS[k]: v for k, v in items.items() if k in VEHICLE_KEYS}}  # fmt: skip
    return {"FrontInfo": front, "BackInfo": None, "RecognizeWarnCode": [], "RecognizeWarnMsg": [],
            "VehicleLicenseType": "FRONT"}  # fmt: skip


def _image(params: dict) -> tuple[images.Input, int | None]:
    """The image asked about, and the number of pages when it is a PDF (``IsPdf``: the page
    ``PdfPageNumber``, 1 by default, is answered)."""
    url = params.get("ImageUrl")
    if isinstance(url, str) and url:
        return images.Input(url, url), None
    data = params.get("ImageBase64")
    if not isinstance(data, str) or not data:
        raise Api3Error("InvalidParameter", "ImageBase64 or ImageUrl is required")
    if "," in data[:100] and data.startswith("data:"):
        data = data.split(",", 1)[1]
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Api3Error("FailedOperation.ImageDecodeFailed", "ImageBase64 is not base64") from None
    pages = page_count(raw)
    if pages is None:
        return images.Input("ImageBase64", raw), None
    number = params.get("PdfPageNumber", 1)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= pages:
        raise Api3Error("InvalidParameter", f"PdfPageNumber {number!r}: the PDF has {pages} pages")
    return document_page("ImageBase64", raw, number), pages


def _legacy(action: str, params: dict) -> tuple[str, dict]:
    side = str(params.get("CardSide") or "FRONT").upper()
    if action in TEXT_ACTIONS:
        return "general", {}
    if action == "IDCardOCR":
        return "idcard", {"card_type": 1 if side == "BACK" else 0}
    if action == "BusinessCardOCR":
        return "namecard", {"ret_image": 0}
    if action == "DriverLicenseOCR":
        return "drivinglicence", {"type": 1}
    return "drivinglicence", {"type": 0}


def _image_error(response: dict, action: str = "") -> tuple[str, str]:
    code = response.get("code")
    message = str(response.get("message", ""))
    if code == codes.DECODE_FAILED or code == codes.ILLEGAL_FORMAT:
        return "FailedOperation.ImageDecodeFailed", message
    if code in (codes.DOWNLOAD_FAILED, codes.DOWNLOAD_TIMEOUT):
        return "FailedOperation.DownLoadError", message
    if code == codes.IMAGE_EMPTY:
        return "FailedOperation.ImageBlur", message
    if code == codes.NOT_AN_ID_CARD:
        return "FailedOperation.IdCardInfoIllegal", message
    if action in ("DriverLicenseOCR", "VehicleLicenseOCR", "BusinessCardOCR"):
        return (
            "FailedOperation.NoText" if "no text" in message else "FailedOperation.OcrFailed",
            message,
        )
    return "FailedOperation.OcrFailed", message


def text_detections(data: dict, words: bool, accurate: bool) -> dict:
    """A legacy general ``data`` as TextDetections (paragraphs: a new one after a gap of more
    than a line's height)."""
    detections = []
    paragraph, last_bottom = 0, None
    for item in data.get("items", []):
        box = item.get("itemcoord", {})
        if last_bottom is None or box.get("y", 0) - last_bottom > box.get("height", 0):
            paragraph += 1
        last_bottom = box.get("y", 0) + box.get("height", 0)
        confs = [w["confidence"] for w in item.get("words", []) if w.get("confidence") is not None]
        det = {
            "DetectedText": item.get("itemstring", ""),
            "Confidence": round(sum(confs) / len(confs)) if confs else 0,
            "Polygon": [{"X": p["x"], "Y": p["y"]} for p in item.get("itempolygon", [])],
            "AdvancedInfo": json.dumps({"Parag": {"ParagNo": paragraph}}),
            "ItemPolygon": {
                "X": box.get("x", 0),
                "Y": box.get("y", 0),
                "Width": box.get("width", 0),
                "Height": box.get("height", 0),
            },
            "Words": [],
            "WordCoordPoint": [],
        }
        if words:
            det["Words"] = [{"Confidence": round(w.get("confidence") or 0), "Character": w["character"]}
                            for w in item.get("words", [])]  # fmt: skip
            det["WordCoordPoint"] = [{"WordCoordinate": _corners(w.get("wordcoord"))}
                                     for w in item.get("words", [])]  # fmt: skip
        detections.append(det)
    angle_key = "Angle" if accurate else "Angel"
    return {"TextDetections": detections, angle_key: data.get("angle", 0.0), "PdfPageSize": 0,
            **({} if accurate else {"Language": "zh"})}  # fmt: skip


def _corners(box: dict | None) -> list[dict]:
    if not box:
        return []
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    return [{"X": x, "Y": y}, {"X": x + w, "Y": y}, {"X": x + w, "Y": y + h}, {"X": x, "Y": y + h}]
