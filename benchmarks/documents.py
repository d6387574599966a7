"""PDFs page by page: what rendering and streaming cost, and that memory stays flat.

1. Speed: a 20-page scanned PDF (the bundled samples, embedded as a scan at 150 dpi) through
   ``ocrframe.recognize`` versus recognising the same pages rendered to PNG files beforehand
   (rendering not timed), in alternating rounds of one run; the median of the rounds' ratios
   is rendering and streaming's cost. Target: under 5 %.
2. Memory: peak RSS of ``recognize`` over a 20-page and a 200-page PDF, each in a fresh
   process. Target: the 200-page run under 1.5x the 20-page one (pages are rendered one at a
   time and never kept).

    python benchmarks/documents.py [--rounds 9] [--skip-memory]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

import ocrframe
from ocrframe.inputs.pages import DocumentPage, render

SPEED_TARGET = 0.05
MEMORY_TARGET = 1.5


def scanned_pdf(path: Path, pages: int) -> Path:
    """An image-only PDF of ``pages`` pages: the samples in turn, as a 150 dpi scan."""
    samples = [Image.open(p).convert("RGB") for p in ocrframe.samples()]
    pictures = [samples[k % len(samples)] for k in range(pages)]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], resolution=150)
    return path


def rendered_pngs(pdf: Path, folder: Path, pages: int, dpi: int) -> list[str]:
    """The PDF's pages rendered at ``dpi`` and saved as PNG files (the baseline's input)."""
    out = []
    for k in range(pages):
        path = folder / f"page-{k + 1:03d}.png"
        Image.fromarray(render(DocumentPage(pdf, k, dpi))).save(path)
        out.append(str(path))
    return out


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def speed(rounds: int, dpi: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = scanned_pdf(folder / "scan.pdf", 20)
        pngs = rendered_pngs(pdf, folder, 20, dpi)
        ocrframe.recognize(pngs[:2], progress=False)  # warm-up: the model, imports
        ratios, pdf_times, png_times = [], [], []
        for k in range(rounds):  # the order alternates, so a slow spell hits both alike
            runs = {
                "pdf": lambda: ocrframe.recognize(pdf, dpi=dpi, progress=False),
                "png": lambda: ocrframe.recognize(pngs, progress=False),
            }
            order = ("pdf", "png") if k % 2 == 0 else ("png", "pdf")
            seconds = {name: timed(runs[name]) for name in order}
            ratios.append(seconds["pdf"] / seconds["png"])
            pdf_times.append(seconds["pdf"])
            png_times.append(seconds["png"])
        load = loading_seconds(pdf, pngs, dpi)
    return {"ratios": ratios, "pdf": min(pdf_times), "png": min(png_times), **load}


def loading_seconds(pdf: Path, pngs: list[str], dpi: int, repeat: int = 3) -> dict:
    """Seconds per page to render a PDF page versus to decode its PNG, timed on their own
    (no OCR around them: a figure the machine's noise hardly moves)."""
    from ocrframe.inputs import images

    render_times, decode_times = [], []
    for _ in range(repeat):
        render_times.append(
            timed(lambda: [render(DocumentPage(pdf, k, dpi)) for k in range(len(pngs))])
        )
        decode_times.append(timed(lambda: [images.load(images.Input(p, Path(p))) for p in pngs]))
    return {"render": min(render_times) / len(pngs), "decode": min(decode_times) / len(pngs)}


PEAK = """
import resource, sys, ocrframe
ocrframe.recognize(sys.argv[1], progress=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb(pdf: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(pdf)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024  # Linux reports kB


def memory() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        small = scanned_pdf(Path(tmp) / "20.pdf", 20)
        large = scanned_pdf(Path(tmp) / "200.pdf", 200)
        return {"20": peak_rss_mb(small), "200": peak_rss_mb(large)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--dpi", type=int, default=ocrframe.inputs.pages.DEFAULT_DPI)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    ok = True

    found = speed(args.rounds, args.dpi)
    cost = statistics.median(found["ratios"]) - 1
    print(f"| 20-page scanned PDF at {args.dpi} dpi | best s | pages/s |")
    print("| --- | --- | --- |")
    print(f"| PNG files rendered beforehand | {found['png']:.2f} | {20 / found['png']:.2f} |")
    print(f"| the PDF through recognize | {found['pdf']:.2f} | {20 / found['pdf']:.2f} |")
    print("rounds (pdf / png): " + ", ".join(f"{r:.3f}" for r in found["ratios"]))
    print(
        f"per page, on their own: rendering {found['render'] * 1000:.0f} ms, decoding the PNG "
        f"{found['decode'] * 1000:.0f} ms, recognising {found['png'] / 20 * 1000:.0f} ms"
    )
    verdict = "met" if cost < SPEED_TARGET else "NOT met"
    print(f"rendering and streaming cost (median of rounds): {cost:+.1%} (target < 5%: {verdict})")
    ok &= cost < SPEED_TARGET

    if not args.skip_memory:
        rss = memory()
        ratio = rss["200"] / rss["20"]
        print()
        print("| pages | peak RSS (MB) |")
        print("| --- | --- |")
        print(f"| 20 | {rss['20']:.0f} |")
        print(f"| 200 | {rss['200']:.0f} |")
        verdict = "met" if ratio < MEMORY_TARGET else "NOT met"
        print(f"200 / 20 pages: {ratio:.2f}x (target < {MEMORY_TARGET}x: {verdict})")
        ok &= ratio < MEMORY_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
