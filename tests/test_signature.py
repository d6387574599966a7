"""The multi-use signature: the pages' published test vector, and reading signatures back."""

from __future__ import annotations

import base64

import pytest

from ocrframe.signature import SignatureError, legacy_signature, parse_signature, sign_plain

VECTOR = (
    "p2Y5iIYyBmQNfUvPe3e1sxEN/rZhPTEyNTI4MjE4NzEmYj10ZW5jZW50eXVuJms9QUtJRGdhb09ZaDJrT21KZldWZEg0"
    "bHBmeFNjRzJ6UExQR29LJmU9MTQzODY2OTExNSZ0PTE0MzYwNzcxMTUmcj0xMTE2MiZ1PTAmZj0="
)
# the vendor documentation's published sample keys (a test vector, not credentials)
KEY = "nwOKDouy5JctNOlnere4gkVoOUz5EYAb"


def test_reproduces_the_published_test_vector():
    sig = legacy_signature(
        "1252821871", "tencentyun", "AKIDgaoOYh2kOmJfWVdH4lpfxScG2zPLPGoK", KEY,
        1438669115, 1436077115, 11162,
    )  # fmt: skip
    assert sig == VECTOR


def test_parse_and_verify_the_vector():
    sig = parse_signature(VECTOR)
    assert (sig.appid, sig.bucket, sig.expires) == ("1252821871", "tencentyun", 1438669115)
    assert sig.valid_for(KEY)
    assert not sig.valid_for(KEY[:-1] + "c")


def test_field_order_is_free_and_r_u_f_are_optional():
    plain = "k=AKID&e=2000000000&a=1000&t=1000000000&b=test"  # reordered, no r/u/f
    sig = parse_signature(sign_plain(plain, "secret"))
    assert sig.appid == "1000" and sig.bucket == "test" and sig.valid_for("secret")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", 4),
        ("   ", 4),
        ("not base64 at all!", 5),
        (base64.b64encode(b"short").decode(), 5),
        (sign_plain("a=1&b=x&k=AKID&t=5", "s"), 5),  # no expiry
        (sign_plain("a=1&b=x&k=AKID&e=soon&t=5", "s"), 5),
        (sign_plain("a=1&a=2&b=x&k=AKID&e=9&t=5", "s"), 5),
    ],
)
def test_unreadable_signatures_carry_the_pages_codes(value, code):
    with pytest.raises(SignatureError) as info:
        parse_signature(value)
    assert info.value.code == code
