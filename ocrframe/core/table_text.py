"""A table's cell text from the lines read on its picture.

A table-structure model says where rows and columns are, not what they say; the text comes
from the recognised lines. Lines do not respect cells — a line detector often runs two
neighbouring cells into one line — so characters, not lines, are placed: each character's
centre goes to the nearest row band and column band of the grid (bands from the cells that
span one row or column: the model's cell boxes are a little off, their medians are not), and
so to the cell that covers that grid position. A line is cut into pieces where its
characters are far apart (:func:`_pieces`) and each piece goes, whole, to the cell most of
its characters fall in: a cell's long line may reach past the median band of its column. A
line's characters without a box are spread over the line's box by their position in it.

>>> from ocrframe.core.geometry import Char, Line, rectangle
>>> line = Line(rectangle((0, 0, 200, 20)), "ab",
...             [Char("a", 0.9, (10, 0, 10, 20)), Char("b", 0.8, (150, 0, 10, 20))])
>>> cells = [GridCell(0, 0, 1, 1, (0, 0, 100, 20)), GridCell(0, 1, 1, 1, (100, 0, 200, 20))]
>>> [c[0] for c in cell_texts(cells, [line])]
['a', 'b']
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .geometry import Line, bbox

#: gaps between characters wider than this share of a line's height are word spaces
WORD_SPACE = 0.2
#: a gap at least this many line heights wide parts two cells, whatever the line's spaces
CELL_SPACE = 1.5


@dataclass(frozen=True)
class GridCell:
    """A cell's grid position, spans, and box ``(x0, y0, x1, y1)`` in the lines' pixels."""

    row: int
    col: int
    row_span: int
    col_span: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Word:
    """A word read in a table: the cell it falls in, its centre, its line's height, its text,
    its characters' confidences, and how far across it reaches (left and right edges)."""

    cell: int
    x: float
    y: float
    height: float
    text: str
    confidences: tuple[float, ...]
    left: float = 0.0
    right: float = 0.0


def cell_texts(cells: Sequence[GridCell], lines: Sequence[Line]) -> list[tuple[str, float | None]]:
    """Per cell, its text and the mean confidence (0-1) of its characters (None when empty).

    A cell's pieces read top to bottom, left to right; pieces on one row are joined by a space,
    rows by a space too (none between two wide characters, as in CJK text)."""
    return texts_of(placed(cells, lines), len(cells))


def texts_of(words: Sequence[Word], count: int) -> list[tuple[str, float | None]]:
    """Per cell of ``count``, its text and mean confidence from the ``words`` placed in the
    cells (:func:`placed`), as :func:`cell_texts` gives them."""
    found: list[list[Word]] = [[] for _ in range(count)]
    for word in words:
        found[word.cell].append(word)
    out = []
    for words in found:
        words = _read_order(words)
        confs = [c for word in words for c in word.confidences]
        out.append((_joined([w.text for w in words]), float(np.mean(confs)) if confs else None))
    return out


def placed(cells: Sequence[GridCell], lines: Sequence[Line]) -> list[Word]:
    """The pieces of ``lines`` (:func:`_pieces`), each placed in the cell that covers the grid
    position of the row and column bands most of its characters fall in (the nearest cell
    where no cell covers it)."""
    if not cells:
        return []
    owner = _owners(cells)
    rows, cols = _bands(cells, "row"), _bands(cells, "col")

    def cell_at(x: float, y: float) -> int:
        cell = owner.get((_nearest(rows, y), _nearest(cols, x)))
        return nearest_cell(cells, x, y) if cell is None else cell  # a hole in the grid

    out = []
    for line in lines:
        x, y, w, h = bbox(line.polygon)
        if _vertical(line, w, h):  # its characters' boxes would be along a turned crop
            confs = tuple(c.confidence for c in line.chars if c.confidence is not None)
            middle = (x + w / 2, y + h / 2)
            out.append(Word(cell_at(*middle), *middle, w, line.text.strip(), confs, x, x + w))
            continue
        centres = _centres(line)
        reach = _reach(line, centres)
        cut = [
            part
            for piece in _pieces(line, centres, h)
            for part in _figure_apart(line.text, piece, centres, cell_at)
        ]
        for start, stop in cut:
            inked = [k for k in range(start, stop) if centres[k][0] is not None]
            owners = [cell_at(*centres[k]) for k in inked]
            # a piece is one cell's text: a long one may reach past its column's band
            cell = max(owners, key=owners.count)
            confs = tuple(c.confidence for c in line.chars[start:stop] if c.confidence is not None)
            px = float(np.mean([centres[k][0] for k in inked]))
            py = float(np.mean([centres[k][1] for k in inked]))
            ends = [e for k in inked for e in reach[k]]
            text = line.text[start:stop].strip()
            out.append(Word(cell, px, py, h, text, confs, min(ends), max(ends)))
    return out


