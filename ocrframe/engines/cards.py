"""Card fields from recognised lines: the answers of ``/ocr/idcard``, ``/ocr/namecard`` and
``/ocr/drivinglicence`` for engines that only find lines of text.

An engine finds :class:`~ocrframe.engines.shape.Line` objects; the functions here read the card's
printed labels (姓名, 公民身份号码, 号牌号码 …) and take each value from the same line after the
label or, when the label stands alone, from the nearest text to its right on the same row.
Addresses and issuing authorities may wrap onto the lines below. Values are cleaned the way the
service returns them (ID numbers upper-case, birth ``"2000/1/1"``, ``valid_date``
``"2012.01.01-2022.01.01"``) and every character keeps the engine's own confidence.

Each function returns the ``data`` of the page's response, or ``None`` when the image is not
that kind of card (the engine then answers with the page's code, -5107 for ID cards).

>>> from ocrframe.engines.shape import Line
>>> def row(y, *texts, x=10):  # lines side by side, 40 px per character
...     out = []
...     for t in texts:
...         out.append(Line([(x, y), (x + 40 * len(t), y), (x + 40 * len(t), y + 30), (x, y + 30)], t))
...         x += 40 * len(t) + 60
...     return out
>>> lines = row(10, "姓名", "张伟") + row(60, "性别男", "民族汉") + row(110, "出生1990年3月15日")
>>> lines += row(160, "住址", "北京市海淀区") + row(200, "中关村大街27号", x=150) + row(260, "公民身份号码110108199003151234")
>>> data = idcard_front(lines)
>>> data["name"], data["sex"], data["nation"], data["birth"], data["address"], data["id"]
('张伟', '男', '汉', '1990/3/15', '北京市海淀区中关村大街27号', '110108199003151234')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .shape import Line, bbox

Box = tuple[int, int, int, int]

# ---------------------------------------------------------------------------------------------
# labels: the page's field (or key) -> the labels printed on real cards, longest first


IDCARD_FRONT: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "sex": ("性别",),
    "nation": ("民族",),
    "birth": ("出生日期", "出生"),
    "address": ("住址",),
    "id": ("公民身份号码", "身份证号码", "身份号码"),
}
IDCARD_BACK: dict[str, tuple[str, ...]] = {
    "authority": ("签发机关",),
    "valid_date": ("有效期限",),
}
#: driver licence (驾驶证, ``type=1``): the page's item labels
DRIVER_LICENCE: dict[str, tuple[str, ...]] = {
    "证号": ("证号",),
    "姓名": ("姓名",),
    "性别": ("性别",),
    "国籍": ("国籍",),
    "住址": ("住址",),
    "出生日期": ("出生日期",),
    "领证日期": ("初次领证日期", "领证日期"),
    "准驾车型": ("准驾车型",),
    "起始日期": ("有效起始日期", "起始日期"),
    "有效日期": ("有效日期",),
    # printed on newer cards as one range, split into 起始日期 and 有效日期 below
    "有效期限": ("有效期限",),
}
#: vehicle licence (行驶证, ``type=0``): the page's item labels
VEHICLE_LICENCE: dict[str, tuple[str, ...]] = {
    "车牌号码": ("号牌号码", "车牌号码"),
    "车辆类型": ("车辆类型",),
    "所有人": ("所有人",),
    "住址": ("住址",),
    "使用性质": ("使用性质",),
    "品牌型号": ("品牌型号",),
    "识别代码": ("车辆识别代号", "车辆识别代码", "识别代码"),
    "发动机号": ("发动机号码", "发动机号"),
    "注册日期": ("注册日期",),
    "发证日期": ("发证日期",),
}
#: fields whose value may wrap onto the following lines
WRAPPING = frozenset({"address", "住址", "authority"})
#: the page's item order for each licence type
LICENCE_ORDER = {
    0: ("车牌号码", "车辆类型", "所有人", "住址", "使用性质", "品牌型号", "识别代码", "发动机号",
        "注册日期", "发证日期"),
    1: ("证号", "姓名", "性别", "国籍", "住址", "出生日期", "领证日期", "准驾车型", "起始日期",
        "有效日期"),
}  # fmt: skip
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
    return [(key, _trim(run)) for key, run in out]


def _trim(run: Run) -> Run:
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
    run = _trim(Run(found[0].glyphs, k))
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


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or ch == "·"


def _date(run: Run, sep: str, pad: bool) -> tuple[str, list[float | None]] | None:
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


def _date_range(run: Run) -> tuple[str, list[float | None]] | None:
    """``"2012.01.01-2022.01.01"`` (or ``"…-长期"``) with the confidences of its digits."""
    text = run.text
    m = DATE.search(text)
    if m is None:
        return None
    first = _date(Run(run.glyphs[m.start() : m.end()], run.line), ".", True)
    if first is None:
        return None
    rest = Run(run.glyphs[m.end() :], run.line)
    second = _date(rest, ".", True)
    if second is not None:
        return f"{first[0]}-{second[0]}", first[1] + second[1]
    if "长期" in rest.text:
        k = rest.text.index("长期")
        tail = Run(rest.glyphs[k : k + 2], run.line)
        return f"{first[0]}-长期", first[1] + tail.confidences()
    return None


def _percent(confs: Sequence[float | None]) -> list[int]:
    return [0 if c is None else round(c * 100) for c in confs]


# ---------------------------------------------------------------------------------------------
# ID card

ID_NUMBER = re.compile(r"\d{17}[\dX]")


def idcard_front(lines: Iterable[Line], reread: Reread | None = None) -> dict | None:
    """``data`` of the photo side: name, sex, nation, birth, address, id and their
    ``*_confidence_all`` (0–100 per character; birth's array covers its digits)."""
    text_lines = prepare(lines)
    found = read_fields(text_lines, IDCARD_FRONT, reread)
    values: dict[str, tuple[str, list[float | None]]] = {}
    if "name" in found:
        values["name"] = _plain(found["name"].value.keep(_cjk))
    if "sex" in found:
        sex = found["sex"].value.keep(lambda c: c in "男女")
        values["sex"] = _plain(Run(sex.glyphs[:1], sex.line))
    if "nation" in found:
        values["nation"] = _plain(found["nation"].value.keep(_cjk))
    if "birth" in found:
        birth = _date(found["birth"].value, "/", False)
        if birth is not None:
            values["birth"] = birth
    if "address" in found:
        values["address"] = _plain(found["address"].value)
    id_run = _id_number(text_lines, found.get("id"))
    if id_run is not None:
        values["id"] = _plain(id_run)
    labelled = sum(1 for v in values.values() if v[0])
    if labelled < MIN_FIELDS:
        return None
    return _card_data(values, IDCARD_FRONT)


def idcard_back(lines: Iterable[Line], reread: Reread | None = None) -> dict | None:
    """``data`` of the emblem side: authority and valid_date (``"2012.01.01-2022.01.01"``; its
    confidence array covers the digits, as in the page's example)."""
    text_lines = prepare(lines)
    found = read_fields(text_lines, IDCARD_BACK, reread)
    values: dict[str, tuple[str, list[float | None]]] = {}
    if "authority" in found:
        values["authority"] = _plain(found["authority"].value)
    if "valid_date" in found:
        period = _date_range(found["valid_date"].value)
        if period is not None:
            values["valid_date"] = period
    if not values or not any(v[0] for v in values.values()):
        return None
    return _card_data(values, IDCARD_BACK)


def _id_number(lines: list[TextLine], found: Found | None) -> Run | None:
    """The 18-character number after its label, else anywhere on the card."""
    runs = [found.value] if found is not None else []
    runs += [Run(line.glyphs, k) for k, line in enumerate(lines)]
    for run in runs:
        clean = run.keep(lambda c: c.isdigit() or c in "Xx")
        upper = Run(tuple(_upper(g) for g in clean.glyphs), clean.line)
        m = ID_NUMBER.search(upper.text)
        if m:
            return Run(upper.glyphs[m.start() : m.end()], run.line)
    return None


def _upper(g: Glyph) -> Glyph:
    return Glyph(g.char.upper(), g.confidence, g.box)


def _swap(g: Glyph, table: dict[str, str]) -> Glyph:
    return Glyph(table.get(g.char, g.char), g.confidence, g.box)


def _plain(run: Run) -> tuple[str, list[float | None]]:
    return run.text, run.confidences()


def _card_data(values: dict, labels: dict) -> dict:
    data: dict = {}
    for key in labels:
        if key in values:
            data[key] = values[key][0]
    for key in labels:
        if key in values:
            data[key + "_confidence_all"] = _percent(values[key][1])
    return data


# ---------------------------------------------------------------------------------------------
# business card

MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}\d{7,8})(?!\d)")
QQ = re.compile(r"QQ[:：]?(\d{5,12})", re.IGNORECASE)
NOT_A_NAME = ("公司", "有限", "集团", "银行", "大学", "学院", "中心", "研究", "部", "经理", "总监",
              "工程师", "主任", "地址", "电话", "手机", "邮箱", "传真", "网址", "微信", "科技",
              "路", "街", "号", "区", "市", "省", "店", "厂", "处", "院", "所", "局", "会")  # fmt: skip


