"""A searchable PDF: each image as a page, with an invisible text layer on the recognised words,
so that selecting text in a PDF viewer selects the right words and search finds them.

Each word (each line, where the result has no character boxes) is set in invisible text
(render mode 3) in one TrueType font that has all the result's characters (embedded as a
subset, so the text extracts as Unicode), sized to the word's box and stretched to its width.
reportlab writes the PDF (a well-kept, pure-Python PDF library; it embeds and subsets fonts).
A page is as large as its image at the resolution it was rendered at (PDF pages), else at
150 dpi. A page whose picture is not at hand (a result read from saved responses) is blank, of
its image's size or, where that is not known either, of its boxes' extent; a warning says so.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.atomic import replacing
from ..errors import OcrExportWarning, OcrframeError
from .layout import PageLayout, pages

#: the resolution pictures that were not rendered from a PDF are laid out at
PICTURE_DPI = 150


def _font(text: str):
    """A reportlab TrueType font with every character of ``text`` (registered once)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from ..core.fonts import font_path_for

    path = font_path_for(text or "A")
    if path is None:
        raise OcrframeError(
            "no installed font has the text's characters (apt-get install fonts-noto-cjk or "
            "fonts-wqy-microhei)"
        )
    name = f"ocrframe-{Path(path).stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        if str(path).lower().endswith(".ttc"):
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
        else:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


@dataclass(frozen=True)
class Face:
    """A registered font and its ascent and descent in ems (descent is negative), which set
    every word's size and baseline in its box."""

    name: str
    ascent: float
    descent: float

    @classmethod
    def of(cls, name: str) -> Face:
        from reportlab.pdfbase import pdfmetrics

        face = pdfmetrics.getFont(name).face
        return cls(name, face.ascent / 1000, face.descent / 1000)


def write_pdf(
    result, path: str | os.PathLike, pictures: dict | None = None, quality: int = 90
) -> Path:
    """Write ``result`` as a searchable PDF at ``path``: one page per image (its picture, from
    the result or ``pictures[image_id]``, as JPEG of ``quality``), the words as invisible text
    on their boxes."""

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    found = pages(result)
    all_text = "".join(line.text for page in found for line in page.lines)
    face = Face.of(_font(all_text))
    with _binary_images(), replacing(out) as tmp:
        blank = _draw(found, result, tmp, face, pictures, quality)
    if blank:
        warnings.warn(
            f"{blank} of {len(found)} pages have no picture at hand (a result read from saved "
            "responses, or pictures moved since): their text layer lies on blank pages of the "
            "image's size, or of the extent of its boxes where the size is not known",
            OcrExportWarning,
            stacklevel=2,
        )
    return out


@contextlib.contextmanager
def _binary_images():
    """Images embedded as binary, not ASCII85 text: a quarter smaller, and reportlab's pure
    Python ASCII85 encoder is most of the time it takes to write a PDF of pictures."""
    from reportlab import rl_config

    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def _draw(found, result, tmp: Path, face: Face, pictures, quality) -> int:
    """Every page, its picture and its invisible words; how many pages had no picture."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp), pageCompression=1)
    pdf.setCreator("ocrframe")
    blank = 0
    for page in found:
        scale = 72.0 / (page.dpi or PICTURE_DPI)
        width, height = page.width * scale, page.height * scale
        pdf.setPageSize((width, height))
        picture = _picture(result, page, pictures)
        if picture is None:
            blank += 1
        else:
            _draw_picture(pdf, picture, width, height, quality)
        text = pdf.beginText()
        text.setTextRenderMode(3)  # invisible: the picture shows, the text selects
        for line in page.lines:
            if line.box is None:
                continue
            pieces = (
                [(w.text, w.box) for w in line.words]
                if all(w.box is not None for w in line.words)
                else [(line.text, line.box)]
            )
            for word, spaced, box in _spaced(pieces):
                _place(text, face, word, box, scale, height, spaced)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return blank


def _spaced(pieces: list[tuple[str, tuple]]) -> list[tuple[str, bool, tuple]]:
    """The words of a line, each but the last followed by its space: readers that infer spaces
    from gaps miss the narrow gaps of tight print."""
    return [(word, k < len(pieces) - 1, box) for k, (word, box) in enumerate(pieces)]


def _picture(result, page: PageLayout, pictures: dict | None):
    if pictures and page.image_id in pictures:
        return pictures[page.image_id]
    if page.size_from_boxes:
        return None
    try:
        return result.pixels_of(page.image_id)
    except OcrframeError:
        return None  # given in memory and not kept, or no longer where it was


def _draw_picture(pdf, pixels, width: float, height: float, quality: int) -> None:
    """The page's picture, embedded as JPEG (what scanners write; ten times faster to embed
    than reportlab's lossless Flate of raw pixels, and smaller)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = pixels if isinstance(pixels, Image.Image) else Image.fromarray(np.asarray(pixels))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    pdf.drawImage(ImageReader(buffer), 0, 0, width=width, height=height)


def _place(text, face: Face, word: str, box, scale: float, page_height: float, spaced: bool):
    """``word`` set so that its em box fills ``box`` (pixels): size from the box's height,
    horizontal scale from its width, baseline above the box's bottom by the font's descent;
    ``spaced``: a space follows it, past the box."""
    from reportlab.pdfbase import pdfmetrics

    x, y, w, h = (v * scale for v in box)
    if not word or w <= 0 or h <= 0:
        return
    size = h / (face.ascent - face.descent)
    natural = pdfmetrics.stringWidth(word, face.name, size)
    text.setFont(face.name, size)
    text.setHorizScale(100.0 * w / natural if natural else 100.0)
    text.setTextOrigin(x, page_height - (y + h) - face.descent * size)
    text.textOut(word + " " if spaced else word)
