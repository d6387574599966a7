"""Pictures: boxes on the image coloured by confidence, confidence distributions, the doubtful.

Every function takes ``ax=None`` and returns what it drew on (seaborn's convention); with no
``ax`` it makes a new figure, and it never draws on pyplot's "current" axes.

>>> import matplotlib; matplotlib.use("Agg")
>>> import ocrframe
>>> res = ocrframe.read_json(ocrframe.data_path("responses/general_local.json"))
>>> import numpy as np
>>> ax = ocrframe.plot_boxes(np.full((120, 320, 3), 255, np.uint8), res.items, show_text=True)
>>> len(ax.patches), [t.get_text() for t in ax.texts]
(1, ['Hi 你'])
"""

from __future__ import annotations

import math
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from ..core.fonts import font_for
from ..core.links import owner_of
from ..errors import OcrframeError
from ..inputs import files
from ..inputs.images import image_array

MISSING_COLOR = (0.6, 0.6, 0.6, 1.0)  # boxes whose value is NA
GID_PREFIX = "ocrframe-box:"  # every drawn box has gid GID_PREFIX + its row label


def _new_axes(ax: Axes | None, figsize=(8, 6)) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _colors(values: pd.Series, cmap: str, color_by: str):
    """Colours for ``values``: a colour map over 0-1 (confidence) or the data's range for
    numbers; one colour per category otherwise. Returns ``(colors, mappable, legend)``."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        nums = values.astype("Float64")
        if color_by.startswith("confidence"):
            norm = Normalize(0.0, 1.0)
        else:
            present = nums.dropna()
            low, high = (float(present.min()), float(present.max())) if len(present) else (0, 1)
            norm = Normalize(low, high if high > low else low + 1)
        cm = colormaps[cmap]
        colors = [MISSING_COLOR if pd.isna(v) else cm(norm(float(v))) for v in nums]
        return colors, ScalarMappable(norm=norm, cmap=cm), None
    cats = pd.Series(values.astype("string")).fillna("<NA>")
    palette = colormaps["tab10"]
    order = list(dict.fromkeys(cats))
    lookup = {c: palette(k % 10) for k, c in enumerate(order)}
    return [lookup[c] for c in cats], None, lookup


def _shape(row, use_polygon: bool):
    """A patch outline for one row: its polygon where it has one, else its box; None without."""
    if use_polygon:
        poly = row.get("polygon")
        if isinstance(poly, list | tuple | np.ndarray) and len(poly) >= 6:
            return np.asarray(poly, dtype=float).reshape(-1, 2)
    if any(pd.isna(row[c]) for c in ("x", "y", "width", "height")):
        return None
    x, y, w, h = (float(row[c]) for c in ("x", "y", "width", "height"))
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])


def _rows_of_image(image: object, frame: pd.DataFrame, image_id: int | None):
    """``(rows, image_id)``: the rows of ``frame`` that belong to the picture being drawn.

    A frame of one image (or without ``image_id``) is drawn whole. Of a frame of several, the
    rows of ``image_id`` are drawn — or of the image whose source ``image`` is, when the frame
    comes from an OcrResult that is still alive, else of the first image — and a warning says
    how many rows were left out.
    """
    if "image_id" not in frame.columns:
        return frame, image_id
    ids = [int(i) for i in pd.unique(frame["image_id"].dropna())]
    how = ""
    if image_id is None:
        image_id = _image_id_of(image, frame)
    if image_id is None:
        if len(ids) <= 1:
            return frame, ids[0] if ids else None
        image_id, how = ids[0], " (the first: pass image_id= to choose)"
    keep = (frame["image_id"] == image_id).fillna(False).to_numpy(dtype=bool)
    drawn, left = int(keep.sum()), len(frame) - int(keep.sum())
    if left and not drawn:
        warnings.warn(
            f"none of the {left} rows belong to image {image_id}, the picture given: "
            "nothing is drawn",
            stacklevel=3,
        )
    elif left:
        warnings.warn(
            f"the frame holds rows of {len(ids)} images: drawing the {drawn} rows of "
            f"image {image_id}{how}, leaving out {left} rows of other images",
            stacklevel=3,
        )
    return frame[keep], image_id


def _image_id_of(image: object, frame: pd.DataFrame) -> int | None:
    """The image id whose source is the path or URL ``image`` (see :func:`files.find_source`),
    in the result ``frame`` comes from; None when that cannot be told."""
    result = owner_of(frame)
    if result is None or not isinstance(image, str | os.PathLike):
        return None
    found = files.find_source(result.images["source"].tolist(), os.fspath(image))
    return None if found is None else int(result.images["image_id"].iloc[found])


def _picture(image: object, frame: pd.DataFrame, image_id: int | None) -> np.ndarray:
    """The pixels to draw on: ``image``, or (``image=None``) the picture of ``image_id`` in the
    result the frame comes from."""
    if image is not None:
        return image_array(image)
    result = owner_of(frame)
    if result is None or image_id is None:
        raise OcrframeError(
            "no image given, and the frame is not linked to a result that has it: pass the image"
        )
    return result.pixels_of(image_id)


def _outside(outline: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a box lies wholly outside a picture of ``shape`` (rows, columns, …)."""
    xs, ys = outline[:, 0], outline[:, 1]
    return xs.max() < 0 or ys.max() < 0 or xs.min() > shape[1] or ys.min() > shape[0]


