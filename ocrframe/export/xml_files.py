"""The OCR ecosystem's XML formats, written: hOCR, ALTO v4 and PAGE XML (2019).

One file per image (see :func:`~ocrframe.export.layout.file_names`), every line with its words
and, where the result has them, its characters' boxes and confidences:

- **hOCR**: ``ocr_page`` (``bbox``, ``image``, ``ppageno``), ``ocr_carea``/``ocr_par``,
  ``ocr_line``, ``ocrx_word`` with ``x_wconf`` (0–100) and ``ocrx_cinfo`` characters
  (``x_bboxes``, ``x_conf``), as Tesseract writes them with ``hocr_char_boxes``.
- **ALTO 4.2**: ``Page``/``PrintSpace``/``TextBlock``/``TextLine``/``String`` with ``HPOS VPOS
  WIDTH HEIGHT``, ``WC`` word confidence (0–1), ``CC`` character confidences (0 sure – 9
  unsure, the schema's scale) and ``Glyph`` elements with ``GC`` (0–1) and their boxes.
- **PAGE 2019**: ``TextRegion``/``TextLine``/``Word``/``Glyph`` with ``Coords points`` and
  ``TextEquiv conf``.

Lines are written in reading order (``items.order``, else item_id). A result with layout
``blocks`` is written block by block (see :func:`~ocrframe.export.layout.regions`): blocks in
their order, each with its lines; a line in no block is a block of its own. Reading the file
back gives the same blocks, lines and order, less what each format cannot say:

- **hOCR** has no reading order but the document's (blocks are written in theirs, so it
  comes back; a block numbering that is not the reading order comes back renumbered) and no
  block types, confidences or outlines: a block is an ``ocr_carea`` holding one ``ocr_par``
  (a ``table`` an ``ocr_table``, a ``figure`` an ``ocr_photo``, the two kinds it keeps), its
  ``bbox`` the block's box. A block without lines other than a figure is not written.
- **ALTO 4.2** has no reading order but the document's either (as hOCR), nor block
  confidences or outlines: a block is a ``TextBlock`` (a ``figure`` without lines an
  ``Illustration``) whose type is told as kraken and eScriptorium tell it, by an ``OtherTag``
  (``LABEL`` the type, ``DESCRIPTION="block type …"``) its ``TAGREFS`` name.
- **PAGE** keeps it all: a block is a ``TextRegion`` (its ``@type``: ``paragraph``,
  ``heading``, ``caption``, ``header``, ``footer``, ``other``; a ``list`` is ``other`` with
  Transkribus' ``custom="structure {type:list;}"``), a ``TableRegion`` or an ``ImageRegion``
  (their lines in a ``TextRegion`` inside), in block_id order, with the block's polygon (else
  box) as ``Coords`` and its confidence as their ``conf``; ``ReadingOrder`` orders them.

A result without blocks is written as before: each line a block (region) of its own, which
then come back as one-line ``text`` blocks.

Lines without a box (card fields) have no place in these formats and are left out; a warning
counts them. lxml builds the trees (it writes namespaces and escapes as the schemas expect).
"""

from __future__ import annotations

import html
import os
import warnings
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from ..core import atomic
from ..core.version import __version__
from ..errors import OcrExportWarning
from .layout import (
    PageLayout,
    Region,
    TextLine,
    Word,
    file_names,
    page_number,
    pages,
    reading_order,
    regions,
    union,
)

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_SCHEMA = f"{PAGE_NS}/pagecontent.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XLINK = "http://www.w3.org/1999/xlink"


def _software() -> str:
    return f"ocrframe {__version__}"


def _warn_unplaced(pages_: list[PageLayout], what: str) -> None:
    unplaced = sum(p.unplaced for p in pages_)
    if unplaced:
        warnings.warn(
            f"{unplaced} items have no box (card fields) and are not in the {what} files",
            OcrExportWarning,
            stacklevel=3,
        )


def _write_all(result, directory, suffix: str, render, what: str) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    found = pages(result)
    names = file_names(result, suffix)
    written = []
    for page in found:
        written.append(atomic.write_bytes(out / names[page.image_id], render(page)))
    _warn_unplaced(found, what)
    return written


def _corners_text(corners, sep: str = " ") -> str:
    return sep.join(f"{x},{y}" for x, y in corners)


# -- hOCR -----------------------------------------------------------------------------------------


def _bbox(box) -> str:
    x, y, w, h = box
    return f"bbox {x} {y} {x + w} {y + h}"


