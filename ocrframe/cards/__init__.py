"""Card fields from recognised lines: ID cards, driving and vehicle licences, business cards.
May import ``core`` and ``errors`` only: any engine's lines come in, the pages' ``data`` goes out.

An engine finds :class:`~ocrframe.core.geometry.Line` objects; the functions here read the card's
printed labels (姓名, 公民身份号码, 号牌号码 …) and take each value from the same line after the
label or, when the label stands alone, from the nearest text to its right on the same row.
Addresses and issuing authorities may wrap onto the lines below. Values are cleaned the way the
service returns them (ID numbers upper-case, birth ``"2000/1/1"``, ``valid_date``
``"2012.01.01-2022.01.01"``) and every character keeps the engine's own confidence.

Each function returns the ``data`` of the page's response, or ``None`` when the image is not
that kind of card (the engine then answers with the page's code, -5107 for ID cards).

>>> from ocrframe.core.geometry import Line
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

from .business_card import namecard
from .identity_card import idcard_back, idcard_front
from .licence import licence_items

__all__ = ["idcard_back", "idcard_front", "licence_items", "namecard"]
