"""``/ocr/namecard``: business cards, in the page's flat shape and the newer item list.

Flat (the page): ``data{name, phone, uin, <key>_confidence}`` on 0–1, where ``-1`` means "not
recognised" (NA confidence, ``confidence_raw`` stays -1). ``data.image`` (``ret_image=1``) stays in
the raw response only. Newer shape: ``data[]`` of ``{"item": "姓名", "value": …, "confidence": …}``;
the label is kept in ``items.label`` and mapped to a key by :data:`LABELS`.
"""

from __future__ import annotations

from ._base import Context, Reader, effective_scale, unknown_keys
from .batch import BatchAdapter

SUFFIX = "_confidence"
RAW_ONLY = frozenset({"image"})

#: Business-card label -> ``field`` key (the legacy keys where the meaning is the same).
LABELS: dict[str, str] = {
    "姓名": "name",
    "英文姓名": "name_en",
    "手机": "phone",
    "电话": "telephone",
    "QQ": "uin",
    "公司": "company",
    "英文公司": "company_en",
    "职位": "title",
    "英文职位": "title_en",
    "部门": "department",
    "英文部门": "department_en",
    "地址": "address",
    "英文地址": "address_en",
    "邮编": "postcode",
    "邮箱": "email",
    "网址": "website",
    "传真": "fax",
    "微信": "wechat",
    "微博": "weibo",
    "MSN": "msn",
}


class _NameCardBase(BatchAdapter):
    endpoint = "namecard"
    scale = 1.0

    def _emit(self, rows, data: Reader, ctx: Context, entry, source, extra: dict) -> None:
        raw = [c for *_, c in rows if c is not None and c != -1]
        scale, note = effective_scale(self.scale, raw, data, ctx)
        if note:
            extra["confidence_scale"] = note
        image = self.add_image(ctx, entry, source, extra, scale, missing=-1.0)
        for key, label, text, conf in rows:
            row = ctx.columns.add_item(image, text, field=key, label=label, confidence_raw=conf)
            ctx.columns.add_chars(row, text)


class NameCard(_NameCardBase):
    name = "namecard"
    priority = 45

    def sniff_data(self, data: object) -> bool:
        return isinstance(data, dict) and (
            "phone" in data or "uin" in data or any(k.endswith(SUFFIX) for k in data)
        )

    def parse_data(self, data: Reader, ctx: Context, entry, source, extra: dict) -> None:
        obj = data.dict()
        rows = []
        for key in obj:
            if key.endswith(SUFFIX) or key in RAW_ONLY:
                continue
            conf = data.get(key + SUFFIX, None).opt_number()
            rows.append((key, None, data.get(key).str(), conf))
        orphans = [k for k in obj if k.endswith(SUFFIX) and k[: -len(SUFFIX)] not in obj]
        if orphans:
            extra["orphan_confidences"] = {k: obj[k] for k in orphans}
        self._emit(rows, data, ctx, entry, source, extra)


class NameCardItems(_NameCardBase):
    name = "namecard_v2"
    priority = 44

    def sniff_data(self, data: object) -> bool:
        return isinstance(data, list)

    def parse_data(self, data: Reader, ctx: Context, entry, source, extra: dict) -> None:
        rows, odd = [], set()
        for it in data.each():
            label = it.get("item").str()
            conf = it.get("confidence", None).opt_number()
            rows.append((LABELS.get(label), label, it.get("value").str(), conf))
            odd.update(unknown_keys(it.value, {"item", "value", "confidence"}))
        if odd:
            extra["item_keys"] = sorted(odd)
        self._emit(rows, data, ctx, entry, source, extra)
