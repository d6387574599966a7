"""Scale-out on Dask: recognise images and convert saved responses on a cluster.

    from distributed import Client, LocalCluster
    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))   # a laptop
    # client = Client("tcp://scheduler.example:8786")                 # a real cluster

    tables = ocrframe.dask.recognize_bag(paths, "general")             # lazy
    tables.items.groupby("image_id")["confidence"].min().compute()     # dask DataFrames
    tables.to_parquet("results/")                                      # the dataset layout
    ocrframe.read_parquet("results/")                                  # one OcrResult

    saved = ocrframe.dask.read_json_bag("responses/*.jsonl")           # saved responses

Each partition is one ordinary ``ocrframe.recognize`` or ``ocrframe.read_json`` call on a
worker, so the tables are exactly those of the single-process path. Engines are created once
per worker process (``engine_factory`` is called on first use there, then reused), never
shipped over the network. ``to_parquet`` writes each partition from its worker into the same
dataset layout as ``recognize(out=…)`` and gathers only the small commit records, so the
client's memory stays flat.

On a real cluster every worker needs ocrframe installed, the images (or responses) at the
same paths or URLs, and ``to_parquet`` a directory they can all write (a shared filesystem).

``image_id``: ``recognize_bag`` numbers images by their position in ``paths`` (dense, as in
one OcrResult); ``read_json_bag`` cannot know how many responses a file holds before reading
it, so partition ``k`` numbers its images from ``k * 2**20`` (unique, not dense). Reading the
parquet dataset back renumbers densely either way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import engines
from .dataset import DatasetWriter, OcrDataset
from .errors import OcrframeError
from .inputs.images import expand
from .result import OcrResult, concat

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    from dask import delayed
except ImportError as err:  # pragma: no cover - an optional extra
    raise ImportError('ocrframe.dask needs Dask: pip install "ocrframe[dask]"') from err

STRIDE = 2**20  # read_json_bag: image ids of partition k start at k * STRIDE
_ENGINES: dict[str, engines.Engine] = {}
_ENGINES_LOCK = threading.Lock()


@dataclass
class DaskTables:
    """Lazy tables: one OcrResult per partition, as dask DataFrames and a bag of raw JSON."""

    parts: list  # Delayed[OcrResult]
    offsets: list[int]
    meta: dict

    def _frame(self, name: str) -> dd.DataFrame:
        empty = getattr(OcrResult.empty(), name)
        pieces = [delayed(_table)(p, name, off) for p, off in zip(self.parts, self.offsets)]
        return dd.from_delayed(pieces, meta=empty, verify_meta=False)

    @property
    def images(self) -> dd.DataFrame:
        return self._frame("images")

    @property
    def items(self) -> dd.DataFrame:
        return self._frame("items")

    @property
    def chars(self) -> dd.DataFrame:
        return self._frame("chars")

    @property
    def cells(self) -> dd.DataFrame:
        return self._frame("cells")

    @property
    def blocks(self) -> dd.DataFrame:
        return self._frame("blocks")

    @property
    def raw(self) -> db.Bag:
        """The raw JSON text of every response."""
        return db.from_delayed([delayed(_raw_texts)(p) for p in self.parts])

    def compute(self) -> OcrResult:
        """Everything as one OcrResult on the client (small collections only)."""
        return concat(dask.compute(*self.parts))

    def persist(self) -> DaskTables:
        """The same tables, recognised now and kept in the workers' memory: every later
        ``compute``, table or ``to_parquet`` starts from them instead of reading the images
        again (each of those otherwise runs the recognition anew, as Dask collections do)."""
        return DaskTables(list(dask.persist(*self.parts)), self.offsets, self.meta)

    def to_parquet(self, path: str | os.PathLike, progress: bool = True) -> OcrDataset:
        """Write every partition from its worker into the dataset layout of
        ``recognize(out=…)``, then commit them in order on the client."""
        writer = DatasetWriter(path, self.meta, resume=False)
        root = str(writer.root)
        tasks = [
            delayed(_write_part)(p, root, writer.next_part + k) for k, p in enumerate(self.parts)
        ]
        for name, entries in _compute(tasks, progress):
            writer.commit_written(name, entries)
        return OcrDataset(writer.root)


def _compute(tasks: list, progress: bool) -> list:
    """Compute on the current scheduler, with Dask's own progress display."""
    try:
        from distributed import get_client
        from distributed import progress as show_progress

        client = get_client()
    except (ImportError, ValueError):
        client = None
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            show_progress(futures)
        return client.gather(futures)
    if progress:
        from dask.diagnostics import ProgressBar

        with ProgressBar():
            return list(dask.compute(*tasks))
    return list(dask.compute(*tasks))


