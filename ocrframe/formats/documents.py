"""Document-model outputs: docTR ``export()``, AWS Textract ``Blocks`` and Google Cloud Vision
``fullTextAnnotation``. One image per page; one item per line.

- docTR: ``pages[].blocks[].lines[].words[]`` with ``value``, ``confidence`` (0–1) and
  ``geometry`` relative to the page; ``dimensions`` (height, width) scale it to pixels. Each
  character gets its word's confidence.
- Textract: ``LINE`` blocks are items (``Confidence`` 0–100), their ``CHILD`` ``WORD`` blocks
  give each character its word's confidence; forms, queries and checkboxes are items with a
  ``field``, tables go to ``cells`` (see :class:`Textract`). Coordinates are relative to the
  page and Textract does not say its size: pass ``image_size=(width, height)`` to get pixels,
  else they are NA.
- Cloud Vision: ``fullTextAnnotation`` (alone, inside ``responses[]`` of a batch, or of a
  file's pages) down to ``symbols`` with ``confidence`` (0–1) and ``boundingBox.vertices`` in
  pixels, so characters have their own confidences and boxes; lines end where Vision's own
  ``text`` ends them (see :class:`CloudVision`).

>>> from ocrframe import from_response
>>> page = {"page_idx": 0, "dimensions": [100, 200], "blocks": [{"lines": [{"geometry":
...     [[0.1, 0.1], [0.6, 0.3]], "words": [{"value": "Hi", "confidence": 0.9,
...     "geometry": [[0.1, 0.1], [0.3, 0.3]]}]}]}]}
>>> from_response({"pages": [page]}).items[["text", "x", "y", "width", "height"]].values.tolist()
[['Hi', 20, 10, 100, 20]]
"""

from __future__ import annotations

import re

from ._base import Adapter, Context, Reader, add_words_line, join_words


class _Pages(Adapter):
    def page_image(self, ctx: Context, width=None, height=None, page=None) -> int:
        return self.engine_image(ctx, image_width=width, image_height=height, page=page)


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
        pages = self.reader(obj).get("pages").each()
        for k, page in enumerate(pages):
            dims = page.get("dimensions")
            height, width = dims.at(0).number(), dims.at(1).number()
            number = page.get("page_idx", k).int() + 1 if len(pages) > 1 else None
            image = self.page_image(ctx, round(width), round(height), number)
            for block in page.get("blocks").each():
                for line in block.get("lines").each():
                    words = [
                        (w.get("value").str(), w.get("confidence", None).confidence(1.0))
                        for w in line.get("words").each()
                    ]
                    box = _relative_box(line.get("geometry"), width, height)
                    add_words_line(ctx, image, words, box=box)


class Textract(_Pages):
    """AWS Textract: DetectDocumentText and AnalyzeDocument (FORMS, TABLES, QUERIES).

    One image per ``PAGE``. Items, per page: every ``LINE`` in the service's order (``field``
    NA); then, in block order, each key-value pair (``KEY_VALUE_SET``: ``label`` the key's text,
    ``field`` a snake_case key made of it, ``text`` the value's words, the value's confidence
    and box), each checkbox (``SELECTION_ELEMENT``: ``field`` ``"selection"``, ``text``
    ``SELECTED``/``NOT_SELECTED``, ``label`` the key it is the value of, if any), and each
    query (``QUERY``: ``field`` its alias or a key made of its text, ``label`` the question,
    ``text`` the ``QUERY_RESULT`` answer, ``""`` when there is none). ``TABLE`` cells go to
    ``cells`` (0-based rows and columns; a ``MERGED_CELL`` is one cell with its spans and its
    cells' words). Words give each character its confidence. Coordinates are relative to the
    page and Textract does not say its size: pass ``image_size=(width, height)`` for pixels.
    """

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
        r = self.reader(obj)
        doc = _TextractDocument(r.get("Blocks").each(), ctx.image_size)
        numbers = {b.get("Page", 1).int() for b in doc.blocks}
        # a document of several pages numbers them; a single page may be a picture
        several = len(numbers) > 1 or r.get("DocumentMetadata", {}).get("Pages", 1).int() > 1
        pages: dict[int, int] = {}

        def image_of(block: Reader) -> int:
            page = block.get("Page", 1).int()
            if page not in pages:
                w, h = ctx.image_size if ctx.image_size else (None, None)
                pages[page] = self.page_image(ctx, w, h, page if several else None)
            return pages[page]

        for b in doc.of_type("PAGE"):
            image_of(b)
        for b in doc.of_type("LINE"):
            words = doc.words(b) or [(b.get("Text").str(), _conf(b))]
            add_words_line(ctx, image_of(b), words, box=doc.box(b), confidence_raw=_conf(b))
        for b in doc.blocks:
            kind = b.get("BlockType").str()
            if kind == "KEY_VALUE_SET" and "KEY" in doc.entity_types(b):
                doc.key_value(ctx, image_of(b), b)
            elif kind == "SELECTION_ELEMENT" and doc.id_of(b) not in doc.keyed:
                doc.selection(ctx, image_of(b), b, None)
            elif kind == "QUERY":
                doc.query(ctx, image_of(b), b)
        tables: dict[int, int] = {}
        for b in doc.of_type("TABLE"):
            image = image_of(b)
            doc.table(ctx, image, tables.get(image, 0), b)
            tables[image] = tables.get(image, 0) + 1


