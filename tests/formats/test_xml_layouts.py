"""ALTO and PAGE keep their page's structure: blocks (ALTO ``TextBlock``, PAGE regions with
their types, outlines and confidences) and the reading order (ALTO 4.3's and PAGE's
``ReadingOrder``, else the document's), read from real files (``tests/fixtures/structure``:
Tesseract's ALTO, a Transkribus export, the PAGE format's own example) and from small files
made here for what those do not show."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import ocrframe

STRUCTURE = Path(__file__).resolve().parents[1] / "fixtures" / "structure"


def _read(name: str) -> ocrframe.OcrResult:
    return ocrframe.read_xml(STRUCTURE / name)


def _rows(frame: pd.DataFrame, *columns: str) -> list:
    """``columns`` of ``frame`` as lists, NA as None."""
    return [[None if pd.isna(v) else v for v in row] for row in frame[list(columns)].values]


def _blocks(res: ocrframe.OcrResult, *columns: str) -> list:
    return _rows(res.blocks, *columns)


# -- ALTO -----------------------------------------------------------------------------------------


def test_tesseract_alto_gives_a_block_per_text_block_in_document_order():
    alto = _read("tesseract_two_columns_alto.xml")
    hocr = ocrframe.read_xml(STRUCTURE / "tesseract_two_columns.hocr")
    # Tesseract writes a TextBlock per paragraph: the layout its hOCR of the page has
    assert len(alto.blocks) == 7 and set(alto.blocks["type"]) == {"text"}
    columns = ["text", "block_id", "order", "x", "y", "width", "height"]
    assert alto.items[columns].equals(hocr.items[columns])
    assert alto.blocks[["x", "y", "width", "height"]].equals(
        hocr.blocks[["x", "y", "width", "height"]]
    )
    assert alto.blocks["order"].tolist() == list(range(7))


ALTO_43 = """<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
<Description><MeasurementUnit>pixel</MeasurementUnit></Description>
<Tags><OtherTag ID="BT1" LABEL="Title" DESCRIPTION="block type Title"/>
<OtherTag ID="BT2" LABEL="MainZone:column" DESCRIPTION="block type MainZone:column"/>
<OtherTag ID="LT1" LABEL="DefaultLine" DESCRIPTION="line type DefaultLine"/></Tags>
<ReadingOrder><OrderedGroup ID="ro"><ElementRef ID="e1" REF="right"/>
<UnorderedGroup ID="u"><ElementRef ID="e2" REF="title"/></UnorderedGroup>
<ElementRef ID="e3" REF="l1 l0"/></OrderedGroup></ReadingOrder>
<Layout><Page ID="p" WIDTH="400" HEIGHT="300"><PrintSpace>
<TextBlock ID="left" TAGREFS="BT2" HPOS="0" VPOS="40" WIDTH="190" HEIGHT="60">
<TextLine ID="l0" TAGREFS="LT1" HPOS="0" VPOS="40" WIDTH="190" HEIGHT="20"><String CONTENT="a"/></TextLine>
<TextLine ID="l1" HPOS="0" VPOS="70" WIDTH="190" HEIGHT="20"><String CONTENT="b"/></TextLine>
</TextBlock>
<TextBlock ID="title" TAGREFS="BT1" HPOS="0" VPOS="0" WIDTH="400" HEIGHT="30">
<TextLine ID="t0" HPOS="0" VPOS="0" WIDTH="400" HEIGHT="30"><String CONTENT="T"/></TextLine>
</TextBlock>
<TextBlock ID="right" HPOS="210" VPOS="40" WIDTH="190" HEIGHT="30">
<TextLine ID="r0" HPOS="210" VPOS="40" WIDTH="190" HEIGHT="20"><String CONTENT="c"/></TextLine>
</TextBlock>
<Illustration ID="picture" HPOS="0" VPOS="200" WIDTH="100" HEIGHT="90"/>
</PrintSpace></Page></Layout></alto>"""


def test_alto_reading_order_and_block_types_from_tags():
    res = ocrframe.from_response(ALTO_43)
    assert _blocks(res, "block_id", "type", "order") == [
        [0, "text", 2], [1, "title", 1], [2, "text", 0], [3, "figure", None],
    ]  # fmt: skip
    # lines listed one by one come as listed; the others with their block
    assert res.items[["text", "block_id", "order"]].values.tolist() == [
        ["a", 0, 3], ["b", 0, 2], ["T", 1, 1], ["c", 2, 0],
    ]  # fmt: skip
    assert res.text().iloc[0] == "c\n\nT\n\nb\na"
    assert _blocks(res, "x", "y", "width", "height")[3] == [0, 200, 100, 90]


# -- PAGE -----------------------------------------------------------------------------------------


def test_a_transkribus_export_keeps_its_regions_outlines_and_reading_order():
    res = _read("transkribus_0074-lite.xml")
    # two regions of Transkribus' own structure types ($pag, $pac): no kind we know, so text
    assert _blocks(res, "block_id", "type", "order") == [[0, "text", 0], [1, "text", 1]]
    assert res.items["block_id"].tolist() == [0, 1, 1, 1, 1]
    assert res.items["order"].tolist() == [0, 1, 2, 3, 4]
    outline = [738, 203, 2339, 245, 2398, 294, 2446, 345, 2574, 469, 2539, 1873, 2523, 2053,
               2477, 2182, 738, 2243]  # fmt: skip
    assert list(res.blocks["polygon"].iloc[1]) == outline
    assert _blocks(res, "x", "y", "width", "height")[1] == [738, 203, 2574 - 738, 2243 - 203]
    assert res.text().iloc[0].startswith("$pag:39\n\n$-nor su hijo")


def _region(kind: str, ident: str, y: int, *lines: str, attributes: str = "") -> str:
    text = "".join(
        f'<TextLine id="{ident}_{k}"><Coords points="10,{y + 10 * k} 90,{y + 10 * k} '
        f'90,{y + 10 * k + 8} 10,{y + 10 * k + 8}"/><TextEquiv><Unicode>{line}</Unicode>'
        "</TextEquiv></TextLine>"
        for k, line in enumerate(lines)
    )
    return (
        f'<{kind} id="{ident}" {attributes}><Coords points="0,{y} 100,{y} 100,{y + 40} '
        f'0,{y + 40}" conf="0.75"/>{text}</{kind}>'
    )


PAGE = (
    '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">'
    '<Page imageWidth="100" imageHeight="600"><ReadingOrder><OrderedGroup id="ro">'
    '<RegionRefIndexed index="2" regionRef="notes"/>'
    '<UnorderedGroupIndexed index="0" id="u"><RegionRef regionRef="heading"/>'
    '<RegionRef regionRef="cell"/></UnorderedGroupIndexed>'
    '<RegionRefIndexed index="1" regionRef="body"/>'
    '<RegionRefIndexed index="3" regionRef="nowhere"/>'
    "</OrderedGroup></ReadingOrder>"
    + _region("TextRegion", "body", 100, "body one", "body two", attributes='type="paragraph"')
    + _region("TextRegion", "heading", 0, "Heading",
              attributes='type="paragraph" custom="structure {type:heading;}"')
    + _region("TextRegion", "notes", 200, "a note", attributes='type="marginalia"')
    + '<TableRegion id="table"><Coords points="0,300 100,300 100,400 0,400"/>'
    + _region("TextRegion", "cell", 300, "cell") + "</TableRegion>"
    + _region("TextRegion", "top", 5, "12", attributes='type="page-number"')
    + _region("TextRegion", "bottom", 550, "13", attributes='type="page-number"')
    + '<SeparatorRegion id="line"><Coords points="0,90 100,90 100,91 0,91"/></SeparatorRegion>'
    + "</Page></PcGts>"
)  # fmt: skip


def test_page_reading_order_groups_nested_regions_and_types():
    res = ocrframe.from_response(PAGE)
    # regions in document order; the separator is none; what the order leaves out has none
    assert _blocks(res, "block_id", "type", "order", "confidence") == [
        [0, "text", 2, 0.75], [1, "title", 0, 0.75], [2, "other", 3, 0.75],
        [3, "table", 1, None], [4, "header", None, 0.75], [5, "footer", None, 0.75],
    ]  # fmt: skip
    assert _rows(res.items, "text", "block_id", "order") == [
        ["body one", 0, 2], ["body two", 0, 3], ["Heading", 1, 0], ["a note", 2, 4],
        ["cell", 3, 1], ["12", 4, None], ["13", 5, None],
    ]  # fmt: skip


def test_without_a_reading_order_the_document_s_is_taken():
    start = PAGE.index("<ReadingOrder>")
    end = PAGE.index("</ReadingOrder>") + len("</ReadingOrder>")
    res = ocrframe.from_response(PAGE[:start] + PAGE[end:])
    assert res.blocks["order"].tolist() == list(range(6))
    assert res.items["order"].tolist() == list(range(7))
