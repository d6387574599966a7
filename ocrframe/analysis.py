"""Is the confidence telling the truth, and where to set the review threshold?

Ground truth in, judged tables out: :func:`read_truth` reads lines, card fields or a Reviewer's
labels; :func:`evaluate` aligns every recognised item with its true text and every character
with the truth (an edit-distance alignment), so ``correct`` sits next to ``confidence``;
:func:`calibration` / :func:`expected_calibration_error` / :func:`plot_calibration` say how far
confidence is from accuracy; :func:`review_curve` / :func:`suggest_threshold` say what a review
threshold costs and buys; :func:`summary`, :func:`failures` and :func:`compare_engines` describe
results with or without truth.

>>> from ocrframe import analysis
>>> analysis.cer("ＯＣＲ 识别", "OCR识別")  # NFKC folds full-width forms; whitespace is ignored
0.2
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from . import schema
from .errors import OcrframeError

DEFAULT_THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


# -- text --------------------------------------------------------------------------------------
def normalize(text: str, *, nfkc: bool = True, whitespace: bool = False) -> str:
    """``text`` in NFKC form (full-width ``Ａ`` -> ``A``) without whitespace, unless told not to."""
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if not whitespace:
        text = "".join(text.split())
    return text


def cer(truth: str, text: str, *, nfkc: bool = True, whitespace: bool = False) -> float:
    """Character error rate: edits to turn ``text`` into ``truth``, over ``truth``'s length.

    >>> cer("abcd", "abxd"), cer("", ""), cer("", "x")
    (0.25, 0.0, 1.0)
    """
    t = normalize(truth, nfkc=nfkc, whitespace=whitespace)
    p = normalize(text, nfkc=nfkc, whitespace=whitespace)
    if not t:
        return 0.0 if not p else 1.0
    return Levenshtein.distance(t, p) / len(t)


def wer(truth: str, text: str, *, nfkc: bool = True) -> float:
    """Word error rate over whitespace-separated words (a line of CJK text is one word).

    >>> wer("the cat sat", "the cat sit")
    0.3333333333333333
    """
    t = normalize(truth, nfkc=nfkc, whitespace=True).split()
    p = normalize(text, nfkc=nfkc, whitespace=True).split()
    if not t:
        return 0.0 if not p else 1.0
    return Levenshtein.distance(t, p) / len(t)


def char_correct(chars: list[str], truth: str, *, nfkc: bool = True) -> list[bool | None]:
    """Which of ``chars`` (one recognised item, in order) the truth confirms.

    Both sides are normalised (NFKC, no whitespace) and aligned by edit distance; a character is
    correct when every normalised code point it produced is kept unchanged by the alignment.
    Whitespace is not judged (``None``).

    >>> char_correct(list("h3llo"), "hello")
    [True, False, True, True, True]
    >>> char_correct(list("ａ b"), "ab")  # full-width a folds to a; the space is not judged
    [True, None, True]
    """
    pieces = [normalize(c, nfkc=nfkc) for c in chars]
    owner = [k for k, piece in enumerate(pieces) for _ in piece]
    pred = "".join(pieces)
    good = np.ones(len(pred), dtype=bool)
    for op in Levenshtein.editops(pred, normalize(truth, nfkc=nfkc)):
        if op.tag in ("replace", "delete"):
            good[op.src_pos] = False
    verdict: list[bool | None] = [None if not p else True for p in pieces]
    for pos, k in enumerate(owner):
        if not good[pos]:
            verdict[k] = False
    return verdict


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
    from .export import label_studio
    from .result import OcrResult

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


def _same_page(pages: pd.Series, page) -> pd.Series:
    """Which truth rows are of ``page`` (NA: a single image, matched by NA)."""
    if pd.isna(page):
        return pages.isna()
    return (pages == page).fillna(False)


def _match_sources(result_sources: pd.Series, truth_sources: pd.Series) -> dict[str, str]:
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


# -- evaluation --------------------------------------------------------------------------------
@dataclass
class Evaluation:
    """A result judged against truth: the result's rows with ``truth``, ``cer``, ``wer`` and
    ``correct`` added (``images`` and ``items``), and ``correct`` per character (``chars``)."""

    images: pd.DataFrame
    items: pd.DataFrame
    chars: pd.DataFrame

    @property
    def cer(self) -> float:
        """Character error rate over every image that has truth (edits / truth characters)."""
        judged = self.images.dropna(subset=["edits"])
        length = judged["truth_chars"].sum()
        return float(judged["edits"].sum() / length) if length else float("nan")

    def by(self, column: str) -> pd.DataFrame:
        """CER, WER and item accuracy per value of an items column (``field``, ``image_id`` …)
        or an images column (``endpoint``, ``engine``, ``source``)."""
        items = self.items
        if column not in items:
            items = items.merge(self.images[["image_id", column]], on="image_id", how="left")
        judged = items[items["truth"].notna()].copy()
        judged["edits"] = [
            Levenshtein.distance(normalize(t), normalize(p))
            for p, t in zip(judged["text"], judged["truth"])
        ]
        judged["length"] = [len(normalize(t)) for t in judged["truth"]]
        table = judged.groupby(column, dropna=False).agg(
            items=("item_id", "size"),
            edits=("edits", "sum"),
            length=("length", "sum"),
            wer=("wer", "mean"),
            accuracy=("correct", "mean"),
            mean_confidence=("confidence", "mean"),
        )
        table.insert(1, "cer", table["edits"] / table["length"].where(table["length"] > 0))
        return table.reset_index()


def evaluate(result, truth, *, nfkc: bool = True) -> Evaluation:
    """Align each recognised item with its true text, and each character with the truth.

    Card fields are matched by ``field`` key, Reviewer labels by ``item_id``, free-text lines by
    box overlap when both sides have boxes, else by the closest text (one truth line per item).
    Items no truth line claims are insertions (``truth`` is ""); truth lines no item claims are
    deletions, counted in the image's ``edits``.
    """
    truth = (
        read_truth(truth) if not isinstance(truth, pd.DataFrame) or "line" not in truth else truth
    )
    if "page" not in truth:  # a frame made before truth knew pages: single images
        truth = truth.assign(page=pd.array([pd.NA] * len(truth), dtype=schema.INT))
    mapping = _match_sources(result.images["source"], truth["source"])
    items = result.items.copy()
    items["truth"] = pd.Series(pd.NA, index=items.index, dtype=schema.STRING)
    image_rows = []
    for img in result.images.itertuples():
        tsrc = mapping.get(img.source)
        mine = items.index[items["image_id"] == img.image_id]
        if tsrc is None:
            image_rows.append((img.image_id, pd.NA, np.nan, np.nan))
            continue
        mine_truth = truth[(truth["source"] == tsrc) & _same_page(truth["page"], img.page)]
        t = _relevant(mine_truth, items.loc[mine])
        claimed = _align_image(items.loc[mine], t, nfkc)
        for row, text in claimed.items():
            items.loc[row, "truth"] = text
        unclaimed = t[~t.index.isin(claimed.attrs.get("used", []))]
        deletions = sum(len(normalize(s, nfkc=nfkc)) for s in unclaimed["text"].dropna())
        edits = sum(
            Levenshtein.distance(normalize(tt, nfkc=nfkc), normalize(p, nfkc=nfkc))
            for p, tt in zip(items.loc[mine, "text"], items.loc[mine, "truth"].fillna(""))
        )
        total = sum(len(normalize(s, nfkc=nfkc)) for s in t["text"].dropna())
        image_rows.append((img.image_id, " / ".join(t["text"].dropna()), edits + deletions, total))
    has = items["truth"].notna()
    items["cer"] = pd.array(
        [cer(tt, p, nfkc=nfkc) if h else np.nan for p, tt, h in zip(items["text"], items["truth"], has)],
        dtype="Float64",
    )  # fmt: skip
    items["wer"] = pd.array(
        [wer(tt, p, nfkc=nfkc) if h else np.nan for p, tt, h in zip(items["text"], items["truth"], has)],
        dtype="Float64",
    )  # fmt: skip
    items["correct"] = pd.array(
        [normalize(p, nfkc=nfkc) == normalize(tt, nfkc=nfkc) if h else None
         for p, tt, h in zip(items["text"], items["truth"], has)],
        dtype="boolean",
    )  # fmt: skip

    judged = pd.DataFrame(image_rows, columns=["image_id", "truth", "edits", "truth_chars"])
    images = result.images.merge(judged, on="image_id", how="left")
    images["truth"] = images["truth"].astype(schema.STRING)
    images["cer"] = pd.array(
        np.where(images["truth_chars"] > 0, images["edits"] / images["truth_chars"].clip(lower=1), np.nan),
        dtype="Float64",
    )  # fmt: skip
    return Evaluation(images, items, _judge_chars(result.chars, items, nfkc))


def _relevant(truth: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The truth rows that speak about these items: card fields only where items have field
    keys, free-text lines only where items are free text (a card's truth may give both views of
    the same text), Reviewer labels always."""
    keep = truth["item_id"].notna()
    if items["field"].notna().any():
        keep |= truth["field"].notna()
    if items["field"].isna().any() or items.empty:
        keep |= truth["line"].notna()
    return truth[keep]


