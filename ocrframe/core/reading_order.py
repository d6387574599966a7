"""A page's layout from its line boxes alone: blocks, their kind, and the reading order.

OCR engines find lines, not pages: a two-column page comes back as lines sorted top to bottom,
so its columns interleave line by line. :func:`layout` rebuilds the page from the boxes:

1. **Blocks.** Lines of one paragraph or column stack: a line joins the line above it when the
   two overlap horizontally, have about the same height and the gap between them is less than
   a line's height. A heading (taller lines) or a column beside it stays apart. Two stacks side
   by side whose lines pair up row by row, where one holds short lines (a receipt's prices, a
   form's labels, a table's columns), are one block read row by row; so are the pieces of a
   line cut apart (by a text layer at a fraction, by a detector at a symbol), and a bullet or
   check box with the line it marks.
2. **Order of the blocks** (T. M. Breuel, "High performance document layout analysis", 2003):
   block *a* comes before *b* when they overlap horizontally and *a* is above *b*, or when *a*
   lies wholly left of *b* and no block between them (vertically) spans both. So a column is
   read to its end before the next one starts, and a heading or figure that spans the columns
   separates what is above it from what is below. The partial order is sorted topologically,
   the top-most (then left-most) ready block first.
3. **Lines within a block**: by rows (lines whose vertical extents overlap by half), each row
   left to right.
4. **Kind**: a block of at most three lines at least 1.4 times the page's usual line height is a
   ``title``; everything else is ``text``. Where a layout model found the page's regions
   (:mod:`ocrframe.engines.layout_model`), a line inside a region belongs to it, and the
   region's kind (``figure``, ``header``, ``table`` …) is its block's.

Geometry only: nothing is learnt, nothing is downloaded, and it runs in milliseconds for a page
of a few hundred lines.

>>> boxes = [(0, 0, 90, 10), (110, 0, 90, 10), (0, 15, 90, 10), (110, 15, 90, 10)]
>>> page = layout(boxes)  # two columns of two lines each
>>> page.order.tolist()   # left column first
[0, 2, 1, 3]
>>> page.block.tolist(), [b.kind for b in page.blocks]
([0, 1, 0, 1], ['text', 'text'])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .geometry import bbox, iou, rectangle, turned_points, union_box
from .table_picture import runs_on, table_runs
from .union_find import UnionFind

#: a line joins the one above it when the gap between them is below this many line heights
JOIN_GAP = 1.0
#: ... and their heights differ by less than this factor
JOIN_HEIGHT = 1.5
#: ... and they overlap horizontally by at least this share of the narrower one
JOIN_OVERLAP = 0.3
#: a block of lines this much taller than the page's median line is a title
TITLE_HEIGHT = 1.4
TITLE_LINES = 3
#: lines at most this many heights wide are short (a price, a label, a table cell) ...
SHORT_LINE = 8.0
#: ... and stacks side by side are rows of one block when this share of the lines pair up
ROW_SHARE = 0.6
#: neighbours on a row less than this many line heights apart are pieces of one line
PIECE_GAP = 0.3
#: ... unless as many rows or more have a gap in the same place (a gutter between columns)
GUTTER_ROWS = 3
#: a mark (no wider than this many heights: a bullet, a check box) joins the line right of it
#: on its row when nearer than MARK_GAP heights
MARK_WIDTH = 1.5
MARK_GAP = 2.0
#: a line this many times as tall as its block's usual line is a drop cap, in the row of its
#: top: a three-line initial drew the three lines beside it into one row, read left to right
DROP_CAP = 2.0
#: lines of a figure region that make a paragraph this long (running on like prose, one under
#: the other) are text wrapped round a picture: on a magazine page with a picture set into a
#: column, the model framed the lines beside it as a figure of their own
WRAPPED_LINES = 3
#: a region called a figure that holds more lines than this (and this share of the page's)
#: is text the model took for a picture (a table, a form): its lines are grouped by geometry
FIGURE_LINES = 8
FIGURE_SHARE = 0.25
#: ... and a run of rows in it is a table when one of its columns holds pieces at most this
#: many line heights long (check boxes, figures, "Yes"): a screenshot's menus and a cover's
#: columns of prose are runs of rows too
PICTURED_CELLS = 3.0
#: a region is nested in another that holds the same lines when it is at most this share of
#: its area
NESTED = 0.8
#: two regions frame the same thing where they share this much of their union
SAME_FRAME = 0.95
#: regions of the running header and footer: on the page's edge, not its text
HEADER_FOOTER = ("header", "footer")
#: above this many blocks the ordering's cubic test is skipped (a top-down, left-right sort)
MAX_BLOCKS = 600
#: blocks that float: set where the page had room for them, not where the text reaches them
FLOATS = ("figure", "caption", "table")
#: a line ending in one of these (after closing quotes and brackets) ends its sentence
SENTENCE_END = ".!?:…"


@dataclass(frozen=True)
class Block:
    """One block of a page: its box (x, y, width, height), kind, and lines (in reading order)."""

    box: tuple[int, int, int, int]
    kind: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Layout:
    """A page's layout: per line its ``block`` and its place in the reading ``order``, and
    the blocks in reading order (``block`` numbers them)."""

    block: np.ndarray
    order: np.ndarray
    blocks: tuple[Block, ...]

    def reading(self) -> np.ndarray:
        """The lines' positions in reading order (``lines[page.reading()]`` reads the page)."""
        return np.argsort(self.order, kind="stable")