def namecard(lines: Iterable[Line]) -> dict:
    """``data`` of a business card: name, phone and uin (QQ) with ``*_confidence`` on 0–1,
    ``""`` and ``-1`` for a field not found, as the page says."""
    text_lines = prepare(lines)
    values = {
        "name": _person_name(text_lines),
        "phone": _phone(text_lines),
        "uin": _qq(text_lines),
    }
    data: dict = {}
    for key, run in values.items():
        data[key] = run.text if run is not None else ""
    for key, run in values.items():
        conf = run.mean_confidence() if run is not None else None
        data[key + "_confidence"] = round(conf, 4) if conf is not None else -1
    return data


def _phone(lines: list[TextLine]) -> Run | None:
    def numbers(pattern):
        for k, line in enumerate(lines):
            digits = Run(line.glyphs, k).keep(lambda c: c.isdigit() or c == "+")
            m = pattern.search(digits.text)
            if m:
                yield Run(digits.glyphs[m.start(1) : m.end(1)], k)

    mobile = next(numbers(MOBILE), None)
    return mobile if mobile is not None else next(numbers(LANDLINE), None)


def _qq(lines: list[TextLine]) -> Run | None:
    for k, line in enumerate(lines):
        m = QQ.search(line.text)
        if m:
            return Run(line.glyphs[m.start(1) : m.end(1)], k)
    return None