def _align_image(items: pd.DataFrame, truth: pd.DataFrame, nfkc: bool) -> pd.Series:
    """item row -> true text for one image; ``.attrs['used']`` lists the truth rows taken."""
    claimed: dict = {}
    used: list = []
    labels = truth[truth["item_id"].notna()]
    for row, item in items.iterrows():
        hit = labels[labels["item_id"] == item["item_id"]]
        if len(hit):
            claimed[row] = hit["text"].iloc[0]
            used.append(hit.index[0])
    fields = truth[truth["field"].notna()]
    for row, item in items.iterrows():
        if row in claimed or pd.isna(item["field"]):
            continue
        hit = fields[fields["field"] == item["field"]]
        if len(hit):
            claimed[row] = hit["text"].iloc[0]
            used.append(hit.index[0])
    lines = truth[truth["line"].notna()]
    free = items[[r not in claimed for r in items.index]]
    if len(lines) and len(free):
        pairs = _pair_lines(free, lines, nfkc)
        for row, trow in pairs.items():
            claimed[row] = lines.loc[trow, "text"]
            used.append(trow)
        for row in free.index:
            claimed.setdefault(row, "")  # an item no line claims: an insertion
    out = pd.Series(claimed, dtype=object)
    out.attrs["used"] = used
    return out


