"""A result judged against truth: every item aligned with its true text, every character with
the truth, so ``correct`` sits next to ``confidence``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..core import geometry
from ..errors import OcrframeError
from .text import cer, char_correct, edits, length, normalize, wer
from .truth import match_sources, read_truth, same_page


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

    def select(self, image_ids) -> Evaluation:
        """The evaluation of the images ``image_ids`` only (their rows of every table)."""
        keep = set(int(i) for i in image_ids)
        return Evaluation(*(t[t["image_id"].isin(keep)].copy()
                            for t in (self.images, self.items, self.chars)))  # fmt: skip

    def split(self, share: float = 0.5, seed: int | None = 0) -> tuple[Evaluation, Evaluation]:
        """Two evaluations of disjoint images, ``share`` of the images in the first (drawn with
        ``seed``): fit a calibration on one, check it on the other. Images, not rows, are split:
        the lines of one picture are alike, and a check on lines of pictures it was fitted on
        would flatter it."""
        if not 0 < share < 1:
            raise OcrframeError(f"share={share!r}: give a fraction between 0 and 1")
        ids = np.random.default_rng(seed).permutation(self.images["image_id"].to_numpy())
        cut = round(len(ids) * share)
        return self.select(ids[:cut]), self.select(ids[cut:])

    def intervals(self, metrics=None, **kwargs) -> pd.DataFrame:
        """CER, WER, accuracy and ECE with bootstrap intervals over images
        (:func:`ocrframe.analysis.intervals`)."""
        from .uncertainty import intervals

        return intervals(self, metrics, **kwargs)

    def by(self, column: str) -> pd.DataFrame:
        """CER, WER and item accuracy per value of an items column (``field``, ``image_id`` …)
        or an images column (``endpoint``, ``engine``, ``source``)."""
        items = self.items
        if column not in items:
            items = items.merge(self.images[["image_id", column]], on="image_id", how="left")
        judged = items[items["truth"].notna()].copy()
        judged["edits"] = [
            edits(normalize(t), normalize(p)) for p, t in zip(judged["text"], judged["truth"])
        ]
        judged["length"] = [length(normalize(t)) for t in judged["truth"]]
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
    mapping = match_sources(result.images["source"], truth["source"])
    items = result.items.copy()
    items["truth"] = pd.Series(pd.NA, index=items.index, dtype=schema.STRING)
    image_rows = []
    for img in result.images.itertuples():
        tsrc = mapping.get(img.source)
        mine = items.index[items["image_id"] == img.image_id]
        if tsrc is None:
            image_rows.append((img.image_id, pd.NA, np.nan, np.nan))
            continue
        mine_truth = truth[(truth["source"] == tsrc) & same_page(truth["page"], img.page)]
        t = _relevant(mine_truth, items.loc[mine])
        claimed = _align_image(items.loc[mine], t, nfkc)
        for row, text in claimed.items():
            items.loc[row, "truth"] = text
        unclaimed = t[~t.index.isin(claimed.attrs.get("used", []))]
        deletions = sum(length(normalize(s, nfkc=nfkc)) for s in unclaimed["text"].dropna())
        changed = sum(
            edits(normalize(tt, nfkc=nfkc), normalize(p, nfkc=nfkc))
            for p, tt in zip(items.loc[mine, "text"], items.loc[mine, "truth"].fillna(""))
        )
        total = sum(length(normalize(s, nfkc=nfkc)) for s in t["text"].dropna())
        image_rows.append(
            (img.image_id, " / ".join(t["text"].dropna()), changed + deletions, total)
        )
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
    box = ["x", "y", "width", "height"]
    boxes = items[box].notna().all(axis=1).to_numpy()
    tboxes = lines[box].notna().all(axis=1).to_numpy()
    for i, (_, it) in enumerate(items.iterrows()):
        for j, (_, ln) in enumerate(lines.iterrows()):
            text_cost = min(cer(ln["text"], it["text"], nfkc=nfkc), 1.0)
            if boxes[i] and tboxes[j]:
                iou = geometry.iou(tuple(map(float, it[box])), tuple(map(float, ln[box])))
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
        rows.append({"truth": truth, "text": text, "edits": edits(t, p), "length": length(t)})
    return pd.DataFrame(rows, columns=["truth", "text", "edits", "length"])
