"""The pdf-text engine: a born-digital PDF's own text layer (matplotlib's PDF backend writes
one), with boxes on the rendered pixels."""

from __future__ import annotations

import pytest
from documents import SAMPLES, TRUTH, born_digital_pdf

import ocrframe
from ocrframe import analysis

# -- born-digital PDFs: their text layer -------------------------------------------------------


@pytest.fixture(scope="module")
def born(tmp_path_factory):
    return born_digital_pdf(tmp_path_factory.mktemp("born") / "report.pdf")


def test_pdf_text_gives_the_text_layer_with_boxes_on_the_rendered_pixels(born):
    import pypdfium2 as pdfium

    res = ocrframe.recognize(born, engine="pdf-text", progress=False)
    assert (
        res.images["page"].tolist() == [1, 2] and res.images["engine"].tolist() == ["pdf-text"] * 2
    )
    assert res.items.loc[res.items["image_id"] == 0, "text"].tolist() == [
        "Quarterly report, page 1",
        "Invoice No. 2024-0917, total EUR 1,250.00",
        "Revenue rose twelve percent on the year",
    ]
    assert res.items["confidence"].isna().all() and res.chars["confidence"].isna().all()
    pdf = pdfium.PdfDocument(str(born))
    page = pdf[0]
    scale = ocrframe.inputs.pages.DEFAULT_DPI / 72
    width, height = page.get_size()
    rendered = page.render(scale=scale).to_pil().size
    assert (res.images.loc[0, "image_width"], res.images.loc[0, "image_height"]) == rendered
    textpage = page.get_textpage()
    chars = res.chars[(res.chars["image_id"] == 0) & res.chars["x"].notna()]
    # the same characters, in the text layer's order, each box within 2 px of PDFium's own
    boxes = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        if right - left > 0.5 and top - bottom > 0.5:
            boxes.append(
                (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
            )
    assert len(boxes) == len(chars)
    for (x0, y0, x1, y1), ch in zip(boxes, chars.itertuples()):
        assert abs(ch.x - x0) <= 2 and abs(ch.y - y0) <= 2
        assert abs(ch.x + ch.width - x1) <= 2 and abs(ch.y + ch.height - y1) <= 2
    assert width > 0


@pytest.mark.engine
def test_the_text_layer_is_a_ground_truth_for_an_ocr_engine(born):
    layer = ocrframe.recognize(born, engine="pdf-text", progress=False)
    ocr = ocrframe.recognize(born, progress=False)
    ev = analysis.evaluate(ocr, layer)  # pages matched by (source, page)
    assert ev.images["truth"].notna().all()
    assert 0 <= ev.cer <= 0.05
    assert ev.items["truth"].notna().all()


def test_pdf_text_refuses_what_is_not_a_pdf_page():
    res = ocrframe.recognize(SAMPLES["receipt.png"], engine="pdf-text", progress=False)
    assert res.images["code"].tolist() == [-1400] and "text layer" in res.images.loc[0, "message"]


def _merged(path, *parts) -> str:
    """One PDF of the given (PDF, page index) pairs, in order."""
    import pikepdf

    out = pikepdf.new()
    for source, index in parts:
        with pikepdf.open(source) as pdf:
            out.pages.append(pdf.pages[index])
    out.save(path)
    return str(path)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, samples_result):
    """Page 1 born-digital, page 2 a scan, page 3 a scan with an earlier OCR's invisible text."""
    from documents import image_pdf

    folder = tmp_path_factory.mktemp("mixed")
    born = born_digital_pdf(folder / "born.pdf")
    scan = image_pdf(folder / "scan.pdf", ["en_document.png"])
    en = samples_result.images["source"].str.endswith("en_document.png")
    searchable = samples_result.select(en).to_pdf(folder / "searchable.pdf")
    return _merged(folder / "mixed.pdf", (born, 0), (scan, 0), (searchable, 0))


def test_only_a_page_that_shows_its_own_text_has_a_text_layer(mixed):
    from ocrframe.engines.pdf_text import has_own_text
    from ocrframe.inputs.pages import DocumentPage

    own = [has_own_text(DocumentPage(mixed, k, 72)) for k in range(3)]
    assert own == [True, False, False]  # the invisible layer is an earlier OCR's, not the page's


@pytest.mark.engine
def test_a_mixed_pdf_reads_each_page_from_its_source(mixed):
    res = ocrframe.recognize(mixed, dpi=150, progress=False)  # text_layer="auto"
    assert res.images["engine"].tolist() == ["pdf-text", "rapidocr", "rapidocr"]
    assert res.text(0).startswith("Quarterly report, page 1\n")  # exact: the layer itself
    assert res.items.loc[res.items["image_id"] == 0, "confidence"].isna().all()
    truth = " ".join(TRUTH["en_document.png"]["lines"])
    for image_id in (1, 2):
        assert analysis.cer(truth, res.text(image_id).replace("\n", " ")) < 0.1
    # the layer's page gets a layout too: blocks and a reading order
    assert (res.blocks["image_id"] == 0).any()
    assert res.items.loc[res.items["image_id"] == 0, "order"].notna().all()
    # always OCR; text layers only (a scan has none: no lines, the invisible one's text)
    ocr = ocrframe.recognize(mixed, pages=[1], dpi=150, progress=False, text_layer="never")
    assert ocr.images["engine"].tolist() == ["rapidocr"]
    layer = ocrframe.recognize(mixed, progress=False, text_layer="only")
    assert layer.images["engine"].tolist() == ["pdf-text"] * 3
    assert layer.images["n_items"].tolist()[1] == 0 and layer.images["n_items"].tolist()[2] > 0
    with pytest.raises(ocrframe.OcrframeError, match="text_layer='sometimes'"):
        ocrframe.recognize(mixed, progress=False, text_layer="sometimes")
