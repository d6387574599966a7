"""Document-model outputs: docTR ``export()``, AWS Textract ``Blocks`` and Google Cloud Vision
``fullTextAnnotation``. One image per page; one item per line.

- docTR: ``pages[].blocks[].lines[].words[]`` with ``value``, ``confidence`` (0–1) and
  ``geometry`` relative to the page; ``dimensions`` (height, width) scale it to pixels. Each
  character gets its word's confidence.
- Textract: ``LINE`` blocks are items (``Confidence`` 0–100), their ``CHILD`` ``WORD`` blocks
  give each character its word's confidence. Coordinates are relative to the page and Textract
  does not say its size: pass ``image_size=(width, height)`` to get pixels, else they are NA.
- Cloud Vision: ``fullTextAnnotation`` (alone, or inside ``responses[]`` of a batch) down to
  ``symbols`` with ``confidence`` (0–1) and ``boundingBox.vertices`` in pixels, so characters
  have their own confidences and boxes; lines end at ``LINE_BREAK``/``EOL_SURE_SPACE`` breaks.

>>> from ocrframe import from_response
>>> page = {"page_idx": 0, "dimensions": [100, 200], "blocks": [{"lines": [{"geometry":
...     [[0.1, 0.1], [0.6, 0.3]], "words": [{"value": "Hi", "confidence": 0.9,
...     "geometry": [[0.1, 0.1], [0.3, 0.3]]}]}]}]}
>>> from_response({"pages": [page]}).items[["text", "x", "y", "width", "height"]].values.tolist()
[['Hi', 20, 10, 100, 20]]
"""

from __future__ import annotations

from ._base import Adapter, Context, Reader, add_words_line


class _Pages(Adapter):
    def page_image(self, ctx: Context, width=None, height=None) -> int:
        return self.engine_image(ctx, image_width=width, image_height=height)


def _relative_box(r: Reader, width: float, height: float) -> tuple[int, int, int, int]:
    """docTR's ``((x0, y0), (x1, y1))`` relative geometry in pixels."""
    pts = r.list()
    if len(pts) < 2:
        raise r.fail("geometry needs two corners")
    xs = [r.at(k).at(0).number() for k in range(len(pts))]
    ys = [r.at(k).at(1).number() for k in range(len(pts))]
    x0, y0 = round(min(xs) * width), round(min(ys) * height)
    return x0, y0, round(max(xs) * width) - x0, round(max(ys) * height) - y0


class Doctr(_Pages):
    name = "doctr"
    endpoint = "doctr"
    scale = 1.0
    priority = 74

    def sniff(self, obj: dict) -> bool:
        pages = obj.get("pages")
        return isinstance(pages, list) and all(isinstance(p, dict) and "blocks" in p for p in pages)

    def parse(self, obj: dict, ctx: Context) -> None:
        for page in self.reader(obj).get("pages").each():
            dims = page.get("dimensions")
            height, width = dims.at(0).number(), dims.at(1).number()
            image = self.page_image(ctx, round(width), round(height))
            for block in page.get("blocks").each():
                for line in block.get("lines").each():
                    words = [
                        (w.get("value").str(), w.get("confidence", None).confidence(1.0))
                        for w in line.get("words").each()
                    ]
                    box = _relative_box(line.get("geometry"), width, height)
                    add_words_line(ctx, image, words, box=box)


class Textract(_Pages):
    name = "textract"
    endpoint = "textract"
    scale = 100.0
    priority = 75

    def sniff(self, obj: dict) -> bool:
        blocks = obj.get("Blocks")
        return isinstance(blocks, list) and any(
            isinstance(b, dict) and "BlockType" in b for b in blocks
        )

    def parse(self, obj: dict, ctx: Context) -> None:
        blocks = self.reader(obj).get("Blocks").each()
        by_id = {b.get("Id").str(): b for b in blocks if b.has("Id")}
        size = ctx.image_size
        pages: dict[int, int] = {}

        def image_of(page: int) -> int:
            if page not in pages:
                w, h = size if size else (None, None)
                pages[page] = self.page_image(ctx, w, h)
            return pages[page]

        for b in blocks:
            if b.get("BlockType").str() == "PAGE":
                image_of(b.get("Page", 1).int())
        for b in blocks:
            if b.get("BlockType").str() != "LINE":
                continue
            words = []
            for rel in b.get("Relationships", []).each():
                if rel.get("Type").str() != "CHILD":
                    continue
                for child_id in rel.get("Ids").each():
                    word = by_id.get(child_id.str())
                    if word is not None and word.get("BlockType").str() == "WORD":
                        words.append(
                            (word.get("Text").str(), word.get("Confidence", None).confidence(100.0))
                        )
            if not words:  # no word detail: the line's own text and confidence
                words = [(b.get("Text").str(), b.get("Confidence", None).confidence(100.0))]
            box = _textract_box(b, size)
            add_words_line(
                ctx,
                image_of(b.get("Page", 1).int()),
                words,
                box=box,
                confidence_raw=b.get("Confidence", None).confidence(100.0),
            )


