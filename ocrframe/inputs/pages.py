"""Documents as pages: PDF pages rendered when they are needed, and multi-page TIFF frames.

A document named as an input becomes one input per page (1-based, as PDF viewers count), each
read only when an engine asks for it, so a 500-page PDF is never held whole: :func:`split`
counts the pages, :func:`render` draws one. PDFs are read with pypdfium2 (PDFium, the engine of
Chrome's viewer: no system dependency). A document that cannot be opened — encrypted without a
password, damaged, without pages — is one failed input with a code that says which.

No page is drawn larger than ``max_pixels`` (:data:`MAX_PIXELS` unless ``recognize(...,
max_pixels=)`` says otherwise): a page that would be larger at the ``dpi`` asked for is rendered
at the highest whole dpi that fits, with an :class:`OcrDpiWarning`, and that dpi is the one its
input (and ``images.dpi``) says. A TIFF frame over the limit is a failed input, read no further.

>>> from ocrframe.inputs.pages import select_pages
>>> select_pages(5, None), select_pages(5, [2, 4]), select_pages(5, range(4, 7))
([1, 2, 3, 4, 5], [2, 4], [4, 5, 6])
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import codes
from ..errors import OcrDpiWarning, OcrframeError

#: the resolution PDF pages are rendered at unless ``dpi=`` says otherwise (chosen by
#: measurement on real scans: see the README, "Recognise")
DEFAULT_DPI = 300
#: the most pixels an input image or a rendered page may have (width × height): Pillow's
#: decompression-bomb limit (``PIL.Image.MAX_IMAGE_PIXELS``, about 89.5 million, a 24-bit RGB
#: picture of 256 MB). A larger image is a failed input that says its size; a larger PDF page
#: is rendered at a lower dpi. ``recognize(..., max_pixels=)`` sets another (None: no limit).
MAX_PIXELS = 89_478_485
PDF_MAGIC = b"%PDF-"
TIFF_SUFFIXES = frozenset({".tif", ".tiff"})
# PDFium is not thread-safe: one call into it at a time, from any thread
_PDFIUM = threading.RLock()


class PageError(Exception):
    """A page or frame that cannot be drawn (too large, damaged): the service's ``code`` and
    the reason."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class DocumentPage:
    """Page ``index`` (0-based) of a PDF (a path or its bytes), rendered at ``dpi`` when read,
    refused if that would make more than ``max_pixels`` pixels."""

    document: Path | bytes
    index: int
    dpi: int
    max_pixels: int | None = MAX_PIXELS


@dataclass(frozen=True)
class TiffPage:
    """Frame ``index`` (0-based) of a multi-page TIFF (a path or its bytes), refused if it has
    more than ``max_pixels`` pixels."""

    document: Path | bytes
    index: int
    max_pixels: int | None = MAX_PIXELS


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


def check_max_pixels(max_pixels: int | None) -> int | None:
    """``max_pixels`` checked: a whole number of pixels (1 or more), or None for no limit."""
    if max_pixels is None:
        return None
    if (
        isinstance(max_pixels, bool)
        or not isinstance(max_pixels, int | np.integer)
        or max_pixels < 1
    ):
        raise OcrframeError(
            f"max_pixels is a whole number of pixels (1 or more) or None, got {max_pixels!r}"
        )
    return int(max_pixels)


def over_limit(width: int, height: int, max_pixels: int | None) -> str | None:
    """What is wrong when a ``width`` × ``height`` picture has more than ``max_pixels`` pixels
    (None when it has not).

    >>> over_limit(40_000, 40_000, MAX_PIXELS)
    '40000 × 40000 pixels (1,600,000,000), more than max_pixels=89,478,485'
    """
    if max_pixels is None or width * height <= max_pixels:
        return None
    return f"{width} × {height} pixels ({width * height:,}), more than max_pixels={max_pixels:,}"


def unchecked_size(value: Path | bytes) -> tuple[int, int] | None:
    """The size an image's header claims, for one Pillow refuses to open as a decompression
    bomb (so that the message can say it): read as ``Image.open`` reads it, header only."""
    from PIL import Image

    Image.init()
    try:
        fp = io.BytesIO(value) if isinstance(value, bytes) else open(value, "rb")  # noqa: SIM115
    except OSError:
        return None
    with fp:
        prefix = fp.read(16)
        for name in Image.ID:
            factory, accept = Image.OPEN[name]
            found = not accept or accept(prefix)
            if not found or isinstance(found, str):
                continue
            try:
                fp.seek(0)
                width, height = factory(fp, "").size
            except Exception:  # any plugin's refusal: try the next, as Pillow does
                continue
            return int(width), int(height)
    return None


