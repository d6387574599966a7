"""The page view the writers share groups a page's lines into its blocks in reading order
(:func:`ocrframe.export.layout.regions`), as the layout formats write them."""

from __future__ import annotations

import ocrframe
from ocrframe.export.layout import LayoutBlock, PageLayout, TextLine, pages, reading_order, regions


def _line(item_id: int, block: int | None, order: int | None, box=(0, 0, 10, 10)) -> TextLine:
    return TextLine(item_id, f"line {item_id}", [], box, None, None, block_id=block, order=order)


def _block(block_id: int, order: int | None) -> LayoutBlock:
    return LayoutBlock(block_id, "text", order, (0, 0, 10, 10), None, None)


def _page(lines, blocks) -> PageLayout:
    return PageLayout(0, None, None, 100, 100, False, lines, blocks=blocks)


def _shape(found) -> list:
    return [
        (r.block.block_id if r.block else None, [line.item_id for line in r.lines]) for r in found
    ]


def test_blocks_in_their_order_lines_in_theirs_and_a_stray_line_after_the_line_before_it():
    lines = [_line(0, 1, 3), _line(1, 1, 4), _line(2, 0, 0), _line(3, None, 2), _line(4, 0, 1)]
    page = _page(lines, [_block(0, 0), _block(1, 1), _block(2, None)])
    assert [line.item_id for line in reading_order(lines)] == [2, 4, 3, 0, 1]
    # block 2 (no lines, no order) last; the line of no block right after block 0's lines
    assert _shape(regions(page)) == [(0, [2, 4]), (None, [3]), (1, [0, 1]), (2, [])]


def test_a_block_whose_lines_are_read_apart_is_written_once_and_lines_without_a_box_not_at_all():
    lines = [_line(0, 0, 0), _line(1, 1, 1), _line(2, 0, 2), _line(3, 1, 3, box=None)]
    page = _page(lines, [_block(0, 0), _block(1, 1)])
    assert _shape(regions(page)) == [(0, [0, 2]), (1, [1])]


def test_without_blocks_each_line_is_a_region_in_reading_order():
    lines = [_line(0, None, 1), _line(1, None, 0), _line(2, None, None)]
    assert _shape(regions(_page(lines, []))) == [(None, [1]), (None, [0]), (None, [2])]


def test_pages_carry_the_result_s_blocks_and_each_line_s_block_and_order():
    res = ocrframe.read_json(ocrframe.data_path("responses/general_layout.json"))
    (page,) = pages(res)
    assert [(b.block_id, b.kind, b.order, b.box) for b in page.blocks] == [
        (0, "title", 0, (40, 20, 300, 40)),
        (1, "text", 1, (40, 80, 250, 84)),
        (2, "text", 2, (330, 80, 250, 54)),
    ]
    assert [(line.block_id, line.order) for line in page.lines] == [
        (0, 0), (1, 1), (1, 2), (1, 3), (2, 4), (2, 5),
    ]  # fmt: skip
    assert _shape(regions(page)) == [(0, [0]), (1, [1, 2, 3]), (2, [4, 5])]
