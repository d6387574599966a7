"""Tables drawn as papers, reports and web pages set them, with their structure known exactly.

The pictures of tables that people read look like PubTabNet's, FinTabNet's or a screenshot of
a web page: a label column and columns of figures, a header of one row or of two with group
headings spanning their columns, section rows across the table, labels wrapped onto two
lines, rules round every cell or three across as papers set them, or none. :func:`drawn_table`
draws one such table from a seed (the same every time), as a screenshot, a scan or a small
JPEG (or, asked for, a phone's photo of it printed), with every cell's grid position, spans
and text, so that what ``res.cells`` and ``res.tables()`` give can be scored against it
(``benchmarks/drawn_tables.py``).
``kind="prose"`` draws a manual's table instead: a column of names, one of descriptions wrapped
onto up to seven lines, short values, the text set at the cells' top or middle.

>>> from ocrframe.sample_images.tables import drawn_table
>>> table = drawn_table(4)
>>> table.style, table.look, table.header_rows
('booktabs', 'scan', 2)
>>> [(c.text, c.row_span, c.col_span) for c in table.cells[:2]]
[('Characteristic', 2, 1), ('Treatment', 1, 2)]
>>> manual = drawn_table(9, kind="prose")
>>> manual.name, [c.text for c in manual.cells[:3]], max(len(c.lines) for c in manual.cells)
('p009-none-scan', ['Term', 'Definition', 'Example'], 7)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .documents import wrapped
from .looks import LOOKS, OWN_LOOKS, looked

STYLES = ("grid", "booktabs", "none", "stripes", "dark")
#: what the cells hold: a label column and columns of figures, or words (names and what they
#: mean, wrapped onto lines as a manual's or a standard's tables set them)
KINDS = ("figures", "prose")
FONTS = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "STIXGeneral.ttf")

#: themes: (label column header, row labels, group titles, column names, section titles)
THEMES = (
    (
        "Characteristic",
        [
            "Age, years",
            "Male sex, n (%)",
            "Body mass index, kg/m2",
            "Current smoker",
            "Diabetes mellitus",
            "Hypertension",
            "Systolic blood pressure, mmHg",
            "LDL cholesterol, mmol/L",
            "Prior myocardial infarction",
            "eGFR, mL/min/1.73 m2",
            "Heart rate, beats per minute",
            "Atrial fibrillation",
            "Statin use at baseline",
            "Chronic kidney disease",
        ],
        ["Control", "Treatment", "Men", "Women", "Baseline", "Follow-up"],
        ["n", "Mean", "SD", "Median", "IQR", "%", "p value", "OR", "95% CI"],
        ["Demographics", "Medical history", "Laboratory values"],
    ),
    (
        "Item",
        [
            "Revenue",
            "Cost of sales",
            "Gross profit",
            "Operating expenses",
            "Operating income",
            "Interest expense",
            "Income before taxes",
            "Income tax",
            "Net income",
            "Total assets",
            "Cash and cash equivalents",
            "Long-term debt",
            "Shareholders' equity",
            "Earnings per share, diluted",
        ],
        ["Fiscal 2021", "Fiscal 2022", "Quarter ended", "Year ended"],
        ["2019", "2020", "2021", "2022", "Q1", "Q2", "Q3", "Q4", "Change"],
        ["Income statement", "Balance sheet", "Per share data"],
    ),
    (
        "Method",
        [
            "ResNet-50",
            "ViT-B/16",
            "Swin-T",
            "ConvNeXt-S",
            "EfficientNet-B4",
            "DeiT-S",
            "MobileNetV3",
            "RegNetY-8GF",
            "Ours (small)",
            "Ours (large)",
            "BERT-base",
            "RoBERTa-large",
            "Random baseline",
            "Human performance",
        ],
        ["Validation", "Test", "In-domain", "Out-of-domain", "Zero-shot"],
        ["Acc.", "F1", "Precision", "Recall", "mAP", "Params", "FLOPs", "AUC", "Top-1"],
        ["Supervised", "Self-supervised", "Ablations"],
    ),
)


#: prose themes: (column headers, row names, the words descriptions are made of, short values)
PROSE_THEMES = (
    (
        ["Parameter", "Description", "Default", "Since"],
        [
            "QSYSLIBL",
            "QUSRLIBL",
            "QALWOBJRST",
            "QAUDCTL",
            "QCRTAUT",
            "QPWDEXPITV",
            "QMAXSIGN",
            "QSECURITY",
            "QINACTITV",
            "QLMTSECOFR",
            "QRETSVRSEC",
            "QPWDMINLEN",
        ],
        [
            "specifies",
            "the",
            "system",
            "value",
            "that",
            "controls",
            "whether",
            "users",
            "can",
            "restore",
            "objects",
            "with",
            "special",
            "authority",
            "to",
            "a",
            "library",
            "list",
            "of",
            "security",
            "level",
            "when",
            "password",
            "expires",
            "after",
            "number",
            "days",
            "is",
            "set",
            "by",
            "default",
            "and",
            "must",
            "be",
            "changed",
            "before",
            "signing",
            "on",
            "for",
            "each",
            "session",
            "attempts",
            "allowed",
            "profile",
            "disabled",
        ],
        ["*ALL", "*NONE", "40", "90", "*YES", "*NO", "3", "V7R1", "V7R3", "*SYSVAL", "8"],
    ),
    (
        ["Term", "Definition", "Example"],
        [
            "Precision",
            "Recall",
            "Overfitting",
            "Batch size",
            "Learning rate",
            "Epoch",
            "Tokenizer",
            "Embedding",
            "Dropout",
            "Weight decay",
            "Checkpoint",
            "Fine-tuning",
        ],
        [
            "the",
            "share",
            "of",
            "predicted",
            "items",
            "that",
            "are",
            "correct",
            "model",
            "learns",
            "training",
            "data",
            "too",
            "closely",
            "and",
            "fails",
            "on",
            "new",
            "inputs",
            "number",
            "examples",
            "in",
            "one",
            "step",
            "update",
            "weights",
            "each",
            "pass",
            "over",
            "whole",
            "dataset",
            "text",
            "split",
            "into",
            "tokens",
            "vector",
            "represents",
            "a",
            "word",
            "random",
            "units",
            "turned",
            "off",
            "during",
            "saved",
            "state",
        ],
        ["0.91", "32", "3e-4", "10", "BPE", "512", "0.1", "epoch 7", "LoRA", "yes", "n/a"],
    ),
    (
        ["Requirement", "Status", "Owner", "Notes"],
        [
            "REQ-101",
            "REQ-102",
            "REQ-115",
            "REQ-120",
            "REQ-204",
            "REQ-210",
            "REQ-233",
            "REQ-301",
            "REQ-318",
            "REQ-402",
            "REQ-417",
            "REQ-500",
        ],
        [
            "the",
            "service",
            "shall",
            "log",
            "every",
            "failed",
            "login",
            "with",
            "its",
            "source",
            "address",
            "and",
            "time",
            "reports",
            "are",
            "exported",
            "as",
            "CSV",
            "files",
            "once",
            "a",
            "day",
            "users",
            "may",
            "reset",
            "their",
            "password",
            "from",
            "mobile",
            "app",
            "pending",
            "review",
            "by",
            "security",
            "team",
            "before",
            "release",
            "data",
            "kept",
            "for",
            "seven",
            "years",
            "in",
            "archive",
        ],
        ["Done", "Open", "Blocked", "In review", "A. Chen", "M. Rossi", "K. Ito", "Q3", "v2.1"],
    ),
)


@dataclass
class Cell:
    """A drawn cell: its grid position, spans, text, whether it is a header cell, the lines
    its text is drawn on, and whether it is indented (under a section row)."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    header: bool
    lines: list[str] = field(default_factory=list)
    indent: bool = False


