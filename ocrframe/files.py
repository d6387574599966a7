"""Expanding what users name as files: a directory or a glob, sorted."""

from __future__ import annotations

import glob as globmod
from collections.abc import Collection
from pathlib import Path

from .errors import OcrframeError


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
