"""The package's shape: imports flow one way (no module imports one that imports it back, the
layers of pyproject.toml hold), and every name users import stays where they import it."""

from __future__ import annotations

import importlib
import json
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


#: Every public name of every module before the layout by the flow (b42b625), made by importing
#: that tree: users and their notebooks import these today.
BEFORE = json.loads((ROOT / "tests" / "fixtures" / "public_names.json").read_text())["modules"]

#: The names that did not stay, and where they went. Each is checked to be really gone, so the
#: list stays true; anything else missing fails the test.
GONE = {
    "ocrframe.engines.cards": "was internal: the card readers are ocrframe.cards (idcard_front, "
    "idcard_back, namecard, licence_items) and its modules",
    "ocrframe.result.read_parquet": "ocrframe.read_parquet, as documented: it reads datasets too, "
    "and result cannot import dataset without a cycle",
    "ocrframe.result.linked_result": "ocrframe.core.links.owner_of",
    "ocrframe.result.LINK": "ocrframe.core.links.LINK",
    "ocrframe.reading.BATCH_ENDPOINTS": "ocrframe.engines.base.BATCH_ENDPOINTS, where it was made",
    "ocrframe.export.tables.TYPE_CHECKING": "typing's own",
}


def _imports(module: str, name: str | None = None) -> bool:
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return False
    return name is None or hasattr(imported, name)


@pytest.mark.parametrize("module", sorted(BEFORE))
def test_every_public_name_still_imports_from_where_users_import_it(module):
    if module in GONE:
        assert not _imports(module), f"{module} is listed as gone but imports"
        return
    assert _imports(module), f"{module} no longer imports"
    imported = importlib.import_module(module)
    lost = [n for n in BEFORE[module] if not hasattr(imported, n) and f"{module}.{n}" not in GONE]
    assert not lost, f"{module} lost {lost}"
    still = [n for n in BEFORE[module] if f"{module}.{n}" in GONE and hasattr(imported, n)]
    assert not still, f"{module}.{still} are listed as gone but import"


def test_an_old_module_path_gives_the_very_module_that_moved():
    import ocrframe
    from ocrframe.engines import records
    from ocrframe.inputs import pages
    from ocrframe.sample_images import bundled, synthetic

    assert importlib.import_module("ocrframe.pages") is pages
    assert importlib.import_module("ocrframe.synthetic") is synthetic
    assert ocrframe.records is records
    # ocrframe.samples stays the function users call; its module keeps the path as before
    assert callable(ocrframe.samples) and importlib.import_module("ocrframe.samples") is bundled
    run = "import ocrframe.samples, ocrframe.pages as p; print(callable(ocrframe.samples), p.__name__)"
    fresh = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, timeout=120)
    assert fresh.stdout.split() == ["True", "ocrframe.inputs.pages"], fresh.stderr