def _pair_lines(items: pd.DataFrame, lines: pd.DataFrame, nfkc: bool) -> dict:
    """One truth line per item, cheapest pairs first. With boxes on both sides a pair needs an
    intersection over union of at least 0.1, and costs half box mismatch, half text mismatch
    (so a stray fragment inside a line's box loses to the line itself); otherwise the cost is
    the text's CER."""
    cost = np.ones((len(items), len(lines)))
    boxes = items[["x", "y", "width", "height"]].notna().all(axis=1).to_numpy()
    tboxes = lines[["x", "y", "width", "height"]].notna().all(axis=1).to_numpy()
    for i, (_, it) in enumerate(items.iterrows()):
        for j, (_, ln) in enumerate(lines.iterrows()):
            text_cost = min(cer(ln["text"], it["text"], nfkc=nfkc), 1.0)
            if boxes[i] and tboxes[j]:
                iou = _iou(it, ln)
                cost[i, j] = 0.5 * (1.0 - iou) + 0.5 * text_cost if iou >= 0.1 else 2.0
            else:
                cost[i, j] = text_cost
    pairs = {}
    taken_i, taken_j = set(), set()
    for flat in np.argsort(cost, axis=None, kind="stable"):
        i, j = divmod(int(flat), len(lines))
        if i in taken_i or j in taken_j or cost[i, j] >= 1.0:
            continue
        pairs[items.index[i]] = lines.index[j]
        taken_i.add(i)
        taken_j.add(j)
    return pairs


def _iou(a, b) -> float:
    """Intersection over union of two boxes."""
    w = max(0, min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]))
    h = max(0, min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]))
    union = a["width"] * a["height"] + b["width"] * b["height"] - w * h
    return float(w * h / union) if union else 0.0


def _judge_chars(chars: pd.DataFrame, items: pd.DataFrame, nfkc: bool) -> pd.DataFrame:
    truth = items.set_index(["image_id", "item_id"])["truth"]
    verdicts = []
    for (image_id, item_id), group in chars.groupby(["image_id", "item_id"], sort=False):
        text = truth.get((image_id, item_id), pd.NA)
        if pd.isna(text):
            verdicts += [None] * len(group)
        else:
            verdicts += char_correct(group["char"].tolist(), text, nfkc=nfkc)
    out = chars.copy()
    out["correct"] = pd.array(verdicts, dtype="boolean")
    return out


