"""Measuring recognition against ground truth: text normalisation, CER, per-line matching.

>>> from ocrframe import analysis
>>> analysis.cer("ＯＣＲ 识别", "OCR识別")  # NFKC folds full-width forms; whitespace is ignored
0.2
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein


def normalize(text: str, *, nfkc: bool = True, whitespace: bool = False) -> str:
    """``text`` in NFKC form (full-width ``Ａ`` -> ``A``) without whitespace, unless told not to."""
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if not whitespace:
        text = "".join(text.split())
    return text


def cer(truth: str, text: str, *, nfkc: bool = True, whitespace: bool = False) -> float:
    """Character error rate: edits to turn ``text`` into ``truth``, over ``truth``'s length."""
    t = normalize(truth, nfkc=nfkc, whitespace=whitespace)
    p = normalize(text, nfkc=nfkc, whitespace=whitespace)
    if not t:
        return 0.0 if not p else 1.0
    return Levenshtein.distance(t, p) / len(t)


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
