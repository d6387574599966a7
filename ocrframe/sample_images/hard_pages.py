"""Hard pages with their truth, generated in seconds and the same on every run: the set on which
confidence analysis has something to show (the bundled samples are read without an error).

Each page holds three to five lines of Chinese, English or mixed text, most of them made hard on
purpose — one *condition* per page: tiny print, blur, low contrast, rotation, heavy JPEG
artefacts, noise (and clean pages to compare with). :func:`write_set` writes the pictures and a
``truth.jsonl`` that :func:`ocrframe.analysis.read_truth` reads, with every line's box.

>>> from ocrframe.sample_images import hard_pages
>>> page = hard_pages.make("blur", seed=1)
>>> page.condition, len(page.lines) == len(page.boxes), page.image.mode
('blur', True, 'RGB')
"""

from __future__ import annotations

import io
import json
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ..errors import OcrframeError
from .synthetic import font_path

CONDITIONS = ("clean", "small", "blur", "low_contrast", "rotated", "jpeg", "noisy")

HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
)
WORDS = ("data", "table", "confidence", "image", "review", "threshold", "engine", "invoice",
         "total", "order", "river", "paper")  # fmt: skip


@dataclass
class Page:
    """One generated page: the picture as encoded (``data``, PNG or JPEG), its lines and their
    boxes ``[x, y, width, height]`` after any rotation."""

    condition: str
    image: Image.Image
    data: bytes
    suffix: str
    lines: list[str]
    boxes: list[list[int]]


def serif_font() -> str:
    """DejaVu Serif as matplotlib ships it: a Latin face present wherever ocrframe is."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf")


def random_line(rng: random.Random) -> str:
    """A line of Chinese (45%), English words (30%) or both with a number (25%)."""
    pick = rng.random()
    if pick < 0.45:
        return "".join(rng.choice(HANZI) for _ in range(rng.randint(4, 14)))
    if pick < 0.75:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
    return (
        f"{rng.choice(HANZI)}{rng.choice(HANZI)} No.{rng.randint(100, 99999)} {rng.choice(WORDS)}"
    )


def make(condition: str, seed: int) -> Page:
    """The page of ``condition`` drawn from ``seed`` (the same seed, the same pixels)."""
    if condition not in CONDITIONS:
        raise OcrframeError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    return draw(random.Random(f"{condition}-{seed}"), condition)


def draw(rng: random.Random, condition: str) -> Page:
    """A page of ``condition`` drawn with ``rng``."""
    size = rng.randint(7, 10) if condition == "small" else rng.randint(18, 32)
    lines = [random_line(rng) for _ in range(rng.randint(3, 5))]
    width, gap = 900, int(size * 1.9)
    img = Image.new("RGB", (width, 40 + gap * len(lines)), "white")
    pen = ImageDraw.Draw(img)
    fill = (rng.randint(194, 204),) * 3 if condition == "low_contrast" else (0, 0, 0)
    if condition == "low_contrast":
        img.paste((rng.randint(212, 222),) * 3, (0, 0, *img.size))
    boxes = []
    for k, text in enumerate(lines):
        path = serif_font() if text.isascii() and rng.random() < 0.5 else font_path()
        font = ImageFont.truetype(path, size)
        xy = (rng.randint(15, 60), 20 + gap * k)
        pen.text(xy, text, font=font, fill=fill)
        x0, y0, x1, y1 = pen.textbbox(xy, text, font=font)
        boxes.append([x0, y0, x1 - x0, y1 - y0])
    if condition == "rotated":
        img, boxes = rotate(img, boxes, rng.choice([-1, 1]) * rng.uniform(8, 20), expand=True)
    if condition == "blur":
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(2.2, 3.4)))
    if condition == "noisy":
        noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 100, (*img.size[::-1], 1))
        img = Image.fromarray(
            np.clip(np.asarray(img, dtype=float) + noise, 0, 255).astype(np.uint8)
        )
    buf = io.BytesIO()
    if condition == "jpeg":
        img.save(buf, format="JPEG", quality=rng.randint(1, 4))
    else:
        img.save(buf, format="PNG")
    suffix = ".jpg" if condition == "jpeg" else ".png"
    return Page(condition, img, buf.getvalue(), suffix, lines, boxes)


def rotate(
    img: Image.Image, boxes: list[list[int]], degrees: float, expand: bool = False
) -> tuple[Image.Image, list[list[int]]]:
    """``img`` rotated about its centre (counter-clockwise, like PIL), and ``boxes`` moved with it
    (each the upright box around the turned one). ``expand`` grows the canvas so that no corner
    is cut off (else the picture keeps its size)."""
    w, h = img.size
    out = img.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor="white", expand=expand)
    a = math.radians(degrees)
    cx, cy = w / 2, h / 2
    dx0, dy0 = (out.width - w) / 2, (out.height - h) / 2  # where the old centre moved to

    def turn(px: float, py: float) -> tuple[float, float]:
        dx, dy = px - cx, py - cy
        return (cx + dx0 + dx * math.cos(a) + dy * math.sin(a),
                cy + dy0 - dx * math.sin(a) + dy * math.cos(a))  # fmt: skip

    moved = []
    for x, y, bw, bh in boxes:
        pts = [turn(px, py) for px, py in ((x, y), (x + bw, y), (x + bw, y + bh), (x, y + bh))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        moved.append([round(min(xs)), round(min(ys)),
                      round(max(xs) - min(xs)), round(max(ys) - min(ys))])  # fmt: skip
    return out, moved


def pages(n: int, seed: int = 0) -> list[Page]:
    """``n`` pages, the conditions taking turns (so every condition has ``n / 7`` pages)."""
    rng = random.Random(seed)
    return [draw(rng, CONDITIONS[k % len(CONDITIONS)]) for k in range(n)]


def write_set(directory: str | os.PathLike, n: int = 42, seed: int = 0) -> pd.DataFrame:
    """Write ``n`` hard pages and their ``truth.jsonl`` into ``directory``; return the manifest
    (``source``, ``condition``, ``lines``, ``boxes``), one row per page. 42 pages take a few
    seconds to draw and about 40 s to read with the local engine.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     manifest = write_set(tmp, n=7)
    ...     sorted(p.name for p in Path(tmp).iterdir())[:2], manifest["condition"].tolist()[:3]
    (['0000_clean.png', '0001_small.png'], ['clean', 'small', 'blur'])
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for k, page in enumerate(pages(n, seed)):
        path = directory / f"{k:04d}_{page.condition}{page.suffix}"
        path.write_bytes(page.data)
        rows.append({"source": str(path), "condition": page.condition, "lines": page.lines,
                     "boxes": page.boxes})  # fmt: skip
    with open(directory / "truth.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            record = {"source": Path(row["source"]).name, "lines": row["lines"],
                      "boxes": row["boxes"]}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return pd.DataFrame(rows)
