"""``ocrframe serve``: a local, offline service that speaks the legacy Tencent OCR protocol and
API 3.0. An app: may import every layer but ``cli``, and ``engines`` only to run one
(``answer.py``); the endpoint catalogue is ``ocrframe.endpoints``.

The five endpoints of the pages (``/ocr/general``, ``/ocr/minorlanguage``, ``/ocr/idcard``,
``/ocr/namecard``, ``/ocr/drivinglicence``) answered by the local engine, or from recorded
responses (``replay=``), with the pages' signature, limits and error codes. Code written for
the cloud service (the vendor's own SDK included) works against it unchanged. Image URLs are
fetched only from public addresses, within a size and a time limit
(:mod:`ocrframe.server.fetch`; ``allow_private_urls=True`` to fetch from this machine or its
network).

    ocrframe serve --no-auth                                  # http://127.0.0.1:8080
    ocrframe serve --appid 1250000000 --secret-id AKID… --secret-key …
    ocrframe serve --replay recorded/ --latency-ms 80          # answer from recordings

>>> from ocrframe.server import ServerConfig, create_app
>>> app = create_app(ServerConfig(auth=False))   # an ASGI app: serve it with uvicorn
"""

from __future__ import annotations

import logging
import os

from .app import create_app
from .config import ServerConfig

__all__ = ["ServerConfig", "create_app", "run"]


def run(
    config: ServerConfig,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve until interrupted. ``workers > 1`` starts that many processes (each loads its own
    engine and queue); they read the configuration from the environment, never from argv, so
    keys do not show in the process list."""
    import uvicorn

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    if workers > 1:
        os.environ.update(config.environment())
        uvicorn.run(
            "ocrframe.server.app:from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=False,  # ocrframe logs each request itself, with what it answered
        )
    else:
        uvicorn.run(create_app(config), host=host, port=port, log_level=log_level, access_log=False)
