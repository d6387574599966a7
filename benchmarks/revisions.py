"""The package of a committed revision, for benchmarks that compare it with the working tree.

``package_at(rev, folder)`` extracts revision ``rev``'s ``ocrframe/`` (``git archive``) into
``folder``; a benchmark then imports it in a process of its own with ``PYTHONPATH=folder``,
run from ``folder`` (not the repository, whose working tree must not be the package imported).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def git(*args: str) -> bytes:
    """``git -C REPO args``'s output."""
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=True).stdout


def package_at(rev: str, folder: Path) -> str:
    """Revision ``rev``'s ``ocrframe/`` extracted into ``folder``; its short hash."""
    sha = git("rev-parse", "--short", f"{rev}^{{commit}}").decode().strip()
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(git("archive", rev, "ocrframe"))) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(folder, filter="data")
        else:  # Python < 3.12 without the backported filters: git's own archive, trusted
            archive.extractall(folder)
    return sha


def answered(code: str, payload, package: Path, folder: Path, also: tuple[Path, ...] = ()):
    """What ``code`` (a script that reads ``payload`` as JSON on stdin and writes its answer
    as JSON to the file named by its first argument) answers, run in a process of its own
    with the package in ``package`` (then ``also``) first on PYTHONPATH, from ``folder`` (not
    the repository, whose working tree need not be the package measured)."""
    answer = folder / "answer.json"
    subprocess.run(
        [sys.executable, "-c", code, str(answer)],
        input=json.dumps(payload),
        text=True,
        check=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(map(str, [package, *also]))},
    )
    return json.loads(answer.read_text("utf-8"))
