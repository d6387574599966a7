"""Reading with several worker processes, each with its own engine: every core busy.

A :class:`WorkerPool` answers like the engine it stands for (``answer_all``: each answer with
its input's index, in any order; ``recognize`` puts the rows in input order). Every worker is a
fresh Python process (see :class:`_Worker`), makes its engine with the picklable ``make()``,
and is given one input at a time, so the pool always knows what each worker is reading. A
worker that dies (a crash in native code, killed by the system for memory) costs only the input
it was reading, which becomes a failed row (:data:`~ocrframe.core.codes.OCR_FAILED`) that says
so; a new worker takes its place.
An exception raised inside a worker (a set-up problem, which every image would meet) stops the
run with an :class:`~ocrframe.errors.OcrframeError` that names the worker's error, as it
would without workers.

>>> from functools import partial
>>> from ocrframe import engines
>>> pool = WorkerPool(partial(engines.get, "local"), 2, engines.get("local"))  # doctest: +SKIP
>>> with pool:                                                       # doctest: +SKIP
...     answers = list(pool.answer_all(inputs, "general", {}))
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait

from ..core import codes
from ..errors import OcrframeError
from ..inputs.images import Input
from .base import Answer, Engine

#: a run stops when this many workers in a row die while starting (before their engine is
#: made: every worker would)
DEATHS_IN_A_ROW = 3


class WorkerPool(Engine):
    """``workers`` processes, each reading with its own ``make()`` engine; ``engine`` is the
    engine as the calling process knows it (its name and endpoints). Use it as a context
    manager (the workers stop at its end); they start on the first ``answer_all``."""

    def __init__(self, make: Callable[[], Engine], workers: int, engine: Engine) -> None:
        check_workers(workers)
        self.make, self.workers, self.engine = make, workers, engine
        self.name = engine.name
        self.endpoints = engine.endpoints
        self._live: list[_Worker] = []
        self._task: tuple[str, dict] | None = None  # what the live workers were started for
        self._deaths = 0  # workers that died while starting, in a row

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker: all asked at once, then each waited for a few seconds and
        killed if it has not stopped."""
        _stop_all(self._live)
        self._live = []

    def answer_all(
        self, inputs: list[Input], endpoint: str, options: dict, session=None
    ) -> Iterator[Answer]:
        """An answer for every input, from whichever worker is free; a worker's death is its
        input's failed answer. A worker is given inputs once it says it has made its engine,
        so a worker that cannot start costs no input."""
        if self._task != (endpoint, options):
            self.close()
            self._task = (endpoint, options)
        todo = deque(enumerate(inputs))
        busy: dict[_Worker, tuple[int, Input]] = {}
        try:
            while todo or busy:
                self._start(len(todo) + len(busy))
                for worker in self._live:
                    if todo and worker.ready and worker not in busy:
                        busy[worker] = todo.popleft()
                        worker.send(busy[worker])
                listening = [w for w in self._live if w in busy or not w.ready]
                ready = wait([w.conn for w in listening])
                for worker in [w for w in listening if w.conn in ready]:
                    answer = self._heard(worker, busy.pop(worker, None))
                    if answer is not None:
                        yield answer
        finally:  # left early (an error, the caller stopped): unread answers must not stay
            if busy:
                _stop_all(list(busy), kill=True)
                self._live = [w for w in self._live if w not in busy]

    def _start(self, wanted: int) -> None:
        """Workers started up to ``workers`` (no more than ``wanted``); a worker that died
        between inputs is replaced."""
        for worker in [w for w in self._live if w.ready and not w.alive()]:
            self._live.remove(worker)
            worker.stop()
        while len(self._live) < min(self.workers, wanted):
            self._live.append(_Worker(self.make, *self._task))

    def _heard(self, worker: _Worker, task: tuple[int, Input] | None) -> Answer | None:
        """What ``worker`` said (it was reading ``task``, or starting when None), as the
        answer to yield, if any."""
        message = worker.receive()
        if message is None:  # it died
            self._live.remove(worker)
            worker.stop()
            if task is None:  # before its engine was made: no input is lost
                self._deaths += 1
                if self._deaths >= DEATHS_IN_A_ROW:
                    raise OcrframeError(
                        f"{self._deaths} worker processes died in a row while starting (the "
                        f"last: exit code {worker.exitcode()}); see their output above"
                    )
                return None
            index, inp = task
            return Answer(index, _died(inp, worker.exitcode()))
        kind, payload, caught = message
        _warn_again(caught)
        if kind == "raised":
            where = "while starting" if task is None else f"reading {task[1].source}"
            raise OcrframeError(f"a worker process failed {where}: {payload}")
        if kind == "ready":
            worker.ready, self._deaths = True, 0
            return None
        index, _ = task
        payload.index = index
        return payload