def plot_boxes(
    image: object,
    frame: pd.DataFrame,
    ax: Axes | None = None,
    level: str | None = None,
    color_by: str = "confidence",
    cmap: str = "RdYlGn",
    threshold: float | None = None,
    show_text: bool = False,
    show_ids: bool = False,
    *,
    font: str | None = None,
    colorbar: bool = True,
    fontsize: float = 9,
    image_id: int | None = None,
    **style,
) -> Axes:
    """Draw the boxes of ``frame`` (an items, chars or blocks frame, filtered as you like) on
    ``image``.

    Blocks (``level="blocks"``, or a frame of ``res.blocks``) are coloured by ``type`` unless
    ``color_by`` says otherwise, and numbered by their reading ``order``.

    Items are drawn as their polygon where the engine gave one, otherwise as rectangles; rows
    without a box (ID card and business card fields) cannot be drawn and are counted in a
    warning. Boxes are coloured by ``color_by`` — confidence on a fixed 0–1 scale with a colour
    bar, any numeric column over its range, or any other column with one colour per value and a
    legend. With ``threshold``, boxes whose confidence is below it are drawn thick and the others
    faint (the confidence ``color_by`` names: ``confidence_calibrated`` after a recalibration). ``show_text`` writes each row's text above its box in a font that has its glyphs
    (``font=`` picks one); ``show_ids`` writes the item (or char) id. Extra keyword arguments go
    to the patches (``linewidth``, ``linestyle`` …). Returns the axes.

    Only boxes of the picture are drawn: of a frame holding several images, the rows of
    ``image_id`` — by default of the image whose source ``image`` is (when the frame comes
    from a result), else the first — and boxes wholly outside the picture are left out; a
    warning counts what was left out. ``image=None`` draws on the result's own picture.
    """
    frame, image_id = _rows_of_image(image, frame, image_id)
    pixels = _picture(image, frame, image_id)
    ax = _new_axes(ax)
    ax.imshow(pixels)
    ax.set_axis_off()
    level = level or _level_of(frame)
    use_polygon = level in ("items", "blocks") and "polygon" in frame.columns
    text_col = {"chars": "char", "blocks": "type"}.get(level, "text")
    id_col = {"chars": "char_id", "blocks": "order"}.get(level, "item_id")
    if level == "blocks":
        show_ids = True  # a block's number is its place in the reading order
        if color_by == "confidence":  # the default: a layout's blocks differ by kind
            color_by = "type"
    if color_by not in frame.columns:
        raise OcrframeError(f"color_by={color_by!r} is not a column of the frame")
    colors, mappable, legend = _colors(frame[color_by], cmap, color_by)
    judged_by = color_by if color_by.startswith("confidence") else "confidence"
    base_width = style.pop("linewidth", 1.5)
    skipped = outside = 0
    for (label, row), color in zip(frame.iterrows(), colors):
        outline = _shape(row, use_polygon)
        if outline is None:
            skipped += 1
            continue
        if _outside(outline, pixels.shape):
            outside += 1
            continue
        width, alpha = base_width, style.get("alpha", 0.95)
        if threshold is not None:
            low = pd.notna(row.get(judged_by)) and row[judged_by] < threshold
            width, alpha = (base_width * 2.5, 1.0) if low else (base_width * 0.7, 0.45)
        patch = Polygon(
            outline, closed=True, fill=False, edgecolor=color, linewidth=width,
            **{"alpha": alpha, **{k: v for k, v in style.items() if k != "alpha"}},
        )  # fmt: skip
        patch.set_gid(f"{GID_PREFIX}{label}")
        ax.add_patch(patch)
        top_left = outline[np.argmin(outline.sum(axis=1))]
        if show_text and pd.notna(row.get(text_col)):
            text = str(row[text_col])
            ax.text(
                top_left[0], top_left[1] - 2, text, fontproperties=font_for(text, font, fontsize),
                color="black", va="bottom", ha="left", clip_on=True,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": color, "alpha": 0.6, "lw": 0},
            )  # fmt: skip
        if show_ids and id_col in row:
            ax.annotate(
                str(row[id_col]), (top_left[0], top_left[1]), xytext=(1, -1),
                textcoords="offset points", fontsize=fontsize * 0.8, color="black",
                va="top", ha="left", bbox={"facecolor": "white", "alpha": 0.7, "lw": 0},
            )  # fmt: skip
    if skipped:
        warnings.warn(f"{skipped} of {len(frame)} rows have no box and are not drawn", stacklevel=2)
    if outside:
        height, width = pixels.shape[:2]
        warnings.warn(
            f"{outside} of {len(frame)} boxes lie outside the {width} x {height} picture and are "
            "not drawn: is it the image these rows were read from?",
            stacklevel=2,
        )
    if mappable is not None and colorbar:
        ax.figure.colorbar(mappable, ax=ax, label=color_by, fraction=0.035, pad=0.02)
    if legend:  # beside the picture, where it covers no box
        handles = [Rectangle((0, 0), 1, 1, fill=False, edgecolor=c) for c in legend.values()]
        labels = list(legend)
        ax.legend(
            handles, labels, title=color_by, loc="upper left", bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0, prop=font_for("".join(labels), size=8),
        )  # fmt: skip
    return ax


