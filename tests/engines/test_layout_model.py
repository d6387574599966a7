"""A table's or figure's caption is a region of its own, even where the layout model's box for
the table holds it: the table's structure and cells are the table's alone. Of a table and a
figure over one area, the surer stays."""

from __future__ import annotations

from dataclasses import replace

from ocrframe.core.geometry import Line, rectangle
from ocrframe.engines.layout_model import Region, captions_apart, outside_tables, surer_of_twins


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


def test_of_a_table_and_a_figure_over_one_area_the_surer_stays():
    # a table alone under a dark header band: the model calls it both (realdev-like crops
    # and drawn tables), and the figure would take the table's lines
    table = Region("table", (9, 13, 362, 476), 0.89)
    figure = Region("figure", (8, 10, 364, 479), 0.59)
    assert surer_of_twins([figure, table]) == [table]
    assert surer_of_twins([replace(figure, score=0.95), table]) == [replace(figure, score=0.95)]
    # a figure holding a small table, a table and its caption, two texts: all stay
    small = Region("table", (50, 50, 100, 80), 0.8)
    caption = Region("caption", (9, 13, 362, 476), 0.9)
    text = Region("text", (8, 10, 364, 479), 0.6)
    assert surer_of_twins([figure, small]) == [figure, small]
    assert surer_of_twins([table, caption, text]) == [table, caption, text]


def test_a_region_inside_a_surer_table_gives_its_lines_to_the_table():
    # the model framed a table's columns of figures as "other" inside the table's box
    table = Region("table", (1, 0, 946, 532), 0.75)
    figures = Region("other", (309, 2, 630, 518), 0.57)
    assert outside_tables([table, figures]) == [table]
    # a caption stays, and so do a surer region and one mostly outside the table
    caption = Region("caption", (10, 5, 300, 20), 0.9)
    sure = replace(figures, score=0.8)
    beside = Region("text", (700, 400, 600, 300), 0.5)
    assert outside_tables([table, caption, sure, beside]) == [table, caption, sure, beside]
