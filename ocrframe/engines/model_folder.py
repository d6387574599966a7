"""A folder of PP-OCR model files as the local engine's model (``model="path/to/folder"``).

Users bring a server-size model, another language's recogniser, or a newer release: any
PP-OCR family set of ONNX files (as PaddleOCR exports them with ``paddle2onnx`` or RapidOCR
publishes them) is read with the local engine's own pipeline (:mod:`~.rapid_v6`):

- detection: the one ``*.onnx`` whose name has ``det`` in it (``ch_PP-OCRv4_det_infer.onnx``);
- recognition: the one with ``rec`` (``PP-OCRv5_server_rec.onnx``); its character list is
  in the file's metadata (``character``, as RapidOCR's files carry it) or in the folder's one
  ``*.txt`` file (``ppocr_keys_v1.txt``, one character per line);
- the line direction classifier, optional: the one with ``cls``; without it no line is turned.

Each is looked for by name, case aside; a folder that lacks a part, or has two candidates for
one, is an error that names the files.

>>> import tempfile, pathlib
>>> empty = tempfile.mkdtemp()
>>> ModelFolder.of(empty)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ocrframe.errors.OcrframeError: model folder ...: no detection model (an .onnx file with 'det' in its name); it has no .onnx files
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import OcrframeError

#: what each part's file name holds, and what the part is called in errors
PARTS = {"det": "detection model", "rec": "recognition model", "cls": "line direction classifier"}


@dataclass(frozen=True)
class ModelFolder:
    """The files of a model folder: detection, recognition, its character list (None: in the
    recognition file), the classifier (None: none)."""

    folder: Path
    det: Path
    rec: Path
    keys: Path | None
    cls: Path | None

    @property
    def name(self) -> str:
        """What responses call the model: the folder's name."""
        return self.folder.name

    def paths(self) -> dict[str, Path | None]:
        """The files by part (``det``, ``rec``, ``cls``, ``keys``), as the reader takes them."""
        return {"det": self.det, "rec": self.rec, "cls": self.cls, "keys": self.keys}

    @classmethod
    def of(cls, folder: str | os.PathLike) -> ModelFolder:
        """The model files in ``folder``, checked (see the module's rules)."""
        folder = Path(folder)
        models = _files(folder, ".onnx")
        found = {part: _one(folder, models, part) for part in PARTS}
        for part in ("det", "rec"):
            if found[part] is None:
                listed = ", ".join(p.name for p in models) or "no .onnx files"
                raise OcrframeError(
                    f"model folder {folder}: no {PARTS[part]} (an .onnx file with {part!r} in its "
                    f"name); it has {listed}"
                )
        classes = _classes(found["rec"])
        keys = None if classes is None else _keys(folder, found["rec"], classes)
        return cls(folder, found["det"], found["rec"], keys, found["cls"])


def _one(folder: Path, models: list[Path], part: str) -> Path | None:
    named = [p for p in models if part in p.name.lower()]
    if len(named) > 1:
        raise OcrframeError(
            f"model folder {folder}: {len(named)} files could be the {PARTS[part]}: "
            f"{', '.join(p.name for p in named)}; keep one"
        )
    return named[0] if named else None


def _files(folder: Path, suffix: str) -> list[Path]:
    """The folder's files ending in ``suffix`` (case aside), hidden files (``._x.onnx``, which
    macOS leaves on other file systems) left out."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == suffix and not p.name.startswith(".")
    )


def _classes(rec: Path) -> int | None:
    """None when the recognition file carries its character list in its metadata, else how
    many classes it tells apart (0 when its output does not say)."""
    import onnxruntime as ort

    try:
        session = ort.InferenceSession(str(rec), providers=["CPUExecutionProvider"])
    except Exception as err:  # not a model onnxruntime can load: said with the file's name
        raise OcrframeError(f"{rec}: not a readable ONNX model ({err})") from err
    if session.get_modelmeta().custom_metadata_map.get("character"):
        return None
    last = session.get_outputs()[0].shape[-1]
    return last if isinstance(last, int) else 0


def _keys(folder: Path, rec: Path, classes: int) -> Path:
    """The folder's character list for ``rec``, checked against its ``classes`` (the list,
    a blank and a space, as PaddleOCR decodes)."""
    texts = _files(folder, ".txt")
    if len(texts) != 1:
        found = ", ".join(p.name for p in texts) or "none"
        raise OcrframeError(
            f"model folder {folder}: {rec.name} has no character list in its metadata, so the "
            f"folder needs exactly one .txt file of characters (one per line); found {found}"
        )
    lines = texts[0].read_text(encoding="utf-8").splitlines()
    if classes and classes not in (len(lines) + 1, len(lines) + 2):
        raise OcrframeError(
            f"model folder {folder}: {texts[0].name} lists {len(lines)} characters, but "
            f"{rec.name} tells {classes} classes apart (the characters, a blank and a space): "
            "it is not this model's character list"
        )
    return texts[0]
