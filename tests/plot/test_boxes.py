"""Pictures, checked on the figure itself (Agg backend): shapes, colours, labels, fonts, axes."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.figure import Figure
from PIL import Image

import ocrframe
from ocrframe.core import fonts
from ocrframe.plot.boxes import GID_PREFIX


@pytest.fixture(scope="module")
def run(replay):
    paths = [
        p
        for p in ocrframe.samples()
        if p.endswith(("rotated.png", "receipt.png", "small_text.png"))
    ]
    return ocrframe.recognize(paths, engine=replay, progress=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def boxes(ax) -> list:
    return [p for p in ax.patches if (p.get_gid() or "").startswith(GID_PREFIX)]


def blank(w=400, h=200) -> np.ndarray:
    return np.full((h, w, 3), 255, np.uint8)


def frame(confidences: list[float], texts: list[str]) -> pd.DataFrame:
    n = len(confidences)
    return pd.DataFrame(
        {
            "image_id": [0] * n,
            "item_id": list(range(n)),
            "text": texts,
            "confidence": pd.array(confidences, dtype="Float32"),
            "x": [10 + 60 * k for k in range(n)],
            "y": [20] * n,
            "width": [50] * n,
            "height": [30] * n,
        }
    )


def test_one_shape_per_row_and_polygons_follow_the_rotated_text(run):
    items = run.items[run.items["image_id"] == 1]  # rotated.png
    ax = ocrframe.plot_boxes(run.pixels_of(1), items)
    drawn = boxes(ax)
    assert len(drawn) == len(items)
    for patch, (_, row) in zip(drawn, items.iterrows()):
        assert np.allclose(patch.get_xy()[:4], np.asarray(row["polygon"]).reshape(-1, 2))
    tops = [np.asarray(p)[:4] for p in items["polygon"]]
    assert all(t[1] != t[3] for t in tops)  # tilted: top-left and top-right differ in y


def test_colours_follow_confidence_on_the_colour_map():
    df = frame([0.1, 0.95], ["low", "high"])
    ax = ocrframe.plot_boxes(blank(), df, cmap="viridis")
    low, high = (p.get_edgecolor() for p in boxes(ax))
    cmap = colormaps["viridis"]
    assert np.allclose(low[:3], cmap(0.1)[:3], atol=0.01)
    assert np.allclose(high[:3], cmap(0.95)[:3], atol=0.01)
    assert not np.allclose(low, high)
    assert len(ax.figure.axes) == 2  # the image and its colour bar


def test_threshold_emphasises_the_doubtful_boxes():
    ax = ocrframe.plot_boxes(blank(), frame([0.3, 0.99], ["a", "b"]), threshold=0.5)
    low, high = boxes(ax)
    assert low.get_linewidth() > 2 * high.get_linewidth()
    assert low.get_alpha() > high.get_alpha()


def test_labels_are_the_frames_text_in_a_font_that_has_every_glyph(run):
    items = run.items[run.items["image_id"] == 0]  # receipt.png, Chinese and English
    ax = ocrframe.plot_boxes(run.pixels_of(0), items, show_text=True)
    labels = [t.get_text() for t in ax.texts]
    assert labels == items["text"].tolist()
    assert any(ord(c) > 0x3000 for c in "".join(labels))
    for text in ax.texts:
        path = text.get_fontproperties().get_file()
        assert path, "a font file is set on every label"
        have = fonts.coverage(path)
        assert all(ord(c) in have for c in text.get_text() if not c.isspace()), path


def test_given_axes_are_used_and_no_pyplot_figure_is_made():
    before = plt.get_fignums()
    fig = Figure()
    ax = fig.subplots()
    out = ocrframe.plot_boxes(blank(), frame([0.5], ["x"]), ax=ax, colorbar=False)
    assert out is ax and len(boxes(ax)) == 1
    assert plt.get_fignums() == before


def test_colour_by_a_category_draws_a_legend():
    df = frame([0.5, 0.6, 0.7], ["a", "b", "c"]).assign(field=["name", "id", "name"])
    ax = ocrframe.plot_boxes(blank(), df, color_by="field")
    edges = [tuple(p.get_edgecolor()) for p in boxes(ax)]
    assert edges[0] == edges[2] != edges[1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["name", "id"]


def test_rows_without_boxes_are_counted_not_drawn():
    res = ocrframe.read_json(ocrframe.data_path("responses/idcard_front_url.json"))
    with pytest.warns(UserWarning, match="6 of 6 rows have no box"):
        ax = ocrframe.plot_boxes(blank(), res.items, image_id=1)
    assert boxes(ax) == []


def test_chars_level_and_ids(run):
    chars = run.chars[run.chars["image_id"] == 2]  # small_text.png
    ax = ocrframe.plot_boxes(run.pixels_of(2), chars, show_ids=True)
    assert len(boxes(ax)) == chars["x"].notna().sum()
    boxed = chars[chars["x"].notna()]  # a space between words has no box to label
    assert len(boxed) < len(chars)
    assert [t.get_text() for t in ax.texts] == boxed["char_id"].astype(str).tolist()


def test_result_plot_and_show_know_their_images(run):
    ax = run.plot(1)
    assert len(boxes(ax)) == run.images.loc[1, "n_items"]
    assert ax.get_images()[0].get_array().shape[:2] == (
        run.images.loc[1, "image_height"],
        run.images.loc[1, "image_width"],
    )
    fig = run.show(cols=2)
    drawn = [ax for ax in fig.axes if boxes(ax)]
    assert len(drawn) == 3


def test_in_memory_images_are_kept_for_plotting(replay):
    data = Path(ocrframe.samples()[1]).read_bytes()
    res = ocrframe.recognize(data, engine=replay, progress=False)
    assert len(res.items) > 3
    assert len(boxes(res.plot(0))) == len(res.items)
    assert len(boxes(res.select([0]).plot(0))) == len(res.items)


def test_confidence_views(run):
    ax = ocrframe.plot_confidence(run, by="source", kind="hist")
    assert len(ax.get_legend().get_texts()) == 3
    ax = ocrframe.plot_confidence(run.chars, kind="ecdf")
    line = ax.get_lines()[0]
    assert line.get_ydata()[-1] == pytest.approx(1.0)
    assert len(line.get_xdata()) == run.chars["confidence"].notna().sum() + 1
    with pytest.raises(ocrframe.OcrframeError, match="by='nope'"):
        ocrframe.plot_confidence(run.items, by="nope")


def test_lowest_gallery_shows_the_least_confident_crops(run):
    fig = ocrframe.plot_lowest(run, n=5)
    shown = [ax for ax in fig.axes if ax.get_images()]
    assert len(shown) == 5
    worst = run.items.nsmallest(5, "confidence")
    titles = [ax.get_title().split("\n")[0] for ax in shown]
    assert titles == worst["text"].tolist()


def test_accessor_works_from_a_filtered_frame(run):
    items = run.items[run.items["image_id"] == 0]
    assert items.ocr.lowest(2)["confidence"].is_monotonic_increasing
    threshold = float(items["confidence"].median())
    assert (items.ocr.below(threshold)["confidence"] < threshold).all()
    ax = items.ocr.below(threshold).ocr.plot_boxes(run.pixels_of(0))
    assert len(boxes(ax)) == len(items.ocr.below(threshold))


def test_missing_font_warns_once_naming_the_debian_packages():
    fonts._warned.clear()
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert fonts.font_path_for("\U00010000") is None  # Linear B: no installed font has it
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fonts.font_path_for("\U00010000")  # the second time is silent


def test_in_memory_images_stay_with_their_rows_through_concat_and_select(replay):
    def png(size):
        buf = io.BytesIO()
        Image.new("RGB", size, "white").save(buf, "PNG")
        return buf.getvalue()

    small = ocrframe.recognize(png((200, 100)), engine=replay, progress=False)
    large = ocrframe.recognize(png((820, 280)), engine=replay, progress=False)
    both = ocrframe.concat([small, large])
    assert both.images["source"].tolist() == ["<bytes #0>", "<bytes #0>"]  # same name
    assert both.pixels_of(0).shape == (100, 200, 3)
    assert both.pixels_of(1).shape == (280, 820, 3)
    assert both.select([1]).pixels_of(0).shape == (280, 820, 3)


def test_a_frame_of_several_images_draws_only_the_given_images_boxes(run):
    # the README's accessor line on a whole result's items: the receipt's boxes on the receipt
    receipt = next(p for p in ocrframe.samples() if p.endswith("receipt.png"))
    doubtful = run.items.ocr.below(0.999)
    on_receipt = doubtful[doubtful["image_id"] == 0]
    assert doubtful["image_id"].nunique() > 1 and len(on_receipt)
    left_out = len(doubtful) - len(on_receipt)
    with pytest.warns(UserWarning, match=f"rows of image 0, leaving out {left_out} rows"):
        ax = doubtful.ocr.plot_boxes(receipt)
    assert len(boxes(ax)) == len(on_receipt)
    # the same file named another way, and the image chosen by id
    with pytest.warns(UserWarning, match="rows of image 2,"):
        ax = ocrframe.plot_boxes(run.pixels_of(2), run.items, image_id=2)
    assert len(boxes(ax)) == run.images.loc[2, "n_items"]
    # no picture given: the result's own picture of that image
    with pytest.warns(UserWarning, match="leaving out"):
        ax = run.items.ocr.plot_boxes(image_id=1)
    assert ax.get_images()[0].get_array().shape[:2] == (
        run.images.loc[1, "image_height"],
        run.images.loc[1, "image_width"],
    )


def test_rows_of_another_image_are_not_drawn_on_a_picture(run):
    receipt = next(p for p in ocrframe.samples() if p.endswith("receipt.png"))
    rotated = run.items[run.items["image_id"] == 1]
    with pytest.warns(UserWarning, match="none of the 3 rows belong to image 0"):
        ax = rotated.ocr.plot_boxes(receipt)
    assert boxes(ax) == []


def test_an_unknown_picture_gets_the_first_images_rows_and_says_so(run):
    with pytest.warns(UserWarning, match=r"image 0 \(the first: pass image_id= to choose\)"):
        ax = ocrframe.plot_boxes(run.pixels_of(0), run.items)
    assert len(boxes(ax)) == run.images.loc[0, "n_items"]


def test_boxes_outside_the_picture_are_left_out_with_a_warning():
    df = frame([0.5, 0.6], ["in", "out"])
    df.loc[1, ["x", "y"]] = [5000, 10]  # far right of a 400 px wide picture
    with pytest.warns(UserWarning, match="1 of 2 boxes lie outside the 400 x 200 picture"):
        ax = ocrframe.plot_boxes(blank(), df)
    assert len(boxes(ax)) == 1


def test_a_legend_of_fields_covers_no_box(replay):
    licence = next(p for p in ocrframe.samples() if p.endswith("licence.png"))
    res = ocrframe.recognize(licence, endpoint="drivinglicence", type=1, engine=replay)
    ax = ocrframe.plot_boxes(licence, res.items, color_by="field")
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    covered = [b for b in boxes(ax) if b.get_window_extent().overlaps(legend)]
    assert len(boxes(ax)) > 5 and covered == []


def test_titles_name_the_file_not_its_whole_path(run):
    assert run.plot(0).get_title() == "receipt.png"
    assert run.title(1) == "rotated.png"


def test_blocks_are_coloured_by_type_and_numbered_by_reading_order():
    res = ocrframe.read_json(ocrframe.data_path("responses/general_layout.json"))
    page = np.full((200, 620, 3), 255, np.uint8)
    blocks = res.blocks.iloc[::-1]  # numbers come from the order column, not the row position
    ax = ocrframe.plot_boxes(page, blocks)
    assert [t.get_text() for t in ax.texts] == ["2", "1", "0"]
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "type"
    assert [t.get_text() for t in legend.get_texts()] == ["text", "title"]
    colours = [p.get_edgecolor() for p in ax.patches]
    assert colours[0] == colours[1] != colours[2]  # the two text blocks alike, the title apart
    res.pixels[0] = page
    drawn = res.plot(0, level="blocks")
    assert len(drawn.patches) == 3
    plt.close("all")