def line_errors(chars: pd.DataFrame, lines: list[str], boxes: list[list[int]]) -> pd.DataFrame:
    """Errors per true line of one image, matching recognised characters to lines by position.

    Each recognised character (a row of ``chars`` with a box) goes to the true line whose box
    holds its centre; the characters of a line, left to right, are its recognised text.
    Characters that land in no line are returned as an extra row with empty truth, so they
    count as insertions. Columns: ``truth``, ``text``, ``edits``, ``length`` (normalised).
    """
    have_box = chars.dropna(subset=["x", "y", "width", "height"])
    cx = (have_box["x"] + have_box["width"] / 2).to_numpy(dtype=float)
    cy = (have_box["y"] + have_box["height"] / 2).to_numpy(dtype=float)
    owner = np.full(len(have_box), -1)
    best = np.full(len(have_box), np.inf)
    for k, (x, y, w, h) in enumerate(boxes):
        pad = 0.25 * h  # glyph boxes and engine boxes differ by a few pixels
        inside = (cx >= x - pad) & (cx <= x + w + pad) & (cy >= y - pad) & (cy <= y + h + pad)
        dist = np.abs(cy - (y + h / 2))
        take = inside & (dist < best)
        owner[take], best[take] = k, dist[take]
    rows = []
    text_col = have_box["char"].to_numpy(dtype=object)
    for k, truth in enumerate([*lines, ""]):
        mine = np.flatnonzero(owner == (k if k < len(lines) else -1))
        mine = mine[np.argsort(cx[mine], kind="stable")]
        text = "".join(text_col[mine])
        t, p = normalize(truth), normalize(text)
        if k == len(lines) and not p:
            continue
        rows.append(
            {"truth": truth, "text": text, "edits": Levenshtein.distance(t, p), "length": len(t)}
        )
    return pd.DataFrame(rows, columns=["truth", "text", "edits", "length"])


# -- calibration -------------------------------------------------------------------------------
def _judged(frame: pd.DataFrame) -> pd.DataFrame:
    if "correct" not in frame or "confidence" not in frame:
        raise OcrframeError("needs 'confidence' and 'correct' columns: use evaluate(...).items")
    return frame.dropna(subset=["confidence", "correct"])


def calibration(frame: pd.DataFrame, bins: int = 10, by: str | None = None) -> pd.DataFrame:
    """Confidence against accuracy in ``bins`` equal-width bins of 0–1.

    Columns ``bin_low``, ``bin_high``, ``mean_confidence``, ``accuracy``, ``count`` (and ``by``);
    empty bins are left out. The last bin includes 1.0.
    """
    judged = _judged(frame)
    if by is not None:
        parts = [
            calibration(group, bins).assign(**{by: key})
            for key, group in judged.groupby(by, dropna=False)
        ]
        return pd.concat(parts, ignore_index=True) if parts else calibration(judged.iloc[:0], bins)
    conf = judged["confidence"].to_numpy(dtype=float)
    right = judged["correct"].to_numpy(dtype=bool)
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            rows.append(
                (b / bins, (b + 1) / bins, conf[sel].mean(), right[sel].mean(), int(sel.sum()))
            )
    return pd.DataFrame(
        rows, columns=["bin_low", "bin_high", "mean_confidence", "accuracy", "count"]
    )


def expected_calibration_error(frame: pd.DataFrame, bins: int = 10) -> float:
    """ECE: the count-weighted mean gap between accuracy and confidence over the bins.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.95, 0.95, 0.15, 0.15], "correct": [True, False, False, False]})
    >>> round(expected_calibration_error(t), 3)  # (2 * |0.5 - 0.95| + 2 * |0 - 0.15|) / 4
    0.3
    """
    table = calibration(frame, bins)
    total = table["count"].sum()
    if not total:
        return float("nan")
    gaps = (table["accuracy"] - table["mean_confidence"]).abs()
    return float((gaps * table["count"]).sum() / total)


