from __future__ import annotations

from pathlib import Path

import pytest

import ocrframe
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


@pytest.fixture(scope="session")
def sample_reading(tmp_path_factory) -> tuple[Path, ocrframe.OcrResult]:
    """The bundled samples read once per test run by the real local engine (as ``general``,
    and the cards as their endpoints), with every answer saved as a record: the one real
    reading of the samples that the tests share."""
    folder = tmp_path_factory.mktemp("sample-records")
    result = ocrframe.recognize(ocrframe.samples(), save_raw=folder, progress=False)
    for name, endpoint, options in CARDS:
        card = next(p for p in ocrframe.samples() if p.endswith(name))
        ocrframe.recognize(card, endpoint, save_raw=folder, progress=False, **options)
    return folder, result


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
