"""Which resolution PDF pages should be rendered at: real scans, read at several resolutions.

Each scanned receipt of ``../shared/realdev/sroie`` (real scans with human ground truth) is put
into a PDF page of a receipt's width (80 mm), as a scanner's PDF holds it, and that page is
rendered at each resolution, recognised, and scored as ``realdev/evaluate.py`` scores it (the
labels' boxes scaled to the rendered page): line CER, exact lines, bag-of-characters F1 and
seconds per page, in one run. The realdev folder is not part of the repository: pass
``--realdev DIR`` when it is elsewhere.

    python benchmarks/pdf_dpi.py [--dpi 100 150 200 300] [--limit 30]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from PIL import Image

import ocrframe

RECEIPT_WIDTH_INCHES = 80 / 25.4


def load_evaluate(realdev: Path):
    spec = importlib.util.spec_from_file_location("evaluate", realdev / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scaled(record: dict, factor: float) -> dict:
    lines = [
        {**line, "box": None if line["box"] is None else [v * factor for v in line["box"]]}
        for line in record["lines"]
    ]
    return {**record, "lines": lines}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdev", default=str(Path(__file__).resolve().parents[2] / "shared" / "realdev")
    )
    parser.add_argument("--dpi", type=int, nargs="+", default=[100, 150, 200, 300])
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args(argv)
    realdev = Path(args.realdev)
    if not (realdev / "labels.jsonl").exists():
        print(f"skipped: no realdev folder at {realdev} (pass --realdev DIR)")
        return 0
    evaluate = load_evaluate(realdev)
    records = [json.loads(line) for line in (realdev / "labels.jsonl").read_text().splitlines()]
    records = [r for r in records if r["source"] == "sroie"][: args.limit]
    ocrframe.recognize(ocrframe.samples()[0], progress=False)  # warm-up
    totals = {dpi: Counter() for dpi in args.dpi}
    seconds = dict.fromkeys(args.dpi, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for record in records:
            image = Image.open(realdev / record["image"]).convert("RGB")
            scan_dpi = image.width / RECEIPT_WIDTH_INCHES
            pdf = Path(tmp) / "receipt.pdf"
            image.save(pdf, resolution=scan_dpi)
            for dpi in args.dpi:
                start = time.perf_counter()
                res = ocrframe.recognize(pdf, dpi=dpi, progress=False)
                seconds[dpi] += time.perf_counter() - start
                factor = int(res.images.loc[0, "image_width"]) / image.width
                found = evaluate.score_image(scaled(record, factor), evaluate.predictions(res))
                totals[dpi].update(found)
    print(
        f"{len(records)} sroie receipts, each an 80 mm wide PDF page (scans of "
        "140-600 dpi), rendered at:"
    )
    print()
    print("| dpi | line CER | exact | bag F1 | s/page |")
    print("| --- | --- | --- | --- | --- |")
    for dpi in args.dpi:
        c = totals[dpi]
        cer = c["edits"] / max(c["ref_chars"], 1)
        exact = c["exact"] / max(c["lines"], 1)
        precision = c["bag_tp"] / max(c["bag_hyp"], 1)
        recall = c["bag_tp"] / max(c["bag_gt"], 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(f"| {dpi} | {cer:.1%} | {exact:.1%} | {f1:.3f} | {seconds[dpi] / len(records):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