def _person_name(lines: list[TextLine]) -> Run | None:
    """The tallest short line of Chinese characters that is not a company, title or address."""
    best, height = None, 0
    for k, line in enumerate(lines):
        run = Run(line.glyphs, k)
        text = run.text
        if text.startswith("姓名"):
            run = _trim(Run(line.glyphs[2:], k))
            text = run.text
        if not (2 <= len(text) <= 4 and all(_cjk(c) for c in text)):
            continue
        if any(word in text for word in NOT_A_NAME):
            continue
        if line.box[3] > height:
            best, height = run, line.box[3]
    return best


# ---------------------------------------------------------------------------------------------
# driver and vehicle licences


def licence_items(
    lines: Iterable[Line], licence_type: int, reread: Reread | None = None
) -> list[dict] | None:
    """``data.items`` of ``/ocr/drivinglicence``: ``item`` (the page's label), ``itemstring``,
    ``itemconf`` (0–1) and ``itemcoord`` of the value, in the page's order."""
    labels = DRIVER_LICENCE if licence_type == 1 else VEHICLE_LICENCE
    found = read_fields(prepare(lines), labels, reread)
    runs: dict[str, Run] = {key: _clean_licence(key, f.value) for key, f in found.items()}
    period = runs.pop("有效期限", None)
    if period is not None:
        runs.update(_split_period(period, runs))
    runs = {k: r for k, r in runs.items() if r.glyphs}
    if len(runs) < MIN_FIELDS:
        return None
    items = []
    for key in LICENCE_ORDER[licence_type]:
        if key not in runs:
            continue
        run = runs[key]
        conf = run.mean_confidence()
        x, y, w, h = run.box()  # type: ignore[misc]
        items.append(
            {
                "item": key,
                "itemstring": run.text,
                "itemconf": round(conf, 4) if conf is not None else None,
                "itemcoord": {"x": x, "y": y, "width": w, "height": h},
            }
        )
    return items


#: letters that VINs never use (ISO 3779), read as the digits they resemble
NOT_IN_VIN = {"O": "0", "Q": "0", "I": "1"}


def _clean_licence(key: str, run: Run) -> Run:
    if key == "车牌号码":
        return _plate(run)
    if key in ("证号", "识别代码", "发动机号", "准驾车型"):
        run = Run(tuple(_upper(g) for g in run.glyphs if _ascii_alnum(g.char)), run.line)
    if key in ("识别代码", "发动机号"):
        # VINs exclude O, Q and I; engine numbers are stamped in the same alphabet in practice
        run = Run(tuple(_swap(g, NOT_IN_VIN) for g in run.glyphs), run.line)
    if key in ("出生日期", "领证日期", "起始日期", "有效日期", "注册日期", "发证日期"):
        m = DATE.search(run.text)
        if m:
            run = Run(run.glyphs[m.start() : m.end()], run.line)
    return run


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _plate(run: Run) -> Run:
    """A plate: its province character, then letters and digits (plates use neither I nor O,
    so an ``I`` right after the province is a stroke of 川 or 州 read twice, and O is 0)."""
    kept = [g for g in run.glyphs if _ascii_alnum(g.char) or not g.char.isascii()]
    out: list[Glyph] = []
    for k, g in enumerate(kept):
        g = _upper(g)
        if k == 1 and not kept[0].char.isascii() and g.char in "I1|" and len(kept) > 7:
            continue
        out.append(_swap(g, {"O": "0"}) if k > 1 else g)
    return Run(tuple(out), run.line)


def _split_period(run: Run, have: dict[str, Run]) -> dict[str, Run]:
    """``有效期限 2016-05-18至2026-05-18`` -> 起始日期 and 有效日期 (those not read already)."""
    out = {}
    dates = list(DATE.finditer(run.text))
    if dates and "起始日期" not in have:
        out["起始日期"] = Run(run.glyphs[dates[0].start() : dates[0].end()], run.line)
    if len(dates) > 1 and "有效日期" not in have:
        out["有效日期"] = Run(run.glyphs[dates[1].start() : dates[1].end()], run.line)
    elif "长期" in run.text and "有效日期" not in have:
        k = run.text.index("长期")
        out["有效日期"] = Run(run.glyphs[k : k + 2], run.line)
    return out
