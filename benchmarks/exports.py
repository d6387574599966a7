"""What writing the files for other tools costs next to recognising the pictures they describe.

The nine bundled samples are recognised (the baseline), then written as hOCR, ALTO, PAGE XML,
a searchable PDF, Label Studio tasks and one parquet directory, in alternating rounds of one
run; each writer's median time is printed with its share of the recognition's median time.
Target: each under 5 %.

    python benchmarks/exports.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import ocrframe

TARGET = 0.05
WRITERS = {
    "hOCR": lambda res, d: res.to_hocr(d / "hocr"),
    "ALTO": lambda res, d: res.to_alto(d / "alto"),
    "PAGE XML": lambda res, d: res.to_page_xml(d / "page"),
    "searchable PDF": lambda res, d: res.to_pdf(d / "samples.pdf"),
    "Label Studio": lambda res, d: res.to_label_studio(d / "tasks.json"),
    "parquet": lambda res, d: res.to_parquet(d / "parquet"),
}


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(rounds: int) -> int:
    samples = ocrframe.samples()
    result = ocrframe.recognize(samples, progress=False)  # warm: models and fonts loaded
    with tempfile.TemporaryDirectory() as tmp:
        for write in WRITERS.values():
            write(result, Path(tmp))
    recognising: list[float] = []
    writing: dict[str, list[float]] = {name: [] for name in WRITERS}
    for _ in range(rounds):
        recognising.append(timed(lambda: ocrframe.recognize(samples, progress=False)))
        with tempfile.TemporaryDirectory() as tmp:
            for name, write in WRITERS.items():
                writing[name].append(timed(lambda w=write: w(result, Path(tmp))))
    base = statistics.median(recognising)
    print(f"recognising the {len(samples)} samples: median {base:.2f} s over {rounds} rounds")
    print(f"{'file':<16}{'median s':>10}{'share':>9}  target < {TARGET:.0%}")
    worst = 0.0
    for name, times in writing.items():
        share = statistics.median(times) / base
        worst = max(worst, share)
        print(f"{name:<16}{statistics.median(times):>10.3f}{share:>9.1%}")
    ok = worst < TARGET
    print(f"{'met' if ok else 'NOT met'}: the dearest writer costs {worst:.1%} of recognising")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    raise SystemExit(main(parser.parse_args().rounds))
