"""Confidence made to mean what it says: a monotone map from an engine's confidence to the share
of right answers, fitted on judged data (a truth file, a Reviewer's labels, a PDF's text layer),
saved as a small JSON file and applied to new results as ``confidence_calibrated``.

>>> import pandas as pd
>>> from ocrframe import analysis
>>> items = pd.DataFrame({"image_id": [0, 0, 1, 1], "confidence": [0.9, 0.95, 0.6, 0.99],
...                       "correct": [True, True, False, True]})
>>> images = pd.DataFrame({"image_id": [0, 1], "engine": ["demo", "demo"], "extra": [None, None]})
>>> ev = analysis.Evaluation(images, items, items.iloc[:0])
>>> cal = analysis.fit_calibration(ev)
>>> cal.map_for("items", "demo").predict([0.6, 0.95]).round(2).tolist()
[0.0, 1.0]
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import OcrframeError
from .reliability import item_scores

#: the methods ``fit_calibration`` offers; isotonic is the default, chosen by measurement
#: (``benchmarks/calibration.py``: lower held-out ECE on every image condition than Platt scaling)
METHODS = ("isotonic", "platt")
SEP = " | "  # between a key's model and its values of ``by``, as the JSON file shows them
ANY = "*"  # the key of a model's map fitted on all its rows, for values of ``by`` never seen
FORMAT = "ocrframe-calibration/1"


class OcrCalibrationWarning(UserWarning):
    """A calibration was fitted on data that cannot show the relation it maps (every row right,
    or every one wrong), or applied to rows it has no map for."""


@dataclass(frozen=True)
class ConfidenceMap:
    """One monotone map from raw to calibrated confidence: piecewise linear through ``knots``
    (isotonic regression's steps) or a logistic curve of the confidence's log-odds (Platt)."""

    method: str
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    slope: float = 0.0
    intercept: float = 0.0
    rows: int = 0
    accuracy: float = float("nan")
    #: the key of the map whose output this one takes (a value of ``by`` refines its model's map)
    after: str | None = None

    def predict(self, confidence) -> np.ndarray:
        """Calibrated values for raw ``confidence`` values (NaN stays NaN)."""
        conf = np.asarray(confidence, dtype=float)
        if self.method == "isotonic":
            out = np.interp(conf, self.x, self.y)  # clipped at both ends, as sklearn predicts
        else:
            out = 1.0 / (1.0 + np.exp(-(self.slope * _logit(conf) + self.intercept)))
        return np.where(np.isnan(conf), np.nan, out)

    def to_dict(self) -> dict:
        keep = {"method": self.method, "rows": self.rows, "accuracy": self.accuracy}
        if self.after is not None:
            keep["after"] = self.after
        if self.method == "isotonic":
            return {**keep, "x": list(self.x), "y": list(self.y)}
        return {**keep, "slope": self.slope, "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: dict) -> ConfidenceMap:
        return cls(
            method=data["method"],
            x=tuple(data.get("x", ())),
            y=tuple(data.get("y", ())),
            slope=float(data.get("slope", 0.0)),
            intercept=float(data.get("intercept", 0.0)),
            rows=int(data.get("rows", 0)),
            accuracy=float(data.get("accuracy", float("nan"))),
            after=data.get("after"),
        )


@dataclass
class Calibration:
    """Fitted confidence maps per table (``items``, ``chars``), engine and model, and value of
    ``by``. Build one with :func:`fit_calibration`; :meth:`apply` fills
    ``confidence_calibrated`` of a result; :meth:`save` / :meth:`load` keep it as JSON."""

    method: str
    by: tuple[str, ...] = ()
    item_score: str = "engine"
    maps: dict[str, dict[str, ConfidenceMap]] = field(default_factory=dict)

    def map_for(self, table: str, model: str, *values: str) -> ConfidenceMap:
        """The map of ``table`` for ``model`` (and the values of ``by``, in order)."""
        try:
            return self.maps[table][_key(model, values)]
        except KeyError:
            have = ", ".join(self.maps.get(table, {})) or "none"
            raise OcrframeError(
                f"no {table} calibration for {_key(model, values)!r} (have: {have})"
            ) from None

    # -- applying ----------------------------------------------------------------------------
    def apply(self, result):
        """A copy of ``result`` whose ``items`` and ``chars`` have ``confidence_calibrated``
        filled; every other column is unchanged. Rows of a model this calibration was not
        fitted on stay NA (with a warning); a value of ``by`` not seen in fitting uses the
        model's map fitted on all its rows. ``result`` may also be an :class:`Evaluation`
        (to check a calibration on held-out truth), which comes back as one."""
        from ..result import OcrResult
        from .evaluation import Evaluation

        tables = {}
        for table in ("items", "chars"):
            frame = getattr(result, table).copy()
            if "confidence_calibrated" not in frame:  # a frame from before the column
                frame = frame.assign(confidence_calibrated=pd.array([pd.NA] * len(frame),
                                                                    dtype=schema.FLOAT32))  # fmt: skip
            values = self._calibrated(table, frame, result)
            frame["confidence_calibrated"] = pd.array(values, dtype=schema.FLOAT32)
            tables[table] = frame
        if isinstance(result, Evaluation):
            return Evaluation(result.images.copy(), tables["items"], tables["chars"])
        out = OcrResult(result.raw, result.images.copy(), tables["items"], tables["chars"],
                        result.cells.copy(), result.blocks.copy())  # fmt: skip
        out.pixels = dict(result.pixels)
        return out

    def _calibrated(self, table: str, frame: pd.DataFrame, parts) -> np.ndarray:
        """The calibrated values of ``frame`` (``parts.items`` or ``parts.chars``)."""
        images, items, chars = parts.images, parts.items, parts.chars
        out = np.full(len(frame), np.nan)
        maps = self.maps.get(table, {})
        if not maps or frame.empty:
            return out
        conf = frame["confidence"]
        if table == "items":
            conf = item_scores(frame, chars, self.item_score)
        conf = conf.to_numpy(dtype=float, na_value=np.nan)
        keys = _row_keys(frame, images, self.by, items)
        unknown = set()
        for key, rows in pd.Series(np.arange(len(frame))).groupby(keys.to_numpy()).groups.items():
            cmap = maps.get(key) or maps.get(_fallback(key))
            if cmap is None:
                unknown.add(key.split(SEP)[0])
                continue
            values = conf[rows]
            if cmap.after is not None:  # a value's map refines its model's
                values = maps[cmap.after].predict(values)
            out[rows] = cmap.predict(values)
        if unknown:
            warnings.warn(
                f"{table}: no calibration for {sorted(unknown)} (fitted for "
                f"{sorted({k.split(SEP)[0] for k in maps})}): their confidence_calibrated "
                "stays NA",
                OcrCalibrationWarning,
                stacklevel=3,
            )
        return out

    # -- files --------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "method": self.method,
            "by": list(self.by),
            "item_score": self.item_score,
            "maps": {
                table: {key: m.to_dict() for key, m in maps.items()}
                for table, maps in self.maps.items()
            },
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the calibration as JSON (a few kilobytes) and return the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), "utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Calibration:
        """Read a calibration written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise OcrframeError(f"{path}: cannot read a calibration: {err}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise OcrframeError(f"{path}: not an ocrframe calibration (format {FORMAT!r})")
        return cls(
            method=data["method"],
            by=tuple(data["by"]),
            item_score=data.get("item_score", "engine"),
            maps={
                table: {key: ConfidenceMap.from_dict(m) for key, m in maps.items()}
                for table, maps in data["maps"].items()
            },
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}: {len(m)} maps" for t, m in self.maps.items())
        by = f", by={list(self.by)}" if self.by else ""
        return f"<Calibration {self.method}{by}, items from {self.item_score!r}; {counts}>"


# -- fitting -----------------------------------------------------------------------------------
def fit_calibration(
    evaluation,
    by: str | list[str] | None = None,
    *,
    method: str = "isotonic",
    item_score: str = "engine",
    min_rows: int = 100,
) -> Calibration:
    """Fit a monotone confidence map per engine and model (and per value of ``by``) on judged
    rows: ``evaluation`` is what :func:`evaluate` returns.

    ``by`` names columns of ``items``, ``chars`` or ``images`` (``endpoint``, ``field``, a
    condition you added …). Each model gets one map fitted on all its rows (``method``:
    ``"isotonic"``, scikit-learn's isotonic regression centred between its steps, or
    ``"platt"``, logistic regression on the confidence's log-odds), and each value of ``by`` a
    refinement of it: a logistic curve on the log-odds of the model's map, fitted on the
    value's rows. Values never seen, or with too few rows, use the model's map. ``item_score``
    says how an item's raw score comes from its
    characters before it is mapped (see :func:`item_scores`). A value of ``by`` needs
    ``min_rows`` judged rows and at least 5 right and 5 wrong (or none wrong at all: then its
    map is flat) for a map of its own.
    """
    if method not in METHODS:
        raise OcrframeError(f"method={method!r}; use one of {', '.join(METHODS)}")
    by = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    cal = Calibration(method=method, by=by, item_score=item_score)
    images = evaluation.images
    for table in ("items", "chars"):
        frame = getattr(evaluation, table)
        if frame.empty or "correct" not in frame:
            continue
        conf = frame["confidence"]
        if table == "items":
            conf = item_scores(frame, evaluation.chars, item_score)
        keys = _row_keys(frame, images, by, evaluation.items)
        judged = pd.DataFrame(
            {"key": keys.to_numpy(), "conf": conf.to_numpy(dtype=float, na_value=np.nan),
             "right": frame["correct"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)}
        ).dropna()  # fmt: skip
        if judged.empty:
            continue
        maps: dict[str, ConfidenceMap] = {}
        if not by:
            for key, group in judged.groupby("key"):
                maps[key] = _fit_one(group, method, f"{table} of {key}")
        else:
            # each model's map over all its rows: for values of by too thin to fit their own
            model = judged["key"].str.split(SEP, regex=False).str[0]
            for name, group in judged.groupby(model):
                key = _key(name, (ANY,) * len(by))
                maps[key] = _fit_one(group, method, f"{table} of {name}")
            thin = []
            for key, group in judged.groupby("key"):
                if _enough(group["right"].to_numpy(), min_rows):
                    maps[key] = _refine(maps[_fallback(key)], _fallback(key), group, key)
                else:
                    thin.append(
                        f"{key} ({len(group)} rows, {int(len(group) - group['right'].sum())} wrong)"
                    )
            if thin:
                warnings.warn(
                    f"{table}: too few rows or errors to fit a map of their own (at least "
                    f"{min_rows} rows and {MIN_CLASS} right and wrong): {'; '.join(thin)}; they "
                    "use their model's map",
                    OcrCalibrationWarning,
                    stacklevel=2,
                )
        cal.maps[table] = maps
    if not cal.maps:
        raise OcrframeError(
            "nothing to fit: no judged rows with a confidence (evaluate a result against truth "
            "first: analysis.evaluate(result, truth))"
        )
    return cal


def _refine(base: ConfidenceMap, base_key: str, group: pd.DataFrame, key: str) -> ConfidenceMap:
    """The map of one value of ``by``: a logistic curve (Platt) on the log-odds of its model's
    calibrated value, fitted on the value's rows. Two parameters — a shift and a stretch of
    the model's map — are what a few hundred rows can pin down; an isotonic map per value was
    measured noisier (``benchmarks/calibration.py``: worst held-out ECE of a condition 0.060
    against 0.047 on the benchmark's split)."""
    staged = group.assign(conf=base.predict(group["conf"].to_numpy()))
    fitted = _fit_one(staged, "platt", f"{key}", quiet=True)
    return ConfidenceMap(fitted.method, fitted.x, fitted.y, fitted.slope, fitted.intercept,
                         fitted.rows, fitted.accuracy, after=base_key)  # fmt: skip


MIN_CLASS = 5  # right and wrong rows a value of ``by`` needs for a map of its own


def _enough(right: np.ndarray, min_rows: int) -> bool:
    """Enough rows for a map of their own: ``min_rows``, and either a few of each kind or none
    of one (a value that is always right is worth its own map: the model's would lower it)."""
    wrong = int(len(right) - right.sum())
    fewest = min(wrong, len(right) - wrong)
    return len(right) >= min_rows and (fewest >= MIN_CLASS or fewest == 0)


def _fit_one(group: pd.DataFrame, method: str, what: str, quiet: bool = False) -> ConfidenceMap:
    conf, right = group["conf"].to_numpy(), group["right"].to_numpy()
    accuracy = float(right.mean())
    if right.min() == right.max():
        # Laplace's rule of succession: n right of n is evidence for (n + 1) / (n + 2), never
        # for certainty; the map is flat (still monotone)
        value = (right.sum() + 1) / (len(right) + 2)
        if not quiet:
            warnings.warn(
                f"{what}: every one of {len(right)} rows is "
                f"{'right' if accuracy else 'wrong'}; the map is the constant {value:.4f} "
                "(fit on data with errors to learn more)",
                OcrCalibrationWarning,
                stacklevel=4,
            )
        return ConfidenceMap("isotonic", (0.0, 1.0), (value, value), rows=len(right),
                             accuracy=accuracy)  # fmt: skip
    if method == "isotonic":
        x, y = _centred_isotonic(conf, right)
        return ConfidenceMap("isotonic", x, y, rows=len(right), accuracy=accuracy)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6, max_iter=1000)  # no shrinkage: two parameters, many rows
    model.fit(_logit(conf).reshape(-1, 1), right.astype(int))
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    if slope <= 0:  # confidence carries no order here: the accuracy, constant, stays monotone
        slope, intercept = 0.0, float(_logit(np.array([accuracy]))[0])
    return ConfidenceMap("platt", slope=slope, intercept=intercept, rows=len(right),
                         accuracy=accuracy)  # fmt: skip


def _centred_isotonic(conf: np.ndarray, right: np.ndarray) -> tuple[tuple, tuple]:
    """Isotonic regression (scikit-learn) with its knots moved to the centre of each step and
    joined by straight lines (centred isotonic regression, Oron & Flournoy 2017). Plain
    isotonic steps give whole ranges of confidence one value, so a review threshold could no
    longer tell their rows apart; between the centres this map rises strictly and keeps the
    engine's order, and its calibration is the same."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    fitted = iso.fit_transform(conf, right)
    steps = pd.DataFrame({"value": fitted, "conf": conf}).groupby("value")["conf"].mean()
    x, y = steps.to_numpy(dtype=float), steps.index.to_numpy(dtype=float)
    # centres come in the order of their values, which is the order of confidence as well
    return tuple(map(float, x)), tuple(map(float, y))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


# -- keys --------------------------------------------------------------------------------------
def model_of(images: pd.DataFrame) -> pd.Series:
    """Each image's engine and model: ``engine`` and, where the response names it, the model or
    engine version (``rapidocr 1.4.4``), so a new model never inherits an old model's map."""
    versions = []
    for extra in images["extra"] if "extra" in images else [None] * len(images):
        version = None
        if isinstance(extra, str) and extra:
            try:
                data = json.loads(extra)
            except ValueError:
                data = {}
            if isinstance(data, dict):
                version = data.get("model") or data.get("engine_version")
        versions.append(version)
    engines = images["engine"].astype(object).where(images["engine"].notna(), "unknown")
    return pd.Series(
        [f"{e} {v}" if v else str(e) for e, v in zip(engines, versions)], index=images.index
    )


def _row_keys(
    frame: pd.DataFrame, images: pd.DataFrame, by: tuple[str, ...], items: pd.DataFrame
) -> pd.Series:
    """Each row's map key: its image's model, then its values of ``by`` (a column of the rows,
    of their items for characters, or of their images), joined by ``SEP``."""
    models = dict(zip(images["image_id"], model_of(images)))
    parts = [frame["image_id"].map(models).fillna("unknown").astype(str)]
    for column in by:
        if column in frame:
            values = frame[column]
        elif column in items and "item_id" in frame:
            keys = pd.MultiIndex.from_frame(frame[["image_id", "item_id"]])
            of_item = items.set_index(["image_id", "item_id"])[column]
            values = pd.Series(of_item.reindex(keys).to_numpy(), index=frame.index)
        elif column in images:
            values = frame["image_id"].map(dict(zip(images["image_id"], images[column])))
        else:
            raise OcrframeError(
                f"by={column!r} is not a column of items, chars or images (items have "
                f"{list(items.columns)}; images {list(images.columns)})"
            )
        parts.append(values.astype(object).where(values.notna(), "<NA>").astype(str))
    keys = parts[0]
    for part in parts[1:]:
        keys = keys + SEP + part
    return keys.reset_index(drop=True)


def _key(model: str, values) -> str:
    return SEP.join([model, *map(str, values)])


def _fallback(key: str) -> str:
    model, *values = key.split(SEP)
    return _key(model, (ANY,) * len(values))