def bomb_detail(value: Path | bytes, max_pixels: int | None, err: Exception) -> str:
    """Why an image Pillow refuses as a decompression bomb is not read: its size and the limit
    it is over (``max_pixels``, or Pillow's own when ``max_pixels`` is larger)."""
    from PIL import Image

    size = unchecked_size(value)
    if size is None:
        return f"more pixels than Pillow opens ({err})"
    width, height = size
    return over_limit(width, height, max_pixels) or (
        f"{width} × {height} pixels ({width * height:,}), more than Pillow opens (twice "
        f"PIL.Image.MAX_IMAGE_PIXELS={Image.MAX_IMAGE_PIXELS:,})"
    )


def render_size(width: float, height: float, dpi: float) -> tuple[int, int]:
    """The pixels a page of ``width`` × ``height`` points renders to at ``dpi`` (as PDFium
    rounds: up)."""
    scale = dpi / 72
    return math.ceil(width * scale), math.ceil(height * scale)


def fitting_dpi(width: float, height: float, dpi: int, max_pixels: int | None) -> int:
    """The highest whole dpi, ``dpi`` at most, at which a page of ``width`` × ``height``
    points has no more than ``max_pixels`` pixels (0: not even at 1 dpi).

    >>> fitting_dpi(14_400, 14_400, 300, MAX_PIXELS)  # 200 × 200 inches
    47
    >>> fitting_dpi(595, 842, 300, MAX_PIXELS)  # A4 fits
    300
    """
    if max_pixels is None:
        return dpi
    w, h = render_size(width, height, dpi)
    if w * h <= max_pixels:
        return dpi
    best = min(dpi, int(72 * math.sqrt(max_pixels / (width * height))))
    while best >= 1 and math.prod(render_size(width, height, best)) > max_pixels:
        best -= 1
    return max(best, 0)


def page_count(value: Path | bytes) -> int | None:
    """The pages of a PDF or multi-page TIFF (None for anything else, or a document that cannot
    be opened)."""
    if is_pdf(value):
        found = _pdf_pages(value)
        return None if isinstance(found, DocumentError) else found
    frames = _tiff_frames(value) if is_tiff(value) else None
    return frames if frames and frames > 1 else None


def split(
    value: Path | bytes, pages=None, dpi: int = DEFAULT_DPI, max_pixels: int | None = MAX_PIXELS
) -> Split | None:
    """The pages of a PDF or of a multi-page TIFF; None when ``value`` is neither (a picture).

    A page asked for that the document does not have is a failed page (code -12). A PDF page
    larger than ``max_pixels`` at ``dpi`` gets the highest dpi that fits (one
    :class:`OcrDpiWarning` per document); one too large even at 1 dpi is a failed page."""
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
    numbers = select_pages(count, pages)
    sizes = _pdf_sizes(value, [n for n in numbers if n <= count]) if pdf else {}
    out: list[tuple] = []
    lowered: list[str] = []
    for number in numbers:
        if number > count:
            detail = f"no page {number}: the document has {count}"
            out.append((number, DocumentError(codes.NO_SUCH_PAGE, detail)))
        elif pdf:
            out.append(
                (number, _pdf_page(value, number, sizes.get(number), dpi, max_pixels, lowered))
            )
        else:
            out.append((number, TiffPage(value, number - 1, max_pixels)))
    if lowered:
        more = f" (and {len(lowered) - 1} more pages)" if len(lowered) > 1 else ""
        name = "a PDF's bytes" if isinstance(value, bytes) else str(value)
        warnings.warn(f"{name}: {lowered[0]}{more}", OcrDpiWarning, stacklevel=4)
    return Split(out)


