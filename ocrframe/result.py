"""OcrResult: the raw responses, unchanged, and the tables derived from them.

>>> import ocrframe
>>> res = ocrframe.from_response(
...     {"code": 0, "message": "OK", "data": {"items": [{"itemstring": "手机",
...      "itemcoord": {"x": 0, "y": 100, "width": 40, "height": 20},
...      "words": [{"character": "手", "confidence": 90.9},
...                {"character": "机", "confidence": 93.9}]}], "session_id": ""}})
>>> item = res.items.iloc[0]
>>> item["text"], round(float(item["confidence"]), 3), int(item["x"]), int(item["width"])
('手机', 0.924, 0, 40)
>>> res.raw[0]["data"]["items"][0]["itemstring"]
'手机'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .core.links import link
from .core.reading_order import after_drop_caps
from .errors import OcrframeError
from .export import parquet
from .inputs.images import expand, image_array
from .inputs.pages import DEFAULT_DPI


class RawResponses(Sequence):
    """The responses exactly as the service sent them (JSON text), decoded on access.

    ``raw[i]`` is a fresh ``dict`` (editing it changes nothing stored; a text format such as
    Tesseract TSV or hOCR comes back as its text); ``raw.texts`` the texts themselves. Indexed by ``images.response_id``. Texts may be held as UTF-8 bytes or
    views into a file's bytes (as read) and are decoded only when asked for.
    """

    __slots__ = ("_texts",)

    def __init__(self, texts: Iterable[str | bytes | memoryview]) -> None:
        self._texts = list(texts)

    @property
    def texts(self) -> list[str]:
        return [_text(t) for t in self._texts]

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_value(t) for t in self._texts[index]]
        return _value(self._texts[index])

    def __iter__(self) -> Iterator[dict]:
        return (_value(t) for t in self._texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RawResponses):
            return self.texts == other.texts
        return NotImplemented

    def __repr__(self) -> str:
        return f"<RawResponses: {len(self)} responses>"


def _text(value: str | bytes | memoryview) -> str:
    return value if isinstance(value, str) else str(value, "utf-8")


def _value(raw: str | bytes | memoryview):
    """A raw response as Python: parsed JSON, or the text itself for the text formats
    (Tesseract TSV, hOCR), which are kept as they came."""
    text = _text(raw)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class OcrResult:
    """Raw responses plus the ``images``, ``items`` and ``chars`` tables, ``cells`` of the
    tables a service found and ``blocks`` of the pages' layout (see :mod:`ocrframe.schema`).

    Treat the tables as read-only views of the result; filter them freely, and use
    :meth:`select` to get a consistent subset (tables *and* raw responses).
    """

    def __init__(
        self,
        raw: RawResponses | Iterable[str],
        images: pd.DataFrame,
        items: pd.DataFrame,
        chars: pd.DataFrame,
        cells: pd.DataFrame | None = None,
        blocks: pd.DataFrame | None = None,
    ) -> None:
        self.raw = raw if isinstance(raw, RawResponses) else RawResponses(raw)
        self.images = images
        self.items = items
        self.chars = chars
        self.cells = cells if cells is not None else schema.empty("cells")
        self.blocks = blocks if blocks is not None else schema.empty("blocks")
        link(self, images, items, chars, self.cells, self.blocks)
        # in-memory inputs (bytes, PIL images, arrays) by image_id, so plots can show them
        # (by id, not source: two results' "<bytes #0>" are different pictures); files and
        # URLs are read again when needed. Not written to parquet.
        self.pixels: dict[int, object] = {}

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def empty(cls) -> OcrResult:
        """A result with no images (the tables still have every column and dtype)."""
        return cls([], *(schema.empty(name) for name in schema.TABLES))

    # -- looking -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        failed = int((~self.images["ok"]).sum())
        return (
            f"<OcrResult: {len(self.images)} images ({failed} failed), {len(self.items)} items, "
            f"{len(self.chars)} chars, {len(self.raw)} raw responses>"
        )

    def _repr_html_(self) -> str:
        cols = ["source", "page", "endpoint", "code", "n_items", "n_chars", "mean_confidence"]
        return f"<p>{_escape(repr(self))}</p>" + self.images[cols].head(20).to_html()

    @property
    def fields(self) -> pd.DataFrame:
        """Card fields wide: one row per image that has fields, one column per ``field`` key.

        Repeated fields of one image (two phone numbers) are joined with ``" | "``. A labelled
        item without a canonical key (a business-card label ocrframe does not know) gets a
        column named by its label; a key that would clash with ``image_id`` or ``source`` gets
        the suffix ``_field``.
        """
        key = self.items["field"].fillna(self.items["label"])
        cards = self.items.assign(field=key)[key.notna()]
        if cards.empty:
            return pd.DataFrame(
                {
                    "image_id": pd.Series([], dtype=schema.INT),
                    "source": pd.Series([], dtype=schema.STRING),
                }
            )
        clash = {"image_id", "source"}
        cards = cards.assign(field=[f"{k}_field" if k in clash else k for k in cards["field"]])
        order = list(dict.fromkeys(cards["field"]))
        wide = (
            cards.groupby(["image_id", "field"], sort=False)["text"]
            .agg(" | ".join)
            .unstack("field")
            .reindex(columns=order)
            .astype(schema.STRING)
        )
        wide.columns.name = None
        sources = self.images.set_index("image_id")["source"]
        wide.insert(0, "source", sources.reindex(wide.index).array)
        return wide.reset_index().astype({"image_id": schema.INT})

    def tables(self, image_id: int | None = None, *, header: bool = False) -> list[pd.DataFrame]:
        """Every table the service found (of image ``image_id``, or of all images) as a
        DataFrame of its cells' text, laid out as printed: a merged cell's text in every
        position it covers (as ``pandas.read_html`` does), ``""`` for an empty cell, NA where
        no cell is. ``df.attrs`` says which ``image_id`` and ``table_id`` it is, and
        ``header_rows`` how many of its first rows are header cells (``cells.kind``).

        ``header=True`` names the columns by those rows, as ``read_html`` does with a
        table's ``<thead>``: one header row gives column names, several a MultiIndex; a
        header position without text is ``"Unnamed: k"`` (``"Unnamed: k_level_l"``). A
        table without header cells keeps its rows and numbered columns. Texts stay strings
        (``pd.to_numeric`` turns a column of figures into numbers).

        >>> import ocrframe
        >>> res = ocrframe.read_json(ocrframe.data_path("responses/api3_table.json"))
        >>> res.tables()[0].iloc[0].tolist()
        ['项目', '数量', '金额']
        >>> named = res.tables(header=True)[0]
        >>> named.columns.tolist(), named["金额"].tolist()
        (['项目', '数量', '金额'], ['40.00', '45.00'])
        """
        cells = self.cells
        if image_id is not None:
            cells = cells[cells["image_id"] == image_id]
        out = []
        for (img, table), group in cells.groupby(["image_id", "table_id"], sort=True):
            n_rows = int((group["row"] + group["row_span"]).max())
            n_cols = int((group["col"] + group["col_span"]).max())
            grid = np.full((n_rows, n_cols), None, dtype=object)
            for cell in group.itertuples():
                grid[cell.row : cell.row + cell.row_span, cell.col : cell.col + cell.col_span] = (
                    cell.text
                )
            frame = pd.DataFrame(grid).astype(schema.STRING)
            heads = _header_rows(group, n_rows)
            if header and heads:
                frame = _named_by(frame, heads)
            frame.attrs.update(image_id=int(img), table_id=int(table), header_rows=heads)
            out.append(frame)
        return out

    def text(self, image_id: int | None = None, *, furniture: bool = False) -> pd.Series:
        """Each image's text in reading order: a Series of strings by ``image_id`` (or the
        one string of image ``image_id``).

        Lines follow ``items.order`` where the source gives one (the local engine's layout
        analysis, the layout formats), else ``item_id``; lines of one block are joined by a
        newline and blocks by a blank line. The page's furniture — blocks of type ``header``,
        ``footer`` and ``figure`` (running heads, page numbers, the words inside a picture) —
        is left out unless ``furniture=True``; the rows stay in ``items``. A failed image or
        one without text gives ``""``.

        >>> import ocrframe
        >>> res = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
        >>> res.text().tolist()
        ['手机']
        """
        items = self.items
        if image_id is not None:
            items = items[items["image_id"] == image_id]
        if not furniture and len(self.blocks):
            items = items[~_furniture(items, self.blocks)]
        texts = _page_texts(items)
        ids = self.images["image_id"] if image_id is None else pd.Series([image_id])
        out = texts.reindex(ids.to_numpy(dtype=np.int64), fill_value="").astype(schema.STRING)
        out.index = pd.Index(ids.to_numpy(dtype=np.int64), name="image_id")
        return out.iloc[0] if image_id is not None else out

    def with_image_columns(
        self, level: str = "items", columns: tuple[str, ...] = ("source", "endpoint", "engine")
    ) -> pd.DataFrame:
        """The items (or chars, cells) with ``columns`` of their image after ``image_id``, for
        grouping by endpoint, engine or source (:func:`ocrframe.schema.with_image_columns`)."""
        return schema.with_image_columns(self, level, columns)

    # -- pictures ----------------------------------------------------------------------------
    def pixels_of(self, image_id: int):
        """RGB pixels of image ``image_id``, from memory (in-memory inputs) or its source."""
        row = self._ids([image_id])[0]
        if row in self.pixels:
            return image_array(self.pixels[row])
        source, page, dpi = (self.images.loc[row, c] for c in ("source", "page", "dpi"))
        if pd.isna(source) or str(source).startswith("<"):
            raise OcrframeError(
                f"image {image_id} ({source}) was given in memory and is not kept in this "
                "result; pass the image to ocrframe.plot_boxes yourself"
            )
        if pd.isna(page):
            return image_array(str(source))
        # a page of a document: rendered again as it was read
        resolution = int(dpi) if pd.notna(dpi) else DEFAULT_DPI
        return image_array(expand(str(source), pages=[int(page)], dpi=resolution)[0])

    def plot(self, image_id: int | None = None, level: str = "items", ax=None, **kwargs):
        """Draw image ``image_id`` (default: the first image with items) with the boxes of its
        items (or chars, or ``level="blocks"``: the layout's blocks by type, with their reading
        order): see :func:`ocrframe.plot_boxes` for the options. Returns the axes."""
        from .plot.boxes import plot_boxes  # matplotlib loads when there is something to draw

        if image_id is None:
            with_items = self.images.loc[self.images["n_items"] > 0, "image_id"]
            if with_items.empty:
                raise OcrframeError("no image of this result has items to draw")
            image_id = int(with_items.iloc[0])
        if level not in ("items", "chars", "blocks"):
            raise OcrframeError(f"level={level!r}; draw 'items', 'chars' or 'blocks'")
        frame = getattr(self, level)
        rows = frame[frame["image_id"] == image_id]
        ax = plot_boxes(self.pixels_of(image_id), rows, ax=ax, level=level, **kwargs)
        ax.set_title(self.title(image_id), fontsize=9)
        return ax

    def title(self, image_id: int) -> str:
        """A short name for image ``image_id``: the file name of its source (a URL's last
        part), not the whole path, and its page of a document (``"scan.pdf p. 2"``)."""
        row = self._ids([image_id])[0]
        source, page = self.images.loc[row, "source"], self.images.loc[row, "page"]
        if pd.isna(source):
            return f"image {image_id}"
        name = str(source).rstrip("/").rsplit("/", 1)[-1] or str(source)
        name = name if len(name) <= 50 else "…" + name[-49:]
        return name if pd.isna(page) else f"{name} p. {page}"

    def show(self, n: int = 6, cols: int = 3, level: str = "items", **kwargs):
        """A grid of the first ``n`` images that have rows, each with its boxes. Returns the
        figure."""
        import matplotlib.pyplot as plt

        ids = [int(i) for i in self.images.loc[self.images["n_items"] > 0, "image_id"][:n]]
        rows = max(1, -(-len(ids) // cols))
        fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows), squeeze=False)
        for ax in axes.ravel():
            ax.set_axis_off()
        for ax, image_id in zip(axes.ravel(), ids):
            self.plot(image_id, level=level, ax=ax, colorbar=False, **kwargs)
        fig.tight_layout()
        return fig

    # -- subsetting --------------------------------------------------------------------------
    def select(self, which) -> OcrResult:
        """The images chosen by ``which`` — image ids, or a boolean mask over ``images`` — with
        their items, chars and raw responses. Ids are renumbered densely in the new result.

        >>> import ocrframe
        >>> res = ocrframe.read_json(ocrframe.data_path("responses/idcard_front_url.json"))
        >>> res.select(res.images["source"].str.contains("bbb")).images["source"].tolist()
        [' http://www.test.com/bbb.jpg']
        """
        ids = self._ids(which)
        keep = np.zeros(len(self.images), dtype=bool)
        keep[ids] = True
        images = self.images[keep]
        old_resp = images["response_id"].to_numpy(dtype=np.int64)
        kept_resp = np.unique(old_resp)
        resp_map = np.full(max(len(self.raw), 1), -1, dtype=np.int64)
        resp_map[kept_resp] = np.arange(len(kept_resp))
        img_map = np.cumsum(keep) - 1

        images = images.assign(
            image_id=pd.array(np.arange(len(images)), dtype=schema.INT),
            response_id=pd.array(resp_map[old_resp], dtype=schema.INT),
        ).reset_index(drop=True)
        texts = self.raw._texts
        out = OcrResult(
            [texts[i] for i in kept_resp],
            images,
            _remap(self.items, keep, img_map),
            _remap(self.chars, keep, img_map),
            _remap(self.cells, keep, img_map),
            _remap(self.blocks, keep, img_map),
        )
        out.pixels = {int(img_map[k]): v for k, v in self.pixels.items() if keep[k]}
        return out

    def head(self, n: int = 5) -> OcrResult:
        """The first ``n`` images (with everything that belongs to them)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise OcrframeError(f"head takes a number of images (0 or more), got {n!r}")
        return self.select(np.arange(min(int(n), len(self))))

    def _ids(self, which) -> np.ndarray:
        """Row positions of ``which``: image ids (integers) or a boolean mask over ``images``."""
        if isinstance(which, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
            if which.isna().any():
                raise OcrframeError("select: the ids or mask hold missing values (NA)")
            which = which.to_numpy()
        if isinstance(which, int | np.integer):
            which = [which]
        if which is None or isinstance(which, str | bytes | dict | slice | float):
            raise OcrframeError(
                f"select takes image ids or a boolean mask over images, got {which!r}"
            )
        arr = np.asarray(which)
        if arr.dtype == bool:
            if arr.shape != (len(self.images),):
                raise OcrframeError(
                    f"boolean mask has {arr.size} values; the result has {len(self.images)} images"
                )
            return np.flatnonzero(arr)
        whole = arr.dtype.kind in "iu" or (arr.dtype.kind == "f" and np.array_equal(arr, arr // 1))
        if arr.size and not whole:
            raise OcrframeError(f"image ids are integers, got {arr.ravel()[:5].tolist()}")
        arr = arr.astype(np.int64).ravel()
        bad = arr[(arr < 0) | (arr >= len(self.images))]
        if len(bad):
            raise OcrframeError(f"no image with id {bad[:5].tolist()} (ids are 0..{len(self) - 1})")
        return arr

    # -- export ------------------------------------------------------------------------------
    def to_parquet(
        self, path: str | os.PathLike, *, image_ids: Sequence[int] | None = None
    ) -> Path:
        """Write the result to directory ``path``: one parquet file per table and the raw responses.

        Each file opens on its own in any parquet reader (pandas, polars, DuckDB, Arrow);
        ``ocrframe.read_parquet(path)`` gives back equal frames (dtypes included) and the same JSON.
        ``image_ids`` numbers the images otherwise in the files (a dataset's parts, so that
        ``image_id`` is unique across them). An existing ocrframe directory is replaced;
        any other non-empty directory is refused. The files: :mod:`ocrframe.export.parquet`.
        """
        return parquet.write_result(self, self.raw.texts, path, image_ids)

    # -- files for other tools -------------------------------------------------------------
    def to_hocr(self, directory: str | os.PathLike) -> list[Path]:
        """One hOCR file per image in ``directory`` (Tesseract's markup, with character boxes
        and confidences): see :mod:`ocrframe.export.xml_files`. Returns the files."""
        from .export.xml_files import write_hocr

        return write_hocr(self, directory)

    def to_alto(self, directory: str | os.PathLike) -> list[Path]:
        """One ALTO 4.2 XML file per image in ``directory``. Returns the files."""
        from .export.xml_files import write_alto

        return write_alto(self, directory)

    def to_page_xml(self, directory: str | os.PathLike) -> list[Path]:
        """One PAGE XML (2019) file per image in ``directory``. Returns the files."""
        from .export.xml_files import write_page_xml

        return write_page_xml(self, directory)

    def to_text(self, directory: str | os.PathLike) -> list[Path]:
        """One plain text file per image in ``directory``: its lines in reading order."""
        from .export.xml_files import write_text

        return write_text(self, directory)

    def to_pdf(self, path: str | os.PathLike) -> Path:
        """A searchable PDF: the images as pages with an invisible text layer on the words
        (:mod:`ocrframe.export.pdf`)."""
        from .export.pdf import write_pdf

        return write_pdf(self, path)

    def to_label_studio(self, path: str | os.PathLike, image_url=None) -> Path:
        """One JSON file of Label Studio tasks, each item a prediction region scored by its
        confidence (:mod:`ocrframe.export.label_studio`)."""
        from .export.label_studio import write_tasks

        return write_tasks(self, path, image_url)


#: the blocks ``OcrResult.text()`` leaves out unless asked: not the page's running text
FURNITURE = ("header", "footer", "figure")


def _furniture(items: pd.DataFrame, blocks: pd.DataFrame) -> np.ndarray:
    """Which items lie in a block of the page's furniture (:data:`FURNITURE`)."""
    kinds = blocks.loc[blocks["type"].isin(FURNITURE), ["image_id", "block_id"]]
    if kinds.empty:
        return np.zeros(len(items), dtype=bool)
    keys = pd.MultiIndex.from_frame(kinds.astype("int64"))
    mine = pd.MultiIndex.from_arrays(
        [items["image_id"].astype("int64"), items["block_id"].astype("Int64").fillna(-1)]
    )
    return mine.isin(keys)


def _page_texts(items: pd.DataFrame) -> pd.Series:
    """Each image's text (``OcrResult.text``): lines in reading order, blocks apart."""
    if items.empty:
        return pd.Series([], dtype=object)
    order = items["order"].fillna(items["item_id"]).to_numpy(dtype=np.int64)
    block = items["block_id"].fillna(-1).to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            "image_id": items["image_id"].to_numpy(dtype=np.int64),
            "order": order,
            "block": block,
            "text": items["text"].fillna("").to_numpy(dtype=object),
        }
    ).sort_values(["image_id", "order"], kind="stable")
    boxes = items[["x", "y", "width", "height"]].to_numpy(dtype=np.float64, na_value=np.nan)
    frame["joined"] = after_drop_caps(boxes[frame.index], frame["text"].tolist())
    pages = {}
    for image, lines in frame.groupby("image_id", sort=False):
        parts: list[str] = []
        last = None
        for block_no, text, joined in zip(lines["block"], lines["text"], lines["joined"]):
            if parts and block_no != last:
                parts.append("\n\n")
            elif parts and not joined:
                parts.append("\n")
            parts.append(text)
            last = block_no
        pages[image] = "".join(parts)
    return pd.Series(pages, dtype=object)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _remap(df: pd.DataFrame, keep: np.ndarray, img_map: np.ndarray) -> pd.DataFrame:
    old = df["image_id"].to_numpy(dtype=np.int64)
    mask = keep[old] if len(old) else np.zeros(0, dtype=bool)
    out = df[mask].reset_index(drop=True)
    out["image_id"] = pd.array(img_map[old[mask]], dtype=schema.INT)
    return out


def concat(results: Sequence[OcrResult]) -> OcrResult:
    """One result from several: image and response ids are renumbered, dtypes are kept.

    >>> import ocrframe
    >>> a = ocrframe.read_json(ocrframe.data_path("responses/general.json"))
    >>> len(ocrframe.concat([a, a]).images)
    2
    """
    if isinstance(results, OcrResult) or not isinstance(results, Iterable):
        raise OcrframeError(f"concat takes a list of OcrResults, got {type(results).__name__}")
    results = list(results)
    others = [type(r).__name__ for r in results if not isinstance(r, OcrResult)]
    if others:
        raise OcrframeError(f"concat takes OcrResults; the list also holds {others[:3]}")
    if not results:
        return OcrResult.empty()
    if len(results) == 1:
        return results[0]
    img_off = np.cumsum([0] + [len(r.images) for r in results[:-1]])
    resp_off = np.cumsum([0] + [len(r.raw) for r in results[:-1]])
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in schema.TABLES}
    texts: list = []
    for res, io, ro in zip(results, img_off, resp_off):
        frames["images"].append(_shift(res.images, io, response=ro))
        for name in ("items", "chars", "cells", "blocks"):
            frames[name].append(_shift(getattr(res, name), io))
        texts += res.raw._texts
    out = OcrResult(texts, *(_concat_frames(name, frames[name]) for name in schema.TABLES))
    for res, io in zip(results, img_off):
        out.pixels.update((k + int(io), v) for k, v in res.pixels.items())
    return out


