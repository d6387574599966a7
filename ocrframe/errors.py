"""The errors ocrframe raises: each names what was wrong and where.

Every problem with a response surfaces as an :class:`OcrFormatError` that carries the format
that was tried, the JSON path of the bad value and, when known, the source (file and line), so
a user can go straight to the culprit::

    >>> import ocrframe
    >>> try:
    ...     ocrframe.from_response({"data": {"items": [{"itemstring": 3}]}}, endpoint="general")
    ... except ocrframe.OcrFormatError as err:
    ...     print(err)
    general: data.items[0].itemstring: expected str, got 3
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class OcrframeError(Exception):
    """Base class of every error ocrframe raises on purpose.

    When ``recognize`` stops part-way (a refused request, a record that cannot be saved),
    ``partial`` holds the OcrResult of every image answered before: nothing obtained is lost.
    """

    partial = None


class OcrFormatError(OcrframeError, ValueError):
    """A response does not have the shape its format promises.

    Attributes:
        format: name of the adapter that was tried (``"general"``, ``"idcard"`` …) or ``None``.
        path: JSON path of the offending value, such as ``data.items[3].itemcoord.x``.
        reason: what was wrong there.
        source: where the response came from (``file.jsonl:12``), when known.
    """

    def __init__(
        self,
        reason: str,
        *,
        format: str | None = None,  # noqa: A002 - the attribute users read
        path: str = "",
        source: str | None = None,
    ) -> None:
        self.reason = reason
        self.format = format
        self.path = path
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.path}: " if self.path else ""
        fmt = f"{self.format}: " if self.format else ""
        src = f"{self.source}: " if self.source else ""
        return f"{src}{fmt}{where}{self.reason}"

    def located(self, source: str) -> OcrFormatError:
        """Return the same error with ``source`` (file, line) filled in."""
        return OcrFormatError(self.reason, format=self.format, path=self.path, source=source)

    def __reduce__(self):  # keep keyword-only fields through pickling (multiprocessing, dask)
        return (_rebuild_format_error, (self.reason, self.format, self.path, self.source))


def _rebuild_format_error(reason, format, path, source):  # noqa: A002 - mirrors the attribute
    return OcrFormatError(reason, format=format, path=path, source=source)


class OcrDetectionError(OcrFormatError):
    """No registered format recognises a response; the message lists what was looked for."""


@contextmanager
def reading_file(source: object, what: str = "file") -> Iterator[None]:
    """Turn any failure of parsing ``source`` (a parser's ``ValueError``, a decoding error, a
    nesting too deep to follow) into an :class:`OcrFormatError` that names it; ocrframe's own
    errors pass unchanged. Hostile or damaged files then fail like any other bad input.

    >>> with reading_file("bad.csv", "CSV table"):  # doctest: +ELLIPSIS
    ...     int("x")
    Traceback (most recent call last):
    ...
    ocrframe.errors.OcrFormatError: bad.csv: not a readable CSV table (ValueError: invalid ...)
    """
    try:
        yield
    except OcrframeError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as err:
        detail = f"{type(err).__name__}: {err}"
        raise OcrFormatError(
            f"not a readable {what} ({detail[:300]})", source=str(source)
        ) from None


class OcrScaleWarning(UserWarning):
    """A response's confidences contradict the scale its format documents.

    The response is normalised with the scale its own values show, the decision is recorded in
    ``images.extra`` (``confidence_scale``) and this warning is emitted once per call.
    """


class OcrDpiWarning(UserWarning):
    """A PDF page would be larger than ``max_pixels`` at the dpi asked for: it is rendered at
    the highest dpi that fits, and ``images.dpi`` says which."""


class OcrResendWarning(UserWarning):
    """A request timed out after it reached the service and was sent again: the service may
    have answered — and charged for — the first one too. ``images.extra["resent_after_timeout"]``
    says how many times each image was sent again."""


class OcrExportWarning(UserWarning):
    """A file format could not carry part of a result, and the file was written without it:
    items with no box (card fields) in layout formats, pages with no picture at hand in a PDF."""


class OcrRequestError(OcrframeError):
    """A request the service refused as a whole (authorisation, a bad request): ``code`` and
    ``message`` are the service's, ``status`` the HTTP status. ``partial`` holds the OcrResult
    of the images answered before it (nothing already obtained is lost)."""

    def __init__(self, code: int, message: str, status: int | None = None, where: str = "") -> None:
        text = f"{where}: " if where else ""
        super().__init__(f"{text}code {code}: {message}" + (f" (HTTP {status})" if status else ""))
        self.code = code
        self.message = message
        self.status = status
        self.partial = None
