"""Documents as pages: PDF pages rendered when they are needed, and multi-page TIFF frames.

A document named as an input becomes one input per page (1-based, as PDF viewers count), each
read only when an engine asks for it, so a 500-page PDF is never held whole: :func:`split`
counts the pages, :func:`render` draws one. PDFs are read with pypdfium2 (PDFium, the engine of
Chrome's viewer: no system dependency). A document that cannot be opened — encrypted without a
password, damaged, without pages — is one failed input with a code that says which.

>>> from ocrframe.inputs.pages import select_pages
>>> select_pages(5, None), select_pages(5, [2, 4]), select_pages(5, range(4, 7))
([1, 2, 3, 4, 5], [2, 4], [4, 5, 6])
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import codes
from ..errors import OcrframeError

#: the resolution PDF pages are rendered at unless ``dpi=`` says otherwise (chosen by
#: measurement on real scans: see the README, "Recognise")
DEFAULT_DPI = 300
PDF_MAGIC = b"%PDF-"
TIFF_SUFFIXES = frozenset({".tif", ".tiff"})
# PDFium is not thread-safe: one call into it at a time, from any thread
_PDFIUM = threading.RLock()


@dataclass(frozen=True)
class DocumentPage:
    """Page ``index`` (0-based) of a PDF (a path or its bytes), rendered at ``dpi`` when read."""

    document: Path | bytes
    index: int
    dpi: int


@dataclass(frozen=True)
class TiffPage:
    """Frame ``index`` (0-based) of a multi-page TIFF (a path or its bytes)."""

    document: Path | bytes
    index: int


@dataclass(frozen=True)
class DocumentError:
    """A document that cannot be read: one failed input, with the code that says why."""

    code: int
    detail: str


@dataclass(frozen=True)
class Split:
    """What a document input becomes: its pages (1-based number, value to read) or an error."""

    pages: list[tuple[int, DocumentPage | TiffPage | DocumentError]]


def is_pdf(value: Path | bytes) -> bool:
    """Whether a path or bytes is a PDF (by its first bytes, whatever the file is called)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value[:1024]).lstrip().startswith(PDF_MAGIC)
    if value.suffix.lower() == ".pdf":
        return True
    try:
        with open(value, "rb") as f:
            return f.read(1024).lstrip().startswith(PDF_MAGIC)
    except OSError:
        return False


def is_tiff(value: Path | bytes) -> bool:
    if isinstance(value, bytes | bytearray):
        return bytes(value[:4]) in (b"II*\x00", b"MM\x00*")
    return value.suffix.lower() in TIFF_SUFFIXES


def select_pages(count: int, pages: int | Iterable[int] | None) -> list[int]:
    """The 1-based page numbers ``pages`` asks for (all ``count`` when None), in its order."""
    if pages is None:
        return list(range(1, count + 1))
    wanted = [pages] if isinstance(pages, int) else list(pages)
    bad = [p for p in wanted if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 1]
    if bad:
        raise OcrframeError(f"pages are numbered from 1 (an int, a list or a range): got {bad[:3]}")
    return [int(p) for p in wanted]


def check_dpi(dpi: int) -> int:
    if isinstance(dpi, bool) or not isinstance(dpi, int | np.integer) or not 36 <= dpi <= 1200:
        raise OcrframeError(f"dpi is a whole number of dots per inch from 36 to 1200, got {dpi!r}")
    return int(dpi)


def page_count(value: Path | bytes) -> int | None:
    """The pages of a PDF or multi-page TIFF (None for anything else, or a document that cannot
    be opened)."""
    if is_pdf(value):
        found = _pdf_pages(value)
        return None if isinstance(found, DocumentError) else found
    frames = _tiff_frames(value) if is_tiff(value) else None
    return frames if frames and frames > 1 else None


