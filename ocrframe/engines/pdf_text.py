"""``engine="pdf-text"``: a born-digital PDF's own text layer, in the general endpoint's shape.

A PDF made by a program (not a scan) already holds its text and where each character is: no
OCR is needed to read it, and it is a ground truth for every OCR engine that reads the same page
as an image. This engine answers like the local engine — one item per text line, in the text
layer's order, characters with their boxes in pixels of the page rendered at ``dpi`` — with no
confidence (NA: the text is not recognised, it is read). PDFium (pypdfium2) gives the characters,
its own line breaks and their boxes; the boxes go through PDFium's page-to-device mapping, so a
page's ``/Rotate`` is honoured as in the rendered page.

A PDF often mixes the two kinds of page: a report with scanned appendices, a scan that an
earlier OCR gave an invisible text layer. :func:`has_own_text` tells them apart page by page and
:class:`TextLayerFirst` (``recognize(..., text_layer="auto")``, the default) reads each page
from its own text layer where it has one and by OCR where it is a picture.

>>> import ocrframe
>>> engine = ocrframe.engines.get("pdf-text")
>>> engine.name, engine.endpoints
('pdf-text', ('general',))
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from ..core import codes
from ..core.geometry import Char, Line, rectangle
from ..inputs.images import Input, Loaded
from ..inputs.pages import _PDFIUM, DocumentError, DocumentPage
from .base import Answer, Engine, package_version
from .shape import words_response

#: a generated or blank character narrower or shorter than this (points) has no box of its own
_TINY = 0.5
#: a page an image covers this much of is a scan, unless it also shows ...
SCAN_COVER = 0.7
#: ... at least this many visible characters of its own (a born-digital page on a background)
TEXT_ON_PICTURE = 200
#: what ``recognize(text_layer=...)`` accepts: a PDF page's text layer where it is the page's
#: own text, else OCR; always OCR; the text layer only
TEXT_LAYER_CHOICES = ("auto", "never", "only")


@dataclass(frozen=True)
class PageSize:
    """What :func:`words_response` needs to know of a page it did not render."""

    source: str
    width: int
    height: int
    sha256: str


class PdfTextEngine(Engine):
    """The text layer of PDF pages (``recognize("doc.pdf", engine="pdf-text")``)."""

    name = "pdf-text"
    endpoints = ("general",)

    def __init__(self) -> None:
        self.version = package_version("pypdfium2")

    def answer_all(
        self, inputs: list[Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        self.check_endpoint(endpoint)
        for k, inp in enumerate(inputs):
            if isinstance(inp.value, DocumentError):
                detail = f"{inp.source}: {inp.value.detail}"
                yield Answer(k, codes.error_response(inp.value.code, detail))
            elif isinstance(inp.value, DocumentPage):
                yield Answer(k, self.page_response(inp.source, inp.value))
            else:
                detail = f"{inp.source}: not a PDF page (pdf-text reads a PDF's text layer)"
                yield Answer(k, codes.error_response(codes.ILLEGAL_FORMAT, detail))

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        detail = f"{image.source}: pdf-text reads a PDF's text layer, not pixels"
        return codes.error_response(codes.ILLEGAL_FORMAT, detail)

    def page_response(self, source: str, page: DocumentPage) -> dict:
        return self.response(source, page, *text_lines(page))

    def response(
        self, source: str, page: DocumentPage, lines: list[Line], size: tuple[int, int]
    ) -> dict:
        """The general endpoint's answer of a page's text-layer ``lines`` (see
        :func:`text_lines`)."""
        sha = f"{page.index:08x}{page.dpi:08x}"
        return words_response(lines, "general", PageSize(source, *size, sha), self)


class TextLayerFirst(Engine):
    """Each PDF page from its own text layer where it has one (:func:`has_own_text`), every
    other page and image by ``ocr``; ``images.engine`` says which read each page.

    Only ``general`` has a text-layer reading: other endpoints (cards) go to ``ocr`` whole.
    """

    def __init__(self, ocr: Engine, layer: PdfTextEngine | None = None) -> None:
        self.ocr = ocr
        self.layer = layer or PdfTextEngine()
        self.name = ocr.name  # the run is the OCR engine's; a page's row says who read it
        self.endpoints = ocr.endpoints
        self.version = getattr(ocr, "version", None)

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        return self.ocr.respond(image, endpoint, options)

    def answer_all(
        self, inputs: list[Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        scans = []
        for k, inp in enumerate(inputs):
            page = inp.value
            found = (
                own_text_lines(page)
                if endpoint == "general" and isinstance(page, DocumentPage)
                else None
            )
            if found is None:
                scans.append(k)
                continue
            response = self.layer.response(inp.source, page, *found)
            yield Answer(k, response, engine=self.layer.name)
        if scans:
            for answer in self.ocr.answer_all(
                [inputs[k] for k in scans], endpoint, options, session
            ):
                answer.index = scans[answer.index]
                yield answer


def has_own_text(page: DocumentPage) -> bool:
    """Whether a PDF page shows its own text: visible characters (not an earlier OCR's
    invisible layer), and not merely a few on a page that is one picture (a scan with a
    stamp). A page PDFium cannot open counts as not (OCR will say what is wrong)."""
    import pypdfium2 as pdfium

    try:
        with _opened(page) as pdf_page:
            return _shows_own_text(pdf_page)
    except pdfium.PdfiumError:
        return False


def own_text_lines(page: DocumentPage) -> tuple[list[Line], tuple[int, int]] | None:
    """:func:`text_lines` of a page that shows its own text (:func:`has_own_text`), read in
    the same opening of the document; None for any other page."""
    import pypdfium2 as pdfium

    with ExitStack() as stack:
        try:
            pdf_page = stack.enter_context(_opened(page))
            if not _shows_own_text(pdf_page):
                return None
        except pdfium.PdfiumError:  # a damaged page: OCR's rendering will say what is wrong
            return None
        return _text_lines(pdf_page, page.dpi)


@contextmanager
def _opened(page: DocumentPage):
    """PDFium's page ``page`` of its document, under PDFium's lock; the document is closed
    after."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = page.document if isinstance(page.document, bytes) else str(page.document)
        pdf = pdfium.PdfDocument(doc)
        try:
            yield pdf[page.index]
        finally:
            pdf.close()


