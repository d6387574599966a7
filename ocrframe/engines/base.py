"""The engine interface and the endpoint options every engine understands."""

from __future__ import annotations

from typing import ClassVar

from ..errors import OcrframeError
from ..images import Loaded

#: endpoint -> {option: default}, with the pages' own parameter names and first values
OPTIONS: dict[str, dict[str, object]] = {
    "general": {},
    "minorlanguage": {"language": "zh"},
    "idcard": {"card_type": 0},
    "namecard": {"ret_image": 0},
    "drivinglicence": {"type": 0},
}

ENDPOINTS: tuple[str, ...] = tuple(OPTIONS)

#: endpoints whose response is a ``result_list`` of per-image entries
BATCH_ENDPOINTS = frozenset({"idcard", "namecard"})

#: the pages' allowed values
CHOICES: dict[str, tuple] = {
    "language": ("zh", "por", "fre", "ger", "spa", "jap", "kor", "lat"),
    "card_type": (0, 1),
    "ret_image": (0, 1),
    "type": (0, 1),
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
        if key in CHOICES and value not in CHOICES[key]:
            raise OcrframeError(f"{endpoint}: {key}={value!r}; allowed: {list(CHOICES[key])}")
    return out


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

    def check_endpoint(self, endpoint: str) -> None:
        if endpoint not in self.endpoints:
            raise OcrframeError(
                f"the {self.name} engine does not answer endpoint {endpoint!r}; "
                f"it answers: {', '.join(self.endpoints)}"
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def batch_entry(entry: dict, name: str, key: str = "filename") -> dict:
    """A ``result_list`` entry: ``code``, ``message``, the image's ``filename`` (or ``url``)
    and ``data``, in the pages' order.

    >>> batch_entry({"code": 0, "message": "OK", "data": {}}, "1.jpg")
    {'code': 0, 'message': 'OK', 'filename': '1.jpg', 'data': {}}
    """
    out = {"code": entry.get("code", 0), "message": entry.get("message", ""), key: name}
    out.update((k, v) for k, v in entry.items() if k not in out)
    return out
