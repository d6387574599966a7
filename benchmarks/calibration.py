"""How well does the local engine's confidence predict its errors? A generated test set.

Renders N images (default 210) of random Chinese/English/digit lines with their truth, most of
them hard on purpose — tiny fonts, blur, low contrast, rotation, heavy JPEG artefacts, noise — runs
the local engine, and prints its CER, the expected calibration error (ECE) of item and character
confidence, the threshold that leaves at most 1% wrong items among the accepted ones, and the
same figures per kind of difficulty.

    python benchmarks/calibration.py [--images 210] [--seed 3]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import ocrframe
from ocrframe import analysis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
from make_samples import CJK_FONT, SERIF_FONT, rotate

HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
)
WORDS = [
    "data",
    "table",
    "confidence",
    "image",
    "review",
    "threshold",
    "engine",
    "invoice",
    "total",
    "order",
    "river",
    "paper",
]
KINDS = ("clean", "small", "blur", "low_contrast", "rotated", "jpeg", "noisy")


def random_line(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.45:
        return "".join(rng.choice(HANZI) for _ in range(rng.randint(4, 14)))
    if pick < 0.75:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
    return (
        f"{rng.choice(HANZI)}{rng.choice(HANZI)} No.{rng.randint(100, 99999)} {rng.choice(WORDS)}"
    )


def make_image(rng: random.Random, kind: str) -> tuple[bytes, dict]:
    size = {"small": rng.randint(9, 12)}.get(kind, rng.randint(20, 34))
    lines = [random_line(rng) for _ in range(rng.randint(3, 5))]
    width, gap = 900, int(size * 1.9)
    img = Image.new("RGB", (width, 40 + gap * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    fill = (rng.randint(168, 192),) * 3 if kind == "low_contrast" else (0, 0, 0)
    if kind == "low_contrast":
        img.paste((rng.randint(208, 222),) * 3, (0, 0, *img.size))
    boxes = []
    for k, text in enumerate(lines):
        path = SERIF_FONT if text.isascii() and rng.random() < 0.5 else CJK_FONT
        font = ImageFont.truetype(path, size)
        xy = (rng.randint(15, 60), 20 + gap * k)
        draw.text(xy, text, font=font, fill=fill)
        x0, y0, x1, y1 = draw.textbbox(xy, text, font=font)
        boxes.append({"text": text, "box": [x0, y0, x1 - x0, y1 - y0]})
    if kind == "rotated":
        img = rotate(img, boxes, rng.choice([-1, 1]) * rng.uniform(3, 7))
    if kind == "blur":
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1.8, 2.8)))
    if kind == "noisy":
        noise = np.random.default_rng(rng.randint(0, 2**31)).normal(
            0, 60, (img.height, img.width, 1)
        )
        img = Image.fromarray(
            np.clip(np.asarray(img, dtype=float) + noise, 0, 255).astype(np.uint8)
        )
    buf = io.BytesIO()
    if kind == "jpeg":
        img.save(buf, format="JPEG", quality=rng.randint(4, 10))
    else:
        img.save(buf, format="PNG")
    return buf.getvalue(), {"lines": [b["text"] for b in boxes], "boxes": [b["box"] for b in boxes]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=210)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        truth, kinds = [], {}
        for k in range(args.images):
            kind = KINDS[k % len(KINDS)]
            data, rec = make_image(rng, kind)
            path = Path(tmp) / f"{k:04d}_{kind}.{'jpg' if kind == 'jpeg' else 'png'}"
            path.write_bytes(data)
            truth.append({"source": str(path), **rec})
            kinds[str(path)] = kind
        start = time.perf_counter()
        res = ocrframe.recognize([t["source"] for t in truth], progress=False)
        seconds = time.perf_counter() - start
        ev = analysis.evaluate(res, truth)
    kind_of = ev.images["source"].map(kinds)
    ev.items["kind"] = ev.items["image_id"].map(dict(zip(ev.images["image_id"], kind_of)))
    ev.chars["kind"] = ev.chars["image_id"].map(dict(zip(ev.images["image_id"], kind_of)))
    ev.images["kind"] = kind_of

    threshold = analysis.suggest_threshold(ev.items, max_error=0.01)
    curve = analysis.review_curve(ev.items).set_index("threshold")
    print(f"{args.images} generated images, {len(ev.items)} items, {len(ev.chars)} characters; "
          f"{seconds / args.images:.2f} s/image\n")  # fmt: skip
    print(f"{'kind':<14}{'images':>7}{'CER':>9}{'item acc':>10}{'ECE items':>11}{'ECE chars':>11}")
    for kind in (*KINDS, "all"):
        sel_i = ev.items if kind == "all" else ev.items[ev.items["kind"] == kind]
        sel_c = ev.chars if kind == "all" else ev.chars[ev.chars["kind"] == kind]
        sel_m = ev.images if kind == "all" else ev.images[ev.images["kind"] == kind]
        cer = sel_m["edits"].sum() / sel_m["truth_chars"].sum()
        acc = sel_i["correct"].mean()
        print(f"{kind:<14}{len(sel_m):>7}{cer:>9.2%}{acc:>10.2%}"
              f"{analysis.expected_calibration_error(sel_i):>11.3f}"
              f"{analysis.expected_calibration_error(sel_c):>11.3f}")  # fmt: skip
    reviewed = curve.loc[threshold, "reviewed_share"]
    print(f"\nsuggested review threshold for <= 1% wrong accepted items: {threshold:.4f} "
          f"(reviews {reviewed:.1%} of items)")  # fmt: skip
    print("\nreliability of item confidence (all images):")
    print(analysis.calibration(ev.items).to_string(index=False, float_format="{:.3f}".format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
