"""What the cloud clients share: images prepared for sending, an on-disk answer cache, a thread
pool that answers as requests complete, backoff, rate limits, and secrets that never print.

:class:`RemoteEngine` holds the mechanism; :class:`~ocrframe.engines.legacy.TencentLegacy` and
:class:`~ocrframe.engines.cloud.TencentCloud` say how to group images into requests
(:meth:`RemoteEngine.groups`), how to send one group (:meth:`RemoteEngine.send`) and who is
asked (:meth:`RemoteEngine.scope`, part of the cache key).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from PIL import Image, UnidentifiedImageError

from .. import records
from ..core import codes
from ..endpoints import BATCH_ENDPOINTS, endpoint_options
from ..errors import OcrframeError
from ..inputs import images
from .base import Answer, Engine

log = logging.getLogger("ocrframe.remote")

MAX_CARD_IMAGE = 1024 * 1024  # the pages' limit per image on idcard/namecard


def default_cache_dir() -> Path:
    """``$OCRFRAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/ocrframe`` (``~/.cache/ocrframe``)."""
    if os.environ.get("OCRFRAME_CACHE_DIR"):
        return Path(os.environ["OCRFRAME_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ocrframe"


class Secret:
    """A secret that shows as ``'***'`` wherever it is printed (repr, vars, tracebacks)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class RateLimiter:
    """At most ``rate`` acquisitions per second across threads (evenly spaced).

    ``clock`` and ``sleep`` are the time source and the wait (``time.monotonic`` and
    ``time.sleep``); another pair makes the spacing checkable without waiting.

    >>> now = [0.0]
    >>> waits = []
    >>> limiter = RateLimiter(20, clock=lambda: now[0], sleep=waits.append)
    >>> for _ in range(3):
    ...     limiter.acquire()
    >>> [round(w, 3) for w in waits]
    [0.05, 0.1]
    """

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


@dataclass
class Outgoing:
    """One image ready to send: its bytes or URL, the unique name it is sent under."""

    index: int
    source: str
    name: str
    data: bytes | None = None
    url: str | None = None
    sha256: str | None = None
    extra: dict = field(default_factory=dict)


# -- preparing images ----------------------------------------------------------------------------


def prepare(index: int, inp: images.Input, endpoint: str) -> Outgoing | Answer:
    """An input as it will be sent, or its failure answer (missing file, animated GIF …)."""
    value = inp.value
    if isinstance(value, str):  # a URL: the service fetches it
        return Outgoing(index, inp.source, name=value, url=value)
    try:
        data = _bytes_of(value, inp.source)
    except images.ImageError as err:
        return Answer(index, err.failure.response())
    except OSError as err:
        return Answer(index, images.file_failure(inp.source, err).response())
    if not data:
        return Answer(index, codes.error_response(codes.IMAGE_EMPTY, f"{inp.source}: 0 bytes"))
    kind = _check_image(data)
    if isinstance(kind, dict):
        kind["message"] = f"{kind['message']}: {inp.source}"
        return Answer(index, kind, image_sha256=hashlib.sha256(data).hexdigest())
    extra: dict = {}
    if endpoint in BATCH_ENDPOINTS and len(data) > MAX_CARD_IMAGE:
        data, extra = shrink(data, MAX_CARD_IMAGE)
    name = f"image{index:05d}.{kind}"
    return Outgoing(
        index, inp.source, name, data=data, sha256=hashlib.sha256(data).hexdigest(), extra=extra
    )


def _bytes_of(value, source: str) -> bytes:
    """The bytes to send: a file's, or a PNG of pixels (a document's page, rendered now)."""
    if isinstance(value, Path):
        return value.read_bytes()
    if isinstance(value, bytes):
        return value
    if isinstance(value, Image.Image):
        buf = io.BytesIO()
        value.convert("RGB").save(buf, format="PNG")
        return buf.getvalue()
    loaded = images.load(images.Input(source, value))  # arrays, document pages
    if isinstance(loaded, images.Failure):
        raise images.ImageError(loaded)
    return images.encode_png(loaded.rgb)


def _check_image(data: bytes) -> str | dict:
    """The file type to name the part with, or the service's error for what it would refuse."""
    try:
        img = Image.open(io.BytesIO(data))
        fmt = (img.format or "bin").lower()
        if fmt == "gif" and getattr(img, "n_frames", 1) > 1:
            return codes.error_response(codes.ILLEGAL_FORMAT, "animated GIF")
    except (UnidentifiedImageError, OSError, ValueError):
        return codes.error_response(codes.DECODE_FAILED, "not an image")
    return {"jpeg": "jpg"}.get(fmt, fmt)


