"""The official Tencent Cloud SDK, unchanged, against ocrframe serve's API 3.0 on 127.0.0.1."""

from __future__ import annotations

import base64

import pytest
from serving import KEYS, SECRET_ID, SECRET_KEY, sample
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models, ocr_client

import ocrframe
from ocrframe.server.launch import LocalServer

pytestmark = pytest.mark.engine  # the server answers with its engine


@pytest.fixture(scope="module")
def server():
    with LocalServer(env=KEYS) as srv:
        yield srv


def client(server, secret_id=SECRET_ID, secret_key=SECRET_KEY) -> ocr_client.OcrClient:
    profile = ClientProfile(
        httpProfile=HttpProfile(protocol="http", endpoint=f"127.0.0.1:{server.port}")
    )
    return ocr_client.OcrClient(
        credential.Credential(secret_id, secret_key), "ap-guangzhou", profile
    )


def request(model: str, name: str, **fields):
    req = getattr(models, model)()
    req.ImageBase64 = base64.b64encode(sample(name)).decode()
    for key, value in fields.items():
        setattr(req, key, value)
    return req


def test_general_basic(server):
    resp = client(server).GeneralBasicOCR(request("GeneralBasicOCRRequest", "zh_document.png"))
    assert isinstance(resp, models.GeneralBasicOCRResponse)
    assert resp.TextDetections[0].DetectedText == "通用文字识别服务提供图片整体文字的检测和识别"
    res = ocrframe.from_response(resp, endpoint="GeneralBasicOCR")
    assert len(res.items) == 4 and res.images.loc[0, "session_id"] == resp.RequestId
    assert res.items["x"].notna().all()


def test_general_accurate_with_words(server):
    req = request("GeneralAccurateOCRRequest", "en_document.png", IsWords=True)
    resp = client(server).GeneralAccurateOCR(req)
    assert resp.TextDetections[0].Words  # per-character detail was asked for
    res = ocrframe.from_response(resp, endpoint="GeneralAccurateOCR")
    assert "Optical" in res.items.loc[0, "text"]
    assert res.chars["x"].notna().any() and res.chars["confidence"].between(0, 1).all()


def test_idcard(server):
    resp = client(server).IDCardOCR(
        request("IDCardOCRRequest", "idcard_front.png", CardSide="FRONT")
    )
    assert (resp.Name, resp.IdNum, resp.Birth) == ("张伟", "110108199003151234", "1990/3/15")
    fields = ocrframe.from_response(resp).fields.iloc[0]
    assert fields["id"] == "110108199003151234" and fields["name"] == "张伟"


def test_a_picture_that_is_not_an_id_card(server):
    with pytest.raises(TencentCloudSDKException) as info:
        client(server).IDCardOCR(request("IDCardOCRRequest", "zh_document.png"))
    assert info.value.get_code() == "FailedOperation.IdCardInfoIllegal"


@pytest.mark.parametrize(
    ("secret_id", "secret_key", "code"),
    [
        (SECRET_ID, "wrong-key", "AuthFailure.SignatureFailure"),
        ("AKIDnobody", SECRET_KEY, "AuthFailure.SecretIdNotFound"),
    ],
)
def test_wrong_credentials_give_auth_failure(server, secret_id, secret_key, code):
    with pytest.raises(TencentCloudSDKException) as info:
        client(server, secret_id, secret_key).GeneralBasicOCR(
            request("GeneralBasicOCRRequest", "small_text.png")
        )
    assert info.value.get_code() == code


def test_passport_actions_say_they_are_unsupported(server):
    with pytest.raises(TencentCloudSDKException) as info:
        client(server).MLIDPassportOCR(request("MLIDPassportOCRRequest", "small_text.png"))
    assert info.value.get_code() == "UnsupportedOperation"
