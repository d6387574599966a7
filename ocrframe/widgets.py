"""Notebook apps: try a recognition without code, and review a dataset's doubtful results.

    from ocrframe.widgets import Recognizer, Reviewer
    app = Recognizer()          # upload or type paths, pick engine/endpoint, Recognize
    app.result                  # the OcrResult of the last run
    rev = Reviewer(app.result)  # page through images, worst first; accept or correct items
    rev.save("labels.jsonl")    # ground truth for ocrframe.analysis

Both are ipywidgets containers (ipywidgets >= 8): they display themselves, and every control is
an attribute, so they can be driven from plain Python too (``app.upload.value = ...``,
``app.run_button.click()``): the work runs synchronously in the click handler.
"""

from __future__ import annotations

import base64
import html
import io
import json
import traceback
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from .endpoints import CHOICES, ENDPOINTS, OPTIONS
from .engines.replay import ReplayEngine
from .errors import OcrframeError
from .plot.boxes import plot_boxes
from .recognize import recognize
from .result import OcrResult

#: engine -> (label, endpoints it answers)
ENGINES = {
    "local": ("local: RapidOCR, offline", ENDPOINTS),
    "tesseract": ("Tesseract, offline", ENDPOINTS),
}
TABLE_COLUMNS = ["item_id", "field", "text", "confidence"]
TABLE_STYLE = (
    "<style>.ocrframe-table table{border-collapse:collapse;font-size:12px}"
    ".ocrframe-table td,.ocrframe-table th{padding:2px 6px;border-bottom:1px solid #ddd;"
    "text-align:left;white-space:nowrap}</style>"
)