def check_workers(workers: object) -> int:
    """``workers`` if it is a number of worker processes this system can run, else an error."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise OcrframeError(f"workers is a number of processes (1 or more), got {workers!r}")
    if workers > 1 and os.name == "nt":  # the workers' pipes are POSIX file descriptors
        raise OcrframeError("workers= needs Linux or macOS; on Windows give workers=1")
    return workers


def _stop_all(workers: list[_Worker], kill: bool = False) -> None:
    """Stop ``workers``: each asked (or killed, when its answer is not wanted), then waited
    for."""
    for worker in workers:
        worker.kill() if kill else worker.send(None)
    for worker in workers:
        worker.stop()


class _Worker:
    """One worker process and the two pipes it is given inputs and answers on.

    The worker is a fresh interpreter (``python -c``) rather than a ``multiprocessing``
    process: that would run the calling script's top level again in the worker (every script
    without an ``if __name__ == "__main__"`` guard would fail), and a forked copy would lack
    the models' runtime threads."""

    def __init__(self, make: Callable[[], Engine], endpoint: str, options: dict) -> None:
        theirs_in, mine_out = os.pipe()
        mine_in, theirs_out = os.pipe()
        # the caller's import path: the worker imports this very ocrframe, and whatever module
        # ``make`` comes from (a notebook's sys.path additions included)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, sys.path))}
        code = "import sys; from ocrframe.engines.workers import serve; serve(*sys.argv[1:])"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs_in), str(theirs_out)],
            pass_fds=(theirs_in, theirs_out),
            env=env,
        )
        os.close(theirs_in)  # the worker's ends: its death then shows as end of file here
        os.close(theirs_out)
        self.conn = Connection(mine_in, writable=False)
        self._out = Connection(mine_out, readable=False)
        self.ready = False  # it has made its engine (its "ready" message)
        self.send((make, endpoint, options))

    def send(self, item) -> None:
        with contextlib.suppress(OSError):  # it died: the end of its pipe says so
            self._out.send(item)

    def receive(self) -> tuple | None:
        """The worker's message, or None when it died."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.exitcode()
            return None

    def exitcode(self) -> int | None:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()

    def stop(self) -> None:
        """Asked to stop (None), waited for, killed if it does not stop; pipes closed."""
        self.send(None)
        if self.exitcode() is None:
            self.kill()
            self.process.wait()
        self.conn.close()
        self._out.close()


def serve(inbox: str, outbox: str) -> None:
    """A worker process: make the engine, then answer inputs until told to stop (None) or the
    calling process is gone (end of file); ``inbox``/``outbox`` are its pipes' descriptors."""
    # Ctrl-C reaches the whole process group: the calling process stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn_in = Connection(int(inbox), writable=False)
    conn_out = Connection(int(outbox), readable=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            make, endpoint, options = conn_in.recv()
            engine = make()
        except (EOFError, OSError):  # the calling process is gone
            return
        except Exception as err:  # nothing can be read: said once, the calling process stops
            conn_out.send(("raised", f"{type(err).__name__}: {err}", _said(caught)))
            return
    conn_out.send(("ready", None, _said(caught)))
    while True:
        try:
            item = conn_in.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        _, inp = item
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                answer = next(iter(engine.answer_all([inp], endpoint, options)))
            except Exception as err:
                conn_out.send(("raised", f"{type(err).__name__}: {err}", _said(caught)))
                continue
        conn_out.send(("answer", answer, _said(caught)))


def _said(caught: list[warnings.WarningMessage]) -> list[tuple[type, str]]:
    """A worker's warnings as (category, message), to be warned again by the caller."""
    return [(w.category, str(w.message)) for w in caught]


def _warn_again(caught: list[tuple[type, str]]) -> None:
    """Warnings a worker met, warned in the calling process (where filters and tests see
    them), as if they had been met there."""
    for category, message in caught:
        warnings.warn(message, category, stacklevel=2)


def _died(inp: Input, exitcode: int | None) -> dict:
    """The failed answer of an input whose worker process died reading it."""
    how = f"exit code {exitcode}" if exitcode is not None else "no exit code"
    return codes.error_response(
        codes.OCR_FAILED,
        f"{inp.source}: the worker process reading it stopped ({how}); the other inputs go on",
    )


def default_workers(inputs: int, cores: int | None = None) -> int:
    """How many worker processes pay for ``inputs`` images: one per core, at most
    :data:`MAX_DEFAULT`, when there are at least :data:`WORKERS_FROM` images (a worker takes
    a few seconds to load its models); else none besides the calling process (1).

    >>> default_workers(100, cores=2), default_workers(5, cores=2), default_workers(100, cores=1)
    (2, 1, 1)
    """
    if os.name == "nt":  # the workers' pipes are POSIX file descriptors
        return 1
    cores = cores or usable_cores()
    return max(1, min(cores, MAX_DEFAULT)) if inputs >= WORKERS_FROM else 1


def usable_cores() -> int:
    """The cores this process may run on (its affinity: a container's or ``taskset``'s
    limit), not every core of the machine."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


#: the fewest images for which ``recognize`` reads with workers by default
WORKERS_FROM = 16
#: the most workers ``recognize`` starts by default (each holds its own models in memory)
MAX_DEFAULT = 4
