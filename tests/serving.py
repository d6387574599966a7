"""Helpers for the tests that talk to a real ``ocrframe serve`` over HTTP on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import io
import threading
import time
from pathlib import Path

from PIL import Image

import ocrframe
from ocrframe import legacy_signature

APPID = "1250000000"
SECRET_ID = "AKIDlocaltest0000000000000000000000"
SECRET_KEY = "localtestsecretkey0123456789abcd"
BUCKET = "testbucket"
KEYS = {
    "OCRFRAME_APPID": APPID,
    "OCRFRAME_SECRET_ID": SECRET_ID,
    "OCRFRAME_SECRET_KEY": SECRET_KEY,
}
SAMPLES = Path(ocrframe.data_path("samples"))


def sign(
    appid: str = APPID,
    bucket: str = BUCKET,
    secret_id: str = SECRET_ID,
    secret_key: str = SECRET_KEY,
    lifetime: int = 600,
) -> str:
    now = int(time.time())
    return legacy_signature(appid, bucket, secret_id, secret_key, now + lifetime, now, 12345)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def png(size=(40, 30), colour="white") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def noisy_png(nbytes: int) -> bytes:
    """A PNG of at least ``nbytes`` (random pixels do not compress)."""
    import numpy as np

    side = int((nbytes / 3) ** 0.5) + 8
    pixels = np.random.default_rng(0).integers(0, 255, (side, side, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG", compress_level=0)
    return buf.getvalue()


class Background:
    """A ``http.server`` on 127.0.0.1 and a free port, served from a thread while in ``with``."""

    def __init__(self, handler) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class StaticFiles(Background):
    """A plain HTTP server serving the sample images (for ``url`` requests)."""

    def __init__(self, root: Path = SAMPLES) -> None:
        super().__init__(functools.partial(_QuietHandler, directory=str(root)))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class ScriptedServer(Background):
    """A real HTTP server on 127.0.0.1 that answers POSTs with the next scripted reply
    ``(status, body bytes, headers)`` or ``(status, body, headers, seconds)`` — answered only
    after that delay, on purpose — (the last one repeats) and counts the requests: fault
    injection for the client, with no mock of requests."""

    def __init__(self, replies: list[tuple]) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                k = min(len(outer.requests), len(outer.replies)) - 1
                status, data, headers, *delay = outer.replies[k]
                if delay:
                    time.sleep(delay[0])
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        super().__init__(Handler)
