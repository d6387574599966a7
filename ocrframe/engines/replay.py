"""Answers from recorded responses: the same tables again with no model, account or network.

``recognize(..., save_raw="records/")`` (``ocrframe recognize --save-raw``) and the legacy
client's cache write one record per answered image (:mod:`ocrframe.records`). A
:class:`ReplayEngine` over that folder answers each image with its recorded response, found by
the image's URL (as asked) or by its bytes' SHA-256, for the same endpoint and options: a
pipeline is re-run, a parser fix re-applied or a test run without paying for a recognition
again. ``ocrframe serve --replay DIR`` answers over HTTP from the same records, and
``ocrframe recognize --replay DIR`` from the command line.

An image with no record is a failed row (code -13) that names it and what was asked; the run
goes on. ``images.engine`` is the engine that made the recorded answer, where the record says.

>>> import ocrframe, tempfile
>>> records = tempfile.mkdtemp()
>>> first = ocrframe.recognize(ocrframe.samples()[:2], save_raw=records, progress=False)
>>> again = ocrframe.recognize(ocrframe.samples()[:2], engine=ReplayEngine(records), progress=False)
>>> again.items.equals(first.items), again.images["engine"].tolist()
(True, ['rapidocr', 'rapidocr'])
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Iterator

from .. import records
from ..core import codes
from ..endpoints import BATCH_ENDPOINTS, OPTIONS, batch_entry
from ..inputs import images
from .base import Answer, Engine


class ReplayEngine(Engine):
    """The recorded answer of every image, from a folder of records (or a loaded
    :class:`~ocrframe.records.Index`); thread-safe, loads the folder once.

    ``fallback`` (an engine that answers image by image, such as the local one) reads the
    images no record answers, instead of failing them, once: the same image asked again is
    answered as it was read. With ``save_raw=`` the same folder, a notebook re-run reads only
    what is new.
    """

    name = "replay"
    endpoints = tuple(OPTIONS)

    def __init__(
        self, recorded: str | os.PathLike | records.Index, fallback: Engine | None = None
    ) -> None:
        self.index = recorded if isinstance(recorded, records.Index) else records.Index(recorded)
        self.fallback = fallback
        self._read: dict[str, dict] = {}  # what the fallback read, by question (records.key)

    def __repr__(self) -> str:
        return f"<ReplayEngine {self.index.root}: {len(self.index)} records>"

    def find(
        self, endpoint: str, options: dict, *, url: str | None = None, data: bytes | None = None
    ) -> records.Record | None:
        """The record answering ``endpoint`` with ``options`` for the image at ``url`` or of
        bytes ``data`` (by URL first, as asked, then by the bytes' SHA-256)."""
        sha = hashlib.sha256(data).hexdigest() if data is not None else None
        return self.index.find(endpoint, options, url=url, image_sha256=sha)

    def respond(self, image: images.Loaded, endpoint: str, options: dict) -> dict:
        return self._answer(image, endpoint, options)[0]

    def _answer(
        self, image: images.Loaded, endpoint: str, options: dict
    ) -> tuple[dict, str | None]:
        """The response for ``image`` and the engine that made it (None: this one): its
        record's, else the fallback's reading, else a failure that says what is missing."""
        found = self.index.find(endpoint, options, image_sha256=image.sha256)
        if found is not None:
            return found.response, found.engine
        if self.fallback is not None:
            return self._read_once(image, endpoint, options), self.fallback.name
        return self.missing(image.source, endpoint, options), None

    def _read_once(self, image: images.Loaded, endpoint: str, options: dict) -> dict:
        """The fallback's answer for ``image``, read on the first question only."""
        question = records.key(endpoint, options, image_sha256=image.sha256)
        if question not in self._read:
            self._read[question] = self.fallback.respond(image, endpoint, options)
        return copy.deepcopy(self._read[question])  # each answer the caller's own

    @staticmethod
    def missing(source: str, endpoint: str, options: dict) -> dict:
        """The failed answer of an image no record answers."""
        return codes.error_response(codes.NOT_RECORDED, f"{source} as {endpoint} {options}")

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        """Each input's recorded answer: a URL is looked up as asked before it is fetched, so a
        replay of URL inputs needs no network."""
        self.check_endpoint(endpoint)
        for k, inp in enumerate(inputs):
            url = inp.value if isinstance(inp.value, str) else None
            found = self.index.find(endpoint, options, url=url) if url else None
            sha = None
            if found is not None:
                response, engine = found.response, found.engine
            else:
                loaded = images.load(inp, session)
                if isinstance(loaded, images.Failure):
                    yield Answer(k, loaded.response())
                    continue
                sha = loaded.sha256
                response, engine = self._answer(loaded, endpoint, options)
            if endpoint in BATCH_ENDPOINTS:
                response = {"result_list": [batch_entry(response, inp.source)]}
            yield Answer(k, response, image_sha256=sha, url=url, engine=engine)
