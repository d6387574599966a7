"""Parse speed and memory: ``ocrframe.read_json(...).chars`` against the obvious pandas code.

Generates general-OCR responses (25 lines x up to 30 characters each) as JSONL, then times, in
the same rounds, the baseline (``json.loads`` + ``pd.json_normalize(data.items,
record_path="words")`` per response, then ``pd.concat``) and ocrframe. Prints a table with the
median speed ratio over the rounds and the bytes per character of the chars frame
(``memory_usage(deep=True)``). Targets: >= 20x, < 64 B/char.

    python benchmarks/parse.py [--responses 3000] [--rounds 9] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import ocrframe

ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研"
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
TARGET_RATIO = 20.0
TARGET_BYTES = 64.0


def make_jsonl(path: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` general responses to ``path``; returns the number of characters."""
    rng = random.Random(seed)
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for k in range(n):
            items = []
            for line in range(25):
                text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))
                total += len(text)
                items.append(
                    {
                        "itemstring": text,
                        "itemcoord": {
                            "x": 20,
                            "y": 30 * line,
                            "width": 24 * len(text),
                            "height": 28,
                        },
                        "words": [
                            {"character": c, "confidence": round(rng.uniform(50, 100), 4)}
                            for c in text
                        ],
                    }
                )
            response = {"data": {"items": items, "session_id": f"s{k}"}, "code": 0, "message": "OK"}
            out.write(json.dumps(response, ensure_ascii=False) + "\n")
    return total


def baseline(path: Path) -> pd.DataFrame:
    frames = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            frames.append(pd.json_normalize(json.loads(line)["data"]["items"], record_path="words"))
    return pd.concat(frames, ignore_index=True)


def ours(path: Path) -> pd.DataFrame:
    return ocrframe.read_json(path).chars


def timed(fn, path: Path) -> float:
    """Seconds for one call, starting from a collected heap and keeping nothing alive."""
    gc.collect()
    start = time.perf_counter()
    fn(path)
    return time.perf_counter() - start


def paired_rounds(path: Path, rounds: int, repeat: int) -> list[tuple[float, float, float]]:
    """``(baseline, ours right after it, best of ours)`` seconds per round.

    The speed of this shared machine drifts by a quarter within a minute, so both methods are
    timed in every round and compared within it: a baseline run, then ``repeat`` runs of ours,
    best of them (timeit's method for short calls). The first of them follows the baseline
    directly and is reported on its own: the allocator has just given its pages back, as in a
    notebook that does other work between reads.
    """
    timed(ours, path)  # warm-up: imports, Arrow's thread pool
    out = []
    for _ in range(rounds):
        t_base = timed(baseline, path)
        runs = [timed(ours, path) for _ in range(repeat)]
        out.append((t_base, runs[0], min(runs)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=5, help="runs of ocrframe per round")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "general.jsonl"
        n_chars = make_jsonl(path, args.responses)
        rounds = paired_rounds(path, args.rounds, args.repeat)
        base, chars = baseline(path), ours(path)
    assert len(base) == len(chars) == n_chars, (len(base), len(chars), n_chars)
    b_base = base.memory_usage(deep=True).sum() / n_chars
    b_ours = chars.memory_usage(deep=True).sum() / n_chars
    ratios = [b / o for b, _, o in rounds]
    cold = [b / c for b, c, _ in rounds]
    ratio = statistics.median(ratios)

    def med(k: int) -> float:
        return statistics.median(r[k] for r in rounds)

    print(
        f"{args.responses} responses, {n_chars} characters; {args.rounds} rounds of one baseline"
        f" run and {args.repeat} ocrframe runs (best of them); medians over rounds\n"
    )
    print(f"{'method':<42}{'seconds':>10}{'B/char':>10}{'speed-up':>10}")
    rows = [
        ("json_normalize + concat (baseline)", med(0), b_base, 1.0),
        ("ocrframe.read_json(...).chars", med(2), b_ours, ratio),
        ("  same, right after a baseline run", med(1), b_ours, statistics.median(cold)),
    ]
    for name, secs, bpc, r in rows:
        print(f"{name:<42}{secs:>10.3f}{bpc:>10.1f}{r:>9.1f}x")
    print("\nspeed-up per round: " + ", ".join(f"{r:.1f}x" for r in ratios))
    ok = ratio >= TARGET_RATIO and b_ours < TARGET_BYTES
    print(
        f"target: median >= {TARGET_RATIO:.0f}x and < {TARGET_BYTES:.0f} B/char:"
        f" {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
