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
}


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one ``ocrframe serve``.

    ``model`` is the local engine's model (its default when None). ``queue`` is how many images may wait for the engine (per worker process); a request that
    would overflow it is answered at once with code 15 and HTTP 429.
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
    max_body: int = 6 * MB
    max_images: int = 20
    max_card_image: int = 1 * MB
    fetch_timeout: float = 10.0

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
        if isinstance(values.get("auth"), str):
            values["auth"] = values["auth"] not in ("0", "false", "no")
        for name in ("queue", "latency_ms"):
            if isinstance(values.get(name), str):
                try:
                    values[name] = int(values[name])
                except ValueError:
                    var = ENV_SETTINGS[name]
                    raise OcrframeError(f"{var}={values[name]!r} is not a number") from None
        if values.get("replay"):
            values["replay"] = Path(values["replay"])
        return cls(**{k: v for k, v in values.items() if v is not None})

    def environment(self) -> dict[str, str]:
        """This configuration as environment variables, for worker processes."""
        out = {}
        for name, value in asdict(self).items():
            var = ENV_KEYS.get(name) or ENV_SETTINGS.get(name)
            if var is None or value is None:
                continue
            out[var] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out
