"""``ocrframe serve`` started for real in a subprocess on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import socket
import threading

import pytest
import requests
from serving import (
    APPID,
    BUCKET,
    KEYS,
    SECRET_ID,
    SECRET_KEY,
    StaticFiles,
    animated_gif,
    noisy_png,
    png,
    sample,
    sign,
)

import ocrframe
from ocrframe.server.launch import LocalServer, free_port
from ocrframe.signature import sign_plain

pytestmark = pytest.mark.engine  # the server answers with its engine

TIMEOUT = 300  # a safety net against a hang, never a speed test


@pytest.fixture(scope="module")
def signed():
    """A server that wants signatures (keys from the environment, bucket on the command line),
    and fetches image URLs from 127.0.0.1, where the tests serve them (refused by default:
    tests/server/test_fetch.py)."""
    env = {**KEYS, "OCRFRAME_SERVE_ALLOW_PRIVATE_URLS": "1"}
    with LocalServer("--bucket", BUCKET, env=env) as server:
        yield server


@pytest.fixture(scope="module")
def server():
    with LocalServer("--no-auth") as srv:
        yield srv


@pytest.fixture(scope="module")
def files():
    with StaticFiles() as static:
        yield static


def post(server, endpoint, **kw):
    return requests.post(f"{server.url}/ocr/{endpoint}", timeout=TIMEOUT, **kw)


def auth(**kw) -> dict:
    return {"Authorization": sign(**kw)}


# --- the five endpoints, both body kinds --------------------------------------------------------


def test_healthz(server):
    body = requests.get(server.url + "/healthz", timeout=60).json()
    assert body["status"] == "ok" and body["engine"] == "rapidocr" and body["auth"] is False


def test_general_multipart_and_json_url(signed, files):
    fields = {"appid": APPID, "bucket": BUCKET}
    r = post(
        signed,
        "general",
        headers=auth(),
        data=fields,
        files={"image": ("zh.png", sample("zh_document.png"))},
    )
    assert r.status_code == 200 and r.json()["code"] == 0
    res = ocrframe.from_response(r.json(), endpoint="general")
    assert "通用文字识别" in "".join(res.items["text"])
    by_url = post(
        signed, "general", headers=auth(), json={**fields, "url": f"{files.url}/zh_document.png"}
    )
    assert by_url.json()["data"]["items"] == r.json()["data"]["items"]


def test_minorlanguage_json_base64_and_app_id(signed):
    body = {
        "app_id": APPID,
        "image": base64.b64encode(sample("en_document.png")).decode(),
        "options": {"language": "zh"},
    }
    r = post(signed, "minorlanguage", headers=auth(), json=body)
    data = r.json()["data"]
    assert r.status_code == 200 and data["class"] == []
    assert any("Optical character" in i["itemstring"] for i in data["items"])
    assert 0 <= data["items"][0]["words"][0]["confidence"] <= 1  # the page's 0-1 scale


def test_idcard_multipart_sorted_by_part_name_with_filenames(signed):
    card, doc = sample("idcard_front.png"), sample("zh_document.png")
    parts = [
        ("appid", (None, APPID)),
        ("bucket", (None, BUCKET)),
        ("card_type", (None, "0")),
        ("image[2]", ("image _2.jpg ", card)),
        ("image[10]", ("ten.png", doc)),
        ("image[0]", ("zero.png", card)),
    ]
    r = post(signed, "idcard", headers=auth(), files=parts)
    entries = r.json()["result_list"]
    # as strings: image[0] < image[10] < image[2]
    assert [e["filename"] for e in entries] == ["zero.png", "ten.png", "image _2.jpg "]
    assert [e["code"] for e in entries] == [0, -5107, 0]
    data = entries[0]["data"]
    assert data["name"] == "张伟" and data["id"] == "110108199003151234"
    assert len(data["id_confidence_all"]) == 18
    res = ocrframe.from_response(r.json())
    assert res.images["ok"].tolist() == [True, False, True]


def test_idcard_json_url_list_echoes_urls(signed, files):
    urls = [f" {files.url}/idcard_front.png", f"{files.url}/missing.png"]
    body = {"appid": APPID, "bucket": BUCKET, "card_type": 0, "url_list": urls}
    entries = post(signed, "idcard", headers=auth(), json=body).json()["result_list"]
    assert [e["url"] for e in entries] == urls  # exactly as sent, the space included
    assert entries[0]["code"] == 0 and entries[0]["data"]["sex"] == "男"
    assert entries[1]["code"] == -1308  # the server could not fetch it


def test_namecard_with_ret_image(server):
    card = sample("namecard.png")
    r = post(server, "namecard", data={"ret_image": "1"}, files={"image[0]": ("c.png", card)})
    data = r.json()["result_list"][0]["data"]
    assert data["name"] == "李明" and data["phone"] == "13812345678"
    assert data["uin"] == "" and data["uin_confidence"] == -1
    assert base64.b64decode(data["image"]) == card


def test_drivinglicence_items_with_page_labels(server):
    r = post(
        server,
        "drivinglicence",
        data={"type": "1"},
        files={"image": ("l.png", sample("licence.png"))},
    )
    items = {i["item"]: i["itemstring"] for i in r.json()["data"]["items"]}
    assert items["证号"] == "440301198807226512" and items["领证日期"] == "2010-05-18"
    res = ocrframe.from_response(r.json())
    assert "first_issue_date" in set(res.items["field"])


# --- limits and errors of the pages -------------------------------------------------------------


def expect(r, status, code):
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.json()["message"]


def test_body_over_6_mb(server):
    r = post(server, "general", files={"image": ("big.png", b"x" * (6 * 1024 * 1024 + 10))})
    expect(r, 413, 23)


def test_more_than_20_images(server):
    parts = [(f"image[{k}]", (f"{k}.png", png())) for k in range(21)]
    expect(post(server, "idcard", files=parts), 400, 19)


def test_no_image(server):
    expect(post(server, "idcard", json={"appid": APPID, "url_list": []}), 400, 18)
    expect(post(server, "general", json={"appid": APPID}), 400, -1301)


def test_card_image_over_1_mb_fails_alone(server):
    big = noisy_png(1024 * 1024 + 100)
    parts = [("image[0]", ("big.png", big)), ("image[1]", ("card.png", sample("idcard_front.png")))]
    r = post(server, "idcard", files=parts)
    assert r.status_code == 200
    assert [e["code"] for e in r.json()["result_list"]] == [20, 0]


def test_bad_images_are_per_image_entries(server):
    parts = [
        ("image[0]", ("not-image.jpg", b"this is not an image")),
        ("image[1]", ("anim.gif", animated_gif())),
        ("image[2]", ("empty.png", b"")),
        ("image[3]", ("card.png", sample("idcard_front.png"))),
    ]
    r = post(server, "idcard", files=parts)
    assert r.status_code == 200
    assert [e["code"] for e in r.json()["result_list"]] == [-1102, -1400, -1300, 0]
    single = post(server, "general", files={"image": ("x.jpg", b"garbage")})
    expect(single, 200, -1102)


def test_unfetchable_url(signed):
    port = signed.port  # nothing serves /nothing.png there
    body = {"appid": APPID, "bucket": BUCKET, "url": f"http://127.0.0.1:{port}/nothing.png"}
    r = post(signed, "general", headers=auth(), json=body)
    assert r.json()["code"] == -1308 and "HTTP 404" in r.json()["message"]


def test_bad_options_and_bodies(server):
    expect(
        post(server, "idcard", data={"card_type": "7"}, files={"image": ("a.png", png())}), 400, 21
    )
    expect(
        post(server, "general", data=b"{not json", headers={"content-type": "application/json"}),
        400,
        3,
    )
    expect(post(server, "general", data=b"x", headers={"content-type": "text/plain"}), 400, 3)
    deep = b"[" * 200_000 + b"]" * 200_000  # once an internal error (a RecursionError)
    too_deep = post(server, "general", data=deep, headers={"content-type": "application/json"})
    expect(too_deep, 400, 3)
    assert "nested more than 100 levels deep" in too_deep.json()["message"]
    api3 = requests.post(
        server.url + "/", data=deep, headers={"X-TC-Action": "GeneralBasicOCR"}, timeout=60
    )
    error = api3.json()["Response"]["Error"]
    assert error["Code"] == "InvalidParameter" and "nested more than" in error["Message"]
    missing = requests.post(server.url + "/ocr/nothing", json={}, timeout=60)
    assert missing.status_code == 404 and missing.json()["code"] == 3


# --- authorisation ------------------------------------------------------------------------------


def test_auth_errors_have_the_pages_codes(signed):
    body = {"appid": APPID, "bucket": BUCKET, "url": "http://127.0.0.1:1/x.png"}
    cases = [
        ({}, 401, 4),
        ({"Authorization": "not base64 !!"}, 401, 5),
        (auth(appid="999"), 403, 6),
        (auth(bucket="other"), 403, 6),
        (auth(lifetime=-10), 401, 9),
        (auth(secret_id="AKIDunknown"), 403, 11),
        (auth(secret_key="wrong-key"), 401, 14),
    ]
    for headers, status, code in cases:
        expect(post(signed, "general", headers=headers, json=body), status, code)
    # the body's appid and bucket must be the signature's
    expect(post(signed, "general", headers=auth(), json={**body, "appid": "1"}), 403, 6)
    expect(post(signed, "general", headers=auth(), json={**body, "bucket": "b2"}), 403, 6)


def test_signature_fields_in_any_order_without_r_u_f(signed):
    import time

    now = int(time.time())
    plain = f"t={now}&e={now + 60}&k={SECRET_ID}&b={BUCKET}&a={APPID}"  # reordered, no r/u/f
    headers = {"Authorization": sign_plain(plain, SECRET_KEY)}
    r = post(
        signed, "general", headers=headers, files={"image": ("a.png", sample("small_text.png"))}
    )
    assert r.status_code == 200 and r.json()["code"] == 0


def test_secret_key_never_in_the_log(signed):
    r = post(
        signed,
        "general",
        headers=auth(secret_key="wrong"),
        json={"url": "http://127.0.0.1:9/never-fetched.png"},
    )
    expect(r, 401, 14)
    assert SECRET_KEY not in signed.log_text()
    assert "POST /ocr/general" in signed.log_text()


# --- capacity -----------------------------------------------------------------------------------


def test_full_queue_answers_15_at_once():
    # each request holds its queue place for a second, so the six surely overlap
    with LocalServer("--no-auth", "--queue", "1", "--latency-ms", "1000") as small:
        image = sample("receipt.png")
        start = threading.Barrier(6)

        def one(_):
            start.wait()
            return post(small, "general", files={"image": ("r.png", image)})

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            replies = list(pool.map(one, range(6)))
        statuses = sorted(r.status_code for r in replies)
        assert 200 in statuses and 429 in statuses, statuses
        refused = [r.json() for r in replies if r.status_code == 429]
        assert all(b["code"] == 15 for b in refused)
        assert set(statuses) <= {200, 429}


def test_launcher_moves_on_when_its_port_is_taken_meanwhile(monkeypatch):
    from ocrframe.server import launch

    with socket.socket() as busy:  # another program takes the port after it was chosen
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        chosen = iter([taken])
        monkeypatch.setattr(launch, "free_port", lambda: next(chosen, None) or free_port())
        with LocalServer("--no-auth") as server:
            assert server.port != taken
            assert requests.get(server.url + "/healthz", timeout=60).json()["status"] == "ok"


# --- record and replay --------------------------------------------------------------------------


def test_replay_answers_from_recorded_responses(tmp_path, files):
    card = sample("idcard_front.png")
    recorded = ocrframe.recognize({"card.png": card}, endpoint="idcard", save_raw=tmp_path)
    doc = sample("zh_document.png")
    ocrframe.recognize({"doc.png": doc}, save_raw=tmp_path)
    ocrframe.recognize(f"{files.url}/en_document.png", save_raw=tmp_path)
    with LocalServer("--no-auth", "--replay", str(tmp_path), "--latency-ms", "30") as replay:
        health = requests.get(replay.url + "/healthz", timeout=60).json()
        assert health["mode"] == "replay" and health["records"] == 3
        r = post(replay, "idcard", files={"image[0]": ("again.png", card)})
        entry = r.json()["result_list"][0]
        assert entry["filename"] == "again.png"
        assert entry["data"] == recorded.raw[0]["result_list"][0]["data"]
        general = post(replay, "general", files={"image": ("d.png", doc)}).json()
        assert general["code"] == 0 and general["data"]["items"]
        by_url = post(replay, "general", json={"url": f"{files.url}/en_document.png"}).json()
        assert by_url["code"] == 0
        unknown = post(replay, "general", files={"image": ("n.png", png())}).json()
        assert unknown["code"] == -9003 and "no recorded response" in unknown["message"]
        other_options = post(
            replay, "idcard", data={"card_type": "1"}, files={"image": ("a.png", card)}
        )
        assert other_options.json()["result_list"][0]["code"] == -9003


def test_two_worker_processes():
    import psutil

    with LocalServer("--no-auth", "--workers", "2") as two:
        children = psutil.Process(two.pid()).children()
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2  # uvicorn's worker processes (not its resource tracker)
        assert requests.get(two.url + "/healthz", timeout=60).json()["pid"] in {
            w.pid for w in workers
        }
        replies = [
            post(two, "general", files={"image": ("s.png", sample("small_text.png"))})
            for _ in range(3)
        ]
        assert all(r.json()["code"] == 0 for r in replies)
        assert json.loads(replies[0].text) == json.loads(replies[1].text)


def test_each_request_is_logged_once(server):
    def said() -> list[str]:
        return [line for line in server.log_text().splitlines() if "/ocr/general" in line]

    before = len(said())
    requests.post(server.url + "/ocr/general", json={"url": ""}, timeout=TIMEOUT)
    new = said()[before:]
    # one line, ocrframe's own (with status and time), and no second access-log line
    assert len(new) == 1 and "POST /ocr/general -> 400" in new[0], new
