"""Tesseract (Debian's ``tesseract-ocr`` and its language packs) as an engine, at symbol level.

Runs the ``tesseract`` command with hOCR output and ``hocr_char_boxes=1``, which gives every
character its own box and confidence (``pytesseract.image_to_data`` stops at words), and answers
in the shapes of all five endpoints, like the local engine (cards read their fields from the
lines). The minorlanguage page's
languages map to Tesseract's packs; a missing pack is an error that names the Debian package.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import OcrframeError
from ..formats._base import is_cjk
from ..images import Loaded, encode_png
from .base import ENDPOINTS, Engine
from .shape import Char, Line, respond

#: minorlanguage ``language`` -> Tesseract language(s)
LANGUAGES = {
    "zh": "chi_sim+eng",
    "por": "por",
    "fre": "fra",
    "ger": "deu",
    "spa": "spa",
    "jap": "jpn",
    "kor": "kor",
    "lat": "Latin",
}
#: Tesseract language -> the Debian package that ships it
PACKAGES = {
    "chi_sim": "tesseract-ocr-chi-sim",
    "eng": "tesseract-ocr-eng",
    "por": "tesseract-ocr-por",
    "fra": "tesseract-ocr-fra",
    "deu": "tesseract-ocr-deu",
    "spa": "tesseract-ocr-spa",
    "jpn": "tesseract-ocr-jpn",
    "kor": "tesseract-ocr-kor",
    "Latin": "tesseract-ocr-script-latn",
}
LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
TIMEOUT = 300  # seconds for one image
_NS = "{http://www.w3.org/1999/xhtml}"


class TesseractEngine(Engine):
    """``tesseract`` on the PATH (or ``command=``); ``general`` reads Chinese + English."""

    name = "tesseract"
    endpoints = ENDPOINTS

    def __init__(self, command: str = "tesseract", general_languages: str = "chi_sim+eng") -> None:
        path = shutil.which(command)
        if path is None:
            raise OcrframeError(
                f"{command!r} not found: install Debian's tesseract-ocr (apt-get install "
                "tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim)"
            )
        self.command = path
        self.general_languages = general_languages
        self.version = _run([path, "--version"]).splitlines()[0].split()[-1]
        # the first line says where the packs are; one pack name per line follows
        self._installed = {
            line.strip() for line in _run([path, "--list-langs"]).splitlines()[1:] if line.strip()
        }

    def installed(self) -> set[str]:
        """The language packs Tesseract can load."""
        return set(self._installed)

    def languages_for(self, endpoint: str, options: dict) -> str:
        if endpoint == "minorlanguage":
            langs = LANGUAGES[options["language"]]
        else:  # general and the Chinese cards
            langs = self.general_languages
        missing = [lang for lang in langs.split("+") if lang not in self.installed()]
        if missing:
            packages = " ".join(PACKAGES.get(m, f"tesseract-ocr-{m}") for m in missing)
            raise OcrframeError(
                f"Tesseract language pack(s) {', '.join(missing)} missing: "
                f"apt-get install {packages}"
            )
        return langs

    def respond(self, image: Loaded, endpoint: str, options: dict) -> dict:
        self.check_endpoint(endpoint)
        langs = self.languages_for(endpoint, options)
        hocr = self.hocr(image, langs)
        return respond(parse_hocr(hocr), endpoint, image, options, self.name, self.version)

    def hocr(self, image: Loaded, languages: str) -> str:
        """Tesseract's hOCR of ``image`` with per-character boxes."""
        with tempfile.TemporaryDirectory(prefix="ocrframe-tess-") as tmp:
            path = Path(tmp) / "image.png"
            path.write_bytes(encode_png(image.rgb))
            return _run(
                [self.command, str(path), "stdout", "-l", languages,
                 "-c", "hocr_char_boxes=1", "hocr"],
                timeout=TIMEOUT,
            )  # fmt: skip


def _run(args: list[str], timeout: float = 60) -> str:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise OcrframeError(f"tesseract took longer than {timeout} s") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrframeError(f"tesseract failed: {err[-1] if err else done.returncode}")
    return done.stdout.decode("utf-8")


def _title(el: ET.Element) -> dict[str, list[str]]:
    """hOCR's ``title`` properties: ``"bbox 1 2 3 4; x_wconf 96"`` -> {"bbox": [...], ...}."""
    props = {}
    for part in (el.get("title") or "").split(";"):
        words = part.split()
        if words:
            props[words[0]] = words[1:]
    return props


def _box(values: list[str]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (int(v) for v in values[:4])
    return x0, y0, x1 - x0, y1 - y0


def parse_hocr(hocr: str) -> list[Line]:
    """Lines with per-character boxes and 0-1 confidences from Tesseract hOCR.

    Words of a line are joined with a space, except between two CJK characters (Tesseract
    splits Chinese and Japanese into words that the text does not separate). A space gets no
    confidence and no box.
    """
    root = ET.fromstring(hocr)
    lines = []
    for el in root.iter(f"{_NS}span"):
        if el.get("class") not in LINE_CLASSES:
            continue
        x, y, w, h = _box(_title(el)["bbox"])
        chars: list[Char] = []
        for word in el.iter(f"{_NS}span"):
            if word.get("class") != "ocrx_word":
                continue
            pieces = [c for c in word.iter(f"{_NS}span") if c.get("class") == "ocrx_cinfo"]
            if not pieces:  # no character detail: the word's own confidence, no boxes
                conf = float(_title(word).get("x_wconf", ["0"])[0]) / 100
                pieces_chars = [Char(ch, conf, None) for ch in "".join(word.itertext()).strip()]
            else:
                pieces_chars = []
                for c in pieces:
                    props = _title(c)
                    conf = float(props["x_conf"][0]) / 100 if "x_conf" in props else None
                    box = _box(props["x_bboxes"]) if "x_bboxes" in props else None
                    pieces_chars += [Char(ch, conf, box) for ch in (c.text or "")]
            if not pieces_chars:
                continue
            if chars and not (is_cjk(chars[-1].text) and is_cjk(pieces_chars[0].text)):
                chars.append(Char(" ", None, None))
            chars += pieces_chars
        if chars:
            text = "".join(c.text for c in chars)
            polygon = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
            lines.append(Line([(float(a), float(b)) for a, b in polygon], text, chars))
    return lines
