"""Regenerate the pictures the README shows (``make docs``), from the bundled samples.

python docs/make_figures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import ocrframe

HERE = Path(__file__).resolve().parent


def main() -> int:
    paths = {Path(p).name: p for p in ocrframe.samples()}
    res = ocrframe.recognize([paths["receipt.png"], paths["rotated.png"]], progress=False)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), gridspec_kw={"width_ratios": [1, 1.5]})
    res.plot(0, ax=axes[0], show_text=True, colorbar=False, threshold=0.99, fontsize=7)
    res.plot(1, ax=axes[1], level="chars", threshold=0.99)
    for ax, name in zip(axes, ["receipt.png: items", "rotated.png: characters"]):
        ax.set_title(name, fontsize=9)  # file names, not this machine's paths
    fig.suptitle("ocrframe: boxes coloured by confidence; thick = below 0.99", fontsize=10)
    fig.tight_layout()
    out = HERE / "annotated_sample.png"
    fig.savefig(out, dpi=80)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
