"""Build responses in the line-and-words shape of ``/ocr/general`` and ``/ocr/minorlanguage``.

Local engines describe what they found as :class:`Line` objects; :func:`words_response` writes
them in the endpoint's own JSON, with the confidence scale of its page (general 0–100,
minorlanguage 0–1) and ocrframe's extension fields: ``data.engine``, ``data.image_width`` /
``image_height``, ``data.angle``, ``items[].itempolygon`` and ``words[].wordcoord``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..images import Loaded

#: endpoint -> factor from a 0-1 probability to the page's scale
SCALES = {"general": 100.0, "minorlanguage": 1.0}


@dataclass
class Char:
    text: str
    confidence: float | None  # 0-1
    box: tuple[int, int, int, int] | None  # x, y, width, height


@dataclass
class Line:
    polygon: list[tuple[float, float]]  # corners, clockwise from top-left
    text: str
    chars: list[Char] = field(default_factory=list)


def bbox(points: list[tuple[float, float]]) -> tuple[int, int, int, int]:
    """The integer rectangle ``(x, y, width, height)`` that holds ``points``."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, y0 = math.floor(min(xs)), math.floor(min(ys))
    return x0, y0, math.ceil(max(xs)) - x0, math.ceil(max(ys)) - y0


def skew(lines: list[Line]) -> float:
    """Median angle of the lines' top edges in degrees (positive: clockwise in the image)."""
    angles = []
    for line in lines:
        if len(line.polygon) >= 2:
            (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
            if x1 - x0 > 0:
                angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if not angles:
        return 0.0
    angles.sort()
    mid = len(angles) // 2
    value = angles[mid] if len(angles) % 2 else (angles[mid - 1] + angles[mid]) / 2
    return round(value, 2)


def _coord(box: tuple[int, int, int, int]) -> dict:
    return {"x": box[0], "y": box[1], "width": box[2], "height": box[3]}


def words_response(
    lines: list[Line],
    endpoint: str,
    image: Loaded,
    engine: str,
    version: str,
    *,
    minor_class: list | None = None,
) -> dict:
    """The endpoint's response for ``lines`` found in ``image``."""
    scale = SCALES[endpoint]
    items = []
    for line in lines:
        words = []
        for ch in line.chars:
            word = {
                "character": ch.text,
                "confidence": None if ch.confidence is None else ch.confidence * scale,
            }
            if ch.box is not None:
                word["wordcoord"] = _coord(ch.box)
            words.append(word)
        items.append(
            {
                "itemstring": line.text,
                "itemcoord": _coord(bbox(line.polygon)),
                "itempolygon": [{"x": round(x), "y": round(y)} for x, y in line.polygon],
                "words": words,
            }
        )
    data: dict = {}
    if endpoint == "minorlanguage":
        data["class"] = minor_class if minor_class is not None else []
    data.update(
        {
            "angle": skew(lines),
            "items": items,
            "session_id": f"local-{image.sha256[:16]}",
            "engine": {"name": engine, "version": version},
            "image_width": image.width,
            "image_height": image.height,
        }
    )
    return {"code": 0, "message": "OK", "data": data}
