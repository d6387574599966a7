"""What every format adapter shares: typed readers that know the JSON path, and the base class.

An adapter reads one response (a dict) and appends rows to :class:`~ocrframe.core.assemble.Columns`.
It never computes derived values (see :mod:`ocrframe.core.assemble`), and it reports any value of the
wrong shape with :class:`~ocrframe.errors.OcrFormatError` naming the JSON path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..core.assemble import Columns
from ..errors import OcrFormatError

_MISSING = object()
#: the key of the wrapper a text format (Tesseract TSV, hOCR) travels in
TEXT_KEY = "text/plain"


@dataclass
class Context:
    """Where a response's rows go and what the caller knows that the response does not say."""

    columns: Columns
    response_id: int
    source: str | None = None  # the input as the user gave it (single-image responses)
    engine: str | None = None
    endpoint: str | None = None  # the caller's name for the endpoint, when given
    sources: dict[str, str] | None = None  # batch: name sent (stripped) -> the user's source
    notes: list[str] = field(default_factory=list)  # scale decisions, for one warning per call
    image_size: tuple[int, int] | None = None  # (width, height): scales relative coordinates


class Reader:
    """Typed access to one JSON value with its path, raising the format's error on a mismatch.

    >>> r = Reader({"a": {"b": [1, "x"]}}, "general")
    >>> r.get("a").get("b").at(1).int()
    Traceback (most recent call last):
    ...
    ocrframe.errors.OcrFormatError: general: a.b[1]: expected int, got 'x'
    """

    __slots__ = ("format", "path", "value")

    def __init__(self, value: Any, format: str, path: str = "") -> None:  # noqa: A002
        self.value = value
        self.format = format
        self.path = path

    def fail(self, reason: str) -> OcrFormatError:
        return OcrFormatError(reason, format=self.format, path=self.path)

    def _expected(self, what: str) -> OcrFormatError:
        return self.fail(f"expected {what}, got {_show(self.value)}")

    def has(self, key: str) -> bool:
        """Whether ``key`` has a value (``null`` counts as absent, as clients write it)."""
        return isinstance(self.value, dict) and self.value.get(key) is not None

    def get(self, key: str, default: Any = _MISSING) -> Reader:
        """The value at ``key``. A missing key is an error unless ``default`` is given; so is a
        ``null`` one, which means the same as a missing key (clients such as Google's Node.js
        library write every absent message as ``null``)."""
        obj = self.dict()
        sub = f"{self.path}.{key}" if self.path else key
        value = obj.get(key)
        if value is None:
            if default is _MISSING:
                reason = "missing key" if key not in obj else "missing value (null)"
                raise OcrFormatError(reason, format=self.format, path=sub)
            return Reader(default, self.format, sub)
        return Reader(value, self.format, sub)

    def at(self, index: int) -> Reader:
        items = self.list()
        if not -len(items) <= index < len(items):
            raise self.fail(f"expected at least {index + 1} elements, got {len(items)}")
        return Reader(items[index], self.format, f"{self.path}[{index}]")

    def each(self) -> list[Reader]:
        return [Reader(v, self.format, f"{self.path}[{i}]") for i, v in enumerate(self.list())]

    def dict(self) -> dict:
        if not isinstance(self.value, dict):
            raise self._expected("object")
        return self.value

    def list(self) -> list:
        if not isinstance(self.value, list):
            raise self._expected("array")
        return self.value

    def str(self) -> str:
        if not isinstance(self.value, str):
            raise self._expected("str")
        return self.value

    def opt_str(self) -> str | None:
        return None if self.value is None else self.str()

    def int(self) -> int:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self._expected("int")
        if isinstance(v, float):
            if not v.is_integer():
                raise self._expected("int")
            v = int(v)
        if not -(2**31) <= v < 2**31:
            raise self.fail(f"integer {v} out of range")
        return v

    def opt_int(self) -> int | None:
        return None if self.value is None else self.int()

    def number(self) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self._expected("number")
        return float(v)

    def opt_number(self) -> float | None:
        return None if self.value is None else self.number()

    def confidence(self, scale: float) -> float | None:
        """A confidence on ``scale`` (1 or 100), ``None`` when absent; outside it is an error."""
        value = self.opt_number()
        if value is not None and not 0 <= value <= scale:
            raise self.fail(f"confidence {value} outside 0-{scale:g}")
        return value

    def box(self) -> tuple[int, int, int, int]:
        """An ``{x, y, width, height}`` object as a tuple of ints."""
        return (
            self.get("x").int(),
            self.get("y").int(),
            self.get("width").int(),
            self.get("height").int(),
        )

    def opt_box(self, key: str) -> tuple[int, int, int, int] | None:
        """The box at ``key``, or ``None`` where the key is absent or null."""
        sub = self.get(key, None)
        return None if sub.value is None else sub.box()

    def points(self) -> list[int]:
        """``[{x, y}, …]`` as a flat ``[x1, y1, x2, y2, …]``."""
        out: list[int] = []
        for p in self.each():
            out += (p.get("x").int(), p.get("y").int())
        return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def unknown_keys(obj: dict, known: set[str] | frozenset[str]) -> dict:
    """The entries of ``obj`` that no column takes (they go to ``images.extra``); ``null``
    values say nothing and are left out, as absent keys are."""
    return {k: v for k, v in obj.items() if k not in known and v is not None}


