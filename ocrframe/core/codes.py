"""Every error code of the five API pages, with the page's Chinese text and an English one.

>>> from ocrframe.core import codes
>>> codes.describe(-1102)
'image decode failed (图片解码失败)'
"""

from __future__ import annotations

#: code -> (Chinese text as in the pages, English text)
CODES: dict[int, tuple[str, str]] = {
    0: ("OK", "OK"),
    3: ("错误的请求", "bad request"),
    4: ("签名为空", "signature is empty"),
    5: ("签名串错误", "malformed signature"),
    6: ("签名中的 appid/bucket 与操作目标不匹配", "appid/bucket in the signature do not match"),
    7: ("签名编码失败（内部错误）", "signature encoding failed (internal error)"),
    8: ("签名解码失败（内部错误）", "signature decoding failed (internal error)"),
    9: ("签名过期", "signature expired"),
    10: ("appid 不存在", "appid does not exist"),
    11: ("secretid 不存在", "SecretId does not exist"),
    12: ("appid 和 secretid 不匹配", "appid and SecretId do not match"),
    13: ("重放攻击", "replay attack"),
    14: ("签名校验失败", "signature check failed"),
    15: ("操作太频繁，触发频控", "rate limited: too many requests"),
    16: ("Bucket不存在", "bucket does not exist"),
    17: ("url为空", "url is empty"),
    18: ("没有图片或url", "no image or url"),
    19: ("图片数过多，单次请求最多支持20个url或文件", "too many images: at most 20 per request"),
    20: ("图片过大，单个文件最大支持1MB", "image too large: at most 1 MB per file"),
    21: ("无效参数", "invalid parameter"),
    23: ("请求包体过大", "request body too large"),
    24: ("没有权限", "no permission"),
    25: ("您购买的资源已用完", "purchased quota used up"),
    107: ("鉴权服务内部错误", "authorisation service internal error"),
    108: ("鉴权服务不可用", "authorisation service unavailable"),
    200: ("内部打包失败", "internal packing failed"),
    201: ("内部解包失败", "internal unpacking failed"),
    202: ("内部链接失败", "internal connection failed"),
    203: ("内部处理超时", "internal processing timed out"),
    213: ("内部错误", "internal error"),
    -1102: ("图片解码失败", "image decode failed"),
    -1300: ("图片为空", "image is empty"),
    -1301: ("参数为空", "parameter is empty"),
    -1304: ("参数过长", "parameter too long"),
    -1308: ("图片下载失败", "image download failed"),
    -1400: ("非法的图片格式", "illegal image format"),
    -1403: ("图片下载失败", "image download failed"),
    -1404: ("图片无法识别", "image cannot be recognised"),
    -1505: ("url格式不对", "malformed url"),
    -1506: ("图片下载超时", "image download timed out"),
    -1507: ("无法访问url对应的图片服务器", "cannot reach the image server of the url"),
    -5062: ("url对应的图片已被标注为不良图片，无法访问", "the url's image is flagged and blocked"),
    -5103: ("OCR识别失败", "OCR failed"),
    -5107: ("提供的图片不是身份证", "the image is not an ID card"),
    -9002: ("OCR识别失败", "OCR failed"),
    -9003: ("OCR 识别失败", "OCR failed"),
}

#: ocrframe's own codes for what happens before any service is asked (or when none answers);
#: negative and small, as the vendor SDK's client-side codes, so they never clash with the pages'
CLIENT_CODES: dict[int, str] = {
    -1: "the service answered with an error (its code is in the message)",
    -2: "no answer: the request failed (network error or timeout)",
    -4: "the service returned no entry for this image",
    -5: "the answer is not JSON",
    -6: "no such file",
    -7: "permission denied",
    -8: "cannot read the file",
    -9: "the response cannot be read (malformed, or of no known format)",
    -10: "the document is encrypted",
    -11: "the document is damaged",
    -12: "the document has no such page",
    -13: "no recorded response (replay)",
}

DECODE_FAILED = -1102
IMAGE_EMPTY = -1300
RATE_LIMITED = 15
IMAGE_TOO_LARGE = 20
BODY_TOO_LARGE = 23
INTERNAL_ERROR = 213
PARAMETER_EMPTY = -1301
DOWNLOAD_FAILED = -1308
DOWNLOAD_TIMEOUT = -1506
MALFORMED_URL = -1505
ILLEGAL_FORMAT = -1400
OCR_FAILED = -9003
NOT_AN_ID_CARD = -5107
CARD_OCR_FAILED = -5103
LICENCE_OCR_FAILED = -9002
SERVICE_ERROR = -1
NETWORK_FAILED = -2
NO_ANSWER = -4
NOT_JSON = -5
NO_SUCH_FILE = -6
PERMISSION_DENIED = -7
UNREADABLE_FILE = -8
UNREADABLE_RESPONSE = -9
ENCRYPTED_DOCUMENT = -10
DAMAGED_DOCUMENT = -11
NO_SUCH_PAGE = -12
NOT_RECORDED = -13


def describe(code: int) -> str:
    """English text with the page's Chinese in brackets (ocrframe's own codes have no Chinese);
    ``"unknown code N"`` otherwise.

    >>> describe(-6)
    'no such file'
    """
    if code in CLIENT_CODES:
        return CLIENT_CODES[code]
    if code not in CODES:
        return f"unknown code {code}"
    zh, en = CODES[code]
    return en if zh == en else f"{en} ({zh})"


def error_response(code: int, detail: str | None = None) -> dict:
    """A service-style error body for ``code``, with ``detail`` appended to the message."""
    message = describe(code)
    said = detail and detail.lower() not in (message.lower(), CODES.get(code, ("", ""))[1].lower())
    return {"code": code, "message": f"{message}: {detail}" if said else message}


#: HTTP status of a request-level error (the pages do not say; ocrframe's choice, issue #4);
#: any other code is an image's own outcome, answered with 200
HTTP_STATUS: dict[int, int] = {
    **dict.fromkeys((3, 17, 18, 19, 21, -1300, -1301, -1304, -1505), 400),
    **dict.fromkeys((4, 5, 9, 14), 401),
    **dict.fromkeys((6, 10, 11, 12, 13, 16, 24, 25), 403),
    23: 413,
    15: 429,
    **dict.fromkeys((7, 8, 107, 108, 200, 201, 202, 203, 213), 500),
}


def http_status(code: int) -> int:
    """The HTTP status that goes with a response whose top-level ``code`` is ``code``.

    >>> http_status(14), http_status(0), http_status(-1102)
    (401, 200, 200)
    """
    return HTTP_STATUS.get(code, 200)
