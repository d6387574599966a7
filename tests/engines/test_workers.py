"""Reading with worker processes: input order, a dying worker, a killed run resumed, threads."""

from __future__ import annotations

import contextlib
import os
import resource
import time
import warnings
from functools import partial
from pathlib import Path

import pytest
from documents import THREE, born_digital_pdf, image_pdf, killed_after

import ocrframe
from ocrframe.engines.pdf_text import PdfTextEngine
from ocrframe.engines.workers import WorkerPool, default_workers
from ocrframe.errors import OcrframeError
from ocrframe.inputs.images import expand


class DiesOnPage2(PdfTextEngine):
    """The text layer, except that page 2 takes its process down (a crash in native code)."""

    def page_response(self, source, page):
        if page.index == 1:
            os._exit(7)
        return super().page_response(source, page)


class OddPage(UserWarning):
    pass


class WarnsOnPage2(PdfTextEngine):
    def page_response(self, source, page):
        if page.index == 1:
            warnings.warn(f"{source}: page 2 looks odd", OddPage, stacklevel=1)
        return super().page_response(source, page)


class CannotStart(PdfTextEngine):
    def __init__(self) -> None:
        raise RuntimeError("no model here")


def test_a_worker_that_dies_costs_only_the_page_it_was_reading(tmp_path):
    pdf = born_digital_pdf(tmp_path / "born.pdf")
    inputs = expand([pdf, pdf])  # pages 1, 2, 1, 2
    assert len(inputs) == 4
    with WorkerPool(DiesOnPage2, 2, PdfTextEngine()) as pool:
        answers = {a.index: a.response for a in pool.answer_all(inputs, "general", {})}
    assert sorted(answers) == [0, 1, 2, 3]  # every input answered once
    alone = PdfTextEngine()
    for k in (0, 2):  # page 1 of each copy: what the engine reads in this process
        expected = next(alone.answer_all([inputs[k]], "general", {})).response
        assert answers[k] == expected
    for k in (1, 3):
        assert answers[k]["code"] == ocrframe.core.codes.OCR_FAILED
        assert "worker process reading it stopped (exit code 7)" in answers[k]["message"]
        assert str(pdf) in answers[k]["message"]


def test_a_workers_warnings_are_warned_in_the_calling_process(tmp_path):
    inputs = expand(born_digital_pdf(tmp_path / "born.pdf"))
    with WorkerPool(WarnsOnPage2, 2, PdfTextEngine()) as pool, pytest.warns(OddPage) as seen:
        answers = list(pool.answer_all(inputs, "general", {}))
    assert len(answers) == 2 and all(a.response["code"] == 0 for a in answers)
    assert [str(w.message) for w in seen] == [f"{inputs[1].source}: page 2 looks odd"]


def test_a_worker_that_cannot_make_its_engine_stops_the_run_with_its_reason(tmp_path):
    inputs = expand(born_digital_pdf(tmp_path / "born.pdf"))
    failed = pytest.raises(
        OcrframeError, match="a worker process failed while starting: RuntimeError: no model"
    )
    with WorkerPool(CannotStart, 2, PdfTextEngine()) as pool, failed:
        list(pool.answer_all(inputs, "general", {}))


def test_workers_need_an_engine_by_name_and_a_count():
    with pytest.raises(OcrframeError, match="workers is a number of processes"):
        ocrframe.recognize([], workers=0)
    with pytest.raises(OcrframeError, match="give engine= one of 'local'"):
        ocrframe.recognize([], engine=PdfTextEngine(), workers=2)
    with pytest.raises(OcrframeError, match="threads is a number of threads"):
        ocrframe.recognize([], threads=-1)


def test_the_default_takes_one_worker_per_core_for_enough_images():
    assert default_workers(100, cores=2) == 2
    assert default_workers(100, cores=64) == 4  # each worker holds its models in memory
    assert default_workers(3, cores=8) == 1  # starting workers would cost more than it saves


def _reports(tmp_path, n: int) -> list:
    """``n`` born-digital PDFs, each with a title of its own."""
    return [born_digital_pdf(tmp_path / f"r{k}.pdf", title=f"Report {k}") for k in range(n)]


