"""docTR's ``export()``: ``pages[].blocks[].lines[].words[]`` with ``value``, ``confidence``
(0–1) and ``geometry`` relative to the page; ``dimensions`` (height, width) scale it to pixels.
One image per page, one item per line; each character gets its word's confidence. Each of
docTR's blocks is a ``text`` block (its ``objectness_score`` the confidence, where given), and
the export's order of blocks and lines is the reading order (``items.order``).

>>> from ocrframe import from_response
>>> page = {"page_idx": 0, "dimensions": [100, 200], "blocks": [{"lines": [{"geometry":
...     [[0.1, 0.1], [0.6, 0.3]], "words": [{"value": "Hi", "confidence": 0.9,
...     "geometry": [[0.1, 0.1], [0.3, 0.3]]}]}]}]}
>>> from_response({"pages": [page]}).items[["text", "x", "y", "width", "height"]].values.tolist()
[['Hi', 20, 10, 100, 20]]
"""

from __future__ import annotations

from ._base import Adapter, Context, PageAdapter, Reader, add_words_line


def _relative_box(r: Reader, width: float, height: float) -> tuple[int, int, int, int]:
    """docTR's ``((x0, y0), (x1, y1))`` relative geometry in pixels."""
    pts = r.list()
    if len(pts) < 2:
        raise r.fail("geometry needs two corners")
    xs = [r.at(k).at(0).number() for k in range(len(pts))]
    ys = [r.at(k).at(1).number() for k in range(len(pts))]
    x0, y0 = round(min(xs) * width), round(min(ys) * height)
    return x0, y0, round(max(xs) * width) - x0, round(max(ys) * height) - y0


class Doctr(PageAdapter):
    name = "doctr"
    endpoint = "doctr"
    scale = 1.0
    priority = 74

    def sniff(self, obj: dict) -> bool:
        pages = obj.get("pages")
        return isinstance(pages, list) and all(isinstance(p, dict) and "blocks" in p for p in pages)

    def parse(self, obj: dict, ctx: Context) -> None:
        pages = self.reader(obj).get("pages").each()
        for k, page in enumerate(pages):
            dims = page.get("dimensions")
            height, width = dims.at(0).number(), dims.at(1).number()
            number = page.get("page_idx", k).int() + 1 if len(pages) > 1 else None
            image = self.page_image(ctx, round(width), round(height), number)
            order = 0
            for b, block in enumerate(page.get("blocks").each()):
                where = block.get("geometry", None)
                ctx.columns.add_block(
                    image, b, order=b,
                    box=None if where.value is None else _relative_box(where, width, height),
                    confidence_raw=block.get("objectness_score", None).confidence(1.0),
                )  # fmt: skip
                for line in block.get("lines").each():
                    words = [
                        (w.get("value").str(), w.get("confidence", None).confidence(1.0))
                        for w in line.get("words").each()
                    ]
                    box = _relative_box(line.get("geometry"), width, height)
                    add_words_line(ctx, image, words, box=box, block=b, order=order)
                    order += 1


ADAPTERS: list[Adapter] = [Doctr()]