def _conf(b: Reader) -> float | None:
    return b.get("Confidence", None).confidence(100.0)


#: Textract's ``EntityTypes`` of a cell -> ``cells.kind``
_CELL_KINDS = {"COLUMN_HEADER": "header", "TABLE_TITLE": "title", "TABLE_FOOTER": "footer",
               "TABLE_SECTION_TITLE": "section_title", "TABLE_SUMMARY": "summary"}  # fmt: skip


class _TextractDocument:
    """The blocks of one Textract response, linked by their ids."""

    def __init__(self, blocks: list[Reader], size: tuple[int, int] | None) -> None:
        self.blocks = blocks
        self.size = size
        self.by_id = {b.get("Id").str(): b for b in blocks if b.has("Id")}
        # checkboxes that are the value of a key: read with their key, not on their own
        self.keyed: set[str] = set()
        for b in self.of_type("KEY_VALUE_SET"):
            for value in self.related(b, "VALUE"):
                self.keyed.update(
                    self.id_of(c) for c in self.related(value, "CHILD", "SELECTION_ELEMENT")
                )

    def of_type(self, kind: str) -> list[Reader]:
        return [b for b in self.blocks if b.get("BlockType").str() == kind]

    @staticmethod
    def id_of(b: Reader) -> str | None:
        return b.get("Id", None).opt_str()

    @staticmethod
    def entity_types(b: Reader) -> list[str]:
        return [t.str() for t in b.get("EntityTypes", []).each()]

    def related(self, b: Reader, relation: str, kind: str | None = None) -> list[Reader]:
        """The blocks ``b`` links to by ``relation`` (of block type ``kind``), in order."""
        out = []
        for rel in b.get("Relationships", []).each():
            if rel.get("Type").str() != relation:
                continue
            for ident in rel.get("Ids").each():
                block = self.by_id.get(ident.str())
                if block is not None and (kind is None or block.get("BlockType").str() == kind):
                    out.append(block)
        return out

    def words(self, b: Reader) -> list[tuple[str, float | None]]:
        return [(w.get("Text").str(), _conf(w)) for w in self.related(b, "CHILD", "WORD")]

    def box(self, b: Reader) -> tuple[int, int, int, int] | None:
        return _textract_box(b, self.size)

    def key_value(self, ctx: Context, image: int, key: Reader) -> None:
        label, _ = join_words(self.words(key))
        for value in self.related(key, "VALUE"):
            checkboxes = self.related(value, "CHILD", "SELECTION_ELEMENT")
            words = self.words(value)
            if checkboxes and not words:
                for box in checkboxes:
                    self.selection(ctx, image, box, label)
                continue
            add_words_line(
                ctx, image, words, box=self.box(value), confidence_raw=_conf(value),
                field=field_name(label), label=label,
            )  # fmt: skip

    def selection(self, ctx: Context, image: int, b: Reader, label: str | None) -> None:
        state = b.get("SelectionStatus").str()
        row = ctx.columns.add_item(
            image, state, field="selection", label=label, confidence_raw=_conf(b), box=self.box(b)
        )
        ctx.columns.add_chars(row, state)

    def query(self, ctx: Context, image: int, b: Reader) -> None:
        query = b.get("Query")
        question = query.get("Text").str()
        alias = query.get("Alias", None).opt_str()
        answers = self.related(b, "ANSWER", "QUERY_RESULT") or [None]
        for answer in answers:
            text = answer.get("Text", "").str() if answer is not None else ""
            row = ctx.columns.add_item(
                image, text, field=field_name(alias or question), label=question,
                confidence_raw=_conf(answer) if answer is not None else None,
                box=self.box(answer) if answer is not None else None,
            )  # fmt: skip
            ctx.columns.add_chars(row, text)

    def table(self, ctx: Context, image: int, table: int, b: Reader) -> None:
        merged = self.related(b, "MERGED_CELL", "MERGED_CELL")
        covered = {self.id_of(c) for m in merged for c in self.related(m, "CHILD", "CELL")}
        cells = [c for c in self.related(b, "CHILD", "CELL") if self.id_of(c) not in covered]
        for cell in sorted(cells + merged, key=_grid_position):
            parts = (
                self.related(cell, "CHILD", "CELL")
                if cell.get("BlockType").str() == "MERGED_CELL"
                else [cell]
            )
            words = [w for part in parts for w in self.words(part)]
            states = [
                s.get("SelectionStatus").str()
                for part in parts
                for s in self.related(part, "CHILD", "SELECTION_ELEMENT")
            ]
            text, _ = join_words(words + [(state, None) for state in states])
            kinds = [_CELL_KINDS[t] for t in self.entity_types(cell) if t in _CELL_KINDS]
            row, col = _grid_position(cell)
            span = (cell.get("RowSpan", 1).int(), cell.get("ColumnSpan", 1).int())
            ctx.columns.add_cell(
                image, table, (row, col, *span), text, kind=kinds[0] if kinds else None,
                confidence_raw=_conf(cell), box=self.box(cell),
            )  # fmt: skip


