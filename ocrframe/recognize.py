"""``ocrframe.recognize``: run an engine over images and get an OcrResult."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from tqdm.auto import tqdm

from . import assemble, engines, records
from . import images as imagery
from .dataset import DatasetWriter, OcrDataset, input_keys
from .engines.base import BATCH_ENDPOINTS, Answer, Engine, endpoint_options
from .errors import OcrframeError
from .pages import DEFAULT_DPI
from .reading import parse_into, warn_scale_notes
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
    **options: object,
) -> OcrResult | OcrDataset:
    """Recognise ``images`` with ``engine`` as ``endpoint`` would, and return the tables.

    ``model`` chooses the local engine's model: ``"v6-small"`` (the default) or ``"v4"``
    (``ocrframe.engines.local.MODELS``); each response names its model.

    ``images`` is a path, glob, directory, http(s) URL, bytes, PIL image, numpy array (RGB,
    uint8) or a list of them; ``images.source`` is each input as given. A PDF or a multi-page
    TIFF is read page by page (``images.page``, 1-based): ``pages=`` chooses pages (an int, a
    list or a ``range``) and PDF pages are rendered at ``dpi`` (300), one at a time. ``options`` are the
    endpoint's parameters with the pages' names and defaults (``language="zh"`` for
    minorlanguage, ``card_type=0`` for idcard, ``type=0`` for drivinglicence, ``ret_image=0``
    for namecard). An unreadable input (missing, not an image, animated GIF, empty) becomes a
    failed row in ``images`` with the service's code and the run goes on. A progress bar shows
    for more than one image unless ``progress=False``; a callable ``progress(done, total)`` is
    called after each image instead (a notebook app's own progress bar). ``save_raw=DIR``
    also saves each answer as a record (:mod:`ocrframe.records`) that ``ocrframe serve
    --replay DIR`` answers from.

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
    size = _dataset_settings(out, batch_size, resume, retry_failed)
    opts = endpoint_options(endpoint, options)
    eng = engines.get(engine, model=model)
    eng.check_endpoint(endpoint)
    inputs = imagery.expand(images, pages=pages, dpi=dpi)
    if save_raw is not None:
        records.prepare(save_raw)  # before any recognition, so a bad directory costs nothing
    report = progress if callable(progress) else None
    show = (len(inputs) > 1 if progress is None else bool(progress)) and report is None
    if out is not None:
        meta = {"endpoint": endpoint, "engine": eng.name, "options": opts}
        writer = DatasetWriter(out, meta, resume=resume or retry_failed)
        return _to_dataset(writer, eng, endpoint, opts, inputs, show, report, save_raw,
                           retry_failed, size)  # fmt: skip
    run = _Run(eng, endpoint, inputs, save_raw)
    with tqdm(total=len(inputs), disable=not show, unit="image", desc=eng.name) as bar:
        try:
            _answer(run, eng, endpoint, opts, bar, report, len(inputs))
        except OcrframeError as err:  # a refused request, a record that cannot be saved
            err.partial = run.result()  # nothing already obtained is lost
            raise
    return run.result()


def _dataset_settings(out, batch_size, resume: bool, retry_failed: bool) -> int:
    """The part size of a dataset run; settings that mean something only with ``out=`` are
    an error without it, never silently ignored."""
    given = [name for name, value in (("batch_size", batch_size), ("resume", resume),
             ("retry_failed", retry_failed)) if value not in (None, False)]  # fmt: skip
    if out is None:
        if given:
            raise OcrframeError(f"{', '.join(given)} need out=DIR: they are dataset settings")
        return 0
    if batch_size is None:
        return 100
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise OcrframeError(f"batch_size is a number of images (1 or more), got {batch_size!r}")
    return batch_size


def _answer(
    run: _Run, eng: Engine, endpoint: str, opts: dict, bar, report, total: int, before: int = 0
) -> None:
    """Feed the engine's answers for ``run.inputs`` into ``run``, updating the progress;
    ``before`` inputs were done earlier (a resumed dataset)."""
    for answer in eng.answer_all(run.inputs, endpoint, opts, _session(run.inputs)):
        run.take(answer, opts)
        done = before + run.done  # not bar.n: a disabled bar does not count
        bar.update()
        bar.set_postfix(ok=done - run.failed_total(), failed=run.failed_total(), refresh=False)
        if report is not None:
            report(done, total)


def _to_dataset(writer, eng, endpoint, opts, inputs, show, report, save_raw, retry, size):
    """Recognise what the dataset lacks, one committed part per ``size`` inputs."""
    keys = input_keys(inputs)
    todo, failed_before = writer.plan(keys, retry_failed=retry)
    with tqdm(total=len(inputs), initial=len(inputs) - len(todo), disable=not show,
              unit="image", desc=eng.name) as bar:  # fmt: skip
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            run = _Run(eng, endpoint, [inputs[k] for k in chunk], save_raw, failed_before)
            before = len(inputs) - len(todo) + start
            try:
                _answer(run, eng, endpoint, opts, bar, report, len(inputs), before)
            finally:  # Ctrl-C or a refused request: what did arrive is committed first
                result = run.result()
                writer.commit(result, [keys[chunk[i]] for i in run.parsed])
            failed_before = run.failed_total()
    return OcrDataset(writer.root)


class _Run:
    """The answers of one ``recognize`` call, parsed in input order as they arrive."""

    def __init__(self, eng: Engine, endpoint: str, inputs: list, save_raw, failed_before=0):
        self.eng, self.endpoint, self.inputs, self.save_raw = eng, endpoint, inputs, save_raw
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

    def take(self, answer: Answer, options: dict) -> None:
        self.done += 1
        self.failed += not _ok(answer.response)
        if self.save_raw is not None and _ok(answer.response):
            _record(self.save_raw, self.endpoint, options, self.inputs[answer.index], answer)
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
                endpoint=self.endpoint,
                source=answer.sources or inp.source,
                engine=self.eng.name,
                where=inp.source,
                notes=self.notes,
                page=inp.page,
                dpi=inp.dpi,
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


def _record(root, endpoint: str, options: dict, inp, answer: Answer) -> None:
    """Save one successful answer as a record (a batch answer: the image's own entry)."""
    if answer.url is None and answer.image_sha256 is None:
        return  # pixels given as an array have no bytes a server could be sent
    response = answer.response
    if endpoint in BATCH_ENDPOINTS and "result_list" in response:
        entry = response["result_list"][0]
        response = {k: v for k, v in entry.items() if k not in ("filename", "url")}
    rec = records.Record(
        endpoint, options, response, answer.image_sha256, answer.url, inp.source,
        page=inp.page, dpi=inp.dpi,
    )  # fmt: skip
    records.write(root, rec)


def _session(inputs: list[imagery.Input]):
    """One HTTP session for all URL inputs (connection reuse), none when there are none."""
    if not any(isinstance(i.value, str) for i in inputs):
        return None
    import requests

    return requests.Session()