def layout(
    boxes: Sequence[Sequence[float]] | np.ndarray,
    regions: Sequence[tuple[str, Sequence[float]]] = (),
    texts: Sequence[str] | None = None,
) -> Layout:
    """The blocks and reading order of lines with boxes ``(x, y, width, height)``.

    ``regions`` are ``(kind, box)`` pairs a layout model found: a line lying mostly inside one
    belongs to it (the region is its block, of its kind); the other lines are grouped by
    geometry, and all blocks are ordered together. The lines' ``texts``, where given, keep
    narrow columns of prose apart (:func:`~ocrframe.core.table_picture.runs_on`): a
    newspaper's columns pair up row by row as a table's do.
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    n = len(b)
    if n == 0:
        return Layout(np.zeros(0, np.int32), np.zeros(0, np.int32), ())
    b[:, 2:] = np.maximum(b[:, 2:], 1.0)  # a zero-size box still has a place
    inside, kinds, pictured = _in_regions(b, regions)
    _paragraphs_out_of_figures(b, inside, kinds, texts)
    # a table among the text the model took for a picture, on a page (the model framed its
    # header or footer): a receipt or a shop sign the model calls a picture is one too, and
    # its rows of prices are no table to read
    if not any(kind in HEADER_FOOTER for kind in kinds):
        pictured = []
    tables = [lines[run] for lines in pictured for run in table_runs(b[lines], PICTURED_CELLS)]
    in_table = np.zeros(n, dtype=bool)
    for run in tables:
        in_table[run] = True
    # a text region does not claim its lines: geometry groups them, and the region may only
    # cut a block where it ends (a model's text box on a slanted page can hold pieces of
    # three paragraphs; its other kinds say what the lines are, which geometry cannot)
    in_text = np.array([r >= 0 and kinds[r] == "text" for r in inside], dtype=bool)
    rest = np.flatnonzero(((inside < 0) | in_text) & ~in_table)
    groups = [np.flatnonzero((inside == r) & ~in_text) for r in range(len(regions))]
    groups = [g for g in groups if len(g)]
    given: list[str | None] = [kinds[int(inside[g[0]])] for g in groups]
    groups += tables
    given += ["table"] * len(tables)
    rest_texts = None if texts is None else [texts[k] for k in rest]
    for g in _blocks(b[rest], rest_texts) if len(rest) else []:
        for run in _runs(_rows(b, rest[g]), inside):
            groups.append(run)
            given.append("text" if inside[run[0]] >= 0 else None)
    boxes_of = [union_box(b[g]) for g in groups]
    line_height = float(np.median(b[:, 3]))
    rows = [_rows(b, g) for g in groups]
    kinds_of = [given[k] or _kind(b[rows[k]], line_height) for k in range(len(groups))]
    ranked = _order(np.array(boxes_of, dtype=np.float64))
    if texts is not None:
        ends = [(texts[r[0]], texts[r[-1]]) for r in rows]
        ranked = _floats_after_sentences(ranked, kinds_of, ends)
    block = np.zeros(n, np.int32)
    order = np.zeros(n, np.int32)
    out = []
    at = 0
    for number, k in enumerate(ranked):
        lines = rows[k]
        block[lines] = number
        order[lines] = np.arange(at, at + len(lines), dtype=np.int32)
        at += len(lines)
        out.append(Block(_pixels(union_box(b[lines])), kinds_of[k], tuple(int(i) for i in lines)))
    return Layout(block, order, tuple(out))


def _floats_after_sentences(
    ranked: list[int], kinds: list[str], ends: list[tuple[str, str]]
) -> list[int]:
    """``ranked`` with each run of floats (figures, captions, tables) that falls inside a
    sentence moved after the text block that ends it.

    A figure at the foot of a column sits between the column's last line and the next
    column's first; where the sentence runs on across that gap ("... the wing type that is" /
    "the most common ..."), a reader finishes the paragraph first and then looks at the
    figure, as typeset references (Docling's, PubLayNet's) order them. ``ends`` holds each
    block's first and last line.
    """
    out = list(ranked)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and kinds[out[j]] in FLOATS:
            j += 1
        if j == i:
            i += 1
            continue
        before, after = out[i - 1] if i else None, out[j] if j < len(out) else None
        if (
            before is not None
            and after is not None
            and kinds[before] == kinds[after] == "text"
            and _sentence_runs_on(ends[before][1], ends[after][0])
        ):
            out[i : j + 1] = [after, *out[i:j]]
        i = j + 1
    return out


def _sentence_runs_on(last: str, first: str) -> bool:
    """Whether a sentence ending a block's ``last`` line runs on into the ``first`` line of
    another: the one ends without a full stop and the other starts in lower case."""
    end = last.rstrip().rstrip("\"')]}’”»")
    start = first.lstrip().lstrip("\"'([{‘“«")
    return bool(end and start) and end[-1] not in SENTENCE_END and start[0].islower()


def straightened_layout(
    polygons: Sequence[Sequence[tuple[float, float]]],
    regions: Sequence[tuple[str, Sequence[float]]] = (),
    skew: float = 0.0,
    texts: Sequence[str] | None = None,
) -> Layout:
    """The :func:`layout` of lines given as ``polygons`` on a page whose text slants by
    ``skew`` degrees (positive: clockwise, as :func:`ocrframe.engines.shape.skew` measures it),
    and the lines' ``texts`` where known.

    A scan is rarely straight, and on a page turned by a degree or two the boxes of one
    column's lines drift into the next column's rows (3400 pixels at 2 degrees: 120 pixels,
    four lines), so blocks and order are found on the page turned straight: the lines'
    polygons and the ``regions`` turned by ``-skew``. The blocks' boxes are given back in the
    page's own pixels (each holds its lines' boxes as they lie).

    >>> slanted = [[(0, 0), (90, 3), (90, 13), (0, 10)], [(110, 4), (200, 7), (200, 17), (110, 14)],
    ...            [(0, 15), (90, 18), (90, 28), (0, 25)], [(110, 19), (200, 22), (200, 32), (110, 29)]]
    >>> straightened_layout(slanted, skew=1.9).order.tolist()  # left column first
    [0, 2, 1, 3]
    """
    boxes = np.array([bbox(p) for p in polygons], dtype=np.float64).reshape(-1, 4)
    if not skew:
        return layout(boxes, regions, texts)
    turned = straight_boxes(polygons, skew)
    turned_regions = [(kind, bbox(turned_points(rectangle(box), -skew))) for kind, box in regions]
    page = layout(turned, turned_regions, texts)
    blocks = tuple(
        replace(block, box=_pixels(union_box(boxes[list(block.lines)]))) for block in page.blocks
    )
    return replace(page, blocks=blocks)


def straight_boxes(polygons: Sequence[Sequence[tuple[float, float]]], skew: float) -> np.ndarray:
    """The boxes ``(x, y, width, height)`` of ``polygons`` on their page turned straight (by
    ``-skew`` degrees about the page's origin)."""
    turned = [bbox(turned_points(p, -skew)) if skew else bbox(p) for p in polygons]
    return np.array(turned, dtype=np.float64).reshape(-1, 4)


def _pixels(box: tuple[float, ...]) -> tuple[int, ...]:
    return tuple(round(float(v)) for v in box)


def _runs(lines: np.ndarray, region: np.ndarray) -> list[np.ndarray]:
    """``lines`` (in reading order) cut where the region they lie in changes."""
    cuts = np.flatnonzero(np.diff(region[lines]) != 0) + 1
    return np.split(lines, cuts)


def _in_regions(
    b: np.ndarray, regions: Sequence[tuple[str, Sequence[float]]]
) -> tuple[np.ndarray, list[str], list[np.ndarray]]:
    """Per line, the region holding most of it (at least half its area; of several, one
    nested in the first), or -1; the kinds;
    the lines of each region called a figure that are text (they are in none)."""
    inside = np.full(len(b), -1)
    if not regions:
        return inside, [], []
    kinds = [kind for kind, _ in regions]
    r = np.asarray([box for _, box in regions], dtype=np.float64).reshape(-1, 4)
    x0 = np.maximum(b[:, None, 0], r[None, :, 0])
    y0 = np.maximum(b[:, None, 1], r[None, :, 1])
    x1 = np.minimum(b[:, None, 0] + b[:, None, 2], r[None, :, 0] + r[None, :, 2])
    y1 = np.minimum(b[:, None, 1] + b[:, None, 3], r[None, :, 1] + r[None, :, 3])
    share = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None) / (b[:, 2:3] * b[:, 3:4])
    for i, j in _same_frames(r):  # the first of two frames of one thing holds all it holds
        share[:, i], share[:, j] = np.maximum(share[:, i], share[:, j]), 0.0
    # of the regions holding a line most, one nested in the first (a table the model framed
    # inside the picture it also saw there holds its own lines); of two that frame the same
    # thing, the first (a receipt the model calls a picture and, less surely, a table)
    area = r[:, 2] * r[:, 3]
    most = share >= share.max(axis=1, keepdims=True) - 1e-9
    first = most.argmax(axis=1)
    small = np.where(most, area[None, :], np.inf).argmin(axis=1)
    best = np.where(area[small] < NESTED * area[first], small, first)
    held = share[np.arange(len(b)), best] >= 0.5
    inside[held] = best[held]
    pictured = []
    for k, kind in enumerate(kinds):  # a "figure" full of text lines is text, not a picture
        mine = inside == k
        if kind == "figure" and mine.sum() > max(FIGURE_LINES, FIGURE_SHARE * len(b)):
            inside[mine] = -1
            pictured.append(np.flatnonzero(mine))
    _furniture_rows(b, inside, kinds, r)
    return inside, kinds, [lines[inside[lines] < 0] for lines in pictured]


