from __future__ import annotations

from pathlib import Path

import pytest

import ocrframe

RESPONSES = Path(ocrframe.data_path("responses"))


@pytest.fixture
def load():
    """Parse one bundled response file by name."""

    def _load(name: str, **kw) -> ocrframe.OcrResult:
        return ocrframe.read_json(RESPONSES / name, **kw)

    return _load


@pytest.fixture(scope="session")
def samples_result() -> ocrframe.OcrResult:
    """The bundled samples recognised by the local engine, once per test run."""
    return ocrframe.recognize(ocrframe.samples(), progress=False)
