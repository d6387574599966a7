"""Driving and vehicle licence fields from their lines: the items of ``/ocr/drivinglicence``."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.geometry import Line
from .fields import (
    DATE,
    MIN_FIELDS,
    Glyph,
    Reread,
    Run,
    prepare,
    read_fields,
    swap_glyph,
    upper_glyph,
)

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
#: the page's item order for each licence type
LICENCE_ORDER = {
    0: ("车牌号码", "车辆类型", "所有人", "住址", "使用性质", "品牌型号", "识别代码", "发动机号",
        "注册日期", "发证日期"),
    1: ("证号", "姓名", "性别", "国籍", "住址", "出生日期", "领证日期", "准驾车型", "起始日期",
        "有效日期"),
}  # fmt: skip


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
        run = Run(tuple(upper_glyph(g) for g in run.glyphs if _ascii_alnum(g.char)), run.line)
    if key in ("识别代码", "发动机号"):
        # VINs exclude O, Q and I; engine numbers are stamped in the same alphabet in practice
        run = Run(tuple(swap_glyph(g, NOT_IN_VIN) for g in run.glyphs), run.line)
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
        g = upper_glyph(g)
        if k == 1 and not kept[0].char.isascii() and g.char in "I1|" and len(kept) > 7:
            continue
        out.append(swap_glyph(g, {"O": "0"}) if k > 1 else g)
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
