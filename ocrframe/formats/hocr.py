"""hOCR: the HTML that Tesseract, OCRopus, Kraken and others write, page by page and line by line.

Pages are ``ocr_page`` elements (``bbox 0 0 W H`` is the page size; ``ppageno`` its 0-based
number), lines ``ocr_line`` (or ``ocr_header``/``ocr_caption``/``ocr_textfloat``), words
``ocrx_word`` (``x_wconf`` 0–100) and, with Tesseract's ``hocr_char_boxes``, characters
``ocrx_cinfo`` (``x_bboxes``, ``x_conf``). Only the chosen reading is read: Tesseract's
alternatives (``lstm_choice_mode``: ``lstm_choices_*``/``choice_*``/``timestep*`` spans, which
are also ``ocrx_cinfo``, and ``ocr_symbol``/``ocr_glyph`` spans) stay in the raw text.

>>> from ocrframe import data_path
>>> page = parse(open(data_path("responses/tesseract.hocr"), encoding="utf-8").read())[0]
>>> page.size, [line.text for line in page.lines]
((300, 100), ['OK go'])
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


@dataclass
class Page:
    """One ``ocr_page``: its size (``None`` when not given), 1-based number and lines."""

    size: tuple[int, int] | None = None
    number: int | None = None
    image: str | None = None  # the file name the page says it was read from
    lines: list[Line] = field(default_factory=list)


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
    return pages or [Page()]


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
    """The element's descendants in document order, without alternative readings."""
    for child in element:
        if _is_alternative(child):
            continue
        yield child
        yield from _chosen(child)


def _own_text(element: ET.Element) -> str:
    """The text of ``element`` without that of its alternative readings."""
    parts = [element.text or ""]
    for child in element:
        if not _is_alternative(child):
            parts.append(_own_text(child))
        parts.append(child.tail or "")
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