def _shift(df: pd.DataFrame, images: int, response: int | None = None) -> pd.DataFrame:
    if not images and not response:
        return df
    changes = {"image_id": df["image_id"] + int(images)}
    if response is not None:
        changes["response_id"] = df["response_id"] + int(response)
    return df.assign(**changes)


def _concat_frames(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    schema.validate(table, out)
    return out


def read_result_dir(path: str | os.PathLike) -> OcrResult:
    """Read a directory written by :meth:`OcrResult.to_parquet` back into an :class:`OcrResult`
    (``ocrframe.read_parquet`` reads these and datasets; the files:
    :mod:`ocrframe.export.parquet`)."""
    texts, frames = parquet.read_result(path)
    return OcrResult(texts, **frames)


def _header_rows(cells: pd.DataFrame, n_rows: int) -> int:
    """How many first rows of a table of ``n_rows`` every cell that covers is a header cell
    (``kind``); 0 where every row is (nothing would be left to name)."""
    if "kind" not in cells or cells.empty:
        return 0
    start = cells["row"].to_numpy()
    stop = start + cells["row_span"].to_numpy()
    heading = (cells["kind"] == "header").fillna(False).to_numpy()
    count = 0
    while count < n_rows:
        covering = (start <= count) & (count < stop)
        if not covering.any() or not heading[covering].all():
            break
        count += 1
    return 0 if count >= n_rows else count


def _named_by(frame: pd.DataFrame, heads: int) -> pd.DataFrame:
    """``frame`` without its first ``heads`` rows, its columns named by them (``read_html``'s
    names for a position without text)."""
    levels = []
    for level in range(heads):
        row = frame.iloc[level].tolist()
        unnamed = "Unnamed: {k}" if heads == 1 else "Unnamed: {k}_level_{level}"
        levels.append(
            [
                text if isinstance(text, str) and text.strip() else unnamed.format(k=k, level=level)
                for k, text in enumerate(row)
            ]
        )
    body = frame.iloc[heads:].reset_index(drop=True)
    if heads == 1:
        body.columns = pd.Index(levels[0])
    else:
        body.columns = pd.MultiIndex.from_arrays(levels)
    return body
