"""The ID card's fields (both sides) from its lines: the ``data`` of ``/ocr/idcard``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.geometry import Line
from .fields import (
    MIN_FIELDS,
    Found,
    Reread,
    Run,
    TextLine,
    card_data,
    date,
    date_range,
    is_name_char,
    plain,
    prepare,
    read_fields,
    upper_glyph,
)

# labels: the page's field -> the labels printed on real cards, longest first
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
        values["name"] = plain(found["name"].value.keep(is_name_char))
    if "sex" in found:
        sex = found["sex"].value.keep(lambda c: c in "男女")
        values["sex"] = plain(Run(sex.glyphs[:1], sex.line))
    if "nation" in found:
        values["nation"] = plain(found["nation"].value.keep(is_name_char))
    if "birth" in found:
        birth = date(found["birth"].value, "/", False)
        if birth is not None:
            values["birth"] = birth
    if "address" in found:
        values["address"] = plain(found["address"].value)
    id_run = _id_number(text_lines, found.get("id"))
    if id_run is not None:
        values["id"] = plain(id_run)
    labelled = sum(1 for v in values.values() if v[0])
    if labelled < MIN_FIELDS:
        return None
    return card_data(values, IDCARD_FRONT)


def idcard_back(lines: Iterable[Line], reread: Reread | None = None) -> dict | None:
    """``data`` of the emblem side: authority and valid_date (``"2012.01.01-2022.01.01"``; its
    confidence array covers the digits, as in the page's example)."""
    text_lines = prepare(lines)
    found = read_fields(text_lines, IDCARD_BACK, reread)
    values: dict[str, tuple[str, list[float | None]]] = {}
    if "authority" in found:
        values["authority"] = plain(found["authority"].value)
    if "valid_date" in found:
        period = date_range(found["valid_date"].value)
        if period is not None:
            values["valid_date"] = period
    if not values or not any(v[0] for v in values.values()):
        return None
    return card_data(values, IDCARD_BACK)


def _id_number(lines: list[TextLine], found: Found | None) -> Run | None:
    """The 18-character number after its label, else anywhere on the card."""
    runs = [found.value] if found is not None else []
    runs += [Run(line.glyphs, k) for k, line in enumerate(lines)]
    for run in runs:
        clean = run.keep(lambda c: c.isdigit() or c in "Xx")
        upper = Run(tuple(upper_glyph(g) for g in clean.glyphs), clean.line)
        m = ID_NUMBER.search(upper.text)
        if m:
            return Run(upper.glyphs[m.start() : m.end()], run.line)
    return None
