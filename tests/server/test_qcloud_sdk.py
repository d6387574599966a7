"""The vendor's own legacy SDK (qcloud-image 1.0.0 from PyPI), unchanged, against ocrframe serve.

It signs without ``u``, sends ``appid``/``bucket``/``card_type`` as file parts and images as
``images[0]`` … with the file's quoted path as filename: the server must take all of that.
"""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
import qcloud_image
from serving import APPID, BUCKET, KEYS, SAMPLES, SECRET_ID, SECRET_KEY

from ocrframe.server.launch import LocalServer

pytestmark = pytest.mark.engine  # the server answers with its engine


@pytest.fixture(scope="module")
def sdk_server():
    with LocalServer("--bucket", BUCKET, env=KEYS) as server, pytest.MonkeyPatch.context() as mp:
        # the SDK has no option for its host: its README's way is this class attribute
        mp.setattr(qcloud_image.conf.Conf, "_Conf__SERVICE_ADDR", f"127.0.0.1:{server.port}")
        yield server


def client(secret_key: str = SECRET_KEY):
    c = qcloud_image.Client(APPID, SECRET_ID, secret_key, BUCKET)
    c.use_http()
    return c


@pytest.fixture
def card_files(tmp_path):
    names = []
    for k, sample in enumerate(["idcard_front.png", "zh_document.png", "idcard_front.png"]):
        path = tmp_path / f"card {k}.png"
        shutil.copy(SAMPLES / sample, path)
        names.append(str(path))
    return names


def test_idcard_detect_with_several_files(sdk_server, card_files):
    reply = client().idcard_detect(qcloud_image.CIFiles(card_files), 0)
    assert reply["httpcode"] == 200, reply
    entries = reply["result_list"]
    assert [e["filename"] for e in entries] == [urllib.parse.quote(p) for p in card_files]
    assert [e["code"] for e in entries] == [0, -5107, 0]
    assert entries[0]["data"]["name"] == "张伟"
    assert entries[2]["data"]["id"] == "110108199003151234"


def test_namecard_detect(sdk_server, tmp_path):
    paths = []
    for k in range(2):
        path = tmp_path / f"namecard_{k}.png"
        shutil.copy(SAMPLES / "namecard.png", path)
        paths.append(str(path))
    reply = client().namecard_detect(qcloud_image.CIFiles(paths), 0)
    assert reply["httpcode"] == 200, reply
    assert [e["code"] for e in reply["result_list"]] == [0, 0]
    data = reply["result_list"][1]["data"]
    assert (data["name"], data["phone"]) == ("李明", "13812345678")
    assert [e["filename"] for e in reply["result_list"]] == [urllib.parse.quote(p) for p in paths]


def test_wrong_secret_key_is_refused(sdk_server, card_files):
    reply = client(secret_key="not-the-key").idcard_detect(qcloud_image.CIFiles(card_files[:1]))
    assert (reply["httpcode"], reply["code"]) == (401, 14)