@dataclass
class DrawnTable:
    """A drawn table: a name (seed, style, look), how it is ruled (:data:`STYLES`) and kept
    (:data:`LOOKS`), the picture, its cells, and its rows, columns and header rows."""

    name: str
    style: str
    look: str
    image: Image.Image
    cells: list[Cell]
    rows: int
    cols: int
    header_rows: int


def figure(rng: random.Random, kind: str) -> str:
    """A figure as a table's column of ``kind`` prints it."""
    if rng.random() < 0.04:
        return rng.choice(["", "–", "-"])
    if kind == "int":
        return f"{rng.randint(3, 99999):,}"
    if kind == "dec":
        return f"{rng.uniform(0, 100):.{rng.choice([1, 2])}f}"
    if kind == "pct":
        return f"{rng.uniform(0, 100):.1f}%"
    if kind == "pm":
        return f"{rng.uniform(1, 90):.1f} ± {rng.uniform(0.1, 9):.1f}"
    if kind == "paren":
        return f"{rng.uniform(0, 2):.2f} ({rng.uniform(0.01, 0.5):.2f})"
    if kind == "p":
        return rng.choice(["<0.001", f"{rng.uniform(0.001, 0.9):.3f}", "0.05"])
    return f"({rng.randint(1, 999):,})" if rng.random() < 0.3 else f"{rng.randint(1, 999):,}"


