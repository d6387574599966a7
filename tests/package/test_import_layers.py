"""The package's shape: imports flow one way (no module imports one that imports it back, the
layers and the forbidden imports of pyproject.toml hold, and a back-edge fails them), and no two
modules share a file name."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


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


LINT = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]


def lint_with(tmp_path: Path, module: str, addition: str) -> subprocess.CompletedProcess:
    """``lint-imports`` on a copy of the package whose ``module`` (a path under ``ocrframe/``)
    ends with ``addition``."""
    copy = tmp_path / "repo"
    copy.mkdir()
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    subprocess.run(["cp", "-r", str(ROOT / "ocrframe"), str(copy / "ocrframe")], check=True)
    edited = copy / "ocrframe" / module
    edited.write_text(edited.read_text() + addition)
    env = {"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}
    return subprocess.run(LINT, cwd=copy, capture_output=True, text=True, timeout=300, env=env)


def test_the_import_layers_hold_and_a_back_edge_breaks_them(tmp_path):
    """``lint-imports`` (run by ``make lint``) keeps pyproject.toml's contracts; the same check on a
    copy of the package with one upward import fails and names that import."""
    kept = subprocess.run(LINT, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    # an engine-independent module reaching up to the result: the classic "just import it" edge
    addition = "\n\ndef _result():\n    from ..result import OcrResult\n\n    return OcrResult\n"
    broken = lint_with(tmp_path, "core/geometry.py", addition)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout
    assert "ocrframe.core.geometry -> ocrframe.result" in broken.stdout


def test_reading_a_response_imports_no_engine_and_an_added_import_breaks_the_contract(tmp_path):
    """The readers, the server, the apps and the command line take the endpoint catalogue from
    ``ocrframe.endpoints`` (pyproject.toml's forbidden contract): reading/responses.py importing
    the engine base class, which the layers alone allow, fails ``lint-imports`` by name."""
    kept = subprocess.run(LINT, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert " BROKEN" not in kept.stdout

    broken = lint_with(tmp_path, "reading/responses.py", "\nfrom ..engines.base import Engine\n")
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout
    assert "ocrframe.reading is not allowed to import ocrframe.engines" in broken.stdout
    assert "ocrframe.reading.responses -> ocrframe.engines.base" in broken.stdout
    assert "Contracts: 2 kept, 1 broken." in broken.stdout  # the layers allow it: this one alone


def test_no_two_modules_share_a_file_name():
    """``formats/api3.py`` beside ``server/api3.py`` meant two things by one name: every module
    of the package has a name of its own (``__init__.py`` aside)."""
    names: dict[str, list[str]] = {}
    for path in sorted((ROOT / "ocrframe").rglob("*.py")):
        if path.name != "__init__.py":
            names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}


#: The documented API: the modules README.md tells users to import or call from, by the path it
#: uses, each with the names it documents — None: all the module's public names (its
#: ``__all__``, else its own public functions, classes and constants), as the README uses the
#: module as a namespace (``analysis.evaluate``, ``hard_pages.write_set``) or points to it for
#: reference (``ocrframe.schema``'s docstring, the ``errors`` users catch). Not listed: the
#: folders the README draws the flow with (``inputs/``, ``engines/`` …) but imports nothing from,
#: and ``ocrframe.plot``, ``formats``, ``dataset``, whose documented names are ocrframe's own.
