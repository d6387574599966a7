"""``ocrframe.recognize``: run an engine over images and get an OcrResult."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from tqdm.auto import tqdm

from . import engines, records
from .core import assemble
from .dataset import DatasetWriter, OcrDataset, input_keys
from .endpoints import BATCH_ENDPOINTS, check_layout, endpoint_options
from .engines.base import Answer, Engine
from .engines.pdf_text import TEXT_LAYER_CHOICES, PdfTextEngine, TextLayerFirst
from .engines.runtimes import check_threads
from .engines.workers import WorkerPool, check_workers, default_workers, usable_cores
from .errors import OcrframeError
from .inputs.images import Input, expand
from .inputs.pages import DEFAULT_DPI, MAX_PIXELS
from .reading.responses import Origin, parse_into, warn_scale_notes
from .result import OcrResult


def recognize(
    images: object,
    endpoint: str = "general",
    engine: str | Engine = "local",
    *,
    model: str | None = None,
    progress: bool | Callable[[int, int], object] | None = None,
    save_raw: str | Path | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    batch_size: int | None = None,
    pages: int | Iterable[int] | None = None,
    dpi: int = DEFAULT_DPI,
    max_pixels: int | None = MAX_PIXELS,
    text_layer: str = "auto",
    workers: int | None = None,
    threads: int | None = None,
    layout: str | None = None,
    **options: object,
) -> OcrResult | OcrDataset:
    """Recognise ``images`` with ``engine`` as ``endpoint`` would, and return the tables.

    ``model`` chooses the local engine's model: ``"v6-small"`` (the default) or ``"v4"``
    (``ocrframe.engines.local.MODELS``); each response names its model.

    ``images`` is a path, glob, directory, http(s) URL, bytes, PIL image, numpy array (RGB,
    uint8) or a list of them; ``images.source`` is each input as given. A PDF or a multi-page
    TIFF is read page by page (``images.page``, 1-based): ``pages=`` chooses pages (an int, a
    list or a ``range``) and PDF pages are rendered at ``dpi`` (300), one at a time. No image of
    more than ``max_pixels`` pixels (``ocrframe.inputs.pages.MAX_PIXELS``, Pillow's limit, about
    89.5 million; None: no limit) is decoded: it is a failed row (code 20) that says its size;
    a PDF page that would be larger is rendered at the highest dpi that fits, with an
    ``OcrDpiWarning``, and ``images.dpi`` says that dpi. ``options`` are the
    endpoint's parameters with the pages' names and defaults (``language="zh"`` for
    minorlanguage, ``card_type=0`` for idcard, ``type=0`` for drivinglicence, ``ret_image=0``
    for namecard). An unreadable input (missing, not an image, animated GIF, empty) becomes a
    failed row in ``images`` with the service's code and the run goes on. A progress bar shows
    for more than one image unless ``progress=False``; a callable ``progress(done, total)`` is
    called after each image instead (a notebook app's own progress bar). ``save_raw=DIR``
    also saves each answer as a record (:mod:`ocrframe.records`) that ``ocrframe serve
    --replay DIR`` answers from.

    ``text_layer`` says how a PDF page is read: ``"auto"`` (the default) reads a page from its
    own text layer where it shows one (a born-digital page: exact text, no OCR) and by OCR
    where it is a picture (a scan, or a scan with an earlier OCR's invisible layer);
    ``"never"`` OCRs every page; ``"only"`` reads text layers only (``engine="pdf-text"``).
    ``images.engine`` says which read each page. Only ``general`` has text-layer readings.

    ``workers`` is how many processes read at once, each with its own engine (the engine
    given by name: ``"local"``, ``"tesseract"``, ``"pdf-text"``); None: one per core (at most
    4) for 16 images or more, else this process alone. Rows keep the inputs' order, and a
    worker that dies costs only the input it was reading (a failed row). ``threads`` is the
    local engine's threads per model (None: the cores shared out among the workers;
    ``threads=1`` keeps each worker on one core).

    ``layout`` is how the local engine finds each page's blocks, reading order and tables
    (:class:`~ocrframe.engines.local.LocalEngine`; None: ``"auto"``): ``"table"`` reads each
    picture as one table (photos or crops of tables), ``"geometry"`` skips the layout model,
    ``"model"`` runs it on every page.

    ``out=DIR`` streams the results into a dataset (:mod:`ocrframe.dataset`) every
    ``batch_size`` images (100) instead of holding them in memory, and returns an
    :class:`OcrDataset`; ``batch_size``, ``resume`` and ``retry_failed`` need ``out=``. ``resume=True`` continues a dataset after a crash or Ctrl-C:
    finished inputs (by source and content hash) are not recognised again;
    ``retry_failed=True`` also re-runs the inputs whose answer failed.

    >>> import ocrframe
    >>> res = ocrframe.recognize(ocrframe.samples()[0], progress=False)  # zh_document.png
    >>> res.images[["code", "ok", "n_items"]].values.tolist()
    [[0, True, 4]]
    >>> res.items["text"].iloc[0]
    '通用文字识别服务提供图片整体文字的检测和识别'
    >>> bool(res.items["confidence"].between(0.9, 1.0).all())
    True
    """
    output = Output.of(out, batch_size, resume, retry_failed)
    opts = endpoint_options(endpoint, options)  # a misspelt option fails before models load
    check_threads(threads)
    if layout is not None:
        check_layout(layout)
    if workers is not None:
        _check_workers(workers, engine)
    local = LocalSettings(model, threads, layout)
    eng = engine_for(engine, local, text_layer)
    eng.check_endpoint(endpoint)
    inputs = expand(images, pages=pages, dpi=dpi, max_pixels=max_pixels)
    if save_raw is not None:
        records.prepare(save_raw)  # before any recognition, so a bad directory costs nothing
    with _in_workers(eng, engine, local, text_layer, workers, len(inputs)) as eng:
        task = Task(eng, endpoint, opts, save_raw)
        shown = Progress.of(progress, len(inputs))
        if output.out is not None:
            return _to_dataset(task, inputs, shown, output)
        run = _Run(task, inputs)
        with shown.bar(eng.name) as bar:
            try:
                _answer(run, shown, bar)
            except OcrframeError as err:  # a refused request, a record that cannot be saved
                err.partial = run.result()  # nothing already obtained is lost
                raise
        return run.result()


#: the engines ``workers=`` can start in worker processes (by name: each worker makes its own)
WORKER_ENGINES = ("local", "tesseract", "pdf-text")


def _check_workers(workers: object, engine: object) -> None:
    if check_workers(workers) > 1 and engine not in WORKER_ENGINES:
        raise OcrframeError(
            f"workers={workers} starts engines by name in worker processes: give engine= one "
            f"of {', '.join(map(repr, WORKER_ENGINES))} (got {engine!r}); the cloud engines "
            "already send several requests at once"
        )


@dataclass(frozen=True)
class LocalSettings:
    """What ``recognize`` was told of the local engine: its model, threads per model and
    layout (None: the defaults)."""

    model: str | None = None
    threads: int | None = None
    layout: str | None = None


@contextmanager
def _in_workers(
    eng: Engine,
    engine,
    local: LocalSettings,
    text_layer: str,
    workers: int | None,
    inputs: int,
) -> Iterator[Engine]:
    """``eng``, or a pool of ``workers`` processes reading as it does (see :func:`recognize`;
    None: :func:`~ocrframe.engines.workers.default_workers` for the local engines by name)."""
    if workers is None:
        workers = default_workers(inputs) if engine in WORKER_ENGINES else 1
    if workers == 1:
        yield eng
        return
    if local.threads is None and engine == "local":  # the cores shared out among the workers
        local = replace(local, threads=max(1, usable_cores() // workers))
    with WorkerPool(partial(engine_for, engine, local, text_layer), workers, eng) as pool:
        yield pool


def engine_for(engine: str | Engine, local: LocalSettings, text_layer: str) -> Engine:
    """The engine ``recognize`` reads with, made from its settings (a worker makes its own)."""
    made = engines.get(engine, model=local.model, threads=local.threads, layout=local.layout)
    return _reading_pdfs(made, text_layer)


@dataclass(frozen=True)
class Task:
    """What every input of one call is asked: the engine, the endpoint with its options (the
    pages' defaults filled in), and where successful answers are also saved as records."""

    engine: Engine
    endpoint: str
    options: dict
    save_raw: str | Path | None = None


@dataclass(frozen=True)
class Progress:
    """How a run reports: a tqdm bar when ``show``, and/or ``report(done, total)`` after each
    image (a notebook app's own progress bar)."""

    total: int
    show: bool
    report: Callable[[int, int], object] | None = None

    @classmethod
    def of(cls, progress: bool | Callable[[int, int], object] | None, total: int) -> Progress:
        """``recognize``'s ``progress=``: None shows a bar for more than one image."""
        report = progress if callable(progress) else None
        show = (total > 1 if progress is None else bool(progress)) and report is None
        return cls(total, show, report)

    def bar(self, desc: str, done_before: int = 0) -> tqdm:
        return tqdm(
            total=self.total, initial=done_before, disable=not self.show, unit="image", desc=desc
        )

    def step(self, bar: tqdm, done: int, failed: int) -> None:
        """One more image answered: ``done`` of the total so far, ``failed`` of them failed."""
        bar.update()
        bar.set_postfix(ok=done - failed, failed=failed, refresh=False)
        if self.report is not None:
            self.report(done, self.total)


@dataclass(frozen=True)
class Output:
    """Where the results go: memory (``out=None``), or a dataset at ``out`` committed every
    ``batch_size`` images, continued (``resume``) and with failed inputs run again
    (``retry_failed``)."""

    out: str | Path | None = None
    batch_size: int = 100
    resume: bool = False
    retry_failed: bool = False

    @classmethod
    def of(cls, out, batch_size, resume: bool, retry_failed: bool) -> Output:
        """``recognize``'s settings, checked: those that mean something only with ``out=`` are
        an error without it, never silently ignored."""
        given = [name for name, value in (("batch_size", batch_size), ("resume", resume),
                 ("retry_failed", retry_failed)) if value not in (None, False)]  # fmt: skip
        if out is None:
            if given:
                raise OcrframeError(f"{', '.join(given)} need out=DIR: they are dataset settings")
            return cls()
        if batch_size is None:
            batch_size = cls.batch_size
        elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise OcrframeError(f"batch_size is a number of images (1 or more), got {batch_size!r}")
        return cls(out, batch_size, resume, retry_failed)


def _reading_pdfs(engine: Engine, text_layer: str) -> Engine:
    """The engine that reads PDF pages as ``text_layer`` says (see :func:`recognize`)."""
    if text_layer not in TEXT_LAYER_CHOICES:
        raise OcrframeError(
            f"text_layer={text_layer!r}; choose {', '.join(map(repr, TEXT_LAYER_CHOICES))}"
        )
    if text_layer == "only":
        return engines.get("pdf-text")
    if text_layer == "never" or isinstance(engine, PdfTextEngine):
        return engine
    return TextLayerFirst(engine)


def _answer(run: _Run, shown: Progress, bar: tqdm, before: int = 0) -> None:
    """Feed the engine's answers for ``run.inputs`` into ``run``, updating the progress;
    ``before`` inputs were done earlier (a resumed dataset)."""
    task = run.task
    for answer in task.engine.answer_all(
        run.inputs, task.endpoint, task.options, _session(run.inputs)
    ):
        run.take(answer)
        # not bar.n: a disabled bar does not count
        shown.step(bar, before + run.done, run.failed_total())


def _to_dataset(task: Task, inputs: list[Input], shown: Progress, output: Output) -> OcrDataset:
    """Recognise what the dataset at ``output.out`` lacks, one committed part per
    ``output.batch_size`` inputs."""
    meta = {"endpoint": task.endpoint, "engine": task.engine.name, "options": task.options}
    writer = DatasetWriter(output.out, meta, resume=output.resume or output.retry_failed)
    keys = input_keys(inputs)
    todo, failed_before = writer.plan(keys, retry_failed=output.retry_failed)
    size = output.batch_size
    with shown.bar(task.engine.name, done_before=len(inputs) - len(todo)) as bar:
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            run = _Run(task, [inputs[k] for k in chunk], failed_before)
            try:
                _answer(run, shown, bar, before=len(inputs) - len(todo) + start)
            finally:  # Ctrl-C or a refused request: what did arrive is committed first
                result = run.result()
                writer.commit(result, [keys[chunk[i]] for i in run.parsed])
            failed_before = run.failed_total()
    return OcrDataset(writer.root)


class _Run:
    """The answers of one ``recognize`` call, parsed in input order as they arrive."""

    def __init__(self, task: Task, inputs: list[Input], failed_before: int = 0) -> None:
        self.task, self.inputs = task, inputs
        self.cols = assemble.Columns()
        self.raw: list[str] = []
        self.notes: list[str] = []
        self.waiting: dict[int, Answer] = {}
        self.parsed: list[int] = []  # input positions in the order their rows were added
        self.next = 0
        self.done = self.failed = 0
        self.failed_before = failed_before  # failures of earlier parts, for the progress bar

    def failed_total(self) -> int:
        return self.failed_before + self.failed

    def take(self, answer: Answer) -> None:
        self.done += 1
        self.failed += not _ok(answer.response)
        if self.task.save_raw is not None and _ok(answer.response):
            _record(self.task, self.inputs[answer.index], answer)
        self.waiting[answer.index] = answer
        while self.next in self.waiting:  # image rows follow the inputs' order
            self._parse(self.waiting.pop(self.next))
            self.next += 1

    def _parse(self, answer: Answer) -> None:
        self.parsed.append(answer.index)
        inp = self.inputs[answer.index]
        first_row = self.cols.n_images
        self.raw.append(
            parse_into(
                self.cols,
                answer.response,
                json.dumps(answer.response, ensure_ascii=False),
                Origin(
                    self.task.endpoint,
                    source=answer.sources or inp.source,
                    engine=answer.engine or self.task.engine.name,
                    where=inp.source,
                    page=inp.page,
                    dpi=inp.dpi,
                ),
                self.notes,
            )
        )
        if answer.extra:
            self.cols.add_extra(first_row, answer.extra)

    def result(self) -> OcrResult:
        for index in sorted(self.waiting):  # after an interruption: what did arrive
            self._parse(self.waiting.pop(index))
        warn_scale_notes(self.notes)
        result = OcrResult(self.raw, *assemble.tables(self.cols))
        if len(result.images) == len(self.inputs):  # one row per input, in input order
            result.pixels = {
                k: i.value for k, i in enumerate(self.inputs) if not isinstance(i.value, str | Path)
            }
        return result


def _ok(response: dict) -> bool:
    if "result_list" in response:
        return all(e.get("code", 0) == 0 for e in response["result_list"])
    return response.get("code", 0) == 0


def _record(task: Task, inp: Input, answer: Answer) -> None:
    """Save one successful answer as a record (a batch answer: the image's own entry)."""
    if answer.url is None and answer.image_sha256 is None:
        return  # pixels given as an array have no bytes a server could be sent
    response = answer.response
    if task.endpoint in BATCH_ENDPOINTS and "result_list" in response:
        entry = response["result_list"][0]
        response = {k: v for k, v in entry.items() if k not in ("filename", "url")}
    rec = records.Record(
        task.endpoint, task.options, response, answer.image_sha256, answer.url, inp.source,
        page=inp.page, dpi=inp.dpi, engine=answer.engine or task.engine.name,
    )  # fmt: skip
    records.write(task.save_raw, rec)


def _session(inputs: list[Input]):
    """One HTTP session for all URL inputs (connection reuse), none when there are none."""
    if not any(isinstance(i.value, str) for i in inputs):
        return None
    import requests

    return requests.Session()
