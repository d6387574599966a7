"""The pdf-text engine: a born-digital PDF's own text layer (matplotlib's PDF backend writes
one), with boxes on the rendered pixels."""

from __future__ import annotations

import pytest
from documents import SAMPLES, born_digital_pdf

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