def _figure_apart(
    text: str, piece: tuple[int, int], centres: list[tuple[float | None, float | None]], cell_at
) -> list[tuple[int, int]]:
    """``piece`` (start, stop) of a line, cut before its last word where that word is a figure
    lying in another cell than most of the words before it (``cell_at``): the detector runs a row's
    label and the figure beside it into one line where the columns stand close ("Systolic
    blood pressure, mmHg (562)"); a word of a heading over two columns is no figure."""
    start, stop = piece
    space = text.rfind(" ", start, stop)
    if space <= start:
        return [piece]
    last = text[space + 1 : stop]
    if not any(ch.isdigit() for ch in last) or any(ch.isalpha() for ch in last):
        return [piece]
    inked = [k for k in range(start, stop) if centres[k][0] is not None]
    before = [cell_at(*centres[k]) for k in inked if k < space]
    after = {cell_at(*centres[k]) for k in inked if k > space}
    if len(after) != 1 or not before or max(before, key=before.count) in after:
        return [piece]
    return [(start, space), (space + 1, stop)]


def reach_of(words: Sequence[Word], count: int) -> list[tuple[float, float] | None]:
    """Per cell of ``count``, how far across its text reaches (the left and right edges of
    the ``words`` placed in it: :func:`placed`), None where it holds none: a section title or
    a group heading runs on over the empty cells beside it.

    >>> from ocrframe.core.geometry import Char, Line, rectangle
    >>> line = Line(rectangle((10, 0, 150, 20)), "ab", [Char("a", 0.9, (10, 0, 70, 20)),
    ...                                               Char("b", 0.9, (90, 0, 70, 20))])
    >>> cells = [GridCell(0, 0, 1, 1, (0, 0, 100, 20)), GridCell(0, 1, 1, 1, (100, 0, 200, 20))]
    >>> reach_of(placed(cells, [line]), len(cells))
    [(10.0, 160.0), None]
    """
    out: list[tuple[float, float] | None] = [None] * count
    for word in words:
        if not word.text:
            continue
        known = out[word.cell]
        left, right = (word.left, word.right) if known is None else known
        out[word.cell] = (min(left, word.left), max(right, word.right))
    return out


def pieces(line: Line) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The pieces of ``line`` that one cell each holds (:func:`_pieces`: the line cut where
    its characters lie far apart), each with its box ``(x, y, width, height)``: across its
    characters' boxes (a character without one: its share of the line), the line's top and
    height.

    >>> from ocrframe.core.geometry import Char, Line, rectangle
    >>> line = Line(rectangle((0, 0, 200, 20)), "ab",
    ...             [Char("a", 0.9, (10, 0, 10, 20)), Char("b", 0.8, (150, 0, 10, 20))])
    >>> pieces(line)
    [('a', (10.0, 0, 10.0, 20)), ('b', (150.0, 0, 10.0, 20))]
    """
    x, y, w, h = bbox(line.polygon)
    if _vertical(line, w, h):
        return [(line.text.strip(), (x, y, w, h))]
    centres = _centres(line)
    reach = _reach(line, centres)
    out = []
    for start, stop in _pieces(line, centres, h):
        ends = [e for k in range(start, stop) if centres[k][0] is not None for e in reach[k]]
        x0, x1 = float(min(ends)), float(max(ends))
        out.append((line.text[start:stop].strip(), (x0, y, x1 - x0, h)))
    return out


def _vertical(line: Line, width: float, height: float) -> bool:
    """Whether the line is set top to bottom (a turned column header): taller than wide."""
    return len(line.text.strip()) > 1 and height > 1.5 * width


def _pieces(
    line: Line, centres: list[tuple[float | None, float | None]], height: float
) -> list[tuple[int, int]]:
    """The ``(start, stop)`` of each piece of the line that one cell holds: runs of characters
    split where two are far apart (:func:`_wide_gap`: cells the detector ran into one line,
    with or without a space read between them; a wide face's word spaces reach half a height,
    and estimated character boxes make them uneven). Where the characters have no boxes,
    every space splits: nothing tells a cell's space from the gap between cells."""
    boxed = [k for k, (x, _) in enumerate(centres) if x is not None]
    gaps = {b: _gap(line, a, b) for a, b in itertools.pairwise(boxed)}
    spaces = [g for g in gaps.values() if g is not None and g > WORD_SPACE * height]
    out: list[tuple[int, int]] = []
    start = last = None
    for k in boxed:
        gap = gaps.get(k)
        if last is not None and (
            (gap is None and last < k - 1) or (gap is not None and _wide_gap(gap, spaces, height))
        ):
            out.append((start, last + 1))
            start = None
        if start is None:
            start = k
        last = k
    if start is not None:
        out.append((start, last + 1))
    return out


def _wide_gap(gap: float, spaces: list[float], height: float) -> bool:
    """Whether ``gap`` between two characters parts two cells: at least :data:`CELL_SPACE`
    line heights wide; or wider than half the line's height and than twice the median of the
    line's other word spaces narrower than that (``spaces``, ``gap`` among them: the other
    gaps between cells of a line run across three cells are no word spaces)."""
    if gap >= CELL_SPACE * height:
        return True
    others = [g for g in spaces if g < CELL_SPACE * height]
    if gap in others:
        others.remove(gap)
    return gap > height / 2 and (not others or gap > 2 * float(np.median(others)))


