"""Datasets on disk: long recognitions written as they go, resumable after a crash.

A dataset directory holds committed parts and their commit records::

    results/
      _dataset.json                      what was asked: endpoint, engine, options
      parts/part-00000/                  one OcrResult (images/items/chars/raw parquet)
      parts/part-00001/ …
      _commits/part-00000.json           the inputs the part answers: source, sha256, ok, code

A part becomes visible only when its commit record exists: the part directory is written
under a temporary name and renamed, then the commit record is written atomically. A run killed
at any moment leaves at most an uncommitted part, which the next run deletes; every committed
input is known, so a resumed run recognises only what is missing (``retry_failed`` also what
failed). An input is its source (and which occurrence of it, when a list names a file twice);
its content hash tells whether a file changed since it was answered, in which case it is
recognised again. A re-answered input supersedes its older row: :func:`read_dataset` reads the
latest answer of every input, once.

>>> import tempfile, ocrframe
>>> root = tempfile.mkdtemp() + "/ds"
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
>>> writer = DatasetWriter(root, {"endpoint": "general"})
>>> writer.commit(res, [InputKey("a.png", "ab" * 32, 0)])
>>> len(read_dataset(root).images)
1
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .core.atomic import TMP_PREFIX, replacing, write_text
from .errors import OcrframeError
from .inputs.images import Input
from .inputs.pages import DocumentError, DocumentPage, TiffPage, document_bytes_digest
from .result import OcrResult, concat, read_result_dir

MARKER = "_dataset.json"
PARTS = "parts"
COMMITS = "_commits"


@dataclass(frozen=True)
class InputKey:
    """Who an input is — its source, its page (of a document) and which occurrence of them (a
    list may name a file twice) — and the SHA-256 of what it held when answered."""

    source: str
    sha256: str
    occurrence: int
    page: int | None = None

    @property
    def who(self) -> tuple[str, int | None, int]:
        return self.source, self.page, self.occurrence


def content_sha256(inp: Input) -> str:
    """SHA-256 of what an input holds: file bytes, bytes, a URL's text, or pixels; a page of a
    document, its document's bytes (a changed document is read again, every page)."""
    value = inp.value
    h = hashlib.sha256()
    if isinstance(value, DocumentPage | TiffPage):
        return document_bytes_digest(value.document)
    if isinstance(value, DocumentError):
        h.update(f"{value.code}:{value.detail}".encode())
    elif isinstance(value, str):
        h.update(b"url:" + value.encode())
    elif isinstance(value, Path):
        try:
            with open(value, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            h.update(b"unreadable:" + str(value).encode())  # fails again on recognition
    elif isinstance(value, bytes):
        h.update(value)
    else:
        arr = np.asarray(value)
        h.update(f"{arr.shape}{arr.dtype}".encode())
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def input_keys(inputs: list[Input]) -> list[InputKey]:
    seen: dict[tuple[str, int | None], int] = {}
    digests: dict[int, str] = {}  # a document's pages share its digest: read it once
    out = []
    for inp in inputs:
        who = (inp.source, inp.page)
        seen[who] = seen.get(who, -1) + 1
        if isinstance(inp.value, DocumentPage | TiffPage):
            document = inp.value.document
            key = id(document)
            if key not in digests:
                digests[key] = content_sha256(inp)
            sha = digests[key]
        else:
            sha = content_sha256(inp)
        out.append(InputKey(inp.source, sha, seen[who], inp.page))
    return out


def is_dataset(path: str | os.PathLike) -> bool:
    return (Path(path) / MARKER).exists()


class DatasetWriter:
    """Commits parts to a dataset directory (new, or resumed when it exists)."""

    def __init__(self, root: str | os.PathLike, meta: dict, resume: bool = False) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise OcrframeError(f"{self.root} exists and is not a directory")
        if is_dataset(self.root):
            if not resume:
                raise OcrframeError(
                    f"{self.root} already holds a dataset: resume it (resume=True, --resume) "
                    "or choose another directory"
                )
            self._check_meta(meta)
        elif self.root.is_dir() and any(self.root.iterdir()):
            raise OcrframeError(f"{self.root} is a non-empty directory that is not a dataset")
        (self.root / PARTS).mkdir(parents=True, exist_ok=True)
        (self.root / COMMITS).mkdir(exist_ok=True)
        if not is_dataset(self.root):
            meta_text = json.dumps(meta, ensure_ascii=False, indent=1)
            write_text(self.root / MARKER, meta_text, durable=True)
        self._drop_uncommitted()
        self._drop_replaced()
        self.next_part = self._next_part()
        self.next_image_id = self._next_image_id()

    def _check_meta(self, meta: dict) -> None:
        old = json.loads((self.root / MARKER).read_text(encoding="utf-8"))
        for key in ("endpoint", "options"):
            if key in meta and old.get(key) != meta[key]:
                raise OcrframeError(
                    f"{self.root}: the dataset was started with {key}={old.get(key)!r}, "
                    f"not {meta[key]!r}"
                )

    def _drop_uncommitted(self) -> None:
        committed = {p.stem for p in (self.root / COMMITS).glob("part-*.json")}
        for part in (self.root / PARTS).iterdir():
            if part.name not in committed:
                shutil.rmtree(part, ignore_errors=True)  # a run stopped before committing it
        for half_written in (self.root / COMMITS).glob(f"{TMP_PREFIX}*"):
            half_written.unlink(missing_ok=True)  # a commit record the kill cut short

    def _drop_replaced(self) -> None:
        """A part rewritten without its superseded rows (``part-00003-r1``) replaces the
        part; a run killed between the two leaves both: the older goes."""
        revisions: dict[str, list[str]] = {}
        for commit in (self.root / COMMITS).glob("part-*.json"):
            revisions.setdefault(_base(commit.stem), []).append(commit.stem)
        for names in revisions.values():
            for old in sorted(names, key=_revision)[:-1]:
                self._remove_part(old)

    def _remove_part(self, name: str) -> None:
        (self.root / COMMITS / f"{name}.json").unlink(missing_ok=True)
        shutil.rmtree(self.root / PARTS / name, ignore_errors=True)

    def _next_image_id(self) -> int:
        """Where the next part numbers its images: after every image committed so far, so that
        ``image_id`` is unique across the parts (a glob over them joins right)."""
        most = -1
        for commit in (self.root / COMMITS).glob("part-*.json"):
            entries = _entries(commit)
            most = max([most, *(e.get("image_id", -1) for e in entries)])
            most = max(most, len(entries) - 1)
        return most + 1

    def _next_part(self) -> int:
        numbers = [int(p.stem.split("-")[1]) for p in (self.root / COMMITS).glob("part-*.json")]
        return max(numbers, default=-1) + 1

    def plan(self, keys: list[InputKey], retry_failed: bool = False) -> tuple[list[int], int]:
        """Positions of the inputs still to recognise — never answered, changed since, or
        (``retry_failed``) answered with a failure — and how many of the others failed."""
        latest = latest_entries(self.root)
        todo, failed_kept = [], 0
        for k, key in enumerate(keys):
            entry = latest.get(key.who, (None, None, None))[2]
            if entry is None or entry["sha256"] != key.sha256 or (retry_failed and not entry["ok"]):
                todo.append(k)
            elif not entry["ok"]:
                failed_kept += 1
        return todo, failed_kept

    def commit(self, result: OcrResult, keys: list[InputKey]) -> None:
        """Write ``result`` (one image row per key, in order) as the next part, then commit."""
        if len(result.images) != len(keys):
            raise OcrframeError(
                f"a part needs one image row per input: {len(result.images)} rows, {len(keys)} inputs"
            )
        if not keys:
            return
        latest = latest_entries(self.root)
        replaced = [latest[k.who][:2] for k in keys if k.who in latest]
        ids = range(self.next_image_id, self.next_image_id + len(keys))
        name, entries = write_part(self.root, self.next_part, result, keys, ids)
        self.commit_written(name, entries)
        self.next_image_id = ids.stop
        self._supersede(replaced)

    def _supersede(self, replaced: list[tuple[str, int]]) -> None:
        """Rewrite the parts that hold older answers of inputs just answered again, without
        those rows: a plain query over the parts counts every input once. The rewritten part
        gets a new name (``part-00003-r1``) and its commit; then the old one goes."""
        rows: dict[str, set[int]] = {}
        for part, row in replaced:
            rows.setdefault(part, set()).add(row)
        for part, drop in rows.items():
            entries = _entries(self.root / COMMITS / f"{part}.json")
            keep = [r for r in range(len(entries)) if r not in drop]
            if keep:
                kept = [entries[r] for r in keep]
                revision = f"{_base(part)}-r{_revision(part) + 1}"
                old = read_result_dir(self.root / PARTS / part).select(keep)
                ids = [e.get("image_id", r) for e, r in zip(kept, keep)]
                with replacing(self.root / PARTS / revision, folder=True) as staging:
                    old.to_parquet(staging, image_ids=ids)
                self._write_commit(revision, kept)
            self._remove_part(part)

    def _write_commit(self, name: str, entries: list[dict]) -> None:
        """The commit record: flushed to the disk before it is renamed into place, as it says
        the part is done."""
        text = json.dumps(entries, ensure_ascii=False)
        write_text(self.root / COMMITS / f"{name}.json", text, durable=True)

    def commit_written(self, name: str, entries: list[dict]) -> None:
        """Commit a part already written by :func:`write_part` (a Dask worker's)."""
        self._write_commit(name, entries)
        self.next_part = max(self.next_part, int(name.split("-")[1]) + 1)


def write_part(
    root: Path,
    number: int,
    result: OcrResult,
    keys: list[InputKey] | None = None,
    image_ids: range | None = None,
) -> tuple[str, list[dict]]:
    """Write part ``number`` atomically (a temporary name, then a rename); its commit entries.
    Without ``keys`` (converted responses) every row is its own input. ``image_ids`` numbers
    the part's images in its files (by default from ``number * 2**20``: parts written apart,
    by Dask workers, stay unique too)."""
    name = f"part-{number:05d}"
    if image_ids is None:
        image_ids = range(number * 2**20, number * 2**20 + len(result.images))
    # a retried task of the same part replaces what its first try left
    with replacing(root / PARTS / name, folder=True) as staging:
        result.to_parquet(staging, image_ids=image_ids)
    if keys is None:
        sources = result.images["source"].fillna("").tolist()
        keys = [InputKey(src, "", number * 2**20 + row) for row, src in enumerate(sources)]
    oks = result.images["ok"].tolist()
    codes = result.images["code"].tolist()
    entries = [
        {"source": k.source, **({"page": k.page} if k.page is not None else {}),
         "sha256": k.sha256, "occurrence": k.occurrence, "ok": bool(ok), "code": int(code),
         "image_id": image_id}
        for k, ok, code, image_id in zip(keys, oks, codes, image_ids)
    ]  # fmt: skip
    return name, entries


def _base(part: str) -> str:
    """``part-00003`` of ``part-00003-r2``."""
    return "-".join(part.split("-")[:2])


def _revision(part: str) -> int:
    """How often a part was rewritten: 2 for ``part-00003-r2``, 0 for ``part-00003``."""
    tail = part.split("-")[2:]
    return int(tail[0][1:]) if tail else 0


def _entries(commit: Path) -> list[dict]:
    try:
        return json.loads(commit.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise OcrframeError(f"{commit}: unreadable commit record: {err}") from None


def latest_entries(
    root: str | os.PathLike,
) -> dict[tuple[str, int | None, int], tuple[str, int, dict]]:
    """(source, page, occurrence) -> (part, row, entry) of the input's latest committed
    answer (datasets written before pages existed have no page: None)."""
    out: dict[tuple[str, int | None, int], tuple[str, int, dict]] = {}
    for commit in sorted((Path(root) / COMMITS).glob("part-*.json")):
        for row, entry in enumerate(_entries(commit)):
            who = (entry["source"], entry.get("page"), entry.get("occurrence", 0))
            out[who] = (commit.stem, row, entry)
    return out


def read_dataset(root: str | os.PathLike) -> OcrResult:
    """The latest answer of every committed input, as one OcrResult (parts in commit order)."""
    root = Path(root)
    if not is_dataset(root):
        raise OcrframeError(f"{root}: not an ocrframe dataset (no {MARKER})")
    keep: dict[str, list[int]] = {}
    for part, row, _ in latest_entries(root).values():
        keep.setdefault(part, []).append(row)
    results = []
    for part in sorted(keep):
        res = read_result_dir(root / PARTS / part)
        rows = sorted(keep[part])
        results.append(res if len(rows) == len(res.images) else res.select(rows))
    return concat(results)


class OcrDataset:
    """A dataset on disk (what ``recognize(out=…)`` returns): counts at a glance, the tables
    on demand. ``load()`` (or ``ocrframe.read_parquet(path)``) reads it as one OcrResult."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not is_dataset(self.path):
            raise OcrframeError(f"{self.path}: not an ocrframe dataset (no {MARKER})")

    def entries(self) -> list[dict]:
        """The latest commit entry of every input: source, sha256, ok, code."""
        return [entry for _, _, entry in latest_entries(self.path).values()]

    def load(self) -> OcrResult:
        return read_dataset(self.path)

    def __len__(self) -> int:
        return len(latest_entries(self.path))

    def __repr__(self) -> str:
        entries = self.entries()
        failed = sum(not e["ok"] for e in entries)
        parts = len(list((self.path / COMMITS).glob("part-*.json")))
        return f"<OcrDataset {self.path}: {len(entries)} images ({failed} failed) in {parts} parts>"


def read_parquet(path: str | os.PathLike) -> OcrResult:
    """Read a directory written by :meth:`OcrResult.to_parquet`, or a dataset written by
    ``recognize(out=…)``, back into an :class:`OcrResult`.

    >>> import ocrframe, tempfile
    >>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
    >>> back = ocrframe.read_parquet(res.to_parquet(tempfile.mkdtemp() + "/out"))
    >>> back.items.equals(res.items), back.raw[0] == res.raw[0]
    (True, True)
    """
    src = Path(path)
    if not src.is_dir():
        raise OcrframeError(f"{src}: no such ocrframe parquet directory")
    if is_dataset(src):  # written part by part by recognize(out=…)
        return read_dataset(src)
    return read_result_dir(src)