def _level_of(frame: pd.DataFrame) -> str:
    """Which table ``frame`` is a view of: ``chars``, ``blocks`` or ``items``."""
    if "char_id" in frame.columns:
        return "chars"
    if "item_id" not in frame.columns and {"block_id", "type"} <= set(frame.columns):
        return "blocks"
    return "items"


def plot_confidence(
    data: pd.DataFrame | object,
    by: str | None = None,
    kind: str = "hist",
    ax: Axes | None = None,
    bins: int = 20,
    column: str = "confidence",
) -> Axes:
    """The distribution of ``column`` (``confidence``, or ``confidence_calibrated`` after a
    recalibration) in an items or chars frame (or an OcrResult's items), one line per value of
    ``by`` (``field``, ``endpoint``, ``engine``, ``source`` …).

    ``kind="hist"`` draws step histograms (counts) over 0–1, ``kind="ecdf"`` cumulative shares,
    which read off directly "what share of items is below 0.8", with the x-axis from just
    below the lowest value to 1 (confidences of a good engine crowd near 1).
    """
    frame = _with_image_columns(data)
    if column not in frame.columns:
        raise OcrframeError(f"the frame has no {column} column")
    if by is not None and by not in frame.columns:
        raise OcrframeError(f"by={by!r} is not a column (have {list(frame.columns)})")
    if kind not in ("hist", "ecdf"):
        raise OcrframeError(f"kind={kind!r}; use 'hist' or 'ecdf'")
    ax = _new_axes(ax, figsize=(7, 4))
    groups = [("all", frame)] if by is None else list(frame.groupby(by, dropna=False, sort=True))
    edges = np.linspace(0, 1, bins + 1)
    lowest = 1.0
    for name, group in groups:
        values = group[column].dropna().to_numpy(dtype=float)
        if len(values):
            lowest = min(lowest, float(values.min()))
        label = f"{'<NA>' if pd.isna(name) else name} (n={len(values)})"
        if kind == "hist":
            ax.hist(values, bins=edges, histtype="step", linewidth=1.5, label=label)
        else:
            xs = np.sort(values)
            ys = np.arange(1, len(xs) + 1) / max(len(xs), 1)
            start = xs[0] if len(xs) else 0.0  # the curve starts at the lowest value, not at 0
            ax.step(np.r_[start, xs], np.r_[0, ys], where="post", label=label)
    if kind == "ecdf":
        ax.set_xlim(max(0.0, lowest - 0.05 * (1 - lowest) - 1e-3), 1.0)
    else:
        ax.set_xlim(0, 1)
    ax.set_xlabel(column)
    ax.set_ylabel("count" if kind == "hist" else "share at or below")
    if by is not None or kind == "ecdf":
        ax.legend(fontsize=8, title=by, prop=font_for("".join(str(g[0]) for g in groups)))
    return ax


