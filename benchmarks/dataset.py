"""Converting 100k saved general responses to parquet: one process vs Dask with 2 workers.

    python benchmarks/dataset.py [--responses 100000] [--files 20]

The responses (three lines of about eight characters each, like a short label or a receipt
header) are written to JSONL files first. Each way runs in a fresh subprocess, and its whole
process tree's resident memory is sampled every 50 ms for the peak:

- single: ``ocrframe.read_json(files).to_parquet(dir)``
- dask:   ``ocrframe.dask.read_json_bag(files).to_parquet(dir)`` on a
  ``LocalCluster(n_workers=2, threads_per_worker=1)`` (cluster start-up included)

Both outputs are read back and compared (row counts and the character table).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

import ocrframe
from ocrframe.server.load import process_rss_mb

SINGLE = """
import sys, ocrframe
files = sys.argv[2:]
ocrframe.read_json(files).to_parquet(sys.argv[1])
"""
DASK = """
import sys, ocrframe.dask
from distributed import Client, LocalCluster
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \\
            Client(cluster):
        ocrframe.dask.read_json_bag(sys.argv[2:], files_per_partition=1).to_parquet(
            sys.argv[1], progress=False)
"""


def write_responses(folder: Path, n: int, files: int) -> list[str]:
    template = json.loads(Path(ocrframe.data_path("responses/general.json")).read_text("utf-8"))
    item = template["data"]["items"][0]
    paths = []
    per_file = -(-n // files)
    written = 0
    for f in range(files):
        path = folder / f"responses{f:03d}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for k in range(min(per_file, n - written)):
                items = []
                for line in range(3):
                    text = f"第{line}行 {k:06d}"
                    items.append(
                        {
                            **item,
                            "itemstring": text,
                            "words": [
                                {"character": ch, "confidence": 60 + (k + line) % 40} for ch in text
                            ],
                        }
                    )
                body = {**template, "data": {**template["data"], "items": items}}
                out.write(json.dumps(body, ensure_ascii=False) + "\n")
                written += 1
        paths.append(str(path))
    return paths


def peak_tree_rss(proc: subprocess.Popen) -> tuple[float, float]:
    """Wait for ``proc``; (seconds, peak MB of its process tree)."""
    measure = process_rss_mb(proc.pid)
    peak = 0.0
    start = time.perf_counter()
    while proc.poll() is None:
        try:
            peak = max(peak, measure())
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    return time.perf_counter() - start, peak


def run(code: str, out: Path, files: list[str]) -> tuple[float, float]:
    proc = subprocess.Popen([sys.executable, "-c", code, str(out), *files])
    seconds, peak = peak_tree_rss(proc)
    if proc.returncode != 0:
        raise SystemExit(f"the run failed with exit status {proc.returncode}")
    return seconds, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_responses(folder, args.responses, args.files)
        size = sum(Path(f).stat().st_size for f in files) / 2**20
        print(f"{args.responses} responses in {args.files} JSONL files ({size:.0f} MB)\n")
        print(f"{'way':8} {'seconds':>8} {'peak MB':>8} {'images':>8} {'chars':>10}")
        results = {}
        for name, code in (("single", SINGLE), ("dask", DASK)):
            seconds, peak = run(code, folder / name, files)
            back = ocrframe.read_parquet(folder / name)
            results[name] = back
            print(f"{name:8} {seconds:8.1f} {peak:8.0f} {len(back.images):8} {len(back.chars):10}")
        same = results["single"].chars["char"].equals(results["dask"].chars["char"])
        print(f"\nsame characters in both outputs: {same}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
