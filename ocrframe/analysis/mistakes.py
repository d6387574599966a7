"""Where the errors are: which characters the engine confuses, which kinds of characters it gets
wrong, and every wrong item shown as a diff next to the crop of its picture.

Texts are compared as readers read them: NFKC, runs of whitespace as one space (so a missing
space between two words is an error you can see, though CER ignores it), grapheme clusters as
characters.

>>> from ocrframe import analysis
>>> analysis.edit_ops("1O0 yuan", "100 yuan")  # truth first, then what was read
[('substitute', 'O', '0')]
>>> print(analysis.diff_html("cat", "cut"))
<span class="ocrf-diff">c<del title="substituted">a</del><ins title="read as">u</ins>t</span>
"""

from __future__ import annotations

import base64
import html
import io
import unicodedata

import numpy as np
import pandas as pd
import regex
from rapidfuzz.distance import Levenshtein

from ..errors import OcrframeError
from .text import graphemes, normalize

CLASSES = ("cjk", "latin", "digit", "punctuation", "whitespace", "other")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]")
_LATIN = regex.compile(r"\p{Latin}")


def _visible(text: str) -> list[str]:
    """``text`` as compared here: NFKC, whitespace runs as one space, in grapheme clusters."""
    return graphemes(" ".join(normalize(text, whitespace=True).split()))


def edit_ops(truth: str, text: str) -> list[tuple[str, str, str]]:
    """The edits that turn the reading ``text`` into ``truth``, as (``kind``, true character,
    read character): ``substitute``, ``delete`` (a true character the reading lacks: read "")
    and ``insert`` (a read character the truth lacks: truth "")."""
    t, p = _visible(truth), _visible(text)
    return [kind for kind, _, _ in _aligned(t, p) if kind[0] != "equal"]


def _aligned(t: list[str], p: list[str]):
    """(op, truth position, read position) for every position of both sides, in order: op is
    (kind, true character, read character)."""
    tpos = ppos = 0
    for op in Levenshtein.editops(p, t):  # from the reading to the truth
        while ppos < op.src_pos and tpos < op.dest_pos:
            yield ("equal", t[tpos], p[ppos]), tpos, ppos
            tpos, ppos = tpos + 1, ppos + 1
        if op.tag == "replace":
            yield ("substitute", t[tpos], p[ppos]), tpos, ppos
            tpos, ppos = tpos + 1, ppos + 1
        elif op.tag == "delete":  # a read character with no true one
            yield ("insert", "", p[ppos]), tpos, ppos
            ppos += 1
        else:  # a true character with no read one
            yield ("delete", t[tpos], ""), tpos, ppos
            tpos += 1
    while tpos < len(t) and ppos < len(p):
        yield ("equal", t[tpos], p[ppos]), tpos, ppos
        tpos, ppos = tpos + 1, ppos + 1


def char_class(char: str) -> str:
    """The class of a character: ``cjk``, ``latin``, ``digit``, ``punctuation`` (symbols too),
    ``whitespace`` or ``other``.

    >>> [char_class(c) for c in "字aé5,  ?"]
    ['cjk', 'latin', 'latin', 'digit', 'punctuation', 'whitespace', 'whitespace', 'punctuation']
    """
    if not char or char.isspace():
        return "whitespace"
    if _CJK.match(char):
        return "cjk"
    if _LATIN.match(char):
        return "latin"
    category = unicodedata.category(char[0])
    if category == "Nd":
        return "digit"
    if category[0] in "PS":
        return "punctuation"
    return "other"


def _judged_items(evaluation) -> pd.DataFrame:
    items = evaluation.items
    if "truth" not in items:
        raise OcrframeError("needs an evaluation: analysis.evaluate(result, truth)")
    judged = items[items["truth"].notna()]
    return judged.merge(evaluation.images[["image_id", "source"]], on="image_id", how="left")


def confusions(evaluation, include_correct: bool = False) -> pd.DataFrame:
    """What each true character was read as, counted over the whole evaluation: columns
    ``truth``, ``read``, ``kind`` (``substitute``, ``delete``, ``insert``; ``equal`` with
    ``include_correct``), ``count``, ``images`` (the image ids it happened in) and ``sources``,
    most frequent first. Lines no item claimed (whole lines missed) are not in it."""
    counts: dict[tuple[str, str, str], list] = {}
    for item in _judged_items(evaluation).itertuples():
        t, p = _visible(item.truth), _visible(item.text if pd.notna(item.text) else "")
        for (kind, tc, pc), _, _ in _aligned(t, p):
            if kind == "equal" and not include_correct:
                continue
            entry = counts.setdefault((tc, pc, kind), [0, set(), set()])
            entry[0] += 1
            entry[1].add(int(item.image_id))
            entry[2].add(item.source)
    rows = [
        {"truth": tc, "read": pc, "kind": kind, "count": n, "images": sorted(ids),
         "sources": sorted(map(str, sources))}
        for (tc, pc, kind), (n, ids, sources) in counts.items()
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=["truth", "read", "kind", "count", "images", "sources"])
    return table.sort_values(["count", "truth", "read"], ascending=[False, True, True],
                             ignore_index=True)  # fmt: skip


