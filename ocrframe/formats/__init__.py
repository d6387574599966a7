"""Readers: one module per response format, each turning a response into contract rows, with a
registry and detection. May import ``core``, ``schema`` and ``errors`` only.

Each adapter knows how to recognise its format (``sniff``) and how to emit canonical rows
(``parse``). Adding a format means adding a module and calling :func:`register`; the others are
untouched.

>>> from ocrframe import formats
>>> formats.detect({"data": {"items": [], "class": ["jap"]}, "code": 0}).name
'minorlanguage'
>>> formats.detect({"data": {"items": [], "class": []}, "code": 0}).name  # the same shape
'general'
"""

from __future__ import annotations

from ..errors import OcrDetectionError, OcrframeError
from . import cloud_vision, doctr, paddle, tencent_api3, tesseract_tsv, textract, xml_layouts
from ._base import TEXT_KEY, Adapter, Context, Reader
from .batch import ErrorBody, LegacyBatch
from .drivinglicence import DrivingLicence
from .idcard import IdCard
from .namecard import NameCard, NameCardItems
from .words import General, MinorLanguage

__all__ = ["Adapter", "Context", "Reader", "choose", "detect", "get", "names", "register"]

_REGISTRY: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    """Add an adapter instance to the registry (its ``name`` must be new)."""
    if adapter.name in _REGISTRY:
        raise OcrframeError(f"a format named {adapter.name!r} is already registered")
    _REGISTRY[adapter.name] = adapter
    return adapter


def names() -> list[str]:
    """Names of the registered formats."""
    return list(_REGISTRY)


def endpoints() -> list[str]:
    """Endpoint names that ``endpoint=`` accepts."""
    names = {a.endpoint for a in _REGISTRY.values() if a.endpoint} | set(_REGISTRY)
    return sorted(names | {alias for a in _REGISTRY.values() for alias in a.aliases})


def get(name: str) -> Adapter:
    """The adapter registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise OcrframeError(f"unknown format {name!r}; known: {', '.join(endpoints())}") from None


def _ordered() -> list[Adapter]:
    return sorted(_REGISTRY.values(), key=lambda a: a.priority)


def shape_of(obj: object) -> str | None:
    if isinstance(obj, dict):
        return "text" if set(obj) == {TEXT_KEY} else "object"
    if isinstance(obj, list):
        return "array"
    return None


def detect(obj: object) -> Adapter:
    """The adapter whose format ``obj`` (a parsed response) has."""
    shape = shape_of(obj)
    for adapter in _ordered():
        if adapter.shape == shape and adapter.sniff(obj):
            return adapter
    keys = sorted(obj)[:12] if isinstance(obj, dict) else type(obj).__name__
    raise OcrDetectionError(
        "no known format: expected data.items (general, minorlanguage, drivinglicence), "
        "result_list (idcard, namecard), an API 3.0 Response (TextDetections, TableDetections "
        "or a card action's fields), another engine's output (Tesseract, RapidOCR, EasyOCR, "
        "PaddleOCR, docTR, Textract Blocks, Cloud Vision responses) or an error body; "
        f"got {keys}"
    )


def candidates(endpoint: str) -> list[Adapter]:
    """The adapters that read ``endpoint`` (by name, by endpoint, or as one of its aliases)."""
    return [a for a in _ordered() if endpoint in (a.name, a.endpoint, *a.aliases)]


def choose(obj: object, endpoint: str | None) -> Adapter:
    """The adapter for ``obj``: detected, or among those serving ``endpoint`` when it is given."""
    if endpoint is None:
        return detect(obj)
    found = candidates(endpoint)
    if not found:
        raise OcrframeError(f"unknown endpoint {endpoint!r}; known: {', '.join(endpoints())}")
    shape = shape_of(obj)
    for adapter in found:
        if adapter.shape == shape and adapter.sniff(obj):
            return adapter
    # nothing fits: the adapter of that name (or the first of that endpoint) says what is wrong
    return _REGISTRY.get(endpoint, found[0])


for _adapter in (
    General(),
    MinorLanguage(),
    DrivingLicence(),
    IdCard(),
    NameCard(),
    NameCardItems(),
    LegacyBatch(),
    ErrorBody(),
    *tencent_api3.ADAPTERS,
    *tesseract_tsv.ADAPTERS,
    *paddle.ADAPTERS,
    *doctr.ADAPTERS,
    *textract.ADAPTERS,
    *cloud_vision.ADAPTERS,
    *xml_layouts.ADAPTERS,
):
    register(_adapter)
