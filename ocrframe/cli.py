"""The ``ocrframe`` command: ``ocrframe convert`` and ``ocrframe demo``.

    ocrframe convert responses/*.jsonl -o results/          # a parquet result directory
    ocrframe convert saved.json -o items.csv --level items   # one table as CSV
    ocrframe demo                                            # the bundled samples, end to end

Exit status 0 on success; 2 with a one-line message on bad arguments or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__, data_path
from .errors import OcrframeError
from .reading import read_json
from .result import OcrResult

LEVELS = ("images", "items", "chars")


def summary(result: OcrResult) -> pd.DataFrame:
    """Per image: source, endpoint, code, items, characters, mean and minimum confidence."""
    low = result.items.groupby("image_id")["confidence"].min()
    out = result.images[
        ["image_id", "source", "endpoint", "code", "n_items", "n_chars", "mean_confidence"]
    ].copy()
    out["min_confidence"] = low.reindex(out["image_id"]).array
    return out.set_index("image_id")


def write(result: OcrResult, out: Path, level: str) -> Path:
    """Write ``result`` to ``out``: a parquet directory (no suffix or ``.parquet``), ``.csv``
    (the ``level`` table) or ``.jsonl`` (the raw responses, one per line)."""
    suffix = out.suffix.lower()
    if suffix in ("", ".parquet"):
        return result.to_parquet(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        getattr(result, level).to_csv(out, index=False)
    elif suffix == ".jsonl":
        out.write_text("".join(t + "\n" for t in result.raw.texts), encoding="utf-8")
    else:
        raise OcrframeError(f"{out}: unknown output type {suffix!r} (use .parquet, .csv or .jsonl)")
    return out


def _show(result: OcrResult, level: str) -> None:
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_rows", 60):
        print(result)
        print(summary(result).to_string())
        if level != "images":
            print()
            print(getattr(result, level).to_string(max_rows=60))


def cmd_convert(args: argparse.Namespace) -> int:
    result = read_json(args.responses, endpoint=args.endpoint)
    if args.output:
        path = write(result, Path(args.output), args.level)
        print(f"wrote {path} ({len(result.images)} images, {len(result.items)} items)")
    else:
        _show(result, args.level)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    result = read_json(data_path("responses/*.json"))
    _show(result, "items")
    path = result.to_parquet(Path(args.out) / "demo.parquet")
    print(f"\nwrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ocrframe", description="OCR results as tidy DataFrames.")
    p.add_argument("--version", action="version", version=f"ocrframe {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    conv = sub.add_parser("convert", help="turn saved JSON/JSONL responses into the tables")
    conv.add_argument("responses", nargs="+", help="files, globs or directories")
    conv.add_argument("-e", "--endpoint", help="the responses' format (detected when omitted)")
    conv.add_argument("-o", "--output", help="OUT.parquet (directory), OUT.csv or OUT.jsonl")
    conv.add_argument("--level", choices=LEVELS, default="items", help="table for CSV/printing")
    conv.set_defaults(run=cmd_convert)

    demo = sub.add_parser("demo", help="run on the bundled samples and show the result")
    demo.add_argument("--out", default="out", help="folder for demo.parquet (default: out)")
    demo.set_defaults(run=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except OcrframeError as err:
        print(f"ocrframe: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
