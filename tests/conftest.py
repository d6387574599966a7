from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import ocrframe
from ocrframe.engines.base import package_version
from ocrframe.engines.replay import ReplayEngine

RESPONSES = Path(ocrframe.data_path("responses"))
#: the card samples read as their endpoints too, so card answers replay
CARDS = [
    ("idcard_front.png", "idcard", {"card_type": 0}),
    ("namecard.png", "namecard", {}),
    ("licence.png", "drivinglicence", {"type": 1}),
]


@pytest.fixture
def load():
    """Parse one bundled response file by name."""

    def _load(name: str, **kw) -> ocrframe.OcrResult:
        return ocrframe.read_json(RESPONSES / name, **kw)

    return _load


#: a folder where the reading of the samples is kept for the other test processes of a run
#: (``make test`` sets it: the xdist workers and the pandas 2.2 stage replay one reading)
SHARED = "OCRFRAME_TEST_RECORDS"


def read_samples(folder: Path) -> ocrframe.OcrResult:
    """The bundled samples read by the real local engine (as ``general``, and the cards as
    their endpoints), every answer saved as a record in ``folder``."""
    result = ocrframe.recognize(ocrframe.samples(), save_raw=folder, progress=False)
    for name, endpoint, options in CARDS:
        card = next(p for p in ocrframe.samples() if p.endswith(name))
        ocrframe.recognize(card, endpoint, save_raw=folder, progress=False, **options)
    return result


def reading_key() -> str:
    """What a reading of the samples depends on: the samples, the code that reads them (the
    engines, card readers, inputs and the catalogue) and the model packages' versions."""
    package = Path(ocrframe.__file__).parent
    digest = hashlib.sha256()
    code = [package / "endpoints.py", *sorted(package.glob("[eci]*/*.py"))]
    for path in [*map(Path, ocrframe.samples()), *code]:
        digest.update(path.name.encode() + path.read_bytes())
    for model in ("rapidocr", "rapidocr-onnxruntime", "onnxruntime"):
        digest.update(package_version(model).encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def sample_reading(tmp_path_factory) -> tuple[Path, ocrframe.OcrResult]:
    """The one real reading of the samples that the tests share, and the folder of its
    records. Where ``OCRFRAME_TEST_RECORDS`` names a folder, the first process of the run
    reads and keeps the records there (under a lock) and the others replay them, as long as
    nothing it depends on changed (:func:`reading_key`)."""
    shared = os.environ.get(SHARED)
    if not shared:
        folder = tmp_path_factory.mktemp("sample-records")
        return folder, read_samples(folder)
    root = Path(shared)
    root.mkdir(parents=True, exist_ok=True)
    folder, marker = root / "records", root / "reading.json"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        key = reading_key()
        if not marker.exists() or json.loads(marker.read_text())["key"] != key:
            shutil.rmtree(folder, ignore_errors=True)
            marker.unlink(missing_ok=True)
            read_samples(folder)
            marker.write_text(json.dumps({"key": key}))
    replayed = ocrframe.recognize(ocrframe.samples(), engine=ReplayEngine(folder), progress=False)
    return folder, replayed


@pytest.fixture(scope="session")
def samples_result(sample_reading) -> ocrframe.OcrResult:
    """The bundled samples as the local engine read them."""
    return sample_reading[1]


@pytest.fixture(scope="session")
def replay(sample_reading) -> ReplayEngine:
    """An engine that answers the bundled samples (and copies of them under any name) with
    this run's real readings: for the tests about what is done with a reading, not about
    reading."""
    return ReplayEngine(sample_reading[0])
