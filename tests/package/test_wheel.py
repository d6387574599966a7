"""The wheel, installed into a clean environment, works as a user's install does: the README's
"Five lines" and ``ocrframe demo`` run from a folder outside the checkout, on the samples the
wheel carries (package data), never on files of the source tree.

Offline: the wheel is built with this environment's setuptools (``--no-build-isolation``) and
installed with ``--no-index --no-deps``; the clean environment sees this one's dependencies
through a ``.pth`` file naming its site-packages (a path in a ``.pth`` file is only added to
``sys.path``; the ``.pth`` files there, such as the editable install's finder, are not run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine  # the installed wheel reads the samples for real
ROOT = Path(__file__).resolve().parents[2]
# the checkout's own environments, caches and build output: not part of what is built
NOT_BUILT = {".git", "out", "build", "dist", ".hypothesis", ".pytest_cache", ".ruff_cache"}


def five_lines() -> str:
    """The Python block under the README's "## Five lines" heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Five lines\n(?P<body>.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, "README.md has no '## Five lines' section"
    block = re.search(r"```python\n(?P<code>.*?)```", section["body"], re.S)
    assert block, "the README's 'Five lines' section has no Python block"
    return block["code"]


def _source_copy(dest: Path) -> Path:
    """The checkout as it is (uncommitted and new files included), without its environments,
    caches and build output. Building from a copy keeps the checkout's ``build/`` and
    ``ocrframe.egg-info/`` untouched, and a stale ``SOURCES.txt`` there from hiding a file that
    pyproject.toml no longer declares."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
        if Path(folder) == ROOT:
            skipped |= {n for n in names if n in NOT_BUILT or n.startswith(".venv")}
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _run(args: list, cwd: Path, timeout: float, env: dict | None = None) -> str:
    """Run a command, failing the test with its output when it fails. ``timeout`` is a safety
    net against a hang, never a speed requirement."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited {done.returncode}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
    return done.stdout


def test_the_installed_wheel_runs_the_readme_and_the_demo_from_any_folder(tmp_path):
    # (a) the wheel, built offline from (a copy of) the checkout
    source = _source_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    build = ["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    _run([sys.executable, *build, "-w", dist, source], cwd=tmp_path, timeout=600)
    (wheel,) = dist.glob("ocrframe-*.whl")

    # it carries the whole package, the samples and responses included, and nothing else
    with zipfile.ZipFile(wheel) as zf:
        names = {n for n in zf.namelist() if not n.endswith("/")}
    package = {
        p.relative_to(source).as_posix()
        for p in (source / "ocrframe").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {n for n in names if n.startswith("ocrframe/")} == package
    assert {n.split("/")[0] for n in names} == {
        "ocrframe",
        wheel.name.split("-py")[0] + ".dist-info",
    }
    assert "ocrframe/data/samples/truth.jsonl" in names
    assert any(n.startswith("ocrframe/data/samples/") and n.endswith(".png") for n in names)
    assert "ocrframe/data/responses/general.json" in names

    # (b) a clean environment (no system site-packages), the wheel installed with its own pip
    clean = tmp_path / "clean"
    _run([sys.executable, "-m", "venv", clean], cwd=tmp_path, timeout=600)
    python = clean / "bin" / "python"
    _run(
        [python, "-m", "pip", "install", "--no-index", "--no-deps", wheel],
        cwd=tmp_path,
        timeout=600,
    )

    # (c) this environment's dependencies, seen (not installed) through a .pth file
    purelib = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, 60
        ).strip()
    )
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (purelib / "zz_test_environment.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    work = tmp_path / "work"  # outside the checkout
    work.mkdir()

    # (d) the README's "Five lines", and the demo through the installed console script
    (work / "five_lines.py").write_text(five_lines(), encoding="utf-8")
    _run([python, "five_lines.py"], cwd=work, timeout=900, env=env)
    _run([clean / "bin" / "ocrframe", "demo", "--out", work / "demo-out"], work, 900, env)

    probe = """
import json, sys
import ocrframe
out = {"file": ocrframe.__file__, "samples": ocrframe.samples(),
       "responses": ocrframe.data_path("responses")}
for name, path in [("readme", "out/samples"), ("demo", sys.argv[1])]:
    images = ocrframe.read_parquet(path).images
    out[name] = {"sources": images["source"].tolist(), "ok": images["ok"].tolist()}
print(json.dumps(out))
"""
    found = json.loads(_run([python, "-c", probe, work / "demo-out" / "demo"], work, 300, env))
    installed = purelib.resolve()
    assert Path(found["file"]).resolve().is_relative_to(installed / "ocrframe"), found["file"]
    assert Path(found["responses"]).resolve().is_relative_to(installed / "ocrframe" / "data")
    assert (Path(found["responses"]) / "general.json").is_file()
    samples = found["samples"]
    assert len(samples) >= 8
    assert all(Path(s).resolve().is_relative_to(installed / "ocrframe" / "data") for s in samples)
    for name in ("readme", "demo"):
        assert sorted(found[name]["sources"]) == sorted(samples), name  # one row per sample
        assert all(found[name]["ok"]), name
