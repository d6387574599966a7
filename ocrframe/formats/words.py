"""The line-and-words shape of ``/ocr/general`` and ``/ocr/minorlanguage``.

``data.items[]`` holds ``itemstring``, ``itemcoord{x,y,width,height}`` and ``words[]{character,
confidence}``. General documents confidence on 0–100 (its example gives 90.9); minorlanguage gives
0–1. The two are told apart by :func:`says_minorlanguage`. The real general service also sends
``class``, ``angle``, ``recognize_warn_code``/``recognize_warn_msg`` (the warnings go to
``images.warn_codes``/``warn_messages``) and confidences on 0–1. The local engine answers in
this shape too and adds, as extension fields, ``data.engine
{name, version}``, ``data.image_width``/``image_height``, ``data.angle``, ``items[].itempolygon
[{x, y}, …]``, ``words[].wordcoord{x, y, width, height}`` and the page's layout: the items in
reading order, ``items[].block`` (a number into ``data.blocks``) and ``data.blocks[]{blocktype,
blockcoord}`` in reading order (the ``blocks`` table, ``items.block_id`` and ``items.order``), and
the tables it read, ``data.tables[]{block, cells[]{row, col, rowspan, colspan, type, text,
confidence, cellcoord}}`` (the ``cells`` table, tables numbered in that order).
"""

from __future__ import annotations

from ._base import Adapter, Context, Reader, effective_scale, unknown_keys

TOP_KEYS = frozenset({"code", "message", "data"})
DATA_KEYS = frozenset(
    {"items", "session_id", "angle", "class", "engine", "image_width", "image_height",
     "recognize_warn_code", "recognize_warn_msg", "page", "blocks", "tables"}
)  # fmt: skip
#: what ``images.extra["endpoint_guess"]`` says when a response did not say its endpoint
GUESS = "general"
ITEM_KEYS = frozenset({"itemstring", "itemcoord", "words", "itempolygon", "block"})
BLOCK_KEYS = frozenset({"blocktype", "blockcoord"})
WORD_KEYS = frozenset({"character", "confidence", "wordcoord"})
TABLE_KEYS = frozenset({"block", "cells"})
CELL_KEYS = frozenset(
    {"row", "col", "rowspan", "colspan", "type", "text", "confidence", "cellcoord"}
)


def known_extra(
    cls: object = None, engine_version: str | None = None, guessed: bool = False
) -> dict:
    """The fields this shape knows but has no column for, in the order ``images.extra`` lists
    them, and whether the endpoint was a guess.

    Null values say nothing and are left out (so absent and null read the same everywhere).
    """
    extra: dict = {}
    if cls is not None:
        extra["class"] = cls
    if engine_version is not None:
        extra["engine_version"] = engine_version
    if guessed:
        extra["endpoint_guess"] = GUESS
    return extra


def says_minorlanguage(data: dict) -> bool:
    """Whether a response of this shape says it is minorlanguage's: it names a language class,
    or it is ocrframe's own answer, which writes ``class`` only for minorlanguage.

    The two endpoints answer in the same shape, and the real ``/ocr/general`` service sends
    ``"class": []`` (and confidences on 0–1) too, so an empty ``class`` says nothing: such a
    response is read as general, the endpoint nearly all such answers come from, and the
    guess is recorded in ``images.extra["endpoint_guess"]``.
    """
    cls = data.get("class")
    return bool(cls) or (cls is not None and data.get("engine") is not None)


def align_words(text: str, words: list[tuple[str, float | None, tuple | None]]):
    """Give each character of ``text`` the confidence and box of the word that covers it.

    Words are matched in order, skipping characters they do not cover (a space the service left
    out of ``words``). A word of several characters gives its confidence to each and a box to
    none. Returns ``(confidences, boxes, unmatched_words, uncovered_chars)``.

    >>> align_words("a b", [("a", 90.0, None), ("b", 80.0, None)])
    ([90.0, None, 80.0], [None, None, None], 0, 1)
    """
    confs: list[float | None] = [None] * len(text)
    boxes: list[tuple | None] = [None] * len(text)
    pos, unmatched, covered = 0, 0, 0
    for char, conf, box in words:
        at = text.find(char, pos) if char else -1
        if at < 0:
            unmatched += 1
            continue
        for k in range(at, at + len(char)):
            confs[k] = conf
        if len(char) == 1:
            boxes[at] = box
        pos = at + len(char)
        covered += len(char)
    return confs, boxes, unmatched, len(text) - covered