def split(value: Path | bytes, pages=None, dpi: int = DEFAULT_DPI) -> Split | None:
    """The pages of a PDF or of a multi-page TIFF; None when ``value`` is neither (a picture).

    A page asked for that the document does not have is a failed page (code -12)."""
    pdf = is_pdf(value)
    if pdf:
        count = _pdf_pages(value)
        if isinstance(count, DocumentError):
            return Split([(None, count)])
    elif is_tiff(value):
        count = _tiff_frames(value)
        if count is None or count <= 1:
            return None  # one frame: a picture like any other
    else:
        return None
    out: list[tuple] = []
    for number in select_pages(count, pages):
        if number > count:
            detail = f"no page {number}: the document has {count}"
            out.append((number, DocumentError(codes.NO_SUCH_PAGE, detail)))
        elif pdf:
            out.append((number, DocumentPage(value, number - 1, dpi)))
        else:
            out.append((number, TiffPage(value, number - 1)))
    return Split(out)


def _pdf_pages(value: Path | bytes) -> int | DocumentError:
    """The number of pages of a PDF, or why it cannot be opened."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(value if isinstance(value, bytes) else str(value))
        except pdfium.PdfiumError as err:
            return _open_error(err, value)
        except (OSError, FileNotFoundError) as err:
            return DocumentError(codes.UNREADABLE_FILE, f"cannot read it ({err})")
        try:
            count = len(pdf)
        finally:
            pdf.close()
    if count == 0:
        return DocumentError(codes.NO_SUCH_PAGE, "it has no pages")
    return count


_NO_PAGES = re.compile(rb"/Count\s+0\b")
_A_PAGE = re.compile(rb"/Type\s*/Page\b")


def _open_error(err: Exception, value: Path | bytes) -> DocumentError:
    """Why PDFium refused a document: a password, no pages (which PDFium refuses to load as
    well: told by its page tree, when that is plain text), or damage."""
    text = str(err)
    if "password" in text.lower():
        return DocumentError(codes.ENCRYPTED_DOCUMENT, "it needs a password")
    try:
        head = value[:10_000_000] if isinstance(value, bytes) else value.read_bytes()[:10_000_000]
    except OSError:
        head = b""
    if _NO_PAGES.search(head) and not _A_PAGE.search(head):
        return DocumentError(codes.NO_SUCH_PAGE, "it has no pages")
    return DocumentError(codes.DAMAGED_DOCUMENT, f"PDFium cannot read it ({text})")


def _tiff_frames(value: Path | bytes) -> int | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(value) if isinstance(value, bytes) else value) as img:
            return getattr(img, "n_frames", 1)
    except (OSError, UnidentifiedImageError, ValueError):
        return None  # fails again, with its reason, when it is read as a picture


def render(page: DocumentPage) -> np.ndarray:
    """The RGB pixels of a PDF page at its resolution (white paper under transparency)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(
            page.document if isinstance(page.document, bytes) else str(page.document)
        )
        try:
            bitmap = pdf[page.index].render(
                scale=page.dpi / 72, fill_color=(255, 255, 255, 255), rev_byteorder=True
            )
            # a copy: PDFium's buffer is freed with the document
            rgb = np.array(bitmap.to_numpy()[..., :3], dtype=np.uint8)
        finally:
            pdf.close()
    return rgb


def tiff_frame(page: TiffPage):
    """The PIL image of one TIFF frame (decoded now, not the whole file)."""
    from PIL import Image

    img = Image.open(
        io.BytesIO(page.document) if isinstance(page.document, bytes) else page.document
    )
    img.seek(page.index)
    img.load()
    return img


def document_bytes_digest(document: Path | bytes) -> str:
    """SHA-256 of a document's bytes, read in blocks (a dataset's resume key of each page)."""
    import hashlib

    h = hashlib.sha256()
    if isinstance(document, bytes):
        h.update(document)
    else:
        with open(document, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def size_of(page: DocumentPage) -> tuple[int, int]:
    """(width, height) in pixels the page renders to at its resolution."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(
            page.document if isinstance(page.document, bytes) else str(page.document)
        )
        try:
            width, height = pdf[page.index].get_size()
        finally:
            pdf.close()
    scale = page.dpi / 72
    return round(width * scale), round(height * scale)
