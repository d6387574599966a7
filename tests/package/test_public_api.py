"""The public API: every documented name stays where the README imports it from, the flat
layout's old module paths still give their modules but warn, and ``import ocrframe`` loads no
matplotlib."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from ocrframe.core import moved

ROOT = Path(__file__).resolve().parents[2]


#: ``python tests/package/test_public_api.py`` writes tests/fixtures/public_names.json from this and the
#: current tree: run it when the README documents a new name, never to make a lost one pass.
DOCUMENTED: dict[str, list[str] | None] = {
    "ocrframe": None,  # ocrframe.__all__
    "ocrframe.analysis": None,  # from ocrframe import analysis; analysis.evaluate(...)
    "ocrframe.schema": None,  # "by column, is the docstring of ocrframe.schema"
    "ocrframe.errors": None,  # OcrFormatError, OcrScaleWarning … (also in ocrframe.__all__)
    "ocrframe.dask": None,  # ocrframe.dask.recognize_bag, read_json_bag
    "ocrframe.widgets": ["Recognizer", "Reviewer"],  # from ocrframe.widgets import ...
    "ocrframe.formats.drivinglicence": ["FIELDS"],
    "ocrframe.formats.namecard": ["LABELS"],
    "ocrframe.sample_images.hard_pages": None,  # from ocrframe.sample_images import hard_pages
    "ocrframe.sample_images.synthetic": None,  # made-up cards with known fields
    "ocrframe.records": [],  # the replay records' module, named, nothing called
}

FIXTURE = ROOT / "tests" / "fixtures" / "public_names.json"
PUBLIC = json.loads(FIXTURE.read_text())["modules"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def public_names(module: str) -> list[str]:
    """The public names of ``module``: ``__all__``, else its own functions, classes and
    UPPER_CASE constants (not what it imported)."""
    imported = importlib.import_module(module)
    if hasattr(imported, "__all__"):
        return sorted(imported.__all__)
    own = [
        name
        for name, value in vars(imported).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and (
            getattr(value, "__module__", None) == module
            if inspect.isfunction(value) or inspect.isclass(value)
            else name.isupper()
        )
    ]
    return sorted(own)


def documented_api() -> dict:
    """The fixture's content: :data:`DOCUMENTED` with the names of the current tree."""
    modules = {m: public_names(m) if n is None else sorted(n) for m, n in DOCUMENTED.items()}
    return {
        "about": "The documented public API: each module README.md tells users to import or call "
        "from, by the path it uses, with the names it documents (tests/package/test_public_api.py: "
        "DOCUMENTED says which and why). Made by `python tests/package/test_public_api.py`; "
        "tests/package/test_public_api.py checks every name still imports from there, without a warning.",
        "modules": modules,
    }


def test_the_fixture_lists_the_modules_the_readme_documents():
    import ocrframe

    assert sorted(PUBLIC) == sorted(DOCUMENTED)
    assert set(PUBLIC["ocrframe"]) >= set(ocrframe.__all__)
    for module, names in DOCUMENTED.items():
        # named by its path, or (errors) every name of it exported as ocrframe's own
        assert module in README or set(PUBLIC[module]) <= set(ocrframe.__all__), module
        assert all(name in README for name in names or []), module


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_documented_name_imports_from_where_the_readme_says(module):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        imported = importlib.import_module(module)
        lost = [name for name in PUBLIC[module] if not hasattr(imported, name)]
    assert not lost, f"{module} lost {lost}"
    deprecated = [str(w.message) for w in caught if "ocrframe 0.3" in str(w.message)]
    assert not deprecated, f"a documented name of {module} goes through an old path: {deprecated}"


# -- the flat layout's module paths: deprecated, still the very modules --------------------------


@pytest.mark.parametrize("old", sorted(moved.MOVED))
def test_an_old_module_path_imports_the_moved_module_with_a_warning(old):
    new = moved.MOVED[old]
    real = importlib.import_module(new)
    # once imported, the old path is in sys.modules (as any import): start afresh, leave as found
    cached = sys.modules.pop(f"ocrframe.{old}", None)
    try:
        match = rf"ocrframe\.{old} .*{new}.*ocrframe 0\.3"
        with pytest.warns(DeprecationWarning, match=match) as w:
            loaded = importlib.import_module(f"ocrframe.{old}")
        assert {x.filename for x in w} == {__file__}  # the line calling import_module
        assert loaded is real
        assert (loaded.__name__, loaded.__spec__.name) == (new, new)
        assert importlib.import_module(f"ocrframe.{old}") is real  # and again, from sys.modules
    finally:
        sys.modules.pop(f"ocrframe.{old}", None)
        if cached is not None:
            sys.modules[f"ocrframe.{old}"] = cached


