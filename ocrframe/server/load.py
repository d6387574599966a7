"""A small, bounded load generator for ``ocrframe serve``: ``n`` requests, ``concurrency`` at a
time, with the server's memory sampled as it goes. Used by the load test and
``benchmarks/serve_load.py``; handy to size a deployment.

>>> report = LoadReport(statuses={200: 3}, codes={0: 3}, latencies=[0.1, 0.2, 0.3], rss_mb=[])
>>> report.percentile(50)
0.2
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests


@dataclass
class LoadReport:
    statuses: dict[int, int]
    codes: dict[int, int]
    latencies: list[float]
    rss_mb: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[k]

    def growth_mb(self) -> float:
        """Peak memory of the run's second half minus that of its first half: about zero when
        memory is flat (the engine's buffers go up and down with image sizes; a leak climbs)."""
        half = len(self.rss_mb) // 2
        if half == 0:
            return 0.0
        return max(self.rss_mb[half:]) - max(self.rss_mb[:half])

    def server_errors(self, allowed: tuple[int, ...] = (503,)) -> int:
        """5xx answers other than deliberate backpressure."""
        return sum(n for s, n in self.statuses.items() if s >= 500 and s not in allowed)


def run_load(
    url: str,
    files: Sequence[tuple[str, bytes]],
    n: int = 200,
    concurrency: int = 8,
    memory: Callable[[], float] | None = None,
    timeout: float = 600,
) -> LoadReport:
    """POST ``n`` multipart requests to ``url`` (``files`` in turn, one image each) with
    ``concurrency`` threads; ``memory()`` (MB) is sampled every ``n // 20`` requests."""
    statuses: Counter[int] = Counter()
    codes: Counter[int] = Counter()
    latencies: list[float] = []
    rss: list[float] = []
    lock = threading.Lock()
    turn = itertools.count()
    local = threading.local()

    def one(k: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        name, data = files[k % len(files)]
        start = time.perf_counter()
        try:
            reply = local.session.post(url, files={"image": (name, data)}, timeout=timeout)
            status = reply.status_code
            code = reply.json().get("code", 0)
        except requests.RequestException:
            status, code = -1, None  # no answer at all: counted apart from HTTP statuses
        elapsed = time.perf_counter() - start
        with lock:
            statuses[status] += 1
            if code is not None:
                codes[code] += 1
            latencies.append(elapsed)
            if memory is not None and next(turn) % max(n // 20, 1) == 0:
                rss.append(memory())

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    if memory is not None:
        rss.append(memory())
    return LoadReport(dict(statuses), dict(codes), latencies, rss, time.perf_counter() - started)


def process_rss_mb(pid: int) -> Callable[[], float]:
    """Resident memory of process ``pid`` and its children, in MB (needs psutil)."""
    import psutil

    proc = psutil.Process(pid)

    def measure() -> float:
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += child.memory_info().rss
        return total / 2**20

    return measure
