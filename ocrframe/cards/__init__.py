"""Card fields from recognised lines: ID cards, driving and vehicle licences, business cards.

May import ``core`` and ``errors`` only: any engine's lines come in, the pages' ``data`` goes out.
"""

from .idcard import idcard_back, idcard_front
from .licence import licence_items
from .namecard import namecard

__all__ = ["idcard_back", "idcard_front", "licence_items", "namecard"]
