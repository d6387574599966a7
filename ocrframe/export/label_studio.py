"""Label Studio: tasks to review a result, and reviewed annotations back as ground truth.

:func:`write_tasks` writes one JSON file of tasks for Label Studio's OCR template (an image,
a rectangle — or polygon — per item and a per-region transcription): each item is a
*prediction* carrying ``score`` = its confidence, so reviewers can sort regions and tasks by
it. :func:`truth_records` reads a Label Studio export (JSON) back as truth records for
:func:`ocrframe.analysis.read_truth`: every region's transcription with its box in pixels.

The labelling config these tasks are made for (Label Studio's "Optical Character
Recognition" template, whose names the regions use)::

    <View>
      <Image name="image" value="$ocr"/>
      <Rectangle name="bbox" toName="image" strokeWidth="3"/>
      <Polygon name="poly" toName="image" strokeWidth="3"/>
      <TextArea name="transcription" toName="image" editable="true" perRegion="true"
                required="true" maxSubmissions="1" rows="5" displayMode="region-list"/>
    </View>

Label Studio has no character level: per-character boxes and confidences are not in the tasks.

>>> import ocrframe
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))
>>> task = tasks(res)[0]
>>> [r["type"] for r in task["predictions"][0]["result"]], round(task["predictions"][0]["score"], 3)
(['polygon', 'textarea'], 0.912)
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path

from ..errors import OcrExportWarning, OcrframeError
from .layout import PageLayout, TextLine, pages

CONFIG = """<View>
  <Image name="image" value="$ocr"/>
  <Rectangle name="bbox" toName="image" strokeWidth="3"/>
  <Polygon name="poly" toName="image" strokeWidth="3"/>
  <TextArea name="transcription" toName="image" editable="true" perRegion="true"
            required="true" maxSubmissions="1" rows="5" displayMode="region-list"/>
</View>"""


def _percent(value: float, whole: int) -> float:
    return round(100.0 * value / whole, 4) if whole else 0.0


def _regions(page: PageLayout, line: TextLine) -> list[dict]:
    rid = f"i{page.image_id}_{line.item_id}"
    size = {"original_width": page.width, "original_height": page.height, "image_rotation": 0}
    x, y, w, h = line.box
    box = {
        "x": _percent(x, page.width),
        "y": _percent(y, page.height),
        "width": _percent(w, page.width),
        "height": _percent(h, page.height),
        "rotation": 0,
    }
    score = {} if line.confidence is None else {"score": line.confidence}
    if line.polygon and len(line.polygon) >= 3:
        points = [[_percent(px, page.width), _percent(py, page.height)] for px, py in line.polygon]
        shape = {"id": rid, "from_name": "poly", "to_name": "image", "type": "polygon",
                 **size, "value": {"points": points, "closed": True}, **score}  # fmt: skip
        text_value = {"points": points, "closed": True, "text": [line.text]}
    else:
        shape = {"id": rid, "from_name": "bbox", "to_name": "image", "type": "rectangle",
                 **size, "value": box, **score}  # fmt: skip
        text_value = {**box, "text": [line.text]}
    text = {"id": rid, "from_name": "transcription", "to_name": "image", "type": "textarea",
            **size, "value": text_value, **score}  # fmt: skip
    return [shape, text]


def tasks(result, image_url: Callable[[str], str] | None = None) -> list[dict]:
    """Label Studio tasks, one per image: ``data.ocr`` its picture (``image_url(source)`` when
    given: a URL Label Studio can load), the items as a prediction."""
    out = []
    unplaced = 0
    for page in pages(result):
        source = str(page.source or "")
        results = [r for line in page.lines if line.box is not None for r in _regions(page, line)]
        unplaced += page.unplaced
        data = {"ocr": image_url(source) if image_url else source, "source": source,
                "image_id": page.image_id}  # fmt: skip
        if page.page is not None:
            data["page"] = int(page.page)
        prediction = {"model_version": "ocrframe", "result": results}
        if page.confidence is not None:
            prediction["score"] = page.confidence
        out.append({"data": data, "predictions": [prediction]})
    if unplaced:
        warnings.warn(
            f"{unplaced} items have no box (card fields) and are not in the tasks",
            OcrExportWarning,
            stacklevel=3,
        )
    return out


def write_tasks(
    result, path: str | os.PathLike, image_url: Callable[[str], str] | None = None
) -> Path:
    """One JSON file of Label Studio tasks (import it into a project with :data:`CONFIG`)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(tasks(result, image_url), ensure_ascii=False, indent=1), "utf-8")
    return out


def is_export(value: object) -> bool:
    """Whether ``value`` (parsed JSON) is a Label Studio export: tasks with ``data`` and
    ``annotations``."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(t, dict) and "data" in t and "annotations" in t for t in value)
    )


def truth_records(export: list[dict]) -> list[dict]:
    """Truth records (``source``, ``page``, ``lines``, ``boxes``) from a Label Studio export:
    each task's latest annotation that was not cancelled (its predictions if none was made)."""
    records = []
    for k, task in enumerate(export):
        data = task.get("data") or {}
        source = data.get("source") or data.get("ocr")
        if not isinstance(source, str):
            raise OcrframeError(f"Label Studio task {k}: no image (data.ocr) to match")
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        chosen = done[-1] if done else next(iter(task.get("predictions") or []), {})
        lines, boxes = _lines(chosen.get("result") or [], k)
        records.append({"source": source, "page": data.get("page"), "lines": lines, "boxes": boxes})
    return records


def _lines(results: list[dict], task: int) -> tuple[list[str], list[list[int] | None]]:
    regions: dict[str, dict] = {}
    for r in results:
        regions.setdefault(str(r.get("id")), {}).update(
            {
                r.get("type"): r.get("value") or {},
                "size": (r.get("original_width"), r.get("original_height")),
            }
        )
    lines, boxes = [], []
    for rid, region in regions.items():
        text = (region.get("textarea") or {}).get("text")
        if not text:
            continue
        if not isinstance(text, list) or not all(isinstance(t, str) for t in text):
            raise OcrframeError(
                f"Label Studio task {task}, region {rid}: text is not a list of str"
            )
        lines.append(" ".join(text))
        boxes.append(_box(region))
    return lines, boxes


def _box(region: dict) -> list[int] | None:
    width, height = region.get("size") or (None, None)
    if not width or not height:
        return None
    value = region.get("rectangle") or region.get("polygon") or region.get("textarea") or {}
    if "points" in value:
        xs = [p[0] for p in value["points"]]
        ys = [p[1] for p in value["points"]]
        x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    elif "width" in value:
        x, y, w, h = value["x"], value["y"], value["width"], value["height"]
    else:
        return None
    return [round(x * width / 100), round(y * height / 100), round(w * width / 100),
            round(h * height / 100)]  # fmt: skip
