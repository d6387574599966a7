"""Tesseract as a second engine, and the minorlanguage languages it reads."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

import ocrframe
from ocrframe import analysis, engines
from ocrframe.engines.local import LocalEngine
from ocrframe.engines.tesseract import TesseractEngine, parse_hocr

pytestmark = pytest.mark.engine  # Tesseract, run for real

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def render(lines: list[str], font: str, size: int = 32) -> Image.Image:
    img = Image.new("RGB", (900, 60 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    f = ImageFont.truetype(font, size)
    for k, line in enumerate(lines):
        draw.text((30, 30 + 60 * k), line, font=f, fill="black")
    return img


def test_french_through_minorlanguage():
    lines = ["Le château se trouve près de la forêt.", "Où est la bibliothèque ? Déjà fermée."]
    res = ocrframe.recognize(
        render(lines, LATIN_FONT), endpoint="minorlanguage", language="fre", progress=False
    )
    assert res.images.loc[0, "engine"] == "tesseract"  # the local service routes it there
    assert res.images.loc[0, "endpoint"] == "minorlanguage"
    text = " ".join(res.items["text"])
    assert analysis.cer(" ".join(lines), text) < 0.05, text
    assert "château" in text and "forêt" in text
    raw = res.raw[0]["data"]
    assert raw["class"] == [] and raw["engine"]["name"] == "tesseract"
    confs = [w["confidence"] for it in raw["items"] for w in it["words"] if w["confidence"]]
    assert confs and all(0 <= c <= 1 for c in confs)  # minorlanguage's 0-1 scale


def test_japanese_through_minorlanguage():
    lines = ["かっこいい社名の由来", "日本語の文字認識"]
    res = ocrframe.recognize(
        render(lines, CJK_FONT, size=40), endpoint="minorlanguage", language="jap", progress=False
    )
    text = "".join(res.items["text"])
    assert analysis.cer("".join(lines), text) < 0.15, text


def test_tesseract_general_gives_character_boxes_and_confidences():
    res = ocrframe.recognize(ocrframe.samples()[1], engine="tesseract", progress=False)
    chars = res.chars[res.chars["char"] != " "]
    assert chars["x"].notna().mean() > 0.95 and chars["confidence"].notna().all()
    assert chars["confidence"].between(0, 1).all()
    assert "Optical character recognition" in res.items.loc[0, "text"]
    spaces = res.chars[res.chars["char"] == " "]
    assert len(spaces) > 0 and spaces["confidence"].isna().all()  # no confidence is invented


def test_missing_language_pack_names_the_debian_package():
    engine = TesseractEngine(general_languages="eng+ukr")
    try:
        engine.languages_for("general", {})
    except ocrframe.OcrframeError as err:
        assert "apt-get install tesseract-ocr-ukr" in str(err)
    else:
        raise AssertionError("no error for a missing pack")


def test_parse_hocr_joins_cjk_without_spaces():
    hocr = """<html xmlns="http://www.w3.org/1999/xhtml"><body>
    <span class='ocr_line' title="bbox 10 10 200 40">
     <span class='ocrx_word' title='bbox 10 10 50 40; x_wconf 90'>
      <span class='ocrx_cinfo' title='x_bboxes 10 10 30 40; x_conf 91.5'>中</span>
      <span class='ocrx_cinfo' title='x_bboxes 30 10 50 40; x_conf 92'>文</span></span>
     <span class='ocrx_word' title='bbox 55 10 70 40; x_wconf 80'>
      <span class='ocrx_cinfo' title='x_bboxes 55 10 70 40; x_conf 80'>字</span></span>
     <span class='ocrx_word' title='bbox 80 10 120 40; x_wconf 70'>
      <span class='ocrx_cinfo' title='x_bboxes 80 10 100 40; x_conf 70'>A</span>
      <span class='ocrx_cinfo' title='x_bboxes 100 10 120 40; x_conf 60'>&amp;</span></span>
    </span></body></html>"""
    (line,) = parse_hocr(hocr)
    assert line.text == "中文字 A&"
    assert [c.confidence for c in line.chars] == [0.915, 0.92, 0.8, None, 0.7, 0.6]
    assert line.chars[0].box == (10, 10, 20, 30) and line.chars[3].box is None


def test_engines_are_registered():
    assert isinstance(engines.get("tesseract"), TesseractEngine)


#: a Korean paragraph (from the realdev Korean report's wording), which PP-OCRv6 small cannot read
KOREAN = (
    "현행 생명보험 표준약관상 재해분류표는 감염병예방법 제2조 제2호의 제1급감염병들을 질병임에도 "
    "불구하고 보장대상이 되는 재해로 규정하고 있다 그러나 제1급감염병에 포함되는 질병임에도 "
    "불구하고 생명보험 표준약관 재해분류표의 한국표준질병 사인분류 상 코드에 해당하는 질병들은 "
    "보장제외대상으로 분류되어 보험금을 지급하지 않는 것으로 규정되어 있다"
)


def korean_page() -> tuple[Image.Image, str]:
    """A page of the Korean paragraph twice over, and its text."""
    font = ImageFont.truetype(CJK_FONT, 28)
    rows, words = [], []
    for word in (KOREAN + " " + KOREAN).split():
        if words and font.getlength(" ".join([*words, word])) > 880:
            rows.append(" ".join(words))
            words = []
        words.append(word)
    rows.append(" ".join(words))
    page = Image.new("RGB", (1000, 1000), "white")
    draw = ImageDraw.Draw(page)
    for k, row in enumerate(rows):
        draw.text((60, 60 + 44 * k), row, font=font, fill="black")
    return page, " ".join(rows)


@pytest.mark.skipif(
    not {"kor", "osd"} <= TesseractEngine().installed(), reason="needs Tesseract's kor and osd"
)
@pytest.mark.parametrize("turn", [0, 180])
def test_a_page_in_a_script_the_local_models_cannot_read_goes_to_tesseract(turn):
    page, truth = korean_page()
    page = page.rotate(turn)
    unread = ocrframe.recognize(
        page, engine=LocalEngine(other_scripts=False), progress=False, workers=1
    )
    assert analysis.cer(truth, unread.text(0)) > 0.5  # the recogniser's guesses at Hangul
    res = ocrframe.recognize(page, progress=False, workers=1)
    assert res.images.loc[0, "engine"] == "tesseract"
    assert analysis.cer(truth, res.text(0)) < 0.1, res.text(0)
    # the boxes are the page's as given: a line read upside down lies where it is drawn
    first = res.items.sort_values("order").iloc[0]
    assert (first["y"] < 200) == (turn == 0)


def test_a_latin_or_chinese_page_stays_with_the_local_models():
    lines = ["The council voted on tuesday", "to build a new quay for ferries"] * 3
    res = ocrframe.recognize(render(lines, LATIN_FONT), progress=False, workers=1)
    assert res.images.loc[0, "engine"] == "rapidocr"