def _pdf_page(
    value: Path | bytes,
    number: int,
    size: tuple[float, float] | None,
    dpi: int,
    max_pixels: int | None,
    lowered: list[str],
) -> DocumentPage | DocumentError:
    """Page ``number`` at ``dpi``, or at the highest dpi within ``max_pixels`` (noted in
    ``lowered``); a page whose size cannot be read is left to fail, with its reason, when it is
    rendered."""
    if size is None or max_pixels is None:
        return DocumentPage(value, number - 1, dpi, max_pixels)
    width, height = size
    fits = fitting_dpi(width, height, dpi, max_pixels)
    inches = f"{width / 72:g} × {height / 72:g} in"
    if fits < 1:
        w, h = render_size(width, height, 1)
        detail = f"page {number} is {inches}: even at 1 dpi {over_limit(w, h, max_pixels)}"
        return DocumentError(codes.IMAGE_TOO_LARGE, detail)
    if fits < dpi:
        w, h = render_size(width, height, dpi)
        lowered.append(
            f"page {number} is {inches}: at {dpi} dpi {over_limit(w, h, max_pixels)}; "
            f"rendered at {fits} dpi"
        )
    return DocumentPage(value, number - 1, fits, max_pixels)


def _pdf_sizes(value: Path | bytes, numbers: list[int]) -> dict[int, tuple[float, float]]:
    """The size in points of PDF pages ``numbers`` (1-based), read without loading the pages;
    a page whose size cannot be read (damaged, or not a finite positive size) is left out."""
    import pypdfium2 as pdfium

    out: dict[int, tuple[float, float]] = {}
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(value if isinstance(value, bytes) else str(value))
        except (pdfium.PdfiumError, OSError):
            return out
        try:
            for number in numbers:
                try:
                    width, height = pdf.get_page_size(number - 1)
                except pdfium.PdfiumError:
                    continue
                if all(math.isfinite(d) and d > 0 for d in (width, height)):
                    out[number] = (width, height)
        finally:
            pdf.close()
    return out


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
    from PIL import Image

    try:
        with Image.open(io.BytesIO(value) if isinstance(value, bytes) else value) as img:
            return getattr(img, "n_frames", 1)
    except Exception:  # damaged (Pillow raises many kinds), too large, not an image:
        return None  # it fails again, with its reason, when it is read as a picture


def render(page: DocumentPage) -> np.ndarray:
    """The RGB pixels of a PDF page at its resolution (white paper under transparency).

    Raises :class:`PageError` for a page larger than its ``max_pixels`` (checked before any
    pixel is drawn) or one PDFium cannot draw."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(
                page.document if isinstance(page.document, bytes) else str(page.document)
            )
        except pdfium.PdfiumError as err:
            found = _open_error(err, page.document)
            raise PageError(found.code, found.detail) from None
        try:
            pdf_page = pdf[page.index]
            width, height = pdf_page.get_size()
            if not all(math.isfinite(d) and d > 0 for d in (width, height)):
                raise PageError(
                    codes.DAMAGED_DOCUMENT,
                    f"page {page.index + 1} has no size ({width} × {height})",
                )
            too_large = over_limit(*render_size(width, height, page.dpi), page.max_pixels)
            if too_large:
                raise PageError(
                    codes.IMAGE_TOO_LARGE, f"page {page.index + 1} at {page.dpi} dpi: {too_large}"
                )
            bitmap = pdf_page.render(
                scale=page.dpi / 72, fill_color=(255, 255, 255, 255), rev_byteorder=True
            )
            # a copy: PDFium's buffer is freed with the document
            rgb = np.array(bitmap.to_numpy()[..., :3], dtype=np.uint8)
        except (pdfium.PdfiumError, ValueError, IndexError) as err:
            detail = f"PDFium cannot draw page {page.index + 1} ({err})"
            raise PageError(codes.DAMAGED_DOCUMENT, detail) from None
        finally:
            pdf.close()
    return rgb


def tiff_frame(page: TiffPage):
    """The PIL image of one TIFF frame (decoded now, not the whole file). Raises
    :class:`PageError` for a frame larger than its ``max_pixels`` (before it is decoded)."""
    from PIL import Image

    try:
        img = Image.open(
            io.BytesIO(page.document) if isinstance(page.document, bytes) else page.document
        )
    except Image.DecompressionBombError as err:
        detail = bomb_detail(page.document, page.max_pixels, err)
        raise PageError(codes.IMAGE_TOO_LARGE, detail) from None
    img.seek(page.index)
    too_large = over_limit(img.width, img.height, page.max_pixels)
    if too_large:
        raise PageError(codes.IMAGE_TOO_LARGE, f"frame {page.index + 1}: {too_large}")
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
