"""What a server is told at start: keys, limits, engine or recordings.

Keys come from the command line or from the environment (``OCRFRAME_APPID``,
``OCRFRAME_SECRET_ID``, ``OCRFRAME_SECRET_KEY``, ``OCRFRAME_BUCKET`` — the names the legacy client
reads too). The secret key is never shown: not in ``repr``, not in logs.

>>> cfg = ServerConfig(appid="1250000000", secret_id="AKIDx", secret_key="s3cret")
>>> "s3cret" in repr(cfg)
False
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..endpoints import ENGINES, check_model
from ..errors import OcrframeError

MB = 1024 * 1024
ENV_KEYS = {
    "appid": "OCRFRAME_APPID",
    "secret_id": "OCRFRAME_SECRET_ID",
    "secret_key": "OCRFRAME_SECRET_KEY",
    "bucket": "OCRFRAME_BUCKET",
}
#: settings that worker processes read from the environment (``--workers N``)
ENV_SETTINGS = {
    "auth": "OCRFRAME_SERVE_AUTH",
    "engine": "OCRFRAME_SERVE_ENGINE",
    "model": "OCRFRAME_SERVE_MODEL",
    "queue": "OCRFRAME_SERVE_QUEUE",
    "replay": "OCRFRAME_SERVE_REPLAY",
    "latency_ms": "OCRFRAME_SERVE_LATENCY_MS",
    "max_body": "OCRFRAME_SERVE_MAX_BODY",
    "max_download": "OCRFRAME_SERVE_MAX_DOWNLOAD",
    "fetch_timeout": "OCRFRAME_SERVE_FETCH_TIMEOUT",
    "allow_private_urls": "OCRFRAME_SERVE_ALLOW_PRIVATE_URLS",
}
#: the vendor's body limits: the legacy pages' 6 MB; API 3.0 takes an image of up to 10 MB in
#: base64 (and 10 MB per request): 14 MB is room for that and the JSON around it
LEGACY_MAX_BODY = 6 * MB
API3_MAX_BODY = 14 * MB


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one ``ocrframe serve``.

    ``model`` is the local engine's model (its default when None). ``queue`` is how many
    images may wait for the engine (per worker process); a request that would overflow it is
    answered at once with code 15 and HTTP 429.

    ``max_body`` (bytes) caps a request body, on both protocols; None: the vendor's limit of
    each (:meth:`body_limit`). An image URL is fetched within ``max_download`` bytes and
    ``fetch_timeout`` seconds, and only from public addresses unless ``allow_private_urls``
    (:mod:`ocrframe.server.fetch`).
    """

    appid: str | None = None
    secret_id: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    bucket: str | None = None
    auth: bool = True
    engine: str = "local"
    model: str | None = None
    queue: int = 40
    replay: Path | None = None
    latency_ms: int = 0
    max_body: int | None = None
    max_images: int = 20
    max_card_image: int = 1 * MB
    # API 3.0 fetches an image of up to 10 MB in base64 (7.5 MB) in 3 s; a little more here
    max_download: int = 10 * MB
    fetch_timeout: float = 10.0
    allow_private_urls: bool = False

    def __post_init__(self) -> None:
        if self.auth and not (self.appid and self.secret_id and self.secret_key):
            missing = [
                f"--{name.replace('_', '-')} (or {env})"
                for name, env in ENV_KEYS.items()
                if name != "bucket" and not getattr(self, name)
            ]
            raise OcrframeError(
                f"authorisation needs {', '.join(missing)}; or start with --no-auth for local use"
            )
        if self.queue < 1:
            raise OcrframeError(f"--queue must be at least 1, got {self.queue}")
        if self.latency_ms < 0:
            raise OcrframeError(f"--latency-ms must not be negative, got {self.latency_ms}")
        if self.max_body is not None and self.max_body < 1:
            raise OcrframeError(f"the body limit must be at least 1 byte, got {self.max_body}")
        if self.max_download < 1:
            raise OcrframeError(
                f"the download limit must be at least 1 byte, got {self.max_download}"
            )
        if not self.fetch_timeout > 0:
            raise OcrframeError(f"the fetch timeout must be positive, got {self.fetch_timeout}")
        if self.replay is not None and not Path(self.replay).is_dir():
            raise OcrframeError(f"--replay {self.replay}: no such directory of records")
        if self.replay is None and self.engine not in ENGINES:
            raise OcrframeError(f"unknown engine {self.engine!r}; known: {', '.join(ENGINES)}")
        if self.model is not None:
            if self.engine != "local":
                raise OcrframeError(
                    f"--model chooses the local engine's model, not {self.engine}'s"
                )
            check_model(self.model)

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None, **given) -> ServerConfig:
        """Settings from ``given``, then the environment for what is not given."""
        env = dict(os.environ if env is None else env)
        values = dict(given)
        for name, var in {**ENV_KEYS, **ENV_SETTINGS}.items():
            if values.get(name) is None and env.get(var):
                values[name] = env[var]
        for name in ("auth", "allow_private_urls"):
            if isinstance(values.get(name), str):
                values[name] = values[name].strip().lower() not in ("0", "false", "no")
        for name, kind in (("queue", int), ("latency_ms", int), ("max_body", int),
                           ("max_download", int), ("fetch_timeout", float)):  # fmt: skip
            if isinstance(values.get(name), str):
                try:
                    values[name] = kind(values[name])
                except ValueError:
                    var = ENV_SETTINGS[name]
                    raise OcrframeError(f"{var}={values[name]!r} is not a number") from None
        if values.get("replay"):
            values["replay"] = Path(values["replay"])
        return cls(**{k: v for k, v in values.items() if v is not None})

    def body_limit(self, api3: bool = False) -> int:
        """The largest request body taken, in bytes, on the legacy endpoints or API 3.0."""
        if self.max_body is not None:
            return self.max_body
        return API3_MAX_BODY if api3 else LEGACY_MAX_BODY

    def environment(self) -> dict[str, str]:
        """This configuration as environment variables, for worker processes."""
        out = {}
        for name, value in asdict(self).items():
            var = ENV_KEYS.get(name) or ENV_SETTINGS.get(name)
            if var is None or value is None:
                continue
            out[var] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out
