"""hOCR: the HTML that Tesseract, OCRopus, Kraken and others write, page by page and line by line.

Pages are ``ocr_page`` elements (``bbox 0 0 W H`` is the page size; ``ppageno`` its 0-based
number), lines ``ocr_line`` (or ``ocr_header``/``ocr_caption``/``ocr_textfloat``), words
``ocrx_word`` (``x_wconf`` 0–100) and, with Tesseract's ``hocr_char_boxes``, characters
``ocrx_cinfo`` (``x_bboxes``, ``x_conf``). Only the chosen reading is read: Tesseract's
alternatives (``lstm_choice_mode``: ``lstm_choices_*``/``choice_*``/``timestep*`` spans, which
are also ``ocrx_cinfo``, and ``ocr_symbol``/``ocr_glyph`` spans) stay in the raw text.

The page's structure is kept as its :class:`Block` s, in document order (hOCR's reading order):
one per ``ocr_par``, or per ``ocr_carea`` for lines outside any paragraph, ``ocr_table``
(``table``: its lines are one block) and pictures (``ocr_photo``, ``ocr_image``,
``ocr_linedrawing``: ``figure``). A block all of whose lines are ``ocr_header`` (Tesseract's
headings) is a ``title``, all ``ocr_caption`` a ``caption``, any other ``text``.

>>> from ocrframe import data_path
>>> page = parse(open(data_path("responses/tesseract.hocr"), encoding="utf-8").read())[0]
>>> page.size, [line.text for line in page.lines]
((300, 100), ['OK go'])
>>> [(b.kind, b.box) for b in page.blocks], page.line_blocks
([('text', (10, 10, 110, 30))], [0])
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ..core.geometry import Char, Line, rectangle
from ._base import is_cjk

LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat", "ocrx_line"})
#: markers of an alternative reading: never part of the text
ALTERNATIVE_IDS = ("lstm_choices", "choice_", "timestep")
ALTERNATIVE_CLASSES = frozenset({"ocr_symbol", "ocr_glyph", "ocr_lstm_choices"})
#: elements that are a block of the page: a paragraph first, else its area
FIGURE_CLASSES = frozenset({"ocr_photo", "ocr_image", "ocr_linedrawing"})
AREA_CLASSES = frozenset({"ocr_carea", "ocr_float"}) | FIGURE_CLASSES


@dataclass
class Block:
    """One block of a page: its kind (``text``, ``title``, ``caption``, ``table``, ``figure``)
    and box (``None`` when not given)."""

    kind: str
    box: tuple[int, int, int, int] | None
    lines: int = 0  # how many of the page's lines are in it
    headers: int = 0  # ... of which ocr_header lines
    captions: int = 0  # ... and ocr_caption lines


@dataclass
class Page:
    """One ``ocr_page``: its size (``None`` when not given), 1-based number and lines."""

    size: tuple[int, int] | None = None
    number: int | None = None
    image: str | None = None  # the file name the page says it was read from
    lines: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # in document order
    line_blocks: list[int | None] = field(default_factory=list)  # per line, its block's index
    _index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def block_of(self, element: ET.Element, kind: str = "text") -> int:
        """The index of the block ``element`` is (added on first sight)."""
        key = id(element)
        if key not in self._index:
            props = properties(element)
            where = box(props["bbox"]) if len(props.get("bbox", [])) >= 4 else None
            self._index[key] = len(self.blocks)
            self.blocks.append(Block(kind, where))
        return self._index[key]


def properties(element: ET.Element) -> dict[str, list[str]]:
    """hOCR ``title`` properties: ``'bbox 1 2 3 4; x_wconf 96'`` -> {"bbox": [...], ...}.

    >>> properties(ET.fromstring('<span title="bbox 1 2 3 4; x_wconf 96"/>'))
    {'bbox': ['1', '2', '3', '4'], 'x_wconf': ['96']}
    """
    props: dict[str, list[str]] = {}
    for part in (element.get("title") or "").split(";"):
        words = part.split()
        if words:
            props[words[0]] = words[1:]
    return props


def box(values: list[str]) -> tuple[int, int, int, int]:
    """``x0 y0 x1 y1`` as ``(x, y, width, height)``."""
    x0, y0, x1, y1 = (round(float(v)) for v in values[:4])
    return x0, y0, x1 - x0, y1 - y0


def parse(text: str) -> list[Page]:
    """The pages of an hOCR document (one page without a size when it has no ``ocr_page``).

    Raises ``ET.ParseError`` or ``ValueError`` for what is not hOCR."""
    root = ET.fromstring(_xml(text))
    _strip_namespaces(root)
    pages: list[Page] = []
    current = Page()
    parents = {child: parent for parent in root.iter() for child in parent}
    for element, inside_page in _walk(root):
        classes = _classes(element)
        if "ocr_page" in classes:
            current = _page(element)
            pages.append(current)
        elif classes & LINE_CLASSES:
            line = _line(element)
            if line is not None:
                if not inside_page and (not pages or pages[-1] is not current):
                    pages.append(current)  # lines outside any ocr_page: one page of their own
                current.lines.append(line)
                current.line_blocks.append(_line_block(current, element, classes, parents))
        elif classes & FIGURE_CLASSES and inside_page:
            current.block_of(element, "figure")
    for page in pages:
        for block in page.blocks:
            if block.kind == "text" and block.lines and block.headers == block.lines:
                block.kind = "title"
            elif block.kind == "text" and block.lines and block.captions == block.lines:
                block.kind = "caption"
    return pages or [Page()]


def _line_block(page: Page, line: ET.Element, classes: set[str], parents: dict) -> int | None:
    """The block of a line: its ``ocr_table``, else its ``ocr_par``, else its area."""
    par = area = None
    up = parents.get(line)
    while up is not None:
        found = _classes(up)
        if "ocr_page" in found:
            break
        if "ocr_table" in found:
            par, area = None, up
            break
        if par is None and "ocr_par" in found:
            par = up
        if area is None and found & AREA_CLASSES:
            area = up
        up = parents.get(up)
    element = par if par is not None else area
    if element is None:
        return None
    kind = "table" if "ocr_table" in _classes(element) else "figure" if (
        _classes(element) & FIGURE_CLASSES
    ) else "text"  # fmt: skip
    k = page.block_of(element, kind)
    block = page.blocks[k]
    block.lines += 1
    block.headers += "ocr_header" in classes
    block.captions += "ocr_caption" in classes
    return k


def _xml(text: str) -> str:
    """hOCR as XML: HTML entities Tesseract never writes but other tools do (``&nbsp;``)."""
    return text.replace("&nbsp;", "&#160;")


def _strip_namespaces(root: ET.Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _walk(root: ET.Element):
    """Elements in document order with whether they are inside an ``ocr_page``; line elements
    are not descended into (their words are read by :func:`_line`)."""
    stack = [(root, False)]
    while stack:
        element, inside = stack.pop()
        yield element, inside
        classes = _classes(element)
        if classes & LINE_CLASSES:
            continue
        inside = inside or "ocr_page" in classes
        stack.extend((child, inside) for child in reversed(element))


def _page(element: ET.Element) -> Page:
    props = properties(element)
    size = None
    if "bbox" in props:
        x, y, w, h = box(props["bbox"])
        size = (x + w, y + h)
    number = int(props["ppageno"][0]) + 1 if props.get("ppageno") else None
    image = " ".join(props.get("image", [])).strip('"') or None
    return Page(size, number, image)


def _is_alternative(element: ET.Element) -> bool:
    ident = element.get("id") or ""
    return ident.startswith(ALTERNATIVE_IDS) or bool(_classes(element) & ALTERNATIVE_CLASSES)


def _chosen(element: ET.Element):
    """The element's descendants in document order, without alternative readings (without
    recursion: a hostile file nests elements thousands deep)."""
    todo = [iter(element)]
    while todo:
        for child in todo[-1]:
            if not _is_alternative(child):
                yield child
                todo.append(iter(child))
                break
        else:
            todo.pop()


def _own_text(element: ET.Element) -> str:
    """The text of ``element`` without that of its alternative readings (without recursion)."""
    parts: list[str] = []
    todo: list[ET.Element | str] = [element]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        parts.append(item.text or "")
        for child in reversed(item):  # each child's text, then its tail, in order
            todo.append(child.tail or "")
            if not _is_alternative(child):
                todo.append(child)
    return "".join(parts)


def _word_chars(word: ET.Element) -> list[Char]:
    pieces = [el for el in _chosen(word) if "ocrx_cinfo" in _classes(el)]
    if not pieces:  # no character detail: the word's confidence for each, no boxes
        conf = _confidence(properties(word), "x_wconf")
        return [Char(ch, conf, None) for ch in _squeeze(_own_text(word))]
    chars = []
    for piece in pieces:
        props = properties(piece)
        conf = _confidence(props, "x_conf")
        where = box(props["x_bboxes"]) if len(props.get("x_bboxes", [])) >= 4 else None
        chars += [Char(ch, conf, where) for ch in (piece.text or "").strip()]
    return chars


def _confidence(props: dict[str, list[str]], key: str) -> float | None:
    values = props.get(key)
    return float(values[0]) / 100 if values else None


_SPACES = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _line(element: ET.Element) -> Line | None:
    """A line from its words (joined with a space, except between two CJK characters, which
    Tesseract splits into words the text does not separate); a space has no confidence."""
    words = [el for el in _chosen(element) if "ocrx_word" in _classes(el)]
    chars: list[Char] = []
    # hOCR has no line confidence: its words' mean (x_wconf), as Tesseract's own tools take it
    word_confs = [
        c for c in (_confidence(properties(w), "x_wconf") for w in words) if c is not None
    ]
    if words:
        for word in words:
            pieces = _word_chars(word)
            if not pieces:
                continue
            if chars and not (is_cjk(chars[-1].text) and is_cjk(pieces[0].text)):
                chars.append(Char(" ", None, None))
            chars += pieces
    else:  # a line written without word spans (other tools)
        chars = [Char(ch, None, None) for ch in _squeeze(_own_text(element))]
    if not chars:
        return None
    props = properties(element)
    where = box(props["bbox"]) if len(props.get("bbox", [])) >= 4 else None
    polygon = [(float(x), float(y)) for x, y in rectangle(where)] if where else []
    confidence = sum(word_confs) / len(word_confs) if word_confs else None
    return Line(polygon, "".join(c.text for c in chars), chars, confidence)