def _with_image_columns(data) -> pd.DataFrame:
    """An items frame with the image's endpoint, engine and source when given an OcrResult."""
    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "with_image_columns"):
        return data.with_image_columns()
    raise OcrframeError(f"expected a DataFrame or an OcrResult, got {type(data).__name__}")


def lowest(frame: pd.DataFrame, n: int = 12, column: str = "confidence") -> pd.DataFrame:
    """The ``n`` rows with the lowest ``column`` (rows without one are left out)."""
    return frame.dropna(subset=[column]).nsmallest(n, column)


def plot_lowest(result, n: int = 12, cols: int = 4, level: str = "items", pad: int = 6) -> Figure:
    """A gallery of the ``n`` least confident items (or chars): each crop with its text and
    confidence, worst first. Rows without a box are listed in the title only."""
    frame = result.items if level == "items" else result.chars
    worst = lowest(frame, n)
    boxed = worst.dropna(subset=["x", "y", "width", "height"])
    rows = max(1, math.ceil(len(boxed) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 1.6 * rows), squeeze=False)
    cache: dict[int, np.ndarray] = {}
    text_col = "char" if level == "chars" else "text"
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, (_, row) in zip(axes.ravel(), boxed.iterrows()):
        image_id = int(row["image_id"])
        if image_id not in cache:
            cache[image_id] = result.pixels_of(image_id)
        pixels = cache[image_id]
        x0, y0 = max(int(row["x"]) - pad, 0), max(int(row["y"]) - pad, 0)
        x1 = min(int(row["x"] + row["width"]) + pad, pixels.shape[1])
        y1 = min(int(row["y"] + row["height"]) + pad, pixels.shape[0])
        ax.imshow(pixels[y0:y1, x0:x1])
        text = str(row[text_col])
        ax.set_title(f"{text}\n{row['confidence']:.3f}", fontproperties=font_for(text, size=9))
    missing = len(worst) - len(boxed)
    title = f"{len(worst)} least confident {level}"
    fig.suptitle(title + (f" ({missing} without a box not shown)" if missing else ""), fontsize=10)
    fig.tight_layout()
    return fig
