"""ALTO and PAGE XML, read: what Tesseract, OCR-D, Transkribus, eScriptorium (and ocrframe's
own writers) produce, into the tables.

- **ALTO** (any version): one image per ``Page`` (``WIDTH``/``HEIGHT``; measurement units other
  than pixels are refused, as no pixel box can be told), one item per ``TextLine``: its
  ``String`` contents joined by single spaces, its box, its confidence the mean of its
  strings' ``WC`` (ALTO has no line confidence), and per character the ``Glyph``'s ``GC`` and
  box where the file has glyphs, else the ``CC`` digit (0 sure – 9 unsure, as ``1 - d/9``),
  else none: a word's confidence is not made a character's.
- **PAGE** (2013–2019): one image per ``Page`` (``imageWidth``/``imageHeight``), one item per
  ``TextLine`` (in its region's order): the line's ``TextEquiv`` text and ``conf``, its
  ``Coords`` as polygon and box (its words' text joined when it has no text of its own);
  per character the ``Glyph``'s ``TextEquiv conf`` and ``Coords`` where the file has glyphs.

The layout is kept too (styles and other structure stay in the raw text):

- **ALTO**: each ``TextBlock`` is a block (``Illustration`` a ``figure``), its type told by the
  ``LABEL`` of a tag it refers to (``TAGREFS``: kraken and eScriptorium write ``OtherTag
  LABEL="Title" DESCRIPTION="block type Title"``; our types, PAGE's and SegmOnto's zone names
  are understood), else ``text``. The reading order is ALTO 4.3's ``ReadingOrder`` where the
  file has one (``ElementRef`` elements naming blocks or lines, in its groups' order), else
  the order of the document.
- **PAGE**: each region on the page is a block — a ``TextRegion`` by its ``@type`` (or
  Transkribus' ``custom="structure {type:…;}"``: ``heading`` a ``title``, ``paragraph``
  ``text``, ``page-number`` a ``footer`` or, in the page's top third, a ``header`` …), a
  ``TableRegion`` a ``table``, an image, graphic, chart, map or line drawing a ``figure``
  (separators and noise are none) — with its ``Coords`` as polygon and box and their ``conf``
  as its confidence; the lines of a region's nested regions (a table's cells) are its lines.
  ``ReadingOrder`` (ordered groups by ``@index``) orders the regions, and their lines in
  document order; regions it leaves out have no order (NA). Without one, the document's order.

>>> from ocrframe import from_response
>>> alto = ('<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p" '
...         'PHYSICAL_IMG_NR="1" WIDTH="200" HEIGHT="50"><PrintSpace><TextBlock ID="b">'
...         '<TextLine ID="l" HPOS="10" VPOS="5" WIDTH="90" HEIGHT="20"><String CONTENT="OCR" '
...         'WC="0.9"/><SP/><String CONTENT="works" WC="0.8"/></TextLine></TextBlock>'
...         '</PrintSpace></Page></Layout></alto>')
>>> from_response(alto).items[["text", "x", "width"]].values.tolist()
[['OCR works', 10, 90]]
"""

from __future__ import annotations

import re

from lxml import etree

from ._base import TEXT_KEY, Adapter, Context, Reader


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c) == name]


def _descendants(element, name: str) -> list:
    return [c for c in element.iter() if _local(c) == name]


def _number(element, name: str, r: Reader) -> float | None:
    value = element.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise r.fail(f"{_local(element)}@{name}={value!r} is not a number") from None


def _parse(text: str, r: Reader):
    try:
        return etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError as err:
        raise r.fail(f"unreadable XML: {err}") from None


