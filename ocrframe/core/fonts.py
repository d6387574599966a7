"""Fonts that can draw the text: CJK labels render as characters, never as empty boxes.

matplotlib picks glyphs from one font per text object; a fallback list whose first family lacks
the glyphs still shows boxes in some backends. So ocrframe checks the fonts' character maps
itself (fontTools, which matplotlib already depends on) and sets one font that covers the text
on each label.

>>> from ocrframe.core import fonts
>>> fonts.font_for("abc").get_name() != ""
True
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

#: families tried first, in this order: they cover Chinese, Japanese and Korean
PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "DejaVu Sans",
)
INSTALL_HINT = (
    "no installed font covers {chars!r}; labels will show boxes. "
    "Install a CJK font: apt-get install fonts-noto-cjk (or fonts-wqy-microhei)"
)


@functools.cache
def coverage(path: str) -> frozenset[int]:
    """Code points a font file has glyphs for (first face of a collection)."""
    try:
        if path.lower().endswith(".ttc"):
            with TTCollection(path, lazy=True) as collection:
                return frozenset(collection.fonts[0].getBestCmap() or {})
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # an unreadable font file covers nothing
        return frozenset()


#: fonts whose "glyphs" are placeholder boxes for every code point (matplotlib ships one)
PLACEHOLDER_FONTS = ("LastResort",)


@functools.lru_cache(maxsize=1)
def _candidates() -> tuple[str, ...]:
    """Installed font files, preferred families first; placeholder fonts never."""
    entries = [
        e for e in font_manager.fontManager.ttflist
        if not any(bad in e.name or bad in Path(e.fname).name for bad in PLACEHOLDER_FONTS)
    ]  # fmt: skip
    rank = {name: k for k, name in enumerate(PREFERRED)}
    ordered = sorted(
        {(e.name, e.fname) for e in entries if e.fname.lower().endswith((".ttf", ".otf", ".ttc"))},
        key=lambda e: (rank.get(e[0], len(rank)), e[0], e[1]),
    )
    return tuple(fname for _, fname in ordered)


_warned: set[str] = set()


def font_path_for(text: str, font: str | None = None) -> str | None:
    """Path of a font that has a glyph for every non-space character of ``text``.

    ``font`` (a file path or a family name) is used when given and it covers the text.
    Returns ``None`` (and warns once) when no installed font covers it.
    """
    needed = {ord(c) for c in text if not c.isspace()}
    if font is not None:
        path = (
            font if Path(font).exists() else font_manager.findfont(font, fallback_to_default=False)
        )
        if needed <= coverage(path):
            return path
    for path in _candidates():
        if needed <= coverage(path):
            return path
    missing = "".join(sorted({c for c in text if not c.isspace()}))[:20]
    if missing not in _warned:
        _warned.add(missing)
        warnings.warn(INSTALL_HINT.format(chars=missing), UserWarning, stacklevel=3)
    return None


def font_for(text: str, font: str | None = None, size: float | None = None) -> FontProperties:
    """FontProperties of one font that covers ``text`` (matplotlib's default if none does)."""
    path = font_path_for(text, font)
    return FontProperties(fname=path, size=size) if path else FontProperties(size=size)
