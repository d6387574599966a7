"""Real documents in: PDFs and multi-page TIFFs page by page, born-digital text layers, any
orientation, any size. The tests build their own documents: Pillow writes image-only PDFs and
multi-page TIFFs, matplotlib's PDF backend real text layers, pikepdf an encrypted PDF."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from documents import SAMPLES, THREE, born_digital_pdf, image_pdf
from PIL import Image

import ocrframe
from ocrframe import analysis
from ocrframe.engines.upright import turn_back

TRUTH = {Path(r["source"]).name: r for r in ocrframe.samples(truth=True)}


def page_texts(res: ocrframe.OcrResult) -> dict[int, str]:
    return {
        int(img.page): " ".join(res.items.loc[res.items["image_id"] == img.image_id, "text"])
        for img in res.images.itertuples()
    }


def cer_of(res: ocrframe.OcrResult, image_id: int, name: str) -> float:
    got = " ".join(res.items.loc[res.items["image_id"] == image_id, "text"])
    return analysis.cer(" ".join(TRUTH[name]["lines"]), got)


# -- pages of PDFs and TIFFs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    path = image_pdf(tmp_path_factory.mktemp("pdf") / "three.pdf")
    return path, ocrframe.recognize(path, progress=False)


@pytest.mark.engine
def test_a_three_page_scan_is_three_images_with_their_pages(three):
    path, res = three
    assert res.images["source"].tolist() == [str(path)] * 3
    assert res.images["page"].tolist() == [1, 2, 3]
    assert res.images["dpi"].tolist() == [300] * 3  # the default
    for k, name in enumerate(THREE):
        assert cer_of(res, k, name) <= 0.02, name
    assert res.title(1) == "three.pdf p. 2"


@pytest.mark.engine
def test_pages_and_dpi_choose_what_is_read(three):
    path, _ = three
    res = ocrframe.recognize(path, pages=[3, 1], dpi=100, progress=False)
    assert res.images["page"].tolist() == [3, 1] and res.images["dpi"].tolist() == [100, 100]
    # 100 dpi: the page is 2/3 of its 150 dpi scan's width
    width = Image.open(SAMPLES["receipt.png"]).width
    assert abs(int(res.images.loc[0, "image_width"]) - round(width * 100 / 150)) <= 1
    missing = ocrframe.recognize(path, pages=range(3, 5), progress=False)
    assert missing.images["code"].tolist() == [0, -12]
    assert "no page 4: the document has 3" in missing.images.loc[1, "message"]


@pytest.mark.engine
def test_the_cli_and_a_dataset_give_the_same_tables(three, tmp_path):
    path, res = three
    done = subprocess.run(
        [sys.executable, "-m", "ocrframe", "recognize", str(path), "--pages", "1-3",
         "-o", str(tmp_path / "cli"), "--no-progress"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    cli = ocrframe.read_parquet(tmp_path / "cli")
    ds = ocrframe.recognize(path, out=tmp_path / "ds", batch_size=1, progress=False).load()
    for other in (cli, ds):
        for table in ("items", "chars"):
            pd.testing.assert_frame_equal(getattr(other, table), getattr(res, table))
        cols = ["source", "page", "dpi", "image_width", "image_height", "n_items"]
        pd.testing.assert_frame_equal(other.images[cols], res.images[cols])


@pytest.mark.engine
def test_a_dataset_killed_in_the_middle_of_a_pdf_resumes_every_page_once(tmp_path):
    path = image_pdf(tmp_path / "long.pdf", THREE * 3)  # nine pages
    out = tmp_path / "ds"
    script = (
        "import ocrframe, sys; "
        f"ocrframe.recognize({str(path)!r}, out={str(out)!r}, batch_size=1, progress=False)"
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    commits = out / "_commits"
    deadline = time.monotonic() + 600  # a safety net: the child stops on purpose below
    while time.monotonic() < deadline and len(list(commits.glob("*.json"))) < 3:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    done_before = len(list(commits.glob("*.json")))
    assert 3 <= done_before < 9
    ds = ocrframe.recognize(path, out=out, resume=True, batch_size=1, progress=False)
    res = ds.load()
    assert sorted(res.images["page"].tolist()) == list(range(1, 10))  # every page once
    assert len(list(commits.glob("*.json"))) == 9  # only the missing pages were read


@pytest.mark.engine
def test_a_multi_page_tiff_is_read_page_by_page(tmp_path):
    path = tmp_path / "scan.tiff"
    pictures = [Image.open(SAMPLES[n]).convert("RGB") for n in THREE[:2]]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], compression="tiff_lzw")
    res = ocrframe.recognize(path, progress=False)
    assert res.images["page"].tolist() == [1, 2] and res.images["dpi"].isna().all()
    assert cer_of(res, 1, THREE[1]) <= 0.02
    one = ocrframe.recognize(path, pages=2, progress=False)
    assert one.items["text"].tolist() == res.items.loc[res.items["image_id"] == 1, "text"].tolist()


@pytest.mark.engine
def test_pdfs_that_cannot_be_opened_are_failed_rows_and_the_rest_goes_on(tmp_path):
    import pikepdf

    scan = image_pdf(tmp_path / "scan.pdf", THREE[:1])
    encrypted = tmp_path / "locked.pdf"
    with pikepdf.open(scan) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(scan.read_bytes()[:400])
    empty = tmp_path / "empty.pdf"
    pikepdf.Pdf.new().save(empty)
    res = ocrframe.recognize([encrypted, damaged, empty, scan], progress=False)
    assert res.images["code"].tolist() == [-10, -11, -12, 0]
    messages = res.images["message"].tolist()
    assert "encrypted" in messages[0] and "password" in messages[0]
    assert "damaged" in messages[1] and "no pages" in messages[2]


@pytest.mark.engine
def test_parquet_written_before_pages_reads_with_page_and_dpi_na(three, tmp_path):
    _, res = three
    out = res.to_parquet(tmp_path / "old")
    table = pq.read_table(out / "images.parquet").drop(["page", "dpi"])  # an older file
    pq.write_table(table, out / "images.parquet")
    back = ocrframe.read_parquet(out)
    assert back.images["page"].isna().all() and back.images["dpi"].isna().all()
    assert str(back.images["page"].dtype) == "Int32"
    assert back.items.equals(res.items)


def test_multi_page_responses_fill_the_page_and_parquet_keeps_it(tmp_path):
    responses = Path(ocrframe.data_path("responses"))
    for name in ("textract_2pages.json", "doctr_2pages.json", "cloud_vision_files_batch.json"):
        res = ocrframe.read_json(responses / name)
        assert res.images["page"].tolist() == [1, 2], name
        back = ocrframe.read_parquet(res.to_parquet(tmp_path / name))
        assert back.images["page"].tolist() == [1, 2]
    pages = ocrframe.read_json(responses / "paddleocr3_pages.json")
    assert pages.images["page"].tolist() == [1, 2]
    text = (responses / "tesseract_alternatives.hocr").read_text(encoding="utf-8")
    start, end = text.index("<div class='ocr_page'"), text.rindex("</div>") + len("</div>")
    page = text[start:end]
    two = text[:start] + page + page.replace("ppageno 0", "ppageno 1") + text[end:]
    assert ocrframe.from_response(two).images["page"].tolist() == [1, 2]


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


# -- any orientation ---------------------------------------------------------------------------


def _forward(point: tuple[float, float], k: int, shape) -> tuple[float, float]:
    """Where a point of an image lands when Pillow turns it ``rotate(90 * k, expand=True)``
    (counter-clockwise): one quarter turn of an image w wide takes (x, y) to (y, w - x)."""
    x, y = point
    h, w = shape[:2]
    for _ in range(k % 4):
        x, y = y, w - x
        h, w = w, h
    return x, y


def _mapped(box, k: int, shape) -> tuple[float, float, float, float]:
    """An upright box (x, y, w, h) where it lands on the page turned by ``k`` quarters."""
    x, y, w, h = box
    corners = [_forward(p, k, shape) for p in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def test_turning_back_undoes_a_turn():
    shape = (70, 50)
    for k in range(4):
        assert turn_back(_forward((12.0, 34.0), k, shape), k, shape) == pytest.approx((12.0, 34.0))


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_pages_turned_a_quarter_or_half_read_as_upright(name, samples_result):
    upright_img = Image.open(SAMPLES[name]).convert("RGB")
    shape = np.asarray(upright_img).shape
    # the run's reading of the upright sample (the same pixels, read from the file)
    upright = samples_result.select(samples_result.images["source"] == SAMPLES[name])
    base_cer = cer_of(upright, 0, name)
    for k in (1, 2, 3):
        turned = np.asarray(upright_img.rotate(90 * k, expand=True))
        res = ocrframe.recognize(turned, progress=False)
        assert cer_of(res, 0, name) <= base_cer + 0.01, (name, k)
        truth_angle = -90.0 * k  # Pillow turns counter-clockwise; the vendors count clockwise
        got = float(res.images.loc[0, "angle"])
        assert abs((got - truth_angle + 180) % 360 - 180) <= 5, (name, k, got)
        # every item where its upright box lands on the turned page (within 3 px)
        assert res.items["text"].tolist() == upright.items["text"].tolist(), (name, k)
        for a, b in zip(upright.items.itertuples(), res.items.itertuples()):
            want = _mapped((a.x, a.y, a.width, a.height), k, shape)
            assert max(abs(p - q) for p, q in zip(want, (b.x, b.y, b.width, b.height))) <= 3, (
                name,
                k,
            )


@pytest.mark.engine
@pytest.mark.parametrize("orientation", [6, 8])
def test_a_phone_photo_whose_exif_says_it_is_turned(tmp_path, orientation):
    upright_img = Image.open(SAMPLES["receipt.png"]).convert("RGB")
    # the camera stored the pixels turned and says so in EXIF: viewers show them upright
    stored = upright_img.rotate(90 if orientation == 6 else -90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"photo-{orientation}.jpg"
    # near-lossless, so that the upright reading compared with is of the same pixels
    stored.save(path, quality=100, subsampling=0, exif=exif)
    res = ocrframe.recognize(path, progress=False)
    upright = ocrframe.recognize(SAMPLES["receipt.png"], progress=False)
    assert cer_of(res, 0, "receipt.png") <= cer_of(upright, 0, "receipt.png") + 0.01
    assert abs(float(res.images.loc[0, "angle"])) <= 5
    assert (res.images.loc[0, "image_width"], res.images.loc[0, "image_height"]) == upright_img.size
    for a, b in zip(upright.items.itertuples(), res.items.itertuples()):
        assert (
            max(abs(a.x - b.x), abs(a.y - b.y), abs(a.width - b.width), abs(a.height - b.height))
            <= 6  # JPEG moves an edge by a few pixels; a box left in the turned frame, hundreds
        )


# -- any size -----------------------------------------------------------------------------------


@pytest.mark.engine
def test_small_print_on_a_very_large_scan_is_read():
    from PIL import ImageDraw, ImageFont

    from ocrframe.core import fonts

    lines = [
        "Small print on a very large scan must still be read.",
        "Invoice 2024-0917 total EUR 1,250.00 due 15 March",
    ]
    page = Image.new("RGB", (5000, 7000), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(fonts.font_path_for("".join(lines)), 12)
    for k, text in enumerate(lines):
        draw.text((3100, 4200 + 30 * k), text, fill="black", font=font)
    res = ocrframe.recognize(np.asarray(page), progress=False)
    assert analysis.cer(" ".join(lines), " ".join(res.items["text"])) <= 0.05
    first = res.items.iloc[0]
    assert abs(int(first["x"]) - 3100) <= 4 and abs(int(first["y"]) - 4200) <= 6
    assert math.isfinite(float(res.images.loc[0, "angle"]))


@pytest.mark.engine
def test_ocrframe_serve_gives_the_same_tables_and_reads_a_pdf_part(three):
    import requests

    from ocrframe.server.launch import LocalServer

    path, res = three
    with LocalServer("--no-auth") as server:
        client = ocrframe.TencentLegacy(base_url=server.url, cache=False)
        served = ocrframe.recognize(path, engine=client, progress=False)  # pages rendered here
        part = requests.post(
            f"{server.url}/ocr/general",
            files={"image": ("three.pdf", path.read_bytes())},
            timeout=300,
        ).json()
    for table in ("items", "chars"):
        pd.testing.assert_frame_equal(getattr(served, table), getattr(res, table))
    assert served.images["page"].tolist() == [1, 2, 3]
    assert part["code"] == 0 and part["data"]["page"] == 1  # a PDF part: its first page
    assert ocrframe.from_response(part).images["page"].tolist() == [1]
    assert part["data"]["items"][0]["itemstring"] == res.items["text"].iloc[0]
