"""A business card's fields from its lines: the ``data`` of ``/ocr/namecard``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.geometry import Line
from .fields import Run, TextLine, is_name_char, prepare, trim

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
            run = trim(Run(line.glyphs[2:], k))
            text = run.text
        if not (2 <= len(text) <= 4 and all(is_name_char(c) for c in text)):
            continue
        if any(word in text for word in NOT_A_NAME):
            continue
        if line.box[3] > height:
            best, height = run, line.box[3]
    return best