class WordsAdapter(Adapter):
    """Shared parser of the general and minorlanguage responses."""

    def sniff(self, obj: dict) -> bool:
        data = obj.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            return False
        items = data["items"]
        return not any(isinstance(i, dict) and ("item" in i or "itemconf" in i) for i in items)

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        top = r.dict()
        data = self.success_data(r, ctx)
        if data is None:
            return
        data.dict()
        items = [self._item(i) for i in data.get("items").each()]

        raw = [c for _, _, _, _, words, _ in items for _, c, _ in words if c is not None]
        scale, scale_note = effective_scale(self.scale, raw, data, ctx)

        engine_r = data.get("engine", None)
        engine = engine_r.dict() if engine_r.value is not None else {}
        guessed = ctx.endpoint is None and self.name == "general" and data.has("class")
        extra = known_extra(
            data.get("class", None).value,
            engine_r.get("version", None).opt_str() if engine else None,
            guessed,
        )
        if unknown_keys(engine, {"name", "version"}):
            extra["engine"] = unknown_keys(engine, {"name", "version"})
        extra.update(unknown_keys(top, TOP_KEYS))
        extra.update(unknown_keys(data.value, DATA_KEYS))
        odd_keys = sorted({k for _, _, _, keys, _, _ in items for k in keys})
        if odd_keys:
            extra["item_keys"] = odd_keys
        if scale_note:
            extra["confidence_scale"] = scale_note

        aligned = [align_words(text, words) for text, _, _, _, words, _ in items]
        alignment = [
            {"item_id": k, "unmatched_words": unmatched, "no_word": uncovered}
            for k, ((_, _, unmatched, uncovered), item) in enumerate(zip(aligned, items))
            if item[4] and (unmatched or uncovered)
        ]
        if alignment:
            extra["alignment"] = alignment

        cols = ctx.columns
        image = self.success_image(
            r,
            data,
            ctx,
            engine=(engine_r.get("name", None).opt_str() if engine else None) or ctx.engine,
            image_width=data.get("image_width", None).opt_int(),
            image_height=data.get("image_height", None).opt_int(),
            extra=extra,
            scale=scale,
            page=data.get("page", None).opt_int(),
            warn_codes=_list(data.get("recognize_warn_code", None), Reader.int),
            warn_messages=_list(data.get("recognize_warn_msg", None), Reader.str),
        )
        blocks = self._blocks(data, image, cols)
        for k, ((text, box, polygon, _, _, block), (confs, boxes, _, _)) in enumerate(
            zip(items, aligned)
        ):
            _check_block(data.get("items").at(k), block, blocks)
            order = k if blocks else None  # the engine listed its items in reading order
            row = cols.add_item(image, text, box=box, polygon=polygon, block=block, order=order)
            cols.add_chars(row, text, confs, boxes)
        self._tables(data, image, cols, blocks, scale)

    @staticmethod
    def _blocks(data: Reader, image: int, cols) -> int:
        """Add the response's ``data.blocks`` (in reading order); how many there are."""
        found = data.get("blocks", None)
        if found.value is None:
            return 0
        n = 0
        for n, b in enumerate(found.each(), start=1):
            _only_known(b, BLOCK_KEYS)
            kind = b.get("blocktype", None).opt_str() or "text"
            cols.add_block(image, n - 1, kind, order=n - 1, box=b.opt_box("blockcoord"))
        return n

    @staticmethod
    def _tables(data: Reader, image: int, cols, blocks: int, scale: float) -> None:
        """Add the cells of the response's ``data.tables`` (tables numbered in its order)."""
        found = data.get("tables", None)
        if found.value is None:
            return
        for table, t in enumerate(found.each()):
            _only_known(t, TABLE_KEYS)
            _check_block(t, t.get("block", None).opt_int(), blocks)
            for cell in t.get("cells").each():
                _only_known(cell, CELL_KEYS)
                position = (
                    cell.get("row").int(),
                    cell.get("col").int(),
                    cell.get("rowspan", 1).int(),
                    cell.get("colspan", 1).int(),
                )
                if min(position[:2]) < 0 or min(position[2:]) < 1:
                    row, col, rows, cols_ = position
                    raise cell.fail(f"not a cell: rows {row}+{rows}, columns {col}+{cols_}")
                cols.add_cell(
                    image, table, position, cell.get("text", "").str(),
                    kind=cell.get("type", None).opt_str(),
                    confidence_raw=cell.get("confidence", None).confidence(scale),
                    box=cell.opt_box("cellcoord"),
                )  # fmt: skip

    def _item(self, it: Reader):
        obj = it.dict()
        text = it.get("itemstring").str()
        box = it.opt_box("itemcoord")
        polygon = it.get("itempolygon").points() if obj.get("itempolygon") is not None else None
        words = []
        odd = set(unknown_keys(obj, ITEM_KEYS))
        words_r = it.get("words", None)
        for w in words_r.each() if words_r.value is not None else []:  # null reads as absent
            wd = w.dict()
            coord = w.opt_box("wordcoord")
            words.append((w.get("character").str(), w.get("confidence", None).opt_number(), coord))
            odd.update(f"words.{k}" for k in unknown_keys(wd, WORD_KEYS))
        block = it.get("block", None).opt_int()
        return text, box, polygon, odd, words, block


def _only_known(r: Reader, known: frozenset[str]) -> None:
    """Refuse an object of ocrframe's own extension fields with a key it does not define."""
    odd = unknown_keys(r.dict(), known)
    if odd:
        raise r.fail(f"unknown keys {sorted(odd)}")


def _check_block(r: Reader, block: int | None, blocks: int) -> None:
    """Refuse a block number that is not one of the answer's ``blocks``."""
    if block is not None and not 0 <= block < blocks:
        raise r.fail(f"block {block}: data.blocks has {blocks}")


def _list(r: Reader, read) -> list | None:
    """A list of values read with ``read`` (``Reader.int`` …), None when absent."""
    return None if r.value is None else [read(v) for v in r.each()]


class General(WordsAdapter):
    name = "general"
    endpoint = "general"
    scale = 100.0
    priority = 30


class MinorLanguage(WordsAdapter):
    name = "minorlanguage"
    endpoint = "minorlanguage"
    scale = 1.0
    priority = 20

    def sniff(self, obj: dict) -> bool:
        return super().sniff(obj) and says_minorlanguage(obj["data"])
