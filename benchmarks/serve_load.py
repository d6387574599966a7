"""Load on ``ocrframe serve`` (127.0.0.1 only): 200 requests, 8 at a time, as a table.

    python benchmarks/serve_load.py [--n 200] [--concurrency 8]

Three runs against fresh servers: the bundled samples through the local engine (default queue),
the same with a queue of 4 images (backpressure: deliberate 429s, never a 5xx), and replay of
recorded answers with 20 ms latency (the server's own overhead). For each: HTTP statuses,
latency percentiles, throughput, the server's resident memory after warm-up and at its peak,
and its growth: the peak of the run's second half minus the peak of its first half.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import ocrframe
from ocrframe.server.launch import LocalServer
from ocrframe.server.load import LoadReport, process_rss_mb, run_load


def sample_files() -> list[tuple[str, bytes]]:
    return [(Path(p).name, Path(p).read_bytes()) for p in ocrframe.samples()]


def measure(args: list[str], files, n: int, concurrency: int) -> tuple[LoadReport, float]:
    with LocalServer(*args) as server:
        memory = process_rss_mb(server.pid())
        url = server.url + "/ocr/general"
        warm = run_load(url, files, n=max(n // 10, 8), concurrency=concurrency, memory=memory)
        report = run_load(url, files, n=n, concurrency=concurrency, memory=memory)
    return report, warm.rss_mb[-1]


def row(name: str, report: LoadReport, warm_mb: float) -> str:
    statuses = " ".join(f"{s}:{c}" for s, c in sorted(report.statuses.items()))
    return (
        f"{name:22} {statuses:18} {report.percentile(50):7.2f} {report.percentile(95):7.2f} "
        f"{len(report.latencies) / report.seconds:7.1f} {warm_mb:8.0f} {max(report.rss_mb):8.0f} "
        f"{report.growth_mb():+7.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    files = sample_files()
    print(f"{args.n} requests, {args.concurrency} at a time, {len(files)} sample images in turn\n")
    print(
        f"{'run':22} {'statuses':18} {'p50 s':>7} {'p95 s':>7} {'req/s':>7} "
        f"{'warm MB':>8} {'peak MB':>8} {'growth':>7}"
    )
    failed = False
    with tempfile.TemporaryDirectory() as recorded:
        ocrframe.recognize(ocrframe.samples(), progress=False, save_raw=recorded)
        runs = [
            ("engine", ["--no-auth"]),
            ("engine, queue 4", ["--no-auth", "--queue", "4"]),
            ("replay, 20 ms", ["--no-auth", "--replay", recorded, "--latency-ms", "20"]),
        ]
        for name, server_args in runs:
            report, warm_mb = measure(server_args, files, args.n, args.concurrency)
            print(row(name, report, warm_mb), flush=True)
            failed |= report.server_errors() > 0 or -1 in report.statuses
    print("\n5xx other than backpressure:", "some (FAILED)" if failed else "none")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
