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
import threading
import time
from urllib.parse import urlparse

from ..endpoints import ACTIONS
from ..errors import OcrframeError, OcrRequestError
from .base import Answer
from .remote import Outgoing, RateLimiter, RemoteEngine, Secret

HOST = "ocr.tencentcloudapi.com"
#: requests per second, from the SDK's docstrings
RATES = {"GeneralBasicOCR": 20.0, "IDCardOCR": 20.0, "MLIDPassportOCR": 5.0}
DEFAULT_RATE = 10.0
RETRY = ("RequestLimitExceeded", "ClientNetworkError", "ServerNetworkError", "InternalError")


class TencentCloud(RemoteEngine):
    """API 3.0 actions through the official SDK, concurrent, rate-limited, retried, cached."""

    name = "tencent-cloud"
    endpoints = tuple(ACTIONS)
    cache_name = "tencentcloud"

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
        self.setup_remote(max_workers=max_workers, retries=retries, backoff=backoff, cache=cache)
        self.rate_limit = rate_limit
        self.timeout = timeout
        self._limiters: dict[str, RateLimiter] = {}
        self._local = threading.local()
        self._lock = threading.Lock()

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

    def scope(self, endpoint: str) -> dict:
        return {"host": self.endpoint_url or HOST, "region": self.region}

    # -- the engine interface ------------------------------------------------------------------

    def send(self, group: list[Outgoing], endpoint: str, options: dict) -> list[Answer]:
        return [self._ask(group[0], endpoint, options)]

    def _ask(self, out: Outgoing, endpoint: str, options: dict) -> Answer:
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
                time.sleep(self.delay(attempt))
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
            self.store(out, endpoint, options, body)
            return Answer(out.index, body, None, out.sha256, out.url, out.extra or None)
        return Answer(out.index, {"Response": last}, None, out.sha256, out.url, out.extra or None)
