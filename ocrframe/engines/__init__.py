"""Engines: one decoded image in, one response in its endpoint's JSON out (the local models,
Tesseract, PDF text, the Tencent clients). May import ``cards``, ``formats``, ``inputs`` and below.

An engine turns one decoded image into one response dict of the endpoint's own format, so the
same format adapters parse cloud and local results alike. Engines are looked up by name
(``"local"``, ``"tesseract"``) or passed as objects; a named engine is created once per process
and reused (loading models is the slow part).

>>> from ocrframe import engines
>>> sorted(engines.names())
['local', 'pdf-text', 'tencent-cloud', 'tencent-legacy', 'tesseract']
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from ..core import moved
from ..endpoints import DEFAULT_MODEL, check_layout, check_model
from ..errors import OcrframeError
from .base import Engine
from .runtimes import check_threads

__all__ = ["Engine", "get", "names", "register"]

_FACTORIES: dict[str, Callable[[], Engine]] = {}
_INSTANCES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def register(name: str, factory: Callable[[], Engine]) -> None:
    """Make ``engine=name`` create an engine with ``factory()`` (once, on first use)."""
    _FACTORIES[name] = factory


def names() -> list[str]:
    return list(_FACTORIES)


def get(
    engine: str | Engine,
    model: str | None = None,
    threads: int | None = None,
    layout: str | None = None,
) -> Engine:
    """The engine object for ``engine`` (a registered name, or an engine object itself);
    ``model`` chooses the local engine's model (``"v6-small"``, ``"v4"``), ``threads`` its
    models' threads (:mod:`~.runtimes`) and ``layout`` how it finds a page's layout
    (:data:`~ocrframe.endpoints.LAYOUTS`).

    >>> get("local", model="v4") is get("local", model="v4")          # doctest: +SKIP
    True
    """
    if model is not None or threads is not None or layout is not None:
        return _local_with(engine, model or DEFAULT_MODEL, threads, layout or "auto")
    if isinstance(engine, Engine):
        return engine
    if not isinstance(engine, str) or engine not in _FACTORIES:
        raise OcrframeError(f"unknown engine {engine!r}; known: {', '.join(sorted(_FACTORIES))}")
    with _LOCK:
        if engine not in _INSTANCES:
            _INSTANCES[engine] = _FACTORIES[engine]()
        return _INSTANCES[engine]


def _local_with(
    engine: str | Engine, model: str, threads: int | None = None, layout: str = "auto"
) -> Engine:
    """The local engine reading with ``model``, ``threads`` and ``layout``, one of each per
    process."""
    from .local import LocalEngine

    check_model(model)
    check_threads(threads)
    check_layout(layout)
    settings = (model, threads, layout)
    if (
        isinstance(engine, LocalEngine)
        and (engine.model, engine.threads, engine.layout) == settings
    ):
        return engine
    if engine != "local":
        named = engine if isinstance(engine, str) else type(engine).__name__
        raise OcrframeError(f"{_setting(*settings)} of the local engine; engine {named!r} has none")
    key = "local" if model == DEFAULT_MODEL else f"local/{model}"
    key += "" if threads is None else f"/threads={threads}"
    key += "" if layout == "auto" else f"/layout={layout}"
    with _LOCK:
        if key not in _INSTANCES:
            _INSTANCES[key] = LocalEngine(
                model=model, threads=threads, layout=layout, other_languages=_registered_tesseract
            )
        return _INSTANCES[key]


def _setting(model: str, threads: int | None, layout: str) -> str:
    """What a setting given for the local engine does, for the error when it was given for
    another engine."""
    if threads is not None:
        return f"threads={threads!r} sets the threads of the models"
    if layout != "auto":
        return f"layout={layout!r} sets how pages' layout is found"
    return f"model={model!r} chooses a model"


def _local() -> Engine:
    from .local import LocalEngine

    return LocalEngine(other_languages=_registered_tesseract)


def _registered_tesseract() -> Engine:
    """The engine registered as "tesseract": the local engine hands it the languages that its
    models do not read, so registering another one changes both."""
    return get("tesseract")


def _tesseract() -> Engine:
    from .tesseract import TesseractEngine

    return TesseractEngine()


def _pdf_text() -> Engine:
    from .pdf_text import PdfTextEngine

    return PdfTextEngine()


def _legacy() -> Engine:
    from .legacy import TencentLegacy

    return TencentLegacy()  # credentials from OCRFRAME_* environment variables


def _cloud() -> Engine:
    from .cloud import TencentCloud

    return TencentCloud()  # credentials from TENCENTCLOUD_* environment variables


register("local", _local)
register("tesseract", _tesseract)
register("pdf-text", _pdf_text)
register("tencent-legacy", _legacy)
register("tencent-cloud", _cloud)

# ocrframe.engines.records and .signature moved up to ocrframe.records and ocrframe.signature:
# the old paths still give them, with a DeprecationWarning (ocrframe.core.moved)
moved.install(sys.modules[__name__])


def __getattr__(name: str):
    if f"engines.{name}" in moved.MOVED:
        return moved.module(f"engines.{name}", stacklevel=2)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
