"""Google Cloud Vision ``fullTextAnnotation`` (alone, inside ``responses[]`` of a batch, or
of a file's pages) down to ``symbols`` with ``confidence`` (0–1) and ``boundingBox.vertices``
in pixels, so characters have their own confidences and boxes; lines end where Vision's own
``text`` ends them (see :class:`CloudVision`). Vision's blocks are the ``blocks`` (``TEXT``
``text``, ``TABLE`` ``table``, ``PICTURE`` ``figure``, others ``other``; their confidence and
outline), and its order of blocks, paragraphs and lines is the reading order.

>>> from ocrframe import from_response
>>> def symbol(ch, x, brk=None):
...     sym = {"text": ch, "confidence": 0.9, "boundingBox": {"vertices": [
...         {"x": x, "y": 5}, {"x": x + 8, "y": 5}, {"x": x + 8, "y": 15}, {"x": x, "y": 15}]}}
...     return {**sym, "property": {"detectedBreak": {"type": brk}}} if brk else sym
>>> word = {"symbols": [symbol("H", 10), symbol("i", 18, "LINE_BREAK")]}
>>> page = {"width": 100, "height": 40, "blocks": [{"paragraphs": [{"words": [word]}]}]}
>>> res = from_response({"fullTextAnnotation": {"pages": [page], "text": "Hi\\n"}})
>>> res.items[["text", "x", "width"]].values.tolist()
[['Hi', 10, 16]]
"""

from __future__ import annotations

from ._base import Adapter, Context, PageAdapter, Reader

LINE_ENDS = frozenset({"LINE_BREAK", "EOL_SURE_SPACE"})
#: Vision's ``blockType`` -> ``blocks.type`` (a block that does not say is text)
BLOCK_TYPES = {"TEXT": "text", "TABLE": "table", "PICTURE": "figure"}
SPACES = frozenset({"SPACE", "SURE_SPACE"})
#: what an AnnotateImageResponse may hold: any of these marks a response of Cloud Vision
VISION_KEYS = frozenset(
    {"fullTextAnnotation", "textAnnotations", "labelAnnotations", "faceAnnotations",
     "landmarkAnnotations", "logoAnnotations", "localizedObjectAnnotations",
     "safeSearchAnnotation", "imagePropertiesAnnotation", "cropHintsAnnotation", "webDetection",
     "productSearchResults", "context", "error"}
)  # fmt: skip


def _vision_response(value: object) -> bool:
    """An AnnotateImageResponse: a dict of Vision's keys (``{}``, a blank image, too)."""
    return isinstance(value, dict) and (not value or bool(VISION_KEYS & value.keys()))


class CloudVision(PageAdapter):
    """Google Cloud Vision text detection, as saved by any client.

    One image row per AnnotateImageResponse: a response alone, the ``responses[]`` of
    ``images:annotate``, or of a file (``files:annotate``, an ``asyncBatchAnnotate`` output file:
    ``{"inputConfig", "responses"}``, each page with ``context.pageNumber``). A response
    without ``fullTextAnnotation`` (a blank page) is an image without items; one with an
    ``error`` a failed image. Lines end where Vision's own ``text`` ends them: after a
    ``LINE_BREAK`` or ``EOL_SURE_SPACE`` break, and after a ``HYPHEN`` break, whose hyphen is in
    the text (with no confidence or box: it is no symbol). ``normalizedVertices`` (PDF pages)
    are scaled by the page's ``width``/``height`` (points, for a PDF).
    """

    name = "cloud_vision"
    endpoint = "cloud_vision"
    scale = 1.0
    priority = 76

    def sniff(self, obj: dict) -> bool:
        if "fullTextAnnotation" in obj or "textAnnotations" in obj:
            return True
        responses = obj.get("responses")
        return (
            isinstance(responses, list)
            and bool(responses)
            and all(_vision_response(r) or _file_response(r) for r in responses)
        )

    def parse(self, obj: dict, ctx: Context) -> None:
        for response in _image_responses(self.reader(obj)):
            # a file's page says its number; images of a batch are no pages
            number = response.get("context", {}).get("pageNumber", None).opt_int()
            error = response.get("error", None)
            if error.value and error.get("code", 0).int() != 0:
                self.failed_page(ctx, error, number)
                continue
            text = response.get("fullTextAnnotation", None)
            pages = text.get("pages", []).each() if text.value is not None else []
            if not pages:  # nothing found: an image without items, not an error
                self.page_image(ctx, page=number)
                continue
            for page in pages:
                width = page.get("width", None).opt_number()
                height = page.get("height", None).opt_number()
                image = self.page_image(
                    ctx,
                    None if width is None else round(width),
                    None if height is None else round(height),
                    number,
                )
                order = 0
                for b, block in enumerate(page.get("blocks", []).each()):
                    _block(ctx, image, b, block, width or 0.0, height or 0.0)
                    for para in block.get("paragraphs", []).each():
                        for pieces in _lines(para, width or 0.0, height or 0.0):
                            self._line(ctx, image, pieces, b, order)
                            order += 1

    def failed_page(self, ctx: Context, error: Reader, page: int | None) -> int:
        return ctx.columns.add_image(
            response_id=ctx.response_id, source=ctx.source, engine=ctx.engine or self.endpoint,
            endpoint=self.endpoint, code=error.get("code", -1).int(),
            message=error.get("message", "").str(), page=page,
        )  # fmt: skip

    def _line(
        self, ctx: Context, image: int, pieces: list[tuple[str, float | None, tuple | None]],
        block: int, order: int,
    ):  # fmt: skip
        text = "".join(ch for ch, _, _ in pieces)
        confs, boxes = [], []
        for ch, conf, where in pieces:
            confs += [conf] * len(ch)
            boxes += [where] * len(ch)
        known = [b for b in boxes if b is not None]
        line_box = None
        if known:
            x0, y0 = min(b[0] for b in known), min(b[1] for b in known)
            x1 = max(b[0] + b[2] for b in known)
            y1 = max(b[1] + b[3] for b in known)
            line_box = (x0, y0, x1 - x0, y1 - y0)
        row = ctx.columns.add_item(image, text, box=line_box, block=block, order=order)
        ctx.columns.add_chars(row, text, confs, boxes)


