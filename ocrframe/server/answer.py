"""Answering the images of a request: by the engine (off the event loop, with a bounded queue)
or from recorded responses (``--replay``).

The engine is CPU-bound and already uses every core for one image, so each worker process runs
one recognition at a time on a single thread. Requests wait for it in a queue of at most
``queue`` images; a request that would overflow it is refused at once with code 15 (HTTP 429),
so a client sees backpressure instead of latency that grows without bound.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

from .. import engines
from ..core import codes
from ..endpoints import BATCH_ENDPOINTS, batch_entry
from ..engines.replay import ReplayEngine
from ..inputs import images
from ..inputs.pages import is_pdf
from .bodies import Ask, Image
from .config import ServerConfig
from .fetch import Fetcher, FetchError


class Capacity:
    """How many images are waiting or being recognised; refuses what would overflow."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pending = 0
        self._lock = threading.Lock()

    def try_take(self, n: int) -> bool:
        with self._lock:
            # a request larger than the whole queue is still taken when nothing waits
            if self.pending and self.pending + n > self.limit:
                return False
            self.pending += n
            return True

    def give_back(self, n: int) -> None:
        with self._lock:
            self.pending -= n


def document_page(name: str, data: bytes, page: int) -> images.Input:
    """An uploaded image as an input; a PDF or multi-page TIFF, as its page ``page``."""
    return images.expand({name: data}, pages=[page])[0]


class Answerer:
    """Turns the images of a request into per-image responses."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.capacity = Capacity(config.queue)
        self.replay = ReplayEngine(config.replay) if config.replay else None
        self.engine = None if self.replay else engines.get(config.engine, model=config.model)
        self._engine_thread = ThreadPoolExecutor(1, thread_name_prefix="ocrframe-engine")
        self._io_threads = ThreadPoolExecutor(8, thread_name_prefix="ocrframe-fetch")
        self.fetcher = Fetcher(
            config.max_download, config.fetch_timeout, allow_private=config.allow_private_urls
        )

    def close(self) -> None:
        self._engine_thread.shutdown(wait=False, cancel_futures=True)
        self._io_threads.shutdown(wait=False, cancel_futures=True)

    def describe(self) -> dict:
        if self.replay is not None:
            return {"mode": "replay", "records": len(self.replay.index)}
        return {
            "mode": "engine",
            "engine": self.engine.name,
            "version": getattr(self.engine, "version", None),
        }

    async def answer(self, ask: Ask, endpoint: str) -> dict:
        """The response body for ``ask``: ``result_list`` on idcard/namecard, else one body."""
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000)
        answers = [await self.one(image, endpoint, ask.options) for image in ask.images]
        if endpoint in BATCH_ENDPOINTS:
            entries = [
                batch_entry(a, image.name, image.key) for a, image in zip(answers, ask.images)
            ]
            return {"result_list": entries}
        return answers[0]

    async def one(self, image: Image, endpoint: str, options: dict) -> dict:
        if self.replay is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._io_threads, self._replayed, image, endpoint, options
            )
        if image.url is not None:
            inp = images.Input(image.name, image.url)
        else:  # a PDF or multi-page TIFF: its first page (API 3.0 chooses with PdfPageNumber)
            inp = document_page(image.name, image.data or b"", 1)
        try:
            loaded = await self.load(inp)
        except FetchError as err:
            return err.response()
        if isinstance(loaded, dict):  # the image's own error
            return loaded
        size = len(loaded.data or b"")
        if endpoint in BATCH_ENDPOINTS and size > self.config.max_card_image:
            return codes.error_response(
                codes.IMAGE_TOO_LARGE, f"{image.name}: {size} bytes; at most 1 MB per image"
            )
        response = await self.respond(loaded, endpoint, options)
        if inp.page is not None and isinstance(response.get("data"), dict):
            response["data"]["page"] = inp.page  # which page of the document answered
        return response

    async def load(self, inp: images.Input) -> images.Loaded | dict:
        """Decode (or fetch) one image off the event loop; its error response when it fails,
        :class:`FetchError` when its URL is not fetched (each protocol says it its way)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._io_threads, self._fetch, inp)

    def _fetch(self, inp: images.Input) -> images.Loaded | dict:
        if isinstance(inp.value, str):  # a URL: fetched by the guarded fetcher, never by load
            data = self.fetcher.fetch(inp.value)
            if is_pdf(data):
                return codes.error_response(
                    codes.ILLEGAL_FORMAT,
                    f"{inp.source}: a PDF given by URL: send its pages as images",
                )
            inp = dataclasses.replace(inp, value=data)  # the bytes, with the input's limits
        loaded = images.load(inp)
        return loaded.response() if isinstance(loaded, images.Failure) else loaded

    async def respond(self, loaded: images.Loaded, endpoint: str, options: dict) -> dict:
        """One decoded image answered as ``endpoint`` (by the engine, or from recordings)."""
        loop = asyncio.get_running_loop()
        if self.replay is not None:
            image = Image("filename", loaded.source, data=loaded.data)
            return await loop.run_in_executor(
                self._io_threads, self._replayed, image, endpoint, options
            )
        return await loop.run_in_executor(
            self._engine_thread, self.engine.respond, loaded, endpoint, options
        )

    def _replayed(self, image: Image, endpoint: str, options: dict) -> dict:
        assert self.replay is not None
        found = self.replay.find(endpoint, options, url=image.url, data=image.data)
        if found is None and image.data is None and image.url is not None:
            try:
                loaded = self._fetch(images.Input(image.name, image.url))
            except FetchError as err:
                return err.response()
            if isinstance(loaded, dict):
                return loaded
            found = self.replay.find(endpoint, options, data=loaded.data)
        if found is None:  # the vendor's own code: a client of the server cannot tell
            return codes.error_response(
                codes.OCR_FAILED, f"{image.name}: no recorded response for {endpoint} {options}"
            )
        return found.response
