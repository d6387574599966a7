"""The pages' authorisation: the multi-use signature in the ``Authorization`` header.

Checked in this order, each failure with the pages' code: empty (4), malformed (5), unknown
SecretId (11), HMAC does not match the secret key (14), expired (9), appid or bucket not the
server's (6). The body's ``appid`` and ``bucket`` must then match the signature's (6).
"""

from __future__ import annotations

import time

from ..signature import Signature, SignatureError, parse_signature
from .config import ServerConfig


class AuthFailure(Exception):
    """A request the signature does not allow; ``code`` is the pages' code."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def check_header(value: str | None, config: ServerConfig, now: float | None = None) -> Signature:
    """The decoded signature when it allows a request to this server."""
    try:
        sig = parse_signature(value)
    except SignatureError as err:
        raise AuthFailure(err.code, str(err)) from None
    if sig.secret_id != config.secret_id:
        raise AuthFailure(11, "unknown SecretId")  # the id itself is not echoed
    if not sig.valid_for(config.secret_key or ""):
        raise AuthFailure(14, "signature check failed")
    now = time.time() if now is None else now
    if sig.expires < now:
        raise AuthFailure(9, f"signature expired at {sig.expires} (server time {int(now)})")
    if sig.appid != str(config.appid):
        raise AuthFailure(6, f"signature appid {sig.appid!r} is not this server's")
    if config.bucket is not None and sig.bucket != config.bucket:
        raise AuthFailure(6, f"signature bucket {sig.bucket!r} is not this server's")
    return sig


def check_body(sig: Signature, appid: str | None, bucket: str | None) -> None:
    """The body's appid and bucket (when the body has them) must be the signature's."""
    if appid is not None and str(appid) != sig.appid:
        raise AuthFailure(6, f"body appid {appid!r} does not match the signature's")
    if bucket is not None and bucket != sig.bucket:
        raise AuthFailure(6, f"body bucket {bucket!r} does not match the signature's")
