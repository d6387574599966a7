"""Results people already have from Tesseract: ``pytesseract.image_to_data`` and hOCR.

``image_to_data`` comes as TSV text (its default), a dict of columns (``Output.DICT``) or a
DataFrame (``Output.DATAFRAME``): one row per page, block, paragraph, line (``level`` 1–4) and
word (``level`` 5) with ``left/top/width/height`` in pixels and ``conf`` on 0–100 (-1 for
non-words). Each line becomes an item — its words joined, its box the line row's — and each
character gets its word's confidence (Tesseract gives no finer number here; character boxes
stay NA). Several pages become several images. The rows come in Tesseract's reading order
(``items.order``), and each paragraph (``block_num``, ``par_num``) that has words is a block
(``blocks``, its box the paragraph row's). hOCR (``image_to_pdf_or_hocr(...,
extension="hocr")``, or ``tesseract … hocr`` with ``hocr_char_boxes=1``) is read with the
local Tesseract engine's own parser, with character boxes and confidences where present.

>>> from ocrframe import from_response
>>> tsv = ("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
...        "4\\t1\\t1\\t1\\t1\\t0\\t10\\t20\\t90\\t12\\t-1\\t\\n"
...        "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t40\\t12\\t96.5\\tHello\\n"
...        "5\\t1\\t1\\t1\\t1\\t2\\t55\\t20\\t45\\t12\\t91\\tworld\\n")
>>> from_response(tsv).items[["text", "x", "width", "confidence"]].values.tolist()
[['Hello world', 10, 90, 0.9375]]
"""

from __future__ import annotations

import csv
import io

from ..core.geometry import bbox
from . import hocr
from ._base import TEXT_KEY, Adapter, Context, Reader, add_words_line

COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top",
           "width", "height", "conf", "text")  # fmt: skip


def _tsv_columns(text: str, r: Reader) -> dict[str, list]:
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0][: len(COLUMNS)] != list(COLUMNS):
        raise r.fail(f"not image_to_data TSV: header {rows[0][:12] if rows else []}")
    header = rows[0]
    cols: dict[str, list] = {name: [] for name in header}
    for k, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) == len(header) - 1:  # a word row whose text is empty
            row = [*row, ""]
        if len(row) != len(header):
            raise r.fail(f"TSV line {k}: {len(row)} fields, expected {len(header)}")
        for name, value in zip(header, row):
            cols[name].append(value)
    return cols


class TesseractData(Adapter):
    """``image_to_data`` as a dict of columns (``Output.DICT``, or the DataFrame's columns)."""

    name = "tesseract_data"
    endpoint = "tesseract"
    scale = 100.0
    priority = 60

    def sniff(self, obj: dict) -> bool:
        return all(key in obj for key in ("level", "conf", "text", "line_num"))

    def parse(self, obj: dict, ctx: Context) -> None:
        self.emit(obj, self.reader(obj), ctx)

    def emit(self, cols: dict, r: Reader, ctx: Context) -> None:
        missing = [c for c in COLUMNS if c not in cols]
        if missing:
            raise r.fail(f"image_to_data lacks columns {missing}")
        cols = {c: Reader(cols[c], r.format, c).list() for c in COLUMNS}
        n = len(cols["level"])
        if any(len(cols[c]) != n for c in COLUMNS):
            raise r.fail("image_to_data columns differ in length")
        num = {
            c: [_number(r, c, k, v) for k, v in enumerate(cols[c])] for c in COLUMNS if c != "text"
        }
        texts = [_text(r, k, v) for k, v in enumerate(cols["text"])]
        pages: dict[int, int] = {}
        lines: dict[tuple, dict] = {}
        pars: dict[tuple, tuple] = {}  # (page, block, paragraph) -> the paragraph's box
        structured: set[int] = set()  # pages with block or paragraph rows
        several = len(set(num["page_num"])) > 1
        for k in range(n):
            level, page = int(num["level"][k]), int(num["page_num"][k])
            if page not in pages:
                pages[page] = self.engine_image(ctx, page=page if several else None)
            key = tuple(int(num[c][k]) for c in ("page_num", "block_num", "par_num", "line_num"))
            box = tuple(int(num[c][k]) for c in ("left", "top", "width", "height"))
            if level in (2, 3):
                structured.add(page)
                if level == 3:
                    pars[key[:3]] = box
            elif level == 4:
                lines.setdefault(key, {"box": box, "words": []})["box"] = box
            elif level == 5:
                conf = num["conf"][k]
                word = texts[k].strip()
                if word:
                    entry = lines.setdefault(key, {"box": None, "words": []})
                    entry["words"].append((word, conf if conf >= 0 else None))
        self._lines(ctx, pages, lines, pars, structured)

    @staticmethod
    def _lines(ctx: Context, pages: dict, lines: dict, pars: dict, structured: set) -> None:
        """The lines with words, in the table's order (Tesseract's reading order); one block
        per paragraph (``block_num``, ``par_num``) on pages that list them."""
        blocks: dict[tuple, int] = {}
        n_blocks: dict[int, int] = {}
        n_lines: dict[int, int] = {}
        for key, line in lines.items():
            if not line["words"]:
                continue
            page = key[0]
            block = blocks.get(key[:3])
            if block is None and page in structured:
                block = blocks[key[:3]] = n_blocks.get(page, 0)
                n_blocks[page] = block + 1
                ctx.columns.add_block(pages[page], block, order=block, box=pars.get(key[:3]))
            order = n_lines.get(page, 0)
            n_lines[page] = order + 1
            add_words_line(
                ctx, pages[page], line["words"], box=line["box"], block=block, order=order
            )


