"""A table's or figure's caption is a region of its own, even where the layout model's box for
the table holds it: the table's structure and cells are the table's alone."""

from __future__ import annotations

from ocrframe.core.geometry import Line, rectangle
from ocrframe.engines.layout_model import Region, captions_apart


def line(text: str, y: int) -> Line:
    return Line(rectangle((100, y, 400, 20)), text)


def test_a_caption_at_a_table_s_top_or_foot_is_taken_out_of_it():
    table = Region("table", (90, 90, 500, 300), 0.9)
    lines = [line("Table 2-2 Comparison of usage IDs", 100), line("User action  X", 150),
             line("STRDBMON  X", 200), line("Figure 3: totals", 360)]  # fmt: skip
    found = captions_apart([table], lines)
    assert found[0] == Region("table", (90, 120, 500, 240), 0.9)
    assert [r.kind for r in found[1:]] == ["caption", "caption"]
    assert found[1].box == (100, 100, 400, 20)


def test_lines_that_are_no_caption_and_other_regions_stay():
    table = Region("table", (90, 90, 500, 300), 0.9)
    text = Region("text", (90, 400, 500, 100), 0.9)
    lines = [line("Tablet sales by region", 100), line("表 1 合计", 150), line("North 12", 200)]
    # "Tablet" is no caption, and a caption in the middle of the table stays in it
    assert captions_apart([table, text], lines) == [table, text]
    assert captions_apart([table], [line("Table 1", 100)]) == [table]  # its only line