class _Layout(Adapter):
    """An XML layout format: told by ``markers`` near its top; one image per ``Page`` (its
    size in ``size_attributes``), one item per ``TextLine`` (read by ``_line``)."""

    scale = 1.0
    shape = "text"
    markers: tuple[str, ...] = ()
    size_attributes: tuple[str, str] = ("", "")
    number_attribute: str | None = None  # the page's number in its document, where told

    def sniff(self, obj: dict) -> bool:
        head = obj[TEXT_KEY][:2000]
        return all(marker in head for marker in self.markers)

    def parse(self, obj: dict, ctx: Context) -> None:
        r = self.reader(obj)
        root = _parse(obj[TEXT_KEY], r)
        self._check(root, r)
        found = _descendants(root, "Page")
        for page in found:
            width, height = (_number(page, name, r) for name in self.size_attributes)
            number = None
            if self.number_attribute and len(found) > 1:
                number = _number(page, self.number_attribute, r)
            image = self.engine_image(
                ctx,
                image_width=None if width is None else round(width),
                image_height=None if height is None else round(height),
                page=None if number is None else int(number),
            )
            self._page(ctx, image, root, page, r)

    def _page(self, ctx: Context, image: int, root, page, r: Reader) -> None:
        """The page's blocks, then its lines (in document order) with their block and order."""
        blocks = self._blocks(root, page)
        lines = _descendants(page, "TextLine")
        index = {block: k for k, (block, _) in enumerate(blocks)}
        line_block = [_enclosing(line, index) for line in lines]
        refs = self._reading(root, page)
        if refs is None:
            block_order = list(range(len(blocks)))
            line_order: list[int | None] = list(range(len(lines)))
        else:
            block_order, line_order = _orders(refs, [b for b, _ in blocks], lines, line_block)
        for k, (block, kind) in enumerate(blocks):
            polygon, box, conf = self._where(block, r)
            if kind == "page-number":
                kind = _page_number(box, _number(page, self.size_attributes[1], r))
            ctx.columns.add_block(
                image, k, kind, order=block_order[k], box=box, polygon=polygon,
                confidence_raw=conf,
            )  # fmt: skip
        for line, block, order in zip(lines, line_block, line_order):
            self._line(ctx, image, line, r, block=block, order=order)

    def _check(self, root, r: Reader) -> None:
        """Refuse a file whose content cannot be read into pixel tables."""

    def _blocks(self, root, page) -> list[tuple]:
        """The page's blocks in document order, each ``(element, kind)``."""
        raise NotImplementedError

    def _reading(self, root, page) -> list | None:
        """The elements the file's explicit reading order lists, in order (``None``: none)."""
        raise NotImplementedError

    def _where(self, block, r: Reader) -> tuple:
        """A block's ``(polygon, box, confidence)``."""
        raise NotImplementedError

    def _line(self, ctx: Context, image: int, line, r: Reader, **layout) -> None:
        raise NotImplementedError


#: names of kinds of block in PAGE, ALTO tags (kraken, eScriptorium: SegmOnto's zones) and
#: Transkribus' structure types -> ``blocks.type`` (``page-number``: by where it is)
KINDS = {
    **{kind: kind for kind in ("text", "title", "list", "table", "figure", "caption", "header",
                               "footer", "other", "page-number")},
    "paragraph": "text", "heading": "title", "drop-capital": "text", "credit": "text",
    "floating": "text", "footnote": "text", "footnote-continued": "text", "endnote": "text",
    "toc-entry": "list", "list-label": "list", "marginalia": "other", "signature-mark": "footer",
    "catch-word": "footer", "image": "figure", "graphic": "figure", "picture": "figure",
    "main": "text", "mainzone": "text", "titlepagezone": "title", "runningtitlezone": "header",
    "numberingzone": "page-number", "quiremarkszone": "footer", "margintextzone": "other",
    "dropcapitalzone": "text", "graphiczone": "figure", "decorationzone": "figure",
    "tablezone": "table", "musiczone": "other", "sealzone": "figure", "stampzone": "other",
}  # fmt: skip


def _kind(name: str | None) -> str | None:
    """Our kind of block for a name a file gives one (``MainZone:column`` is a ``MainZone``)."""
    if not name:
        return None
    return KINDS.get(name.split(":", 1)[0].strip().lower())


def _page_number(box, height: float | None) -> str:
    """A page number is a ``header`` in the top third of the page, else a ``footer``."""
    if box is not None and height and box[1] + box[3] / 2 < height / 3:
        return "header"
    return "footer"


def _enclosing(element, index: dict) -> int | None:
    """The number of the block that holds ``element`` (itself, or its nearest ancestor)."""
    while element is not None:
        if element in index:
            return index[element]
        element = element.getparent()
    return None


def _orders(refs: list, blocks: list, lines: list, line_block: list) -> tuple[list, list]:
    """Blocks' and lines' places in a reading order that lists ``refs`` (blocks, lines or
    elements holding blocks, each counted at its first mention): a line comes where it, else
    its block, is listed (lines of one block in document order); a block where it, else its
    first listed line, is; what is listed nowhere has no place (``None``)."""
    block_at = {b: k for k, b in enumerate(blocks)}
    line_at = {line: k for k, line in enumerate(lines)}
    block_key: dict[int, int] = {}
    line_key: dict[int, int] = {}
    for rank, element in enumerate(refs):
        if element in line_at:
            line_key.setdefault(line_at[element], rank)
            continue
        k = _enclosing(element, block_at)
        held = [k] if k is not None else [block_at[e] for e in element.iter() if e in block_at]
        for k in held:
            block_key.setdefault(k, rank)
    keys = []
    for k, block in enumerate(line_block):
        key = line_key.get(k, block_key.get(block) if block is not None else None)
        keys.append(key)
        if block is not None and block not in block_key and key is not None:
            block_key[block] = key  # a block not listed itself comes with its first line
    for k, block in enumerate(line_block):  # ... a later line of it may come earlier
        if block is not None and keys[k] is not None:
            block_key[block] = min(block_key[block], keys[k])
    return _ranks([block_key.get(k) for k in range(len(blocks))]), _ranks(keys)


