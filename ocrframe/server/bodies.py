"""Request bodies as the pages define them: JSON with URLs, or multipart with image files.

JSON: ``appid`` (``app_id`` on minorlanguage), ``bucket``, the endpoint's options, and ``url``
(one image) or ``url_list`` (idcard/namecard). On minorlanguage ``image`` or ``url`` may carry
base64 instead of a link. Multipart: the same fields as parts, and the images in parts whose
name starts with ``image`` (``image``, ``image[0]``; the vendor's SDK sends ``images[0]``),
each with its filename. The SDK also sends ``appid``, ``bucket`` and ``card_type`` as parts with
a filename, so a part's role comes from its name, never from whether it has a filename. Images
are put in the order of their part names compared as strings, as the service answers.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from ..core import codes, json_depth
from ..endpoints import BATCH_ENDPOINTS, CHOICES, OPTIONS
from ..inputs.images import is_url


class BadRequest(Exception):
    """A request the server cannot answer image by image; ``code`` is the pages' code."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


DRAIN_LIMIT = 64 * 1024 * 1024  # read (and drop) at most this much of an oversized body


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or :class:`BadRequest` with code 23 when it is over ``limit`` bytes: kept in
    memory only up to the limit; the rest is read and dropped (up to :data:`DRAIN_LIMIT`) so
    that the client can read the answer instead of seeing a reset connection."""
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    if too_big and int(declared) > DRAIN_LIMIT:  # it would be cut short anyway: read nothing
        raise BadRequest(codes.BODY_TOO_LARGE, f"body over {size_text(limit)}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            if size > DRAIN_LIMIT:
                break
            continue
        chunks.append(chunk)
    if too_big:
        raise BadRequest(codes.BODY_TOO_LARGE, f"body over {size_text(limit)}")
    return b"".join(chunks)


def size_text(n: int) -> str:
    """``n`` bytes for a message: in MB from 1 MB up.

    >>> size_text(6 * 1024 * 1024), size_text(1000)
    ('6 MB', '1000 bytes')
    """
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"


@dataclass
class Image:
    """One image of a request: bytes from a part or base64, or a URL to fetch."""

    key: str  # "filename" or "url": how the answer names it
    name: str  # the filename or URL exactly as sent
    data: bytes | None = None
    url: str | None = None


@dataclass
class Ask:
    """A parsed request: who asks (appid, bucket), with which options, about which images."""

    appid: str | None
    bucket: str | None
    options: dict
    images: list[Image] = field(default_factory=list)


def parse_json(body: bytes, endpoint: str) -> Ask:
    try:
        obj = json_depth.loads(body)
    except json_depth.TooDeep as err:
        raise BadRequest(3, f"the JSON body has {err}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadRequest(3, f"the body is not JSON: {err}") from None
    if not isinstance(obj, dict):
        raise BadRequest(3, f"the JSON body must be an object, got {type(obj).__name__}")
    appid_key = "app_id" if endpoint == "minorlanguage" else "appid"
    options = _json_options(obj, endpoint)
    images: list[Image] = []
    if endpoint in BATCH_ENDPOINTS:
        urls = obj.get("url_list", [])
        if "url" in obj and not urls:
            urls = [obj["url"]]
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise BadRequest(21, "url_list must be a list of strings")
        images = [Image("url", u, url=u.strip()) for u in urls]
    else:
        url = obj.get("url") or None
        image = obj.get("image") or None
        if url is not None and not isinstance(url, str):
            raise BadRequest(21, "url must be a string")
        if url is not None and is_url(url.strip()):
            images = [Image("url", url, url=url.strip())]
        elif endpoint == "minorlanguage" and (url or image):
            # the page: url carries a link or base64; image carries base64 in JSON
            images = [Image("filename", "image", data=_base64(url or image))]
        elif url is not None:
            raise BadRequest(-1505, f"url {url[:80]!r} is not an http(s) URL")
    return Ask(_text(obj.get(appid_key)), _text(obj.get("bucket")), options, images)


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise BadRequest(21, "image must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(-1102, "image is not valid base64") from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _json_options(obj: dict, endpoint: str) -> dict:
    wanted = OPTIONS[endpoint]
    if endpoint == "minorlanguage":
        opts = obj.get("options") or {}
        if not isinstance(opts, dict):
            raise BadRequest(21, 'options must be an object like {"language": "jap"}')
        raw = {k: opts[k] for k in wanted if k in opts}
    else:
        raw = {k: obj[k] for k in wanted if k in obj}
    return check_options(raw, endpoint)


def check_options(raw: dict, endpoint: str) -> dict:
    """The endpoint's options with the pages' defaults; a bad value is error 21."""
    out = dict(OPTIONS[endpoint])
    for name, value in raw.items():
        allowed = CHOICES[name]
        if isinstance(allowed[0], int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise BadRequest(21, f"{name}={value!r} is not an integer") from None
        if value not in allowed:
            raise BadRequest(21, f"{name}={value!r}; allowed: {list(allowed)}")
        out[name] = value
    return out


async def parse_multipart(headers: Headers, body: bytes, endpoint: str) -> Ask:
    async def stream() -> AsyncIterator[bytes]:
        yield body
        yield b""

    parser = MultiPartParser(headers, stream(), max_part_size=len(body) + 1)
    try:
        form = await parser.parse()
    except MultiPartException as err:
        raise BadRequest(3, f"malformed multipart body: {err.message}") from None
    try:
        fields: dict[str, str] = {}
        images: list[tuple[str, Image]] = []
        for name, value in form.multi_items():
            if name.startswith("image"):
                images.append((name, await _part_image(value)))
            elif name not in fields:
                fields[name] = await _part_text(name, value)
    finally:
        await form.close()
    appid_key = "app_id" if endpoint == "minorlanguage" else "appid"
    raw = {k: fields[k] for k in OPTIONS[endpoint] if k in fields}
    if endpoint == "minorlanguage" and "options" in fields:
        raw.update(_multipart_language(fields["options"]))
    images.sort(key=lambda pair: pair[0])  # the service orders by part name, as strings
    if "url" in fields and endpoint not in BATCH_ENDPOINTS and is_url(fields["url"].strip()):
        # the pages: "image and url: if both are given, only url is used"
        return Ask(
            fields.get(appid_key),
            fields.get("bucket"),
            check_options(raw, endpoint),
            [Image("url", fields["url"], url=fields["url"].strip())],
        )
    return Ask(
        fields.get(appid_key),
        fields.get("bucket"),
        check_options(raw, endpoint),
        [image for _, image in images],
    )


def _multipart_language(text: str) -> dict:
    try:
        opts = json_depth.loads(text)
    except json_depth.TooDeep as err:
        raise BadRequest(3, f"the options field has {err}") from None
    except json.JSONDecodeError:
        return {"language": text.strip()}
    return {"language": opts.get("language")} if isinstance(opts, dict) else {}


async def _part_image(value: str | UploadFile) -> Image:
    if isinstance(value, UploadFile):
        return Image("filename", value.filename or "", data=await value.read())
    return Image("filename", "", data=value.encode("utf-8"))


async def _part_text(name: str, value: str | UploadFile) -> str:
    if isinstance(value, UploadFile):  # the vendor's SDK sends plain fields as files
        data = await value.read()
        try:
            return data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise BadRequest(21, f"part {name!r} is not UTF-8 text") from None
    return value.strip()


def count_images(ask: Ask, endpoint: str, limit: int) -> None:
    """No image is error 18 (batch endpoints) or -1301; more than ``limit`` is 19."""
    if not ask.images:
        code = 18 if endpoint in BATCH_ENDPOINTS else codes.PARAMETER_EMPTY
        raise BadRequest(code, "no image or url in the request")
    if endpoint not in BATCH_ENDPOINTS and len(ask.images) > 1:
        raise BadRequest(21, f"{endpoint} takes one image per request, got {len(ask.images)}")
    if len(ask.images) > limit:
        raise BadRequest(19, f"{len(ask.images)} images; at most {limit} per request")
