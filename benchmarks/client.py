"""Throughput of the legacy client against ``ocrframe serve --replay DIR --latency-ms 200``.

    python benchmarks/client.py [--n 200] [--latency-ms 200]

The server answers from recordings after a fixed delay, so the OCR engine is not what is
measured: with ``max_workers=8`` and 0.2 s per request the ideal is 8 / 0.2 = 40 requests/s.
Target: at least 85% of the ideal. ``n`` distinct images (cache off) go through
``ocrframe.recognize`` on ``general``; the table also shows 1 and 4 workers.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

import ocrframe
from ocrframe import records
from ocrframe.server.launch import LocalServer

TARGET = 0.85
#: what every image is answered with: the general page's own example, as bundled
ANSWER = json.loads(Path(ocrframe.data_path("responses/general.json")).read_text("utf-8"))


def images(n: int) -> dict[str, bytes]:
    """``n`` small, distinct PNGs."""
    out = {}
    for k in range(n):
        img = Image.new("RGB", (160, 40), "white")
        ImageDraw.Draw(img).text((8, 12), f"image number {k}", fill="black")
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        out[f"img{k:04d}.png"] = buf.getvalue()
    return out


def record_all(root: str, data: dict[str, bytes]) -> None:
    import hashlib

    for name, blob in data.items():
        sha = hashlib.sha256(blob).hexdigest()
        records.write(root, records.Record("general", {}, ANSWER, sha, source=name))


def run(url: str, data: dict[str, bytes], workers: int) -> tuple[float, int]:
    engine = ocrframe.TencentLegacy(
        "1250000000", "AKIDbench", "benchkey", "bench", base_url=url, cache=False,
        max_workers=workers,
    )  # fmt: skip
    start = time.perf_counter()
    res = ocrframe.recognize(data, engine=engine, progress=False)
    elapsed = time.perf_counter() - start
    return elapsed, int(res.images["ok"].sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=200)
    args = parser.parse_args(argv)
    data = images(args.n)
    latency = args.latency_ms / 1000
    print(f"{args.n} images, replay latency {args.latency_ms} ms, one image per request\n")
    print(f"{'workers':>7} {'seconds':>8} {'ok':>5} {'req/s':>7} {'ideal':>7} {'of ideal':>9}")
    verdict = 0
    with tempfile.TemporaryDirectory() as root:
        record_all(root, data)
        with LocalServer(
            "--no-auth", "--replay", root, "--latency-ms", str(args.latency_ms)
        ) as srv:
            run(srv.url, dict(list(data.items())[:8]), 8)  # warm-up: connections, imports
            for workers in (1, 4, 8):
                subset = data if workers == 8 else dict(list(data.items())[: workers * 10])
                elapsed, ok = run(srv.url, subset, workers)
                rate = len(subset) / elapsed
                ideal = workers / latency
                mark = ""
                if workers == 8:
                    mark = "  ok" if rate >= TARGET * ideal else "  MISSED (target 85%)"
                    verdict = 0 if rate >= TARGET * ideal and ok == len(subset) else 1
                print(
                    f"{workers:>7} {elapsed:>8.2f} {ok:>5} {rate:>7.1f} {ideal:>7.1f} "
                    f"{rate / ideal:>8.1%}{mark}"
                )
    return verdict


if __name__ == "__main__":
    sys.exit(main())
