"""Real documents in: PDFs and multi-page TIFFs page by page, each page an images row with its
page and dpi. The tests build their own documents: Pillow writes image-only PDFs and multi-page
TIFFs, pikepdf an encrypted PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from documents import SAMPLES, THREE, cer_of, image_pdf, killed_after
from PIL import Image

import ocrframe

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
    done_before = killed_after(script, out, 3)
    assert 3 <= done_before < 9
    ds = ocrframe.recognize(path, out=out, resume=True, batch_size=1, progress=False)
    res = ds.load()
    assert sorted(res.images["page"].tolist()) == list(range(1, 10))  # every page once
    assert len(list((out / "_commits").glob("*.json"))) == 9  # only the missing pages were read


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
