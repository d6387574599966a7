"""``TencentLegacy`` against a real ``ocrframe serve`` (and scripted servers for faults), all on
127.0.0.1."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from serving import (
    APPID,
    BUCKET,
    KEYS,
    SECRET_ID,
    SECRET_KEY,
    ScriptedServer,
    StaticFiles,
    animated_gif,
    noisy_png,
    sample,
)

import ocrframe
from ocrframe.engines.legacy import RateLimiter, TencentLegacy
from ocrframe.sample_images import synthetic
from ocrframe.server.launch import LocalServer

pytestmark = pytest.mark.engine  # the local server answers with its engine

#: the general page's own example, as bundled
GENERAL_OK = Path(ocrframe.data_path("responses/general.json")).read_bytes()


@pytest.fixture(scope="module")
def server():
    with LocalServer("--bucket", BUCKET, "--allow-private-urls", env=KEYS) as srv:
        yield srv


@pytest.fixture(scope="module")
def files():
    with StaticFiles() as static:
        yield static


def client(base_url: str, cache=False, **kw) -> TencentLegacy:
    kw.setdefault("secret_key", SECRET_KEY)
    return TencentLegacy(APPID, SECRET_ID, bucket=BUCKET, base_url=base_url, cache=cache, **kw)


@pytest.mark.parametrize(
    ("endpoint", "name", "options", "expect"),
    [
        ("general", "zh_document.png", {}, "通用文字识别"),
        ("minorlanguage", "en_document.png", {"language": "zh"}, "Optical"),
        ("idcard", "idcard_front.png", {"card_type": 0}, "110108199003151234"),
        ("namecard", "namecard.png", {}, "13812345678"),
        ("drivinglicence", "licence.png", {"type": 1}, "440301198807226512"),
    ],
)
def test_all_five_endpoints(server, endpoint, name, options, expect):
    path = ocrframe.data_path(f"samples/{name}")
    engine = client(server.url)
    res = ocrframe.recognize(path, endpoint=endpoint, engine=engine, **options)
    assert engine.requests_sent == 1  # answered by the service, not by a local fallback
    assert res.images["code"].tolist() == [0]
    assert res.images["source"].tolist() == [str(path)]
    # the line endpoints' answers name the engine behind the service; card answers do not
    expected = "rapidocr" if endpoint in ("general", "minorlanguage") else "tencent-legacy"
    assert res.images["engine"].tolist() == [expected]
    assert any(expect in text for text in res.items["text"])


def test_23_id_cards_two_requests_each_result_on_its_input(server):
    cards = synthetic.cards("idcard_front", 23, seed=300)
    inputs = {f"card-{k:02d}.jpg": card.jpeg for k, card in enumerate(cards)}
    # a generous timeout: a slow machine must not make the client send a batch again
    engine = client(server.url, max_workers=2, timeout=(10, 900))
    res = ocrframe.recognize(inputs, endpoint="idcard", engine=engine)
    assert engine.requests_sent == 2  # 20 + 3
    assert res.images["source"].tolist() == list(inputs)  # the inputs' order
    fields = res.fields.set_index("source")
    for name, card in zip(inputs, cards):
        assert fields.loc[name, "id"] == card.truth["id"], name  # different on every card


def test_urls_are_sent_as_urls_and_keep_their_source(server, files):
    urls = [f"{files.url}/idcard_front.png", f"{files.url}/zh_document.png"]
    res = ocrframe.recognize(urls, endpoint="idcard", engine=client(server.url))
    assert res.images["source"].tolist() == urls
    assert res.images["code"].tolist() == [0, -5107]


def test_wrong_secret_key_raises_with_code(server):
    engine = client(server.url, secret_key="not-the-key")
    with pytest.raises(ocrframe.OcrRequestError) as info:
        ocrframe.recognize(sample_path("zh_document.png"), engine=engine)
    assert (info.value.code, info.value.status) == (14, 401)
    assert info.value.partial is not None  # what was obtained before stays available


def test_retries_503_twice_then_succeeds():
    replies = [
        (503, b"busy", {}),
        (503, b'{"code": 213, "message": "x"}', {}),
        (200, GENERAL_OK, {}),
    ]
    with ScriptedServer(replies) as flaky:
        engine = client(flaky.url, backoff=0.01)
        res = ocrframe.recognize(sample_path("small_text.png"), engine=engine)
        assert len(flaky.requests) == 3 and engine.requests_sent == 3
    assert res.images["code"].tolist() == [0]
    assert res.chars["char"].tolist() == ["手", "机"]


def test_rate_limited_code_15_is_retried_auth_error_is_not():
    with ScriptedServer(
        [(429, b'{"code": 15, "message": "slow down"}', {}), (200, GENERAL_OK, {})]
    ) as busy:
        res = ocrframe.recognize(
            sample_path("small_text.png"), engine=client(busy.url, backoff=0.01)
        )
        assert res.images["code"].tolist() == [0] and len(busy.requests) == 2
    with ScriptedServer([(401, b'{"code": 9, "message": "expired"}', {})]) as refusing:
        with pytest.raises(ocrframe.OcrRequestError):
            ocrframe.recognize(
                sample_path("small_text.png"), engine=client(refusing.url, backoff=0.01)
            )
        assert len(refusing.requests) == 1


def test_gives_up_after_retries_as_failed_rows_not_an_exception():
    with ScriptedServer([(502, b"<html>bad gateway</html>", {})]) as down:
        engine = client(down.url, backoff=0.01, retries=2)
        res = ocrframe.recognize(
            [sample_path("small_text.png"), sample_path("receipt.png")], engine=engine
        )
        assert len(down.requests) == 6
    assert res.images["ok"].tolist() == [False, False]


def _idcard_batch(names: list[str]) -> bytes:
    """A successful idcard answer naming each image as the client sent it."""
    data = {"name": "李明", "sex": "男", "nation": "汉", "birth": "1990/3/15", "address": "北京",
            "id": "110108199003151234"}  # fmt: skip
    entries = [{"code": 0, "message": "OK", "filename": n, "data": data} for n in names]
    return json.dumps({"result_list": entries}, ensure_ascii=False).encode()


def test_a_batch_gets_a_read_timeout_for_all_its_images_and_is_sent_once():
    # the service takes 2 s on purpose: more than the one-image timeout (0.5 s), far less than
    # what five images are given (0.5 + 4 x 10 s), so the batch is sent exactly once
    cards = [c.jpeg for c in synthetic.cards("idcard_front", 5, seed=7)]
    names = [f"image{k:05d}.jpg" for k in range(5)]
    with ScriptedServer([(200, _idcard_batch(names), {}, 2.0)]) as slow:
        engine = client(slow.url, timeout=(5, 0.5), timeout_per_image=10)
        assert engine.read_timeout(5) == 40.5
        res = ocrframe.recognize(cards, endpoint="idcard", engine=engine)
        assert len(slow.requests) == 1 and engine.requests_sent == 1
    assert res.images["ok"].all() and res.images["extra"].isna().all()


def test_a_request_resent_after_a_read_timeout_says_it_may_be_charged_twice():
    # the first answer comes after 3 s on purpose, the client waits 0.5 s: it sends again,
    # and the image records that (and a warning says) the first request may also be charged
    replies = [(200, GENERAL_OK, {}, 3.0), (200, GENERAL_OK, {})]
    with ScriptedServer(replies) as slow:
        engine = client(slow.url, timeout=(5, 0.5), backoff=0.01)
        with pytest.warns(ocrframe.OcrResendWarning, match="charged more than once"):
            res = ocrframe.recognize(sample_path("small_text.png"), engine=engine)
        assert engine.requests_sent == 2
    assert res.images["ok"].tolist() == [True]
    assert json.loads(res.images["extra"].iloc[0])["resent_after_timeout"] == 1


def test_non_json_reply_names_status_and_body():
    with (
        ScriptedServer(
            [(404, b"<html>no such page</html>", {"Content-Type": "text/html"})]
        ) as wrong,
        pytest.raises(ocrframe.OcrRequestError, match=r"no such page.*HTTP 404"),
    ):
        ocrframe.recognize(sample_path("small_text.png"), engine=client(wrong.url))


def test_second_identical_run_makes_no_request(server, tmp_path):
    paths = [sample_path("namecard.png"), sample_path("idcard_front.png")]
    first = client(server.url, cache=tmp_path)
    one = ocrframe.recognize(paths, endpoint="namecard", engine=first)
    again = client(server.url, cache=tmp_path)
    two = ocrframe.recognize(paths, endpoint="namecard", engine=again)
    assert first.requests_sent == 1 and again.requests_sent == 0
    pd.testing.assert_frame_equal(one.items, two.items)
    assert two.images["extra"].map(lambda e: json.loads(e)["from_cache"]).all()


def test_failures_are_not_cached(server, tmp_path):
    doc = sample_path("zh_document.png")  # not an ID card: -5107
    for _ in range(2):
        engine = client(server.url, cache=tmp_path)
        res = ocrframe.recognize(doc, endpoint="idcard", engine=engine)
        assert res.images["code"].tolist() == [-5107] and engine.requests_sent == 1


def test_large_card_image_is_reencoded_and_recorded(server):
    big = noisy_png(1_300_000)
    engine = client(server.url)
    res = ocrframe.recognize(
        {"big.png": big, "card.png": sample("idcard_front.png")}, endpoint="idcard", engine=engine
    )
    assert res.images["code"].tolist() == [-5107, 0]  # sent (not refused with 20), then read
    resent = json.loads(res.images["extra"].iloc[0])["resent"]
    assert resent["original_bytes"] == len(big) and resent["sent_bytes"] <= 1024 * 1024


def test_animated_gif_rejected_before_sending(server):
    engine = client(server.url)
    res = ocrframe.recognize({"anim.gif": animated_gif()}, endpoint="namecard", engine=engine)
    assert res.images["code"].tolist() == [-1400] and engine.requests_sent == 0


def test_secret_key_never_leaks(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    engine = client(server.url, cache=tmp_path / "cache")
    res = ocrframe.recognize(sample_path("namecard.png"), endpoint="namecard", engine=engine)
    res.to_parquet(tmp_path / "out")
    bad = client(server.url, secret_key=SECRET_KEY[::-1])
    with pytest.raises(ocrframe.OcrRequestError) as info:
        ocrframe.recognize(sample_path("namecard.png"), endpoint="namecard", engine=bad)
    places = {
        "repr": repr(engine) + str(engine),
        "vars": repr(vars(engine)),
        "logs": caplog.text,
        "exception": str(info.value) + repr(info.value),
    }
    for path in tmp_path.rglob("*"):
        if path.is_file():
            places[str(path)] = path.read_bytes().decode("latin-1")
    leaked = [
        where for where, text in places.items() if SECRET_KEY in text or SECRET_KEY[::-1] in text
    ]
    assert not leaked
    assert any(p.suffix == ".parquet" for p in tmp_path.rglob("*"))


def test_signature_renewed_before_it_expires():
    engine = client("http://127.0.0.1:9", signature_lifetime=3600)
    assert engine.signature() == engine.signature()
    short = client("http://127.0.0.1:9", signature_lifetime=30)  # always within a minute of expiry
    assert short.signature() != short.signature()


class FakeClock:
    """A clock that only moves when the limiter waits, or when the test says time passed."""

    def __init__(self) -> None:
        self.now, self.waits = 100.0, []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def test_rate_limiter_spaces_requests():
    clock = FakeClock()
    limiter = RateLimiter(20, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(5):
        limiter.acquire()
    assert clock.waits == [0.05] * 4  # back to back: four gaps of 50 ms
    clock.now += 1.0  # a quiet second: the next request goes at once
    limiter.acquire()
    clock.now += 0.01  # too soon after it: waits for the rest of the interval
    limiter.acquire()
    assert clock.waits == [0.05] * 4 + [0.04]


def test_rate_limiter_off_never_waits():
    clock = FakeClock()
    limiter = RateLimiter(None, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    assert clock.waits == []


def test_credentials_from_environment(monkeypatch):
    monkeypatch.setenv("OCRFRAME_APPID", APPID)
    monkeypatch.setenv("OCRFRAME_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("OCRFRAME_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("OCRFRAME_LEGACY_BASE_URL", "http://127.0.0.1:9/")
    engine = TencentLegacy(cache=False)
    assert engine.url_for("idcard") == "http://127.0.0.1:9/ocr/idcard"
    monkeypatch.delenv("OCRFRAME_SECRET_KEY")
    with pytest.raises(ocrframe.OcrframeError, match="secret_key"):
        TencentLegacy(cache=False)


def test_without_keys_only_a_self_hosted_service_is_asked(monkeypatch):
    for name in ("APPID", "SECRET_ID", "SECRET_KEY", "LEGACY_BASE_URL"):
        monkeypatch.delenv(f"OCRFRAME_{name}", raising=False)
    with pytest.raises(ocrframe.OcrframeError, match="appid="):
        TencentLegacy(cache=False)  # the cloud refuses unsigned requests
    with LocalServer("--no-auth") as open_server:
        engine = TencentLegacy(base_url=open_server.url, cache=False)
        res = ocrframe.recognize(sample_path("en_document.png"), engine=engine, progress=False)
    assert engine.requests_sent == 1 and res.images["code"].tolist() == [0]
    assert "Optical" in " ".join(res.items["text"])


def test_default_hosts_are_the_pages():
    engine = TencentLegacy(APPID, SECRET_ID, SECRET_KEY, cache=False)
    assert engine.url_for("general") == "https://recognition.image.myqcloud.com/ocr/general"
    assert engine.url_for("idcard") == "https://service.image.myqcloud.com/ocr/idcard"
    assert (
        engine.url_for("minorlanguage") == "https://sdkservice.image.myqcloud.com/ocr/minorlanguage"
    )


def sample_path(name: str) -> str:
    return str(Path(ocrframe.data_path("samples")) / name)