def _gap(line: Line, a: int, b: int) -> float | None:
    """The space between characters ``a`` and ``b`` of the line, None unless both have
    boxes."""
    if not _boxed(line, a, b):
        return None
    first, second = line.chars[a].box, line.chars[b].box
    return second[0] - (first[0] + first[2])


def _boxed(line: Line, a: int, b: int) -> bool:
    """Whether characters ``a`` and ``b`` of the line both have boxes."""
    if len(line.chars) != len(line.text):
        return False
    return line.chars[a].box is not None and line.chars[b].box is not None


def nearest_cell(cells: Sequence[GridCell], x: float, y: float) -> int:
    """The cell whose box is nearest to ``(x, y)``."""
    boxes = np.asarray([c.box for c in cells], dtype=np.float64)
    dx = np.maximum(np.maximum(boxes[:, 0] - x, x - boxes[:, 2]), 0.0)
    dy = np.maximum(np.maximum(boxes[:, 1] - y, y - boxes[:, 3]), 0.0)
    return int(np.argmin(dx + dy))


def _read_order(words: list[Word]) -> list[Word]:
    """Words top to bottom; those on one row (centres nearer than half a height) left to
    right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y, w.x)):
        if rows and word.y - rows[-1][0].y < word.height / 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [w for row in rows for w in sorted(row, key=lambda w: w.x)]


def _owners(cells: Sequence[GridCell]) -> dict[tuple[int, int], int]:
    """Which cell covers each grid position."""
    owner: dict[tuple[int, int], int] = {}
    for k, cell in enumerate(cells):
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                owner.setdefault((r, c), k)
    return owner


def _bands(cells: Sequence[GridCell], axis: str) -> np.ndarray:
    """Per grid row (or column), its extent ``(start, end)`` in pixels: the medians of the
    cells that span only it, else an even share of a spanning cell's; NaN where none says."""
    first, lo = ("row", 1) if axis == "row" else ("col", 0)
    span = f"{first}_span"
    count = max(getattr(c, first) + getattr(c, span) for c in cells)
    single: list[list[tuple[float, float]]] = [[] for _ in range(count)]
    shared: list[list[tuple[float, float]]] = [[] for _ in range(count)]
    for cell in cells:
        start, end = cell.box[lo], cell.box[lo + 2]
        n = getattr(cell, span)
        at = getattr(cell, first)
        if n == 1:
            single[at].append((start, end))
        else:
            step = (end - start) / n
            for j in range(n):
                shared[at + j].append((start + j * step, start + (j + 1) * step))
    bands = np.full((count, 2), np.nan)
    for k in range(count):
        found = single[k] or shared[k]
        if found:
            bands[k] = np.median(np.asarray(found), axis=0)
    return bands


def _nearest(bands: np.ndarray, v: float) -> int:
    """The band holding ``v``, else the nearest (by distance to its nearer end)."""
    distance = np.maximum(bands[:, 0] - v, v - bands[:, 1])
    distance = np.where(np.isnan(distance), np.inf, np.maximum(distance, 0.0))
    inside = np.flatnonzero(distance == 0.0)
    if len(inside) > 1:  # overlapping bands: the one whose middle is nearest
        middle = np.abs(bands[inside].mean(axis=1) - v)
        return int(inside[np.argmin(middle)])
    return int(np.argmin(distance))


def _centres(line: Line) -> list[tuple[float | None, float | None]]:
    """Per character of the line its box centre; a character without a box (a space, an
    engine that gives none) at its share of the line's box, spaces at None."""
    x, y, w, h = bbox(line.polygon)
    n = max(len(line.text), 1)
    chars = line.chars if len(line.chars) == len(line.text) else [None] * len(line.text)
    out: list[tuple[float | None, float | None]] = []
    for k, (ch, char) in enumerate(zip(line.text, chars)):
        if ch.isspace():
            out.append((None, None))
        elif char is not None and char.box is not None:
            cx, cy, cw, chh = char.box
            out.append((cx + cw / 2, cy + chh / 2))
        else:
            out.append((x + w * (k + 0.5) / n, y + h / 2))
    return out


def _reach(
    line: Line, centres: list[tuple[float | None, float | None]]
) -> list[tuple[float, float]]:
    """Per character of the line its left and right edges: its box, else its share of the
    line around its centre (a space: its centre's, the line's left edge)."""
    x, _, w, _ = bbox(line.polygon)
    share = w / max(len(line.text), 1)
    out = []
    for k, (cx, _) in enumerate(centres):
        if _boxed(line, k, k):
            box = line.chars[k].box
            out.append((float(box[0]), float(box[0] + box[2])))
        else:
            middle = x if cx is None else cx
            out.append((middle - share / 2, middle + share / 2))
    return out


def _joined(pieces: list[str]) -> str:
    """A cell's pieces from several lines as one text."""
    text = ""
    for piece in pieces:
        if text and not (_wide(text[-1]) and _wide(piece[0])):
            text += " "
        text += piece
    return text


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