@pytest.mark.parametrize("old", sorted(set(moved.MOVED) - {"samples"}))
def test_an_old_module_name_as_an_attribute_gives_the_moved_module_with_a_warning(old):
    # the package that held it: ocrframe (ocrframe.pages), ocrframe.engines (.engines.records)
    package_name, _, name = f"ocrframe.{old}".rpartition(".")
    package = importlib.import_module(package_name)
    real = importlib.import_module(moved.MOVED[old])
    with pytest.warns(DeprecationWarning, match=rf"{moved.MOVED[old]}.*ocrframe 0\.3") as w:
        assert getattr(package, name) is real
    assert {x.filename for x in w} == {__file__}  # the warning points at the user's line
    namespace: dict = {}
    with pytest.warns(DeprecationWarning, match="ocrframe 0.3") as w:
        exec(compile(f"from {package_name} import {name}", "user.py", "exec"), namespace)
    assert namespace[name] is real
    assert {x.filename for x in w} == {"user.py"}
    assert name not in dir(package)


def test_records_and_signature_are_the_real_modules_again_and_their_engines_paths_warn():
    """``ocrframe.records`` and ``ocrframe.signature`` were old paths of the engines' modules;
    now they are the modules, and ``ocrframe.engines.records`` is the old path."""
    code = textwrap.dedent("""
        import json, warnings
        warnings.simplefilter("error")
        import ocrframe.records, ocrframe.signature
        from ocrframe import endpoints, records, signature
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as caught:
            import ocrframe.engines.records as old
            from ocrframe.engines import signature as old_signature
        print(json.dumps({
            "names": [records.__name__, signature.__name__, endpoints.__name__],
            "same": [old is records, old_signature is signature],
            "messages": sorted({str(w.message) for w in caught}),
        }))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["names"] == ["ocrframe.records", "ocrframe.signature", "ocrframe.endpoints"]
    assert out["same"] == [True, True]
    assert out["messages"] == [moved.message("engines.records"), moved.message("engines.signature")]


def test_samples_stays_the_function_and_only_its_statement_form_is_the_old_path():
    import ocrframe

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert callable(ocrframe.samples) and "samples" in ocrframe.__all__
        from ocrframe import samples

        assert samples is ocrframe.samples


def test_the_statement_forms_in_a_fresh_interpreter():
    """``import ocrframe.pages`` never asks the package's ``__getattr__``: the finder answers,
    with a warning on the importing line, and the package's attributes stay what they were."""
    code = textwrap.dedent("""
        import json, sys, warnings
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as caught:
            import ocrframe.samples, ocrframe.pages as p
            from ocrframe.synthetic import make
            import ocrframe.inputs.pages, ocrframe.sample_images.synthetic as synthetic
        ours = [w for w in caught if "ocrframe 0.3" in str(w.message)]
        print(json.dumps({
            "samples_is_function": callable(ocrframe.samples),
            "pages": [p is ocrframe.inputs.pages, p.__name__, p.__spec__.name],
            "make": make is synthetic.make,
            "warnings": sorted({(w.category.__name__, w.filename, w.lineno) for w in ours}),
            "messages": sorted({str(w.message) for w in ours}),
        }))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["samples_is_function"] and out["make"], run.stderr
    assert out["pages"] == [True, "ocrframe.inputs.pages", "ocrframe.inputs.pages"]
    # each on the line that imports (5, 6), none from the new paths (7)
    assert out["warnings"] == [["DeprecationWarning", "<string>", n] for n in (5, 6)]
    assert out["messages"] == sorted(moved.message(o) for o in ("samples", "pages", "synthetic"))


# -- import ocrframe loads no matplotlib ---------------------------------------------------------


def test_import_ocrframe_loads_no_matplotlib_until_a_plot_is_asked_for():
    code = textwrap.dedent("""
        import json, sys
        import ocrframe

        def loaded():
            return sorted({m.split(".")[0] for m in sys.modules} & {"matplotlib", "ipywidgets"})

        after_import = loaded()
        items = ocrframe.read_json(ocrframe.data_path("responses/drivinglicence.json")).items
        accessor = [len(items.ocr.lowest(2)), len(items.ocr.below(0.85)), loaded()]
        names = ["plot_boxes" in dir(ocrframe), "plot_boxes" in dir(ocrframe.plot), loaded()]
        plot_boxes = ocrframe.plot_boxes
        print(json.dumps({
            "after_import": after_import,
            "accessor": accessor,
            "names": names,
            "after_plot_boxes": loaded(),
            "same": [plot_boxes is ocrframe.plot.plot_boxes,
                     plot_boxes is ocrframe.plot.boxes.plot_boxes,
                     ocrframe.plot_calibration is ocrframe.analysis.plot_calibration],
        }))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["after_import"] == []
    assert out["accessor"] == [2, 1, []]  # df.ocr is registered, its row filters load nothing
    assert out["names"] == [True, True, []]
    assert out["after_plot_boxes"] == ["matplotlib"]  # the check can fail: this is what it sees
    assert out["same"] == [True, True, True]


if (
    __name__ == "__main__"
):  # python tests/package/test_public_api.py: write the fixture (see DOCUMENTED)
    FIXTURE.write_text(json.dumps(documented_api(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {FIXTURE}")
