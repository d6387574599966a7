"""``/ocr/drivinglicence``: labelled fields of a vehicle licence (type 0) or driver licence (type 1).

``data.items[]`` holds ``item`` (the field's Chinese label), ``itemstring``, ``itemconf`` (0–1 in
the page's example) and ``itemcoord``. The label is kept in ``items.label``; ``items.field`` is a
documented snake_case key (:data:`FIELDS`), chosen to line up with the API 3.0 licence actions.
The service gives no per-character confidence, so ``chars.confidence`` is NA here.
"""

from __future__ import annotations

from ._base import Adapter, Context, effective_scale, unknown_keys

#: Label (the page's, and the longer ones printed on real cards) -> ``field`` key.
FIELDS: dict[str, str] = {
    # vehicle licence 行驶证 (type 0)
    "车牌号码": "plate_no",
    "号牌号码": "plate_no",
    "车辆类型": "vehicle_type",
    "所有人": "owner",
    "住址": "address",
    "使用性质": "use_character",
    "品牌型号": "model",
    "识别代码": "vin",
    "车辆识别代号": "vin",
    "发动机号": "engine_no",
    "发动机号码": "engine_no",
    "注册日期": "register_date",
    "发证日期": "issue_date",
    # driver licence 驾驶证 (type 1)
    "证号": "license_no",
    "姓名": "name",
    "性别": "sex",
    "国籍": "nationality",
    "出生日期": "birth",
    "领证日期": "first_issue_date",
    "初次领证日期": "first_issue_date",
    "准驾车型": "vehicle_class",
    "起始日期": "start_date",
    "有效日期": "end_date",
    "有效期限": "valid_period",
}

TOP_KEYS = frozenset({"code", "message", "data"})
DATA_KEYS = frozenset({"items", "session_id", "angle"})
ITEM_KEYS = frozenset({"item", "itemstring", "itemconf", "itemcoord"})


class DrivingLicence(Adapter):
    name = "drivinglicence"
    endpoint = "drivinglicence"
    scale = 1.0
    priority = 10

    def sniff(self, obj: dict) -> bool:
        data = obj.get("data")
        items = data.get("items") if isinstance(data, dict) else None
        return isinstance(items, list) and any(
            isinstance(i, dict) and ("item" in i or "itemconf" in i) for i in items
        )

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        top = r.dict()
        data = self.success_data(r, ctx)
        if data is None:
            return
        rows, odd = [], set()
        for it in data.get("items").each():
            label = it.get("item").str()
            box = it.opt_box("itemcoord")
            conf = it.get("itemconf", None).opt_number()
            rows.append((label, it.get("itemstring").str(), conf, box))
            odd.update(unknown_keys(it.value, ITEM_KEYS))
        scale, note = effective_scale(
            self.scale, [c for _, _, c, _ in rows if c is not None], data, ctx
        )
        extra = unknown_keys(top, TOP_KEYS) | unknown_keys(data.dict(), DATA_KEYS)
        if odd:
            extra["item_keys"] = sorted(odd)
        if note:
            extra["confidence_scale"] = note
        cols = ctx.columns
        image = self.success_image(r, data, ctx, extra=extra, scale=scale)
        for label, text, conf, box in rows:
            row = cols.add_item(
                image, text, field=FIELDS.get(label), label=label, confidence_raw=conf, box=box
            )
            cols.add_chars(row, text)
