"""The package's shape: imports flow one way (no module imports one that imports it back, the
layers of pyproject.toml hold), and every name users import stays where they import it."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def import_cycles(package: str) -> list[list[str]]:
    """Every group of modules of ``package`` that import each other, directly or through others
    (Tarjan's strongly connected components), each sorted. grimp reads every import statement,
    those inside functions and ``if TYPE_CHECKING:`` blocks included: a lazy import that closes a
    cycle is still a cycle."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # recursion depth: the longest import chain, tens
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_a_module_that_imports_it_back():
    assert import_cycles("ocrframe") == []


def test_a_cycle_closed_by_an_import_inside_a_function_is_found(tmp_path, monkeypatch):
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text(
        textwrap.dedent("""
            def later():
                from . import high  # imported only when called: still a cycle

                return high
        """)
    )
    (package / "high.py").write_text("from . import low\n")
    (package / "alone.py").write_text("from . import low\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [["cyclic.high", "cyclic.low"]]


def test_the_import_layers_hold_and_a_back_edge_breaks_them(tmp_path):
    """``lint-imports`` (run by ``make lint``) keeps pyproject.toml's contracts; the same check on a
    copy of the package with one upward import fails and names that import."""
    lint = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    kept = subprocess.run(lint, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    copy = tmp_path / "repo"
    copy.mkdir()
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    subprocess.run(["cp", "-r", str(ROOT / "ocrframe"), str(copy / "ocrframe")], check=True)
    geometry = copy / "ocrframe" / "core" / "geometry.py"
    # an engine-independent module reaching up to the result: the classic "just import it" edge
    geometry.write_text(
        geometry.read_text()
        + "\n\ndef _result():\n    from ..result import OcrResult\n\n    return OcrResult\n"
    )
    env = {"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}
    broken = subprocess.run(lint, cwd=copy, capture_output=True, text=True, timeout=300, env=env)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout
    assert "ocrframe.core.geometry -> ocrframe.result" in broken.stdout


#: What users import today, module by module: every module the README, the notebooks and the
#: docstrings import from, with all its public names as they were before the layout changed
#: (``__all__`` where it has one; else its own public functions, classes and constants).
#: Moving code must leave every one of these where it is.
# fmt: off
PUBLIC = {
    "ocrframe": [
        "OcrDataset", "OcrDetectionError", "OcrExportWarning", "OcrFormatError", "OcrRequestError",
        "OcrResendWarning", "OcrResult", "OcrScaleWarning", "OcrframeError", "RawResponses",
        "TencentCloud", "TencentLegacy", "__version__", "analysis", "concat", "dask", "data_path",
        "dataset", "errors", "formats", "from_response", "hard_pages", "legacy_signature", "plot",
        "plot_boxes", "plot_calibration", "plot_confidence", "plot_lowest", "read_csv", "read_json",
        "read_parquet", "read_truth", "read_xml", "recognize", "records", "samples", "schema",
        "synthetic", "widgets"
    ],
    "ocrframe.analysis": [
        "CLASSES", "Calibration", "ConfidenceMap", "DEFAULT_THRESHOLDS", "DiffView", "Evaluation",
        "ITEM_SCORES", "METRICS", "OcrCalibrationWarning", "TRUTH_COLUMNS", "calibration", "cer",
        "cer_difference", "char_class", "char_correct", "compare_engines", "confusions",
        "diff_html", "edit_ops", "edits", "errors_by_class", "evaluate",
        "expected_calibration_error", "failures", "fit_calibration", "graphemes", "intervals",
        "item_scores", "length", "line_errors", "model_of", "normalize", "page_text",
        "plot_calibration", "read_truth", "review_curve", "show_diffs", "suggest_threshold",
        "summary", "wer"
    ],
    "ocrframe.schema": [
        "ADDED", "BOOL", "CELLS", "CHARS", "CODES", "IMAGES", "ITEMS", "KEYS", "ListColumn",
        "MESSAGES", "OBJECT", "POLYGON", "TABLES", "arrow_schema", "arrow_table", "as_column",
        "columns", "conform", "dtypes", "empty", "frame", "from_arrow", "pandas_dtype", "validate"
    ],
    "ocrframe.errors": [
        "OcrDetectionError", "OcrExportWarning", "OcrFormatError", "OcrRequestError",
        "OcrResendWarning", "OcrScaleWarning", "OcrframeError"
    ],
    "ocrframe.dataset": [
        "COMMITS", "DatasetWriter", "InputKey", "MARKER", "OcrDataset", "PARTS", "content_sha256",
        "input_keys", "is_dataset", "latest_entries", "read_dataset", "write_part"
    ],
    "ocrframe.formats": [
        "Adapter", "Context", "Reader", "choose", "detect", "get", "names", "register"
    ],
    "ocrframe.formats.drivinglicence": [
        "DATA_KEYS", "DrivingLicence", "FIELDS", "ITEM_KEYS", "TOP_KEYS"
    ],
    "ocrframe.formats.namecard": [
        "LABELS", "NameCard", "NameCardItems", "RAW_ONLY", "SUFFIX"
    ],
    "ocrframe.engines": [
        "Engine", "get", "names", "register"
    ],
    "ocrframe.engines.local": [
        "DEFAULT_MODEL", "ENDPOINTS", "LocalEngine", "MODELS", "Model", "check_model"
    ],
    "ocrframe.engines.tesseract": [
        "ENDPOINTS", "LANGUAGES", "PACKAGES", "TIMEOUT_BASE", "TIMEOUT_PER_MEGAPIXEL",
        "TesseractEngine", "parse_hocr"
    ],
    "ocrframe.engines.cloud": [
        "ACTIONS", "DEFAULT_RATE", "HOST", "RATES", "RETRY", "TencentCloud"
    ],
    "ocrframe.engines.legacy": [
        "RateLimiter", "Secret", "TencentLegacy", "default_cache_dir", "prepare"
    ],
    "ocrframe.export.label_studio": [
        "CONFIG", "is_export", "tasks", "truth_records", "write_tasks"
    ],
    "ocrframe.plot": [
        "GID_PREFIX", "MISSING_COLOR", "image_array", "lowest", "plot_boxes", "plot_confidence",
        "plot_lowest"
    ],
    "ocrframe.widgets": [
        "CHOICES", "ENDPOINTS", "ENGINES", "OPTIONS", "Recognizer", "Reviewer", "TABLE_COLUMNS",
        "TABLE_STYLE", "picture"
    ],
    "ocrframe.dask": [
        "DaskTables", "read_json_bag", "recognize_bag", "worker_engine"
    ],
    "ocrframe.synthetic": [
        "CLASSES", "COMPANIES", "Canvas", "Card", "FONT_PATHS", "GIVEN", "KINDS", "MAKERS",
        "MODELS", "NATIONS", "PLATE_LETTERS", "PLATE_PREFIX", "PROVINCES", "ROADS", "SURNAMES",
        "TITLES", "USES", "VEHICLE_TYPES", "VIN_CHARS", "address", "cards", "day", "driver_licence",
        "font_path", "id_number", "idcard_back", "idcard_front", "make", "namecard", "person",
        "photograph", "vehicle_licence"
    ],
    "ocrframe.hard_pages": [
        "CONDITIONS", "HANZI", "Page", "WORDS", "draw", "make", "pages", "random_line", "rotate",
        "serif_font", "write_set"
    ],
    "ocrframe.records": [
        "FORMAT", "Index", "Record", "key", "path_for", "prepare", "read", "scan", "write"
    ],
    "ocrframe.server": [
        "ServerConfig", "create_app", "run"
    ],
    "ocrframe.server.launch": [
        "LocalServer", "PORT_ATTEMPTS", "free_port"
    ],
    "ocrframe.result": [
        "OcrResult", "RawResponses", "concat"
    ],
    "ocrframe.reading": [
        "expand_paths", "from_response", "read_json", "read_xml"
    ],
}
# fmt: on


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_public_name_still_imports_from_where_users_import_it(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(imported, name)]
    assert not missing, f"{module} lost {missing}"


def test_a_moved_module_keeps_its_old_name_as_the_same_module_object():
    import ocrframe
    from ocrframe.engines import records
    from ocrframe.sample_images import hard_pages, synthetic

    assert importlib.import_module("ocrframe.synthetic") is synthetic
    assert importlib.import_module("ocrframe.hard_pages") is hard_pages
    assert ocrframe.records is records
