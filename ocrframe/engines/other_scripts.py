"""Pages in a script the local models cannot read, read again by Tesseract.

PP-OCRv6 small reads Chinese and Latin. On a page in another script (the Korean report
``normal_4pages.pdf`` of the realdev documents) its detector still finds every line, but the
recogniser gives a character or two for a line twenty heights long ("2", "(", "五"), or scores
most lines too low to keep them. Such a page (:func:`unread`) goes to Tesseract's orientation and script detection; where that names a
script whose language pack is installed (:func:`pack_for`), Tesseract reads the page in it,
and the local engine's layout and tables work on Tesseract's lines.

On the realdev pictures no receipt, shop photo or sign, and no page in Latin or Chinese, is
unread (:data:`UNREAD`): the detection runs on the pages that need it only.

>>> from ocrframe.core.geometry import Line
>>> line = lambda text, width: Line([(0, 0), (width, 0), (width, 20), (0, 20)], text)
>>> unread([line("2", 400), line("(", 300), line("...", 500), line("1", 380)])
True
>>> unread([line("The council voted on tuesday", 420)] * 4)
False
>>> unread([line("昆号亡正停せ百", 400)], dropped=4)  # four of five scored too low
True
>>> pack_for("Korean", {"kor", "eng", "osd"}), pack_for("Latin", {"eng"})
('kor+eng', None)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.geometry import Line, bbox

#: a line is unread when its text holds fewer characters than this share of its length in
#: line heights (read lines: Latin 1.5-2.5, Chinese about 1; the Korean page's: 0.05) ...
UNREAD = 0.3
#: ... and a page when this share of its lines are, of :data:`MIN_LINES` lines or more
UNREAD_SHARE = 0.5
MIN_LINES = 4
#: the scripts Tesseract's detection names that the local models do not read, and the
#: language pack that reads each (Latin and Han are the local models' own)
SCRIPT_PACKS = {
    "Korean": "kor",
    "Hangul": "kor",
    "Japanese": "jpn",
    "Katakana": "jpn",
    "Hiragana": "jpn",
    "Cyrillic": "rus",
    "Greek": "ell",
    "Arabic": "ara",
    "Hebrew": "heb",
    "Devanagari": "hin",
    "Thai": "tha",
}


def unread(lines: Sequence[Line], dropped: int = 0) -> bool:
    """Whether the recogniser could not read the script of a page with ``lines`` (and
    ``dropped`` lines more that it found but scored too low to keep): most of them,
    :data:`MIN_LINES` at least, were dropped or hold far fewer characters than their length."""
    if len(lines) + dropped < MIN_LINES:
        return False
    boxes = np.array([bbox(line.polygon) for line in lines], dtype=np.float64).reshape(-1, 4)
    heights = np.maximum(np.minimum(boxes[:, 2], boxes[:, 3]), 1.0)
    lengths = np.maximum(np.maximum(boxes[:, 2], boxes[:, 3]) / heights, 1.0)
    characters = np.array([len(line.text.strip()) for line in lines], dtype=np.float64)
    short = int(np.sum(characters / lengths < UNREAD))
    return (short + dropped) / (len(lines) + dropped) >= UNREAD_SHARE


def pack_for(script: str | None, installed: set[str]) -> str | None:
    """The Tesseract languages (``"kor+eng"``) that read ``script`` where its pack is
    ``installed`` (English beside it, for the Latin words such pages hold); None for a script
    the local models read, or one without its pack."""
    pack = SCRIPT_PACKS.get(script or "")
    if pack is None or pack not in installed:
        return None
    return f"{pack}+eng" if "eng" in installed else pack
