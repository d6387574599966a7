"""The ``ocrframe`` command: ``recognize``, ``convert``, ``demo`` and ``serve``.

    ocrframe recognize scans/*.png -o results/              # OCR with the local engine
    ocrframe recognize scans/ -o results/ --resume           # continue after a crash
    ocrframe recognize card.jpg -e minorlanguage --language fre
    ocrframe convert responses/*.jsonl -o results/          # saved responses -> parquet
    ocrframe convert saved.json -o items.csv --level items   # one table as CSV
    ocrframe demo                                            # the bundled samples, end to end
    ocrframe serve --no-auth                                 # the legacy HTTP API, offline

Exit status: 0 on success; 1 when some images failed (the output is still written, failures
are rows with their code); 2 with a one-line message on bad arguments or unreadable input;
141 when the output pipe closed early (`... | head`).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from .core.version import __version__
from .dataset import OcrDataset
from .endpoints import CHOICES, DEFAULT_MODEL, ENGINES, LAYOUTS, MODELS, check_model
from .engines.replay import ReplayEngine
from .errors import OcrframeError
from .export.csv import write_csv
from .export.parquet import write_parquet
from .inputs.images import check_readable, expand
from .inputs.pages import DEFAULT_DPI, MAX_PIXELS
from .reading.responses import JSON_SUFFIXES, XML_SUFFIXES, expand_paths, read_json, read_xml
from .recognize import recognize
from .result import OcrResult, concat
from .sample_images.bundled import samples

LEVELS = ("images", "items", "chars", "cells", "blocks")


def summary(result: OcrResult) -> pd.DataFrame:
    """Per image: source, page, endpoint, code, items, characters, mean and minimum confidence."""
    low = result.items.groupby("image_id")["confidence"].min()
    out = result.images[
        ["image_id", "source", "page", "endpoint", "code", "n_items", "n_chars", "mean_confidence"]
    ].copy()
    out["min_confidence"] = low.reindex(out["image_id"]).array
    return out.set_index("image_id")


OUTPUT_SUFFIXES = ("", ".parquet", ".csv", ".jsonl", ".pdf")
#: --to: the files for other tools, written into -o DIR
FORMATS = ("hocr", "alto", "page_xml", "label_studio", "text")


def check_output(out: str | None, to: str | None = None) -> None:
    """Refuse an output path ocrframe cannot write before any work is done."""
    if out is None:
        if to is not None:
            raise OcrframeError(f"--to {to} needs -o DIR, the folder to write the files into")
        return
    suffix = Path(out).suffix.lower()
    if to is not None:
        if suffix and not (to == "label_studio" and suffix == ".json"):
            raise OcrframeError(f"--to {to} writes files into -o DIR, not into {out}")
    elif suffix not in OUTPUT_SUFFIXES:
        raise OcrframeError(
            f"{out}: unknown output type {suffix!r} (use DIR, .parquet, .csv, .jsonl or .pdf, "
            "or --to FORMAT)"
        )
    existing = next((p for p in Path(out).absolute().parents if p.exists()), None)
    if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK)):
        raise OcrframeError(f"{out}: cannot write there ({existing} is not a writable directory)")


def write(result: OcrResult, out: Path, level: str, to: str | None = None) -> Path:
    """Write ``result`` to ``out``: a directory (no suffix: every table and the raw responses,
    what ``ocrframe.read_parquet`` reads), ``.parquet`` or ``.csv`` (one file of the ``level``
    table with its image columns), ``.jsonl`` (the raw responses, one per line), ``.pdf`` (a
    searchable PDF), or with ``to`` the files of another tool's format in directory ``out``."""
    check_output(str(out), to)
    suffix = out.suffix.lower()
    if to == "label_studio":
        return result.to_label_studio(out if suffix == ".json" else out / "tasks.json")
    if to is not None:
        getattr(result, f"to_{to}")(out)
        return out
    if suffix == "":
        return result.to_parquet(out)
    if suffix == ".pdf":
        return result.to_pdf(out)
    if suffix == ".parquet":
        return write_parquet(result, out, level)
    if suffix == ".csv":
        return write_csv(result, out, level)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".jsonl":
        lines = [_one_line(t, k) for k, t in enumerate(result.raw.texts)]
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return out


