"""Files and folders written whole or not at all: a reader never sees half of one.

Everything ocrframe writes for others to read (parquet tables, XML and PDF files, records,
a dataset's parts and commit records) is written under a temporary name in the same folder,
then renamed over the final name, which the operating system does in one step. A crash or
Ctrl-C in the middle leaves the old file (or none) and a ``.tmp-`` file that is never read.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
>>> with replacing(path) as tmp:
...     _ = tmp.write_text("whole")
>>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
('whole', ['notes.txt'])
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: the prefix of every temporary name (readers skip such files; a new run may delete them)
TMP_PREFIX = ".tmp-"


@contextmanager
def replacing(
    path: str | os.PathLike, *, folder: bool = False, durable: bool = False
) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; on success it replaces ``path``.

    ``folder=True`` gives a new empty folder to fill (a dataset's part): an existing folder at
    ``path`` is removed first, as a retried task's leftover. ``durable=True`` flushes a file to
    the disk before the rename (commit records, which say what is done). On an error the
    temporary file or folder is removed and ``path`` is left as it was.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own (not mkstemp's), so the file gets the user's usual permissions, and no
    # suffix of the final file's: a reader's glob (*.json, */items.parquet) never matches it
    tmp = final.with_name(f"{TMP_PREFIX}{final.name}-{uuid.uuid4().hex[:12]}")
    if folder:
        tmp.mkdir()
    try:
        yield tmp
        if durable and not folder:
            with open(tmp, "rb+") as written:
                os.fsync(written.fileno())
        if folder and final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str, *, durable: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all."""
    with replacing(path, durable=durable) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
