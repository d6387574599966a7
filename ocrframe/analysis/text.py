"""Text compared as readers read it: normalised, then edit distances (CER, WER) and which
recognised characters the truth confirms."""

from __future__ import annotations

import unicodedata

import numpy as np
import regex
from rapidfuzz.distance import Levenshtein

_GRAPHEME = regex.compile(r"\X")


# -- text --------------------------------------------------------------------------------------
def normalize(text: str, *, nfkc: bool = True, whitespace: bool = False) -> str:
    """``text`` in NFKC form (full-width ``Ａ`` -> ``A``) without whitespace, unless told not to."""
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if not whitespace:
        text = "".join(text.split())
    return text


def graphemes(text: str) -> list[str]:
    """``text`` split into user-perceived characters (Unicode extended grapheme clusters): a
    letter with its combining marks, an emoji with its modifiers, a Hangul syllable's jamo.

    >>> graphemes("q\u0301a")  # q + combining acute has no precomposed form: still one character
    ['q́', 'a']
    """
    return _GRAPHEME.findall(text)


def _units(text: str) -> str | list[str]:
    """What an edit distance counts in ``text``: the string itself when every code point is its
    own grapheme (the usual case, and rapidfuzz's fast path), else its grapheme list."""
    clusters = graphemes(text)
    return text if len(clusters) == len(text) else clusters


def edits(truth: str, text: str) -> int:
    """Edits (insertions, deletions, substitutions of graphemes) that turn ``text`` into ``truth``.

    >>> edits("cafe\u0301", "cafe")  # é as e + combining acute: one character, one edit
    1
    """
    return _distance(_units(truth), _units(text))


def _distance(t: str | list[str], p: str | list[str]) -> int:
    """The edit distance of two texts already split by :func:`_units`."""
    if isinstance(t, list) or isinstance(p, list):
        t, p = list(t), list(p)
    return Levenshtein.distance(t, p)


def length(text: str) -> int:
    """Characters in ``text`` as a reader counts them (grapheme clusters)."""
    return len(_units(text))


def cer(truth: str, text: str, *, nfkc: bool = True, whitespace: bool = False) -> float:
    """Character error rate: edits to turn ``text`` into ``truth``, over ``truth``'s length,
    both counted in grapheme clusters (a letter and its combining accent are one character).

    >>> cer("abcd", "abxd"), cer("", ""), cer("", "x")
    (0.25, 0.0, 1.0)
    >>> cer("q\u0301", "q")  # q + combining acute (no precomposed form survives NFKC): one char
    1.0
    """
    t = normalize(truth, nfkc=nfkc, whitespace=whitespace)
    p = normalize(text, nfkc=nfkc, whitespace=whitespace)
    if not t:
        return 0.0 if not p else 1.0
    units = _units(t)  # split once: both the distance and the length count graphemes
    return _distance(units, _units(p)) / len(units)


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
