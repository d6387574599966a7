"""``engine="pdf-text"``: a born-digital PDF's own text layer, in the general endpoint's shape.

A PDF made by a program (not a scan) already holds its text and where each character is: no
OCR is needed to read it, and it is a ground truth for every OCR engine that reads the same page
as an image. This engine answers like the local engine — one item per text line, in the text
layer's order, characters with their boxes in pixels of the page rendered at ``dpi`` — with no
confidence (NA: the text is not recognised, it is read). PDFium (pypdfium2) gives the characters,
its own line breaks and their boxes; the boxes go through PDFium's page-to-device mapping, so a
page's ``/Rotate`` is honoured as in the rendered page.

>>> import ocrframe
>>> engine = ocrframe.engines.get("pdf-text")
>>> engine.name, engine.endpoints
('pdf-text', ('general',))
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..core import codes
from ..core.geometry import Char, Line, rectangle
from ..inputs.images import Input, Loaded
from ..inputs.pages import _PDFIUM, DocumentError, DocumentPage
from .base import Answer, Engine, package_version
from .shape import words_response

#: a generated or blank character narrower or shorter than this (points) has no box of its own
_TINY = 0.5


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
        lines, size = text_lines(page)
        sha = f"{page.index:08x}{page.dpi:08x}"
        return words_response(lines, "general", PageSize(source, *size, sha), self)


def text_lines(page: DocumentPage) -> tuple[list[Line], tuple[int, int]]:
    """The lines of a page's text layer (split where PDFium's text breaks them), with every
    character's box in pixels of the page rendered at ``page.dpi``; and that page's size."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with _PDFIUM:
        doc = page.document if isinstance(page.document, bytes) else str(page.document)
        pdf = pdfium.PdfDocument(doc)
        try:
            pdf_page = pdf[page.index]
            scale = page.dpi / 72
            size = (
                math.ceil(pdf_page.get_width() * scale),
                math.ceil(pdf_page.get_height() * scale),
            )
            text = pdf_page.get_textpage()
            chars = []
            for i in range(text.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(text.raw, i)
                chars.append((chr(code), _device_box(pdfium_c, pdf_page, text, i, size)))
        finally:
            pdf.close()
    return _lines(chars), size


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
