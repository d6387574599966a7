"""The legacy Tencent image service's multi-use signature (多次有效签名): make it and check it.

``plain = "a=<appid>&b=<bucket>&k=<SecretId>&e=<expires>&t=<now>&r=<rand>&u=0&f="`` and
``sign = base64(HMAC-SHA1(SecretKey, plain) + plain)``. Servers do not enforce the field order,
and ``r``, ``u`` and ``f`` are optional (the pages' own examples omit them; the vendor's Python
SDK sends no ``u``).

The example is the vendor's published test vector (its documentation's sample keys, not
anyone's credentials):

>>> legacy_signature("1252821871", "tencentyun", "AKIDgaoOYh2kOmJfWVdH4lpfxScG2zPLPGoK",
...                  "nwOKDouy5JctNOlnere4gkVoOUz5EYAb", 1438669115, 1436077115, 11162)[:32]
'p2Y5iIYyBmQNfUvPe3e1sxEN/rZhPTEy'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

FIELD_ORDER = ("a", "b", "k", "e", "t", "r", "u", "f")
REQUIRED = ("a", "b", "k", "e", "t")


def legacy_signature(
    appid: str | int,
    bucket: str,
    secret_id: str,
    secret_key: str,
    expires: int,
    now: int,
    rand: int,
) -> str:
    """The multi-use signature, exactly as the pages define it (reproduces their test vector)."""
    plain = f"a={appid}&b={bucket}&k={secret_id}&e={expires}&t={now}&r={rand}&u=0&f="
    return sign_plain(plain, secret_key)


def sign_plain(plain: str, secret_key: str) -> str:
    """``base64(HMAC-SHA1(secret_key, plain) + plain)`` for an already assembled ``plain``."""
    digest = hmac.new(secret_key.encode(), plain.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest + plain.encode()).decode()


class SignatureError(ValueError):
    """A signature that cannot be read; ``code`` is the pages' code (4 empty, 5 malformed)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Signature:
    """A decoded signature: its fields, the signed text and the HMAC it carries."""

    fields: dict[str, str]
    plain: bytes
    digest: bytes

    @property
    def appid(self) -> str:
        return self.fields["a"]

    @property
    def bucket(self) -> str:
        return self.fields["b"]

    @property
    def secret_id(self) -> str:
        return self.fields["k"]

    @property
    def expires(self) -> int:
        return int(self.fields["e"])

    def valid_for(self, secret_key: str) -> bool:
        """Whether the HMAC matches ``secret_key`` (constant-time comparison)."""
        expected = hmac.new(secret_key.encode(), self.plain, hashlib.sha1).digest()
        return hmac.compare_digest(expected, self.digest)


def parse_signature(value: str | None) -> Signature:
    """Decode an ``Authorization`` value; raises :class:`SignatureError` with code 4 or 5."""
    if not value or not value.strip():
        raise SignatureError(4, "signature is empty")
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(5, "signature is not base64") from None
    if len(raw) <= 20:
        raise SignatureError(5, "signature too short")
    digest, plain = raw[:20], raw[20:]
    try:
        text = plain.decode("ascii")
    except UnicodeDecodeError:
        raise SignatureError(5, "signature text is not ASCII") from None
    fields: dict[str, str] = {}
    for part in text.split("&"):
        key, sep, val = part.partition("=")
        if not sep or key in fields:
            raise SignatureError(5, f"malformed signature field {part!r}")
        fields[key] = val
    missing = [k for k in REQUIRED if not fields.get(k)]
    if missing:
        raise SignatureError(5, f"signature lacks {', '.join(missing)}")
    if not (fields["e"].isdigit() and fields["t"].isdigit()):
        raise SignatureError(5, "signature times are not integers")
    return Signature(fields, plain, digest)
