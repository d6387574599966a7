"""Every local model on real images, the samples, synthetic cards and hard pages, in one run.

    python benchmarks/models.py                       # every offered model
    python benchmarks/models.py --realdev PATH        # realdev elsewhere (or OCRFRAME_REALDEV)
    python benchmarks/models.py --models v6-small --variant tight=thresh:0.4,unclip_ratio:1.2

Per model (and per detection variant of v6-small) and per source it prints: line CER
(box-matched), exact lines and bag-of-characters F1 scored by realdev's own ``evaluate.py``;
seconds per image; CER on the bundled samples and on generated hard pages with the items' ECE;
field accuracy on synthetic cards; peak memory of a process reading the largest images.
Images are read by every configuration in turn, image by image, so that the machine's changing
speed falls on all of them alike; speeds are compared as ratios to the first configuration.

realdev (``../shared/realdev``) holds real images with human labels that have known errors:
use the figures to compare models and settings, never as fixed scores.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import ocrframe
from ocrframe import analysis
from ocrframe.engines.local import MODELS, LocalEngine
from ocrframe.engines.rapid_v6 import DEFAULT_DETECTION
from ocrframe.sample_images import hard_pages, synthetic

HERE = Path(__file__).resolve().parent
REALDEV = Path(os.environ.get("OCRFRAME_REALDEV", HERE.parent.parent / "shared" / "realdev"))
CARD_TARGETS = {
    "idcard_front": 0.95,
    "idcard_back": 0.95,
    "driver_licence": 0.95,
    "vehicle_licence": 0.95,
    "namecard": 0.90,
}


def load_scorer(root: Path):
    """realdev's own ``evaluate.py``, so that the figures are the ones it prints."""
    spec = importlib.util.spec_from_file_location("realdev_evaluate", root / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_variant(text: str) -> tuple[str, dict]:
    """``name=key:value,key:value`` → (name, detection changes)."""
    name, _, settings = text.partition("=")
    changes = {}
    for pair in filter(None, settings.split(",")):
        key, _, value = pair.partition(":")
        field = type(getattr(DEFAULT_DETECTION, key))
        changes[key] = value.lower() in ("1", "true", "yes") if field is bool else field(value)
    return name, changes


def make_engines(models: list[str], variants: list[str]) -> dict[str, LocalEngine]:
    found = {model: LocalEngine(model=model) for model in models}
    for text in variants:
        name, changes = parse_variant(text)
        found[name] = LocalEngine(model="v6-small", detection=replace(DEFAULT_DETECTION, **changes))
    return found


def realdev_table(engines: dict, root: Path, limit: int | None, sources=None) -> list[dict]:
    scorer = load_scorer(root)
    with open(root / "labels.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [r for r in records if not sources or r["source"] in sources][:limit]
    counts = {name: collections.defaultdict(collections.Counter) for name in engines}
    for k, record in enumerate(records, 1):
        path = str(root / record["image"])
        for name, engine in engines.items():
            start = time.perf_counter()
            res = ocrframe.recognize(path, engine=engine, progress=False)
            seconds = time.perf_counter() - start
            c = scorer.score_image(record, scorer.predictions(res))
            c.update(images=1, seconds=seconds, failed=int(not res.images["ok"].all()))
            counts[name][record["source"]].update(c)
        print(f"[{k}/{len(records)}] {record['image']}", file=sys.stderr, flush=True)
    rows = []
    for name, by_source in counts.items():
        groups = dict(by_source)
        if "mtwi" in by_source and "rects" in by_source:
            groups["mtwi+rects"] = by_source["mtwi"] + by_source["rects"]
        groups["all"] = sum(by_source.values(), collections.Counter())
        for source, c in groups.items():
            rows.append({"config": name, "source": source, **scores(c)})
    return rows


def scores(c: collections.Counter) -> dict:
    precision = c["bag_tp"] / c["bag_hyp"] if c["bag_hyp"] else 0.0
    recall = c["bag_tp"] / c["bag_gt"] if c["bag_gt"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "images": c["images"],
        "line CER": c["edits"] / c["ref_chars"] if c["ref_chars"] else float("nan"),
        "exact": c["exact"] / c["lines"] if c["lines"] else float("nan"),
        "bag F1": f1,
        "s/image": c["seconds"] / c["images"] if c["images"] else float("nan"),
    }


def samples_cer(engine) -> float:
    res = ocrframe.recognize(ocrframe.samples(), engine=engine, progress=False)
    truth = analysis.read_truth(Path(ocrframe.samples()[0]).parent / "truth.jsonl")
    return analysis.evaluate(res, truth).cer


def hard_figures(engine, pages: int, seed: int) -> tuple[float, float, float]:
    """CER, the items' ECE and seconds per page on generated hard pages."""
    with tempfile.TemporaryDirectory() as tmp:
        manifest = hard_pages.write_set(Path(tmp), n=pages, seed=seed)
        start = time.perf_counter()
        res = ocrframe.recognize(manifest["source"].tolist(), engine=engine, progress=False)
        seconds = (time.perf_counter() - start) / pages
        ev = analysis.evaluate(res, analysis.read_truth(Path(tmp) / "truth.jsonl"))
    table = analysis.intervals(ev, ["cer", "ece_items"], n_boot=50)
    value = dict(zip(table["metric"], table["estimate"]))
    return value["cer"], value["ece_items"], seconds


def card_accuracy(engine, kind: str, n: int, seed: int = 0) -> float:
    batch = synthetic.cards(kind, n, seed=seed)
    inputs = {f"{kind}_{seed + k}.jpg": card.jpeg for k, card in enumerate(batch)}
    first = batch[0]
    res = ocrframe.recognize(inputs, first.endpoint, engine, progress=False, **first.options)
    hits = total = 0
    key = "label" if first.endpoint == "drivinglicence" else "field"
    for k, card in enumerate(batch):
        items = res.items[res.items["image_id"] == res.images["image_id"].iloc[k]]
        got = dict(zip(items[key], items["text"].fillna("")))
        hits += sum(got.get(field, "") == want for field, want in card.truth.items())
        total += len(card.truth)
    return hits / total


def peak_memory(model: str, variant: str | None, images: list[str]) -> float:
    """Peak resident memory (MB) of a fresh process that loads ``model`` and reads ``images``."""
    code = (
        "import resource, sys, ocrframe\n"
        "from benchmarks.models import make_engines\n"
        "engine = next(iter(make_engines(*__import__('json').loads(sys.argv[1])).values()))\n"
        "ocrframe.recognize(sys.argv[2:], engine=engine, progress=False)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    spec = json.dumps([[], [variant]] if variant else [[model], []])
    out = subprocess.run(
        [sys.executable, "-c", code, spec, *images],
        capture_output=True, text=True, check=True, cwd=HERE.parent,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def largest(root: Path, n: int = 4) -> list[str]:
    files = sorted(root.glob("*/*.jpg"), key=lambda p: p.stat().st_size, reverse=True)
    return [str(p) for p in files[:n]]


def markdown(rows: list[dict], columns: list[str]) -> str:
    def cell(value):
        if isinstance(value, float):
            return f"{value:.3f}" if value < 10 else f"{value:.0f}"
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdev", type=Path, default=REALDEV)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--variant", action="append", default=[], help="name=key:value,...")
    parser.add_argument("--limit", type=int, help="only the first N realdev images")
    parser.add_argument("--source", action="append", help="only this realdev source; repeatable")
    parser.add_argument("--cards", type=int, default=30, help="synthetic cards per kind")
    parser.add_argument("--hard", type=int, default=42, help="generated hard pages")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-realdev", action="store_true", help="only the other measurements")
    args = parser.parse_args(argv)
    if not (args.realdev / "labels.jsonl").is_file():
        parser.error(f"{args.realdev}: no realdev set there (labels.jsonl); give --realdev")
    engines = make_engines(args.models, args.variant)
    for engine in engines.values():  # load and warm every model outside the timed calls
        ocrframe.recognize(ocrframe.samples()[0], engine=engine, progress=False)
    if not args.no_realdev:
        print_realdev(realdev_table(engines, args.realdev, args.limit, args.source))
    other = [other_figures(name, engine, args) for name, engine in engines.items()]
    print(f"\n## samples, {args.hard} hard pages, {args.cards} synthetic cards per kind, memory\n")
    print(markdown(other, list(other[0])))
    targets = ", ".join(f"{kind} >= {goal:.0%}" for kind, goal in CARD_TARGETS.items())
    print(f"\ntargets: samples CER <= 2%; {targets}")
    return 0


def print_realdev(rows: list[dict]) -> None:
    base = {r["source"]: r["s/image"] for r in rows if r["config"] == rows[0]["config"]}
    for row in rows:
        row["speed vs first"] = row["s/image"] / base[row["source"]]
    print("\n## realdev (line CER box-matched; exact lines; bag-of-characters F1)\n")
    columns = [
        "config",
        "source",
        "images",
        "line CER",
        "exact",
        "bag F1",
        "s/image",
        "speed vs first",
    ]
    print(markdown(rows, columns))


def other_figures(name: str, engine, args) -> dict:
    cer, ece, seconds = hard_figures(engine, args.hard, seed=0)
    row = {"config": name, "samples CER": samples_cer(engine), "hard CER": cer, "hard ECE": ece,
           "hard s/page": seconds}  # fmt: skip
    for kind in CARD_TARGETS:
        row[kind] = card_accuracy(engine, kind, args.cards)
    if not args.no_memory:
        variant = next((v for v in args.variant if v.startswith(name + "=")), None)
        row["peak MB"] = peak_memory(name, variant, largest(args.realdev))
    return row


if __name__ == "__main__":
    raise SystemExit(main())
