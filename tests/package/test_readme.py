"""The README's Python examples, run top to bottom as a reader would, on the bundled samples.

Each block runs in one namespace (like a notebook), in a folder laid out as the README's paths
assume: ``scans/`` holds the sample images (``scans/ids/`` the ID card) and a scanned PDF,
``docs/`` a born-digital PDF, ``responses/`` saved responses. Every expression statement must show something: a non-empty table, a drawing, a
number. A block preceded by ``<!-- not run by tests/package/test_readme.py: REASON -->`` is skipped
(it needs a cloud account).
"""

from __future__ import annotations

import ast
import math
import re
import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import ocrframe
from ocrframe.engines.replay import ReplayEngine

pytestmark = pytest.mark.engine  # the README reads its examples for real

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(
    r"(<!-- not run by tests/package/test_readme.py: (?P<why>[^>]*) -->\n)?```python\n(?P<code>.*?)```",
    re.S,
)


def blocks() -> list[tuple[int, str, str | None]]:
    """(first line number, code, reason to skip or None) of every Python block."""
    text = README.read_text(encoding="utf-8")
    return [
        (text[: m.start("code")].count("\n") + 1, m["code"], m["why"]) for m in BLOCK.finditer(text)
    ]


def shows_something(value: object) -> bool:
    """Whether a value a reader sees is something: a non-empty table, a drawing, a number."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if value is None:
        return False
    if isinstance(value, pd.DataFrame | pd.Series | ocrframe.OcrResult | ocrframe.OcrDataset):
        return len(value) > 0
    if isinstance(value, Axes):
        return bool(value.patches or value.lines or value.images or value.collections)
    if isinstance(value, Figure):
        return any(shows_something(ax) for ax in value.axes)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return math.isfinite(value)
    if isinstance(value, Path):
        return value.exists()
    if hasattr(value, "compute"):  # a dask collection: what computing it gives
        return shows_something(value.compute())
    return bool(value) if isinstance(value, str | list | dict | tuple) else True


@pytest.fixture
def workspace(tmp_path, monkeypatch, replay):
    scans = tmp_path / "scans"
    (scans / "ids").mkdir(parents=True)
    for sample in ocrframe.samples():
        shutil.copy(sample, scans)
    shutil.copy(scans / "idcard_front.png", scans / "ids")
    shutil.copytree(ocrframe.data_path("responses"), tmp_path / "responses")
    from documents import born_digital_pdf, image_pdf

    image_pdf(scans / "contract.pdf", ["en_document.png", "receipt.png", "zh_document.png"])
    (tmp_path / "docs").mkdir()
    born_digital_pdf(tmp_path / "docs" / "report.pdf")
    monkeypatch.chdir(tmp_path)
    # the samples' readings of this run answer again; what is new (PDF pages, hard pages) is
    # read by the local engine: the README's blocks run as written, the samples read once
    from ocrframe import engines

    local = engines.get("local")
    monkeypatch.setitem(engines._INSTANCES, "local", ReplayEngine(replay.index, fallback=local))
    return tmp_path


@pytest.mark.filterwarnings("default::ocrframe.errors.OcrScaleWarning")  # a reader sees it too
def test_readme_examples_run_top_to_bottom_and_each_shows_something(workspace):
    found = blocks()
    assert len(found) >= 8 and sum(why is None for _, _, why in found) >= 7
    namespace: dict = {}
    try:
        for first, code, why in found:
            if why:
                continue
            for stmt in ast.parse(code).body:
                where = f"README.md:{first + stmt.lineno - 1}: {ast.unparse(stmt)}"
                if isinstance(stmt, ast.Expr):
                    value = eval(compile(ast.Expression(stmt.value), where, "eval"), namespace)
                    action = value is None and isinstance(stmt.value, ast.Call)  # a click
                    assert action or shows_something(value), f"{where} shows nothing: {value!r}"
                else:
                    exec(compile(ast.Module([stmt], []), where, "exec"), namespace)
    finally:
        if "client" in namespace:  # the Dask example's cluster
            namespace["client"].close()
            namespace["client"].cluster.close()