def errors_by_class(evaluation) -> pd.DataFrame:
    """Errors per class of character (:data:`CLASSES`): true characters of the class, how many
    were read as something else (``substituted``), missed (``deleted``), and read characters of
    the class with no true one (``inserted``); ``error_rate`` is all three over the true ones."""
    table = pd.DataFrame(0, index=pd.Index(CLASSES, name="class"),
                         columns=["truth_chars", "substituted", "deleted", "inserted"])  # fmt: skip
    for item in _judged_items(evaluation).itertuples():
        t, p = _visible(item.truth), _visible(item.text if pd.notna(item.text) else "")
        for ch in t:
            table.loc[char_class(ch), "truth_chars"] += 1
        for kind, tc, pc in (op for op, _, _ in _aligned(t, p)):
            if kind == "substitute":
                table.loc[char_class(tc), "substituted"] += 1
            elif kind == "delete":
                table.loc[char_class(tc), "deleted"] += 1
            elif kind == "insert":
                table.loc[char_class(pc), "inserted"] += 1
    errors = table[["substituted", "deleted", "inserted"]].sum(axis=1)
    table["error_rate"] = errors / table["truth_chars"].where(table["truth_chars"] > 0)
    return table.reset_index()


def diff_html(truth: str, text: str) -> str:
    """The reading ``text`` against ``truth`` as HTML, like a code diff: a true character the
    reading lacks in ``<del>``, a read character the truth lacks in ``<ins>``, a substitution
    as both; everything escaped."""
    parts = []
    for (kind, tc, pc), _, _ in _aligned(_visible(truth), _visible(text)):
        if kind == "equal":
            parts.append(html.escape(pc))
        elif kind == "substitute":
            parts.append(f'<del title="substituted">{html.escape(tc)}</del>'
                         f'<ins title="read as">{html.escape(pc)}</ins>')  # fmt: skip
        elif kind == "delete":
            parts.append(f'<del title="missed">{html.escape(tc)}</del>')
        else:
            parts.append(f'<ins title="not in the truth">{html.escape(pc)}</ins>')
    return f'<span class="ocrf-diff">{"".join(parts)}</span>'


_STYLE = """<style>
.ocrf-diffs td {text-align: left; vertical-align: middle; padding: 3px 8px}
.ocrf-diff {font-family: monospace; font-size: 110%; white-space: pre}
.ocrf-diff del {background: #ffd7d5; color: #82071e; text-decoration: line-through}
.ocrf-diff ins {background: #ccffd8; color: #055d20; text-decoration: none}
</style>"""


class DiffView:
    """Wrong items as an HTML table (a notebook shows it): crop, diff, confidence, source.
    ``rows`` holds the same items as a DataFrame; ``html`` the markup."""

    def __init__(self, rows: pd.DataFrame, html_text: str) -> None:
        self.rows = rows
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<DiffView: {len(self.rows)} items>"


def show_diffs(
    evaluation,
    result=None,
    n: int = 20,
    only_wrong: bool = True,
    sort: str = "confidence",
    column: str = "confidence",
) -> DiffView:
    """The first ``n`` judged items (only the wrong ones by default), lowest ``column`` first
    (``sort="cer"``: worst first), each with the crop of its box (from ``result``'s pictures,
    else the image file the evaluation names) and its diff against the truth."""
    judged = _judged_items(evaluation)
    if only_wrong:
        judged = judged[judged["correct"].astype("boolean").eq(False).fillna(False)]
    if sort not in ("confidence", "cer"):
        raise OcrframeError(f"sort={sort!r}; use 'confidence' or 'cer'")
    key = column if sort == "confidence" else "cer"
    judged = judged.sort_values(key, ascending=sort == "confidence", na_position="last").head(n)
    pictures: dict[int, np.ndarray | None] = {}
    cells = []
    for item in judged.itertuples():
        crop = _crop(item, pictures, result)
        conf = getattr(item, column)
        cells.append(
            f"<tr><td>{crop}</td><td>{diff_html(item.truth, item.text or '')}</td>"
            f"<td>{'' if pd.isna(conf) else f'{conf:.3f}'}</td>"
            f"<td>{html.escape(str(item.source))} #{item.item_id}</td></tr>"
        )
    head = (f"<tr><th>picture</th><th>truth vs reading</th><th>{html.escape(column)}</th>"
            "<th>image #item</th></tr>")  # fmt: skip
    body = "".join(cells) or '<tr><td colspan="4">no items to show</td></tr>'
    markup = f'{_STYLE}<table class="ocrf-diffs">{head}{body}</table>'
    return DiffView(judged.reset_index(drop=True), markup)


def _crop(item, pictures: dict, result) -> str:
    """An ``<img>`` of the item's box (a few pixels around it), or "" when there is none."""
    if any(pd.isna(getattr(item, c)) for c in ("x", "y", "width", "height")):
        return ""
    if item.image_id not in pictures:
        pictures[item.image_id] = _picture(item, result)
    rgb = pictures[item.image_id]
    if rgb is None:
        return ""
    from PIL import Image

    pad = 4
    y0, x0 = max(int(item.y) - pad, 0), max(int(item.x) - pad, 0)
    y1 = min(int(item.y + item.height) + pad, rgb.shape[0])
    x1 = min(int(item.x + item.width) + pad, rgb.shape[1])
    if y1 <= y0 or x1 <= x0:
        return ""
    img = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
    img.thumbnail((420, 60))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="item {item.item_id}">'


def _picture(item, result) -> np.ndarray | None:
    try:
        if result is not None:
            return result.pixels_of(int(item.image_id))
        from PIL import Image

        with Image.open(str(item.source)) as img:
            return np.asarray(img.convert("RGB"))
    except (OSError, OcrframeError, ValueError, KeyError):
        return None  # a picture no longer at hand: the diff is still shown
