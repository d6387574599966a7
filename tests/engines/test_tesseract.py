"""Tesseract as a second engine, and the minorlanguage languages it reads."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

import ocrframe
from ocrframe import analysis, engines
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
