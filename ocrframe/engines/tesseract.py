"""Tesseract (Debian's ``tesseract-ocr`` and its language packs) as an engine, at symbol level.

Runs the ``tesseract`` command with hOCR output and ``hocr_char_boxes=1``, which gives every
character its own box and confidence (``pytesseract.image_to_data`` stops at words), and answers
in the shapes of all five endpoints, like the local engine (cards read their fields from the
lines). The minorlanguage page's
languages map to Tesseract's packs; a missing pack is an error that names the Debian package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..core.geometry import Line
from ..endpoints import ENDPOINTS
from ..errors import OcrframeError
from ..formats import hocr
from ..inputs.images import Loaded, encode_png
from .base import Engine
from .shape import respond

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
#: seconds one image may take: a minute, and half a minute more per megapixel (a 5000 x 7000
#: scan gets about 18 minutes: enough on a busy machine, and still a bound on a hang)
TIMEOUT_BASE, TIMEOUT_PER_MEGAPIXEL = 60, 30


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
        return respond(parse_hocr(hocr), endpoint, image, options, self)

    def hocr(self, image: Loaded, languages: str) -> str:
        """Tesseract's hOCR of ``image`` with per-character boxes."""
        return self._hocr(image.rgb, languages)

    def lines(self, rgb: np.ndarray, languages: str) -> list[Line]:
        """The lines Tesseract reads in an RGB picture in ``languages`` (``"kor+eng"``)."""
        return parse_hocr(self._hocr(rgb, languages))

    def _hocr(self, rgb: np.ndarray, languages: str) -> str:
        return self._on(rgb, ["-l", languages, "-c", "hocr_char_boxes=1", "hocr"])

    def script(self, rgb: np.ndarray) -> tuple[str, int] | None:
        """The script Tesseract's orientation and script detection sees in an RGB picture
        (``"Korean"``, ``"Latin"``, ``"Han"`` …) and the quarter turns counter-clockwise
        (``np.rot90``'s ``k``) that make it upright: None without the ``osd`` pack, or where it
        finds too little text to tell."""
        if "osd" not in self.installed():
            return None
        try:
            found = self._on(rgb, ["--psm", "0", "-l", "osd"])
        except OcrframeError:  # "Too few characters": nothing to tell
            return None
        named = re.search(r"^Script: (\S+)", found, re.MULTILINE)
        turn = re.search(r"^Rotate: (\d+)", found, re.MULTILINE)
        if named is None:
            return None
        # "Rotate" is clockwise, in degrees
        return named.group(1), (4 - int(turn.group(1)) // 90) % 4 if turn else 0

    def _on(self, rgb: np.ndarray, args: list[str]) -> str:
        """Tesseract's output for an RGB picture, run with ``args`` after its file names."""
        megapixels = rgb.shape[0] * rgb.shape[1] / 1e6
        with tempfile.TemporaryDirectory(prefix="ocrframe-tess-") as tmp:
            path = Path(tmp) / "image.png"
            path.write_bytes(encode_png(rgb))
            return _run(
                [self.command, str(path), "stdout", *args],
                timeout=TIMEOUT_BASE + TIMEOUT_PER_MEGAPIXEL * megapixels,
            )


def _run(args: list[str], timeout: float = 60) -> str:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise OcrframeError(f"tesseract took longer than {timeout} s") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrframeError(f"tesseract failed: {err[-1] if err else done.returncode}")
    return done.stdout.decode("utf-8")


def parse_hocr(text: str) -> list[Line]:
    """The lines of Tesseract's hOCR, every page's (see :mod:`ocrframe.formats.hocr`)."""
    return [line for page in hocr.parse(text) for line in page.lines]
