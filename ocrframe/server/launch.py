"""Start ``ocrframe serve`` in a child process and wait until it answers (tests, benchmarks,
notebooks that want a local service).

>>> from ocrframe.server.launch import LocalServer
>>> with LocalServer("--no-auth") as server:      # doctest: +SKIP
...     requests.post(server.url + "/ocr/general", files={"image": open("a.png", "rb")})
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time

import requests

from ..errors import OcrframeError

PORT_ATTEMPTS = 3


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """``ocrframe serve ARGS`` on 127.0.0.1 and a free port; ``env`` adds variables (keys).

    The server's output goes to a file (``log_text()`` reads it), never to a pipe that could
    fill up and block it.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600):
        self.args = list(args)
        self.env = env or {}
        self.timeout = timeout
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen | None = None
        # closed in __exit__: the log outlives start() and stop()
        self._log = tempfile.NamedTemporaryFile(prefix="ocrframe-serve-", suffix=".log")  # noqa: SIM115

    def start(self) -> LocalServer:
        # the free port is chosen before the server binds it; should another process take it
        # in between, the server exits at once and a fresh port is tried
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            command = [sys.executable, "-m", "ocrframe.cli", "serve", "--port", str(self.port)]
            self._log.seek(0)
            self._log.truncate()
            self.process = subprocess.Popen(
                command + self.args,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
            )
            if self._wait_ready():
                return self
        raise OcrframeError(f"ocrframe serve found no free port in {PORT_ATTEMPTS} attempts")

    def _wait_ready(self) -> bool:
        """True once this server answers; False when its port was taken meanwhile."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_text()
                if "address already in use" in log.lower():
                    return False
                raise OcrframeError(f"ocrframe serve exited early:\n{log[-2000:]}")
            if self._answers():
                return True
            time.sleep(0.2)
        self.stop()
        raise OcrframeError(f"ocrframe serve not ready after {self.timeout} s")

    def _answers(self) -> bool:
        """Whether the port answers /healthz from this server's process (or its worker)."""
        try:
            reply = requests.get(self.url + "/healthz", timeout=2)
            body = reply.json() if reply.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            return False
        return self.process.pid in (body.get("pid"), body.get("parent_pid"))

    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_text(self) -> str:
        self._log.flush()
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self._log.close()