def _one_line(text: str, response_id: int) -> str:
    """A raw response as one JSONL line: as it came when it is one line, else the same JSON
    without its line breaks (a pretty-printed ``.json`` file)."""
    if "\n" not in text and "\r" not in text:
        return text
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except json.JSONDecodeError:  # Tesseract TSV or hOCR: text, not JSON
        raise OcrframeError(
            f"response {response_id} is a text format (Tesseract TSV or hOCR), which a .jsonl "
            "file cannot hold; write .parquet instead"
        ) from None


def _show(result: OcrResult, level: str) -> None:
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_rows", 60):
        print(result)
        print(summary(result).to_string())
        rows = getattr(result, level)
        if level != "images":
            print()
            print(rows.to_string(max_rows=60) if len(rows) else f"(no {level})")


def _finish(result: OcrResult, output: str | None, level: str, to: str | None = None) -> int:
    """Write or print ``result``; exit 1 when some images failed."""
    if output:
        path = write(result, Path(output), level, to)
        print(f"wrote {path} ({len(result.images)} images, {len(result.items)} items)")
    else:
        _show(result, level)
    failed = result.images[~result.images["ok"]]
    if len(failed):
        first = failed.iloc[0]
        print(
            f"ocrframe: {len(failed)} of {len(result.images)} images failed "
            f"(first: {first['source']}: {first['code']} {first['message']})",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_recognize(args: argparse.Namespace) -> int:
    check_output(args.output, args.to)
    dataset_out = bool(args.output) and Path(args.output).suffix == "" and args.to is None
    if not dataset_out and (args.resume or args.retry_failed or args.batch_size is not None):
        raise OcrframeError(
            "--resume, --retry-failed and --batch-size need -o DIR (a dataset directory, "
            "no suffix); -o FILE.parquet writes one table"
        )
    # files that do not exist or cannot be opened are bad arguments: said before the engine loads
    check_readable(expand(args.images, pages=args.pages, dpi=args.dpi, max_pixels=args.max_pixels))
    options = {
        k: v
        for k, v in (
            ("language", args.language),
            ("card_type", args.card_type),
            ("type", args.type),
            ("ret_image", args.ret_image),
        )
        if v is not None
    }
    if args.replay is not None and (args.engine, args.model, args.layout) != (None,) * 3:
        raise OcrframeError(
            "--replay answers from records: it takes no --engine, --model or --layout"
        )
    common = {
        "endpoint": args.endpoint,
        "engine": ReplayEngine(args.replay) if args.replay else args.engine or "local",
        "model": args.model,
        "layout": args.layout,
        "progress": not args.no_progress,
        "save_raw": args.save_raw,
        "pages": args.pages,
        "dpi": args.dpi,
        "text_layer": args.text_layer,
        "max_pixels": args.max_pixels,
        "workers": args.workers,
        "threads": args.threads,
        **options,
    }
    if dataset_out:
        # a directory is written as a dataset, part by part: resumable, memory-bounded
        dataset = recognize(
            args.images,
            out=args.output,
            resume=args.resume,
            retry_failed=args.retry_failed,
            batch_size=args.batch_size,
            **common,
        )
        return _finish_dataset(dataset)
    return _finish(recognize(args.images, **common), args.output, args.level, args.to)


def _finish_dataset(dataset: OcrDataset) -> int:
    entries = dataset.entries()
    failed = [e for e in entries if not e["ok"]]
    print(f"wrote {dataset.path} ({len(entries)} images, {len(failed)} failed)")
    if failed:
        first = failed[0]
        print(
            f"ocrframe: {len(failed)} of {len(entries)} images failed (first: {first['source']}: "
            f"code {first['code']}); --retry-failed re-runs them",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    check_output(args.output, args.to)
    # a directory or glob may hold both kinds: split the files, not the arguments
    found = expand_paths(args.responses, JSON_SUFFIXES + XML_SUFFIXES)
    xml = [p for p in found if p.suffix.lower() in XML_SUFFIXES]
    json_ = [p for p in found if p.suffix.lower() not in XML_SUFFIXES]
    parts = [read_json(json_, endpoint=args.endpoint, errors="row")] if json_ else []
    if xml:
        parts.append(read_xml(xml, endpoint=args.endpoint, errors="row"))
    return _finish(concat(parts), args.output, args.level, args.to)


def cmd_demo(args: argparse.Namespace) -> int:
    print("recognising the bundled samples with the local engine (RapidOCR, offline) ...")
    result = recognize(samples(), progress=False)
    for table in _demo_tables(result):
        print(table, end="\n\n")
    path = result.to_parquet(Path(args.out) / "demo")
    print(f"\nwrote {path}  (ocrframe.read_parquet({str(path)!r}) reads it back)")
    picture = _annotated(result, Path(args.out) / "demo.png")
    print(f"wrote {picture}  (the samples with their boxes, coloured by confidence)")
    return 0


def _demo_tables(result: OcrResult, width: int = 80) -> list[str]:
    """The demo's two tables, each line at most ``width`` terminal columns (a Chinese
    character takes two), so that a terminal or a log shows them whole."""
    per_image = summary(result).reset_index()
    images = pd.DataFrame(
        {
            "image": per_image["image_id"],
            "file": per_image["source"].map(lambda s: fit(Path(s).name, 26)),
            "code": per_image["code"],
            "items": per_image["n_items"],
            "chars": per_image["n_chars"],
            "mean conf": per_image["mean_confidence"].round(3),
            "min conf": per_image["min_confidence"].round(3),
        }
    )
    items = result.items[["image_id", "item_id", "text", "confidence"]].assign(
        text=lambda d: d["text"].map(lambda t: fit(t, 44)),
        confidence=lambda d: d["confidence"].round(3),
    )
    with pd.option_context("display.width", width, "display.unicode.east_asian_width", True):
        return [
            images.to_string(index=False),
            items.to_string(index=False, max_rows=40),
        ]


def fit(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` terminal columns (wide characters count two), ending in …

    >>> fit("通用文字识别服务", 9), fit("receipt.png", 20)
    ('通用文字…', 'receipt.png')
    """
    if display_width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > columns - 1:  # room for the ellipsis
            break
        out += ch
    return out + "…"


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: two for wide (CJK) characters, one for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401

        from .server import ServerConfig, run
    except ImportError as err:
        raise OcrframeError(
            f"ocrframe serve needs the server extra ({err.name} is missing): "
            'pip install "ocrframe[serve]"'
        ) from None
    check_listen(args.host, args.port)
    config = ServerConfig.from_environment(
        appid=args.appid,
        secret_id=args.secret_id,
        secret_key=args.secret_key,
        bucket=args.bucket,
        auth=False if args.no_auth else None,
        engine=args.engine,
        model=args.model,
        queue=args.queue,
        replay=args.replay,
        latency_ms=args.latency_ms,
        max_body=args.max_body_mb * 1024 * 1024 if args.max_body_mb else None,
        allow_private_urls=True if args.allow_private_urls else None,
    )
    where = f"http://{args.host}:{args.port}"
    model = f" ({config.model})" if config.model else ""
    mode = f"replaying {config.replay}" if config.replay else f"engine {config.engine}{model}"
    auth = "signature required" if config.auth else "no authorisation (--no-auth)"
    print(f"ocrframe serve: {where}/ocr/<endpoint>, {mode}, {auth}", flush=True)
    run(config, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


def check_listen(host: str, port: int) -> None:
    """Refuse an address the server could not listen on, before the engine loads."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise OcrframeError(f"--host {host}: not an address of this machine ({err})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as err:
            reason = "address already in use" if err.errno == errno.EADDRINUSE else err.strerror
            raise OcrframeError(f"cannot listen on {host}:{port}: {reason}") from None


def _annotated(result: OcrResult, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # a file, not a window: works on a machine with no screen
    fig = result.show(n=9, cols=3)
    fig.savefig(path, dpi=70)
    return path


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad argument said in one line (and exit 2), like every other error."""

    def error(self, message: str):
        self.exit(2, f"ocrframe: error: {message} (see {self.prog} --help)\n")


def _number(low: int, high: int | None = None, what: str = "a number"):
    """An argparse type: an integer from ``low`` (to ``high``), named ``what`` in the error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bounds = f"{low}-{high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} ({bounds})")
        return value

    return parse


MODEL_HELP = (
    f"the local engine's model: {', '.join(MODELS)} ({DEFAULT_MODEL}), or a folder of PP-OCR "
    "model files (det, rec, optional cls .onnx)"
)


def local_model(text: str) -> str:
    """``--model``: a model the local engine offers, or a folder of model files."""
    try:
        return check_model(text)
    except OcrframeError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def page_list(text: str) -> list[int]:
    """An argparse type: ``--pages 1,3-5`` as ``[1, 3, 4, 5]`` (1-based, as viewers count).

    >>> page_list("1,3-5")
    [1, 3, 4, 5]
    """
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            low = high = 0
        if low < 1 or high < low:
            raise argparse.ArgumentTypeError(f"{text!r} is not a list of pages such as 1,3-5")
        out += range(low, high + 1)
    return out


PORT = _number(0, 65535, "a port")
COUNT = _number(1, None, "a count")
MILLISECONDS = _number(0, None, "a delay in ms")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ocrframe", description="OCR results as tidy DataFrames.")
    p.add_argument("--version", action="version", version=f"ocrframe {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    rec = sub.add_parser("recognize", help="run OCR on images and write or print the tables")
    rec.add_argument("images", nargs="+", help="image or PDF files, globs, directories or URLs")
    rec.add_argument(
        "--pages", type=page_list, help="pages of PDFs and multi-page TIFFs: 1,3-5 (all)"
    )
    rec.add_argument(
        "--dpi", type=_number(36, 1200, "a resolution"), default=DEFAULT_DPI,
        help=f"resolution PDF pages are rendered at ({DEFAULT_DPI})",
    )  # fmt: skip
    rec.add_argument(
        "--max-pixels", type=_number(1, None, "a number of pixels"), default=MAX_PIXELS,
        help=f"larger images are failed rows, larger PDF pages rendered at a lower dpi "
        f"({MAX_PIXELS:,})",
    )  # fmt: skip
    rec.add_argument(
        "--text-layer", choices=("auto", "never", "only"), default="auto",
        help="a PDF page's own text layer: read where it has one, else OCR (auto); never: "
        "always OCR; only: text layers only",
    )  # fmt: skip
    rec.add_argument("-e", "--endpoint", default="general", help="endpoint shape (general)")
    rec.add_argument("--engine", choices=ENGINES, help="local (default)")
    rec.add_argument("--model", type=local_model, help=MODEL_HELP)
    rec.add_argument(
        "--layout", choices=LAYOUTS,
        help="how the local engine finds blocks and tables (auto); table: each picture is a "
        "table; geometry: no layout model; model: the layout model on every page",
    )  # fmt: skip
    rec.add_argument(
        "-o", "--output", help="DIR (a dataset), OUT.parquet or OUT.csv (one table), OUT.jsonl"
    )
    rec.add_argument(
        "--level", choices=LEVELS, default="items", help="the table of OUT.parquet/OUT.csv"
    )
    rec.add_argument("--to", choices=FORMATS, help="write these files into -o DIR instead")
    rec.add_argument("--language", choices=CHOICES["language"], help="minorlanguage (zh)")
    rec.add_argument(
        "--card-type", type=int, choices=(0, 1), help="idcard: 0 photo side, 1 emblem side"
    )
    rec.add_argument("--type", type=int, choices=(0, 1), help="drivinglicence: 0 vehicle, 1 driver")
    rec.add_argument("--ret-image", type=int, choices=(0, 1), help="namecard: 1 returns the image")
    rec.add_argument("--no-progress", action="store_true", help="no progress bar")
    rec.add_argument(
        "--save-raw", metavar="DIR", help="also save each answer as a record (for --replay)"
    )
    rec.add_argument(
        "--replay", metavar="DIR", help="answer from the records of an earlier --save-raw"
    )
    rec.add_argument("--resume", action="store_true", help="continue the dataset in -o DIR")
    rec.add_argument(
        "--retry-failed", action="store_true", help="resume, re-running the failed images too"
    )
    rec.add_argument("--batch-size", type=COUNT, help="images per committed part of -o DIR (100)")
    rec.add_argument(
        "--workers", type=COUNT,
        help="processes reading at once (one per core, at most 4, for 16 images or more)",
    )  # fmt: skip
    rec.add_argument(
        "--threads", type=COUNT, help="threads per model (the cores shared out among workers)"
    )
    rec.set_defaults(run=cmd_recognize)

    conv = sub.add_parser("convert", help="turn saved JSON/JSONL responses into the tables")
    conv.add_argument(
        "responses", nargs="+", help="JSON/JSONL responses, hOCR/ALTO/PAGE files, globs, folders"
    )
    conv.add_argument("-e", "--endpoint", help="the responses' format (detected when omitted)")
    conv.add_argument(
        "-o", "--output", help="DIR (every table), OUT.parquet or OUT.csv (one table), OUT.jsonl"
    )
    conv.add_argument(
        "--level", choices=LEVELS, default="items", help="the table of OUT.parquet/OUT.csv"
    )
    conv.add_argument("--to", choices=FORMATS, help="write these files into -o DIR instead")
    conv.set_defaults(run=cmd_convert)

    demo = sub.add_parser("demo", help="run on the bundled samples and show the result")
    demo.add_argument("--out", default="out", help="folder for demo/ and demo.png (default: out)")
    demo.set_defaults(run=cmd_demo)
    serve = sub.add_parser("serve", help="serve the legacy OCR HTTP API with the local engine")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=PORT, default=8080, help="port (8080)")
    serve.add_argument("--appid", help="the appid signatures must carry (or OCRFRAME_APPID)")
    serve.add_argument("--secret-id", help="the SecretId (or OCRFRAME_SECRET_ID)")
    serve.add_argument("--secret-key", help="the SecretKey (or OCRFRAME_SECRET_KEY)")
    serve.add_argument("--bucket", help="require this bucket (or OCRFRAME_BUCKET)")
    serve.add_argument("--no-auth", action="store_true", help="accept unsigned requests")
    serve.add_argument(
        "--max-body-mb", type=COUNT, help="largest request body in MB (6 legacy, 14 API 3.0)"
    )
    serve.add_argument(
        "--allow-private-urls", action="store_true",
        help="also fetch image URLs on this machine and private networks (refused by default)",
    )  # fmt: skip
    serve.add_argument("--workers", type=COUNT, default=1, help="processes, each with an engine")
    serve.add_argument("--engine", choices=("local", "tesseract"), help="local (default)")
    serve.add_argument("--model", type=local_model, help=MODEL_HELP)
    serve.add_argument("--queue", type=COUNT, help="images that may wait per process (40)")
    serve.add_argument("--replay", metavar="DIR", help="answer from recorded responses")
    serve.add_argument(
        "--latency-ms", type=MILLISECONDS, help="added delay per request (replay tests)"
    )
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    serve.set_defaults(run=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except OcrframeError as err:
        print(f"ocrframe: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `ocrframe convert ... | head`: the reader has seen enough
        # Python would complain again when it flushes stdout at exit; point it at nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a process ended by SIGPIPE: not 1, which means "images failed"


if __name__ == "__main__":
    sys.exit(main())