def _table(result: OcrResult, name: str, offset: int) -> pd.DataFrame:
    frame = getattr(result, name).copy()
    if offset:
        frame["image_id"] = (frame["image_id"] + offset).astype(frame["image_id"].dtype)
    return frame


def _raw_texts(result: OcrResult) -> list[str]:
    return list(result.raw.texts)


def _write_part(result: OcrResult, root: str, number: int) -> tuple[str, list[dict]]:
    from .dataset import write_part

    return write_part(Path(root), number, result)


def worker_engine(factory: Callable[[], engines.Engine] | None) -> engines.Engine:
    """The engine of this process for ``factory`` (created on first use, then reused)."""
    if factory is None:
        return engines.get("local")  # the registry already keeps one per process
    key = dask.base.tokenize(factory)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = factory()
        return _ENGINES[key]


def _recognize_part(chunk: list[str], endpoint: str, factory, options: dict) -> OcrResult:
    from .recognize import recognize

    return recognize(chunk, endpoint, worker_engine(factory), progress=False, **options)


def recognize_bag(
    paths: Sequence[str | os.PathLike] | str,
    endpoint: str = "general",
    engine_factory: Callable[[], engines.Engine] | None = None,
    *,
    partition_size: int = 20,
    **options,
) -> DaskTables:
    """Lazy recognition of ``paths`` (files, globs, directories or URLs) in partitions of
    ``partition_size`` images; ``engine_factory()`` makes each worker's engine (the local
    engine by default). Options are the endpoint's, as for :func:`ocrframe.recognize`."""
    sources = [inp.source for inp in expand(list(paths) if not isinstance(paths, str) else paths)]
    if any(not isinstance(inp.value, str | Path) for inp in expand(sources)):
        raise OcrframeError("recognize_bag takes paths and URLs (workers read them themselves)")
    chunks = [sources[k : k + partition_size] for k in range(0, len(sources), partition_size)]
    parts = [delayed(_recognize_part)(c, endpoint, engine_factory, options) for c in chunks]
    offsets = [k * partition_size for k in range(len(chunks))]
    meta = {"endpoint": endpoint, "engine": "dask", "options": options}
    return DaskTables(parts, offsets, meta)


def _read_part(files: list[str], endpoint: str | None) -> OcrResult:
    from .reading.responses import read_json

    return read_json(files, endpoint=endpoint)


def read_json_bag(
    paths: Sequence[str | os.PathLike] | str,
    endpoint: str | None = None,
    *,
    files_per_partition: int = 1,
) -> DaskTables:
    """Lazy conversion of saved responses (JSON/JSONL files, globs, directories) into the
    tables, ``files_per_partition`` files per partition."""
    from .reading.responses import expand_paths

    found = [str(p) for p in expand_paths(paths)]
    chunks = [found[k : k + files_per_partition] for k in range(0, len(found), files_per_partition)]
    if len(chunks) * STRIDE > 2**31 - 1:
        raise OcrframeError(f"{len(chunks)} partitions: put more files in each partition")
    parts = [delayed(_read_part)(c, endpoint) for c in chunks]
    meta = {"endpoint": endpoint, "engine": "dask", "options": {}}
    return DaskTables(parts, [k * STRIDE for k in range(len(chunks))], meta)


__all__ = ["DaskTables", "read_json_bag", "recognize_bag", "worker_engine"]