def _textract_box(b: Reader, size) -> tuple[int, int, int, int] | None:
    if size is None or not b.has("Geometry"):
        return None
    bb = b.get("Geometry").get("BoundingBox")
    w, h = size
    x0, y0 = round(bb.get("Left").number() * w), round(bb.get("Top").number() * h)
    return x0, y0, round(bb.get("Width").number() * w), round(bb.get("Height").number() * h)


LINE_ENDS = frozenset({"LINE_BREAK", "EOL_SURE_SPACE"})
SPACES = frozenset({"SPACE", "SURE_SPACE"})


class CloudVision(_Pages):
    name = "cloud_vision"
    endpoint = "cloud_vision"
    scale = 1.0
    priority = 76

    def sniff(self, obj: dict) -> bool:
        return "fullTextAnnotation" in obj or (
            isinstance(obj.get("responses"), list)
            and any(isinstance(r, dict) and "fullTextAnnotation" in r for r in obj["responses"])
        )

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        annotations = [r] if r.has("fullTextAnnotation") else r.get("responses").each()
        for response in annotations:
            if not response.has("fullTextAnnotation"):
                self.page_image(ctx, code_error=response)
                continue
            for page in response.get("fullTextAnnotation").get("pages").each():
                image = self.page_image(
                    ctx, page.get("width", None).opt_int(), page.get("height", None).opt_int()
                )
                for para in (
                    p for block in page.get("blocks").each() for p in block.get("paragraphs").each()
                ):
                    for symbols in _lines(para):
                        self._line(ctx, image, symbols)

    def page_image(self, ctx: Context, width=None, height=None, code_error: Reader | None = None):
        if code_error is None:
            return super().page_image(ctx, width, height)
        error = code_error.get("error", None)
        message = error.get("message", "no text").str() if error.value is not None else "no text"
        code = error.get("code", -1).int() if error.value is not None else 0
        return ctx.columns.add_image(
            response_id=ctx.response_id, source=ctx.source, engine=ctx.engine or self.endpoint,
            endpoint=self.endpoint, code=code, message=message,
        )  # fmt: skip

    def _line(self, ctx: Context, image: int, symbols: list[tuple[Reader, str]]) -> None:
        text, confs, boxes = "", [], []
        for sym, brk in symbols:
            ch = sym.get("text").str()
            text += ch
            confs += [sym.get("confidence", None).confidence(1.0)] * len(ch)
            boxes += [_vertices_box(sym.get("boundingBox", None))] * len(ch)
            if brk in SPACES:
                text += " "
                confs.append(None)
                boxes.append(None)
        text = text.rstrip(" ")
        confs, boxes = confs[: len(text)], boxes[: len(text)]
        known = [b for b in boxes if b is not None]
        line_box = None
        if known:
            x0 = min(b[0] for b in known)
            y0 = min(b[1] for b in known)
            line_box = (
                x0,
                y0,
                max(b[0] + b[2] for b in known) - x0,
                max(b[1] + b[3] for b in known) - y0,
            )
        row = ctx.columns.add_item(image, text, box=line_box)
        ctx.columns.add_chars(row, text, confs, boxes)


def _lines(para: Reader) -> list[list[tuple[Reader, str]]]:
    """A paragraph's symbols, each with the break after it, cut into lines."""
    lines: list[list[tuple[Reader, str]]] = [[]]
    for word in para.get("words").each():
        for sym in word.get("symbols").each():
            brk = sym.get("property", {}).get("detectedBreak", {}).get("type", "").value
            brk = brk if isinstance(brk, str) else ""
            lines[-1].append((sym, brk))
            if brk in LINE_ENDS:
                lines.append([])
    return [line for line in lines if line]


def _vertices_box(r: Reader) -> tuple[int, int, int, int] | None:
    if r.value is None or not r.has("vertices"):
        return None
    xs = [v.get("x", 0).int() for v in r.get("vertices").each()]  # Vision omits zeros
    ys = [v.get("y", 0).int() for v in r.get("vertices").each()]
    if not xs:
        return None
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


ADAPTERS: list[Adapter] = [Doctr(), Textract(), CloudVision()]
