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
        image = self.engine_image(ctx, page=_page(body, ctx))
        for text, score, poly in zip(texts, scores.each(), polys.each()):
            self.add(ctx, image, poly, text.str(), score.confidence(1.0), poly.value)


class PaddleXTable(_Lines):
    """PaddleX / PaddleOCR 3.x table recognition (``table_recognition``, PP-StructureV3):
    ``overall_ocr_res`` gives the items, as a 3.x OCR result; each ``table_res_list`` entry a
    table of ``cells``, read from ``pred_html`` (``rowspan``/``colspan`` as the spans) with
    its ``cell_box_list`` boxes in the cells' order. Cells carry no confidence (NA)."""

    name = "paddlex_table"
    endpoint = "paddleocr"
    priority = 72

    def sniff(self, obj: dict) -> bool:
        body = obj.get("res", obj)
        return isinstance(body, dict) and isinstance(body.get("table_res_list"), list)

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        body = r.get("res") if r.has("res") else r
        image = self.engine_image(ctx, page=_page(body, ctx))
        ocr = body.get("overall_ocr_res", {})
        texts = ocr.get("rec_texts", []).each()
        scores = ocr.get("rec_scores", [None] * len(texts)).each()
        polys = ocr.get("rec_polys", []).each()
        if len(scores) != len(texts) or len(polys) != len(texts):
            raise ocr.fail("rec_texts, rec_scores and rec_polys must be as long as each other")
        for text, score, poly in zip(texts, scores, polys):
            self.add(ctx, image, poly, text.str(), score.confidence(1.0), poly.value)
        for table, entry in enumerate(body.get("table_res_list").each()):
            html = entry.get("pred_html").str()
            boxes = entry.get("cell_box_list", []).each()
            cells = html_cells(html)
            if boxes and len(boxes) != len(cells):
                raise entry.fail(f"{len(boxes)} cell boxes for the {len(cells)} cells of pred_html")
            for k, (position, text, kind) in enumerate(cells):
                box = None
                if boxes:
                    x0, y0, x1, y1 = (round(boxes[k].at(i).number()) for i in range(4))
                    box = (x0, y0, x1 - x0, y1 - y0)
                ctx.columns.add_cell(image, table, position, text, kind=kind, box=box)


def _page(body: Reader, ctx: Context) -> int | None:
    """The page a PaddleOCR 3.x / PaddleX result is of (``page_index`` counts from 0; null for
    a picture); its ``input_path`` is the source when the caller knows none."""
    source = body.get("input_path", None).value
    if ctx.source is None and isinstance(source, str):
        ctx.source = source
    index = body.get("page_index", None).opt_int()
    return None if index is None else index + 1


def html_cells(html: str) -> list[tuple[tuple[int, int, int, int], str, str | None]]:
    """The cells of an HTML table: ``((row, col, row_span, col_span), text, kind)`` in document
    order, positions found as browsers find them (a cell skips places that cells spanning from
    rows above already take); ``kind`` is ``"header"`` for ``<th>``.

    >>> html_cells("<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
    [((0, 0, 2, 1), 'a', None), ((0, 1, 1, 1), 'b', None), ((1, 1, 1, 1), 'c', None)]
    """
    from html.parser import HTMLParser

    cells: list[list] = []
    taken: set[tuple[int, int]] = set()
    state = {"row": -1, "col": 0, "cell": None}

    def span(attrs: dict, name: str) -> int:
        try:
            return max(1, int(attrs.get(name) or 1))
        except ValueError:
            return 1

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "tr":
                state["row"] += 1
                state["col"] = 0
            elif tag in ("td", "th"):
                row, col = max(state["row"], 0), state["col"]
                while (row, col) in taken:
                    col += 1
                rows, cols = span(attrs, "rowspan"), span(attrs, "colspan")
                taken.update((row + i, col + j) for i in range(rows) for j in range(cols))
                state["col"] = col + cols
                state["cell"] = [(row, col, rows, cols), "", "header" if tag == "th" else None]
                cells.append(state["cell"])

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                state["cell"] = None

        def handle_data(self, data):
            if state["cell"] is not None:
                state["cell"][1] += data

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(pos, " ".join(text.split()), kind) for pos, text, kind in cells]


ADAPTERS: list[Adapter] = [
    BoxTextScore("rapidocr"),
    BoxTextScore("easyocr"),
    EasyOcrDict(),
    Paddle2(),
    Paddle3(),
    PaddleXTable(),
]
