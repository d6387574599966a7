"""``TencentCloud``: the Tencent Cloud API 3.0 OCR actions through the official SDK.

An engine for :func:`ocrframe.recognize` with ``endpoint=`` an action name (GeneralBasicOCR,
GeneralAccurateOCR, GeneralFastOCR, GeneralHandwritingOCR, IDCardOCR, BusinessCardOCR,
DriverLicenseOCR, VehicleLicenseOCR, MLIDPassportOCR, PassportOCR) and the action's request
fields as options (``CardSide="BACK"``, ``IsWords=True``). Requests are made and signed by
``tencentcloud-sdk-python-ocr`` (TC3 is not re-implemented here); ocrframe adds what the
legacy client has: concurrent requests, a per-action rate limit (the SDK docstrings' limits:
20/s GeneralBasicOCR and IDCardOCR, 5/s MLIDPassportOCR, 10/s the others),
retries with backoff on ``RequestLimitExceeded`` and network errors (never on ``AuthFailure``),
and the on-disk cache of successful answers (keyed by host, region, action, options and the
image's SHA-256 or URL; never a key).

Credentials: ``secret_id=``/``secret_key=`` or ``TENCENTCLOUD_SECRET_ID`` /
``TENCENTCLOUD_SECRET_KEY`` (the SDK's own variable names). ``endpoint_url`` points the SDK at
another host, such as ``"http://127.0.0.1:8080"`` (a local ``ocrframe serve``).

>>> TencentCloud(secret_id="AKIDx", secret_key="k", cache=False)
TencentCloud(region='ap-guangzhou', endpoint_url=None, max_workers=4, cache=None)
"""

from __future__ import annotations

import base64
import json
import os
import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from .. import images, records
from ..errors import OcrframeError, OcrRequestError
from .base import ACTIONS, Answer, Engine, endpoint_options
from .legacy import RateLimiter, Secret, default_cache_dir, prepare

HOST = "ocr.tencentcloudapi.com"
#: requests per second, from the SDK's docstrings
RATES = {"GeneralBasicOCR": 20.0, "IDCardOCR": 20.0, "MLIDPassportOCR": 5.0}
DEFAULT_RATE = 10.0
RETRY = ("RequestLimitExceeded", "ClientNetworkError", "ServerNetworkError", "InternalError")