def hocr_page(page: PageLayout) -> bytes:
    number = page_number(page)
    image = f'image "{html.escape(str(page.source or ""), quote=False)}"; ' if page.source else ""
    body = [
        f"  <div class='ocr_page' id='page_{number}' "
        f"title='{image}bbox 0 0 {page.width} {page.height}; ppageno {number - 1}'>"
    ]
    n = 0  # lines written
    for k, region in enumerate(regions(page), start=1):
        kind = region.block.kind if region.block is not None else "text"
        box = _region_box(region)
        if box is None or (not region.lines and kind != "figure"):
            continue
        area = {"table": "ocr_table", "figure": "ocr_photo"}.get(kind, "ocr_carea")
        body.append(f"   <div class='{area}' id='block_{number}_{k}' title='{_bbox(box)}'>")
        if area != "ocr_photo":  # a picture's lines are no paragraph
            body.append(f"    <p class='ocr_par' id='par_{number}_{k}' title='{_bbox(box)}'>")
        for line in region.lines:
            n += 1
            body.append(
                f"    <span class='ocr_line' id='line_{number}_{n}' title='{_bbox(line.box)}'>"
            )
            for j, word in enumerate(line.words, start=1):
                body.append("     " + _hocr_word(word, line, f"{number}_{n}_{j}"))
            body.append("    </span>")
        body.append("    </p></div>" if area != "ocr_photo" else "   </div>")
    body.append("  </div>")
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n'
        "  <title></title>\n"
        '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
        f"  <meta name='ocr-system' content='{_software()}'/>\n"
        "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word "
        "ocrp_wconf ocrx_cinfo ocr_table ocr_photo'/>\n </head>\n <body>\n"
    )
    return (head + "\n".join(body) + "\n </body>\n</html>\n").encode("utf-8")


def _region_box(region: Region):
    """A block's box as written: its own, else the box around its lines."""
    if region.block is not None and region.block.box is not None:
        return region.block.box
    return union([line.box for line in region.lines])


def _hocr_word(word: Word, line: TextLine, ident: str) -> str:
    box = word.box or line.box
    conf = f"; x_wconf {round(word.confidence * 100)}" if word.confidence is not None else ""
    if all(g.box is not None for g in word.glyphs):
        inner = "".join(
            f"<span class='ocrx_cinfo' title='{_xbox(g.box)}"
            + (f"; x_conf {g.confidence * 100:.2f}" if g.confidence is not None else "")
            + f"'>{html.escape(g.text)}</span>"
            for g in word.glyphs
        )
    else:
        inner = html.escape(word.text)
    return f"<span class='ocrx_word' id='word_{ident}' title='{_bbox(box)}{conf}'>{inner}</span>"


def _xbox(box) -> str:
    x, y, w, h = box
    return f"x_bboxes {x} {y} {x + w} {y + h}"


def write_hocr(result, directory: str | os.PathLike) -> list[Path]:
    """One ``.hocr`` file per image of ``result`` in ``directory``; the files written."""
    return _write_all(result, directory, ".hocr", hocr_page, "hOCR")


# -- ALTO -----------------------------------------------------------------------------------------


def _pos(element, box) -> None:
    x, y, w, h = box
    element.set("HPOS", str(x))
    element.set("VPOS", str(y))
    element.set("WIDTH", str(w))
    element.set("HEIGHT", str(h))


def _cc(confidence: float) -> str:
    """A character's confidence on ALTO's CC scale: 0 (sure) to 9 (unsure)."""
    return str(round((1.0 - confidence) * 9))


