"""``TencentCloud`` (the official SDK inside) against ocrframe serve's API 3.0 on 127.0.0.1."""

from __future__ import annotations

import pytest
from serving import KEYS, SECRET_ID, SECRET_KEY, ScriptedServer, StaticFiles

import ocrframe
from ocrframe.sample_images import synthetic
from ocrframe.server.launch import LocalServer

pytestmark = pytest.mark.engine  # the local server answers with its engine


@pytest.fixture(scope="module")
def server():
    with LocalServer("--allow-private-urls", env=KEYS) as srv:  # images on 127.0.0.1
        yield srv


def engine(url: str, cache=False, **kw) -> ocrframe.TencentCloud:
    kw.setdefault("secret_key", SECRET_KEY)
    return ocrframe.TencentCloud(SECRET_ID, endpoint_url=url, cache=cache, **kw)


def test_general_actions_into_the_tables(server):
    paths = [
        ocrframe.data_path("samples/zh_document.png"),
        ocrframe.data_path("samples/en_document.png"),
    ]
    res = ocrframe.recognize(
        paths, endpoint="GeneralAccurateOCR", engine=engine(server.url), IsWords=True
    )
    assert res.images["endpoint"].tolist() == ["GeneralAccurateOCR"] * 2
    assert res.images["source"].tolist() == [str(p) for p in paths]
    assert "Optical" in " ".join(res.items["text"])
    assert res.chars["x"].notna().any()


def test_idcard_back_side(server):
    card = synthetic.cards("idcard_back", 1, seed=5)[0]
    res = ocrframe.recognize(
        {"back.jpg": card.jpeg}, endpoint="IDCardOCR", engine=engine(server.url), CardSide="BACK"
    )
    assert res.images["code"].tolist() == [0]
    assert res.fields.loc[0, "authority"] == card.truth["authority"]
    assert res.fields.loc[0, "valid_date"] == card.truth["valid_date"]


def test_idcard_front_by_url(server):
    with StaticFiles() as files:
        url = f"{files.url}/idcard_front.png"
        res = ocrframe.recognize(
            url, endpoint="IDCardOCR", engine=engine(server.url), CardSide="FRONT"
        )
    assert res.images["source"].tolist() == [url]
    assert res.fields.loc[0, "id"] == "110108199003151234"


def test_wrong_key_raises_auth_failure(server):
    with pytest.raises(ocrframe.OcrRequestError) as info:
        ocrframe.recognize(
            sample_path(), endpoint="GeneralBasicOCR", engine=engine(server.url, secret_key="x")
        )
    assert info.value.code == "AuthFailure.SignatureFailure"


def test_request_limit_exceeded_is_retried():
    busy = b'{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow"}, "RequestId": "1"}}'
    ok = b'{"Response": {"TextDetections": [], "Angel": 0, "RequestId": "2"}}'
    with ScriptedServer([(200, busy, {}), (200, ok, {})]) as scripted:
        eng = engine(scripted.url, backoff=0.01)
        res = ocrframe.recognize(sample_path(), endpoint="GeneralBasicOCR", engine=eng)
        assert len(scripted.requests) == 2 and eng.requests_sent == 2
    assert res.images["ok"].tolist() == [True]


def test_failed_image_is_a_row_and_cache_skips_repeats(server, tmp_path):
    first = engine(server.url, cache=tmp_path)
    paths = [sample_path(), ocrframe.data_path("samples/zh_document.png")]
    one = ocrframe.recognize(paths, endpoint="IDCardOCR", engine=first)
    assert one.images["ok"].tolist() == [False, False]  # neither is an ID card
    assert one.images["message"].str.startswith("FailedOperation.IdCardInfoIllegal").all()
    two = ocrframe.recognize(paths, endpoint="GeneralBasicOCR", engine=first)
    again = engine(server.url, cache=tmp_path)
    three = ocrframe.recognize(paths, endpoint="GeneralBasicOCR", engine=again)
    assert again.requests_sent == 0  # answered from the cache
    assert three.items["text"].tolist() == two.items["text"].tolist()


def sample_path() -> str:
    return ocrframe.data_path("samples/small_text.png")


def test_secret_key_not_in_repr():
    eng = ocrframe.TencentCloud("AKIDx", "very-secret-key", cache=False)
    assert "very-secret-key" not in repr(eng) + repr(vars(eng))
