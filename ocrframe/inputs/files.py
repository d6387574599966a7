"""Expanding what users name as files: a directory or a glob, sorted."""

from __future__ import annotations

import glob as globmod
import os
from collections.abc import Collection, Sequence
from pathlib import Path

from ..errors import OcrframeError


def matching(
    text: str, suffixes: Collection[str], kind: str, recursive: bool = False
) -> list[Path] | None:
    """The files a directory (those ending in ``suffixes``; in its subdirectories too when
    ``recursive``) or a glob names, sorted; ``None`` when ``text`` is neither (a plain path,
    which the caller handles). A directory or glob that names nothing is an error; ``kind``
    names what was looked for in the message. Hidden files (``.name``) are skipped.

    >>> matching("no/such/dir/*.png", {".png"}, "image")
    Traceback (most recent call last):
    ...
    ocrframe.errors.OcrframeError: no/such/dir/*.png: matches no file
    """
    if not text.strip():  # Path("") is the working directory: never what was meant
        raise OcrframeError(f"an empty path ({text!r}) names no {kind} file")
    path = Path(text)
    if path.is_dir():
        walk = path.rglob("*") if recursive else path.iterdir()
        found = sorted(
            p
            for p in walk
            if p.suffix.lower() in suffixes and not p.name.startswith(".") and p.is_file()
        )
        if not found:
            raise OcrframeError(f"{text}: directory holds no {kind} files")
        return found
    if globmod.has_magic(text) and not path.exists():
        found = sorted(Path(p) for p in globmod.glob(text, recursive=True))
        if not found:
            raise OcrframeError(f"{text}: matches no file")
        return found
    return None


def find_source(sources: Sequence[object], given: str) -> int | None:
    """The position in ``sources`` of the image ``given`` names: the same text, else the same
    file (links and relative paths resolved), else the one source with the same file name (a
    copy elsewhere); None when none or several match.

    >>> find_source(["/data/a.png", "/data/b.png"], "scans/b.png")
    1
    """
    texts = [s if isinstance(s, str) else None for s in sources]
    if given in texts:
        return texts.index(given)
    if "://" in given:
        return None
    real = os.path.realpath(given)
    local = [(k, s) for k, s in enumerate(texts) if s is not None and "://" not in s]
    for k, source in local:
        if os.path.realpath(source) == real:
            return k
    named = [k for k, source in local if Path(source).name == Path(given).name]
    return named[0] if len(named) == 1 else None