def alto_page(page: PageLayout) -> bytes:
    a = f"{{{ALTO_NS}}}"
    root = etree.Element(f"{a}alto", nsmap={None: ALTO_NS, "xsi": XSI, "xlink": XLINK})
    root.set(f"{{{XSI}}}schemaLocation", f"{ALTO_NS} {ALTO_SCHEMA}")
    root.set("SCHEMAVERSION", "4.2")
    description = etree.SubElement(root, f"{a}Description")
    etree.SubElement(description, f"{a}MeasurementUnit").text = "pixel"
    if page.source:
        info = etree.SubElement(description, f"{a}sourceImageInformation")
        etree.SubElement(info, f"{a}fileName").text = str(page.source)
    processing = etree.SubElement(description, f"{a}Processing", ID="ocrframe")
    software = etree.SubElement(processing, f"{a}processingSoftware")
    etree.SubElement(software, f"{a}softwareName").text = _software()
    found = regions(page)
    kinds = sorted({r.block.kind for r in found if r.block is not None})
    if kinds:  # block types as kraken and eScriptorium write them
        tags = etree.SubElement(root, f"{a}Tags")
        for kind in kinds:
            etree.SubElement(
                tags, f"{a}OtherTag", ID=f"TYPE_{kind}", LABEL=kind,
                DESCRIPTION=f"block type {kind}",
            )  # fmt: skip
    layout = etree.SubElement(root, f"{a}Layout")
    number = page_number(page)
    element = etree.SubElement(
        layout, f"{a}Page", ID=f"page_{number}", PHYSICAL_IMG_NR=str(number),
        WIDTH=str(page.width), HEIGHT=str(page.height),
    )  # fmt: skip
    if page.confidence is not None:
        element.set("PC", f"{page.confidence:.4f}")
    space = etree.SubElement(element, f"{a}PrintSpace")
    _pos(space, (0, 0, page.width, page.height))
    k = 0  # lines written
    for b, region in enumerate(found):
        kind = region.block.kind if region.block is not None else None
        box = _region_box(region)
        if not region.lines and kind != "figure":
            continue
        name = "Illustration" if not region.lines else "TextBlock"
        block = etree.SubElement(space, f"{a}{name}", ID=f"block_{b}")
        if box is not None:
            _pos(block, box)
        if kind is not None:
            block.set("TAGREFS", f"TYPE_{kind}")
        for line in region.lines:
            _alto_line(block, line, k, a)
            k += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _alto_line(block, line: TextLine, k: int, a: str) -> None:
    """One ``TextLine`` with its strings (words), their characters' confidences and glyphs."""
    text_line = etree.SubElement(block, f"{a}TextLine", ID=f"line_{k}")
    _pos(text_line, line.box)
    for j, word in enumerate(line.words):
        if j:
            etree.SubElement(text_line, f"{a}SP")
        string = etree.SubElement(text_line, f"{a}String", ID=f"string_{k}_{j}")
        string.set("CONTENT", word.text)
        _pos(string, word.box or line.box)
        if word.confidence is not None:
            string.set("WC", f"{word.confidence:.4f}")
        if word.glyphs and all(g.confidence is not None for g in word.glyphs):
            string.set("CC", " ".join(_cc(g.confidence) for g in word.glyphs))
        for i, glyph in enumerate(word.glyphs):
            if glyph.box is None:
                continue
            g = etree.SubElement(string, f"{a}Glyph", ID=f"glyph_{k}_{j}_{i}")
            g.set("CONTENT", glyph.text)
            if glyph.confidence is not None:
                g.set("GC", f"{glyph.confidence:.4f}")
            _pos(g, glyph.box)


def write_alto(result, directory: str | os.PathLike) -> list[Path]:
    """One ALTO 4.2 ``.xml`` file per image of ``result`` in ``directory``."""
    return _write_all(result, directory, ".xml", alto_page, "ALTO")


# -- PAGE -----------------------------------------------------------------------------------------


def _coords(parent, corners, ns: str) -> None:
    etree.SubElement(parent, f"{ns}Coords", points=_corners_text(corners))


def _box_corners(box):
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _equiv(parent, text: str, confidence: float | None, ns: str) -> None:
    equiv = etree.SubElement(parent, f"{ns}TextEquiv")
    if confidence is not None:
        equiv.set("conf", f"{min(max(confidence, 0.0), 1.0):.4f}")
    etree.SubElement(equiv, f"{ns}Unicode").text = text