def _block(ctx: Context, image: int, number: int, block: Reader, width: float, height: float):
    """One of Vision's blocks, as the page lists them (its reading order)."""
    kind = block.get("blockType", "TEXT").value
    where = block.get("boundingBox", None)
    points = _vertices(where, width, height) if where.value is not None else []
    polygon = [round(v) for point in points for v in point] if len(points) >= 3 else None
    ctx.columns.add_block(
        image, number, BLOCK_TYPES.get(kind, "other") if isinstance(kind, str) else "other",
        order=number, box=_vertices_box(where, width, height), polygon=polygon,
        confidence_raw=block.get("confidence", None).confidence(1.0),
    )  # fmt: skip


def _file_response(value: object) -> bool:
    """An AnnotateFileResponse: ``{"inputConfig"?, "responses": [...], "totalPages"?}``."""
    return isinstance(value, dict) and isinstance(value.get("responses"), list)


def _image_responses(r: Reader) -> list[Reader]:
    """Every AnnotateImageResponse of a response, a batch or a file's pages, in order."""
    if not r.has("responses"):
        return [r]
    out: list[Reader] = []
    for response in r.get("responses").each():
        out += _image_responses(response) if _file_response(response.value) else [response]
    return out


def _lines(para: Reader, width: float, height: float) -> list[list[tuple]]:
    """A paragraph's symbols as lines of ``(text, confidence, box)`` pieces, with the spaces and
    hyphens Vision's breaks put into its text (no confidence, no box)."""
    lines: list[list[tuple]] = [[]]
    for word in para.get("words", []).each():
        for sym in word.get("symbols", []).each():
            brk = sym.get("property", {}).get("detectedBreak", {})
            kind = brk.get("type", "").value
            kind = kind if isinstance(kind, str) else ""
            piece = (
                sym.get("text", "").str(),
                sym.get("confidence", None).confidence(1.0),
                _vertices_box(sym.get("boundingBox", None), width, height),
            )
            if brk.get("isPrefix", False).value is True:  # the break comes before the symbol
                _add_break(lines, kind)
                lines[-1].append(piece)
            else:
                lines[-1].append(piece)
                _add_break(lines, kind)
    return [_trimmed(line) for line in lines if _trimmed(line)]


def _add_break(lines: list[list[tuple]], kind: str) -> None:
    if kind in SPACES:
        lines[-1].append((" ", None, None))
    elif kind == "HYPHEN":  # an end-of-line hyphen: in Vision's text, but no symbol
        lines[-1].append(("-", None, None))
        lines.append([])
    elif kind in LINE_ENDS:
        lines.append([])


def _trimmed(line: list[tuple]) -> list[tuple]:
    """A line without the spaces a break left at its ends."""
    start, end = 0, len(line)
    while start < end and line[start][0] == " " and line[start][2] is None:
        start += 1
    while end > start and line[end - 1][0] == " " and line[end - 1][2] is None:
        end -= 1
    return line[start:end]


def _vertices_box(r: Reader, width: float, height: float) -> tuple[int, int, int, int] | None:
    """A bounding poly's box: ``vertices`` in pixels (Vision omits zero coordinates), else
    ``normalizedVertices`` scaled by the page size."""
    if r.value is None:
        return None
    points = _vertices(r, width, height)
    if not points:
        return None
    xs, ys = [round(x) for x, _ in points], [round(y) for _, y in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _vertices(r: Reader, width: float, height: float) -> list[tuple[float, float]]:
    """A bounding poly's corners in pixels: ``vertices`` (Vision omits zero coordinates), else
    ``normalizedVertices`` scaled by the page size."""
    points = [
        (v.get("x", 0).number(), v.get("y", 0).number()) for v in r.get("vertices", []).each()
    ]
    if not points and width and height:
        points = [
            (v.get("x", 0).number() * width, v.get("y", 0).number() * height)
            for v in r.get("normalizedVertices", []).each()
        ]
    return points


ADAPTERS: list[Adapter] = [CloudVision()]