def _ranks(keys: list) -> list:
    """Each key's place among the keys that are not ``None`` (ties in list order)."""
    placed = sorted((key, k) for k, key in enumerate(keys) if key is not None)
    out: list = [None] * len(keys)
    for rank, (_, k) in enumerate(placed):
        out[k] = rank
    return out


class Alto(_Layout):
    name = "alto"
    endpoint = "alto"
    priority = 62
    markers = ("<alto", "standards/alto")
    size_attributes = ("WIDTH", "HEIGHT")
    number_attribute = "PHYSICAL_IMG_NR"

    def _check(self, root, r: Reader) -> None:
        unit = next((u.text for u in _descendants(root, "MeasurementUnit")), "pixel")
        if (unit or "pixel").strip() != "pixel":
            raise r.fail(f"MeasurementUnit {unit!r}: only pixel coordinates can be read")

    def _blocks(self, root, page) -> list[tuple]:
        labels = {}
        for tags in _children(root, "Tags"):
            for tag in tags:
                if tag.get("ID"):
                    labels.setdefault(tag.get("ID"), _kind(tag.get("LABEL")))
        out = []
        for element in page.iter():
            name = _local(element)
            if name == "TextBlock":
                found = (labels.get(ref) for ref in (element.get("TAGREFS") or "").split())
                out.append((element, next((k for k in found if k), "text")))
            elif name == "Illustration":
                out.append((element, "figure"))
        return out

    def _reading(self, root, page) -> list | None:
        orders = _children(root, "ReadingOrder")
        if not orders:
            return None
        by_id = {e.get("ID"): e for e in root.iter() if isinstance(e.tag, str) and e.get("ID")}
        refs = []
        for ref in (e for e in orders[0].iter() if _local(e) == "ElementRef"):
            refs += [by_id[i] for i in (ref.get("REF") or "").split() if i in by_id]
        return refs

    def _where(self, block, r: Reader) -> tuple:
        return None, _box(block, r), None

    def _line(self, ctx: Context, image: int, line, r: Reader, **layout) -> None:
        text, confs, boxes, word_confs = "", [], [], []
        for element in line:
            name = _local(element)
            if name == "SP" and text:
                text += " "
                confs.append(None)
                boxes.append(None)
            elif name == "String":
                content = element.get("CONTENT") or ""
                if text and not text.endswith(" "):
                    text += " "  # two strings with no SP between them are still two words
                    confs.append(None)
                    boxes.append(None)
                text += content
                word_confs.append(_number(element, "WC", r))
                c, b = _string_chars(element, content, r)
                confs += c
                boxes += b
        text = text.rstrip(" ")
        confs, boxes = confs[: len(text)], boxes[: len(text)]
        known = [c for c in word_confs if c is not None]
        confidence = sum(known) / len(known) if known else None
        row = ctx.columns.add_item(
            image, text, confidence_raw=confidence, box=_box(line, r), **layout
        )
        ctx.columns.add_chars(row, text, confs, boxes)


