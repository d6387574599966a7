"""``/ocr/idcard``: the fields of a Chinese ID card, front (``card_type=0``) or back (``card_type=1``).

Each field comes with ``<field>_confidence_all``, integers 0–100, one per character. In the page's
example the arrays of the date fields (``birth`` "2000/1/1" with 6 values, ``valid_date``
"2012.01.01-2022.01.01" with 16) cover only the digits: those are aligned to the digits with NA for
the separators. Any other length mismatch keeps every character with NA confidence and is recorded
in ``images.extra`` under ``unaligned``.
"""

from __future__ import annotations

from ._base import Context, Reader, effective_scale
from .batch import BatchAdapter

#: The service's own data keys, front then back, in the page's order.
FIELDS = ("name", "sex", "nation", "birth", "address", "id", "authority", "valid_date")
DATE_FIELDS = frozenset({"birth", "valid_date"})
SUFFIX = "_confidence_all"


def align_confidences(field: str, text: str, confs: list[float]):
    """Per-character confidences of ``text`` from the service's array, and a note on a mismatch.

    >>> align_confidences("birth", "2000/1/1", [1, 2, 3, 4, 5, 6])
    ([1, 2, 3, 4, None, 5, None, 6], None)
    """
    if len(confs) == len(text):
        return list(confs), None
    digits = [k for k, c in enumerate(text) if "0" <= c <= "9"]
    if field in DATE_FIELDS and len(confs) == len(digits):
        out: list[float | None] = [None] * len(text)
        for k, conf in zip(digits, confs):
            out[k] = conf
        return out, None
    return [None] * len(text), {"field": field, "chars": len(text), "confidences": len(confs)}


class IdCard(BatchAdapter):
    name = "idcard"
    endpoint = "idcard"
    scale = 100.0
    priority = 40

    def sniff_data(self, data: object) -> bool:
        if not isinstance(data, dict):
            return False
        card_keys = ("sex", "nation", "birth", "id", "authority", "valid_date")
        return any(k in data for k in card_keys) or any(k.endswith(SUFFIX) for k in data)

    def parse_data(self, data: Reader, ctx: Context, entry, source, extra: dict) -> None:
        obj = data.dict()
        names = [k for k in FIELDS if k in obj]
        names += [k for k in obj if k not in FIELDS and not k.endswith(SUFFIX)]
        rows, unaligned = [], []
        for key in names:
            text = data.get(key).str()
            conf_r = data.get(key + SUFFIX, None)
            raw = [c.number() for c in conf_r.each()] if conf_r.value is not None else []
            confs, note = align_confidences(key, text, raw) if raw else (None, None)
            if note:
                unaligned.append(note)
            rows.append((key, text, confs, raw))
        orphans = [k for k in obj if k.endswith(SUFFIX) and k[: -len(SUFFIX)] not in obj]
        if orphans:
            extra["orphan_confidences"] = {k: obj[k] for k in orphans}
        if unaligned:
            extra["unaligned"] = unaligned
        all_raw = [c for *_, raw in rows for c in raw]
        scale, note = effective_scale(self.scale, all_raw, data, ctx)
        if note:
            extra["confidence_scale"] = note
        image = self.add_image(ctx, entry, source, extra, scale)
        for key, text, confs, _ in rows:
            row = ctx.columns.add_item(image, text, field=key)
            ctx.columns.add_chars(row, text, confs)