def test_rows_keep_the_inputs_order_with_workers(tmp_path):
    pdfs = _reports(tmp_path, 3)
    alone = ocrframe.recognize(pdfs, engine="pdf-text", progress=False)
    two = ocrframe.recognize(pdfs, engine="pdf-text", workers=2, progress=False)
    for table in ("images", "items", "chars"):
        assert getattr(two, table).equals(getattr(alone, table)), table
    firsts = two.items.groupby("image_id")["text"].first().tolist()
    assert firsts == [f"Report {k}, page {p}" for k in range(3) for p in (1, 2)]


def test_a_pool_left_early_answers_its_next_inputs_rightly(tmp_path):
    first, second = expand(_reports(tmp_path, 2)[:1]), expand(_reports(tmp_path, 2)[1:])
    with WorkerPool(PdfTextEngine, 2, PdfTextEngine()) as pool:
        answers = pool.answer_all(first, "general", {})
        next(answers)
        answers.close()  # the caller stopped: the other page's answer is never read
        again = {a.index: a.response for a in pool.answer_all(second, "general", {})}
    alone = PdfTextEngine()
    for k, inp in enumerate(second):
        assert again[k] == next(alone.answer_all([inp], "general", {})).response


@pytest.mark.engine
def test_the_local_engine_reads_the_same_with_two_workers():
    paths = ocrframe.samples()[:3] * 2
    alone = ocrframe.recognize(paths, workers=1, progress=False)
    two = ocrframe.recognize(paths, workers=2, progress=False)
    assert two.images["source"].tolist() == [str(p) for p in paths]
    assert two.items["text"].tolist() == alone.items["text"].tolist()
    assert two.chars["confidence"].equals(alone.chars["confidence"])


@pytest.mark.engine
def test_a_two_worker_dataset_killed_mid_way_resumes_every_input_once(tmp_path):
    path = image_pdf(tmp_path / "long.pdf", THREE * 3)  # nine pages
    out = tmp_path / "ds"
    script = (
        "import ocrframe; "
        f"ocrframe.recognize({str(path)!r}, out={str(out)!r}, batch_size=1, workers=2, "
        "progress=False)"
    )
    done_before = killed_after(script, out, 3)  # the run and its workers, all at once
    assert 3 <= done_before < 9
    ds = ocrframe.recognize(path, out=out, resume=True, batch_size=1, workers=2, progress=False)
    res = ds.load()
    assert sorted(res.images["page"].tolist()) == list(range(1, 10))  # every page once
    assert len(list((out / "_commits").glob("*.json"))) == 9  # only the missing pages were read


def _cpu_and_wall(call) -> tuple[float, float]:
    """CPU seconds (this process, all its threads) and wall seconds of ``call()``."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    call()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    return (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime), wall


@pytest.mark.engine
def test_threads_1_keeps_the_models_on_one_core():
    from ocrframe.engines.local import LocalEngine

    engine = LocalEngine(threads=1, layout="model")  # the layout model runs too
    read = partial(ocrframe.recognize, ocrframe.samples()[:2] * 2, engine=engine, progress=False)
    read()  # first reads compile the models for their shapes
    before = _thread_cpu()
    cpu, wall = _cpu_and_wall(read)
    # one busy thread cannot use more CPU time than the time that passed; a little more is
    # the interpreter's own housekeeping. With every core (2 here) it is well above 1.
    assert cpu / wall <= 1.15, (cpu, wall)
    # and whatever else runs on the machine: the work was one thread's
    used = {tid: ticks - before.get(tid, 0) for tid, ticks in _thread_cpu().items()}
    assert max(used.values()) >= 0.9 * sum(used.values()), used


def _thread_cpu() -> dict[str, int]:
    """CPU ticks (user + system) of each thread of this process, from /proc."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        pytest.skip("per-thread CPU times are read from Linux's /proc")
    ticks = {}
    for task in tasks.iterdir():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            ticks[task.name] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks
