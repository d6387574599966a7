"""The ASGI application: the five legacy endpoints, API 3.0 actions at ``POST /``
(:mod:`ocrframe.server.api3`) and ``/healthz``.

Starlette (the toolkit FastAPI is built on) with python-multipart: the pages' protocol has
quirks a framework's own validation would fight — fields sent as file parts, any part name
starting with ``image``, answers ordered by part name, the service's own error bodies — so
the routes read bodies themselves, with Starlette's streaming multipart parser doing the
parsing. uvicorn serves it.

Every answer is JSON with ``code`` and ``message`` (or a ``result_list``); request-level errors
carry the HTTP status of :data:`ocrframe.core.codes.HTTP_STATUS`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ..core import codes
from ..endpoints import ENDPOINTS
from .answer import Answerer
from .api3 import handle
from .auth import AuthFailure, check_body, check_header
from .bodies import BadRequest, count_images, parse_json, parse_multipart, read_body
from .config import ServerConfig
from .reply import Reply, error_reply

log = logging.getLogger("ocrframe.server")


def create_app(config: ServerConfig) -> Starlette:
    """The application for ``config`` (the engine or the recordings load at start-up)."""
    state: dict[str, Answerer] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        state["answerer"] = Answerer(config)
        log.info("ready: %s", state["answerer"].describe())
        try:
            yield
        finally:
            state.pop("answerer").close()

    async def recognise(request: Request) -> Reply:
        endpoint = request.path_params["endpoint"]
        started = time.perf_counter()
        reply = await _handle(request, endpoint, state["answerer"], config)
        _log_request(request, reply, started)
        return reply

    async def healthz(request: Request) -> Reply:
        answerer = state.get("answerer")
        if answerer is None:
            return Reply({"status": "starting"}, status_code=503)
        body = {
            "status": "ok",
            # which process answers, so a launcher can tell its server from another on the port
            "pid": os.getpid(),
            "parent_pid": os.getppid(),
            **answerer.describe(),
            "queue": {"pending": answerer.capacity.pending, "limit": answerer.capacity.limit},
            "auth": config.auth,
        }
        return Reply(body)

    async def http_error(request: Request, exc: HTTPException) -> Reply:
        detail = f"{request.method} {request.url.path}: {exc.detail}"
        return Reply({"code": 3, "message": f"bad request: {detail}"}, status_code=exc.status_code)

    async def crash(request: Request, exc: Exception) -> Reply:
        log.exception("internal error on %s", request.url.path)
        return error_reply(codes.INTERNAL_ERROR, type(exc).__name__)

    async def api3_action(request: Request):
        started = time.perf_counter()
        reply = await handle(request, state["answerer"], config)
        _log_request(request, reply, started, request.headers.get("x-tc-action", "?"))
        return reply

    routes = [
        Route("/", api3_action, methods=["POST"]),
        Route("/ocr/{endpoint}", recognise, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: crash},
    )


def _log_request(request: Request, reply, started: float, action: str | None = None) -> None:
    """One line per request (uvicorn's own access log is off, so it is never said twice)."""
    what = f"{request.url.path} {action}" if action else request.url.path
    took = (time.perf_counter() - started) * 1000
    log.info("%s %s -> %s in %.0f ms", request.method, what, reply.status_code, took)


async def _handle(request: Request, endpoint: str, answerer: Answerer, config: ServerConfig):
    if endpoint not in ENDPOINTS:
        return Reply(
            {"code": 3, "message": f"bad request: no endpoint /ocr/{endpoint}"}, status_code=404
        )
    try:
        body = await read_body(request, config.body_limit())
        sig = check_header(request.headers.get("authorization"), config) if config.auth else None
        ask = await _parse(request, body, endpoint)
        if sig is not None:
            check_body(sig, ask.appid, ask.bucket)
        count_images(ask, endpoint, config.max_images)
    except (BadRequest, AuthFailure) as err:
        return error_reply(err.code, err.detail)
    n = len(ask.images)
    if not answerer.capacity.try_take(n):
        return error_reply(codes.RATE_LIMITED, "the recognition queue is full; retry later")
    try:
        body_out = await answerer.answer(ask, endpoint)
    finally:
        answerer.capacity.give_back(n)
    return Reply(body_out, status_code=codes.http_status(body_out.get("code", 0)))


async def _parse(request: Request, body: bytes, endpoint: str):
    # the pages' own example sends Content-Type: "application/json", quotes included
    kind = request.headers.get("content-type", "").split(";")[0].strip().strip('"').lower()
    if kind == "multipart/form-data":
        return await parse_multipart(request.headers, body, endpoint)
    if kind in ("application/json", "text/json", "") or kind.endswith("+json"):
        return parse_json(body, endpoint)
    raise BadRequest(3, f"content-type {kind!r}: use application/json or multipart/form-data")


def from_environment() -> Starlette:
    """The application configured from ``OCRFRAME_*`` variables (uvicorn ``--workers``)."""
    return create_app(ServerConfig.from_environment())