def structure(rng: random.Random) -> tuple[list[Cell], int, int, int]:
    """A table's cells (header, sections, body), its rows, columns and header rows."""
    label, labels, groups, names, sections = rng.choice(THEMES)
    cols = rng.randint(3, 8)
    data = cols - 1
    kinds = [rng.choice(["int", "dec", "pct", "pm", "paren", "p", "money"]) for _ in range(data)]
    if max(len(figure(rng, k)) for k in kinds) > 9 and cols > 6:  # keep wide figures few
        kinds = [k if k not in ("pm", "paren") else "dec" for k in kinds]
    cells: list[Cell] = []
    two_level = data >= 2 and rng.random() < 0.4
    names = rng.sample(names, min(len(names), data)) + [f"C{k}" for k in range(len(names), data)]
    if two_level:
        cells.append(Cell(0, 0, 2, 1, label, True))
        col, titles = 1, rng.sample(groups, len(groups))
        while col < cols:
            width = min(rng.choice([2, 2, 3]), cols - col)
            if width == 1 or rng.random() < 0.15:
                cells.append(Cell(0, col, 2, 1, names[col - 1], True))
                col += 1
                continue
            title = titles.pop() if titles else f"Group {col}"
            cells.append(Cell(0, col, 1, width, title, True))
            for k in range(width):
                cells.append(Cell(1, col + k, 1, 1, names[col + k - 1], True))
            col += width
        head = 2
    else:
        cells.append(Cell(0, 0, 1, 1, label, True))
        cells += [Cell(0, c, 1, 1, names[c - 1], True) for c in range(1, cols)]
        head = 1
    body = rng.randint(3, 14)
    row_labels = rng.sample(labels, min(body, len(labels)))
    body = len(row_labels)
    section_at = set()
    if body >= 6 and rng.random() < 0.3:
        section_at = {0, rng.randint(3, body - 2)}
    row, sections = head, rng.sample(sections, len(sections))
    across = rng.random() < 0.5
    for k, text in enumerate(row_labels):
        if k in section_at:  # across the table, or in the label column beside empty cells
            title = sections.pop() if sections else "Other"
            if across:
                cells.append(Cell(row, 0, 1, cols, title, False))
            else:
                cells += [Cell(row, c, 1, 1, title if c == 0 else "", False) for c in range(cols)]
            row += 1
        cells.append(Cell(row, 0, 1, 1, text, False, indent=bool(section_at)))
        cells += [Cell(row, c, 1, 1, figure(rng, kinds[c - 1]), False) for c in range(1, cols)]
        row += 1
    return cells, row, cols, head


def prose_structure(rng: random.Random) -> tuple[list[Cell], int, int, int]:
    """A table of words: a header row, a column of names, one of descriptions (sentences,
    wrapped when drawn) and up to two of short values; its rows, columns and header rows."""
    headers, names, words, values = rng.choice(PROSE_THEMES)
    cols = rng.randint(2, len(headers))
    cells = [Cell(0, c, 1, 1, headers[c], True) for c in range(cols)]
    body = rng.randint(3, 9)
    for row, name in enumerate(rng.sample(names, body), start=1):
        length = rng.randint(4, 28)
        sentence = " ".join(rng.choice(words) for _ in range(length))
        cells.append(Cell(row, 0, 1, 1, name, False))
        cells.append(Cell(row, 1, 1, 1, sentence[0].upper() + sentence[1:] + ".", False))
        cells += [Cell(row, c, 1, 1, rng.choice(values), False) for c in range(2, cols)]
    return cells, body + 1, cols, 1


