"""Pictures of a table alone: the tables read from crops of the realdev documents' tables.

Issue #27 is judged on real table images as well as pages; the real tables at hand are those of
``../shared/realdev/documents``. Each page of a document with reference tables is rendered at
``--dpi`` (200), the layout model (``ocrframe.engines.layout_model`` of the working tree: the
same crops for every system) finds its table regions, and each region is cut four ways: tight
and with a 20-pixel margin, at the rendered resolution and at half of it (a screenshot, a
low-resolution scan). The regions include the SQL listings and the table of contents that the
references call tables, and miss the checkbox table the model takes for a picture. Every crop
is read, each system in a process of its own, by:

- ``ocrframe@REV``: revision ``--today``'s package (``git archive``), its default layout;
- ``ocrframe``: the working tree, its default layout (``"auto"``: a picture is read as a
  table where the layout model finds one, or where the picture is a table alone);
- ``layout=table``: the working tree told that every picture is a table.

Scores per crop: the tables found, and the best TEDS (TEDS-S beside it) of a table found
against any reference table of its document (a crop shows one table; the best match says
which; TEDS as ``documents_layout.py`` computes it); no table scores 0. The summary gives the
mean over all crops and over each table's four crops. ``--negatives DIR`` also reads the
pictures under ``DIR`` (the realdev receipts, shop photos and signs: no tables) and counts
those where each system found a table.

    python benchmarks/table_pictures.py [--today HEAD] [--dpi 200] [--negatives DIR]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from documents_layout import DOCUMENTS, Table, canonical, read_reference, render_pages, teds
from PIL import Image
from revisions import REPO, answered, package_at

from ocrframe.engines import layout_model
from ocrframe.inputs.pages import page_count

MARGIN = 20
#: the systems: name, the package's folder (None: --today's), the layout it is told
SYSTEMS = (
    ("ocrframe@{rev}", None, None),
    ("ocrframe", REPO, None),
    ("layout=table", REPO, "table"),
)

#: run in a process of its own, with the package to measure first on PYTHONPATH
READ = """
import json, sys
from documents_layout import frame_table, header_rows
import ocrframe
paths, layout = json.load(sys.stdin)
engine = "local"
if layout:
    from ocrframe.engines.local import LocalEngine
    engine = LocalEngine(layout=layout)
ocrframe.recognize(ocrframe.samples()[0], engine=engine, progress=False)  # warm-up
out = []
for path in paths:
    res = ocrframe.recognize(path, engine=engine, progress=False, workers=1)
    found = [frame_table(f, header_rows(res, f)) for f in res.tables()]
    out.append([{"rows": t.rows, "header": t.header} for t in found])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(out, f)
"""


def crops(pdf: Path, dpi: int, folder: Path) -> list[dict]:
    """The crops of each table region the layout model finds on the document's pages."""
    pngs, _ = render_pages(pdf, page_count(pdf) or 0, dpi, folder)
    out = []
    for page, png in enumerate(pngs, start=1):
        rgb = np.asarray(Image.open(png).convert("RGB"))
        regions = [r for r in layout_model.regions(rgb) if r.kind == "table"]
        for number, region in enumerate(regions):
            x, y, w, h = region.box
            for margin in (0, MARGIN):
                cut = rgb[max(0, y - margin) : y + h + margin, max(0, x - margin) : x + w + margin]
                for scale in (1.0, 0.5):
                    picture = Image.fromarray(cut)
                    if scale != 1.0:
                        size = (round(picture.width * scale), round(picture.height * scale))
                        picture = picture.resize(size, Image.LANCZOS)
                    name = f"{pdf.stem}-p{page}-t{number}-m{margin}-x{scale}"
                    path = folder / f"{name}.png"
                    picture.save(path)
                    table = f"{pdf.stem} p{page} t{number}"
                    out.append(
                        {"document": pdf.stem, "table": table, "crop": name, "path": str(path)}
                    )
    return out


