"""Saved results of the PaddleOCR family and EasyOCR: lines with a quadrilateral and a score.

- RapidOCR (``result, elapse = engine(img)``) and EasyOCR ``reader.readtext(img)``: a list of
  ``[box, text, score]`` with ``box`` four ``[x, y]`` corners (pass ``endpoint="easyocr"`` or
  ``"rapidocr"`` to name which; detected results say ``rapidocr``). RapidOCR's ``(result,
  elapse)`` pair is accepted as it comes.
- EasyOCR ``readtext(..., output_format="dict")``: ``[{"boxes", "text", "confident"}, …]``.
- PaddleOCR 2.x ``ocr.ocr(img)``: one list per image of ``[box, [text, score]]`` lines.
- PaddleOCR 3.x ``result.json`` / ``save_to_json``: ``{"res": {"rec_texts", "rec_scores",
  "rec_polys", …}}`` (or the inner dict).

Scores are 0–1. Each line is an item with its quadrilateral as ``polygon`` and its bounding box;
characters have no confidence or box of their own in these formats (NA).

>>> from ocrframe import from_response
>>> res = from_response([[[[10, 10], [90, 10], [90, 30], [10, 30]], "Hello", 0.98]])
>>> res.items[["text", "confidence", "x", "width"]].values.tolist()
[['Hello', 0.9800000190734863, 10, 80]]
"""

from __future__ import annotations

from ._base import Adapter, Context, Reader, quad_box


def _is_quad(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 4
        and all(isinstance(p, list) and len(p) == 2 for p in value)
    )


def _line(r: Reader) -> tuple[str, float | None, list]:
    """``[box, text, score]`` or ``[box, [text, score]]``."""
    parts = r.list()
    if len(parts) == 3:
        return r.at(1).str(), r.at(2).confidence(1.0), parts[0]
    if len(parts) == 2 and isinstance(parts[1], list) and len(parts[1]) == 2:
        inner = r.at(1)
        return inner.at(0).str(), inner.at(1).confidence(1.0), parts[0]
    raise r.fail("expected [box, text, score] or [box, [text, score]]")


def _points(r: Reader, quad: object) -> list[list[float]]:
    if not _is_quad(quad):
        raise r.fail("expected a box of [x, y] corners")
    try:
        return [[float(x), float(y)] for x, y in quad]
    except (TypeError, ValueError):
        raise r.fail("box corners must be numbers") from None


class _Lines(Adapter):
    scale = 1.0

    def add(self, ctx: Context, image: int, r: Reader, text: str, score, quad) -> None:
        polygon, box = quad_box(_points(r, quad))
        row = ctx.columns.add_item(image, text, confidence_raw=score, box=box, polygon=polygon)
        ctx.columns.add_chars(row, text)


class BoxTextScore(_Lines):
    """``[[box, text, score], …]`` (RapidOCR, EasyOCR) — also RapidOCR's ``(result, elapse)``."""

    priority = 70
    shape = "array"

    def __init__(self, name: str = "rapidocr") -> None:
        self.name = name
        self.endpoint = name

    def endpoint_for(self, ctx: Context) -> str | None:
        return ctx.endpoint if ctx.endpoint in ("easyocr", "rapidocr") else self.endpoint

    def sniff(self, obj: list) -> bool:
        return _is_lines(_unwrap_elapse(obj))

    def parse(self, obj: list, ctx: Context) -> None:
        r = self.reader(obj)
        if _unwrap_elapse(obj) is not obj:
            r = r.at(0)
        image = self.engine_image(ctx)
        for line in r.each() if r.value is not None else []:
            text, score, quad = _line(line)
            self.add(ctx, image, line, text, score, quad)


def _is_lines(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(x, list) and len(x) == 3 and _is_quad(x[0]) and isinstance(x[1], str)
        for x in value
    )


def _unwrap_elapse(obj: list):
    """RapidOCR returns ``(result, elapse)``: ``result`` (None when nothing was found) and the
    seconds spent; plain lines are returned as they are."""
    numbers = (int, float)
    if len(obj) == 2 and (obj[0] is None or _is_lines(obj[0])):
        elapse = obj[1]
        if isinstance(elapse, numbers) or (
            isinstance(elapse, list) and all(isinstance(v, numbers) for v in elapse)
        ):
            return obj[0] or []
    return obj


class EasyOcrDict(_Lines):
    """EasyOCR's ``output_format="dict"``."""

    name = "easyocr_dict"
    endpoint = "easyocr"
    priority = 71
    shape = "array"

    def sniff(self, obj: list) -> bool:
        return bool(obj) and all(isinstance(x, dict) and "boxes" in x and "text" in x for x in obj)

    def parse(self, obj: list, ctx: Context) -> None:
        image = self.engine_image(ctx)
        for item in self.reader(obj).each():
            score = (
                item.get("confident", None)
                if item.has("confident")
                else item.get("confidence", None)
            )
            self.add(
                ctx,
                image,
                item,
                item.get("text").str(),
                score.confidence(1.0),
                item.get("boxes").value,
            )


class Paddle2(_Lines):
    """PaddleOCR 2.x: a list per image of ``[box, [text, score]]``."""

    name = "paddleocr2"
    endpoint = "paddleocr"
    priority = 72
    shape = "array"

    def sniff(self, obj: list) -> bool:
        return bool(obj) and all(
            page is None
            or (
                isinstance(page, list)
                and all(isinstance(x, list) and len(x) == 2 and _is_quad(x[0]) for x in page)
            )
            for page in obj
        )

    def parse(self, obj: list, ctx: Context) -> None:
        for page in self.reader(obj).each():
            image = self.engine_image(ctx)
            for line in page.each() if page.value is not None else []:
                text, score, quad = _line(line)
                self.add(ctx, image, line, text, score, quad)


class Paddle3(_Lines):
    """PaddleOCR 3.x JSON: ``rec_texts``, ``rec_scores`` and ``rec_polys``."""

    name = "paddleocr3"
    endpoint = "paddleocr"
    priority = 73

    def sniff(self, obj: dict) -> bool:
        body = obj.get("res", obj)
        return isinstance(body, dict) and "rec_texts" in body

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        body = r.get("res") if r.has("res") else r
        texts = body.get("rec_texts").each()
        scores = body.get("rec_scores", [None] * len(texts))
        polys = body.get("rec_polys", None)
        if polys.value is None or len(polys.list()) != len(texts):
            raise body.fail("rec_polys must give one polygon per text")
        if len(scores.list()) != len(texts):
            raise body.fail("rec_scores must give one score per text")
        source = body.get("input_path", None).value
        if ctx.source is None and isinstance(source, str):
            ctx.source = source
        image = self.engine_image(ctx)
        for text, score, poly in zip(texts, scores.each(), polys.each()):
            self.add(ctx, image, poly, text.str(), score.confidence(1.0), poly.value)


ADAPTERS: list[Adapter] = [
    BoxTextScore("rapidocr"),
    BoxTextScore("easyocr"),
    EasyOcrDict(),
    Paddle2(),
    Paddle3(),
]