class TencentCloud(Engine):
    """API 3.0 actions through the official SDK, concurrent, rate-limited, retried, cached."""

    name = "tencent-cloud"
    endpoints = tuple(ACTIONS)

    def __init__(
        self,
        secret_id: str | None = None,
        secret_key: str | None = None,
        region: str = "ap-guangzhou",
        endpoint_url: str | None = None,
        *,
        max_workers: int = 4,
        rate_limit: float | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: int = 60,
        cache: bool | str | os.PathLike = True,
    ) -> None:
        secret_id = secret_id or os.environ.get("TENCENTCLOUD_SECRET_ID")
        secret_key = secret_key or os.environ.get("TENCENTCLOUD_SECRET_KEY")
        if not (secret_id and secret_key):
            raise OcrframeError(
                "TencentCloud needs secret_id= and secret_key= "
                "(or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY)"
            )
        self.secret_id = secret_id
        self._secret_key = Secret(secret_key)
        self.region = region
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self.max_workers = max(1, int(max_workers))
        self.rate_limit = rate_limit
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.timeout = timeout
        if cache is True:
            self.cache_dir: Path | None = default_cache_dir() / "tencentcloud"
        elif cache:
            self.cache_dir = Path(cache)
        else:
            self.cache_dir = None
        self._limiters: dict[str, RateLimiter] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        self.requests_sent = 0

    def __repr__(self) -> str:
        cache = str(self.cache_dir) if self.cache_dir else None
        return (
            f"TencentCloud(region={self.region!r}, endpoint_url={self.endpoint_url!r}, "
            f"max_workers={self.max_workers}, cache={cache!r})"
        )

    def limiter(self, action: str) -> RateLimiter:
        with self._lock:
            if action not in self._limiters:
                rate = self.rate_limit or RATES.get(action, DEFAULT_RATE)
                self._limiters[action] = RateLimiter(rate)
            return self._limiters[action]

    def _client(self):
        """One SDK client per thread (the SDK's HTTP session is not shared across threads)."""
        if not hasattr(self._local, "client"):
            from tencentcloud.common import credential
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.ocr.v20181119 import ocr_client

            where = {}
            if self.endpoint_url:
                parsed = urlparse(self.endpoint_url)
                where = {
                    "protocol": parsed.scheme or "https",
                    "endpoint": parsed.netloc or parsed.path,
                }
            http = HttpProfile(reqTimeout=self.timeout, **where)
            cred = credential.Credential(self.secret_id, self._secret_key.reveal())
            profile = ClientProfile(httpProfile=http)
            self._local.client = ocr_client.OcrClient(cred, self.region, profile)
        return self._local.client

    def scope(self) -> dict:
        return {"host": self.endpoint_url or HOST, "region": self.region}

    # -- the engine interface ------------------------------------------------------------------

    def respond(self, image: images.Loaded, endpoint: str, options: dict) -> dict:
        data = image.data if image.data is not None else images.encode_png(image.rgb)
        return next(self.answer_all([images.Input(image.source, data)], endpoint, options)).response

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        options = endpoint_options(endpoint, options)
        pending = []
        for k, inp in enumerate(inputs):
            out = prepare(k, inp, endpoint)
            if isinstance(out, Answer):
                yield out
                continue
            cached = self._cached(out, endpoint, options)
            if cached is not None:
                yield cached
            else:
                pending.append(out)
        if not pending:
            return
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="ocrframe-cloud") as pool:
            jobs = [pool.submit(self._send, out, endpoint, options) for out in pending]
            try:
                for job in jobs:
                    yield job.result()
            finally:
                for job in jobs:
                    job.cancel()

    def _record(self, out, endpoint: str, options: dict, response: dict) -> records.Record:
        return records.Record(
            endpoint, options, response, out.sha256, out.url, out.source, self.scope()
        )

    def _cached(self, out, endpoint: str, options: dict) -> Answer | None:
        if self.cache_dir is None:
            return None
        probe = self._record(out, endpoint, options, {})
        path = records.path_for(self.cache_dir, endpoint, probe.file_key())
        if not path.exists():
            return None
        response = records.read(path).response
        return Answer(out.index, response, None, out.sha256, out.url, {"from_cache": True})

    def _send(self, out, endpoint: str, options: dict) -> Answer:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.ocr.v20181119 import models

        params = dict(options)
        if out.url is not None:
            params["ImageUrl"] = out.url
        else:
            params["ImageBase64"] = base64.b64encode(out.data or b"").decode()
        request = getattr(models, f"{endpoint}Request")()
        request.from_json_string(json.dumps(params))
        last = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5), 30))
            self.limiter(endpoint).acquire()
            self.requests_sent += 1
            try:
                model = getattr(self._client(), endpoint)(request)
            except TencentCloudSDKException as err:
                code = err.get_code() or "ClientNetworkError"
                if code.startswith("AuthFailure"):
                    raise OcrRequestError(code, err.get_message(), None, endpoint) from None
                last = {"Error": {"Code": code, "Message": err.get_message()},
                        "RequestId": err.get_request_id() or ""}  # fmt: skip
                if code.startswith(RETRY):
                    continue
                break
            body = {"Response": json.loads(model.to_json_string())}
            if self.cache_dir is not None:
                records.write(self.cache_dir, self._record(out, endpoint, options, body))
            return Answer(out.index, body, None, out.sha256, out.url, out.extra or None)
        return Answer(out.index, {"Response": last}, None, out.sha256, out.url, out.extra or None)
