"""The engine interface: what every engine answers and how (the endpoint catalogue it answers
by is :mod:`ocrframe.endpoints`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from ..endpoints import BATCH_ENDPOINTS, batch_entry
from ..errors import OcrframeError
from ..inputs import images
from ..inputs.images import Loaded


@dataclass
class Answer:
    """One input's answer, as an engine hands it to ``recognize``.

    ``response`` is what the endpoint answers for that image (for idcard/namecard a
    ``result_list`` holding its entry); ``sources`` maps the names a batch answer echoes to the
    user's source; ``image_sha256``/``url`` say what was asked (records, caches); ``extra`` goes
    into ``images.extra`` (how the image was sent, whether it came from a cache); ``engine``
    names the engine that made the answer when it is not the one asked (a replayed record).
    """

    index: int
    response: dict
    sources: dict[str, str] | None = None
    image_sha256: str | None = None
    url: str | None = None
    extra: dict | None = None
    engine: str | None = None


class Engine:
    """Base of every engine: ``respond`` one image in the endpoint's JSON shape.

    Subclasses set ``name`` and ``endpoints`` and implement :meth:`respond`. ``respond`` returns
    a service-style error body (``{"code": …, "message": …}``) for an image it cannot read; it
    raises only for problems of the set-up (a missing language pack), which no other image
    would escape either. For the batch endpoints (idcard, namecard) it returns one entry of
    ``result_list``; :func:`batch_entry` adds the image's name.
    """

    name: ClassVar[str] = "engine"
    endpoints: ClassVar[tuple[str, ...]] = ()

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        raise NotImplementedError

    def answer_all(
        self, inputs: list[images.Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        """An answer for every input (any order; each carries its index). Local engines load
        and answer one image at a time; remote engines batch, cache and run concurrently."""
        for k, inp in enumerate(inputs):
            loaded = images.load(inp, session)
            if isinstance(loaded, images.Failure):
                yield Answer(k, loaded.response())
                continue
            response = self.respond(loaded, endpoint, options)
            if endpoint in BATCH_ENDPOINTS:
                response = {"result_list": [batch_entry(response, inp.source)]}
            yield Answer(
                k,
                response,
                image_sha256=loaded.sha256 if loaded.data is not None else None,
                url=inp.value if isinstance(inp.value, str) else None,
            )

    def check_endpoint(self, endpoint: str) -> None:
        if endpoint not in self.endpoints:
            raise OcrframeError(
                f"the {self.name} engine does not answer endpoint {endpoint!r}; "
                f"it answers: {', '.join(self.endpoints)}"
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def package_version(package: str) -> str:
    """The installed version of ``package`` (what a response says read it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"
