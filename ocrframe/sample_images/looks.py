"""How a picture is kept: as drawn, scanned, saved small, photographed printed on a desk, or
scanned in black and white.

The drawn tables (:mod:`.tables`) and the benchmarks' pages take these looks, so that what
reads a clean picture is tried on the pictures people have: a flatbed scan, a small JPEG, a
phone's photo of the printed sheet, an archive's black-and-white scan.

>>> import random
>>> from PIL import Image
>>> looked(Image.new("RGB", (400, 300), "white"), "scan", random.Random(0)).size
(400, 300)
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter

from ..core.ink import perspective

#: a screenshot (as drawn), a flatbed scan, a small JPEG
OWN_LOOKS = ("clean", "scan", "small")
#: every look: also a phone's photo of the printed sheet (tilted, foreshortened, on a desk,
#: lit unevenly) and a black-and-white scan (one bit a pixel)
LOOKS = (*OWN_LOOKS, "photo", "bilevel")


def looked(image: Image.Image, look: str, rng: random.Random) -> Image.Image:
    """``image`` as it is kept when it is ``look`` (:data:`LOOKS`): a screenshot (as drawn),
    a flatbed scan (turned up to half a degree, a little soft, specks, JPEG 80), a small JPEG
    (0.6 the size, JPEG 70), a phone's photo of it printed (:func:`photographed`) or a
    black-and-white scan (:func:`bilevel`); ``rng`` draws the look's chances, so that a seed
    gives the same picture every time.

    >>> import random
    >>> from PIL import Image
    >>> page = Image.new("RGB", (400, 300), "white")
    >>> [looked(page, look, random.Random(1)).size for look in LOOKS]
    [(400, 300), (400, 300), (240, 180), (516, 416), (400, 300)]
    """
    if look not in LOOKS:
        raise ValueError(f"look={look!r}; choose of {LOOKS}")
    if look == "clean":
        return image
    if look == "photo":
        return photographed(image, rng)
    if look == "bilevel":
        return bilevel(image, rng)
    if look == "scan":
        image = _on_the_glass(image, rng).filter(ImageFilter.GaussianBlur(0.6))
        pixels = image.load()
        for _ in range(image.width * image.height // 800):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = (
                rng.randint(150, 230),
            ) * 3
        quality = 80
    else:
        size = (round(image.width * 0.6), round(image.height * 0.6))
        image, quality = image.resize(size, Image.LANCZOS), 70
    return as_jpeg(image, quality)


def photographed(image: Image.Image, rng: random.Random) -> Image.Image:
    """The printed table as a phone photographs it: the sheet seen at a slant (its far edge
    up to a tenth shorter), turned a degree or two, on a darker desk, lit from one side, a
    little soft, saved as a JPEG."""
    sheet = Image.new("RGB", (image.width + 60, image.height + 60), (246, 244, 238))
    sheet.paste(image, (30, 30))
    w, h = sheet.size
    near, far = rng.uniform(0.0, 0.03), rng.uniform(0.04, 0.1)
    corners = [(w * far, 0), (w * (1 - far), 0), (w * (1 - near), h), (w * near, h)]
    if rng.random() < 0.5:  # the slant's far edge at the bottom instead
        corners = [(w * near, 0), (w * (1 - near), 0), (w * (1 - far), h), (w * far, h)]
    pad = round(0.06 * max(w, h))
    corners = [(x + pad, y + pad) for x, y in corners]
    size = (w + 2 * pad, h + 2 * pad)
    # PIL's perspective maps each output pixel to the sheet: the coefficients take the
    # corners the sheet lands on back to the sheet's own corners
    back = perspective(np.array(corners), np.array([(0, 0), (w, 0), (w, h), (0, h)], float))
    coefficients = back.ravel()[:8].tolist()
    mask = Image.new("L", sheet.size, 255).transform(size, Image.PERSPECTIVE, coefficients)
    flat = sheet.transform(size, Image.PERSPECTIVE, coefficients, Image.BICUBIC)
    desk = Image.new("RGB", size, (96, 84, 70))
    photo = Image.composite(flat, desk, mask).rotate(
        rng.uniform(-2, 2), resample=Image.BICUBIC, fillcolor=(96, 84, 70)
    )
    light = np.linspace(rng.uniform(0.68, 0.85), 1.0, photo.width)[None, :, None]
    if rng.random() < 0.5:
        light = light[:, ::-1]
    pixels = np.asarray(photo, dtype=np.float32) * light
    photo = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
    return as_jpeg(photo, 75)


def bilevel(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a flatbed scanner's black-and-white mode keeps it (an archive's TIFF, a
    fax): turned up to half a degree, a little soft, each pixel black or white by a grey level
    drawn from 110 to 170 (strokes thinner or thicker than printed: thick ones close the
    space between letters, and a narrow gutter with it), with black specks; mode ``"1"``."""
    turned = _on_the_glass(image, rng)
    soft = turned.convert("L").filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.0)))
    ink = np.asarray(soft) < rng.uniform(110, 170)
    height, width = ink.shape
    for _ in range(height * width // 4000):
        ink[rng.randrange(height), rng.randrange(width)] = True
    return Image.fromarray(~ink)


def _on_the_glass(image: Image.Image, rng: random.Random) -> Image.Image:
    """``image`` as it lies on a flatbed scanner's glass: turned up to half a degree, on white."""
    return image.rotate(rng.uniform(-0.5, 0.5), resample=Image.BICUBIC, fillcolor="white")


def as_jpeg(image: Image.Image, quality: int) -> Image.Image:
    """``image`` saved as a JPEG of ``quality`` and read back, with the JPEG's losses."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