def read(paths: list[str], package: Path, layout: str | None, folder: Path) -> list[list[Table]]:
    """The tables the package in ``package`` reads from each picture, told ``layout``."""
    benchmarks = Path(__file__).resolve().parent
    found = answered(READ, [paths, layout], package, folder, also=(benchmarks,))
    return [[Table(t["rows"], t["header"]) for t in tables] for tables in found]


def best(references: list[Table], found: list[Table]) -> tuple[float, float]:
    """(TEDS, TEDS-S) of the best-matching pair of a found and a reference table."""
    pairs = [(teds(r, h), teds(r, h, structure_only=True)) for r in references for h in found]
    return max(pairs, default=(0.0, 0.0))


def negatives(folder: Path) -> list[str]:
    """The pictures under ``folder``."""
    kinds = (".jpg", ".jpeg", ".png")
    return sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", default=str(DOCUMENTS), help="the realdev documents")
    parser.add_argument("--dpi", type=int, default=200, help="resolution pages are rendered at")
    parser.add_argument("--today", default="HEAD", help="the revision to compare with")
    parser.add_argument("--negatives", default=None, help="pictures without tables, counted")
    parser.add_argument("--json", default=None, help="save the per-crop scores to this file")
    args = parser.parse_args(argv)
    folder = Path(args.documents)
    pdfs = sorted(p for p in folder.glob("*.pdf") if p.with_suffix(".md").exists())
    if not pdfs or not layout_model.available():
        print(f"skipped: no documents at {folder}, or no layout model to find their tables")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        references, found = {}, []
        for pdf in pdfs:
            _, tables = read_reference(pdf.with_suffix(".md").read_text("utf-8"))
            if tables:
                references[pdf.stem] = [
                    Table([[canonical(c) for c in row] for row in t.rows], t.header) for t in tables
                ]
                found += crops(pdf, args.dpi, work)
        paths = [c["path"] for c in found]
        others = negatives(Path(args.negatives)) if args.negatives else []
        today = work / "today"
        sha = package_at(args.today, today)
        rows, false_tables = [], {}
        for label, package, layout in SYSTEMS:
            name = label.format(rev=sha)
            print(f"{name}: {len(paths)} crops", file=sys.stderr, flush=True)
            tables = read(paths, package or today, layout, work)
            for crop, got in zip(found, tables):
                score, structure = best(references[crop["document"]], got)
                rows.append({**crop, "system": name, "found": len(got), "teds": score,
                             "teds_s": structure})  # fmt: skip
            if others and layout is None:
                print(f"{name}: {len(others)} negatives", file=sys.stderr, flush=True)
                false_tables[name] = sum(
                    bool(t) for t in read(others, package or today, None, work)
                )
    frame = pd.DataFrame(rows)
    print(report(frame, false_tables, len(others)))
    if args.json:
        frame.drop(columns="path").to_json(args.json, orient="records", indent=1)
        print(f"\nsaved: {args.json}")
    return 0


def report(frame: pd.DataFrame, false_tables: dict[str, int], negatives: int) -> str:
    """The per-table and overall means, the crops with a table, and the false tables."""
    order = list(dict.fromkeys(frame["system"]))
    per_table = frame.pivot_table(index="table", columns="system", values="teds")[order]
    overall = frame.groupby("system", sort=False).agg(
        crops=("crop", "size"),
        with_table=("found", lambda f: int((f > 0).sum())),
        teds=("teds", "mean"),
        teds_s=("teds_s", "mean"),
    )
    lines = [
        "TEDS per table (mean over its four crops):",
        per_table.to_string(float_format=lambda v: f"{v:.3f}"),
        "",
        "All crops: crops with a table found, mean TEDS and TEDS-S:",
        overall.to_string(float_format=lambda v: f"{v:.3f}"),
    ]
    if false_tables:
        lines += ["", f"Pictures without tables ({negatives}) where a table was found:"]
        lines += [f"  {name}: {count}" for name, count in false_tables.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