def _shows_own_text(pdf_page) -> bool:
    """:func:`has_own_text` of an opened page."""
    import pypdfium2.raw as pdfium_c

    text = pdf_page.get_textpage()
    visible = 0
    for i in range(text.count_chars()):
        obj = pdfium_c.FPDFText_GetTextObject(text.raw, i)
        if not obj or chr(pdfium_c.FPDFText_GetUnicode(text.raw, i)).isspace():
            continue
        visible += pdfium_c.FPDFTextObj_GetTextRenderMode(obj) != (
            pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
        )
    if not visible:
        return False
    if visible >= TEXT_ON_PICTURE:
        return True
    return _picture_share(pdf_page, pdfium_c) < SCAN_COVER


def _picture_share(page, pdfium_c) -> float:
    """The largest share of the page one image covers."""
    area = max(page.get_width() * page.get_height(), 1.0)
    share = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        left, bottom, right, top = obj.get_pos()
        share = max(share, (right - left) * (top - bottom) / area)
    return share


def text_lines(page: DocumentPage) -> tuple[list[Line], tuple[int, int]]:
    """The lines of a page's text layer (split where PDFium's text breaks them), with every
    character's box in pixels of the page rendered at ``page.dpi``; and that page's size."""
    with _opened(page) as pdf_page:
        return _text_lines(pdf_page, page.dpi)


def _text_lines(pdf_page, dpi: int) -> tuple[list[Line], tuple[int, int]]:
    """:func:`text_lines` of an opened page."""
    import pypdfium2.raw as pdfium_c

    scale = dpi / 72
    size = (math.ceil(pdf_page.get_width() * scale), math.ceil(pdf_page.get_height() * scale))
    text = pdf_page.get_textpage()
    units = [pdfium_c.FPDFText_GetUnicode(text.raw, i) for i in range(text.count_chars())]
    chars = [
        (char, _device_box(pdfium_c, pdf_page, text, i, size)) for char, i in characters(units)
    ]
    return _lines(chars), size


def characters(units: list[int]) -> list[tuple[str, int]]:
    """The characters of PDFium's UTF-16 code units, each with the index of its first unit: a
    character beyond the Basic Multilingual Plane comes as a surrogate pair (a lone surrogate,
    which no string may hold, is U+FFFD).

    >>> characters([0x41, 0xDB82, 0xDC54, 0xD800])
    [('A', 0), ('\U000f0854', 1), ('\ufffd', 3)]
    """
    out = []
    i = 0
    while i < len(units):
        unit = units[i]
        pair = i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000
        if 0xD800 <= unit < 0xDC00 and pair:
            out.append((chr(0x10000 + ((unit - 0xD800) << 10) + units[i + 1] - 0xDC00), i))
            i += 2
            continue
        out.append(("\ufffd" if 0xD800 <= unit < 0xE000 else chr(unit), i))
        i += 1
    return out


def _device_box(pdfium_c, page, text, index: int, size: tuple[int, int]):
    """A character's box in pixels of the rendered page, or None for a blank or generated one."""
    left, bottom, right, top = text.get_charbox(index)
    if right - left < _TINY or top - bottom < _TINY:
        return None
    corners = []
    for x, y in ((left, top), (right, bottom)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(
            page.raw, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        corners.append((dx.value, dy.value))
    (x0, y0), (x1, y1) = corners
    return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)


def _lines(chars: list[tuple[str, tuple | None]]) -> list[Line]:
    """Characters cut into lines at PDFium's line breaks; spaces at a line's ends dropped."""
    lines: list[list[Char]] = [[]]
    for ch, box in chars:
        if ch == "\x02":  # PDFium's mark of a hyphen that ends a line: the hyphen, then a break
            lines[-1].append(Char("-", None, box))
            lines.append([])
        elif ch == "\n" and lines[-1]:
            lines.append([])
        elif ch not in "\r\n":
            lines[-1].append(Char(ch, None, box))
    out = []
    for line in lines:
        while line and line[-1].text.isspace():
            line.pop()
        while line and line[0].text.isspace():
            line.pop(0)
        boxes = [c.box for c in line if c.box is not None]
        if not line or not boxes:
            continue
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        polygon = rectangle((x0, y0, x1 - x0, y1 - y0))
        out.append(
            Line([(float(x), float(y)) for x, y in polygon], "".join(c.text for c in line), line)
        )
    return out
