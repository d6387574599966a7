"""Tables drawn as papers, reports and web pages set them, read from their pictures.

The realdev documents hold six real tables (``table_pictures.py``), too few to see what goes
wrong where. This benchmark draws ``--count`` tables (seeded, so every run draws the same) the
way the table images of PubTabNet, FinTabNet and screenshots look, each with its structure
known exactly:

- three to eight columns, three to fourteen body rows; a label column of words (sometimes
  wrapped onto two lines, sometimes indented under a section row) and columns of figures
  (integers with thousands separators, decimals, percentages, "12.3 ± 4.1", "0.45 (0.12)",
  p values, an empty cell or a dash here and there);
- a header of one row, or of two with group titles spanning their columns (the label's
  header spanning both rows), and section rows whose one cell spans the table;
- rules: round every cell (``grid``), three across as papers set them (``booktabs``, with a
  short rule under each group title), none, grey bands on every other row (``stripes``), or a
  dark header band (``dark``);
- DejaVu Sans or Serif, or STIX (matplotlib's Times-like face, the look of many papers),
  15 to 26 pixels;
- kept as drawn (a screenshot), scanned (a fraction of a degree turned, blurred, specks,
  JPEG), or made small (scaled to 60 %, JPEG: a thumbnail, a low-resolution scan); the
  seed's own look is one of these three.

Each picture is read by ocrframe's local engine told that the picture is a table
(``layout="table"``) and left to find it (the default ``"auto"``): the working tree's and
revision ``--today``'s (``git archive``; ``none``: the working tree alone), each system in a
process of its own. Scores per picture: TEDS
with spans (the found cells of ``res.cells``, spans and header rows included, against the drawn
cells; PubTabNet's measure), TEDS-S (structure only), and grid TEDS (``res.tables()``'s
DataFrame, a merged cell's text in every position it covers, against the drawn table laid out
so: how ``documents_layout.py`` scores the realdev references, which are pipe tables). A
picture where no table is found scores 0. The summary gives the mean per style, per look and
overall, and seconds per picture.

``--turn DEGREES`` turns every picture (counter-clockwise, on white: a photo held askew),
``--look`` draws every table with one look (``clean``, ``scan``, ``small``, or ``photo``: the
table printed and photographed on a desk, at a slant, turned 1-2 degrees, lit from one side;
``bilevel``: scanned in black and white), and ``--kind prose``
draws tables of words instead of figures (a name column, descriptions wrapped onto up to seven
lines, short values: a manual's tables).

    python benchmarks/drawn_tables.py [--count 60] [--seed 0] [--today HEAD|none]
        [--layouts table,auto] [--json FILE] [--keep DIR] [--turn 0] [--look LOOK]
        [--kind figures|prose]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd
from documents_layout import Node, Table, canonical, teds, tree_teds
from PIL import Image
from revisions import REPO, answered, package_at

from ocrframe.sample_images.tables import DrawnTable, drawn_table

# -- scores -----------------------------------------------------------------------------------


def cell_tree(cells: list[tuple[int, int, int, int, str, bool]], structure_only: bool) -> Node:
    """The HTML tree of cells (row, col, row_span, col_span, text, header): rows in order,
    each ``td`` with its spans; the rows whose cells are all header cells in ``thead``."""
    by_row: dict[int, list] = {}
    for cell in cells:
        by_row.setdefault(cell[0], []).append(cell)
    last = max((c[0] + c[2] for c in cells), default=0)
    rows = [sorted(by_row.get(r, []), key=lambda c: c[1]) for r in range(last)]
    head = 0
    while head < len(rows) and rows[head] and all(c[5] for c in rows[head]):
        head += 1

    def tr(row: list) -> Node:
        tds = [Node("td", text=None if structure_only else canonical(c[4]), span=(c[2], c[3]))
               for c in row]  # fmt: skip
        return Node("tr", tds)

    parts = []
    if head:
        parts.append(Node("thead", [tr(r) for r in rows[:head]]))
    if len(rows) > head:
        parts.append(Node("tbody", [tr(r) for r in rows[head:]]))
    return Node("table", parts)


def laid_out(cells: list[tuple[int, int, int, int, str, bool]], header: int) -> Table:
    """The cells as ``tables()`` lays them out: a merged cell's text in every position."""
    n_rows = max((c[0] + c[2] for c in cells), default=0)
    n_cols = max((c[1] + c[3] for c in cells), default=0)
    grid = [[""] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text, _ in cells:
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                grid[rr][cc] = canonical(text)
    return Table(grid, header)


def scored(drawn: DrawnTable, found: list[list[tuple]]) -> dict:
    """The best TEDS, TEDS-S and grid TEDS of the tables found against the drawn one."""
    truth = [(c.row, c.col, c.row_span, c.col_span, c.text, c.header) for c in drawn.cells]
    full, bare = cell_tree(truth, False), cell_tree(truth, True)
    grid = laid_out(truth, drawn.header_rows)
    best = {"teds": 0.0, "teds_s": 0.0, "grid_teds": 0.0}
    for cells in found:
        header = 0
        rows = sorted({c[0] for c in cells})
        while (
            header < len(rows)
            and rows[header] == header
            and all(c[5] for c in cells if c[0] == header)
        ):
            header += 1
        score = tree_teds(full, cell_tree(cells, False))
        if score >= best["teds"]:
            best = {
                "teds": score,
                "teds_s": tree_teds(bare, cell_tree(cells, True)),
                "grid_teds": teds(grid, laid_out(cells, header)),
            }
    return best


#: run in a process of its own, with the package to measure first on PYTHONPATH: each
#: picture's tables as cells (row, col, row_span, col_span, text, header), and its seconds
READ = """
import json, sys, time
import pandas as pd
import ocrframe
from ocrframe.engines.local import LocalEngine
paths, layout = json.load(sys.stdin)
engine = LocalEngine(layout=layout)
ocrframe.recognize(paths[0], engine=engine, progress=False, workers=1)  # warm-up
out = []
for path in paths:
    start = time.perf_counter()
    res = ocrframe.recognize(path, engine=engine, progress=False, workers=1)
    seconds = time.perf_counter() - start
    tables = []
    for _, group in res.cells.groupby(["image_id", "table_id"], sort=True):
        tables.append([[int(c.row), int(c.col), int(c.row_span), int(c.col_span),
                        "" if pd.isna(c.text) else str(c.text), c.kind == "header"]
                       for c in group.itertuples()])
    out.append({"tables": tables, "seconds": seconds})
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(out, f)
"""


def read(paths: list[str], package: Path, layout: str, folder: Path) -> list[dict]:
    """What the package in ``package``, its engine told ``layout``, reads from each picture."""
    return answered(READ, [paths, layout], package, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60, help="tables drawn")
    parser.add_argument("--seed", type=int, default=0, help="the first table's seed")
    parser.add_argument("--layouts", default="table,auto", help="the engine's layouts to run")
    parser.add_argument("--today", default="HEAD", help="the revision to compare with (none)")
    parser.add_argument("--json", default=None, help="save the per-picture scores here")
    parser.add_argument("--keep", default=None, help="save the pictures in this folder")
    parser.add_argument("--turn", type=float, default=0.0, help="degrees each picture is turned")
    parser.add_argument("--look", default=None, help="draw every table with this look")
    parser.add_argument("--kind", default="figures", help="what the cells hold (figures, prose)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="each picture scaled by this (0.5: small print)"
    )
    args = parser.parse_args(argv)
    seeds = range(args.seed, args.seed + args.count)
    drawn = [drawn_table(seed, look=args.look, kind=args.kind) for seed in seeds]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = Path(args.keep) if args.keep else work
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for table in drawn:
            path = folder / f"{table.name}.png"
            turned(scaled(table.image, args.scale), args.turn).save(path)
            paths.append(str(path))
        systems = [("ocrframe", REPO)]
        if args.today != "none":
            sha = package_at(args.today, work / "today")
            systems.insert(0, (f"ocrframe@{sha}", work / "today"))
        for name, package in systems:
            for layout in args.layouts.split(","):
                label = f"{name} {layout}"
                print(f"{label}: {len(paths)} pictures", file=sys.stderr, flush=True)
                for table, got in zip(drawn, read(paths, package, layout, work)):
                    found = [[tuple(c) for c in cells] for cells in got["tables"]]
                    rows.append({"picture": table.name, "style": table.style,
                                 "look": table.look, "system": label, "found": len(found),
                                 "seconds": got["seconds"], **scored(table, found)})  # fmt: skip
    frame = pd.DataFrame(rows)
    print(report(frame))
    if args.json:
        frame.to_json(args.json, orient="records", indent=1)
        print(f"\nsaved: {args.json}")
    return 0


def scaled(image: Image.Image, factor: float) -> Image.Image:
    """``image`` scaled by ``factor`` (Lanczos), as a table cropped from a page at a low dpi."""
    if factor == 1.0:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.LANCZOS)


def turned(image: Image.Image, degrees: float) -> Image.Image:
    """``image`` turned ``degrees`` counter-clockwise, as a photo held askew, on white."""
    if not degrees:
        return image
    return image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor="white")


def report(frame: pd.DataFrame) -> str:
    """Means per style, per look and overall, for each layout."""
    metrics = {"teds": "mean", "teds_s": "mean", "grid_teds": "mean", "seconds": "mean"}
    parts = []
    for by in ("style", "look"):
        table = frame.pivot_table(index=by, columns="system", values="teds", aggfunc="mean")
        table = table[list(dict.fromkeys(frame["system"]))]
        parts += [f"TEDS by {by}:", table.to_string(float_format=lambda v: f"{v:.3f}"), ""]
    overall = frame.groupby("system", sort=False).agg(
        pictures=("picture", "size"), with_table=("found", lambda f: int((f > 0).sum())),
        **{k: (k, v) for k, v in metrics.items()},
    )  # fmt: skip
    parts += ["All pictures:", overall.to_string(float_format=lambda v: f"{v:.3f}")]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