def picture(
    result: OcrResult,
    image_id: int,
    threshold: float | None,
    width_px: int = 640,
    column: str = "confidence",
):
    """PNG bytes of one image of ``result`` with its boxes coloured by ``column`` (a figure
    outside pyplot)."""
    pixels = result.pixels_of(image_id)
    h, wd = pixels.shape[:2]
    fig = Figure(figsize=(width_px / 100, max(2.0, width_px / 100 * h / wd)), dpi=100)
    ax = fig.add_axes((0, 0, 0.9, 1))
    rows = result.items[result.items["image_id"] == image_id]
    plot_boxes(pixels, rows, ax=ax, threshold=threshold, colorbar=False, color_by=column)
    cax = fig.add_axes((0.92, 0.1, 0.02, 0.8))
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    fig.colorbar(ScalarMappable(Normalize(0, 1), "RdYlGn"), cax=cax, label=column)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _error_html(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return f"<span style='color:#b00020'><b>Error:</b> {html.escape(text)}</span>"


class Recognizer(w.VBox):
    """Upload images (or type paths/URLs), choose engine and endpoint, run, look, export.

    After a run ``app.result`` is the :class:`~ocrframe.OcrResult`. The threshold slider
    re-draws the picture (boxes below it thick) and filters the table to items at or below it.
    ``replay=DIR`` adds the recorded answers of an earlier ``save_raw=DIR`` as an engine (and
    chooses it): a recorded run looked at again without reading anything.
    """

    def __init__(self, out_dir: str | Path = ".", replay: str | Path | None = None) -> None:
        self.result: OcrResult | None = None
        self.out_dir = Path(out_dir)
        self.engines: dict[str, tuple[str, tuple[str, ...]]] = dict(ENGINES)
        self._replay = ReplayEngine(replay) if replay is not None else None
        if self._replay is not None:
            self.engines["replay"] = (f"replay: {Path(replay).name}", ENDPOINTS)
        self.upload = w.FileUpload(
            accept="image/*,.pdf,application/pdf", multiple=True, description="Upload"
        )
        self.paths = w.Textarea(
            placeholder="or paths / URLs, one per line",
            layout=w.Layout(width="420px", height="60px"),
        )
        self.engine = w.Dropdown(
            options=[(label, key) for key, (label, _) in self.engines.items()],
            value="replay" if self._replay is not None else "local",
            description="Engine",
        )
        self.endpoint = w.Dropdown(description="Endpoint")
        self.language = w.Dropdown(options=CHOICES["language"], description="language")
        self.card_type = w.Dropdown(options=CHOICES["card_type"], description="card_type")
        self.type = w.Dropdown(options=CHOICES["type"], description="type")
        self.run_button = w.Button(description="Recognize", button_style="primary", icon="play")
        self.progress = w.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.status = w.HTML()
        self.image_choice = w.Dropdown(description="Image", layout=w.Layout(width="420px"))
        self.threshold = w.FloatSlider(
            value=1.0, min=0.0, max=1.0, step=0.005, description="show confidence ≤",
            continuous_update=True, readout_format=".3f", style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )  # fmt: skip
        # the picture keeps its aspect ratio; the table scrolls beside it
        self.image = w.Image(
            format="png", layout=w.Layout(width="55%", height="auto", object_fit="contain")
        )
        self.table = w.HTML(layout=w.Layout(width="45%", overflow="auto", max_height="520px"))
        self.save_parquet = w.Button(description="Save parquet", icon="download")
        self.save_csv = w.Button(description="Save CSV", icon="download")
        self.export_status = w.HTML()

        self.engine.observe(self._engine_changed, "value")
        self.endpoint.observe(self._endpoint_changed, "value")
        self.run_button.on_click(self._run)
        self.threshold.observe(self._redraw, "value")
        self.image_choice.observe(self._redraw, "value")
        self.save_parquet.on_click(self._export_parquet)
        self.save_csv.on_click(self._export_csv)
        self._engine_changed()

        self.options_box = w.HBox([self.language, self.card_type, self.type])
        super().__init__(
            [
                w.HTML("<b>ocrframe</b> — recognise images and look at the tables"),
                w.HBox([self.upload, self.paths]),
                w.HBox([self.engine, self.endpoint]),
                self.options_box,
                w.HBox([self.run_button, self.progress]),
                self.status,
                w.HBox([self.image_choice, self.threshold]),
                w.HBox([self.image, self.table], layout=w.Layout(align_items="flex-start")),
                w.HBox([self.save_parquet, self.save_csv, self.export_status]),
            ],
            layout=w.Layout(width="100%"),
        )
        self._endpoint_changed()

    # -- controls ---------------------------------------------------------------------------
    def _engine_changed(self, *_):
        endpoints = self.engines[self.engine.value][1]
        self.endpoint.options = endpoints
        if self.endpoint.value not in endpoints:
            self.endpoint.value = endpoints[0]

    def _endpoint_changed(self, *_):
        wanted = OPTIONS.get(self.endpoint.value, {})
        for name in ("language", "card_type", "type"):
            getattr(self, name).layout.display = None if name in wanted else "none"

    def options(self) -> dict:
        """The endpoint's options as set in the app."""
        # ret_image (namecard) has no control: the app shows the picture itself
        wanted = [
            name
            for name in OPTIONS[self.endpoint.value]
            if name in ("language", "card_type", "type")
        ]
        return {name: getattr(self, name).value for name in wanted}

    def inputs(self) -> dict | list:
        """The uploaded files by name, then the typed paths/URLs."""
        uploaded = {f["name"]: bytes(f["content"]) for f in self.upload.value}
        typed = [line.strip() for line in self.paths.value.splitlines() if line.strip()]
        if uploaded and typed:
            raise OcrframeError("use either the upload or the paths box, not both at once")
        if not uploaded and not typed:
            raise OcrframeError("upload an image or type a path or URL first")
        return uploaded or typed

    # -- actions ----------------------------------------------------------------------------
    def _run(self, *_):
        self.status.value = "<i>recognising…</i>"
        self.run_button.disabled = True
        try:
            images = self.inputs()
            self.progress.max = max(len(images), 1)
            self.progress.value = 0
            self.result = recognize(
                images,
                endpoint=self.endpoint.value,
                engine=self._replay if self.engine.value == "replay" else self.engine.value,
                progress=self._tick,
                **self.options(),
            )
            self._show_result()
        except Exception as err:  # shown in the app; the app stays usable
            self.status.value = _error_html(err)
            self._last_traceback = traceback.format_exc()
        finally:
            self.run_button.disabled = False

    def _tick(self, done: int, total: int) -> None:
        self.progress.max, self.progress.value = total, done

    def _show_result(self) -> None:
        res = self.result
        failed = res.images[~res.images["ok"]]
        note = "".join(
            f"<br><span style='color:#b00020'>{html.escape(str(r.source))}: {r.code} "
            f"{html.escape(str(r.message))}</span>"
            for r in failed.itertuples()
        )
        self.status.value = (
            f"{len(res.images)} image(s), {len(res.items)} items, {len(res.chars)} characters"
            + note
        )
        choices = [
            (res.title(int(r.image_id)), int(r.image_id)) for r in res.images.itertuples() if r.ok
        ]
        self.image_choice.options = choices
        if choices:
            self.image_choice.value = choices[0][1]
        self._redraw()

    def visible_items(self) -> pd.DataFrame:
        """The items the table shows: the chosen image's, at or below the threshold."""
        if self.result is None or self.image_choice.value is None:
            return pd.DataFrame(columns=TABLE_COLUMNS)
        items = self.result.items
        mine = items[items["image_id"] == self.image_choice.value]
        keep = (mine["confidence"] <= self.threshold.value).fillna(True)
        columns = [c for c in TABLE_COLUMNS if c != "field" or mine["field"].notna().any()]
        return mine[keep][columns]

    def _redraw(self, *_):
        if self.result is None or self.image_choice.value is None:
            self.image.value, self.table.value = b"", ""
            return
        try:
            limit = self.threshold.value if self.threshold.value < 1.0 else None
            self.image.value = picture(self.result, self.image_choice.value, limit)
            rows = self.visible_items()
            total = int((self.result.items["image_id"] == self.image_choice.value).sum())
            self.table.value = (
                f"{TABLE_STYLE}<div class='ocrframe-table'>{len(rows)} of {total} items with "
                f"confidence ≤ {self.threshold.value:.3f}"
                + rows.astype(object)
                .where(rows.notna(), "")
                .to_html(index=False, float_format="{:.3f}".format)
                + "</div>"
            )
        except Exception as err:
            self.status.value = _error_html(err)

    def _export_parquet(self, *_):
        self._export(lambda path: self.result.to_parquet(path), "ocrframe-result.parquet")

    def _export_csv(self, *_):
        self._export(lambda path: self.result.items.to_csv(path, index=False), "ocrframe-items.csv")

    def _export(self, write, name: str) -> None:
        if self.result is None:
            self.export_status.value = _error_html(OcrframeError("run a recognition first"))
            return
        try:
            path = self.out_dir / name
            write(path)
            link = ""
            if path.is_file():
                data = base64.b64encode(path.read_bytes()).decode()
                link = f" <a download='{name}' href='data:text/csv;base64,{data}'>download</a>"
            self.export_status.value = f"wrote {html.escape(str(path))}{link}"
        except Exception as err:
            self.export_status.value = _error_html(err)


class Reviewer(w.VBox):
    """Page through a result's images, least confident first, and accept or correct the
    doubtful items. ``labels`` holds the decisions; ``save(path)`` writes them as JSONL, the
    ground-truth format ``ocrframe.analysis`` reads.

    ``truth`` (optional): ``ocrframe.samples(truth=True)``-style records or a mapping
    ``source -> [lines]``; the known text is shown beside each item. ``column`` is the
    confidence that orders and picks the doubtful items: ``confidence``, or
    ``confidence_calibrated`` of a result a calibration was applied to.
    """

    LABEL_COLUMNS = ("source", "page", "item_id", "text", "corrected_text", "decided_at")

    def __init__(
        self,
        result: OcrResult,
        truth: list | dict | None = None,
        order_by: str = "min_confidence",
        threshold: float = 0.9,
        column: str = "confidence",
    ) -> None:
        if column not in result.items:
            raise OcrframeError(f"column={column!r} is not a column of the result's items")
        self.result = result
        self.column = column
        self.truth = _truth_lookup(truth)
        self._decisions: dict[tuple[str, int | None, int], dict] = {}
        self.order = self._order(order_by)
        self.position = 0
        self.prev_button = w.Button(description="◀ previous")
        self.next_button = w.Button(description="next ▶")
        self.where = w.HTML()
        self.threshold = w.FloatSlider(
            value=threshold, min=0, max=1, step=0.005, description="doubtful <",
            readout_format=".3f", style={"description_width": "initial"},
        )  # fmt: skip
        self.image = w.Image(
            format="png", layout=w.Layout(width="55%", height="auto", object_fit="contain")
        )
        self.rows = w.VBox(layout=w.Layout(width="45%"))
        self.item_rows: list[dict] = []
        self.prev_button.on_click(lambda *_: self.go(self.position - 1))
        self.next_button.on_click(lambda *_: self.go(self.position + 1))
        self.threshold.observe(lambda *_: self.go(self.position), "value")
        super().__init__(
            [
                w.HBox([self.prev_button, self.next_button, self.where, self.threshold]),
                w.HBox([self.image, self.rows], layout=w.Layout(align_items="flex-start")),
            ]
        )
        self.go(0)

    def _order(self, order_by: str) -> list[int]:
        images = self.result.images[self.result.images["ok"]].copy()
        if order_by == "min_confidence":
            low = self.result.items.groupby("image_id")[self.column].min()
            images["min_confidence"] = low.reindex(images["image_id"]).to_numpy()
        if order_by not in images.columns:
            raise OcrframeError(f"order_by={order_by!r} is not a column of images")
        return [int(i) for i in images.sort_values(order_by, na_position="last")["image_id"]]

    @property
    def image_id(self) -> int | None:
        return self.order[self.position] if self.order else None

    def doubtful(self) -> pd.DataFrame:
        """The items of the current image below the threshold, least confident first."""
        items = self.result.items[self.result.items["image_id"] == self.image_id]
        low = (items[self.column] < self.threshold.value).fillna(True)
        return items[low].sort_values(self.column, na_position="first")

    def go(self, position: int) -> None:
        """Show image number ``position`` in the review order."""
        if not self.order:
            self.where.value = "no images to review"
            return
        self.position = max(0, min(position, len(self.order) - 1))
        source = str(self.result.images.loc[self.image_id, "source"])
        page = self.result.images.loc[self.image_id, "page"]
        page = None if pd.isna(page) else int(page)
        shown = source if page is None else f"{source}, page {page}"
        self.where.value = (
            f"image {self.position + 1} of {len(self.order)}: <code>{html.escape(shown)}</code>"
        )
        self.image.value = picture(
            self.result, self.image_id, self.threshold.value, 560, column=self.column
        )
        self.item_rows = [self._row(source, page, item) for _, item in self.doubtful().iterrows()]
        self.rows.children = [r["box"] for r in self.item_rows] or [
            w.HTML("<i>nothing below the threshold here</i>")
        ]

    def _row(self, source: str, page: int | None, item) -> dict:
        item_id = int(item["item_id"])
        decided = self._decisions.get((source, page, item_id))
        text = w.Text(
            value=decided["corrected_text"] if decided else str(item["text"]),
            layout=w.Layout(width="260px"),
        )
        accept = w.Button(
            description="accept", button_style="success", layout=w.Layout(width="70px")
        )
        correct = w.Button(
            description="correct", button_style="warning", layout=w.Layout(width="70px")
        )
        known = self.truth.get((source, page), {}).get(item_id)
        info = (
            f"#{item_id} {item[self.column]:.3f}" if pd.notna(item[self.column]) else f"#{item_id}"
        )
        state = w.HTML("✓" if decided else "")
        parts = [w.HTML(info, layout=w.Layout(width="90px")), text, accept, correct, state]
        if known is not None:
            parts.insert(2, w.HTML(f"<span style='color:#555'>truth: {html.escape(known)}</span>"))
        accept.on_click(
            lambda *_: self.decide(source, item_id, str(item["text"]), None, state, page=page)
        )
        correct.on_click(
            lambda *_: self.decide(source, item_id, str(item["text"]), text.value, state, page=page)
        )
        return {
            "item_id": item_id,
            "text": text,
            "accept": accept,
            "correct": correct,
            "box": w.HBox(parts),
        }

    def decide(
        self,
        source: str,
        item_id: int,
        text: str,
        corrected: str | None,
        state=None,
        *,
        page: int | None = None,
    ):
        """Record a decision: ``corrected`` is the right text (``None`` accepts ``text``);
        ``page`` is the page of a document the item is on."""
        self._decisions[(source, page, item_id)] = {
            "source": source,
            **({"page": page} if page is not None else {}),
            "item_id": item_id,
            "text": text,
            "corrected_text": text if corrected is None else corrected,
            "decided_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        if state is not None:
            state.value = "✓"

    @property
    def labels(self) -> pd.DataFrame:
        """One row per decision: source, page, item_id, text, corrected_text, decided_at."""
        frame = pd.DataFrame(list(self._decisions.values()), columns=list(self.LABEL_COLUMNS))
        return frame.astype(
            {"source": "string[pyarrow]", "page": "Int32", "item_id": "Int32",
             "text": "string[pyarrow]", "corrected_text": "string[pyarrow]",
             "decided_at": "string[pyarrow]"}
        )  # fmt: skip

    def save(self, path: str | Path) -> Path:
        """Write the decisions as JSONL (one object per line) and return the path."""
        out = Path(path)
        with out.open("w", encoding="utf-8") as f:
            for rec in self._decisions.values():
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return out


def _truth_lookup(truth) -> dict[tuple[str, int | None], dict[int, str]]:
    """(source, page) -> {item_id: known text}; lines are matched to items by order."""
    if truth is None:
        return {}
    if isinstance(truth, dict):
        records = [{"source": k, "lines": v} for k, v in truth.items()]
    else:
        records = list(truth)
    return {(str(r["source"]), r.get("page")): dict(enumerate(r.get("lines", []))) for r in records}
