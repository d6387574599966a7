"""Card field accuracy of the local engine on synthetic cards, as a per-field table.

    python benchmarks/cards.py [--n 50] [--seed 0] [--kinds idcard_front namecard ...]

Each kind gets ``n`` cards from ``ocrframe.sample_images.synthetic`` (varied names, addresses,
dates and layouts; slight rotation, blur and JPEG noise). They go through ``ocrframe.recognize``
on the card endpoint, and each field is compared with the truth by exact match. Targets (issue
#4): 95% per field for ID cards and licences, 90% for business cards. Exit status 1 when a field
misses its target; the misses are listed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

import ocrframe
from ocrframe.sample_images import synthetic

TARGET = {"namecard": 0.90}
DEFAULT_TARGET = 0.95


def read_back(res: ocrframe.OcrResult, k: int, card: synthetic.Card) -> dict[str, str]:
    """The fields of image ``k`` keyed like ``card.truth`` (page labels for licences)."""
    image_id = res.images["image_id"].iloc[k]
    items = res.items[res.items["image_id"] == image_id]
    key = "label" if card.endpoint == "drivinglicence" else "field"
    return dict(zip(items[key], items["text"].fillna("")))


def run_kind(kind: str, n: int, seed: int):
    batch = synthetic.cards(kind, n, seed=seed)
    first = batch[0]
    inputs = {f"{kind}_{seed + k}.jpg": c.jpeg for k, c in enumerate(batch)}
    start = time.perf_counter()
    res = ocrframe.recognize(inputs, endpoint=first.endpoint, progress=False, **first.options)
    seconds = time.perf_counter() - start
    hits: collections.Counter[str] = collections.Counter()
    misses = []
    for k, card in enumerate(batch):
        got = read_back(res, k, card)
        for field, want in card.truth.items():
            if got.get(field, "") == want:
                hits[field] += 1
            else:
                misses.append((kind, seed + k, field, want, got.get(field)))
    return hits, misses, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", nargs="*", default=list(synthetic.KINDS))
    args = parser.parse_args(argv)
    failed = False
    print(f"{'kind':16} {'field':8} {'exact':>9} {'rate':>6} {'target':>6}")
    all_misses = []
    for kind in args.kinds:
        hits, misses, seconds = run_kind(kind, args.n, args.seed)
        all_misses += misses
        target = TARGET.get(kind, DEFAULT_TARGET)
        for field in synthetic.make(kind, args.seed).truth:
            rate = hits[field] / args.n
            mark = "" if rate >= target else "  MISSED"
            failed |= rate < target
            print(
                f"{kind:16} {field:8} {hits[field]:>4}/{args.n:<4} {rate:6.1%} {target:6.0%}{mark}"
            )
        print(f"{kind:16} ({seconds / args.n:.2f} s per card)")
    if all_misses:
        print("\nmisses (kind, seed, field, truth, read):")
        for miss in all_misses:
            print("  ", miss)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