def _number(r: Reader, column: str, k: int, value) -> float:
    if isinstance(value, bool):
        raise r.fail(f"{column}[{k}]: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise r.fail(f"{column}[{k}]: expected a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise r.fail(f"{column}[{k}]: expected a finite number, got {value!r}")
    if column == "conf" and number > 100:
        raise r.fail(f"conf[{k}]: {value!r} is above 100")
    return number


def _text(r: Reader, k: int, value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN in DataFrames
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)  # a DataFrame reads a word like "2024" as a number
    raise r.fail(f"text[{k}]: expected a string, got {value!r}")


class TesseractTsv(TesseractData):
    """``image_to_data`` as its TSV text."""

    name = "tesseract_tsv"
    shape = "text"

    def sniff(self, obj: dict) -> bool:
        return obj[TEXT_KEY].lstrip().startswith("level\tpage_num")

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        self.emit(_tsv_columns(obj[TEXT_KEY], r), r, ctx)


class Hocr(Adapter):
    """hOCR (:mod:`ocrframe.formats.hocr`): one image per ``ocr_page``, its size from the page's
    ``bbox``; lines with word, and with ``hocr_char_boxes`` character, detail. The page's
    paragraphs (``ocr_par``, else ``ocr_carea``), tables and pictures are its ``blocks``, in
    document order, which is hOCR's reading order (``items.order``)."""

    name = "hocr"
    endpoint = "hocr"
    aliases = ("tesseract",)  # Tesseract's own output: endpoint="tesseract" reads it too
    scale = 1.0  # the parser gives 0-1
    priority = 61
    shape = "text"

    def endpoint_for(self, ctx: Context) -> str | None:
        """``hocr`` (hOCR is not only Tesseract's), or ``tesseract`` when asked for by it."""
        return "tesseract" if ctx.endpoint == "tesseract" else "hocr"

    def sniff(self, obj: dict) -> bool:
        return any(c in obj[TEXT_KEY] for c in ("ocr_page", "ocr_line", "ocrx_word"))

    def parse(self, obj: dict, ctx: Context) -> None:
        import xml.etree.ElementTree as ET

        try:
            pages = hocr.parse(obj[TEXT_KEY])
        except (ET.ParseError, ValueError, IndexError) as err:
            raise self.reader(obj).fail(f"unreadable hOCR: {err}") from None
        for k, page in enumerate(pages, start=1):
            width, height = page.size or (None, None)
            number = (page.number or k) if len(pages) > 1 else None
            image = self.engine_image(ctx, image_width=width, image_height=height, page=number)
            for b, block in enumerate(page.blocks):
                ctx.columns.add_block(image, b, block.kind, order=b, box=block.box)
            # hOCR lists a page's lines in its reading order
            for k, (line, block) in enumerate(zip(page.lines, page.line_blocks)):
                where = bbox(line.polygon) if line.polygon else None
                row = ctx.columns.add_item(
                    image, line.text, confidence_raw=line.confidence, box=where, block=block,
                    order=k,
                )  # fmt: skip
                ctx.columns.add_chars(
                    row, line.text, [c.confidence for c in line.chars], [c.box for c in line.chars]
                )


ADAPTERS: list[Adapter] = [TesseractData(), TesseractTsv(), Hocr()]