def font_file(name: str) -> str:
    """The path of a font shipped with matplotlib."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


def drawn_table(
    seed: int, style: str | None = None, look: str | None = None, kind: str = "figures"
) -> DrawnTable:
    """The table of ``seed``: its structure (of ``kind``, :data:`KINDS`) drawn in ``style``
    (:data:`STYLES`) and kept as ``look`` (:data:`LOOKS`); either None: the seed's own."""
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r}; choose of {KINDS}")
    rng = random.Random(seed)
    prose = kind == "prose"
    cells, rows, cols, head = prose_structure(rng) if prose else structure(rng)
    own = rng.choice(STYLES), rng.choice(OWN_LOOKS)  # drawn either way: the seed's table stays
    style, look = style or own[0], look or own[1]
    if style not in STYLES or look not in LOOKS:
        raise ValueError(f"style={style!r}, look={look!r}; choose of {STYLES} and of {LOOKS}")
    size = rng.randint(15, 26)
    font = ImageFont.truetype(font_file(rng.choice(FONTS)), size)
    pad_x, pad_y = round(size * rng.uniform(0.4, 0.9)), round(size * rng.uniform(0.2, 0.5))
    line_h = round(size * 1.3)
    wrap = rng.random() < 0.35
    # a description column as wide as 10-20 font sizes, text set at the cell's top or middle
    column = size * rng.uniform(10, 20) if prose else 0.0
    at_top = prose and rng.random() < 0.6
    for cell in cells:
        limit = size * 9 if wrap and cell.col == 0 and cell.col_span == 1 else 1e9
        limit = column if prose and cell.col == 1 and not cell.header else limit
        cell.lines = wrapped(cell.text, font, limit) or [""]
    indent = size if any(c.indent for c in cells) else 0
    centred = [rng.random() < 0.5 for _ in range(cols)]  # figures centred, else flush right
    widths = [0.0] * cols
    for cell in (c for c in cells if c.col_span == 1):
        width = max(font.getlength(t) for t in cell.lines) + 2 * pad_x
        widths[cell.col] = max(widths[cell.col], width + (indent if cell.indent else 0))
    for cell in (c for c in cells if c.col_span > 1 and c.col_span < cols):
        need = max(font.getlength(t) for t in cell.lines) + 2 * pad_x
        have = sum(widths[cell.col : cell.col + cell.col_span])
        if need > have:
            for c in range(cell.col, cell.col + cell.col_span):
                widths[c] += (need - have) / cell.col_span
    heights = [0.0] * rows
    for cell in (c for c in cells if c.row_span == 1):
        heights[cell.row] = max(heights[cell.row], len(cell.lines) * line_h + 2 * pad_y)
    for r in range(rows):
        heights[r] = heights[r] or line_h + 2 * pad_y
    xs = np.concatenate([[0], np.cumsum(widths)]).round().astype(int)
    ys = np.concatenate([[0], np.cumsum(heights)]).round().astype(int)
    margin = rng.randint(8, 40)
    image = Image.new("RGB", (int(xs[-1]) + 2 * margin, int(ys[-1]) + 2 * margin), "white")
    pen = ImageDraw.Draw(image)
    _furnish(pen, style, cells, xs + margin, ys + margin, head, rng)
    for cell in cells:
        x0, x1 = xs[cell.col] + margin, xs[cell.col + cell.col_span] + margin
        y0, y1 = ys[cell.row] + margin, ys[cell.row + cell.row_span] + margin
        ink = "white" if style == "dark" and cell.header else "black"
        top = (y0 + y1) / 2 - len(cell.lines) * line_h / 2
        top = y0 + pad_y if at_top else top
        for k, text in enumerate(cell.lines):
            width = font.getlength(text)
            if prose:  # words are set flush left
                x = x0 + pad_x
            elif cell.col > 0 and (cell.header or cell.col_span == 1):
                middle = cell.header or centred[cell.col]
                x = (x0 + x1 - width) / 2 if middle else x1 - pad_x - width
            else:
                x = x0 + pad_x + (indent if cell.indent else 0)
            pen.text((x, top + k * line_h + (line_h - size) / 2), text, font=font, fill=ink)
    image = looked(image, look, rng)
    name = f"{'p' if prose else 't'}{seed:03d}-{style}-{look}"
    return DrawnTable(name, style, look, image, cells, rows, cols, head)


def _furnish(pen, style: str, cells: list[Cell], xs, ys, head: int, rng: random.Random) -> None:
    """The rules and bands of ``style``."""
    left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    width = rng.choice([1, 2])
    if style == "grid":
        for cell in cells:
            box = [xs[cell.col], ys[cell.row], xs[cell.col + cell.col_span],
                   ys[cell.row + cell.row_span]]  # fmt: skip
            pen.rectangle(box, outline="black", width=width)
    elif style == "booktabs":
        for y, w in ((top, 2), (ys[head], 1), (bottom, 2)):
            pen.line([(left, y), (right, y)], fill="black", width=w)
        for cell in cells:
            if cell.header and cell.col_span > 1:
                y = ys[cell.row + 1] - 2
                pen.line(
                    [(xs[cell.col] + 6, y), (xs[cell.col + cell.col_span] - 6, y)], fill="black"
                )
    elif style == "stripes":
        for r in range(head, len(ys) - 1, 2):
            pen.rectangle([left, ys[r], right, ys[r + 1]], fill=(232, 236, 240))
        pen.line([(left, ys[head]), (right, ys[head])], fill=(90, 90, 90), width=2)
    elif style == "dark":
        pen.rectangle([left, top, right, ys[head]], fill=(40, 70, 140))
        for r in range(head + 1, len(ys)):
            pen.line([(left, ys[r]), (right, ys[r])], fill=(200, 200, 200), width=1)