def _grid_position(cell: Reader) -> tuple[int, int]:
    """A cell's 0-based (row, column): Textract counts from 1."""
    return cell.get("RowIndex").int() - 1, cell.get("ColumnIndex").int() - 1


def field_name(text: str) -> str:
    """A ``field`` key made of a form key's text: lower case, words joined by ``_``.

    >>> field_name("Invoice No.:"), field_name("INVOICE_NUMBER"), field_name("姓名：")
    ('invoice_no', 'invoice_number', '姓名')
    """
    return re.sub(r"\W+", "_", text.lower()).strip("_") or "key"


def _textract_box(b: Reader, size) -> tuple[int, int, int, int] | None:
    if size is None or not b.has("Geometry"):
        return None
    bb = b.get("Geometry").get("BoundingBox")
    w, h = size
    x0, y0 = round(bb.get("Left").number() * w), round(bb.get("Top").number() * h)
    return x0, y0, round(bb.get("Width").number() * w), round(bb.get("Height").number() * h)


LINE_ENDS = frozenset({"LINE_BREAK", "EOL_SURE_SPACE"})
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


class CloudVision(_Pages):
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
                for para in (
                    p for block in page.get("blocks", []).each()
                    for p in block.get("paragraphs", []).each()
                ):  # fmt: skip
                    for pieces in _lines(para, width or 0.0, height or 0.0):
                        self._line(ctx, image, pieces)

    def failed_page(self, ctx: Context, error: Reader, page: int | None) -> int:
        return ctx.columns.add_image(
            response_id=ctx.response_id, source=ctx.source, engine=ctx.engine or self.endpoint,
            endpoint=self.endpoint, code=error.get("code", -1).int(),
            message=error.get("message", "").str(), page=page,
        )  # fmt: skip

    def _line(self, ctx: Context, image: int, pieces: list[tuple[str, float | None, tuple | None]]):
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
        row = ctx.columns.add_item(image, text, box=line_box)
        ctx.columns.add_chars(row, text, confs, boxes)


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
    points = [
        (v.get("x", 0).number(), v.get("y", 0).number()) for v in r.get("vertices", []).each()
    ]
    if not points and width and height:
        points = [
            (v.get("x", 0).number() * width, v.get("y", 0).number() * height)
            for v in r.get("normalizedVertices", []).each()
        ]
    if not points:
        return None
    xs, ys = [round(x) for x, _ in points], [round(y) for _, y in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


ADAPTERS: list[Adapter] = [Doctr(), Textract(), CloudVision()]