def _box(element, r: Reader) -> tuple[int, int, int, int] | None:
    values = [_number(element, k, r) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
    return None if None in values else tuple(round(v) for v in values)


def _string_chars(string, content: str, r: Reader):
    """Per character of a String: (confidences 0–1, boxes)."""
    glyphs = _children(string, "Glyph")
    if glyphs and "".join(g.get("CONTENT") or "" for g in glyphs) == content:
        confs, boxes = [], []
        for g in glyphs:
            part = g.get("CONTENT") or ""
            confs += [_number(g, "GC", r)] * len(part)
            boxes += [_box(g, r) if len(part) == 1 else None] * len(part)
        return confs, boxes
    cc = (string.get("CC") or "").split()
    if len(cc) == len(content) and all(d.isdigit() for d in cc):
        return [1.0 - int(d) / 9 for d in cc], [None] * len(content)
    return [None] * len(content), [None] * len(content)


class PageXml(_Layout):
    name = "page_xml"
    endpoint = "page_xml"
    priority = 63
    markers = ("PcGts",)
    size_attributes = ("imageWidth", "imageHeight")

    def _blocks(self, root, page) -> list[tuple]:
        out = []
        for region in page:
            name = _local(region)
            if name == "TextRegion":
                custom = STRUCTURE.search(region.get("custom") or "")
                kind = _kind(custom.group(1)) if custom else None
                out.append((region, kind or _kind(region.get("type")) or "text"))
            elif name in REGION_KINDS:
                out.append((region, REGION_KINDS[name]))
        return out

    def _reading(self, root, page) -> list | None:
        orders = _children(page, "ReadingOrder")
        if not orders:
            return None
        by_id = {e.get("id"): e for e in page.iter() if isinstance(e.tag, str) and e.get("id")}
        refs: list = []
        for group in orders[0]:
            _group_refs(group, by_id, refs)
        return refs

    def _where(self, block, r: Reader) -> tuple:
        polygon = _points(block, r)
        coords = next(iter(_children(block, "Coords")), None)
        conf = None if coords is None else _number(coords, "conf", r)
        if conf is not None and not 0 <= conf <= 1:
            raise r.fail(f"Coords conf {conf} outside 0-1")
        return polygon, _bbox(polygon), conf

    def _line(self, ctx: Context, image: int, line, r: Reader, **layout) -> None:
        text, conf = _equiv(line, r)
        polygon = _points(line, r)
        words = _children(line, "Word")
        glyphs = [
            (*_equiv(g, r), _bbox(_points(g, r))) for w in words for g in _children(w, "Glyph")
        ]
        if text is None:  # no line text: its words', joined
            text = " ".join(t for t, _ in (_equiv(w, r) for w in words) if t)
        # characters are told only by glyphs: a word's confidence is not made its characters'
        confs, boxes = _aligned(text, glyphs)
        row = ctx.columns.add_item(
            image, text, confidence_raw=conf, box=_bbox(polygon), polygon=polygon, **layout
        )
        ctx.columns.add_chars(row, text, confs, boxes)


#: Transkribus' region type: ``custom="readingOrder {index:0;} structure {type:heading;}"``
STRUCTURE = re.compile(r"structure\s*\{[^}]*type:\s*([^;}]+)")
#: PAGE's regions other than text -> ``blocks.type`` (separators and noise are no blocks)
REGION_KINDS = {"TableRegion": "table", "ImageRegion": "figure", "GraphicRegion": "figure",
                "ChartRegion": "figure", "LineDrawingRegion": "figure", "MapRegion": "figure",
                "MathsRegion": "other", "ChemRegion": "other", "MusicRegion": "other",
                "AdvertRegion": "other", "UnknownRegion": "other",
                "CustomRegion": "other"}  # fmt: skip


def _group_refs(group, by_id: dict, refs: list) -> None:
    """The regions a ``ReadingOrder`` group lists, in its order, appended to ``refs``: an
    ordered group's members by ``@index``, an unordered one's as written."""
    name = _local(group)
    if not name.endswith(("Group", "GroupIndexed", "RegionRef", "RegionRefIndexed")):
        return
    target = by_id.get(group.get("regionRef") or "")
    if target is not None:
        refs.append(target)
    members = [m for m in group if _local(m)]
    if name.startswith("OrderedGroup"):
        members.sort(key=lambda m: _index(m))
    for member in members:
        _group_refs(member, by_id, refs)


def _index(member) -> float:
    try:
        return float(member.get("index", "inf"))
    except ValueError:
        return float("inf")


def _equiv(element, r: Reader) -> tuple[str | None, float | None]:
    """The first ``TextEquiv``'s text and confidence of ``element``."""
    for equiv in _children(element, "TextEquiv"):
        unicode = next(iter(_children(equiv, "Unicode")), None)
        conf = _number(equiv, "conf", r)
        if conf is not None and not 0 <= conf <= 1:
            raise r.fail(f"TextEquiv conf {conf} outside 0-1")
        return (unicode.text or "") if unicode is not None else "", conf
    return None, None


def _points(element, r: Reader) -> list[int] | None:
    coords = next(iter(_children(element, "Coords")), None)
    if coords is None or not coords.get("points"):
        return None
    flat: list[int] = []
    for pair in coords.get("points").split():
        try:
            x, y = pair.split(",")
            flat += (round(float(x)), round(float(y)))
        except ValueError:
            raise r.fail(f"Coords points {pair!r} is not x,y") from None
    return flat


def _bbox(flat: list[int] | None):
    if not flat:
        return None
    xs, ys = flat[0::2], flat[1::2]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _aligned(text: str, pieces: list) -> tuple[list, list]:
    """Each character of ``text`` the confidence and box of the glyph (or word) covering it."""
    confs: list = [None] * len(text)
    boxes: list = [None] * len(text)
    at = 0
    for piece, conf, box in pieces:
        if not piece:
            continue
        found = text.find(piece, at)
        if found < 0:
            continue
        for k in range(found, found + len(piece)):
            confs[k] = conf
            boxes[k] = box if len(piece) == 1 else None
        at = found + len(piece)
    return confs, boxes


ADAPTERS: list[Adapter] = [Alto(), PageXml()]
