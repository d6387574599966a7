"""The engine interface and the endpoint options every engine understands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import OcrframeError
from ..inputs import images
from ..inputs.images import Loaded

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


@dataclass
class Answer:
    """One input's answer, as an engine hands it to ``recognize``.

    ``response`` is what the endpoint answers for that image (for idcard/namecard a
    ``result_list`` holding its entry); ``sources`` maps the names a batch answer echoes to the
    user's source; ``image_sha256``/``url`` say what was asked (records, caches); ``extra`` goes
    into ``images.extra`` (how the image was sent, whether it came from a cache).
    """

    index: int
    response: dict
    sources: dict[str, str] | None = None
    image_sha256: str | None = None
    url: str | None = None
    extra: dict | None = None


class Engine:
    """Base of every engine: ``respond`` one image in the endpoint's JSON shape.

    Subclasses set ``name`` and ``endpoints`` and implement :meth:`respond`. ``respond`` returns
    a service-style error body (``{"code": …, "message": …}``) for an image it cannot read; it
    raises only for problems of the set-up (a missing language pack), which no other image
    would escape either. For the batch endpoints (idcard, namecard) it returns one entry of
    ``result_list``; :func:`batch_entry` adds the image's name.
    """

    name: ClassVar[str] = "engine"
    endpoints: ClassVar[tuple[str, ...]] = ()

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        raise NotImplementedError

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        """An answer for every input (any order; each carries its index). Local engines load
        and answer one image at a time; remote engines batch, cache and run concurrently."""
        for k, inp in enumerate(inputs):
            loaded = images.load(inp, session)
            if isinstance(loaded, images.Failure):
                yield Answer(k, loaded.response())
                continue
            response = self.respond(loaded, endpoint, options)
            if endpoint in BATCH_ENDPOINTS:
                response = {"result_list": [batch_entry(response, inp.source)]}
            yield Answer(
                k,
                response,
                image_sha256=loaded.sha256 if loaded.data is not None else None,
                url=inp.value if isinstance(inp.value, str) else None,
            )

    def check_endpoint(self, endpoint: str) -> None:
        if endpoint not in self.endpoints:
            raise OcrframeError(
                f"the {self.name} engine does not answer endpoint {endpoint!r}; "
                f"it answers: {', '.join(self.endpoints)}"
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def package_version(package: str) -> str:
    """The installed version of ``package`` (what a response says read it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def batch_entry(entry: dict, name: str, key: str = "filename") -> dict:
    """A ``result_list`` entry: ``code``, ``message``, the image's ``filename`` (or ``url``)
    and ``data``, in the pages' order.

    >>> batch_entry({"code": 0, "message": "OK", "data": {}}, "1.jpg")
    {'code': 0, 'message': 'OK', 'filename': '1.jpg', 'data': {}}
    """
    out = {"code": entry.get("code", 0), "message": entry.get("message", ""), key: name}
    out.update((k, v) for k, v in entry.items() if k not in out)
    return out
