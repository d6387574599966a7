"""AWS Textract ``Blocks`` (DetectDocumentText, AnalyzeDocument): one image per ``PAGE``,
``LINE`` blocks as items (``Confidence`` 0–100) whose ``CHILD`` ``WORD`` blocks give each
character its word's confidence; forms, queries and checkboxes are items with a ``field``,
tables go to ``cells``, the ``LAYOUT_*`` blocks of AnalyzeDocument's LAYOUT feature to
``blocks`` (see :class:`Textract`). Coordinates are relative to the page and
Textract does not say its size: pass ``image_size=(width, height)`` to get pixels, else they
are NA.

>>> from ocrframe import from_response
>>> blocks = [{"BlockType": "PAGE", "Id": "p"}, {"BlockType": "LINE", "Id": "l", "Text": "Hi",
...     "Confidence": 87.5, "Geometry": {"BoundingBox": {"Left": 0.1, "Top": 0.2,
...     "Width": 0.5, "Height": 0.1}}}]
>>> res = from_response({"Blocks": blocks}, image_size=(200, 100))
>>> res.items[["text", "confidence", "x", "y", "width"]].values.tolist()
[['Hi', 0.875, 20, 20, 100]]
"""

from __future__ import annotations

import re

from ._base import Adapter, Context, PageAdapter, Reader, add_words_line, join_words


class Textract(PageAdapter):
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

    With the LAYOUT feature, each ``LAYOUT_*`` block is a block (``LAYOUT_TITLE`` and
    ``LAYOUT_SECTION_HEADER`` a ``title``, ``LAYOUT_HEADER``/``FOOTER`` a ``header``/``footer``,
    ``LAYOUT_PAGE_NUMBER`` a ``footer`` (a ``header`` in the page's top third), ``LAYOUT_LIST``
    a ``list`` with its items' lines, ``LAYOUT_TABLE`` a ``table``, ``LAYOUT_FIGURE`` a
    ``figure``, ``LAYOUT_KEY_VALUE`` and others ``other``); its ``CHILD`` lines are its items,
    and the response's order of layout blocks, then of their lines, is the reading order
    (``items.order``; lines outside every layout block have none).
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
        placed = doc.layout(ctx, image_of)
        for b in doc.of_type("LINE"):
            words = doc.words(b) or [(b.get("Text").str(), _conf(b))]
            block, order = placed.get(doc.id_of(b), (None, None))
            add_words_line(
                ctx, image_of(b), words, box=doc.box(b), confidence_raw=_conf(b), block=block,
                order=order,
            )  # fmt: skip
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


#: Textract's layout block types -> ``blocks.type`` (``LAYOUT_PAGE_NUMBER``: by its place)
LAYOUT_TYPES = {"LAYOUT_TEXT": "text", "LAYOUT_TITLE": "title", "LAYOUT_SECTION_HEADER": "title",
                "LAYOUT_HEADER": "header", "LAYOUT_FOOTER": "footer", "LAYOUT_LIST": "list",
                "LAYOUT_TABLE": "table", "LAYOUT_FIGURE": "figure",
                "LAYOUT_KEY_VALUE": "other"}  # fmt: skip

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

    def polygon(self, b: Reader) -> list[int] | None:
        """The block's ``Geometry.Polygon`` in pixels (``None`` without a page size)."""
        if self.size is None or not b.has("Geometry"):
            return None
        points = b.get("Geometry").get("Polygon", None)
        if points.value is None:
            return None
        w, h = self.size
        flat: list[int] = []
        for p in points.each():
            flat += (round(p.get("X").number() * w), round(p.get("Y").number() * h))
        return flat or None

    def layout(self, ctx: Context, image_of) -> dict[str, tuple[int, int]]:
        """Add the ``LAYOUT_*`` blocks (a list's items are part of it, not blocks of their
        own); ``{LINE id: (block, order)}`` for the lines they hold, in reading order."""
        kinds = [b for b in self.blocks if b.get("BlockType").str().startswith("LAYOUT_")]
        nested = {self.id_of(c) for b in kinds for c in self.related(b, "CHILD")}
        placed: dict[str, tuple[int, int]] = {}
        n_blocks: dict[int, int] = {}
        n_lines: dict[int, int] = {}
        for b in kinds:
            if self.id_of(b) in nested:
                continue
            image = image_of(b)
            number = n_blocks.get(image, 0)
            n_blocks[image] = number + 1
            ctx.columns.add_block(
                image, number, self._layout_kind(b), order=number, box=self.box(b),
                polygon=self.polygon(b), confidence_raw=_conf(b),
            )  # fmt: skip
            lines = []
            for child in self.related(b, "CHILD"):
                kind = child.get("BlockType").str()
                lines += [child] if kind == "LINE" else self.related(child, "CHILD", "LINE")
            for line in lines:
                ident = self.id_of(line)
                if ident is not None and ident not in placed:
                    placed[ident] = (number, n_lines.get(image, 0))
                    n_lines[image] = n_lines.get(image, 0) + 1
        return placed

    @staticmethod
    def _layout_kind(b: Reader) -> str:
        kind = b.get("BlockType").str()
        if kind != "LAYOUT_PAGE_NUMBER":
            return LAYOUT_TYPES.get(kind, "other")
        where = b.get("Geometry", {}).get("BoundingBox", {}).get("Top", None).opt_number()
        return "header" if where is not None and where < 1 / 3 else "footer"

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


ADAPTERS: list[Adapter] = [Textract()]