class Adapter:
    """One response format: how to recognise it and how to emit its rows.

    Subclasses set ``name`` (unique), ``endpoint`` (the value of ``images.endpoint``), ``scale``
    (what divides the raw confidence to give 0–1, as the format documents it) and ``priority``
    (lower is tried first in detection), and implement :meth:`sniff` and :meth:`parse`.
    """

    name: ClassVar[str]
    endpoint: ClassVar[str | None]
    scale: ClassVar[float] = 1.0
    priority: ClassVar[int] = 50
    #: the Python shape of the response: a JSON object, a JSON array (PaddleOCR 2.x, EasyOCR
    #: and RapidOCR results) or text (Tesseract TSV, hOCR, ALTO, PAGE, wrapped as {"text": …})
    shape: ClassVar[str] = "object"
    #: further endpoint names that read this format (``endpoint="tesseract"`` reads hOCR too)
    aliases: ClassVar[tuple[str, ...]] = ()

    def sniff(self, obj: dict) -> bool:
        """True when ``obj`` has this format's shape (cheap, no validation)."""
        raise NotImplementedError

    def parse(self, obj: dict, ctx: Context) -> None:
        """Append the rows of ``obj`` to ``ctx.columns``."""
        raise NotImplementedError

    def reader(self, obj: Any) -> Reader:
        return Reader(obj, self.name)

    def endpoint_for(self, ctx: Context) -> str | None:
        return self.endpoint if self.endpoint is not None else ctx.endpoint

    def success_data(self, r: Reader, ctx: Context) -> Reader | None:
        """The ``data`` of a single-image response, or ``None`` after recording a failed image
        when the response's ``code`` is not 0 (the pages always send ``code``; a response
        without one is taken as a success)."""
        if r.get("code", 0).int() != 0:
            self.failed_image(r, ctx)
            return None
        return r.get("data")

    def success_image(self, r: Reader, data: Reader, ctx: Context, **columns) -> int:
        """The image row of a successful single-image response: code 0, the response's message,
        ``data.session_id`` and ``data.angle``, plus ``columns`` (engine, extra, scale …)."""
        columns.setdefault("engine", ctx.engine)
        return ctx.columns.add_image(
            response_id=ctx.response_id,
            source=ctx.source,
            endpoint=self.endpoint_for(ctx),
            code=0,
            message=r.get("message", None).opt_str(),
            session_id=data.get("session_id", None).opt_str(),
            angle=data.get("angle", None).opt_number(),
            **columns,
        )

    def engine_image(self, ctx: Context, **columns) -> int:
        """The image row of an engine's own output (no service code: 0, no message)."""
        endpoint = self.endpoint_for(ctx)
        return ctx.columns.add_image(
            response_id=ctx.response_id,
            source=ctx.source,
            engine=ctx.engine or endpoint,
            endpoint=endpoint,
            code=0,
            message=None,
            scale=self.scale,
            **columns,
        )

    def failed_image(self, r: Reader, ctx: Context, *, source: str | None = None) -> int:
        """A service error (``{"code": 14, "message": …}``) as one failed image row."""
        obj = r.dict()
        extra = unknown_keys(obj, {"code", "message", "data", "url", "filename"})
        return ctx.columns.add_image(
            response_id=ctx.response_id,
            source=source if source is not None else ctx.source,
            engine=ctx.engine,
            endpoint=self.endpoint_for(ctx),
            code=r.get("code").int(),
            message=r.get("message", None).opt_str(),
            extra=extra or None,
        )