def _same_frames(r: np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i`` before ``j``, of regions (rows of ``r``: x, y, width, height)
    that frame the same thing: their intersection over union at least :data:`SAME_FRAME`. The
    model called a contents page a figure and text at once, the text's box 5 pixels higher:
    its first row fell to the text, the others to the figure, and the table they make lost
    that row."""
    pairs = itertools.combinations(range(len(r)), 2)
    return [(i, j) for i, j in pairs if iou(r[i], r[j]) >= SAME_FRAME]


def _paragraphs_out_of_figures(
    b: np.ndarray, inside: np.ndarray, kinds: list[str], texts: Sequence[str] | None
) -> None:
    """Lines a ``figure`` region holds that are part of a paragraph running on outside it (a
    model's picture box on a scan that bleeds over the column beside or under the picture),
    or that make a paragraph of prose by themselves (:func:`_wrapped_prose`: a magazine's
    text wrapped round a picture, which the model framed as a figure of its own), go back
    to the text: no region holds them."""
    figures = [k for k, kind in enumerate(kinds) if kind == "figure" and (inside == k).any()]
    if not figures:
        return
    for block in _blocks(b, texts):
        for k in figures:
            mine = inside[block] == k
            if not mine.any():
                continue
            held = block[mine]
            if texts is not None and _wrapped_prose(b[held], [texts[i] for i in held]):
                inside[held] = -1
                continue
            if (~mine).sum() < 2 or (~mine).sum() <= mine.sum():
                continue
            # lines as wide as the paragraph's: not a label the paragraph's rows took in
            wide = b[block, 2] >= 0.5 * np.median(b[block[~mine], 2])
            inside[block[mine & wide]] = -1


def _wrapped_prose(b: np.ndarray, texts: list[str]) -> bool:
    """Whether lines with boxes ``b`` (one block, top to bottom) and ``texts`` are a paragraph
    of prose: :data:`WRAPPED_LINES` lines or more, starting level with each other (within
    half a line height, the first line's indent aside) and running on like prose
    (:func:`~ocrframe.core.table_picture.runs_on`). A picture's labels are words or short
    phrases set where the picture needs them."""
    if len(b) < WRAPPED_LINES or not runs_on(texts):
        return False
    return float(np.ptp(b[1:, 0])) <= 0.5 * float(np.median(b[:, 3]))


def _furniture_rows(b: np.ndarray, inside: np.ndarray, kinds: list[str], r: np.ndarray) -> None:
    """Lines in no region on the row of a ``header`` (``footer``) region, above (below) all
    the page's other lines, join the nearest such region: a running title beside the page
    number the model framed (the realdev questionnaire's "Global Study on Legal Aid")."""
    furniture = [k for k, kind in enumerate(kinds) if kind in HEADER_FOOTER]
    if not furniture:
        return
    middle = b[:, 1] + b[:, 3] / 2
    near: dict[int, int] = {}
    for k in np.flatnonzero(inside < 0):
        rows = [f for f in furniture if r[f, 1] <= middle[k] <= r[f, 1] + r[f, 3]]
        if rows:
            gap = [max(r[f, 0] - b[k, 0] - b[k, 2], b[k, 0] - r[f, 0] - r[f, 2], 0) for f in rows]
            near[int(k)] = rows[int(np.argmin(gap))]
    body = (inside < 0) | ~np.isin(inside, furniture)
    body[list(near)] = False
    for k, f in near.items():
        if kinds[f] == "footer":
            beyond = not (middle[body] > b[k, 1]).any()
        else:
            beyond = not (middle[body] < b[k, 1] + b[k, 3]).any()
        if beyond:
            inside[k] = f


def _blocks(b: np.ndarray, texts: Sequence[str] | None = None) -> list[np.ndarray]:
    """Lines grouped into blocks (union of each line with its closest line above that fits);
    ``texts``, where known, keep columns of prose apart (:func:`_join_rows`)."""
    n = len(b)
    sets = UnionFind(n)
    beside, row_gap = _same_row(b)  # the same rows serve both joins
    _join_pieces(b, beside, row_gap, sets)
    x0, y0, w, h = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    x1, y1 = x0 + w, y0 + h
    overlap = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    narrow = np.minimum(w[:, None], w[None, :])
    gap = y0[None, :] - y1[:, None]  # [i, j]: from the bottom of i down to the top of j
    small = np.minimum(h[:, None], h[None, :])
    tall = np.maximum(h[:, None], h[None, :])
    fits = (
        (overlap >= JOIN_OVERLAP * narrow)
        & (gap > -0.5 * small)
        & (gap < JOIN_GAP * small)
        & (tall < JOIN_HEIGHT * small)
        & (y0[:, None] < y0[None, :])  # i above j
    )
    nearest = np.full(n, -1)
    for j in range(n):
        above = np.flatnonzero(fits[:, j])
        if len(above):
            nearest[j] = above[np.argmin(gap[above, j])]  # the nearest line above joins
    heads = fits.any(axis=1)  # a line below fits it: it heads (part of) a column
    for j in np.flatnonzero(nearest >= 0):
        if not _spans_columns(b, heads, int(nearest[j]), int(j), sets):
            sets.join(int(nearest[j]), int(j))
    _join_rows(b, beside, sets, texts)
    return [np.array(group) for group in sets.groups()]


def _spans_columns(b: np.ndarray, heads: np.ndarray, i: int, j: int, sets: UnionFind) -> bool:
    """Whether line ``i``, above line ``j``, also lies over another line on ``j``'s row that
    is no piece of it, and both head columns (a line below fits each, ``heads``): a heading
    or a caption across two columns, which would tie them into one block read row by row (of
    the two, one may lie just too far below to join it). A line of code above a row of two
    pieces (``ELSE '*****'``) is no such heading."""
    if not heads[j]:
        return False
    x0, y0, w, h = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    row = np.minimum(y0 + h, y0[j] + h[j]) - np.maximum(y0, y0[j]) > 0.5 * np.minimum(h, h[j])
    under = np.minimum(x0 + w, x0[i] + w[i]) - np.maximum(x0, x0[i]) >= JOIN_OVERLAP * w
    others = np.flatnonzero(row & under & (y0 > y0[i]) & heads)
    return any(k != j and sets.find(int(k)) != sets.find(j) for k in others)


def _same_row(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(beside, gap)``: ``beside[i, j]`` when line j is the nearest line right of line i on
    its row, and the horizontal gap from i to j."""
    x0, y0, w, h = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    x1, y1 = x0 + w, y0 + h
    v_over = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
    gap = x0[None, :] - x1[:, None]  # [i, j]: from the right of i to the left of j
    right = (v_over > 0.5 * np.minimum(h[:, None], h[None, :])) & (x0[None, :] > x0[:, None])
    right &= gap > -0.5 * np.minimum(h[:, None], h[None, :])
    beside = np.zeros_like(right)
    for i in np.flatnonzero(right.any(axis=1)):
        candidates = np.flatnonzero(right[i])
        beside[i, candidates[np.argmin(gap[i, candidates])]] = True
    return beside, gap


def _join_pieces(b: np.ndarray, beside: np.ndarray, gap: np.ndarray, sets: UnionFind) -> None:
    """Join the pieces of one line (a text layer cut at a fraction, a detector at a symbol):
    neighbours on a row with less than :data:`PIECE_GAP` line heights between them, where the
    gap is not a column gutter (:data:`GUTTER_ROWS` rows with a gap in the same place); and a
    mark with the line it marks."""
    w, h = b[:, 2], b[:, 3]
    mark = w <= MARK_WIDTH * h  # a bullet, a check box, a list number
    left, right = np.nonzero(beside)
    ends, starts = b[left, 0] + w[left], b[right, 0]
    for i, j in zip(left, right):
        near = PIECE_GAP * min(h[i], h[j])
        if mark[i] and not mark[j] and gap[i, j] < MARK_GAP * h[i]:
            sets.join(int(i), int(j))
        elif gap[i, j] < near:
            # the same gap on other rows is a gutter between columns set close, not a cut
            same = (np.abs(ends - (b[i, 0] + w[i])) < h[i]) & (np.abs(starts - b[j, 0]) < h[i])
            if same.sum() < GUTTER_ROWS:
                sets.join(int(i), int(j))


def _join_rows(
    b: np.ndarray, beside: np.ndarray, sets: UnionFind, texts: Sequence[str] | None
) -> None:
    """Join stacks side by side that are the columns of rows (see the module's step 1): of
    two stacks of at least two lines, close beside each other, most lines of the smaller have
    their row's neighbour in the other, and one of them holds mostly short lines; never two
    stacks whose ``texts`` both read as prose (narrow columns, whose lines are short too)."""
    n = len(b)
    roots = np.array([sets.find(k) for k in range(n)])
    short = b[:, 2] <= SHORT_LINE * b[:, 3]
    pairs: dict[tuple[int, int], set[int]] = {}
    for i, j in zip(*np.nonzero(beside)):
        a, c = int(roots[i]), int(roots[j])
        if a != c:
            pairs.setdefault((a, c), set()).update((int(i), int(j)))
    for (a, c), paired in pairs.items():
        lines_a, lines_c = np.flatnonzero(roots == a), np.flatnonzero(roots == c)
        fewer = min(len(lines_a), len(lines_c))
        share = min(len(paired & set(lines_a.tolist())), len(paired & set(lines_c.tolist())))
        rows = fewer >= 2 and share >= ROW_SHARE * fewer
        short_side = short[lines_a].mean() > 0.5 or short[lines_c].mean() > 0.5
        prose = texts is not None and _prose(texts, lines_a) and _prose(texts, lines_c)
        if (
            rows
            and short_side
            and not prose
            and _near(union_box(b[lines_a]), union_box(b[lines_c]))
        ):
            sets.join(a, c)


def _prose(texts: Sequence[str], lines: np.ndarray) -> bool:
    """Whether ``lines`` of ``texts`` read as prose: many, running on from line to line."""
    return len(lines) > TITLE_LINES and runs_on([texts[k] for k in lines])


def _near(a: tuple[float, ...], c: tuple[float, ...]) -> bool:
    """Whether stack ``c`` lies close beside stack ``a``: nearer than the wider is wide (a
    price beside its item; not a label at the far edge of the page)."""
    gap = max(c[0] - (a[0] + a[2]), a[0] - (c[0] + c[2]))
    return gap < max(a[2], c[2])


def _order(b: np.ndarray) -> list[int]:
    """Blocks in reading order (Breuel's partial order, sorted topologically)."""
    n = len(b)
    if n > MAX_BLOCKS:
        return sorted(range(n), key=lambda k: (b[k, 1], b[k, 0]))
    x0, y0 = b[:, 0], b[:, 1]
    x1 = x0 + b[:, 2]
    cy = y0 + b[:, 3] / 2
    # "overlap horizontally": by a fifth of the narrower block, so that a ragged edge or a
    # slanted box touching the next column does not tie the columns together
    narrow = np.minimum(b[:, 2][:, None], b[:, 2][None, :])
    over = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    overlaps = over > 0.2 * narrow
    before = overlaps & (cy[:, None] < cy[None, :])
    left = x1[:, None] <= x0[None, :] + 0.2 * narrow  # a wholly (nearly) left of b
    top, bottom = np.minimum(cy[:, None], cy[None, :]), np.maximum(cy[:, None], cy[None, :])
    blocked = np.zeros((n, n), dtype=bool)
    for c in range(n):  # c lies between a and b vertically and spans both
        between = (cy[c] > top) & (cy[c] < bottom)
        blocked |= between & overlaps[c][:, None] & overlaps[c][None, :]
    before |= left & ~blocked & ~overlaps
    np.fill_diagonal(before, False)
    return _topological(before, y0, x0)


def _topological(before: np.ndarray, y0: np.ndarray, x0: np.ndarray) -> list[int]:
    """The nodes in an order that keeps ``before[a, b]`` (a first) where the relation allows;
    among the ready ones the top-most, then left-most, first. A cycle (boxes that overlap in
    odd ways) is broken at its top-most node."""
    n = len(before)
    pending = before.sum(axis=0)
    done = np.zeros(n, dtype=bool)
    key = np.lexsort((x0, y0))  # top to bottom, then left to right
    rank = np.empty(n, dtype=np.int64)
    rank[key] = np.arange(n)
    out: list[int] = []
    while len(out) < n:
        ready = np.flatnonzero(~done & (pending == 0))
        if not len(ready):
            ready = np.flatnonzero(~done)
        k = int(ready[np.argmin(rank[ready])])
        done[k] = True
        out.append(k)
        pending -= before[k]
        pending[k] = 0
    return out


def _rows(b: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """``lines`` of a block in reading order: rows top to bottom, each left to right. A drop
    cap (:func:`_drop_caps`) stands in the row of its top, as one line high: the rows it
    reaches down beside stay rows of their own."""
    lines = lines[np.argsort(b[lines, 1], kind="stable")]
    usual = float(np.median(b[lines, 3]))
    caps = _drop_caps(b, lines, usual)
    rows: list[list[int]] = []
    bottom, row_height = -np.inf, 0.0
    for k in lines:
        y0, h = b[k, 1], (usual if k in caps else b[k, 3])
        if rows and y0 < bottom - 0.5 * min(h, row_height):
            rows[-1].append(int(k))
            bottom = max(bottom, y0 + h)
        else:
            rows.append([int(k)])
            bottom, row_height = y0 + h, h
    return np.array([k for row in rows for k in sorted(row, key=lambda k: b[k, 0])], np.intp)


def _drop_caps(b: np.ndarray, lines: np.ndarray, usual: float) -> set[int]:
    """The drop caps among a block's ``lines`` (boxes ``b``): over :data:`DROP_CAP` times as
    tall as the block's ``usual`` line height, a letter's shape (a third as wide as tall at
    least, a word set top to bottom is narrower) and at the block's left edge, where a
    paragraph starts."""
    left = float(b[lines, 0].min())
    w, h = b[lines, 2], b[lines, 3]
    cap = (h > DROP_CAP * usual) & (w >= h / 3) & (w <= 1.5 * h) & (b[lines, 0] - left <= usual)
    return {int(k) for k in lines[cap]}


def after_drop_caps(boxes: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Per line of ``boxes`` (rows of x, y, width, height) and ``texts``, in reading order,
    whether it runs on from the line before it, a drop cap: a letter (an opening quote beside
    it aside) over :data:`DROP_CAP` times as tall, on its left, their tops level. The page's
    text then reads "The council", not "T" and "he council" on lines of their own.

    >>> boxes = np.array([(0, 0, 40, 95), (52, 2, 300, 28), (0, 99, 352, 28)], float)
    >>> after_drop_caps(boxes, ["T", "he council", "voted on"]).tolist()
    [False, True, False]
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    out = np.zeros(len(b), dtype=bool)
    cap, line = b[:-1], b[1:]
    # a missing box (NaN) compares False: no drop cap
    beside = (
        (cap[:, 3] > DROP_CAP * line[:, 3])
        & (line[:, 0] >= cap[:, 0] + 0.5 * cap[:, 2])
        & (np.abs(line[:, 1] - cap[:, 1]) <= line[:, 3])
    )
    for k in np.flatnonzero(beside):  # the text is read only where the boxes fit
        letters = texts[k].strip().lstrip("\"'“‘«")
        out[k + 1] = len(letters) == 1 and letters.isalpha()
    return out


def _kind(b: np.ndarray, line_height: float) -> str:
    if len(b) <= TITLE_LINES and np.median(b[:, 3]) >= TITLE_HEIGHT * line_height:
        return "title"
    return "text"