def page_xml_page(page: PageLayout) -> bytes:
    p = f"{{{PAGE_NS}}}"
    root = etree.Element(f"{p}PcGts", nsmap={None: PAGE_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{PAGE_NS} {PAGE_SCHEMA}")
    metadata = etree.SubElement(root, f"{p}Metadata")
    etree.SubElement(metadata, f"{p}Creator").text = _software()
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    etree.SubElement(metadata, f"{p}Created").text = now
    etree.SubElement(metadata, f"{p}LastChange").text = now
    element = etree.SubElement(
        root, f"{p}Page", imageFilename=str(page.source or ""),
        imageWidth=str(page.width), imageHeight=str(page.height),
    )  # fmt: skip
    found = regions(page)
    written = [r for r in found if _region_box(r) is not None and (r.lines or r.block)]
    if page.blocks:  # the regions in block_id order, the reading order told apart
        listed = [r for r in written if r.lines or r.block.order is not None]
        written = sorted(written, key=_document_place)
        ids = {id(r): f"r{k}" for k, r in enumerate(written)}
        group = etree.SubElement(etree.SubElement(element, f"{p}ReadingOrder"),
                                 f"{p}OrderedGroup", id="ro")  # fmt: skip
        for k, region in enumerate(listed):
            # a table's or picture's text region: what readers of the text follow (dinglehopper)
            ref = ids[id(region)] + ("_text" if _holds_text_region(region) else "")
            etree.SubElement(group, f"{p}RegionRefIndexed", index=str(k), regionRef=ref)
    for k, region in enumerate(written):
        _page_region(element, region, f"r{k}", p)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_page_xml(result, directory: str | os.PathLike) -> list[Path]:
    """One PAGE XML (2019) ``.xml`` file per image of ``result`` in ``directory``."""
    return _write_all(result, directory, ".xml", page_xml_page, "PAGE")


#: block types -> PAGE's ``TextRegion/@type`` (a list: ``other`` with a Transkribus structure)
PAGE_TYPES = {"text": "paragraph", "title": "heading", "caption": "caption", "header": "header",
              "footer": "footer", "list": "other", "other": "other"}  # fmt: skip
#: block types written as regions of another kind than text (their lines in a text region)
OUTER = {"table": "TableRegion", "figure": "ImageRegion"}


def _holds_text_region(region: Region) -> bool:
    """Whether a region is a table or picture whose lines are in a text region inside it."""
    return bool(region.lines) and region.block is not None and region.block.kind in OUTER


def _document_place(region: Region) -> tuple[int, int]:
    """Where a region goes in a PAGE file: blocks by block_id, then lines of no block."""
    if region.block is not None:
        return 0, region.block.block_id
    return 1, region.lines[0].item_id


def _page_region(parent, region: Region, ident: str, p: str) -> None:
    """A block as a PAGE region with its lines (a table's or picture's inside a text region)."""
    block = region.block
    kind = block.kind if block is not None else "text"
    name = OUTER.get(kind, "TextRegion")
    element = etree.SubElement(parent, f"{p}{name}", id=ident)
    if block is not None:
        corners = block.corners(region.lines)
    else:  # a line of its own: its outline
        corners = region.lines[0].corners() if len(region.lines) == 1 else None
    coords = etree.SubElement(
        element, f"{p}Coords",
        points=_corners_text(corners or _box_corners(_region_box(region))),
    )  # fmt: skip
    if block is not None and block.confidence is not None:
        coords.set("conf", f"{min(max(block.confidence, 0.0), 1.0):.4f}")
    if name == "TextRegion":
        if block is not None:
            element.set("type", PAGE_TYPES.get(kind, "other"))
        if kind == "list":
            element.set("custom", "structure {type:list;}")
        _page_lines(element, region.lines, ident, p)
    elif _holds_text_region(region):
        inner = etree.SubElement(element, f"{p}TextRegion", id=f"{ident}_text", type="paragraph")
        _coords(inner, _box_corners(union([line.box for line in region.lines])), p)
        _page_lines(inner, region.lines, f"{ident}_text", p)


def _page_lines(region, lines: list[TextLine], ident: str, p: str) -> None:
    """A text region's lines, then its text (theirs, a line each)."""
    for j, line in enumerate(lines):
        text_line = etree.SubElement(region, f"{p}TextLine", id=f"{ident}_l{j}")
        _coords(text_line, line.corners(), p)
        if all(word.box is not None for word in line.words):
            for i, word in enumerate(line.words):
                w = etree.SubElement(text_line, f"{p}Word", id=f"{ident}_l{j}_w{i}")
                _coords(w, _box_corners(word.box), p)
                for g_k, glyph in enumerate(word.glyphs):
                    g = etree.SubElement(w, f"{p}Glyph", id=f"{ident}_l{j}_w{i}_g{g_k}")
                    _coords(g, _box_corners(glyph.box), p)
                    _equiv(g, glyph.text, glyph.confidence, p)
                _equiv(w, word.text, word.confidence, p)
        _equiv(text_line, line.text, line.confidence, p)
    if lines:
        _equiv(region, "\n".join(line.text for line in lines), None, p)


# -- text -----------------------------------------------------------------------------------------


def text_page(page: PageLayout) -> bytes:
    """A page's text in reading order, one line per item (every item, with a box or not)."""
    return "".join(line.text + "\n" for line in reading_order(page.lines)).encode("utf-8")


def write_text(result, directory: str | os.PathLike) -> list[Path]:
    """One ``.txt`` file per image of ``result`` in ``directory``: its lines in order."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    names = file_names(result, ".txt")
    written = []
    for page in pages(result):
        path = out / names[page.image_id]
        path.write_bytes(text_page(page))
        written.append(path)
    return written
