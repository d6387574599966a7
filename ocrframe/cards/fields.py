"""What every card reader shares: characters with their confidences and boxes (:class:`Glyph`,
:class:`Run`), lines prepared for reading (:class:`TextLine`), printed labels found on them
(:func:`read_fields`) with their value after the label, beside it on the same row or wrapped
onto the lines below, and the service's date forms (:func:`date`, :func:`date_range`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..core.geometry import Line, bbox

Box = tuple[int, int, int, int]

#: fields whose value may wrap onto the following lines
WRAPPING = frozenset({"address", "住址", "authority"})
MIN_FIELDS = 2  # fewer labelled fields than this: not that kind of card


# ---------------------------------------------------------------------------------------------
# characters and runs of characters


@dataclass(frozen=True)
class Glyph:
    """One character with its confidence (0–1, ``None`` when unknown) and pixel box."""

    char: str
    confidence: float | None
    box: Box


@dataclass(frozen=True)
class Run:
    """Consecutive characters of one line: a label's value, or the part of it kept."""

    glyphs: tuple[Glyph, ...]
    line: int

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    def keep(self, predicate: Callable[[str], bool]) -> Run:
        return Run(tuple(g for g in self.glyphs if predicate(g.char)), self.line)

    def box(self) -> Box | None:
        if not self.glyphs:
            return None
        x0 = min(g.box[0] for g in self.glyphs)
        y0 = min(g.box[1] for g in self.glyphs)
        x1 = max(g.box[0] + g.box[2] for g in self.glyphs)
        y1 = max(g.box[1] + g.box[3] for g in self.glyphs)
        return x0, y0, x1 - x0, y1 - y0

    def confidences(self) -> list[float | None]:
        return [g.confidence for g in self.glyphs]

    def mean_confidence(self) -> float | None:
        known = [c for c in self.confidences() if c is not None]
        return sum(known) / len(known) if known else None

    def __add__(self, other: Run) -> Run:
        return Run(self.glyphs + other.glyphs, self.line)


def glyphs(line: Line) -> list[Glyph]:
    """The line's characters without spaces, each with a confidence and a box.

    Characters the engine gave no box get a slice of the line's box in proportion to their
    position; when the engine's characters do not spell the line's text, every character gets
    the line's mean confidence.
    """
    x, y, w, h = bbox(line.polygon)
    text = line.text
    per_char = "".join(c.text for c in line.chars) == text
    known = [c.confidence for c in line.chars if c.confidence is not None]
    mean = sum(known) / len(known) if known else None
    n = max(len(text), 1)
    out = []
    for k, ch in enumerate(text):
        if ch.isspace():
            continue
        char = line.chars[k] if per_char else None
        box = char.box if char is not None and char.box is not None else None
        if box is None:
            x0, x1 = x + (w * k) // n, x + (w * (k + 1)) // n
            box = (x0, y, max(x1 - x0, 1), h)
        conf = char.confidence if char is not None else mean
        out.append(Glyph(ch, conf, box))
    return out


@dataclass(frozen=True)
class TextLine:
    """A recognised line prepared for reading: its glyphs and its bounding box."""

    glyphs: tuple[Glyph, ...]
    box: Box

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def left(self) -> int:
        return self.box[0]

    @property
    def right(self) -> int:
        return self.box[0] + self.box[2]

    @property
    def top(self) -> int:
        return self.box[1]

    @property
    def bottom(self) -> int:
        return self.box[1] + self.box[3]