def shrink(data: bytes, limit: int) -> tuple[bytes, dict]:
    """Re-encode as JPEG, then downscale, until under ``limit`` bytes; what was done, for the
    image row. Coordinates of card endpoints do not exist, so nothing needs mapping back."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = img.size
    scale, quality = 1.0, 90
    while True:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        frame = img if scale == 1.0 else img.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        frame.save(buf, format="JPEG", quality=quality)
        out = buf.getvalue()
        if len(out) <= limit or size[0] <= 64:
            note = {"original_bytes": len(data), "sent_bytes": len(out), "sent_format": "JPEG"}
            if scale != 1.0:
                note["sent_size"] = list(size)
                note["original_size"] = [width, height]
            return out, {"resent": note}
        scale *= 0.85 * (limit / len(out)) ** 0.5 if len(out) > limit * 1.5 else 0.9


class RemoteEngine(Engine):
    """An engine that asks a service over the network, image groups in parallel.

    Subclasses call :meth:`setup_remote` from ``__init__`` and implement :meth:`scope` and
    :meth:`send`; :meth:`groups` puts one image per request unless overridden.
    """

    cache_name: ClassVar[str] = "remote"  # the cache's subdirectory of default_cache_dir()

    def setup_remote(
        self, *, max_workers: int, retries: int, backoff: float, cache: bool | str | os.PathLike
    ) -> None:
        self.max_workers = max(1, int(max_workers))
        self.retries = max(0, int(retries))
        self.backoff = backoff
        if cache is True:
            self.cache_dir: Path | None = default_cache_dir() / self.cache_name
        elif cache:
            self.cache_dir = Path(cache)
        else:
            self.cache_dir = None
        self.requests_sent = 0  # HTTP requests made (retries included), for users and tests

    def scope(self, endpoint: str) -> dict:
        """Who is asked, for the cache key (never a secret)."""
        raise NotImplementedError

    def groups(self, pending: list[Outgoing], endpoint: str) -> list[list[Outgoing]]:
        """How the images to send are grouped into requests: one each by default."""
        return [[out] for out in pending]

    def send(self, group: list[Outgoing], endpoint: str, options: dict) -> list[Answer]:
        """One request for ``group`` (retries included): an answer for each of its images."""
        raise NotImplementedError

    def respond(self, image: images.Loaded, endpoint: str, options: dict) -> dict:
        """One decoded image (the widgets' path); ``recognize`` uses :meth:`answer_all`."""
        data = image.data if image.data is not None else images.encode_png(image.rgb)
        answer = next(self.answer_all([images.Input(image.source, data)], endpoint, options))
        response = answer.response
        if endpoint in BATCH_ENDPOINTS and "result_list" in response:
            return response["result_list"][0]  # an engine answers a batch endpoint's entry
        return response

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        """Unreadable inputs and cached answers at once, then requests ``max_workers`` at a
        time, answered as they complete."""
        options = endpoint_options(endpoint, options)
        pending: list[Outgoing] = []
        for k, inp in enumerate(inputs):
            prepared = prepare(k, inp, endpoint)
            if isinstance(prepared, Answer):
                yield prepared
                continue
            cached = self.cached(prepared, endpoint, options)
            if cached is not None:
                yield cached
            else:
                pending.append(prepared)
        if not pending:
            return
        prefix = f"ocrframe-{self.name}"
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix=prefix) as pool:
            jobs = {
                pool.submit(self.send, group, endpoint, options)
                for group in self.groups(pending, endpoint)
            }
            try:
                while jobs:
                    done, jobs = wait(jobs, return_when=FIRST_COMPLETED)
                    for job in done:
                        yield from job.result()
            finally:
                for job in jobs:
                    job.cancel()

    def delay(self, attempt: int, after: str | None = None) -> float:
        """Exponential backoff with jitter (clients do not stampede), or the server's
        ``Retry-After`` when it asks for longer; at most 30 s."""
        base = self.backoff * 2 ** (attempt - 1)
        seconds = min(base * random.uniform(0.5, 1.5), 30.0)
        if after and str(after).isdigit():
            seconds = max(seconds, min(float(after), 30.0))
        return seconds

    # -- the cache -----------------------------------------------------------------------------

    def record(self, out: Outgoing, endpoint: str, options: dict, response: dict):
        return records.Record(
            endpoint, options, response, out.sha256, out.url, out.source, self.scope(endpoint)
        )

    def cached(self, out: Outgoing, endpoint: str, options: dict) -> Answer | None:
        """The cached answer for ``out`` (a damaged cache file is ignored, with a warning)."""
        if self.cache_dir is None:
            return None
        probe = self.record(out, endpoint, options, {})
        path = records.path_for(self.cache_dir, endpoint, probe.file_key())
        if not path.exists():
            return None
        try:
            response = records.read(path).response
        except OcrframeError as err:
            log.warning("ignoring a damaged cache file: %s", err)
            return None
        return self.cached_answer(out, endpoint, response)

    def cached_answer(self, out: Outgoing, endpoint: str, response: dict) -> Answer:
        """The Answer for a cached response (subclasses re-wrap what they stored)."""
        return Answer(
            out.index, response, None, out.sha256, out.url, {**out.extra, "from_cache": True}
        )

    def store(self, out: Outgoing, endpoint: str, options: dict, response: dict) -> None:
        """Cache a successful answer."""
        if self.cache_dir is not None:
            records.write(self.cache_dir, self.record(out, endpoint, options, response))