def plot_calibration(frame: pd.DataFrame, bins: int = 10, by: str | None = None, ax=None):
    """The reliability diagram: accuracy against confidence per bin (the diagonal is perfect),
    with the share of rows per bin below. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    groups = [(None, frame)] if by is None else list(_judged(frame).groupby(by, dropna=False))
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", linewidth=1, label="perfect")
    for key, group in groups:
        table = calibration(group, bins)
        ece = expected_calibration_error(group, bins)
        name = "all" if key is None else str(key)
        ax.plot(table["mean_confidence"], table["accuracy"], marker="o",
                label=f"{name} (ECE {ece:.3f}, n={int(table['count'].sum())})")  # fmt: skip
    table = calibration(frame, bins)
    share = table["count"] / max(table["count"].sum(), 1)
    ax.bar(table["bin_low"], share * 0.25, width=1 / bins, align="edge", alpha=0.25,
           color="tab:blue", label="share of rows (x4)")  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="upper left")
    return ax


# -- review threshold --------------------------------------------------------------------------
def review_curve(frame: pd.DataFrame) -> pd.DataFrame:
    """For each threshold: the share of rows sent to review (confidence below it) and the error
    rate left among the accepted rows. Thresholds are 0 (review nothing), the observed
    confidences and just above 1 (review everything)."""
    judged = _judged(frame)
    conf = judged["confidence"].to_numpy(dtype=float)
    wrong = ~judged["correct"].to_numpy(dtype=bool)
    order = np.argsort(conf, kind="stable")
    conf, wrong = conf[order], wrong[order]
    n = len(conf)
    cuts = np.unique(np.r_[0.0, conf, np.nextafter(1.0, 2.0)])  # 0: review nothing
    below = np.searchsorted(conf, cuts, side="left")  # rows with confidence < cut
    errors_below = np.r_[0, np.cumsum(wrong)][below]
    accepted = n - below
    residual = np.where(accepted > 0, (wrong.sum() - errors_below) / np.maximum(accepted, 1), 0.0)
    return pd.DataFrame(
        {
            "threshold": cuts,
            "reviewed_share": below / max(n, 1),
            "accepted": accepted,
            "residual_error": residual,
        }
    )


def suggest_threshold(frame: pd.DataFrame, max_error: float = 0.01) -> float:
    """The lowest threshold whose accepted rows (confidence at or above it) have an error rate
    of at most ``max_error``: review everything below it.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"confidence": [0.2, 0.5, 0.9, 0.95], "correct": [False, True, True, True]})
    >>> suggest_threshold(t, 0.0)  # review the 0.2 item, accept from 0.5 up
    0.5
    >>> suggest_threshold(t, 0.25)  # a quarter wrong is allowed: nothing to review
    0.0
    """
    curve = review_curve(frame)
    ok = curve[curve["residual_error"] <= max_error]
    return float(ok["threshold"].iloc[0])


# -- describing results ------------------------------------------------------------------------
def summary(
    result, by: str | None = "endpoint", thresholds=DEFAULT_THRESHOLDS, level: str = "items"
):
    """Confidence statistics per ``by`` (``endpoint``, ``engine``, ``field``, ``source``,
    ``image_id`` … or ``None``): count, mean, median, quantiles and the share below each
    threshold, with the number of images and of failed images where ``by`` is an image column."""
    frame = result.with_image_columns(level)
    if by is not None and by not in frame:
        raise OcrframeError(f"by={by!r} is not a column (have {list(frame.columns)})")
    groups = [("all", frame)] if by is None else list(frame.groupby(by, dropna=False))
    rows = []
    for key, group in groups:
        conf = group["confidence"].dropna().astype(float)
        row = {
            by or "group": key,
            "count": len(group),
            "with_confidence": len(conf),
            "mean": conf.mean(),
            "median": conf.median(),
            "q05": conf.quantile(0.05),
            "q25": conf.quantile(0.25),
            "min": conf.min(),
        }
        for t in thresholds:
            row[f"below_{t:g}"] = float((conf < t).mean()) if len(conf) else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    if by in ("endpoint", "engine", "source", "image_id"):
        imgs = result.images.groupby(by, dropna=False).agg(
            images=("image_id", "size"), failed=("ok", lambda s: int((~s).sum()))
        )
        table = table.merge(imgs, left_on=by, right_index=True, how="outer")
    return table


def failures(result) -> pd.DataFrame:
    """Failed images counted by endpoint, code and message."""
    failed = result.images[~result.images["ok"]]
    return (
        failed.groupby(["endpoint", "code", "message"], dropna=False)
        .size()
        .rename("images")
        .reset_index()
        .sort_values("images", ascending=False, ignore_index=True)
    )


def page_text(result, image_id: int) -> str:
    """The image's items in reading order (top to bottom, then left to right), joined."""
    items = result.items[result.items["image_id"] == image_id]
    if items[["x", "y"]].notna().all(axis=None):
        items = items.sort_values(["y", "x"])
    return "\n".join(items["text"].dropna())


def compare_engines(a, b, truth=None, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """The same images through two engines, side by side per source: how far their page texts
    agree (1 - CER between them) and, with ``truth``, each engine's CER against it."""
    na, nb = names
    rows = []
    ev_a = evaluate(a, truth) if truth is not None else None
    ev_b = evaluate(b, truth) if truth is not None else None
    b_by_source = dict(zip(b.images["source"], b.images["image_id"]))
    for img in a.images.itertuples():
        if img.source not in b_by_source:
            continue
        ta, tb = page_text(a, img.image_id), page_text(b, b_by_source[img.source])
        row = {"source": img.source, f"text_{na}": ta, f"text_{nb}": tb,
               "agreement": max(0.0, 1.0 - cer(ta, tb))}  # fmt: skip
        if truth is not None:
            row[f"cer_{na}"] = ev_a.images.loc[ev_a.images["image_id"] == img.image_id, "cer"].iloc[
                0
            ]
            row[f"cer_{nb}"] = ev_b.images.loc[
                ev_b.images["image_id"] == b_by_source[img.source], "cer"
            ].iloc[0]
        rows.append(row)
    return pd.DataFrame(rows)
