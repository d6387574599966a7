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

import logging
import os
import secrets
import threading
import time
import warnings
from typing import TYPE_CHECKING

from ..core import codes
from ..endpoints import BATCH_ENDPOINTS, ENDPOINTS, batch_entry
from ..errors import OcrframeError, OcrRequestError, OcrResendWarning
from ..signature import legacy_signature
from .base import Answer
from .remote import Outgoing, RateLimiter, RemoteEngine, Secret, default_cache_dir, prepare

if TYPE_CHECKING:  # requests loads with the first request, not with import ocrframe
    import requests

__all__ = ["RateLimiter", "Secret", "TencentLegacy", "default_cache_dir", "prepare"]

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
#: whole-request refusals: raised, never retried
REQUEST_CODES = frozenset({3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 21, 23, 24, 25})
#: transient: retried with backoff (rate limited, internal errors)
RETRY_CODES = frozenset({15, 107, 108, 200, 201, 202, 203, 213})
ENV = {
    "appid": "OCRFRAME_APPID",
    "secret_id": "OCRFRAME_SECRET_ID",
    "secret_key": "OCRFRAME_SECRET_KEY",
    "bucket": "OCRFRAME_BUCKET",
    "base_url": "OCRFRAME_LEGACY_BASE_URL",
}


class TencentLegacy(RemoteEngine):
    """The legacy endpoints over HTTP (the cloud, or ``base_url``: a self-hosted service).

    ``max_workers`` requests run at once; ``rate_limit`` caps requests per second; transient
    failures (connection errors, timeouts, HTTP 5xx, code 15 and internal codes) are retried
    up to ``retries`` times with exponential backoff and jitter, never an authorisation error.
    ``timeout=(connect, read)`` is for a request of one image; a batch waits
    ``timeout_per_image`` seconds longer for each further image, since the service reads them
    all before it answers. A request sent again after a read timeout may have been answered —
    and charged — the first time: its images record ``extra["resent_after_timeout"]`` and an
    :class:`~ocrframe.OcrResendWarning` says so.
    ``cache=True`` keeps successful answers in :func:`default_cache_dir` (``cache="path"``
    elsewhere, ``False`` none).
    """

    name = "tencent-legacy"
    endpoints = ENDPOINTS
    cache_name = "legacy"

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
        timeout_per_image: float = 10.0,
        cache: bool | str | os.PathLike = True,
        signature_lifetime: int = 3600,
    ) -> None:
        given = {"appid": appid, "secret_id": secret_id, "secret_key": secret_key}
        values = {
            k: (str(v) if v is not None else os.environ.get(ENV[k])) for k, v in given.items()
        }
        base = base_url if base_url is not None else os.environ.get(ENV["base_url"])
        self.base_url = base.rstrip("/") if base else None
        missing = [f"{k}= (or {ENV[k]})" for k, v in values.items() if not v]
        # a self-hosted service started with --no-auth takes unsigned requests; the cloud never
        self.signed = len(missing) < len(values) or self.base_url is None
        if missing and self.signed:
            raise OcrframeError(f"TencentLegacy needs {', '.join(missing)}")
        self.appid = values["appid"] or ""
        self.secret_id = values["secret_id"] or ""
        self._secret_key = Secret(values["secret_key"] or "")
        self.bucket = bucket if bucket is not None else os.environ.get(ENV["bucket"], "")
        self.setup_remote(max_workers=max_workers, retries=retries, backoff=backoff, cache=cache)
        self.timeout = timeout
        self.timeout_per_image = timeout_per_image
        self.signature_lifetime = signature_lifetime
        self.limiter = RateLimiter(rate_limit)
        self._signature: tuple[str, int] | None = None
        self._sig_lock = threading.Lock()
        self._local = threading.local()

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
            import requests

            self._local.session = requests.Session()
        return self._local.session

    # -- the engine interface ------------------------------------------------------------------

    def groups(self, pending: list[Outgoing], endpoint: str) -> list[list[Outgoing]]:
        return batches(pending, endpoint)

    def cached_answer(self, out: Outgoing, endpoint: str, response: dict) -> Answer:
        """A cached batch entry goes back into its own ``result_list``, named by the source."""
        if endpoint not in BATCH_ENDPOINTS or "result_list" in response or "data" not in response:
            return super().cached_answer(out, endpoint, response)
        key = "url" if out.url is not None else "filename"
        wrapped = {"result_list": [batch_entry(response, out.source, key)]}
        extra = {**out.extra, "from_cache": True}
        return Answer(
            out.index, wrapped, {out.source.strip(): out.source}, out.sha256, out.url, extra
        )

    # -- one request ---------------------------------------------------------------------------

    def read_timeout(self, images: int) -> float:
        """Seconds to wait for the answer to a request of ``images`` images."""
        return self.timeout[1] + self.timeout_per_image * max(images - 1, 0)

    def send(self, group: list[Outgoing], endpoint: str, options: dict) -> list[Answer]:
        resent: list[int] = [0]  # requests sent again after a read timeout
        try:
            answers = self._answers(group, endpoint, options, resent)
        finally:
            if resent[0]:
                _warn_resent(group, resent[0])
        if resent[0]:
            for answer in answers:
                answer.extra = {**(answer.extra or {}), "resent_after_timeout": resent[0]}
        return answers

    def _answers(self, group, endpoint: str, options: dict, resent: list[int]) -> list[Answer]:
        try:
            body, status = self._post(group, endpoint, options, resent)
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
            self.store(out, endpoint, options, body)
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
                self.store(out, endpoint, options, own)
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
                    codes.NO_ANSWER, f"the service returned no entry for {out.name!r}"
                )
                answers.append(
                    Answer(out.index, failure, None, out.sha256, out.url, out.extra or None)
                )
        return answers

    def _post(
        self, group: list[Outgoing], endpoint: str, options: dict, resent: list[int]
    ) -> tuple[dict, int]:
        """POST with retries; the JSON answer and its status, or _GaveUp after the last try.
        ``resent[0]`` counts the attempts made after a read timeout."""
        import requests

        url = self.url_for(endpoint)
        last = (codes.NETWORK_FAILED, "no attempt")
        retry_after = None
        timeout = (self.timeout[0], self.read_timeout(len(group)))
        timed_out = False
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.delay(attempt, retry_after))
            self.limiter.acquire()
            kwargs = request_body(group, endpoint, options, self.appid, self.bucket)
            signed = {"Authorization": self.signature()} if self.signed else {}
            headers = {**signed, **kwargs.pop("headers", {})}
            self.requests_sent += 1
            resent[0] += timed_out  # the last attempt may have been answered (and charged)
            timed_out = False
            try:
                reply = self._session().post(url, headers=headers, timeout=timeout, **kwargs)
            except requests.ConnectTimeout:  # never reached the service: nothing to charge
                last = (codes.NETWORK_FAILED, f"{url}: no connection within {timeout[0]} s")
                continue
            except requests.Timeout:
                timed_out = True
                last = (codes.NETWORK_FAILED, f"{url}: no answer within {timeout[1]:g} s")
                continue
            except requests.RequestException as err:
                last = (codes.NETWORK_FAILED, f"{url}: {type(err).__name__}")
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


def _warn_resent(group: list[Outgoing], times: int) -> None:
    warnings.warn(
        f"a request of {len(group)} image(s) ({group[0].source}, …) timed out while the service "
        f"may have been answering it and was sent again {times} time(s): it may be charged more "
        "than once (images.extra['resent_after_timeout']; a longer timeout= or "
        "timeout_per_image= avoids it)",
        OcrResendWarning,
        stacklevel=2,
    )


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
    raise OcrRequestError(codes.NOT_JSON, f"not a JSON object: {start!r}", reply.status_code, url)


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
