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

Layout structure (blocks, regions, reading order, styles) stays in the raw text.

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
            for line in _descendants(page, "TextLine"):
                self._line(ctx, image, line, r)

    def _check(self, root, r: Reader) -> None:
        """Refuse a file whose content cannot be read into pixel tables."""

    def _line(self, ctx: Context, image: int, line, r: Reader) -> None:
        raise NotImplementedError


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

    def _line(self, ctx: Context, image: int, line, r: Reader) -> None:
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
        row = ctx.columns.add_item(image, text, confidence_raw=confidence, box=_box(line, r))
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

    def _line(self, ctx: Context, image: int, line, r: Reader) -> None:
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
            image, text, confidence_raw=conf, box=_bbox(polygon), polygon=polygon
        )
        ctx.columns.add_chars(row, text, confs, boxes)


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
