"""The bundled sample images and their ground truth, found from any working directory."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import OcrframeError

# package data (pyproject.toml's [tool.setuptools.package-data]): a real folder in a checkout, an
# editable install and an installed wheel alike, so its paths can be handed to other tools
DATA = Path(__file__).resolve().parents[1] / "data"  # ocrframe/data/
_ROOT = DATA / "samples"


def data_path(relative: str = "") -> str:
    """Path of a file in the package's ``data/`` folder (``data_path("responses/general.json")``).

    >>> import ocrframe, os
    >>> os.path.isdir(ocrframe.data_path("responses"))
    True
    """
    return str(DATA / relative)


def samples_dir() -> Path:
    if not (_ROOT / "truth.jsonl").exists():
        raise OcrframeError(
            f"the bundled samples are not at {_ROOT}; they ship inside the ocrframe package "
            "(ocrframe/data/samples): reinstall ocrframe, or check that the installer kept its data"
        )
    return _ROOT


def samples(truth: bool = False) -> list:
    """Paths of the bundled sample images, or with ``truth=True`` one record per sample.

    A record is ``{"source": path, "lines": [...], "boxes": [[x, y, w, h], ...], "note": ...}``
    plus ``"fields"`` for the card samples: the text of every line as drawn and its box.

    >>> import ocrframe
    >>> paths = ocrframe.samples()
    >>> len(paths) >= 8 and all(p.endswith(".png") for p in paths)
    True
    >>> ocrframe.samples(truth=True)[0]["source"] == paths[0]
    True
    """
    root = samples_dir()
    records = [
        json.loads(line)
        for line in (root / "truth.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for rec in records:
        rec["source"] = str(root / rec["source"])
    return records if truth else [rec["source"] for rec in records]
