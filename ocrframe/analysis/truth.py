"""Ground truth in: lines, card fields, Reviewer labels, Label Studio exports or a result whose
text is known to be right, as one row per line, field or label."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import schema
from ..errors import OcrframeError, reading_file

# -- truth -------------------------------------------------------------------------------------
TRUTH_COLUMNS = {
    "source": schema.STRING,
    "page": schema.INT,  # the page of a document, NA for a single image
    "line": schema.INT,  # order of a free-text line, NA for fields and labels
    "field": schema.STRING,  # card field key, NA for lines
    "item_id": schema.INT,  # a Reviewer label's item, NA otherwise
    "text": schema.STRING,
    "x": schema.INT,
    "y": schema.INT,
    "width": schema.INT,
    "height": schema.INT,
}


def read_truth(path_or_records) -> pd.DataFrame:
    """Ground truth as one row per line, card field or reviewed item.

    Reads JSONL (``{"source": …, "lines": [...]}`` with optional ``"boxes"`` and ``"page"``,
    a Label Studio export (``.json``: the reviewed transcription of every region),
    or ``{"source": …, "fields": {...}}``, or the Reviewer's saved labels), CSV (``source,text``
    or ``source,field,text``), the records themselves (``ocrframe.samples(truth=True)``), or an
    OcrResult whose text is known to be right — a born-digital PDF's text layer read with
    ``engine="pdf-text"``: each item a line, with its box.
    """
    from ..export import label_studio
    from ..result import OcrResult

    if isinstance(path_or_records, OcrResult):
        return _truth_frame(_result_records(path_or_records))
    if isinstance(path_or_records, pd.DataFrame):
        return _truth_frame(path_or_records.to_dict("records"))
    if isinstance(path_or_records, list | tuple):
        if label_studio.is_export(list(path_or_records)):
            return _truth_frame(label_studio.truth_records(list(path_or_records)))
        return _truth_frame(list(path_or_records))
    path = Path(path_or_records)
    if not path.exists():
        raise OcrframeError(f"{path}: no such truth file")
    with reading_file(path, "truth file"):
        return _read_truth_file(path)


def _read_truth_file(path: Path) -> pd.DataFrame:
    """Ground truth from a Label Studio export, a CSV or JSONL file (see :func:`read_truth`)."""
    from ..export import label_studio

    if path.suffix.lower() == ".json":  # a Label Studio export: its reviewed transcriptions
        try:
            export = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise OcrframeError(f"{path}: invalid JSON: {err}") from None
        if not label_studio.is_export(export):
            raise OcrframeError(f"{path}: not a Label Studio export (tasks with annotations)")
        return _truth_frame(label_studio.truth_records(export))
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "source" not in table or "text" not in table:
            raise OcrframeError(f"{path}: a truth CSV needs columns source,text (and field)")
        return _truth_frame(table.to_dict("records"), csv=True)
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise OcrframeError(f"{path}:{number}: invalid JSON: {err}") from None
    return _truth_frame(records)


def _result_records(result) -> list[dict]:
    """Truth records of a result: per image (and page), its items' texts and boxes."""
    records = []
    for img in result.images[result.images["ok"]].itertuples():
        items = result.items[result.items["image_id"] == img.image_id]
        boxes = [
            None if pd.isna(x) else [int(x), int(y), int(w), int(h)]
            for x, y, w, h in items[["x", "y", "width", "height"]].itertuples(index=False)
        ]
        page = None if pd.isna(img.page) else int(img.page)
        records.append(
            {"source": img.source, "page": page, "lines": items["text"].tolist(), "boxes": boxes}
        )
    return records


def _truth_frame(records: list[dict], csv: bool = False) -> pd.DataFrame:
    rows = []
    for k, rec in enumerate(records):
        if "source" not in rec:
            raise OcrframeError(f"truth record {k}: no 'source'")
        where = {"source": str(rec["source"]), "page": _page_of(rec, k)}
        if "corrected_text" in rec:  # a Reviewer label
            rows.append({**where, "item_id": int(rec["item_id"]), "text": rec["corrected_text"]})
        elif csv:
            rows.append({**where, "field": rec.get("field") or None, "text": rec["text"]})
        else:
            boxes = rec.get("boxes") or [None] * len(rec.get("lines", []))
            for n, (text, box) in enumerate(zip(rec.get("lines", []), boxes)):
                row = {**where, "line": n, "text": text}
                if box is not None:
                    row.update(zip(("x", "y", "width", "height"), box))
                rows.append(row)
            for key, text in (rec.get("fields") or {}).items():
                rows.append({**where, "field": key, "text": text})
    frame = pd.DataFrame(rows, columns=list(TRUTH_COLUMNS))
    return frame.astype(TRUTH_COLUMNS)


def _page_of(rec: dict, k: int) -> int | None:
    page = rec.get("page")
    if page is None or (isinstance(page, str) and not page.strip()) or pd.isna(page):
        return None
    try:
        return int(page)
    except (TypeError, ValueError):
        raise OcrframeError(f"truth record {k}: page {page!r} is not a number") from None


def same_page(pages: pd.Series, page) -> pd.Series:
    """Which truth rows are of ``page`` (NA: a single image, matched by NA)."""
    if pd.isna(page):
        return pages.isna()
    return (pages == page).fillna(False)


def match_sources(result_sources: pd.Series, truth_sources: pd.Series) -> dict[str, str]:
    """result source -> truth source: exactly, or failing that by file name."""
    exact = set(truth_sources)
    by_name: dict[str, str] = {}
    for t in truth_sources.unique():
        by_name.setdefault(Path(str(t)).name, t)
    out = {}
    for s in result_sources.dropna().unique():
        if s in exact:
            out[s] = s
        elif Path(str(s)).name in by_name:
            out[s] = by_name[Path(str(s)).name]
    return out
