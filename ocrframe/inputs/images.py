"""Inputs to recognition: what users pass, turned into images an engine can read.

``images`` may be a path, a glob, a directory, an http(s) URL, bytes, a PIL image, a numpy array
(RGB, RGBA or greyscale, uint8) or a list of those; a PDF or a multi-page TIFF (a path or its
bytes) becomes one input per page (:mod:`ocrframe.inputs.pages`), rendered only when it is read. Each
input keeps ``source``: exactly what the user gave (a path or URL string), or a generated name
for bytes, PIL images and arrays, and its ``page``. Loading never raises for a bad image: it
returns a :class:`Failure` with the service's code, so a batch goes on.

No image larger than ``max_pixels`` (:data:`MAX_PIXELS`, Pillow's decompression-bomb limit, about
89.5 million pixels, unless ``expand(..., max_pixels=)`` says otherwise) is decoded: its size is
read from its header first, and it is a failed input (code 20, image too large) that says its
size and the limit. A PDF page is rendered at a lower dpi instead (:mod:`ocrframe.inputs.pages`).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core import codes
from ..errors import OcrframeError
from . import files
from .pages import (
    DEFAULT_DPI,
    MAX_PIXELS,
    DocumentError,
    DocumentPage,
    PageError,
    TiffPage,
    bomb_detail,
    check_dpi,
    check_max_pixels,
    is_pdf,
    over_limit,
    render,
    split,
    tiff_frame,
)

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".jp2", ".pbm", ".pgm",
     ".ppm", ".pdf"}
)  # fmt: skip
URL_TIMEOUT = (5, 30)  # connect, read seconds


@dataclass(frozen=True)
class Input:
    """One input as the user gave it: ``source`` to report, ``value`` to load; a document's
    page says its ``page`` (1-based) and the ``dpi`` it is rendered at (PDF pages); an image
    of more than ``max_pixels`` pixels is not decoded (None: no limit)."""

    source: str
    value: object
    page: int | None = None
    dpi: int | None = None
    max_pixels: int | None = MAX_PIXELS


@dataclass(frozen=True)
class Loaded:
    """A decoded image: RGB ``uint8`` pixels, the encoded bytes when there were any, and the
    SHA-256 of those bytes (or of the pixels)."""

    source: str
    rgb: np.ndarray
    data: bytes | None
    sha256: str

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


@dataclass(frozen=True)
class Failure:
    """An input that could not be used, with the service's code and a readable reason."""

    source: str
    code: int
    detail: str

    def response(self) -> dict:
        return codes.error_response(self.code, self.detail)


