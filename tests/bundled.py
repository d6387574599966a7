"""The bundled responses and samples, read and copied as the tests use them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ocrframe

RESPONSES = Path(ocrframe.data_path("responses"))
#: bundled responses whose confidences contradict the scale their format documents, as the
#: real services send them (the legacy general service answers on 0-1, its page says 0-100)
OFF_SCALE = frozenset({"general_real.json", "minorlanguage.json"})
#: responses that do not say their endpoint, read with the one they come from (the
#: minorlanguage page's own example is read as general when not told: see words.GUESS)
ENDPOINTS = {"minorlanguage.json": "minorlanguage"}


def read(path: str | Path, **kw) -> ocrframe.OcrResult:
    """``read_json`` of one bundled file, with its endpoint where the file cannot say it: an
    OcrScaleWarning for the files of OFF_SCALE that are read as general, and only for them
    (the test suite makes any other an error)."""
    kw.setdefault("endpoint", ENDPOINTS.get(Path(path).name))
    if Path(path).name in OFF_SCALE and kw["endpoint"] in (None, "general"):
        with pytest.warns(ocrframe.OcrScaleWarning, match="read on 0-1"):
            return ocrframe.read_json(path, **kw)
    return ocrframe.read_json(path, **kw)


def every_json() -> list[Path]:
    return sorted(RESPONSES.glob("*.json"))


def sample_copies(folder: Path, n: int) -> list[str]:
    """``n`` image files in ``folder`` (``img000.png`` …), copies of the bundled samples in
    turn: inputs that the ``replay`` fixture's engine answers, under names of their own."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = ocrframe.samples()
    paths = []
    for k in range(n):
        path = folder / f"img{k:03d}.png"
        shutil.copy(samples[k % len(samples)], path)
        paths.append(str(path))
    return paths
