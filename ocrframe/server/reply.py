"""The service's JSON answers: UTF-8 with Chinese characters unescaped, errors with their status."""

from __future__ import annotations

from starlette.responses import JSONResponse

from ..core import codes


class Reply(JSONResponse):
    """JSON as the service writes it: UTF-8, Chinese characters unescaped."""

    def render(self, content) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_reply(code: int, detail: str | None = None) -> Reply:
    return Reply(codes.error_response(code, detail), status_code=codes.http_status(code))
