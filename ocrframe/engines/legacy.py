"""``TencentLegacy``: the five legacy Tencent Cloud image-OCR endpoints over HTTP, at dataset scale.

An engine for :func:`ocrframe.recognize` that sends images as the pages define the requests —
JSON (``url``, ``url_list``) for URLs, multipart for bytes, ``app_id`` and ``options.language``
on minorlanguage — with the multi-use signature (renewed before it expires), batches of at most
20 images and 6 MB on idcard/namecard (images over 1 MB re-encoded first), concurrent requests,
a client-side rate limit, retries with backoff on transient failures, and an on-disk cache so a
re-run never pays twice. Results are matched to inputs by the name each part was sent with,
never by position (the service sorts parts as strings: ``image[10]`` before ``image[2]``).

Credentials come from the arguments or ``OCRFRAME_APPID``, ``OCRFRAME_SECRET_ID``,
``OCRFRAME_SECRET_KEY``, ``OCRFRAME_BUCKET``; ``OCRFRAME_LEGACY_BASE_URL`` points every endpoint at
another host (a self-hosted ``ocrframe serve``); ``OCRFRAME_CACHE_DIR`` moves the cache. The
secret key is kept out of ``repr``, logs, exceptions, cache files and results.

>>> engine = TencentLegacy(appid="1250000000", secret_id="AKIDx", secret_key="k", cache=False)
>>> engine
TencentLegacy(appid='1250000000', bucket='', base_url=None, max_workers=4, cache=None)
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import random
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import requests
from PIL import Image, UnidentifiedImageError

from .. import codes, images, records
from ..errors import OcrframeError, OcrRequestError
from ..signature import legacy_signature
from .base import BATCH_ENDPOINTS, ENDPOINTS, Answer, Engine, endpoint_options

log = logging.getLogger("ocrframe.legacy")

#: each endpoint's host, from the pages
HOSTS = {
    "general": "recognition.image.myqcloud.com",
    "drivinglicence": "recognition.image.myqcloud.com",
    "idcard": "service.image.myqcloud.com",
    "namecard": "service.image.myqcloud.com",
    "minorlanguage": "sdkservice.image.myqcloud.com",
}
MAX_IMAGES = 20
MAX_BODY = 6 * 1024 * 1024
BODY_BUDGET = MAX_BODY - 256 * 1024  # room for the multipart headers and fields
MAX_CARD_IMAGE = 1024 * 1024
#: whole-request refusals: raised, never retried
REQUEST_CODES = frozenset({3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 21, 23, 24, 25})
#: transient: retried with backoff (rate limited, internal errors)
RETRY_CODES = frozenset({15, 107, 108, 200, 201, 202, 203, 213})
#: client-side codes for images the service never answered (negative, like the vendor SDK's)
NETWORK_FAILED = -2
NO_ANSWER = -4
NOT_JSON = -5
ENV = {
    "appid": "OCRFRAME_APPID",
    "secret_id": "OCRFRAME_SECRET_ID",
    "secret_key": "OCRFRAME_SECRET_KEY",
    "bucket": "OCRFRAME_BUCKET",
    "base_url": "OCRFRAME_LEGACY_BASE_URL",
}


def default_cache_dir() -> Path:
    """``$OCRFRAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/ocrframe`` (``~/.cache/ocrframe``)."""
    if os.environ.get("OCRFRAME_CACHE_DIR"):
        return Path(os.environ["OCRFRAME_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ocrframe"


class Secret:
    """A secret that shows as ``'***'`` wherever it is printed (repr, vars, tracebacks)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class RateLimiter:
    """At most ``rate`` acquisitions per second across threads (evenly spaced)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


@dataclass
class Outgoing:
    """One image ready to send: its bytes or URL, the unique name it is sent under."""

    index: int
    source: str
    name: str
    data: bytes | None = None
    url: str | None = None
    sha256: str | None = None
    extra: dict = field(default_factory=dict)


class TencentLegacy(Engine):
    """The legacy endpoints over HTTP (the cloud, or ``base_url``: a self-hosted service).

    ``max_workers`` requests run at once; ``rate_limit`` caps requests per second; transient
    failures (connection errors, timeouts, HTTP 5xx, code 15 and internal codes) are retried
    up to ``retries`` times with exponential backoff and jitter, never an authorisation error.
    ``cache=True`` keeps successful answers in :func:`default_cache_dir` (``cache="path"``
    elsewhere, ``False`` none).
    """

    name = "tencent-legacy"
    endpoints = ENDPOINTS

    def __init__(
        self,
        appid: str | int | None = None,
        secret_id: str | None = None,
        secret_key: str | None = None,
        bucket: str | None = None,
        base_url: str | None = None,
        *,
        max_workers: int = 4,
        rate_limit: float | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: tuple[float, float] = (5.0, 60.0),
        cache: bool | str | os.PathLike = True,
        signature_lifetime: int = 3600,
    ) -> None:
        given = {"appid": appid, "secret_id": secret_id, "secret_key": secret_key}
        values = {
            k: (str(v) if v is not None else os.environ.get(ENV[k])) for k, v in given.items()
        }
        missing = [f"{k}= (or {ENV[k]})" for k, v in values.items() if not v]
        if missing:
            raise OcrframeError(f"TencentLegacy needs {', '.join(missing)}")
        self.appid = values["appid"]
        self.secret_id = values["secret_id"]
        self._secret_key = Secret(values["secret_key"])
        self.bucket = bucket if bucket is not None else os.environ.get(ENV["bucket"], "")
        base = base_url if base_url is not None else os.environ.get(ENV["base_url"])
        self.base_url = base.rstrip("/") if base else None
        self.max_workers = max(1, int(max_workers))
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.timeout = timeout
        self.signature_lifetime = signature_lifetime
        self.limiter = RateLimiter(rate_limit)
        if cache is True:
            self.cache_dir: Path | None = default_cache_dir() / "legacy"
        elif cache:
            self.cache_dir = Path(cache)
        else:
            self.cache_dir = None
        self._signature: tuple[str, int] | None = None
        self._sig_lock = threading.Lock()
        self._local = threading.local()
        self.requests_sent = 0  # HTTP requests made (retries included), for users and tests

    def __repr__(self) -> str:
        cache = str(self.cache_dir) if self.cache_dir else None
        return (
            f"TencentLegacy(appid={self.appid!r}, bucket={self.bucket!r}, "
            f"base_url={self.base_url!r}, max_workers={self.max_workers}, cache={cache!r})"
        )

    # -- where and how -------------------------------------------------------------------------

    def url_for(self, endpoint: str) -> str:
        base = self.base_url or f"https://{HOSTS[endpoint]}"
        return f"{base}/ocr/{endpoint}"

    def scope(self, endpoint: str) -> dict:
        """Who is asked, for the cache key (never the secret)."""
        return {
            "host": self.base_url or HOSTS[endpoint],
            "appid": self.appid,
            "bucket": self.bucket,
        }

    def signature(self) -> str:
        """The multi-use signature, renewed a minute before it expires."""
        with self._sig_lock:
            now = int(time.time())
            if self._signature is None or self._signature[1] - now < 60:
                expires = now + self.signature_lifetime
                sig = legacy_signature(
                    self.appid,
                    self.bucket,
                    self.secret_id,
                    self._secret_key.reveal(),
                    expires,
                    now,
                    secrets.randbelow(10**9),
                )
                self._signature = (sig, expires)
            return self._signature[0]

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    # -- the engine interface ------------------------------------------------------------------

    def respond(self, image: images.Loaded, endpoint: str, options: dict) -> dict:
        """One decoded image (the widgets' path); ``recognize`` uses :meth:`answer_all`."""
        data = image.data if image.data is not None else images.encode_png(image.rgb)
        inp = images.Input(image.source, data)
        answer = next(self.answer_all([inp], endpoint, options))
        response = answer.response
        if endpoint in BATCH_ENDPOINTS and "result_list" in response:
            return response["result_list"][0]
        return response

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        options = endpoint_options(endpoint, options)
        pending: list[Outgoing] = []
        for k, inp in enumerate(inputs):
            prepared = prepare(k, inp, endpoint)
            if isinstance(prepared, Answer):
                yield prepared
                continue
            cached = self._cached(prepared, endpoint, options)
            if cached is not None:
                yield cached
            else:
                pending.append(prepared)
        if not pending:
            return
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="ocrframe-legacy") as pool:
            jobs = {
                pool.submit(self._send, group, endpoint, options)
                for group in batches(pending, endpoint)
            }
            try:
                while jobs:
                    done, jobs = wait(jobs, return_when=FIRST_COMPLETED)
                    for job in done:
                        yield from job.result()
            finally:
                for job in jobs:
                    job.cancel()

    # -- cache ---------------------------------------------------------------------------------

    def _record(self, out: Outgoing, endpoint: str, options: dict, response: dict):
        return records.Record(
            endpoint, options, response, out.sha256, out.url, out.source, self.scope(endpoint)
        )

    def _cached(self, out: Outgoing, endpoint: str, options: dict) -> Answer | None:
        if self.cache_dir is None:
            return None
        probe = self._record(out, endpoint, options, {})
        path = records.path_for(self.cache_dir, endpoint, probe.file_key())
        if not path.exists():
            return None
        try:
            response = records.read(path).response
        except OcrframeError as err:
            log.warning("ignoring a damaged cache file: %s", err)
            return None
        return self._answer(out, endpoint, response, {"from_cache": True}, name=out.source)

    def _store(self, out: Outgoing, endpoint: str, options: dict, response: dict) -> None:
        if self.cache_dir is not None:
            records.write(self.cache_dir, self._record(out, endpoint, options, response))

    def _answer(self, out: Outgoing, endpoint: str, response: dict, extra: dict, name: str):
        """The Answer for one image: a batch entry is wrapped in its own ``result_list``."""
        sources = None
        if endpoint in BATCH_ENDPOINTS and "result_list" not in response and "data" in response:
            key = "url" if out.url is not None else "filename"
            entry = {
                "code": response.get("code", 0),
                "message": response.get("message", ""),
                key: name,
            }
            entry.update((k, v) for k, v in response.items() if k not in entry)
            response = {"result_list": [entry]}
            sources = {name.strip(): out.source}
        return Answer(
            out.index, response, sources, out.sha256, out.url, {**out.extra, **extra} or None
        )

    # -- one request ---------------------------------------------------------------------------

    def _send(self, group: list[Outgoing], endpoint: str, options: dict) -> list[Answer]:
        try:
            body, status = self._post(group, endpoint, options)
        except _GaveUp as err:
            failure = codes.error_response(err.code, err.detail)
            return [
                Answer(out.index, failure, None, out.sha256, out.url, out.extra or None)
                for out in group
            ]
        if endpoint in BATCH_ENDPOINTS and "result_list" in body:
            return self._split(group, endpoint, options, body)
        if "result_list" in body:
            raise OcrRequestError(
                3, "a result_list from a single-image endpoint", status, self.url_for(endpoint)
            )
        out = group[0]
        if body.get("code", 0) == 0:
            self._store(out, endpoint, options, body)
        return [Answer(out.index, body, None, out.sha256, out.url, out.extra or None)]

    def _split(self, group, endpoint, options, body) -> list[Answer]:
        """Each entry of a batch answer to the input it names (names compared stripped)."""
        by_name = {out.name.strip(): out for out in group}
        shared = {k: v for k, v in body.items() if k != "result_list"}
        answers, answered = [], set()
        for entry in body["result_list"]:
            echoed = entry.get("url") if "url" in entry else entry.get("filename")
            out = by_name.get(str(echoed).strip()) if echoed is not None else None
            if out is None or out.index in answered:
                log.warning("%s: an answer for %r, which was not sent", endpoint, echoed)
                continue
            answered.add(out.index)
            if entry.get("code", 0) == 0:
                own = {k: v for k, v in entry.items() if k not in ("filename", "url")}
                self._store(out, endpoint, options, own)
            answers.append(
                Answer(
                    out.index,
                    {**shared, "result_list": [entry]},
                    {str(echoed).strip(): out.source},
                    out.sha256,
                    out.url,
                    out.extra or None,
                )
            )
        for out in group:
            if out.index not in answered:
                failure = codes.error_response(
                    NO_ANSWER, f"the service returned no entry for {out.name!r}"
                )
                answers.append(
                    Answer(out.index, failure, None, out.sha256, out.url, out.extra or None)
                )
        return answers

    def _post(self, group: list[Outgoing], endpoint: str, options: dict) -> tuple[dict, int]:
        """POST with retries; the JSON answer and its status, or _GaveUp after the last try."""
        url = self.url_for(endpoint)
        last = (NETWORK_FAILED, "no attempt")
        retry_after = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self._delay(attempt, retry_after))
            self.limiter.acquire()
            kwargs = request_body(group, endpoint, options, self.appid, self.bucket)
            headers = {"Authorization": self.signature(), **kwargs.pop("headers", {})}
            self.requests_sent += 1
            try:
                reply = self._session().post(url, headers=headers, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                last = (NETWORK_FAILED, f"{url}: timed out after {self.timeout} s")
                continue
            except requests.RequestException as err:
                last = (NETWORK_FAILED, f"{url}: {type(err).__name__}")
                continue
            body = _json(reply, url)
            if body is None:  # not JSON and a 5xx: retry
                last = (codes.INTERNAL_ERROR, f"{url}: HTTP {reply.status_code}, not JSON")
                retry_after = reply.headers.get("Retry-After")
                continue
            code = body.get("code", 0) if "result_list" not in body else 0
            if code in REQUEST_CODES:
                raise OcrRequestError(code, str(body.get("message", "")), reply.status_code, url)
            if code in RETRY_CODES or reply.status_code >= 500:
                last = (code or codes.INTERNAL_ERROR, f"{url}: {body.get('message', '')}")
                retry_after = reply.headers.get("Retry-After")
                continue
            return body, reply.status_code
        raise _GaveUp(*last)

    def _delay(self, attempt: int, after: str | None) -> float:
        """Exponential backoff with jitter (clients do not stampede), or the server's
        ``Retry-After`` when it asks for longer; at most 30 s."""
        base = self.backoff * 2 ** (attempt - 1)
        delay = min(base * random.uniform(0.5, 1.5), 30.0)
        if after and str(after).isdigit():
            delay = max(delay, min(float(after), 30.0))
        return delay


class _GaveUp(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def _json(reply: requests.Response, url: str) -> dict | None:
    """The reply's JSON object; ``None`` for a non-JSON 5xx (retried); an error otherwise,
    with the HTTP status and the start of the body."""
    try:
        body = reply.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    if reply.status_code >= 500:
        return None
    start = reply.text[:200]
    raise OcrRequestError(NOT_JSON, f"not a JSON object: {start!r}", reply.status_code, url)


# -- preparing images ----------------------------------------------------------------------------


def prepare(index: int, inp: images.Input, endpoint: str) -> Outgoing | Answer:
    """An input as it will be sent, or its failure answer (missing file, animated GIF …)."""
    value = inp.value
    if isinstance(value, str):  # a URL: the service fetches it
        return Outgoing(index, inp.source, name=value, url=value)
    try:
        data = _bytes_of(value)
    except FileNotFoundError:
        return Answer(index, codes.error_response(codes.IMAGE_EMPTY, f"no such file: {inp.source}"))
    except OSError as err:
        return Answer(index, codes.error_response(codes.DECODE_FAILED, f"{inp.source}: {err}"))
    if not data:
        return Answer(index, codes.error_response(codes.IMAGE_EMPTY, f"{inp.source}: 0 bytes"))
    kind = _check_image(data)
    if isinstance(kind, dict):
        kind["message"] = f"{kind['message']}: {inp.source}"
        return Answer(index, kind, image_sha256=hashlib.sha256(data).hexdigest())
    extra: dict = {}
    if endpoint in BATCH_ENDPOINTS and len(data) > MAX_CARD_IMAGE:
        data, extra = shrink(data, MAX_CARD_IMAGE)
    name = f"image{index:05d}.{kind}"
    return Outgoing(
        index, inp.source, name, data=data, sha256=hashlib.sha256(data).hexdigest(), extra=extra
    )


def _bytes_of(value) -> bytes:
    if isinstance(value, Path):
        return value.read_bytes()
    if isinstance(value, bytes):
        return value
    if isinstance(value, Image.Image):
        buf = io.BytesIO()
        value.convert("RGB").save(buf, format="PNG")
        return buf.getvalue()
    loaded = images.load(images.Input("array", value))
    if isinstance(loaded, images.Failure):
        raise OSError(loaded.detail)
    return images.encode_png(loaded.rgb)


def _check_image(data: bytes) -> str | dict:
    """The file type to name the part with, or the service's error for what it would refuse."""
    try:
        img = Image.open(io.BytesIO(data))
        fmt = (img.format or "bin").lower()
        if fmt == "gif" and getattr(img, "n_frames", 1) > 1:
            return codes.error_response(codes.ILLEGAL_FORMAT, "animated GIF")
    except (UnidentifiedImageError, OSError, ValueError):
        return codes.error_response(codes.DECODE_FAILED, "not an image")
    return {"jpeg": "jpg"}.get(fmt, fmt)


def shrink(data: bytes, limit: int) -> tuple[bytes, dict]:
    """Re-encode as JPEG, then downscale, until under ``limit`` bytes; what was done, for the
    image row. Coordinates of card endpoints do not exist, so nothing needs mapping back."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = img.size
    scale, quality = 1.0, 90
    while True:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        frame = img if scale == 1.0 else img.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        frame.save(buf, format="JPEG", quality=quality)
        out = buf.getvalue()
        if len(out) <= limit or size[0] <= 64:
            note = {"original_bytes": len(data), "sent_bytes": len(out), "sent_format": "JPEG"}
            if scale != 1.0:
                note["sent_size"] = list(size)
                note["original_size"] = [width, height]
            return out, {"resent": note}
        scale *= 0.85 * (limit / len(out)) ** 0.5 if len(out) > limit * 1.5 else 0.9


def batches(pending: list[Outgoing], endpoint: str) -> list[list[Outgoing]]:
    """Requests: one image each, or on idcard/namecard at most 20 images and 6 MB, URLs and
    files apart (JSON and multipart bodies), and a URL at most once per request."""
    if endpoint not in BATCH_ENDPOINTS:
        return [[out] for out in pending]
    groups: list[list[Outgoing]] = []
    for kind in ("url", "data"):
        current: list[Outgoing] = []
        size = 0
        names: set[str] = set()
        for out in (o for o in pending if (o.url is not None) == (kind == "url")):
            n = len(out.data or b"") + len(out.url or "")
            name = out.name.strip()
            if current and (len(current) == MAX_IMAGES or size + n > BODY_BUDGET or name in names):
                groups.append(current)
                current, size, names = [], 0, set()
            current.append(out)
            size += n
            names.add(name)
        if current:
            groups.append(current)
    return groups


def request_body(group: list[Outgoing], endpoint: str, options: dict, appid: str, bucket: str):
    """``requests.post`` keyword arguments for the group, exactly as the pages define them."""
    if endpoint == "minorlanguage":
        out = group[0]
        if out.url is not None:
            image = {"url": out.url}
        else:
            import base64

            image = {"image": base64.b64encode(out.data or b"").decode()}
        return {"json": {"app_id": appid, **image, "options": {"language": options["language"]}}}
    fields = {"appid": appid, "bucket": bucket, **{k: v for k, v in options.items()}}
    if group[0].url is not None:
        if endpoint in BATCH_ENDPOINTS:
            return {"json": {**fields, "url_list": [out.url for out in group]}}
        return {"json": {**fields, "url": group[0].url}}
    form = {k: (None, str(v)) for k, v in fields.items()}
    if endpoint in BATCH_ENDPOINTS:
        parts = [(f"image[{k}]", (out.name, out.data)) for k, out in enumerate(group)]
    else:
        parts = [("image", (group[0].name, group[0].data))]
    return {"files": list(form.items()) + parts}
