"""The endpoint catalogue: what can be asked, with which options, and what the apps offer.

The pages' five legacy endpoints (:data:`ENDPOINTS`) and the Tencent Cloud API 3.0 actions
(:data:`ACTIONS`), each with its options and their defaults (:data:`OPTIONS`) and the values
the pages allow (:data:`CHOICES`); the endpoints whose answer is a ``result_list`` of
per-image entries (:data:`BATCH_ENDPOINTS`, :func:`batch_entry`); the built-in engine names
(:data:`ENGINES`) and the local engine's models (:data:`MODELS`, :data:`DEFAULT_MODEL`).

Part of the contract, beside ``schema`` and ``errors`` (of ocrframe it imports only
``errors``): reading a saved response, the server's request bodies, the notebook apps and the
command line's choices take it from here and load no engine. ``ocrframe.engines`` answers by it.

>>> endpoint_options("idcard", {"card_type": 1.0})
{'card_type': 1}
>>> "namecard" in BATCH_ENDPOINTS, DEFAULT_MODEL in MODELS, "local" in ENGINES
(True, True, True)
>>> batch_entry({"code": 0, "message": "OK", "data": {}}, "card.jpg")
{'code': 0, 'message': 'OK', 'filename': 'card.jpg', 'data': {}}
"""

from __future__ import annotations

import os

import numpy as np

from .errors import OcrframeError

#: endpoint -> {option: default}, with the pages' own parameter names and first values
OPTIONS: dict[str, dict[str, object]] = {
    "general": {},
    "minorlanguage": {"language": "zh"},
    "idcard": {"card_type": 0},
    "namecard": {"ret_image": 0},
    "drivinglicence": {"type": 0},
}

#: the five legacy endpoints of the pages (what the local engines answer)
ENDPOINTS: tuple[str, ...] = tuple(OPTIONS)

#: Tencent Cloud API 3.0 actions (ocrframe.TencentCloud) and the request fields ocrframe passes
ACTIONS: dict[str, dict[str, object]] = {
    "GeneralBasicOCR": {},
    "GeneralAccurateOCR": {"IsWords": False},
    "GeneralFastOCR": {},
    "GeneralHandwritingOCR": {},
    "IDCardOCR": {"CardSide": "FRONT"},
    "BusinessCardOCR": {},
    "DriverLicenseOCR": {"CardSide": "FRONT"},
    "VehicleLicenseOCR": {"CardSide": "FRONT"},
    "MLIDPassportOCR": {},
    "PassportOCR": {},
}
OPTIONS.update(ACTIONS)

#: endpoints whose response is a ``result_list`` of per-image entries
BATCH_ENDPOINTS = frozenset({"idcard", "namecard"})

#: the pages' allowed values
CHOICES: dict[str, tuple] = {
    "language": ("zh", "por", "fre", "ger", "spa", "jap", "kor", "lat"),
    "card_type": (0, 1),
    "ret_image": (0, 1),
    "type": (0, 1),
    "IsWords": (False, True),
    "CardSide": ("FRONT", "BACK"),
}

#: the built-in engines' names, as ``engine=`` and ``--engine`` take them (what
#: ``ocrframe.engines.names()`` lists before anyone registers another)
ENGINES: tuple[str, ...] = ("local", "tesseract", "pdf-text", "tencent-legacy", "tencent-cloud")

#: the names of the local engine's models, the default first (``ocrframe.engines.local.MODELS``
#: says what each is)
MODELS: tuple[str, ...] = ("v6-small", "v4")
DEFAULT_MODEL = MODELS[0]


def check_model(model: str | os.PathLike) -> str:
    """``model`` if the local engine offers it or it is a folder of model files
    (:mod:`ocrframe.engines.model_folder`), else an error that lists what it offers."""
    if model in MODELS:
        return model
    if isinstance(model, str | os.PathLike) and os.path.isdir(model):
        return os.fspath(model)
    raise OcrframeError(
        f"unknown local model {model!r}; offered: {', '.join(MODELS)}, or a folder of PP-OCR "
        "model files"
    )


#: how the local engine finds a page's layout (:class:`~ocrframe.engines.local.LocalEngine`)
LAYOUTS = ("auto", "model", "geometry", "table")


def check_layout(layout: str) -> str:
    """``layout`` if it is one of :data:`LAYOUTS`, else an error that lists them.

    >>> check_layout("table")
    'table'
    """
    if layout not in LAYOUTS:
        raise OcrframeError(f"layout={layout!r}; choose {', '.join(map(repr, LAYOUTS))}")
    return layout


def endpoint_options(endpoint: str, options: dict) -> dict:
    """``options`` checked against the endpoint's parameters, with the pages' defaults filled in.

    >>> endpoint_options("minorlanguage", {})
    {'language': 'zh'}
    """
    if endpoint not in OPTIONS:
        raise OcrframeError(f"unknown endpoint {endpoint!r}; known: {', '.join(OPTIONS)}")
    allowed = OPTIONS[endpoint]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        names = ", ".join(allowed) or "none"
        raise OcrframeError(f"{endpoint}: unknown option(s) {unknown}; its options: {names}")
    out = {**allowed, **options}
    for key, value in out.items():
        if key in CHOICES:
            out[key] = _choice(endpoint, key, value, CHOICES[key])
    return out


def _choice(endpoint: str, key: str, value: object, choices: tuple) -> object:
    """The allowed choice ``value`` stands for, as the plain Python value sent on the wire.

    True == 1 in Python, so a bool (numpy's too) matches only bool choices and a number only
    number choices; 1.0 or numpy's 1 become 1.
    """
    is_bool = isinstance(value, bool | np.bool_)
    for choice in choices:
        if isinstance(choice, bool) == is_bool and _equal(value, choice):
            return choice
    raise OcrframeError(f"{endpoint}: {key}={value!r}; allowed: {list(choices)}")


def _equal(value: object, choice: object) -> bool:
    try:
        return bool(value == choice)
    except (TypeError, ValueError):  # an array, say: never a choice
        return False


def batch_entry(entry: dict, name: str, key: str = "filename") -> dict:
    """A ``result_list`` entry: ``code``, ``message``, the image's ``filename`` (or ``url``)
    and ``data``, in the pages' order.

    >>> batch_entry({"code": 0, "message": "OK", "data": {}}, "1.jpg")
    {'code': 0, 'message': 'OK', 'filename': '1.jpg', 'data': {}}
    """
    out = {"code": entry.get("code", 0), "message": entry.get("message", ""), key: name}
    out.update((k, v) for k, v in entry.items() if k not in out)
    return out
