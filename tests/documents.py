"""Documents the tests build themselves: Pillow writes image-only PDFs (scans), matplotlib's
PDF backend real text layers; and a run killed part-way through a dataset."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

import ocrframe
from ocrframe import analysis

SAMPLES = {Path(p).name: p for p in ocrframe.samples()}
TRUTH = {Path(r["source"]).name: r for r in ocrframe.samples(truth=True)}
#: the pages of the three-page scan most tests read
THREE = ["zh_document.png", "en_document.png", "receipt.png"]


def image_pdf(path: Path, names=THREE, resolution: float = 150) -> Path:
    """An image-only PDF (a scan): one sample per page."""
    pictures = [Image.open(SAMPLES[n]).convert("RGB") for n in names]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], resolution=resolution)
    return path


def born_digital_pdf(path: Path, title: str = "Quarterly report") -> Path:
    """A PDF with a text layer, as a program writes it (matplotlib, TrueType fonts); each
    page's first line is ``title, page N``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for page in (1, 2):
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.text(0.1, 0.9, f"{title}, page {page}", fontsize=20)
            fig.text(0.1, 0.85, "Invoice No. 2024-0917, total EUR 1,250.00", fontsize=12)
            fig.text(0.1, 0.80, "Revenue rose twelve percent on the year", fontsize=12)
            pdf.savefig(fig)
            plt.close(fig)
    return path


def page_texts(res: ocrframe.OcrResult) -> dict[int, str]:
    return {
        int(img.page): " ".join(res.items.loc[res.items["image_id"] == img.image_id, "text"])
        for img in res.images.itertuples()
    }


def cer_of(res: ocrframe.OcrResult, image_id: int, name: str) -> float:
    got = " ".join(res.items.loc[res.items["image_id"] == image_id, "text"])
    return analysis.cer(" ".join(TRUTH[name]["lines"]), got)


def killed_after(script: str, out: Path, commits: int) -> int:
    """Run the Python ``script`` (a dataset run into ``out``) in a process group of its own and
    kill the whole group (any workers too) with SIGKILL once it has committed ``commits``
    parts; the parts committed by then."""
    child = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    committed = out / "_commits"
    deadline = time.monotonic() + 600  # a safety net: the child stops on purpose below
    while time.monotonic() < deadline and len(list(committed.glob("*.json"))) < commits:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    return len(list(committed.glob("*.json")))