class PageAdapter(Adapter):
    """An adapter of a document model's output (docTR, Textract, Cloud Vision): one image row
    per page, sized and numbered as the output says."""

    def page_image(self, ctx: Context, width=None, height=None, page=None) -> int:
        return self.engine_image(ctx, image_width=width, image_height=height, page=page)


def effective_scale(declared: float, values: list[float], r: Reader, ctx: Context) -> tuple:
    """Check a response's raw confidences against the format's documented scale.

    Returns ``(scale, note)``. The decision is made for the whole response, never per value: a
    "0–1" response with values above 1 is read on 0–100, a "0–100" response whose values are all
    fractions below 1 is read on 0–1; ``note`` (for ``images.extra``) says so. Values that fit no
    scale (negative, above 100) are an error.
    """
    if not values:
        return declared, None
    low, high = min(values), max(values)
    if low < 0 or high > 100:
        bad = low if low < 0 else high
        raise r.fail(f"confidence {bad} outside the 0-100 and 0-1 scales")
    if declared == 1.0 and high > 1.0:
        scale = 100.0
    elif declared == 100.0 and high <= 1.0 and any(0.0 < v < 1.0 for v in values):
        scale = 1.0
    else:
        return declared, None
    ctx.notes.append(
        f"{r.format} response {ctx.response_id}: confidences read on 0-{scale:g}, "
        f"not the documented 0-{declared:g}"
    )
    return scale, scale


_CJK_RANGES = (
    (0x3000, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xFF00, 0xFFEF),
)


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a Chinese, Japanese or Korean character (or full-width form), which
    engines split into words that the text does not separate with spaces."""
    return bool(ch) and any(lo <= ord(ch[0]) <= hi for lo, hi in _CJK_RANGES)


def join_words(words: list[tuple[str, float | None]]) -> tuple[str, list[float | None]]:
    """A line's text from its words, and one confidence per character (each character gets
    its word's; a joining space gets none). Words are joined with a space, except between two
    CJK characters, which engines split into words the text does not separate.

    >>> join_words([("OCR", 91.0), ("works", 88.0)])
    ('OCR works', [91.0, 91.0, 91.0, None, 88.0, 88.0, 88.0, 88.0, 88.0])
    >>> join_words([("手", 90.0), ("机", 80.0)])[0]
    '手机'
    """
    text, confs = "", []
    for word, conf in words:
        if not word:
            continue
        if text and not (is_cjk(text[-1]) and is_cjk(word[0])):
            text += " "
            confs.append(None)
        text += word
        confs += [conf] * len(word)
    return text, confs


def add_words_line(
    ctx: Context,
    image: int,
    words: list[tuple[str, float | None]],
    *,
    box: tuple[int, int, int, int] | None = None,
    polygon: list[int] | None = None,
    confidence_raw: float | None = None,
    field: str | None = None,
    label: str | None = None,
    block: int | None = None,
    order: int | None = None,
) -> None:
    """One item from a line's words, with one char row per character of the joined text
    (``block``, ``order``: its layout block and place in the reading order, where told)."""
    text, confs = join_words(words)
    row = ctx.columns.add_item(
        image, text, field=field, label=label, confidence_raw=confidence_raw, box=box,
        polygon=polygon, block=block, order=order,
    )  # fmt: skip
    ctx.columns.add_chars(row, text, confs)


def quad_box(points: list[list[float]] | list[tuple[float, float]]) -> tuple[list[int], tuple]:
    """A quadrilateral ``[[x, y], …]`` as a flat integer polygon and its bounding box."""
    flat: list[int] = []
    for x, y in points:
        flat += (round(x), round(y))
    xs, ys = flat[0::2], flat[1::2]
    return flat, (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