class ImageError(Exception):
    """A :class:`Failure` raised, where a function has to give back bytes or pixels."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def expand(
    images: object, pages=None, dpi: int = DEFAULT_DPI, max_pixels: int | None = MAX_PIXELS
) -> list[Input]:
    """The inputs named by ``images``, in order (a glob or directory expands, sorted; a
    document, into its ``pages`` — all by default — rendered at ``dpi``, or at the highest dpi
    within ``max_pixels``, with an :class:`~ocrframe.errors.OcrDpiWarning`). No input of
    more than ``max_pixels`` pixels is decoded when it is loaded: it fails, saying its size
    (None: no limit).

    A mapping names in-memory images: ``{"scan 1.png": b"...", ...}`` keeps each key as the
    source (a notebook upload, a zip member).

    >>> [i.source for i in expand(["a.png", b"..."])]
    ['a.png', '<bytes #1>']
    >>> [i.source for i in expand({"upload.jpg": b"..."})]
    ['upload.jpg']
    """
    dpi = check_dpi(dpi)
    limit = check_max_pixels(max_pixels)
    if isinstance(images, Mapping):
        return [
            i for name, value in images.items() for i in _named(str(name), value, pages, dpi, limit)
        ]
    items = list(images) if isinstance(images, list | tuple) else [images]
    out: list[Input] = []
    for k, item in enumerate(items):
        if isinstance(item, str | os.PathLike):
            for inp in _expand_path(item, limit):
                out += _documents(inp, pages, dpi)
        elif isinstance(item, bytes | bytearray | memoryview):
            out += _documents(Input(f"<bytes #{k}>", bytes(item), max_pixels=limit), pages, dpi)
        elif isinstance(item, Image.Image):
            out.append(Input(f"<PIL #{k}>", item, max_pixels=limit))
        elif isinstance(item, np.ndarray):
            out.append(Input(f"<array #{k}>", item, max_pixels=limit))
        else:
            raise OcrframeError(
                f"images[{k}]: expected a path, URL, bytes, PIL image or numpy array, "
                f"got {type(item).__name__}"
            )
    return out


def _named(name: str, value: object, pages, dpi: int, limit: int | None) -> list[Input]:
    if isinstance(value, bytes | bytearray | memoryview):
        return _documents(Input(name, bytes(value), max_pixels=limit), pages, dpi)
    if isinstance(value, Image.Image | np.ndarray):
        return [Input(name, value, max_pixels=limit)]
    raise OcrframeError(f"images[{name!r}]: expected bytes, a PIL image or an array")


def _documents(inp: Input, pages, dpi: int) -> list[Input]:
    """A PDF or multi-page TIFF as one input per page; any other input as it is."""
    if not isinstance(inp.value, Path | bytes):
        return [inp]
    if isinstance(inp.value, Path) and not inp.value.is_file():
        return [inp]  # missing: fails, with its reason, when read
    found = split(inp.value, pages, dpi, inp.max_pixels)
    if found is None:
        return [inp]
    return [
        Input(
            inp.source,
            value,
            number,
            value.dpi if isinstance(value, DocumentPage) else None,
            inp.max_pixels,
        )
        for number, value in found.pages
    ]


def _expand_path(item: str | os.PathLike, limit: int | None) -> list[Input]:
    text = os.fspath(item)
    if is_url(text):
        return [Input(text, text, max_pixels=limit)]
    found = files.matching(text, IMAGE_SUFFIXES, "image")
    if found is not None:
        return [Input(str(p), p, max_pixels=limit) for p in found]
    # a missing file is not an error here: it becomes a failed row like any unreadable input
    return [Input(text, Path(text), max_pixels=limit)]


def load(inp: Input, session=None) -> Loaded | Failure:
    """Decode one input, or say why it cannot be used (never raises for bad image data)."""
    value, limit = inp.value, inp.max_pixels
    try:
        if isinstance(value, DocumentError):
            return Failure(inp.source, value.code, f"{inp.source}: {value.detail}")
        if isinstance(value, DocumentPage):
            rgb = render(value)
            return Loaded(inp.source, rgb, None, _digest(None, rgb))
        if isinstance(value, TiffPage):
            return _from_pil(inp.source, _frame(inp.source, value), None, limit)
        if isinstance(value, str):  # a URL
            data = _download(value, session)
            if is_pdf(data):
                raise _Fail(
                    codes.ILLEGAL_FORMAT,
                    f"{inp.source}: a PDF given by URL: download it and pass the file or its bytes",
                )
            return _decode(inp.source, data, limit)
        if isinstance(value, Path):
            data = value.read_bytes()
            return _decode(inp.source, data, limit)
        if isinstance(value, bytes):
            return _decode(inp.source, value, limit)
        if isinstance(value, Image.Image):
            return _from_pil(inp.source, value, None, limit)
        return _from_array(inp.source, value, limit)
    except _Fail as fail:
        return Failure(inp.source, fail.code, fail.detail)
    except PageError as fail:
        return Failure(inp.source, fail.code, f"{inp.source}: {fail.detail}")
    except OSError as err:
        return file_failure(inp.source, err)


def file_failure(source: str, err: OSError) -> Failure:
    """What went wrong opening a file, with the code that says so: missing, not allowed, or
    another I/O error (a directory, a device error).

    >>> file_failure("scan.png", FileNotFoundError(2, "No such file or directory")).code
    -6
    """
    if isinstance(err, FileNotFoundError):
        return Failure(source, codes.NO_SUCH_FILE, source)
    if isinstance(err, PermissionError):
        return Failure(source, codes.PERMISSION_DENIED, source)
    return Failure(source, codes.UNREADABLE_FILE, f"{source} ({err.strerror or err})")


def check_readable(inputs: list[Input]) -> None:
    """Raise :class:`OcrframeError` naming the first file input that does not exist or cannot
    be opened (the command line refuses such arguments before any slow work)."""
    for inp in inputs:
        if isinstance(inp.value, Path):
            try:
                with open(inp.value, "rb"):
                    pass
            except OSError as err:
                raise OcrframeError(file_failure(inp.source, err).response()["message"]) from None


class _Fail(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def _download(url: str, session) -> bytes:
    import requests

    http = session or requests
    try:
        reply = http.get(url, timeout=URL_TIMEOUT)
    except requests.Timeout:
        raise _Fail(codes.DOWNLOAD_TIMEOUT, f"{url}: download timed out") from None
    except requests.RequestException as err:
        raise _Fail(codes.DOWNLOAD_FAILED, f"{url}: {type(err).__name__}: {err}") from None
    if reply.status_code != 200:
        raise _Fail(codes.DOWNLOAD_FAILED, f"{url}: HTTP {reply.status_code}")
    return reply.content


def _frame(source: str, page: TiffPage) -> Image.Image:
    """A TIFF frame, decoded (its size checked first), or why it cannot be."""
    try:
        return tiff_frame(page)
    except PageError:
        raise
    except OSError as err:
        if isinstance(page.document, Path) and err.errno is not None:
            raise  # the file itself: missing, not allowed
        raise _damaged(f"{source} frame {page.index + 1}", err) from None
    except Exception as err:  # Pillow's plugins raise many kinds on damaged data (fuzzing)
        raise _damaged(f"{source} frame {page.index + 1}", err) from None


def _check_size(source: str, width: int, height: int, limit: int | None) -> None:
    too_large = over_limit(width, height, limit)
    if too_large:
        raise _Fail(codes.IMAGE_TOO_LARGE, f"{source}: {too_large}")


def _decode(source: str, data: bytes, limit: int | None = MAX_PIXELS) -> Loaded:
    if not data:
        raise _Fail(codes.IMAGE_EMPTY, f"{source}: 0 bytes")
    try:
        try:
            img = Image.open(io.BytesIO(data))  # the header only: no pixel is decoded yet
        except Image.DecompressionBombError as err:
            raise _Fail(
                codes.IMAGE_TOO_LARGE, f"{source}: {bomb_detail(data, limit, err)}"
            ) from None
        _check_size(source, img.width, img.height, limit)
        if getattr(img, "n_frames", 1) > 1 and img.format == "GIF":
            raise _Fail(codes.ILLEGAL_FORMAT, f"{source}: animated GIF ({img.n_frames} frames)")
        img.load()
    except _Fail:
        raise
    except UnidentifiedImageError:
        raise _Fail(codes.DECODE_FAILED, f"{source}: not an image (unknown format)") from None
    except Exception as err:  # Pillow's plugins raise many kinds on damaged data (fuzzing)
        raise _damaged(source, err) from None
    return _from_pil(source, img, data, limit)


def _damaged(source: str, err: Exception) -> _Fail:
    reason = str(err) if isinstance(err, OSError | ValueError) else f"{type(err).__name__}: {err}"
    return _Fail(codes.DECODE_FAILED, f"{source}: damaged or unsupported image ({reason})")


def _from_pil(
    source: str, img: Image.Image, data: bytes | None, limit: int | None = MAX_PIXELS
) -> Loaded:
    _check_size(source, img.width, img.height, limit)
    try:
        return _to_rgb(source, img, data)
    except (_Fail, OSError):  # OSError: a PIL image whose file is gone, told as such
        raise
    except Exception as err:  # damaged data Pillow reads lazily (EXIF, a frame)
        raise _damaged(source, err) from None


def _to_rgb(source: str, img: Image.Image, data: bytes | None) -> Loaded:
    img = ImageOps.exif_transpose(img)  # phone photos: the pixels as the viewer shows them
    if img.width == 0 or img.height == 0:
        raise _Fail(codes.IMAGE_EMPTY, f"{source}: image is {img.width}x{img.height}")
    if img.mode in ("I;16", "I;16B", "I", "F"):  # 16-bit and float scans: stretch to 8 bits
        img = Image.fromarray(_to_uint8(np.asarray(img, dtype=np.float64)))
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        # transparent areas become white paper: dropping alpha would leave whatever colour the
        # transparent pixels carry (often black, under black text)
        paper = Image.new("RGBA", img.size, "white")
        img = Image.alpha_composite(paper, img.convert("RGBA"))
    if img.mode != "RGB":
        img = img.convert("RGB")
    rgb = np.asarray(img)
    return Loaded(source, rgb, data, _digest(data, rgb))


def _from_array(source: str, arr: np.ndarray, limit: int | None = MAX_PIXELS) -> Loaded:
    if arr.size == 0 or arr.ndim < 2:
        raise _Fail(codes.IMAGE_EMPTY, f"{source}: array of shape {arr.shape}")
    _check_size(source, int(arr.shape[1]), int(arr.shape[0]), limit)
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and np.nanmax(arr) <= 1.0:
            arr = np.clip(np.nan_to_num(arr) * 255 + 0.5, 0, 255).astype(np.uint8)
        else:
            raise _Fail(
                codes.DECODE_FAILED,
                f"{source}: arrays must be uint8 (or floats in 0-1), got {arr.dtype}",
            )
    if arr.ndim == 2:
        rgb = np.stack([arr] * 3, axis=-1)
    elif arr.ndim == 3 and arr.shape[2] == 3:
        rgb = arr
    elif arr.ndim == 3 and arr.shape[2] == 4:  # on white paper, as a transparent PNG is
        return _from_pil(source, Image.fromarray(np.ascontiguousarray(arr), "RGBA"), None, limit)
    elif arr.ndim == 3 and arr.shape[2] == 1:
        rgb = np.repeat(arr, 3, axis=2)
    else:
        raise _Fail(codes.DECODE_FAILED, f"{source}: array of shape {arr.shape} is not an image")
    rgb = np.ascontiguousarray(rgb)
    return Loaded(source, rgb, None, _digest(None, rgb))


def _to_uint8(values: np.ndarray) -> np.ndarray:
    top = values.max() or 1.0
    return np.clip(values * (255.0 / top), 0, 255).astype(np.uint8)


def _digest(data: bytes | None, rgb: np.ndarray) -> str:
    h = hashlib.sha256()
    if data is not None:
        h.update(data)
    else:
        h.update(f"{rgb.shape}".encode())
        h.update(rgb.tobytes())
    return h.hexdigest()


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an RGB array (for engines that need a file)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def image_array(image: object) -> np.ndarray:
    """RGB pixels of ``image``: a path, URL, bytes, PIL image or array."""
    if isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3:
        return image
    if isinstance(image, DocumentPage | TiffPage):  # a page of a document, read again
        image = Input("page", image)
    inp = [image] if isinstance(image, Input) else expand(image)
    if len(inp) != 1:
        raise OcrframeError(
            f"expected one image, got {len(inp)} (a document's pages: draw one with "
            "result.plot(image_id))"
        )
    loaded = load(inp[0])
    if isinstance(loaded, Failure):
        raise OcrframeError(f"cannot show {loaded.source}: {loaded.detail}")
    return loaded.rgb