def prepare(lines: Iterable[Line]) -> list[TextLine]:
    """The lines in reading order (top to bottom, then left to right), empty ones dropped."""
    out = [TextLine(tuple(g), bbox(line.polygon)) for line in lines if (g := glyphs(line))]
    return sorted(out, key=lambda t: (t.top + t.box[3] // 2, t.left))


def _same_row(a: TextLine, b: TextLine) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.4 * min(a.box[3], b.box[3])


# ---------------------------------------------------------------------------------------------
# labels and their values


@dataclass
class Found:
    """Where a label was read, and the text that belongs to it."""

    key: str
    line: int
    value: Run


def _label_table(labels: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    pairs = [(text, key) for key, texts in labels.items() for text in texts]
    return sorted(pairs, key=lambda p: -len(p[0]))


def segments(line: TextLine, index: int, table: list[tuple[str, str]]):
    """Split a line at the labels it contains: ``[(key or None, run), …]`` in reading order.

    The run after a label is its value on the same line (possibly empty); text before the first
    label has key ``None`` (a value whose label stands to its left on another line).
    """
    text = line.text
    cuts: list[tuple[int, int, str]] = []
    k = 0
    while k < len(text):
        for label, key in table:
            if text.startswith(label, k):
                cuts.append((k, k + len(label), key))
                k += len(label)
                break
        else:
            k += 1
    out: list[tuple[str | None, Run]] = []
    starts = [c[0] for c in cuts] + [len(text)]
    if not cuts or cuts[0][0] > 0:
        out.append((None, Run(line.glyphs[: starts[0]], index)))
    for (_, end, key), nxt in zip(cuts, starts[1:]):
        out.append((key, Run(line.glyphs[end:nxt], index)))
    return [(key, trim(run)) for key, run in out]


def trim(run: Run) -> Run:
    glyphs_ = list(run.glyphs)
    while glyphs_ and glyphs_[0].char in ":：.。,，;；|_-—":
        glyphs_.pop(0)
    return Run(tuple(glyphs_), run.line)


#: reads the text inside a box of the image again (detection and recognition on the crop)
Reread = Callable[[Box], list[Line]]


def read_fields(
    lines: list[TextLine], labels: dict[str, tuple[str, ...]], reread: Reread | None = None
) -> dict[str, Found]:
    """Each label's value: after it on its line, else the nearest unlabelled text to its right
    on the same row. Wrapping fields (addresses) take the unlabelled lines below them. A label
    with nothing beside it has the area to its right read again with ``reread``, when given
    (a detector easily misses a lone character such as 汉 or 男)."""
    table = _label_table(labels)
    segs = [segments(line, k, table) for k, line in enumerate(lines)]
    loose = {k: run for k, s in enumerate(segs) for key, run in s if key is None and run.glyphs}
    found: dict[str, Found] = {}
    alone: list[tuple[str, int]] = []
    line_ends: set[str] = set()
    for k, s in enumerate(segs):
        for n, (key, run) in enumerate(s):
            if key is None or key in found:
                continue
            if run.glyphs:
                found[key] = Found(key, k, run)
                if n == len(s) - 1:  # the line's last value may run on into the next line
                    line_ends.add(key)
            else:
                alone.append((key, k))
    for key, k in alone:
        if key in found:
            continue
        j = _right_of(lines, k, loose)
        if j is not None:
            found[key] = Found(key, j, _beside(lines[k], loose.pop(j)))
        elif reread is not None:
            value = _read_beside(lines[k], k, reread)
            if value is not None:
                found[key] = Found(key, k, value)
    for key in line_ends:
        found[key].value = _run_on(lines, found[key], loose)
    for key, f in found.items():
        if key in WRAPPING:
            f.value = _wrap(lines, f, loose)
    return found


def _run_on(lines: list[TextLine], f: Found, loose: dict[int, Run]) -> Run:
    """An in-line value with the unlabelled line right after it on the row. When the two
    overlap, the detector cut the value's first characters into the label's box (证号：5 |
    563622…): the whole line to the right is the value."""
    j = _next_on_row(lines, f.line)
    box = f.value.box()
    if j is None or j not in loose or box is None:
        return f.value
    end = box[0] + box[2]
    nxt = lines[j]
    if nxt.left - end > nxt.box[3]:
        return f.value  # a separate piece of text
    if nxt.left < end - 2:
        return loose.pop(j)
    return f.value + loose.pop(j)


def _next_on_row(lines: list[TextLine], k: int) -> int | None:
    """The nearest line starting to the right of line ``k``'s start, on the same row."""
    here = lines[k]
    best = None
    for j, other in enumerate(lines):
        if j == k or other.left <= here.left or not _same_row(here, other):
            continue
        if best is None or other.left < lines[best].left:
            best = j
    return best


def _right_of(lines: list[TextLine], k: int, loose: dict[int, Run]) -> int | None:
    label = lines[k]
    best, gap = None, None
    for j in loose:
        other = lines[j]
        if j == k or not _same_row(label, other) or other.left < label.right - label.box[3]:
            continue
        g = other.left - label.right
        if gap is None or g < gap:
            best, gap = j, g
    return best


def _beside(label: TextLine, value: Run) -> Run:
    """The value without what belongs to its label: a value box drawn over the label's end
    makes the recogniser read part of the label again (车辆类型 | 型小型轿车, 民族 | 美满)."""
    glyphs_ = list(value.glyphs)
    end = label.glyphs[-1].box[0] + label.glyphs[-1].box[2]  # the label's ink, not its line box
    while len(glyphs_) > 1 and glyphs_[0].box[0] + glyphs_[0].box[2] / 2 < end:
        glyphs_.pop(0)  # its centre lies over the label
    last = label.text.rstrip(":：")[-1:]
    if len(glyphs_) > 1 and glyphs_[0].char == last and not last.isascii():
        glyphs_.pop(0)
    return Run(tuple(glyphs_), value.line)


def _read_beside(label: TextLine, k: int, reread: Reread) -> Run | None:
    """Read again the area right of a label that stands alone: about six characters wide."""
    h = label.box[3]
    box = (label.right + h // 4, max(label.top - h // 2, 0), 6 * h, 2 * h)
    found = prepare(reread(box))
    if not found:
        return None
    run = trim(Run(found[0].glyphs, k))
    return run if run.glyphs else None


def _wrap(lines: list[TextLine], f: Found, loose: dict[int, Run]) -> Run:
    """The value with the unlabelled lines that continue it below, left-aligned with it."""
    value = f.value
    start = value.box()
    if start is None:
        return value
    height = start[3]
    bottom = start[1] + height
    for j in sorted(loose, key=lambda j: lines[j].top):
        line = lines[j]
        if line.top <= start[1] or j == f.line:
            continue
        if line.top - bottom > 1.2 * height:
            break
        if abs(line.left - start[0]) <= 1.5 * height:
            value = value + loose.pop(j)
            bottom = line.bottom
    return value


# ---------------------------------------------------------------------------------------------
# cleaning values the way the service returns them

DATE = re.compile(r"(\d{4})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})")


def is_name_char(ch: str) -> bool:
    """A Chinese character, or the middle dot of a transliterated name (阿依古丽·买买提)."""
    return "\u3400" <= ch <= "\u9fff" or ch == "·"


def date(run: Run, sep: str, pad: bool) -> tuple[str, list[float | None]] | None:
    """``"1990年3月15日"`` -> ``("1990/3/15", confidences of the digits)``; ``pad`` keeps
    two-digit months and days (``"2012.01.01"``)."""
    m = DATE.search(run.text)
    if m is None:
        return None
    parts, confs = [], []
    for group in (1, 2, 3):
        printed = m.group(group)
        value = printed if group == 1 else (printed.zfill(2) if pad else str(int(printed)))
        # the service's arrays cover the digits it returns: a dropped zero drops its confidence
        span = [g.confidence for g in run.glyphs[m.start(group) : m.end(group)]]
        extra = len(span) - len(value)
        span = span[extra:] if extra > 0 else [None] * -extra + span
        parts.append(value)
        confs += span
    return sep.join(parts), confs


def date_range(run: Run) -> tuple[str, list[float | None]] | None:
    """``"2012.01.01-2022.01.01"`` (or ``"…-长期"``) with the confidences of its digits."""
    text = run.text
    m = DATE.search(text)
    if m is None:
        return None
    first = date(Run(run.glyphs[m.start() : m.end()], run.line), ".", True)
    if first is None:
        return None
    rest = Run(run.glyphs[m.end() :], run.line)
    second = date(rest, ".", True)
    if second is not None:
        return f"{first[0]}-{second[0]}", first[1] + second[1]
    if "长期" in rest.text:
        k = rest.text.index("长期")
        tail = Run(rest.glyphs[k : k + 2], run.line)
        return f"{first[0]}-长期", first[1] + tail.confidences()
    return None


def percent(confs: Sequence[float | None]) -> list[int]:
    return [0 if c is None else round(c * 100) for c in confs]


def upper_glyph(g: Glyph) -> Glyph:
    return Glyph(g.char.upper(), g.confidence, g.box)


def swap_glyph(g: Glyph, table: dict[str, str]) -> Glyph:
    return Glyph(table.get(g.char, g.char), g.confidence, g.box)


def plain(run: Run) -> tuple[str, list[float | None]]:
    return run.text, run.confidences()


def card_data(values: dict, labels: dict) -> dict:
    data: dict = {}
    for key in labels:
        if key in values:
            data[key] = values[key][0]
    for key in labels:
        if key in values:
            data[key + "_confidence_all"] = percent(values[key][1])
    return data
