"""``ocrframe.recognize``: run an engine over images and get an OcrResult."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tqdm.auto import tqdm

from . import assemble, engines, images, records
from .engines.base import BATCH_ENDPOINTS, Engine, batch_entry, endpoint_options
from .reading import parse_into, warn_scale_notes
from .result import OcrResult


def recognize(
    images_: object,
    endpoint: str = "general",
    engine: str | Engine = "local",
    *,
    progress: bool | Callable[[int, int], object] | None = None,
    save_raw: str | Path | None = None,
    **options: object,
) -> OcrResult:
    """Recognise ``images`` with ``engine`` as ``endpoint`` would, and return the tables.

    ``images`` is a path, glob, directory, http(s) URL, bytes, PIL image, numpy array (RGB,
    uint8) or a list of them; ``images.source`` is each input as given. ``options`` are the
    endpoint's parameters with the pages' names and defaults (``language="zh"`` for
    minorlanguage, ``card_type=0`` for idcard, ``type=0`` for drivinglicence, ``ret_image=0``
    for namecard). An unreadable input (missing, not an image, animated GIF, empty) becomes a
    failed row in ``images`` with the service's code and the run goes on. A progress bar shows
    for more than one image unless ``progress=False``; a callable ``progress(done, total)`` is
    called after each image instead (a notebook app's own progress bar). ``save_raw=DIR``
    also saves each answer as a record (:mod:`ocrframe.records`) that ``ocrframe serve
    --replay DIR`` answers from.

    >>> import ocrframe
    >>> res = ocrframe.recognize(ocrframe.samples()[0], progress=False)  # doctest: +SKIP
    >>> res.items[["text", "confidence"]].head(2)                       # doctest: +SKIP
    """
    opts = endpoint_options(endpoint, options)
    eng = engines.get(engine)
    eng.check_endpoint(endpoint)
    inputs = images.expand(images_)
    cols = assemble.Columns()
    raw: list[str] = []
    notes: list[str] = []
    report = progress if callable(progress) else None
    show = (len(inputs) > 1 if progress is None else bool(progress)) and report is None
    failed = 0
    session = _session(inputs)
    with tqdm(total=len(inputs), disable=not show, unit="image", desc=eng.name) as bar:
        for inp in inputs:
            loaded = images.load(inp, session)
            if isinstance(loaded, images.Failure):
                response = loaded.response()
            else:
                response = eng.respond(loaded, endpoint, opts)
                if save_raw is not None:
                    _record(save_raw, endpoint, opts, inp, loaded, response)
                if endpoint in BATCH_ENDPOINTS:
                    response = {"result_list": [batch_entry(response, inp.source)]}
            failed += response.get("code", 0) != 0
            raw.append(
                parse_into(
                    cols,
                    response,
                    json.dumps(response, ensure_ascii=False),
                    endpoint=endpoint,
                    source=inp.source,
                    engine=eng.name,
                    where=inp.source,
                    notes=notes,
                )
            )
            bar.update()
            bar.set_postfix(ok=len(raw) - failed, failed=failed, refresh=False)
            if report is not None:
                report(len(raw), len(inputs))
    warn_scale_notes(notes)
    result = OcrResult(raw, *assemble.tables(cols))
    result.pixels = {i.source: i.value for i in inputs if not isinstance(i.value, str | Path)}
    return result


def _record(root, endpoint: str, options: dict, inp, loaded, response: dict) -> None:
    url = inp.value if isinstance(inp.value, str) else None
    sha = loaded.sha256 if loaded.data is not None else None  # pixels have no bytes to send
    if url is None and sha is None:
        return
    rec = records.Record(endpoint, options, response, sha, url, inp.source)
    records.write(root, rec)


def _session(inputs: list[images.Input]):
    """One HTTP session for all URL inputs (connection reuse), none when there are none."""
    if not any(isinstance(i.value, str) for i in inputs):
        return None
    import requests

    return requests.Session()
