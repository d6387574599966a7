"""Which result a table belongs to, so a view given only a frame finds the result's pictures.

A result stamps a short token into its tables' ``attrs``; pandas copies ``attrs`` to the frames
filtered from them, so ``res.items.query(…).ocr.plot_boxes(…)`` can tell which picture a row
belongs to while the result is alive.

>>> import pandas as pd
>>> class Owner: ...
>>> owner, table = Owner(), pd.DataFrame({"a": [1, 2]})
>>> link(owner, table)
>>> owner_of(table[table["a"] > 1]) is owner
True
"""

from __future__ import annotations

import uuid
import weakref

import pandas as pd

#: the ``df.attrs`` key: a short token, cheap to copy and to store
LINK = "ocrframe.result"
_OWNERS: weakref.WeakValueDictionary[str, object] = weakref.WeakValueDictionary()


def link(owner: object, *tables: pd.DataFrame) -> None:
    """Mark ``tables`` as belonging to ``owner`` (held weakly: the link ends with the owner)."""
    token = uuid.uuid4().hex
    _OWNERS[token] = owner
    for table in tables:
        table.attrs[LINK] = token


def owner_of(frame: pd.DataFrame) -> object | None:
    """The object ``frame``'s table was linked to (see :func:`link`), while it is alive."""
    token = frame.attrs.get(LINK)
    return _OWNERS.get(token) if isinstance(token, str) else None
